"""The organisation inbox: the requests sent to the user's organisation, described anonymously,
with who asked and how long ago; nothing of other organisations, no drafts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridge import services
from bridge.models import CLBSchool, MatchRequest
from tests import factories

pytestmark = pytest.mark.django_db

INBOX = reverse("bridge:inbox")
DESCRIPTION = "Enkele gezinnen vinden geen rustige plek om huiswerk te maken."


@pytest.fixture
def need(school):
    need = factories.FamilyNeedFactory(
        school=school,
        title="Huiswerkhulp na school",
        description=DESCRIPTION,
        family_count=4,
        age_min=6,
        age_max=10,
        urgency="high",
        prefers_free=True,
    )
    need.home_languages.set([factories.language("ti")])
    return need


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


@pytest.fixture
def sent(need, offer, school_coordinator, welfare_worker):
    return services.propose_match(need=need, offer=offer, by=school_coordinator, message="Liefst op woensdag.")


def inbox(client, user, query: str = ""):
    client.force_login(user)
    return client.get(INBOX + query)


def listed(response) -> list[int]:
    return [request.pk for request in response.context["items"]]


def test_an_organisation_member_sees_the_requests_sent_to_their_organisation(client, welfare_worker, sent):
    response = inbox(client, welfare_worker)
    assert response.status_code == 200
    assert listed(response) == [sent.pk]


def test_a_plain_member_sees_them_too(client, organisation, sent):
    member = factories.member_of(organisation=organisation, role="member", email="collega@welzijn.test")
    assert listed(inbox(client, member)) == [sent.pk]


def test_requests_to_other_organisations_are_not_in_the_inbox(client, outsider, sent):
    response = inbox(client, outsider)
    assert response.status_code == 200
    assert listed(response) == []


def test_a_brokers_draft_is_not_in_the_inbox_until_it_is_sent(client, clb_broker, school, need, offer, welfare_worker):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    draft = services.propose_match(need=need, offer=offer, by=clb_broker, school_agreed=True, send=False)
    assert listed(inbox(client, welfare_worker)) == []
    services.send_match(request=draft, by=clb_broker)
    assert listed(inbox(client, welfare_worker)) == [draft.pk]


def test_the_oldest_request_comes_first(client, welfare_worker, sent, need, organisation, school_coordinator):
    newer = services.propose_match(
        need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
    )
    MatchRequest.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - datetime.timedelta(days=3))
    assert listed(inbox(client, welfare_worker)) == [sent.pk, newer.pk]


def test_a_request_shows_the_need_anonymously_and_who_asked(en_client, welfare_worker, sent):
    page = inbox(en_client, welfare_worker).content.decode()
    for text in (
        "Huiswerkhulp na school",
        DESCRIPTION,
        "about 4 families",
        "children aged 6 to 10",
        "Urgent",
        "Free of charge",
        sent.need.school.name,
        "Sint-Niklaas",
        "Huiswerkklas De Brug",
        "Liefst op woensdag.",
        "school staff",
        "sent today",
        reverse("bridge:request_accept", kwargs={"pk": sent.pk}),
        reverse("bridge:request_decline", kwargs={"pk": sent.pk}),
    ):
        assert text in page, text
    tigrinya = factories.language("ti")
    assert tigrinya.name_en not in page and tigrinya.name_nl not in page, "home languages could point to a family"


def test_a_brokers_request_says_it_came_on_the_schools_behalf(
    en_client, clb_broker, school, need, offer, welfare_worker
):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    services.propose_match(need=need, offer=offer, by=clb_broker, school_agreed=True)
    page = inbox(en_client, welfare_worker).content.decode()
    clb_name = clb_broker.memberships.get().clb.name
    assert f"CLB staff ({clb_name}), on the school&#x27;s behalf" in page


def test_a_bridge_figures_request_says_so(en_client, bridge_figure, need, offer, welfare_worker):
    services.propose_match(need=need, offer=offer, by=bridge_figure, school_agreed=True)
    assert "bridge figure, on the school&#x27;s behalf" in inbox(en_client, welfare_worker).content.decode()


def test_a_reminded_request_says_so_and_when_it_expires(en_client, welfare_worker, sent):
    now = timezone.now()
    MatchRequest.objects.filter(pk=sent.pk).update(
        sent_at=now - datetime.timedelta(days=8), reminded_at=now - datetime.timedelta(days=1)
    )
    page = inbox(en_client, welfare_worker).content.decode()
    assert "sent 8 days ago" in page
    assert "reminded on" in page
    assert "Answer before" in page


def test_answered_requests_move_to_recently_answered(client, welfare_worker, sent):
    collaboration = services.accept_match(request=sent, by=welfare_worker)
    assert listed(inbox(client, welfare_worker)) == []
    response = inbox(client, welfare_worker, "?section=answered")
    assert listed(response) == [sent.pk]
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) in response.content.decode()


def test_a_withdrawn_request_is_told_but_a_withdrawn_draft_never_was(
    client, welfare_worker, sent, clb_broker, school, need, organisation, school_coordinator
):
    services.withdraw_match(request=sent, by=school_coordinator)
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    draft = services.propose_match(
        need=need,
        offer=factories.OfferFactory(organisation=organisation),
        by=clb_broker,
        school_agreed=True,
        send=False,
    )
    services.withdraw_match(request=draft, by=clb_broker)
    assert listed(inbox(client, welfare_worker, "?section=answered")) == [sent.pk]


@pytest.mark.parametrize("persona", ["school_coordinator", "clb_broker", "bridge_figure", "local_government"])
def test_who_is_not_in_a_welfare_organisation_has_no_inbox(client, request, persona):
    assert inbox(client, request.getfixturevalue(persona)).status_code == 403


def test_a_pending_member_has_no_inbox(client, organisation, sent):
    pending = factories.member_of(organisation=organisation, status="pending", email="nieuw@welzijn.test")
    assert inbox(client, pending).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(INBOX)
    assert response["Location"].startswith(reverse("account_login"))


def test_a_moderator_sees_every_organisation_or_the_one_chosen(client, moderator, sent, school_coordinator, need):
    elsewhere = services.propose_match(need=need, offer=factories.OfferFactory(), by=school_coordinator)
    assert sorted(listed(inbox(client, moderator))) == sorted([sent.pk, elsewhere.pk])
    assert listed(inbox(client, moderator, f"?organisation={sent.offer.organisation_id}")) == [sent.pk]
    assert inbox(client, moderator, "?organisation=999999").status_code == 404
    assert inbox(client, moderator, "?organisation=abc").status_code == 404


def test_others_cannot_choose_an_organisation(client, outsider, sent):
    response = inbox(client, outsider, f"?organisation={sent.offer.organisation_id}")
    assert listed(response) == []


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(INBOX).status_code == 200
    return len(context)


def test_the_number_of_queries_does_not_grow_with_the_requests(
    client, welfare_worker, organisation, school_coordinator, bridge_figure, school
):
    def ask(n: int) -> None:
        for _ in range(n):
            need = factories.FamilyNeedFactory(school=school)
            services.propose_match(
                need=need, offer=factories.OfferFactory(organisation=organisation), by=bridge_figure, school_agreed=True
            )
            services.propose_match(
                need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
            )

    ask(1)
    few = _queries(client, welfare_worker)
    ask(6)
    assert _queries(client, welfare_worker) == few
