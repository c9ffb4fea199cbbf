"""The organisation's inbox of suggested corrections: admins apply or dismiss them, the person
who suggested one hears the outcome by e-mail, and the decision is audited."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from portal.models import AuditEvent
from tests import factories
from welfare.models import OfferCorrection

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation, name="Inloopteam Kiekeboe")


@pytest.fixture
def suggester(db):
    return factories.UserFactory(email="broker@clb.test", full_name="Wout De Backer")


@pytest.fixture
def correction(offer, suggester):
    return OfferCorrection.objects.create(
        offer=offer, suggested_by=suggester, message="De openingsuren op woensdag kloppen niet meer."
    )


def inbox(organisation) -> str:
    return reverse("welfare:corrections", kwargs={"pk": organisation.pk})


def test_inbox_lists_open_suggestions_with_offer_and_message(en_client, welfare_worker, organisation, correction):
    other = factories.OfferFactory()  # another organisation's suggestion stays out
    OfferCorrection.objects.create(offer=other, message="Niet van ons.")
    en_client.force_login(welfare_worker)

    response = en_client.get(inbox(organisation))

    assert response.status_code == 200
    assert "Inloopteam Kiekeboe" in response.text
    assert "De openingsuren op woensdag kloppen niet meer." in response.text
    assert "Wout De Backer" in response.text
    assert "Niet van ons." not in response.text
    assert reverse("welfare:offer_edit", kwargs={"pk": correction.offer_id}) + f"?correction={correction.pk}" in (
        response.text
    )


def test_empty_inbox_says_so(en_client, welfare_worker, organisation):
    en_client.force_login(welfare_worker)

    response = en_client.get(inbox(organisation))

    assert "No open suggestions." in response.text


def test_applying_records_the_decision_and_mails_the_suggester(
    en_client, welfare_worker, organisation, correction, django_capture_on_commit_callbacks
):
    en_client.force_login(welfare_worker)

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(
            reverse("welfare:correction_apply", kwargs={"pk": correction.pk}), {"note": "Aangepast, dank je!"}
        )

    assert response.status_code == 302
    assert response["Location"] == inbox(organisation)
    correction.refresh_from_db()
    assert correction.status == "applied"
    assert correction.decided_by == welfare_worker
    assert correction.decided_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["broker@clb.test"]
    assert "Inloopteam Kiekeboe" in message.subject
    assert "Aangepast, dank je!" in message.body
    assert "De openingsuren op woensdag kloppen niet meer." in message.body
    assert reverse("directory:offer", kwargs={"pk": correction.offer_id}) in message.body
    assert message.alternatives[0][1] == "text/html"
    event = AuditEvent.objects.get(content_type__model="offercorrection")
    assert event.action == "status"
    assert event.actor == welfare_worker
    assert event.changes == {"status": ["open", "applied"], "reply": ["", "Aangepast, dank je!"]}


def test_dismissing_records_the_decision_and_mails_the_suggester(
    en_client, welfare_worker, correction, django_capture_on_commit_callbacks
):
    en_client.force_login(welfare_worker)

    with django_capture_on_commit_callbacks(execute=True):
        response = en_client.post(reverse("welfare:correction_dismiss", kwargs={"pk": correction.pk}))

    correction.refresh_from_db()
    assert correction.status == "dismissed"
    assert [m.to for m in mail.outbox] == [["broker@clb.test"]]
    assert "Wout De Backer gets an e-mail about it." in [str(m) for m in get_messages(response.wsgi_request)][0]
    assert AuditEvent.objects.get(content_type__model="offercorrection").changes == {"status": ["open", "dismissed"]}


def test_a_suggestion_is_handled_only_once(en_client, welfare_worker, correction, django_capture_on_commit_callbacks):
    en_client.force_login(welfare_worker)
    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("welfare:correction_apply", kwargs={"pk": correction.pk}))

        response = en_client.post(reverse("welfare:correction_dismiss", kwargs={"pk": correction.pk}))

    correction.refresh_from_db()
    assert correction.status == "applied"
    assert len(mail.outbox) == 1
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "This suggestion has already been handled by someone else."
    )


def test_htmx_decision_returns_the_updated_item(en_client, welfare_worker, correction):
    en_client.force_login(welfare_worker)

    response = en_client.post(reverse("welfare:correction_dismiss", kwargs={"pk": correction.pk}), **HTMX)

    assert response.status_code == 200
    assert response.text.strip().startswith(f'<article class="card correction-card" id="correction-{correction.pk}"')
    assert "Dismissed." in response.text


def test_suggestion_of_a_deleted_account_is_handled_without_mail(
    en_client, welfare_worker, offer, django_capture_on_commit_callbacks
):
    orphan = OfferCorrection.objects.create(offer=offer, suggested_by=None, message="Verouderd.")
    en_client.force_login(welfare_worker)

    with django_capture_on_commit_callbacks(execute=True):
        en_client.post(reverse("welfare:correction_apply", kwargs={"pk": orphan.pk}))

    orphan.refresh_from_db()
    assert orphan.status == "applied"
    assert mail.outbox == []


def test_members_cannot_handle_suggestions(client, organisation, correction):
    member = factories.member_of(organisation=organisation, role="member")
    client.force_login(member)

    assert client.get(inbox(organisation)).status_code == 403
    assert client.post(reverse("welfare:correction_apply", kwargs={"pk": correction.pk})).status_code == 403
    correction.refresh_from_db()
    assert correction.status == "open"


def test_reply_that_is_too_long_is_refused(en_client, welfare_worker, correction):
    en_client.force_login(welfare_worker)

    response = en_client.post(reverse("welfare:correction_apply", kwargs={"pk": correction.pk}), {"note": "x" * 1001})

    correction.refresh_from_db()
    assert correction.status == "open"
    assert "at most 1000 characters" in [str(m) for m in get_messages(response.wsgi_request)][0]
