"""Stating and following up family needs.

Every change passes the privacy guard (also when it does not come through a form) and is
written to the audit log. Needs are never deleted: they are marked addressed or withdrawn, and
can be reopened.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyNeed, LifeDomain, NeedStatus, Urgency
from families.privacy import validate_no_personal_data
from families.signals import need_status_changed
from portal import audit
from portal.models import AuditEvent, Language

PREFERENCES = ("free", "at_school", "outreach", "walk_in", "no_waiting_list")

# Which statuses a need may move to, from each status.
TRANSITIONS: dict[str, set[str]] = {
    NeedStatus.OPEN: {NeedStatus.ADDRESSED, NeedStatus.WITHDRAWN},
    NeedStatus.ADDRESSED: {NeedStatus.OPEN},
    NeedStatus.WITHDRAWN: {NeedStatus.OPEN},
}


class NeedError(Exception):
    """A change to a need that cannot be made; the message can be shown to the user as it is."""


def _check(
    *,
    title: str,
    description: str,
    life_domains: list[LifeDomain],
    urgency: str,
    family_count: int | None,
    age_min: int | None,
    age_max: int | None,
    preferences: list[str],
) -> None:
    for text in (title, description):
        try:
            validate_no_personal_data(text)
        except ValidationError as error:
            raise NeedError(" ".join(error.messages)) from error
    if not title.strip():
        raise NeedError(_("A need has a short title."))
    if not life_domains:
        raise NeedError(_("Choose at least one life domain."))
    if urgency not in Urgency.values:
        raise NeedError(_("Unknown urgency: %s.") % urgency)
    if family_count is None or family_count < 1:
        raise NeedError(_("A need concerns at least one family."))
    for age in (age_min, age_max):
        if age is not None and not 0 <= age <= 25:
            raise NeedError(_("Ages lie between 0 and 25."))
    if age_min is not None and age_max is not None and age_min > age_max:
        raise NeedError(_("The age 'to' is lower than the age 'from'."))
    unknown = set(preferences) - set(PREFERENCES)
    if unknown:
        raise NeedError(_("Unknown preferences: %s.") % ", ".join(sorted(unknown)))


def _snapshot(need: FamilyNeed) -> dict[str, Any]:
    """The need's content as plain values, for the audit log."""
    return {
        "title": need.title,
        "description": need.description,
        "life_domains": sorted(domain.slug for domain in need.life_domains.all()),
        "home_languages": sorted(language.code for language in need.home_languages.all()),
        "age_min": need.age_min,
        "age_max": need.age_max,
        "family_count": need.family_count,
        "urgency": need.urgency,
        "preferences": [key for key in PREFERENCES if getattr(need, f"prefers_{key}")],
        "status": need.status,
    }


@transaction.atomic
def create_need(
    *,
    school,
    by,
    title: str,
    life_domains: Iterable[LifeDomain],
    family_count: int = 1,
    urgency: str = Urgency.MEDIUM,
    description: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    home_languages: Iterable[Language] = (),
    preferences: Iterable[str] = (),
) -> FamilyNeed:
    """State a new, open need for `school`, by one of its members (or a moderator)."""
    life_domains, home_languages, preferences = list(life_domains), list(home_languages), list(preferences)
    _check(
        title=title,
        description=description,
        life_domains=life_domains,
        urgency=urgency,
        family_count=family_count,
        age_min=age_min,
        age_max=age_max,
        preferences=preferences,
    )
    need = FamilyNeed.objects.create(
        school=school,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        title=title.strip(),
        description=description.strip(),
        age_min=age_min,
        age_max=age_max,
        family_count=family_count,
        urgency=urgency,
        status=NeedStatus.OPEN,
        **{f"prefers_{key}": key in preferences for key in PREFERENCES},
    )
    need.life_domains.set(life_domains)
    need.home_languages.set(home_languages)
    audit.record(actor=by, action=AuditEvent.Action.CREATE, obj=need, changes=_snapshot(need))
    return need


@transaction.atomic
def update_need(
    *,
    need: FamilyNeed,
    by,
    title: str,
    life_domains: Iterable[LifeDomain],
    family_count: int,
    urgency: str,
    description: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    home_languages: Iterable[Language] = (),
    preferences: Iterable[str] = (),
) -> dict[str, list]:
    """Change what a need says; returns {field: [old, new]} (empty when nothing changed).

    The status is not changed here: that is `set_need_status`.
    """
    life_domains, home_languages, preferences = list(life_domains), list(home_languages), list(preferences)
    _check(
        title=title,
        description=description,
        life_domains=life_domains,
        urgency=urgency,
        family_count=family_count,
        age_min=age_min,
        age_max=age_max,
        preferences=preferences,
    )
    before = _snapshot(need)
    fields = {
        "title": title.strip(),
        "description": description.strip(),
        "age_min": age_min,
        "age_max": age_max,
        "family_count": family_count,
        "urgency": urgency,
        **{f"prefers_{key}": key in preferences for key in PREFERENCES},
    }
    changed = [name for name, value in fields.items() if getattr(need, name) != value]
    for name in changed:
        setattr(need, name, fields[name])
    if {domain.pk for domain in life_domains} != {domain.pk for domain in need.life_domains.all()}:
        need.life_domains.set(life_domains)
        changed.append("life_domains")
    if {language.pk for language in home_languages} != {language.pk for language in need.home_languages.all()}:
        need.home_languages.set(home_languages)
        changed.append("home_languages")
    if not changed:
        return {}
    need.save(update_fields=[name for name in changed if name in fields] + ["updated_at"])
    changes = audit.diff(before, _snapshot(need))
    audit.record(actor=by, action=AuditEvent.Action.UPDATE, obj=need, changes=changes)
    return changes


@transaction.atomic
def set_need_status(*, need: FamilyNeed, by, status: str) -> FamilyNeed:
    """Mark a need addressed, withdraw it or reopen it.

    A conditional update on the status the user saw: when someone else changed it in the
    meantime, nothing happens and the error says what the status is now. Works the same on
    SQLite and PostgreSQL, without row locks.
    """
    if status not in TRANSITIONS:
        raise NeedError(_("Unknown status: %s.") % status)
    seen = need.status
    if status == seen:
        raise NeedError(_("This need is already %(status)s.") % {"status": NeedStatus(status).label})
    if status not in TRANSITIONS[seen]:
        raise NeedError(
            _("Only an open need can be marked as addressed or withdrawn; this one is %(status)s. Reopen it first.")
            % {"status": NeedStatus(seen).label}
        )
    updated = FamilyNeed.objects.filter(pk=need.pk, status=seen).update(status=status, updated_at=timezone.now())
    if not updated:
        now = FamilyNeed.objects.filter(pk=need.pk).values_list("status", flat=True).first()
        label = NeedStatus(now).label if now else _("gone")
        raise NeedError(
            _("Someone changed this need in the meantime: it is now %(status)s. Nothing was changed.")
            % {"status": label}
        )
    need.refresh_from_db(fields=["status", "updated_at"])
    audit.record(actor=by, action=AuditEvent.Action.STATUS, obj=need, changes={"status": [seen, status]})
    need_status_changed.send(sender=FamilyNeed, need=need, by=by, old=seen, new=status)
    return need
