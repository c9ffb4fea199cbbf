"""The brokering board: who sees it, which needs are on it and in which section, the suggestions
per need and the follow-up of what was asked; a page costs the same queries however long it is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridge import services
from bridge.board_views import NEEDS_PER_PAGE, suggestions_for_needs
from bridge.candidates import suggest_for_need
from bridge.models import CLBSchool, MatchRequest
from families.models import FamilyNeed
from tests import factories

pytestmark = pytest.mark.django_db

BOARD = reverse("bridge:board")


@pytest.fixture
def broker(clb_broker, school):
    """CLB staff of the CLB that guides `school`."""
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school", urgency="high")


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


def board(client, user, query: str = ""):
    client.force_login(user)
    return client.get(BOARD + query)


def titles(response) -> list[str]:
    return [item["need"].title for item in response.context["items"]]


# --- who may use it -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_clb_staff_see_the_needs_of_the_schools_their_clb_guides(client, broker, need):
    response = board(client, broker)
    assert response.status_code == 200
    assert titles(response) == ["Huiswerkhulp na school"]


def test_a_bridge_figure_sees_the_needs_of_the_schools_they_serve(client, bridge_figure, need):
    response = board(client, bridge_figure)
    assert response.status_code == 200
    assert titles(response) == ["Huiswerkhulp na school"]


def test_a_moderator_sees_the_needs_of_every_school(client, moderator, need):
    elsewhere = factories.FamilyNeedFactory(title="Nood elders")
    response = board(client, moderator)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted([need.title, elsewhere.title])


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "outsider", "local_government"])
def test_who_brokers_for_no_school_is_refused(client, request, persona, need):
    assert board(client, request.getfixturevalue(persona)).status_code == 403


def test_clb_staff_whose_clb_guides_no_school_are_refused(client, clb_broker, need):
    assert board(client, clb_broker).status_code == 403


def test_a_pending_clb_member_is_refused(client, school, need):
    clb = factories.CLBFactory()
    CLBSchool.objects.create(clb=clb, school=school)
    pending = factories.member_of(clb=clb, status="pending", email="nieuw@clb.test")
    assert board(client, pending).status_code == 403


# --- what is on it ----------------------------------------------------------------------------------


def test_only_open_needs_of_the_schools_served_are_listed(client, broker, school, need):
    factories.FamilyNeedFactory(school=school, title="Al aangepakt", status="addressed")
    factories.FamilyNeedFactory(school=school, title="Ingetrokken", status="withdrawn")
    factories.FamilyNeedFactory(title="Van een andere school")
    assert titles(board(client, broker)) == ["Huiswerkhulp na school"]


def test_urgent_needs_come_first_then_the_oldest(client, broker, school, need):
    calm = factories.FamilyNeedFactory(school=school, title="Kan wachten", urgency="low")
    older = factories.FamilyNeedFactory(school=school, title="Al lang urgent", urgency="high")
    FamilyNeed.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    assert titles(board(client, broker)) == ["Al lang urgent", need.title, calm.title]


def test_a_need_moves_to_waiting_once_an_organisation_is_asked(client, broker, need, offer):
    services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    assert titles(board(client, broker)) == []
    response = board(client, broker, "?section=waiting")
    assert titles(response) == [need.title]
    [request] = response.context["items"][0]["need"].follow_up
    assert request.status == "sent"
    assert [(tab["key"], tab["count"]) for tab in response.context["sections"]] == [
        ("open", 0),
        ("waiting", 1),
        ("answered", 0),
    ]


def test_a_draft_waits_too_and_says_it_is_not_sent(client, en_client, broker, need, offer):
    services.propose_match(need=need, offer=offer, by=broker, school_agreed=True, send=False)
    response = board(en_client, broker, "?section=waiting")
    assert titles(response) == [need.title]
    assert "draft written today, not sent yet" in response.content.decode()


def test_the_follow_up_says_how_long_a_request_waits_and_whether_it_was_reminded(en_client, broker, need, offer):
    request = services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    now = timezone.now()
    MatchRequest.objects.filter(pk=request.pk).update(
        sent_at=now - datetime.timedelta(days=9), reminded_at=now - datetime.timedelta(days=2)
    )
    page = board(en_client, broker, "?section=waiting").content.decode()
    assert "sent 9 days ago" in page
    assert "reminded on" in page
    assert "expires on" in page


def test_a_declined_need_is_back_among_the_needs_without_a_request(
    client, en_client, broker, need, offer, organisation
):
    worker = factories.member_of(organisation=organisation, email="werker@welzijn.test")
    request = services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    services.decline_match(request=request, by=worker, reason="no_capacity")
    response = board(en_client, broker)
    assert titles(response) == [need.title]
    assert "No capacity" in response.content.decode() or "no capacity" in response.content.decode()
    answered = board(en_client, broker, "?section=answered")
    assert [r.pk for r in answered.context["items"]] == [request.pk]


def test_an_accepted_need_is_listed_as_recently_answered_with_its_collaboration(
    client, broker, need, offer, organisation
):
    worker = factories.member_of(organisation=organisation, email="werker@welzijn.test")
    request = services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    collaboration = services.accept_match(request=request, by=worker)
    assert titles(board(client, broker)) == []
    assert titles(board(client, broker, "?section=waiting")) == []
    response = board(client, broker, "?section=answered")
    assert [r.pk for r in response.context["items"]] == [request.pk]
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) in response.content.decode()


def test_answers_older_than_thirty_days_are_no_longer_recent(client, broker, need, offer, organisation):
    worker = factories.member_of(organisation=organisation, email="werker@welzijn.test")
    request = services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    services.decline_match(request=request, by=worker, reason="outside_area")
    MatchRequest.objects.filter(pk=request.pk).update(answered_at=timezone.now() - datetime.timedelta(days=31))
    assert board(client, broker, "?section=answered").context["items"] == []


# --- filters ------------------------------------------------------------------------------------------


def test_filters_by_school_life_domain_and_urgency(client, broker, school, need):
    other_school = factories.SchoolFactory(name="Tweede school")
    CLBSchool.objects.create(clb=broker.memberships.get().clb, school=other_school)
    factories.FamilyNeedFactory(
        school=other_school, title="Wonen", life_domains=[factories.life_domain("wonen")], urgency="low"
    )
    assert titles(board(client, broker, f"?school={other_school.pk}")) == ["Wonen"]
    assert titles(board(client, broker, "?life_domain=leren")) == [need.title]
    assert titles(board(client, broker, "?urgency=low")) == ["Wonen"]
    assert titles(board(client, broker, "?urgency=high&life_domain=wonen")) == []


def test_a_school_the_user_does_not_serve_cannot_be_filtered_on(client, broker, need):
    stranger = factories.FamilyNeedFactory(title="Geheim")
    response = board(client, broker, f"?school={stranger.school_id}")
    assert titles(response) == [need.title]
    assert stranger.school_id not in [s.pk for s in response.context["filter_form"].fields["school"].queryset]


def test_the_filters_keep_their_section(client, broker, need, offer):
    services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    response = board(client, broker, "?section=waiting&urgency=high")
    assert response.context["section"] == "waiting"
    assert titles(response) == [need.title]


def test_htmx_gets_only_the_results(client, broker, need):
    client.force_login(broker)
    response = client.get(BOARD, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="board-results"' in page
    assert "<html" not in page


# --- suggestions ---------------------------------------------------------------------------------------


def test_each_need_shows_its_three_best_partners(client, broker, need):
    for n in range(5):
        factories.OfferFactory(name=f"Huiswerkpunt {n}")
    [item] = board(client, broker).context["items"]
    expected = [s.offer_id for s in suggest_for_need(need, limit=3).suggestions]
    assert [card["offer"].offer_id for card in item["suggestions"]] == expected
    assert len(expected) == 3


def test_an_offer_already_asked_is_not_suggested_again(client, broker, need, offer):
    services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)
    [item] = board(client, broker, "?section=waiting").context["items"]
    assert offer.pk not in [card["offer"].offer_id for card in item["suggestions"]]


def test_the_propose_link_and_the_full_matching_page_are_offered(client, broker, need, offer):
    page = board(client, broker).content.decode()
    assert reverse("bridge:board_propose", kwargs={"need_pk": need.pk, "offer_pk": offer.pk}) in page
    assert reverse("bridge:need_matches", kwargs={"need_pk": need.pk}) in page


def test_suggestions_for_a_page_of_needs_equal_those_for_each_need_alone(school):
    beveren = factories.municipality("46030")
    far_school = factories.SchoolFactory(municipality=beveren, latitude=51.2122, longitude=4.2560)
    needs = [
        factories.FamilyNeedFactory(school=school, title="Leren"),
        factories.FamilyNeedFactory(
            school=far_school, title="Wonen en leren", life_domains=[factories.life_domain("wonen")], age_min=None
        ),
        factories.FamilyNeedFactory(school=far_school, title="Leren in Beveren", prefers_free=True),
    ]
    factories.OfferFactory(name="Huiswerk Sint-Niklaas")
    factories.OfferFactory(name="Huiswerk Beveren", service_area=[beveren])
    factories.OfferFactory(name="Wonen Beveren", life_domains=[factories.life_domain("wonen")], service_area=[beveren])
    factories.OfferFactory(name="Overal aan huis", access_walk_in=False, access_outreach=True, service_area=[])
    factories.OfferFactory(name="Vol", capacity="full")
    loaded = list(
        FamilyNeed.objects.filter(pk__in=[n.pk for n in needs])
        .select_related("school__municipality")
        .prefetch_related("life_domains", "home_languages")
    )
    together = suggestions_for_needs(loaded, limit=10)
    for need in loaded:
        alone = suggest_for_need(need, limit=10)
        assert [(s.offer_id, round(s.score, 6)) for s in together[need.pk].suggestions] == [
            (s.offer_id, round(s.score, 6)) for s in alone.suggestions
        ], need.title
        assert together[need.pk].is_gap == alone.is_gap


# --- pagination and queries ----------------------------------------------------------------------------


def test_needs_come_a_page_at_a_time(client, broker, school):
    factories.FamilyNeedFactory.create_batch(NEEDS_PER_PAGE + 2, school=school)
    first = board(client, broker)
    assert len(first.context["items"]) == NEEDS_PER_PAGE
    second = board(client, broker, "?page=2")
    assert len(second.context["items"]) == 2


def _queries(client, user, query: str = "") -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(BOARD + query)
    assert response.status_code == 200
    return len(context)


def _populate(school, organisation, broker, n: int) -> None:
    """`n` needs, each with a request and a few offers around."""
    for index in range(n):
        need = factories.FamilyNeedFactory(
            school=school,
            life_domains=[factories.life_domain("leren"), factories.life_domain("opvoeding")],
        )
        need.home_languages.set([factories.language("ar")])
        offer = factories.OfferFactory(organisation=organisation, name=f"Aanbod {index}")
        services.propose_match(need=need, offer=offer, by=broker, school_agreed=True)


@pytest.mark.parametrize("section", ["open", "waiting", "answered"])
def test_the_number_of_queries_does_not_grow_with_the_needs(client, broker, school, organisation, section):
    other_school = factories.SchoolFactory(name="Tweede school", latitude=None, longitude=None)
    CLBSchool.objects.create(clb=broker.memberships.get().clb, school=other_school)
    worker = factories.member_of(organisation=organisation, email="werker@welzijn.test")
    _populate(school, organisation, broker, 2)
    factories.FamilyNeedFactory.create_batch(2, school=other_school)
    for request in MatchRequest.objects.all()[:1]:
        services.decline_match(request=request, by=worker, reason="no_capacity")
    few = _queries(client, broker, f"?section={section}")

    _populate(school, organisation, broker, 8)
    factories.FamilyNeedFactory.create_batch(8, school=other_school)
    for request in MatchRequest.objects.filter(status="sent")[:5]:
        services.decline_match(request=request, by=worker, reason="no_capacity")
    many = _queries(client, broker, f"?section={section}")
    assert many == few
