"""The collaboration record: its three questions, its lifecycle, its learning log, review reminders.

The record follows the practice guide (gids samenwerking onderwijs-welzijn): Waarom (needs,
life domains, urgency, goals), Onder welke voorwaarden (a checklist of eight conditions, each in
place, a challenge or not discussed yet) and Wie doet wat (the tasks and the limits of six
partners). Its lifecycle:

    proposed ──▶ agreed ──▶ active ──▶ evaluated ──▶ ended
                   └──────────┴──────(stop early)─────▶ ended

Every status change is a conditional update on the status the person saw
(`filter(pk=…, status=<expected>).update(…)`): a double click, or two partners pressing a button
at the same moment, ends in exactly one change; the second is told nothing new when it asked for
the same step, and what happened in the meantime otherwise.

Every change is written to the audit log with {field: [old, new]} (portal.audit.diff), against
the object it changed (the collaboration, one condition, one role, one learning entry), so the
record's history shows who changed what. Condition and role rows, once made, are never deleted:
an actor whose texts are emptied keeps an empty row, so its history stays reachable.

Free text (goals, notes, tasks, limits, the learning log) passes the privacy guard: a record is
about how partners work together, never about a family.

Reminders: `remind_reviews` (daily, `manage.py remind_collaboration_reviews`) e-mails the
partners once when a review date is a week away or has passed.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridge.models import (
    Actor,
    Collaboration,
    CollaborationCondition,
    CollaborationForm,
    CollaborationRole,
    CollaborationStatus,
    ConditionKind,
    ConditionState,
    LearningEntry,
)
from bridge.record_access import records_visible_to, sides_for
from families.models import FamilyNeed, LifeDomain, Urgency
from families.privacy import validate_no_personal_data
from portal import audit
from portal.mail import notify
from portal.models import AuditEvent, Membership, MembershipRole

Action = AuditEvent.Action
Status = CollaborationStatus

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PROPOSED: (Status.AGREED,),
    Status.AGREED: (Status.ACTIVE, Status.ENDED),
    Status.ACTIVE: (Status.EVALUATED, Status.ENDED),
    Status.EVALUATED: (Status.ENDED,),
    Status.ENDED: (),
}

REVIEW_NOTICE_DAYS = 7


class RecordError(Exception):
    """A change to a collaboration record that cannot happen; the message is shown as is."""


def _require_partner(by, collaboration: Collaboration) -> None:
    if by is None or not records_visible_to(by).filter(pk=collaboration.pk).exists():
        raise PermissionDenied


def _check_private(*texts: str) -> None:
    for text in texts:
        try:
            validate_no_personal_data(text)
        except ValidationError as error:
            raise RecordError(" ".join(error.messages)) from error


def _created(values: dict[str, Any]) -> dict[str, list]:
    """The audit changes of a new row: {field: [None, value]} for the fields that hold something."""
    return audit.diff({}, {name: value for name, value in values.items() if value not in ("", None)})


def _clean(text: str | None) -> str:
    return (text or "").strip()


# --- Waarom -----------------------------------------------------------------------------------


def update_why(
    *,
    collaboration: Collaboration,
    by,
    title: str,
    form: str,
    urgency: str,
    goals: str,
    needs: Iterable[FamilyNeed],
    life_domains: Iterable[LifeDomain],
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    review_date: datetime.date | None,
) -> Collaboration:
    """Change the Waarom section, the form and the dates.

    The needs must be the school's own. A new review date may not lie in the past (an old one may
    stay as it is when other fields change); moving it clears the reminder, so the partners are
    reminded of the new date too.
    """
    _require_partner(by, collaboration)
    title, goals = " ".join((title or "").split()), _clean(goals)
    if not title:
        raise RecordError(_("Give the collaboration a title."))
    if form not in CollaborationForm.values:
        raise RecordError(_("Choose the form of the collaboration."))
    if urgency not in Urgency.values:
        raise RecordError(_("Choose how urgent the collaboration is."))
    _check_private(title, goals)
    needs, life_domains = list(needs), list(life_domains)
    if any(need.school_id != collaboration.school_id for need in needs):
        raise RecordError(_("Only the needs of the collaboration's school can be linked to it."))
    if start_date and end_date and end_date < start_date:
        raise RecordError(_("The end date lies before the start date."))
    if review_date and review_date != collaboration.review_date and review_date < timezone.localdate():
        raise RecordError(_("The review date lies in the past: choose a date from today on."))

    with transaction.atomic():
        current = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
        fields = ("title", "form", "urgency", "goals", "start_date", "end_date", "review_date")
        before: dict[str, Any] = {name: getattr(current, name) for name in fields}
        before["needs"] = sorted(current.needs.values_list("pk", flat=True))
        before["life_domains"] = sorted(current.life_domains.values_list("slug", flat=True))
        after: dict[str, Any] = {
            "title": title,
            "form": form,
            "urgency": urgency,
            "goals": goals,
            "start_date": start_date,
            "end_date": end_date,
            "review_date": review_date,
            "needs": sorted(need.pk for need in needs),
            "life_domains": sorted(domain.slug for domain in life_domains),
        }
        changes = audit.diff(before, after)
        if not changes:
            return current
        for name in fields:
            setattr(current, name, after[name])
        update_fields = [*fields, "updated_at"]
        if "review_date" in changes:
            current.review_reminded_at = None
            update_fields.append("review_reminded_at")
        current.save(update_fields=update_fields)
        if "needs" in changes:
            current.needs.set(needs)
        if "life_domains" in changes:
            current.life_domains.set(life_domains)
        audit.record(actor=by, action=Action.UPDATE, obj=current, changes=changes)
    return current


# --- Onder welke voorwaarden ------------------------------------------------------------------


def save_conditions(
    *, collaboration: Collaboration, by, conditions: Mapping[str, tuple[str, str]]
) -> list[CollaborationCondition]:
    """Save the checklist: {kind: (state, note)} for the eight ConditionKinds. A row is made the
    first time a condition is saved (one per kind, guarded by the database); a row that does not
    change is not touched."""
    _require_partner(by, collaboration)
    for kind, (state, note) in conditions.items():
        if kind not in ConditionKind.values:
            raise RecordError(_("Unknown condition."))
        if state not in ConditionState.values:
            raise RecordError(_("Choose for each condition whether it is in place or a challenge."))
        _check_private(note)
    with transaction.atomic():
        Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        existing = {row.kind: row for row in CollaborationCondition.objects.filter(collaboration=collaboration)}
        for kind in ConditionKind.values:
            if kind not in conditions:
                continue
            state, note = conditions[kind][0], _clean(conditions[kind][1])
            row = existing.get(kind)
            if row is None:
                row = CollaborationCondition.objects.create(
                    collaboration=collaboration, kind=kind, state=state, note=note
                )
                existing[kind] = row
                audit.record(actor=by, action=Action.CREATE, obj=row, changes=_created({"state": state, "note": note}))
                continue
            changes = audit.diff({"state": row.state, "note": row.note}, {"state": state, "note": note})
            if changes:
                row.state, row.note = state, note
                row.save(update_fields=["state", "note"])
                audit.record(actor=by, action=Action.UPDATE, obj=row, changes=changes)
    return [existing[kind] for kind in ConditionKind.values if kind in existing]


# --- Wie doet wat -----------------------------------------------------------------------------


def save_roles(*, collaboration: Collaboration, by, roles: Mapping[str, tuple[str, str]]) -> list[CollaborationRole]:
    """Save the roles: {actor: (tasks, limits)}. An actor with neither tasks nor limits gets no
    row; one that had a row keeps it, emptied, so its history stays with the record."""
    _require_partner(by, collaboration)
    for actor, (tasks, limits) in roles.items():
        if actor not in Actor.values:
            raise RecordError(_("Unknown partner."))
        _check_private(tasks, limits)
    with transaction.atomic():
        Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
        existing = {row.actor: row for row in CollaborationRole.objects.filter(collaboration=collaboration)}
        for actor in Actor.values:
            if actor not in roles:
                continue
            tasks, limits = _clean(roles[actor][0]), _clean(roles[actor][1])
            row = existing.get(actor)
            if row is None:
                if not tasks and not limits:
                    continue
                row = CollaborationRole.objects.create(
                    collaboration=collaboration, actor=actor, tasks=tasks, limits=limits
                )
                existing[actor] = row
                audit.record(
                    actor=by, action=Action.CREATE, obj=row, changes=_created({"tasks": tasks, "limits": limits})
                )
                continue
            changes = audit.diff({"tasks": row.tasks, "limits": row.limits}, {"tasks": tasks, "limits": limits})
            if changes:
                row.tasks, row.limits = tasks, limits
                row.save(update_fields=["tasks", "limits"])
                audit.record(actor=by, action=Action.UPDATE, obj=row, changes=changes)
    return [existing[actor] for actor in Actor.values if actor in existing]


# --- lifecycle --------------------------------------------------------------------------------


def next_statuses(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def _status_label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def change_status(*, collaboration: Collaboration, by, to: str, expected: str | None = None) -> Collaboration:
    """Move the collaboration from `expected` (the status the person saw; by default the one
    loaded) to `to`, when the lifecycle allows it.

    Going active sets the start date to today when none was set; ending sets the end date to
    today when none was set (and today is not before the start). Asking again for a step that has
    just been taken (a double click) changes nothing and raises nothing.
    """
    _require_partner(by, collaboration)
    expected = expected or collaboration.status
    if to not in next_statuses(expected):
        raise RecordError(
            _("A collaboration that is %(old)s cannot become %(new)s.")
            % {"old": _status_label(expected), "new": _status_label(to)}
        )
    today = timezone.localdate()
    with transaction.atomic():
        # Locked (PostgreSQL), so that a start date changed at this moment (update_why) cannot make
        # the end date computed here fall before it.
        dates = (
            Collaboration.objects.select_for_update()
            .filter(pk=collaboration.pk)
            .values("start_date", "end_date")
            .first()
            or {}
        )
        extra: dict[str, Any] = {}
        if to == Status.ACTIVE and dates.get("start_date") is None:
            extra["start_date"] = today
        if to == Status.ENDED and dates.get("end_date") is None:
            start = dates.get("start_date")
            if start is None or start <= today:
                extra["end_date"] = today
        won = Collaboration.objects.filter(pk=collaboration.pk, status=expected).update(
            status=to, updated_at=timezone.now(), **extra
        )
        if not won:
            current = Collaboration.objects.filter(pk=collaboration.pk).values_list("status", flat=True).first()
            if current == to:
                collaboration.refresh_from_db()
                return collaboration
            raise RecordError(
                _("Someone changed the status in the meantime: the collaboration is now %(status)s.")
                % {"status": _status_label(current or "")}
            )
        changes = {"status": [expected, to], **{name: [None, value] for name, value in extra.items()}}
        collaboration.status = to
        for name, value in extra.items():
            setattr(collaboration, name, value)
        audit.record(actor=by, action=Action.STATUS, obj=collaboration, changes=changes)
    return collaboration


# --- learning log -----------------------------------------------------------------------------


def add_learning_entry(
    *,
    collaboration: Collaboration,
    by,
    author_side: str,
    what_happened: str,
    learned: str,
    take_away: str = "",
) -> LearningEntry:
    """Write in the learning log: what happened, what we learned from the other side, what we
    take into our own work. The author writes for a side they belong to (`sides_for`)."""
    _require_partner(by, collaboration)
    what_happened, learned, take_away = _clean(what_happened), _clean(learned), _clean(take_away)
    if author_side not in sides_for(by, collaboration).actors:
        raise RecordError(_("Choose a side you belong to."))
    if not what_happened or not learned:
        raise RecordError(_("Write what happened and what you learned from the other side."))
    _check_private(what_happened, learned, take_away)
    with transaction.atomic():
        entry = LearningEntry.objects.create(
            collaboration=collaboration,
            author=by,
            author_side=author_side,
            what_happened=what_happened,
            learned=learned,
            take_away=take_away,
        )
        audit.record(
            actor=by,
            action=Action.CREATE,
            obj=entry,
            changes=_created(
                {
                    "author_side": author_side,
                    "what_happened": what_happened,
                    "learned": learned,
                    "take_away": take_away,
                }
            ),
        )
    return entry


# --- review reminders (daily) -----------------------------------------------------------------


def _partner_emails(collaboration: Collaboration) -> list[str]:
    """Approved administrators of the school and of its organisations, and the broker."""
    admins = Membership.objects.approved().filter(role=MembershipRole.ADMIN, user__is_active=True)
    emails = list(admins.filter(school_id=collaboration.school_id).values_list("user__email", flat=True)) + list(
        admins.filter(organisation__collaborations=collaboration).values_list("user__email", flat=True)
    )
    broker = collaboration.broker
    if broker is not None and broker.is_active:
        emails.append(broker.email)
    return emails


def remind_reviews(*, today: datetime.date | None = None) -> int:
    """E-mail the partners once when a collaboration's review date is at most a week away (or has
    passed without a reminder); returns how many collaborations were reminded. Ended
    collaborations are not reminded. A conditional update on `review_reminded_at` makes sure that
    overlapping runs send one reminder."""
    today = today or timezone.localdate()
    due = (
        Collaboration.objects.filter(
            review_date__isnull=False,
            review_date__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS),
            review_reminded_at__isnull=True,
        )
        .exclude(status=Status.ENDED)
        .select_related("school", "broker")
        .prefetch_related("organisations")
        .order_by("review_date", "pk")
    )
    count = 0
    for collaboration in due:
        now = timezone.now()
        with transaction.atomic():
            if not Collaboration.objects.filter(
                pk=collaboration.pk, review_date=collaboration.review_date, review_reminded_at__isnull=True
            ).update(review_reminded_at=now):
                continue
            audit.record(
                actor=None, action=Action.UPDATE, obj=collaboration, changes={"review_reminded_at": [None, now]}
            )
            notify(
                template="email/record/review_reminder",
                to=_partner_emails(collaboration),
                context={
                    "title": collaboration.title,
                    "school_name": collaboration.school.name,
                    "organisation_names": [organisation.name for organisation in collaboration.organisations.all()],
                    "review_date": collaboration.review_date.strftime("%d/%m/%Y"),
                    "overdue": collaboration.review_date < today,
                    "status": collaboration.status,
                    "record_path": reverse("record:overview", kwargs={"pk": collaboration.pk}),
                },
            )
            count += 1
    return count
