"""Linking imported schools to the CLB that guides them (bridge.CLBSchool).

The school list import (schools.importer) knows schools, not CLBs: schools never import bridge.
The orchestration in portal.data_imports calls this module in the same transaction, so a list
with an unknown CLB name imports nothing at all.
"""

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from bridge.models import CLB, CLBSchool
from schools.models import School


@dataclass
class ClbLinks:
    """What linking would change or changed. Both dicts are keyed by institution number:
    `changes` holds [current CLB name or "", new CLB name] where the link differs, `problems` a
    message a person can read. With problems, nothing was written."""

    changes: dict[str, list[str]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _clbs_by_name() -> dict[str, list[CLB]]:
    by_name: dict[str, list[CLB]] = {}
    for clb in CLB.objects.only("id", "name"):
        by_name.setdefault(_key(clb.name), []).append(clb)
    return by_name


def _name_problem(name: str, by_name: dict[str, list[CLB]]) -> str | None:
    matches = by_name.get(_key(name), [])
    if len(matches) == 1:
        return None
    if matches:
        return _("several CLBs are called “%(name)s”; link this school to its CLB in the admin.") % {"name": name}
    message = _("no CLB called “%(name)s” in Brugwijzer.") % {"name": name}
    close = difflib.get_close_matches(_key(name), list(by_name), n=1, cutoff=0.75)
    if close:
        message += " " + _("Did you mean “%(suggestion)s”?") % {"suggestion": by_name[close[0]][0].name}
    return message


def check_clb_names(names: Iterable[str]) -> dict[str, str]:
    """{name: problem} for the names that do not point to exactly one CLB."""
    by_name = _clbs_by_name()
    problems = {name: _name_problem(name, by_name) for name in set(names)}
    return {name: problem for name, problem in problems.items() if problem}


def link_schools_to_clbs(pairs: Sequence[tuple[str, str]], *, dry_run: bool = False) -> ClbLinks:
    """Give each school (by institution number) the CLB with that name, matched without regard to
    case or spacing. An unknown or ambiguous name is a problem for that school; so is, when not a
    dry run, an institution number without a school. In a dry run a school that does not exist yet
    counts as having no CLB: the import would create it first.

    A school has at most one CLB (CLBSchool's unique constraint): a new name replaces the link.
    Call it inside the caller's transaction: it writes nothing when there is a problem, but the
    caller decides whether the rest of the import stands.
    """
    result = ClbLinks()
    if not pairs:
        return result
    by_name = _clbs_by_name()
    numbers = [number for number, _name in pairs]
    schools = {
        s.institution_number: s
        for s in School.objects.filter(institution_number__in=numbers).only("id", "institution_number")
    }
    current = {
        link.school_id: link
        for link in CLBSchool.objects.filter(school__institution_number__in=numbers).select_related("clb")
    }

    wanted: list[tuple[School, CLB, CLBSchool | None]] = []
    for number, name in pairs:
        problem = _name_problem(name, by_name)
        if problem:
            result.problems[number] = problem
            continue
        clb = by_name[_key(name)][0]
        school = schools.get(number)
        if school is None:
            if not dry_run:
                result.problems[number] = _("no school with institution number %(number)s.") % {"number": number}
            else:
                result.changes[number] = ["", clb.name]
            continue
        link = current.get(school.pk)
        if link is None or link.clb_id != clb.pk:
            result.changes[number] = [link.clb.name if link else "", clb.name]
            wanted.append((school, clb, link))

    if dry_run or result.problems:
        return result
    for school, clb, link in wanted:
        if link is None:
            CLBSchool.objects.create(school=school, clb=clb)
        else:
            link.clb = clb
            link.save(update_fields=["clb"])
    return result
