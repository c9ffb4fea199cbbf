"""Answering a request from the inbox: accepting starts exactly one collaboration and leads to it;
declining needs a reason (and a few words for "other"); pressing twice is safe."""

import pytest
from django.core import mail
from django.urls import reverse

from bridge import services
from bridge.models import Collaboration, DeclineReason, MatchRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkhulp na school")


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation, name="Huiswerkklas De Brug")


@pytest.fixture
def sent(need, offer, school_coordinator, welfare_worker):
    return services.propose_match(need=need, offer=offer, by=school_coordinator)


def accept_url(request) -> str:
    return reverse("bridge:request_accept", kwargs={"pk": request.pk})


def decline_url(request) -> str:
    return reverse("bridge:request_decline", kwargs={"pk": request.pk})


# --- accepting -----------------------------------------------------------------------------------


def test_accepting_starts_one_collaboration_and_leads_to_it(
    en_client, welfare_worker, sent, django_capture_on_commit_callbacks
):
    en_client.force_login(welfare_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(accept_url(sent))
    collaboration = Collaboration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk})
    assert collaboration.status == "agreed"
    assert collaboration.match_request_id == sent.pk
    sent.refresh_from_db()
    assert (sent.status, sent.answered_by) == ("accepted", welfare_worker)
    assert "coordinator@school.test" in [address for message in mail.outbox for address in message.to]
    page = en_client.get(response["Location"]).content.decode()
    assert "You accepted the request of" in page
    assert collaboration.title in page


def test_pressing_accept_twice_keeps_one_collaboration(en_client, welfare_worker, sent):
    en_client.force_login(welfare_worker)
    first = en_client.post(accept_url(sent))
    second = en_client.post(accept_url(sent), follow=True)
    assert Collaboration.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "You had already accepted this request." in second.content.decode()


def test_a_colleague_accepting_after_an_answer_is_told_so(en_client, welfare_worker, organisation, sent):
    services.accept_match(request=sent, by=welfare_worker)
    colleague = factories.member_of(organisation=organisation, email="collega@welzijn.test")
    en_client.force_login(colleague)
    response = en_client.post(accept_url(sent), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bridge:inbox")
    assert "already been answered" in response.content.decode()
    assert Collaboration.objects.count() == 1


def test_a_moderator_accepting_returns_to_the_organisations_inbox_on_error(en_client, moderator, sent):
    services.withdraw_match(request=sent, by=sent.proposed_by)
    en_client.force_login(moderator)
    response = en_client.post(accept_url(sent))
    assert response["Location"] == f"{reverse('bridge:inbox')}?organisation={sent.offer.organisation_id}"
    assert not Collaboration.objects.exists()


def test_accept_only_takes_a_post(client, welfare_worker, sent):
    client.force_login(welfare_worker)
    assert client.get(accept_url(sent)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("school_coordinator", 403), ("outsider", 404)])
def test_only_the_organisation_accepts(client, request, persona, status, sent):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(accept_url(sent)).status_code == status
    assert not Collaboration.objects.exists()


# --- declining -----------------------------------------------------------------------------------


def test_the_decline_page_asks_for_a_reason(en_client, welfare_worker, sent):
    en_client.force_login(welfare_worker)
    response = en_client.get(decline_url(sent))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("No capacity", "Outside our area", "Not our target group", "Other"):
        assert label in page
    assert sent.need.title in page


@pytest.mark.parametrize(
    ("reason", "note"),
    [
        (DeclineReason.NO_CAPACITY, ""),
        (DeclineReason.OUTSIDE_AREA, "Wij werken enkel in Temse."),
        (DeclineReason.NOT_TARGET_GROUP, ""),
        (DeclineReason.OTHER, "Ons aanbod stopt in juni."),
    ],
)
def test_declining_with_each_reason(en_client, welfare_worker, sent, reason, note, django_capture_on_commit_callbacks):
    en_client.force_login(welfare_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(decline_url(sent), {"reason": reason, "note": note})
    assert response.status_code == 302
    assert response["Location"] == reverse("bridge:inbox")
    sent.refresh_from_db()
    assert (sent.status, sent.decline_reason, sent.decline_note) == ("declined", reason, note)
    assert "coordinator@school.test" in [address for message in mail.outbox for address in message.to]
    assert not Collaboration.objects.exists()


def test_other_without_a_note_is_refused_with_a_form_error(en_client, welfare_worker, sent):
    en_client.force_login(welfare_worker)
    response = en_client.post(decline_url(sent), {"reason": "other", "note": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [
        "Explain in a few words why you decline: you chose “other” as the reason."
    ]
    assert 'id="error-summary"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_no_reason_is_refused(en_client, welfare_worker, sent):
    en_client.force_login(welfare_worker)
    response = en_client.post(decline_url(sent), {"note": "Sorry"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Choose why you decline this request."]
    assert response.context["form"]["note"].value() == "Sorry"
    assert MatchRequest.objects.get().status == "sent"


def test_a_note_with_personal_data_is_refused(client, welfare_worker, sent):
    client.force_login(welfare_worker)
    response = client.post(decline_url(sent), {"reason": "other", "note": "Mail juf.an@school.be"})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert MatchRequest.objects.get().status == "sent"


def test_a_refusal_of_the_workflow_is_shown_as_a_form_error(en_client, welfare_worker, sent, monkeypatch):
    def refuse(**kwargs):
        raise services.MatchError("This request has been withdrawn.")

    monkeypatch.setattr("bridge.board_views.decline_match", refuse)
    en_client.force_login(welfare_worker)
    response = en_client.post(decline_url(sent), {"reason": "no_capacity"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This request has been withdrawn."]


def test_pressing_decline_twice_is_safe(en_client, welfare_worker, sent):
    en_client.force_login(welfare_worker)
    en_client.post(decline_url(sent), {"reason": "no_capacity"})
    response = en_client.post(decline_url(sent), {"reason": "no_capacity"}, follow=True)
    assert "You had already declined this request." in response.content.decode()
    assert MatchRequest.objects.get().decline_reason == "no_capacity"


def test_an_answered_request_shows_no_decline_form(en_client, welfare_worker, sent):
    services.accept_match(request=sent, by=welfare_worker)
    en_client.force_login(welfare_worker)
    response = en_client.get(decline_url(sent))
    assert response.status_code == 200
    assert "already been answered: the organisation accepted it" in response.content.decode()
    assert "<form" not in response.content.decode().split('id="main"')[1]


@pytest.mark.parametrize(("persona", "status"), [("school_coordinator", 403), ("outsider", 404)])
def test_only_the_organisation_declines(client, request, persona, status, sent):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(decline_url(sent)).status_code == status
    assert client.post(decline_url(sent), {"reason": "no_capacity"}).status_code == status
    assert MatchRequest.objects.get().status == "sent"
