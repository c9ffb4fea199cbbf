"""The database's upper bound and `suggest`'s pruned ranking against the engine, checked with hypothesis.

`bridge.candidates.suggest` lets the database sort the candidates by `upper_bound` (the SQL of
`bridge.matching.score_upper_bound`) and loads only the likely top; these tests hold it to the
Python bound and to ranking every candidate.
"""

import datetime
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import candidates
from bridge.candidates import suggest, to_profiles, upper_bound
from bridge.matching import NeedProfile, score_upper_bound
from families.models import LifeDomain
from tests import factories
from welfare.models import Offer

pytestmark = pytest.mark.django_db

SINT_NIKLAAS, LOKEREN, GENT = "46021", "46029", "44021"
SCHOOL_POINT = (51.1656, 4.1437)  # in Sint-Niklaas
POINTS = (SCHOOL_POINT, (51.1040, 3.9915), (51.0543, 3.7174))  # here, about 13 km, about 32 km
DOMAINS = ("leren", "taal", "wonen")
MODES = ("access_walk_in", "access_appointment", "access_outreach", "access_at_school", "access_online")

ages = st.one_of(
    st.just((None, None)),
    st.tuples(st.integers(0, 18), st.integers(0, 18)).map(sorted).map(tuple),
    st.tuples(st.integers(0, 18), st.none()),
    st.tuples(st.none(), st.integers(0, 18)),
)
offer_specs = st.fixed_dictionaries(
    {
        "domains": st.frozensets(st.sampled_from(DOMAINS), min_size=1),
        "ages": ages,
        "cost": st.sampled_from(("free", "low", "paid")),
        "capacity": st.sampled_from(("open", "waiting_list", "full")),
        "weeks": st.one_of(st.none(), st.integers(0, 30)),
        "modes": st.frozensets(st.sampled_from(MODES), min_size=1),
        "area": st.frozensets(st.sampled_from((SINT_NIKLAAS, LOKEREN, GENT)), max_size=2),
        "point": st.sampled_from(POINTS),
        "confirmed": st.one_of(st.none(), st.integers(0, 800)),
        "partner": st.booleans(),
        "arabic": st.booleans(),
    }
)
need_specs = st.fixed_dictionaries(
    {
        "domains": st.frozensets(st.sampled_from((*DOMAINS, "opvoeding")), max_size=3),
        "ages": ages,
        "languages": st.frozensets(st.sampled_from(("nl", "ar", "tr")), max_size=2),
        "municipality": st.sampled_from((SINT_NIKLAAS, GENT, None)),
        "point": st.sampled_from((SCHOOL_POINT, None)),
        "preferences": st.fixed_dictionaries(
            {
                name: st.booleans()
                for name in (
                    "prefers_free",
                    "prefers_at_school",
                    "prefers_outreach",
                    "prefers_walk_in",
                    "prefers_no_waiting_list",
                )
            }
        ),
    }
)


def make_offer(spec: dict, partner) -> Offer:
    location = factories.LocationFactory(latitude=spec["point"][0], longitude=spec["point"][1])
    offer = factories.OfferFactory(
        organisation=partner if spec["partner"] else location.organisation,
        life_domains=[factories.life_domain(slug) for slug in spec["domains"]],
        age_min=spec["ages"][0],
        age_max=spec["ages"][1],
        cost=spec["cost"],
        capacity=spec["capacity"],
        waiting_weeks=spec["weeks"] if spec["capacity"] == "waiting_list" else None,
        last_confirmed=None
        if spec["confirmed"] is None
        else timezone.localdate() - datetime.timedelta(spec["confirmed"]),
        **{mode: mode in spec["modes"] for mode in MODES},
    )
    offer.service_area.set([factories.municipality(nis) for nis in spec["area"]])
    offer.locations.add(location)
    if spec["arabic"]:
        offer.languages.add(factories.language("ar"))
    return offer


def make_need(spec: dict, partner) -> NeedProfile:
    return NeedProfile(
        school_point=spec["point"],
        municipality_id=factories.municipality(spec["municipality"]).pk if spec["municipality"] else None,
        life_domains=spec["domains"],
        age_min=spec["ages"][0],
        age_max=spec["ages"][1],
        languages=spec["languages"],
        partner_organisation_ids=frozenset({partner.pk}),
        **spec["preferences"],
    )


def outcome(result):
    return [(s.offer_id, s.score, s.reasons) for s in result.suggestions], result.total, result.is_gap


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offers=st.lists(offer_specs, min_size=1, max_size=8), needs=st.lists(need_specs, min_size=1, max_size=3))
def test_the_database_bound_is_the_engines_bound(offers, needs):
    today = timezone.localdate()
    stale_after_days = django_settings.OFFER_STALE_AFTER_DAYS
    with transaction.atomic():
        partner = factories.OrganisationFactory()
        for spec in offers:
            make_offer(spec, partner)
        for spec in needs:
            need = make_need(spec, partner)
            domain_ids = list(LifeDomain.objects.filter(slug__in=need.life_domains).values_list("pk", flat=True))
            if need.life_domains and not domain_ids:
                continue
            covering = Offer.objects.filter(pk__in=Offer.objects.filter(life_domains__in=domain_ids).values("pk"))
            covering = covering if domain_ids else Offer.objects.all()
            bound = upper_bound(need, domain_ids=domain_ids, today=today, stale_after_days=stale_after_days)
            in_database = dict(covering.annotate(bound=bound).values_list("pk", "bound"))
            profiles = to_profiles(covering)
            assert set(in_database) == {profile.offer_id for profile in profiles}
            for profile in profiles:
                expected = score_upper_bound(need, profile, today=today, stale_after_days=stale_after_days)
                assert expected is not None
                assert in_database[profile.offer_id] == pytest.approx(expected, rel=0, abs=1e-12), profile
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offers=st.lists(offer_specs, min_size=1, max_size=8),
    needs=st.lists(need_specs, min_size=1, max_size=3),
    limit=st.integers(1, 4),
    first_round=st.integers(1, 4),
)
def test_suggesting_from_the_likely_top_gives_the_ranking_of_every_candidate(offers, needs, limit, first_round):
    """Also when the head holds few offers, so that more must be loaded (FIRST_ROUND made small)."""
    with transaction.atomic():
        partner = factories.OrganisationFactory()
        for spec in offers:
            make_offer(spec, partner)
        for spec in needs:
            need = make_need(spec, partner)
            everything = suggest(need, limit=None)
            with mock.patch.object(candidates, "FIRST_ROUND", first_round):
                top = suggest(need, limit=limit)
            suggestions, total, is_gap = outcome(everything)
            assert outcome(top) == (suggestions[:limit], total, is_gap)
        transaction.set_rollback(True)


def test_a_life_domain_that_does_not_exist_has_no_suggestions():
    factories.OfferFactory()
    result = suggest(NeedProfile(life_domains=frozenset({"onbekend"})))
    assert (result.suggestions, result.total, result.is_gap) == ((), 0, True)


def clear_top_and_weak_rest(weak: int) -> NeedProfile:
    """Three offers that fit and `weak` that are full: the top is settled within the first round."""
    school = factories.SchoolFactory()
    for _ in range(3):
        factories.OfferFactory()
    for _ in range(weak):
        factories.OfferFactory(capacity="full")
    return NeedProfile(
        school_point=SCHOOL_POINT, municipality_id=school.municipality_id, life_domains=frozenset({"leren"})
    )


# names of the municipality and life domains (2); candidates sorted by their bound and counted (1); the
# likely top's domains, languages, areas and locations (4).
TOP_QUERIES = 7


@pytest.mark.parametrize("weak", [2, 40])
def test_the_top_takes_the_same_queries_for_few_or_many_candidates(weak, django_assert_num_queries):
    need = clear_top_and_weak_rest(weak)
    with django_assert_num_queries(TOP_QUERIES):
        result = suggest(need, limit=3)
    assert result.total == 3 + weak
    assert len(result.suggestions) == 3 and not any(s.weak for s in result.suggestions)
