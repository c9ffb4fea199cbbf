"""The database itself refuses a bad family need or life domain."""

import pytest
from django.utils import translation

from families.models import FamilyNeed, LifeDomain
from tests import factories
from tests.portal.test_models import refused

pytestmark = pytest.mark.django_db


def _need(school, **fields) -> dict:
    return {"school": school, "title": "Schoolkosten", "family_count": 4, **fields}


def test_two_life_domains_cannot_share_a_code():
    with refused("slug"):
        LifeDomain.objects.create(slug="leren", name="Nog eens leren", description="Dubbel.", icon="leren")


def test_a_need_concerns_at_least_one_family(school):
    FamilyNeed.objects.create(**_need(school, family_count=1))
    with refused("need_at_least_one_family"):
        FamilyNeed.objects.create(**_need(school, family_count=0))
    need = FamilyNeed.objects.create(**_need(school, family_count=3))
    with refused("need_at_least_one_family"):
        FamilyNeed.objects.filter(pk=need.pk).update(family_count=0)


def test_a_need_s_age_range_runs_from_low_to_high(school):
    for age_min, age_max in ((2, 12), (6, 6), (None, 12), (3, None), (None, None)):
        FamilyNeed.objects.create(**_need(school, age_min=age_min, age_max=age_max))
    with refused("need_age_range_ordered"):
        FamilyNeed.objects.create(**_need(school, age_min=12, age_max=6))


@pytest.mark.parametrize("age_min, age_max", [(26, None), (None, 26), (3, 40)])
def test_a_need_concerns_children_and_young_people_up_to_25(school, age_min, age_max):
    FamilyNeed.objects.create(**_need(school, age_min=0, age_max=25))
    with refused("need_age_plausible"):
        FamilyNeed.objects.create(**_need(school, age_min=age_min, age_max=age_max))


def test_a_need_s_urgency_is_low_medium_or_high(school):
    for urgency in ("low", "medium", "high"):
        FamilyNeed.objects.create(**_need(school, urgency=urgency))
    with refused("need_urgency_valid"):
        FamilyNeed.objects.create(**_need(school, urgency="asap"))


def test_a_need_is_open_addressed_or_withdrawn(school):
    for status in ("open", "addressed", "withdrawn"):
        FamilyNeed.objects.create(**_need(school, status=status))
    with refused("need_status_valid"):
        FamilyNeed.objects.create(**_need(school, status="closed"))


def test_open_needs_are_those_not_addressed_or_withdrawn(school):
    open_need = FamilyNeed.objects.create(**_need(school))
    FamilyNeed.objects.create(**_need(school, status="addressed"))
    FamilyNeed.objects.create(**_need(school, status="withdrawn"))
    assert list(FamilyNeed.objects.open()) == [open_need]


def test_a_need_lists_the_preferences_that_are_switched_on():
    need = factories.FamilyNeedFactory(prefers_free=True, prefers_walk_in=True)
    with translation.override("en"):
        assert need.preferences == ["free of charge", "walk-in without appointment"]
