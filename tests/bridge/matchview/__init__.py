"""Tests of the school side of matching (bridge.match_views): partners for a need, asking one,
trying a need before saving it, a request's page and actions, a school's requests, and the
withdrawal of requests when a need closes (bridge.signals).

Shared builders live here; fixtures stay in the modules that use them.
"""

import datetime

from django.utils import timezone

from bridge.models import CLBSchool
from tests import factories


def nearby_offer(*, name: str, domains=("leren",), distance_deg: float = 0.005, **fields):
    """An active offer of a verified organisation with a location close to the factories' school
    (Sint-Niklaas), serving Sint-Niklaas and covering `domains`."""
    organisation = factories.OrganisationFactory(name=f"{name} vzw")
    location = factories.LocationFactory(
        organisation=organisation, latitude=51.1656 + distance_deg, longitude=4.1437 + distance_deg
    )
    offer = factories.OfferFactory(
        organisation=organisation,
        name=name,
        life_domains=[factories.life_domain(slug) for slug in domains],
        **fields,
    )
    offer.locations.add(location)
    return offer


def broker_for(clb_broker, school):
    """Make the CLB of `clb_broker` guide `school`."""
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


def sent_request(*, need, offer, by=None, days_ago: int = 2, **fields):
    """A request sent `days_ago`; pass status=... for one that moved on since."""
    sent_at = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("status", "sent")
    return factories.MatchRequestFactory(need=need, offer=offer, proposed_by=by, sent_at=sent_at, **fields)
