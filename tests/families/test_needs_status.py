"""Following up a need: mark addressed, withdraw (with confirmation), reopen. Never deleted."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from families.models import FamilyNeed, NeedStatus
from families.services import NeedError, set_need_status
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def url(name: str, need) -> str:
    return reverse(f"families:{name}", kwargs={"pk": need.pk})


def test_member_marks_a_need_addressed_and_it_is_audited(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)

    response = en_client.post(url("need_mark_addressed", need), follow=True)

    assert response.redirect_chain[-1][0] == url("need_detail", need)
    assert "is marked as addressed" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.ADDRESSED
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.changes) == (
        "status",
        school_coordinator,
        {"status": ["open", "addressed"]},
    )


def test_withdrawing_asks_for_confirmation_first(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerk")
    en_client.force_login(school_coordinator)

    response = en_client.get(url("need_withdraw", need))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Withdraw “Huiswerk”?" in html
    assert "Yes, withdraw this need" in html
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_the_detail_page_links_to_the_withdraw_confirmation(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)

    html = en_client.get(url("need_detail", need)).content.decode()

    assert f'href="{url("need_withdraw", need)}"' in html
    assert f'action="{url("need_mark_addressed", need)}"' in html


def test_confirmed_withdrawal_keeps_the_need(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)

    response = en_client.post(url("need_withdraw", need), follow=True)

    assert "has been withdrawn" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN
    assert FamilyNeed.objects.filter(pk=need.pk).exists()
    assert AuditEvent.objects.get().changes == {"status": ["open", "withdrawn"]}


@pytest.mark.parametrize("status", [NeedStatus.ADDRESSED, NeedStatus.WITHDRAWN])
def test_a_closed_need_can_be_reopened(en_client, school, school_coordinator, status):
    need = factories.FamilyNeedFactory(school=school, status=status)
    en_client.force_login(school_coordinator)

    html = en_client.get(url("need_detail", need)).content.decode()
    assert f'action="{url("need_reopen", need)}"' in html

    response = en_client.post(url("need_reopen", need), follow=True)

    assert "is open again" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert AuditEvent.objects.get().changes == {"status": [status, "open"]}


def test_an_open_need_cannot_be_reopened(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)

    response = en_client.post(url("need_reopen", need), follow=True)

    assert "This need is already open." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_withdrawn_need_cannot_be_marked_addressed(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, status=NeedStatus.WITHDRAWN)
    en_client.force_login(school_coordinator)

    response = en_client.post(url("need_mark_addressed", need), follow=True)

    assert "Only an open need can be marked as addressed or withdrawn" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN


def test_withdraw_page_for_a_closed_need_sends_back_to_the_need(client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, status=NeedStatus.ADDRESSED)
    client.force_login(school_coordinator)

    response = client.get(url("need_withdraw", need))

    assert response.status_code == 302
    assert response["Location"] == url("need_detail", need)


def test_status_change_is_refused_when_someone_else_changed_it_first(school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    seen_by_colleague = FamilyNeed.objects.get(pk=need.pk)
    set_need_status(need=need, by=school_coordinator, status=NeedStatus.WITHDRAWN)

    with (
        translation.override("en"),
        pytest.raises(NeedError, match="Someone changed this need in the meantime: it is now withdrawn"),
    ):
        set_need_status(need=seen_by_colleague, by=school_coordinator, status=NeedStatus.ADDRESSED)

    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN
    assert AuditEvent.objects.count() == 1


def test_status_changes_need_a_post(client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)

    assert client.get(url("need_mark_addressed", need)).status_code == 405
    assert client.get(url("need_reopen", need)).status_code == 405


def test_pending_member_cannot_change_the_status(client, school):
    need = factories.FamilyNeedFactory(school=school)
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.post(url("need_mark_addressed", need)).status_code == 403
    assert client.post(url("need_withdraw", need)).status_code == 403
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_outsider_cannot_change_the_status(client, school, outsider):
    need = factories.FamilyNeedFactory(school=school)
    client.force_login(outsider)

    assert client.post(url("need_withdraw", need)).status_code == 404
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_history_shows_who_changed_what(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)
    en_client.post(
        reverse("families:need_create", kwargs={"school_pk": school.pk}),
        {"title": "Huiswerk", "life_domains": [factories.life_domain().pk], "family_count": "2", "urgency": "low"},
    )
    need = FamilyNeed.objects.get()
    en_client.post(url("need_mark_addressed", need))

    html = en_client.get(url("need_detail", need)).content.decode()

    assert "Stated the need" in html
    assert "Status changed from open to addressed" in html
    assert escape(school_coordinator.get_full_name()) in html  # names like D'Hondt are escaped
