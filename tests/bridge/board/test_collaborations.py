"""Collaborations, read-only: each side sees the ones it is part of, nobody else does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge import services
from bridge.collaboration_views import collaborations_visible_to
from bridge.models import CLBSchool
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("bridge:collaborations")


@pytest.fixture
def collaboration(school, organisation):
    return factories.CollaborationFactory(title="Huiswerkklas op school", school=school, organisations=[organisation])


@pytest.fixture
def elsewhere():
    return factories.CollaborationFactory(title="Elders")


def detail_url(collaboration) -> str:
    return reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk})


def titles(client, user, query: str = "") -> list[str]:
    client.force_login(user)
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [c.title for c in response.context["page_obj"]]


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "bridge_figure"])
def test_each_side_sees_its_collaboration(client, request, persona, collaboration, elsewhere):
    user = request.getfixturevalue(persona)
    assert titles(client, user) == [collaboration.title]
    assert client.get(detail_url(collaboration)).status_code == 200
    assert client.get(detail_url(elsewhere)).status_code == 404


def test_clb_staff_see_the_collaborations_of_the_schools_their_clb_guides(client, clb_broker, school, collaboration):
    assert titles(client, clb_broker) == []
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    assert titles(client, clb_broker) == [collaboration.title]


def test_a_broker_keeps_seeing_what_they_brokered(client, collaboration):
    former = factories.member_of(clb=factories.CLBFactory(), email="vroeger@clb.test")
    collaboration.broker = former
    collaboration.save(update_fields=["broker"])
    assert titles(client, former) == [collaboration.title]


def test_an_organisation_among_several_sees_it_once(client, welfare_worker, school, organisation):
    shared = factories.CollaborationFactory(
        title="Samen", school=school, organisations=[organisation, factories.OrganisationFactory()]
    )
    assert titles(client, welfare_worker) == [shared.title]
    assert list(collaborations_visible_to(welfare_worker)) == [shared]


def test_a_moderator_sees_all(client, moderator, collaboration, elsewhere):
    assert sorted(titles(client, moderator)) == sorted([collaboration.title, elsewhere.title])


@pytest.mark.parametrize("persona", ["outsider", "local_government"])
def test_others_see_none_and_are_told_it_does_not_exist(client, request, persona, collaboration):
    assert titles(client, request.getfixturevalue(persona)) == []
    assert client.get(detail_url(collaboration)).status_code == 404


def test_pending_members_see_nothing(client, school, organisation, collaboration):
    for entity in ({"school": school}, {"organisation": organisation}):
        pending = factories.member_of(status="pending", **entity)
        assert titles(client, pending) == []
        assert client.get(detail_url(collaboration)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, collaboration):
    for url in (LIST, detail_url(collaboration)):
        assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_list_filters_by_status(client, welfare_worker, collaboration, school, organisation):
    factories.CollaborationFactory(title="Afgelopen", school=school, organisations=[organisation], status="ended")
    assert titles(client, welfare_worker, "?status=ended") == ["Afgelopen"]
    assert sorted(titles(client, welfare_worker, "?status=nonsense")) == ["Afgelopen", collaboration.title]


def test_the_detail_shows_the_collaboration_from_its_request(
    en_client, school_coordinator, welfare_worker, school, organisation
):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school", family_count=5)
    offer = factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")
    request = services.propose_match(need=need, offer=offer, by=school_coordinator)
    collaboration = services.accept_match(request=request, by=welfare_worker)
    en_client.force_login(school_coordinator)
    page = en_client.get(detail_url(collaboration)).content.decode()
    for text in (
        collaboration.title,
        school.name,
        organisation.name,
        "Huiswerkhulp na school",
        "about 5 families",
        "Agreed",
        "Huiswerkklas De Brug",
        "Where it started",
    ):
        assert text in page, text
    assert need.description not in page


def _queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_number_of_queries_does_not_grow(client, welfare_worker, school, organisation):
    def add(n: int) -> None:
        for _ in range(n):
            factories.CollaborationFactory(school=school, organisations=[organisation, factories.OrganisationFactory()])

    add(2)
    few = _queries(client, welfare_worker, LIST)
    add(10)
    assert _queries(client, welfare_worker, LIST) == few
