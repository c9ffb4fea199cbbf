"""Changes welfare workers make to their organisation, locations and offers.

Every change is made inside a transaction and written to the audit log as {field: [old, new]}.
Nothing with history is hard deleted: an offer is deactivated, a suggested correction is marked
applied or dismissed. State changes that two people can make at the same moment (deactivating,
handling a correction) are conditional updates, so the second one is told instead of overwriting.

The last part holds the read-only helpers of the service-area picker (a province, or the
municipalities around a location).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.models import LifeDomain
from portal.audit import diff, record
from portal.mail import absolute, notify
from portal.models import AuditEvent, Language, Membership, MembershipRole, MembershipStatus, Municipality, Region, User
from welfare.models import (
    ACCESS_MODES,
    Capacity,
    CorrectionStatus,
    Location,
    Offer,
    OfferCorrection,
    Organisation,
)

Action = AuditEvent.Action

ORGANISATION_FIELDS = ("name", "kind", "description", "kbo_number", "website", "email", "phone")
LOCATION_FIELDS = ("name", "street", "postal_code", "municipality", "latitude", "longitude", "opening_hours")
ACCESS_FIELDS = tuple(field for field, _code, _label in ACCESS_MODES)
OFFER_FIELDS = (
    "name",
    "description",
    "next_steps",
    "age_min",
    "age_max",
    "cost",
    "cost_note",
    *ACCESS_FIELDS,
    "capacity",
    "waiting_weeks",
    "is_active",
)
OFFER_RELATIONS = ("life_domains", "languages", "service_area", "locations")


class WelfareError(Exception):
    """A change that cannot be made; the message is shown to the person who tried."""


def _snapshot(obj, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def _check_fields(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")


# --- organisation ------------------------------------------------------------------------------


@transaction.atomic
def update_organisation(*, organisation: Organisation, by, values: Mapping[str, Any]) -> Organisation:
    """Change the organisation's profile (admins only; the view checks). KBO arrives normalised."""
    _check_fields(values, ORGANISATION_FIELDS)
    before = _snapshot(organisation, values)
    for field, value in values.items():
        setattr(organisation, field, value)
    changes = diff(before, _snapshot(organisation, values))
    if not changes:
        return organisation
    try:
        with transaction.atomic():
            organisation.save(update_fields=[*changes, "updated_at"])
    except IntegrityError as error:
        raise WelfareError(_("Another organisation is already registered with this KBO number.")) from error
    record(actor=by, action=Action.UPDATE, obj=organisation, changes=changes)
    return organisation


# --- locations ---------------------------------------------------------------------------------


@transaction.atomic
def save_location(
    *, organisation: Organisation, by, values: Mapping[str, Any], location: Location | None = None
) -> Location:
    """Add a location to the organisation, or change one of its locations."""
    _check_fields(values, LOCATION_FIELDS)
    if location is None:
        location = Location(organisation=organisation, **values)
        location.save()
        record(actor=by, action=Action.CREATE, obj=location, changes=diff({}, _snapshot(location, values)))
        return location
    if location.organisation_id != organisation.pk:
        raise WelfareError(_("This location belongs to another organisation."))
    before = _snapshot(location, values)
    for field, value in values.items():
        setattr(location, field, value)
    changes = diff(before, _snapshot(location, values))
    if changes:
        location.save(update_fields=list(changes))
        record(actor=by, action=Action.UPDATE, obj=location, changes=changes)
    return location


@transaction.atomic
def remove_location(*, location: Location, by) -> None:
    """Remove a location that no offer (active or not) refers to; one in use stays, because
    the offers that mention it are history."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    in_use = location.offers.count()
    if in_use:
        raise WelfareError(
            ngettext(
                "“%(location)s” is still linked to %(count)s offer. Remove it from that offer first; "
                "inactive offers count too.",
                "“%(location)s” is still linked to %(count)s offers. Remove it from those offers first; "
                "inactive offers count too.",
                in_use,
            )
            % {"location": location, "count": in_use}
        )
    record(actor=by, action=Action.DELETE, obj=location, changes=diff(_snapshot(location, LOCATION_FIELDS), {}))
    location.delete()


# --- offers ------------------------------------------------------------------------------------


def _offer_snapshot(offer: Offer) -> dict[str, Any]:
    data = _snapshot(offer, (*OFFER_FIELDS, "last_confirmed"))
    if offer.pk:
        for relation in OFFER_RELATIONS:
            data[relation] = sorted(str(obj) for obj in getattr(offer, relation).all())
    else:
        data.update(dict.fromkeys(OFFER_RELATIONS, []))
    return data


@transaction.atomic
def save_offer(
    *,
    organisation: Organisation,
    by,
    values: Mapping[str, Any],
    life_domains: Iterable[LifeDomain],
    languages: Iterable[Language],
    service_area: Iterable[Municipality],
    locations: Iterable[Location],
    offer: Offer | None = None,
) -> Offer:
    """Create or change an offer with every field the form shows. Saving confirms the offer:
    whoever saves it has looked at all of it, so `last_confirmed` becomes today."""
    _check_fields(values, OFFER_FIELDS)
    locations = list(locations)
    if any(location.organisation_id != organisation.pk for location in locations):
        raise WelfareError(_("An offer can only be given at the organisation's own locations."))
    if values.get("capacity", Capacity.OPEN) != Capacity.WAITING_LIST and values.get("waiting_weeks") is not None:
        raise WelfareError(_("A waiting time only applies to an offer with a waiting list."))
    if not any(values.get(field) for field in ACCESS_FIELDS):
        raise WelfareError(_("Choose at least one way in which families or referrers reach this offer."))

    creating = offer is None
    if creating:
        offer = Offer(organisation=organisation)
    elif offer.organisation_id != organisation.pk:
        raise WelfareError(_("This offer belongs to another organisation."))
    before = {} if creating else _offer_snapshot(offer)
    for field, value in values.items():
        setattr(offer, field, value)
    offer.last_confirmed = timezone.localdate()
    if creating:
        offer.save()
    else:
        offer.save(update_fields=[*values, "last_confirmed", "updated_at"])
    offer.life_domains.set(life_domains)
    offer.languages.set(languages)
    offer.service_area.set(service_area)
    offer.locations.set(locations)
    changes = diff(before, _offer_snapshot(offer))
    if creating or changes:
        record(actor=by, action=Action.CREATE if creating else Action.UPDATE, obj=offer, changes=changes)
    return offer


@transaction.atomic
def set_offer_capacity(*, offer: Offer, by, capacity: str, waiting_weeks: int | None = None) -> Offer:
    """Room available, waiting list (with the waiting time in weeks) or full."""
    if capacity not in Capacity.values:
        raise WelfareError(_("Choose room available, waiting list or full."))
    if capacity != Capacity.WAITING_LIST:
        waiting_weeks = None
    elif waiting_weeks is None:
        raise WelfareError(_("Say how many weeks families wait, roughly."))
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    before = _snapshot(locked, ("capacity", "waiting_weeks"))
    locked.capacity, locked.waiting_weeks = capacity, waiting_weeks
    changes = diff(before, _snapshot(locked, ("capacity", "waiting_weeks")))
    if changes:
        locked.save(update_fields=["capacity", "waiting_weeks", "updated_at"])
        record(actor=by, action=Action.UPDATE, obj=locked, changes=changes)
    offer.capacity, offer.waiting_weeks, offer.updated_at = locked.capacity, locked.waiting_weeks, locked.updated_at
    return offer


@transaction.atomic
def confirm_offer(*, offer: Offer, by) -> Offer:
    """'Still correct': the offer was looked at today, so schools can trust it is current."""
    today = timezone.localdate()
    # Locked (PostgreSQL): workers confirming at the same moment record one confirmation, not one each.
    previous = Offer.objects.select_for_update().filter(pk=offer.pk).values_list("last_confirmed", flat=True).get()
    if previous != today:
        Offer.objects.filter(pk=offer.pk).update(last_confirmed=today, updated_at=timezone.now())
        record(actor=by, action=Action.UPDATE, obj=offer, changes={"last_confirmed": [str(previous), str(today)]})
    offer.last_confirmed = today
    return offer


def _set_active(offer: Offer, by, active: bool) -> Offer:
    updated = Offer.objects.filter(pk=offer.pk, is_active=not active).update(
        is_active=active, updated_at=timezone.now()
    )
    if not updated:
        raise WelfareError(_("This offer is already active.") if active else _("This offer is already inactive."))
    offer.is_active = active
    record(actor=by, action=Action.STATUS, obj=offer, changes={"is_active": [not active, active]})
    return offer


@transaction.atomic
def deactivate_offer(*, offer: Offer, by) -> Offer:
    """Take an offer out of the directory. It is kept, with its history, and can come back."""
    return _set_active(offer, by, False)


@transaction.atomic
def reactivate_offer(*, offer: Offer, by) -> Offer:
    return _set_active(offer, by, True)


# --- suggested corrections ---------------------------------------------------------------------


def _mail_date(moment) -> str:
    """'28 november 2026' in the language e-mails are written in (they travel as plain text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return date_format(timezone.localtime(moment).date(), "j F Y")


def _decide(correction: OfferCorrection, by, status: str, note: str) -> OfferCorrection:
    now = timezone.now()
    updated = OfferCorrection.objects.filter(pk=correction.pk, status=CorrectionStatus.OPEN).update(
        status=status, decided_by=by, decided_at=now
    )
    if not updated:
        raise WelfareError(_("This suggestion has already been handled by someone else."))
    correction.status, correction.decided_by, correction.decided_at = status, by, now
    changes: dict[str, list] = {"status": [CorrectionStatus.OPEN.value, status]}
    if note:
        changes["reply"] = ["", note]
    record(actor=by, action=Action.STATUS, obj=correction, changes=changes)
    suggester = correction.suggested_by
    if suggester is not None and suggester.is_active:
        offer = correction.offer
        notify(
            template="email/welfare/correction_decided",
            to=[suggester.email],
            context={
                "applied": status == CorrectionStatus.APPLIED,
                "offer_name": offer.name,
                "organisation_name": offer.organisation.name,
                "suggestion": correction.message,
                "note": note,
                "suggested_on": _mail_date(correction.created_at),
                "recipient_name": suggester.get_short_name(),
                "offer_url": absolute(reverse("directory:offer", kwargs={"pk": offer.pk})),
            },
        )
    return correction


@transaction.atomic
def apply_correction(*, correction: OfferCorrection, by, note: str = "") -> OfferCorrection:
    """The organisation took the suggestion on board (the offer itself is edited with the offer
    form); the person who suggested it hears so by e-mail."""
    return _decide(correction, by, CorrectionStatus.APPLIED, note)


@transaction.atomic
def dismiss_correction(*, correction: OfferCorrection, by, note: str = "") -> OfferCorrection:
    """The organisation decided the offer was right; the person who suggested it hears why."""
    return _decide(correction, by, CorrectionStatus.DISMISSED, note)


# --- service area: read-only helpers for the picker's shortcuts --------------------------------

BRUSSELS = "brussels"
EARTH_RADIUS_KM = 6371.0


def province_choices() -> list[tuple[str, str]]:
    """Flemish provinces first, then Brussels (a region, not a province), then Wallonia."""
    rows = (
        Municipality.objects.exclude(province_code="")
        .order_by()
        .values_list("province_code", "province_name", "region")
        .distinct()
    )
    flemish = sorted((name, code) for code, name, region in rows if region == Region.FLANDERS)
    walloon = sorted((name, code) for code, name, region in rows if region != Region.FLANDERS)
    return [
        *((code, name) for name, code in flemish),
        (BRUSSELS, str(Region.BRUSSELS.label)),
        *((code, name) for name, code in walloon),
    ]


def municipalities_in_province(code: str) -> list[Municipality]:
    if code == BRUSSELS:
        return list(Municipality.objects.filter(region=Region.BRUSSELS))
    return list(Municipality.objects.filter(province_code=code))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def municipality_centres() -> dict[int, tuple[float, float]]:
    """A centre for every municipality we can place: its own coordinates when known, otherwise
    the average position of the schools and welfare locations in it. Three queries."""
    centres = {
        pk: (lat, lon)
        for pk, lat, lon in Municipality.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list(
            "pk", "latitude", "longitude"
        )
    }
    sums: dict[int, list[float]] = {}
    for relation in ("schools", "locations"):
        rows = (
            Municipality.objects.exclude(pk__in=list(centres))
            .filter(**{f"{relation}__latitude__isnull": False, f"{relation}__longitude__isnull": False})
            .values("pk")
            .annotate(
                lat=Sum(f"{relation}__latitude"),
                lon=Sum(f"{relation}__longitude"),
                n=Count(relation),
            )
        )
        for row in rows:
            total = sums.setdefault(row["pk"], [0.0, 0.0, 0])
            total[0] += row["lat"]
            total[1] += row["lon"]
            total[2] += row["n"]
    for pk, (lat, lon, n) in sums.items():
        if n:
            centres[pk] = (lat / n, lon / n)
    return centres


@dataclass(frozen=True)
class Around:
    municipality_ids: set[int]
    placed: int  # how many other municipalities had a centre we could measure to


def municipalities_around(*, location: Location, radius_km: float) -> Around:
    """The location's own municipality plus every municipality whose centre lies within the
    radius. The caller checks that the location has coordinates."""
    if location.latitude is None or location.longitude is None:
        raise WelfareError(_("This location has no coordinates yet."))
    origin = (location.latitude, location.longitude)
    centres = municipality_centres()
    within = {pk for pk, centre in centres.items() if distance_km(origin, centre) <= radius_km}
    within.add(location.municipality_id)
    return Around(municipality_ids=within, placed=len(set(centres) - {location.municipality_id}))


# --- suggested corrections from the directory ----------------------------------------------


class CorrectionError(WelfareError):
    """A suggested correction that cannot be accepted; the message is for the user."""


def correction_recipients(offer: Offer) -> list[str]:
    """The organisation's approved admins; when it has none yet, the moderators, so that a
    suggestion never goes unread."""
    admins = list(
        Membership.objects.filter(
            organisation_id=offer.organisation_id,
            role=MembershipRole.ADMIN,
            status=MembershipStatus.APPROVED,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )
    if admins:
        return admins
    return list(User.objects.filter(is_moderator=True, is_active=True).values_list("email", flat=True))


def suggest_correction(*, offer: Offer, by, message: str) -> OfferCorrection:
    """Record a professional's suggestion that an offer is wrong or out of date, audit it, and
    tell the organisation's admins (after commit). The admins apply or dismiss it."""
    if not offer.is_active or offer.organisation.verified_at is None:
        raise CorrectionError(_("This offer is not in the directory any more."))
    message = message.strip()
    if not message:
        raise CorrectionError(_("Describe what is not correct."))
    with transaction.atomic():
        correction = OfferCorrection.objects.create(offer=offer, suggested_by=by, message=message)
        record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            obj=correction,
            changes={"offer": offer.pk, "status": correction.status, "message": message},
        )
        notify(
            template="email/directory/correction",
            to=correction_recipients(offer),
            context={
                "offer_name": offer.name,
                "organisation_name": offer.organisation.name,
                "offer_url": absolute(reverse("directory:offer", args=[offer.pk])),
                "corrections_url": absolute(reverse("welfare:corrections", args=[offer.organisation_id])),
                "message": message,
                "suggested_by": by.get_full_name(),
                "suggested_by_email": by.email,
            },
        )
    return correction
