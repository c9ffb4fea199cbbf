"""Imports that span apps, each all or nothing: the official school list (schools + their CLB,
which lives in bridge) and HSDS files of welfare services.

Both the management command (`import_schools`) and the moderators' pages (portal.data_views)
call these functions; a dry run goes through exactly the same checks and writes nothing.
"""

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from bridge.school_import import check_clb_names, link_schools_to_clbs
from portal import audit
from portal.models import AuditEvent
from schools.importer import (
    Action,
    ImportProblem,
    SchoolChange,
    apply_school_import,
    parse_school_list,
    plan_school_import,
)

# progress(phase, done, total): phase is one of the PHASE_* names below.
Progress = Callable[[str, int, int], None]
PHASE_CHECK = "check"
PHASE_SCHOOLS = "schools"
PHASE_CLBS = "clbs"
PHASE_LOG = "log"
PHASE_HSDS = "hsds"


class _Rollback(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems


@dataclass
class SchoolImportReport:
    """What a school list import found or did. With problems, nothing was written."""

    dry_run: bool
    problems: list[ImportProblem] = field(default_factory=list)
    changes: list[SchoolChange] = field(default_factory=list)
    fingerprint: str = ""
    applied: bool = False
    data_changed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    @property
    def changed(self) -> list[SchoolChange]:
        return [change for change in self.changes if change.action != Action.UNCHANGED]

    @property
    def sorted_problems(self) -> list[ImportProblem]:
        return sorted(self.problems, key=lambda p: (p.line, p.field))

    def summary(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _noop(phase: str, done: int, total: int) -> None:
    return None


def import_school_list(
    data: bytes,
    *,
    by=None,
    dry_run: bool,
    source: str = "",
    progress: Progress | None = None,
    expect_fingerprint: str | None = None,
) -> SchoolImportReport:
    """Check the whole list and, unless it is a dry run or anything is wrong, create and update
    its schools and their CLB links in one transaction: all or nothing.

    With `expect_fingerprint` (from a preview), nothing is written unless the changes are still
    exactly those: `data_changed` then tells the caller to show a new preview.

    Every school created or updated gets an audit event (actor `by`, or none from the command line),
    with the fields that changed, its CLB and `source` (the file name). Importing the same file again
    changes nothing and records nothing: every school is "unchanged".
    """
    progress = progress or _noop
    progress(PHASE_CHECK, 0, 0)
    report = SchoolImportReport(dry_run=dry_run)
    parsed = parse_school_list(data)
    # A dry run only reads: outside a transaction it does not wait for an import that is running
    # (SQLite takes its write lock when a transaction begins).
    try:
        with contextlib.nullcontext() if dry_run else transaction.atomic():
            plan = plan_school_import(parsed)
            lines = {row.institution_number: row.line for row in parsed.rows}
            pairs = [(row.institution_number, row.clb_name) for row in parsed.rows if row.clb_name]
            links = link_schools_to_clbs(pairs, dry_run=True)
            problems = list(plan.problems) + [
                ImportProblem(lines[number], "clb", message) for number, message in links.problems.items()
            ]
            if parsed.unchecked_clbs:
                unknown = check_clb_names(parsed.unchecked_clbs.values())
                problems += [
                    ImportProblem(line, "clb", unknown[name])
                    for line, name in parsed.unchecked_clbs.items()
                    if name in unknown
                ]
            for change in plan.changes:
                if change.institution_number in links.changes:
                    change.clb = links.changes[change.institution_number]
                    if change.action == Action.UNCHANGED:
                        change.action = Action.UPDATE
            report.changes = plan.changes
            report.problems = problems
            report.fingerprint = plan.fingerprint
            if dry_run or problems:
                return report
            if expect_fingerprint is not None and expect_fingerprint != report.fingerprint:
                report.data_changed = True
                return report

            touched = apply_school_import(
                plan, by=by, progress=lambda done, total: progress(PHASE_SCHOOLS, done, total)
            )
            progress(PHASE_CLBS, 0, 1)
            linked = link_schools_to_clbs(pairs)
            if linked.problems:
                raise _Rollback(
                    [ImportProblem(lines[number], "clb", message) for number, message in linked.problems.items()]
                )
            progress(PHASE_CLBS, 1, 1)
            for done, (change, school) in enumerate(touched, start=1):
                changes: dict[str, Any] = dict(change.changes)
                if change.clb is not None:
                    changes["clb"] = change.clb
                changes["imported_from"] = source or _("school list")
                audit.record(
                    actor=by,
                    action=AuditEvent.Action.CREATE if change.action == Action.CREATE else AuditEvent.Action.UPDATE,
                    obj=school,
                    changes=changes,
                )
                progress(PHASE_LOG, done, len(touched))
    except _Rollback as rollback:
        report.problems = rollback.problems
        return report
    except DatabaseError as error:
        # Someone changed the same schools at the same moment (a unique or check constraint).
        report.problems = [ImportProblem(1, "", _("the database refused the import: %(error)s") % {"error": error})]
        return report
    report.applied = True
    return report


# --- HSDS -----------------------------------------------------------------------------------------


class HsdsFileError(Exception):
    """The file cannot be read as JSON; the message says where and why."""


def read_hsds_payload(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HsdsFileError(_("The file is not UTF-8 text (line %(line)d).") % {"line": line}) from None
    if not text.strip():
        raise HsdsFileError(_("The file is empty."))
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise HsdsFileError(
            _("The file is not valid JSON: line %(line)d, column %(column)d: %(problem)s.")
            % {"line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from None
    except RecursionError:
        raise HsdsFileError(_("The file is not valid JSON: it is nested too deeply.")) from None


def hsds_fingerprint(report) -> str:
    """Stable hash of what an HSDS import would change, like SchoolPlan.fingerprint: of the planned
    changes as data, not of the sentences that describe them in the moderator's language."""
    plain = [
        sorted(report.created.items()),
        sorted(report.updated.items()),
        sorted(report.unchanged.items()),
        list(report.planned),
    ]
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


class DataChanged(Exception):
    """What an import would change is no longer what the moderator previewed."""


def import_hsds(payload: Any, *, by, dry_run: bool, expect_fingerprint: str | None = None):
    """Import welfare services from an HSDS payload through welfare.hsds, all or nothing; returns
    its HsdsReport. welfare.hsds records every organisation, location and offer it creates or
    changes in the audit log, with `by` as the actor.

    A dry run is rolled back whatever happens inside. With `expect_fingerprint` (from a preview)
    it raises DataChanged, writing nothing, unless the changes are still the previewed ones.
    """
    from welfare import hsds

    if dry_run:
        with transaction.atomic():
            report = hsds.import_services(payload, dry_run=True, by=by)
            transaction.set_rollback(True)
        return report

    def still_previewed(changes) -> None:
        # On the comparison that is about to be written, not on a second look before it: another
        # import committed in between would otherwise pass the check and then change nothing.
        if hsds_fingerprint(changes) != expect_fingerprint:
            raise DataChanged

    try:
        with transaction.atomic():
            check = still_previewed if expect_fingerprint is not None else None
            report = hsds.import_services(payload, dry_run=False, by=by, check=check)
            if not report.ok:
                raise _HsdsRollback(report)
    except _HsdsRollback as rollback:
        return rollback.report
    return report


class _HsdsRollback(Exception):
    def __init__(self, report):
        self.report = report
