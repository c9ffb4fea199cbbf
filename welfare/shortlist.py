"""A professional's shortlist of offers, kept in their session (there is no model).

A school coordinator, a CLB worker or a bridge figure gathers a few offers while talking with a
parent, then prints them or sends them by e-mail as a plain-language page. The parent's
address is only handed to the mail task; it is not saved in the database, the session or the
audit log.
"""

from collections.abc import Iterable

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from portal import mail
from portal.roles import role_for
from welfare.models import Location, Offer

SESSION_KEY = "directory_shortlist"
MAX_ITEMS = 30


def is_professional(user) -> bool:
    """Signed in and working somewhere: an approved member, a bridge figure or a moderator.
    Pending members and users without a place yet can browse, but not keep a shortlist."""
    return bool(user.is_authenticated and role_for(user).kind != "visitor")


def offer_ids(session: SessionBase) -> list[int]:
    raw = session.get(SESSION_KEY, [])
    return [pk for pk in raw if isinstance(pk, int)] if isinstance(raw, list) else []


def add(session: SessionBase, offer_id: int) -> bool:
    """Add an offer (idempotent). False when the shortlist is full."""
    ids = offer_ids(session)
    if offer_id in ids:
        return True
    if len(ids) >= MAX_ITEMS:
        return False
    session[SESSION_KEY] = [*ids, offer_id]
    return True


def remove(session: SessionBase, offer_id: int) -> None:
    ids = offer_ids(session)
    if offer_id in ids:
        session[SESSION_KEY] = [pk for pk in ids if pk != offer_id]


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def with_details(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    """Everything a parent's page shows, in a fixed number of queries."""
    return queryset.select_related("organisation").prefetch_related(
        "languages",
        Prefetch("locations", queryset=Location.objects.select_related("municipality").order_by("name", "pk")),
    )


def shortlisted_offers(session: SessionBase) -> tuple[list[Offer], int]:
    """The public offers on the shortlist, in the order they were added, and how many on the
    list are no longer public (they are dropped from the list)."""
    ids = offer_ids(session)
    found = {offer.pk: offer for offer in with_details(Offer.objects.public().filter(pk__in=ids))}
    gone = [pk for pk in ids if pk not in found]
    if gone:
        session[SESSION_KEY] = [pk for pk in ids if pk in found]
    return [found[pk] for pk in ids if pk in found], len(gone)


def plain(offer: Offer) -> dict:
    """An offer as plain values for the e-mail task (it travels through the task queue)."""
    return {
        "name": offer.name,
        "organisation": offer.organisation.name,
        "description": offer.description,
        "next_steps": offer.next_steps,
        "cost": offer.cost,
        "cost_note": offer.cost_note,
        "phone": offer.organisation.phone,
        "email": offer.organisation.email,
        "website": offer.organisation.website,
        "languages": [language.name_nl for language in offer.languages.all()],
        "places": [
            {"name": location.name, "address": location.address, "opening_hours": location.opening_hours}
            for location in offer.locations.all()
        ],
        "access": [code for code in offer.access_modes],
        "url": mail.absolute(reverse("directory:offer", args=[offer.pk])),
    }


def send_shortlist(*, offers: Iterable[Offer], to: str, sender) -> None:
    """E-mail the offers as a plain-language page. `to` goes to the mail task only."""
    mail.notify(
        template="email/directory/shortlist",
        to=[to],
        context={
            "offers": [plain(offer) for offer in offers],
            "sender_name": sender.get_full_name(),
            "sender_email": sender.email,
        },
    )
