"""Unanswered requests: one reminder to the organisation, then expiry and a word to the proposer.

Time is frozen by passing `now` to `remind_and_expire`, counted from the moment a request was
sent.
"""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from bridge import services
from bridge.models import CLBSchool, MatchRequest
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school)


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(organisation=organisation)


@pytest.fixture
def sent(need, offer, school_coordinator, welfare_worker):
    return services.propose_match(need=need, offer=offer, by=school_coordinator)


@pytest.fixture
def run(sent, django_capture_on_commit_callbacks):
    """Run the daily job `days` after the request was sent; the e-mails are sent at once."""

    def run(days: float, **kwargs) -> dict[str, int]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return services.remind_and_expire(now=sent.sent_at + days * DAY, **kwargs)

    return run


def status_events(request: MatchRequest) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            content_type__model="matchrequest", object_id=str(request.pk), action="status"
        ).values_list("changes", flat=True)
    )


def test_nothing_happens_in_the_first_week(sent, run):
    assert run(6.9) == {"reminded": 0, "expired": 0}
    assert mail.outbox == []
    sent.refresh_from_db()
    assert sent.reminded_at is None


def test_after_a_week_the_organisation_is_reminded_once(sent, run):
    assert run(7) == {"reminded": 1, "expired": 0}
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert sent.reminded_at == sent.sent_at + 7 * DAY
    [reminder] = mail.outbox
    assert reminder.to == ["worker@welzijn.test"]
    assert sent.need.school.name in reminder.subject
    assert reminder.alternatives[0].mimetype == "text/html"
    assert AuditEvent.objects.filter(object_id=str(sent.pk), action="update", changes__has_key="reminded_at").exists()

    assert run(8) == {"reminded": 0, "expired": 0}
    assert run(13) == {"reminded": 0, "expired": 0}
    assert mail.outbox == []


def test_after_two_weeks_the_request_expires_and_the_proposer_is_told(sent, run, school):
    factories.member_of(school=school, email="leerkracht@school.test")
    run(7)
    assert run(14) == {"reminded": 0, "expired": 1}
    sent.refresh_from_db()
    assert sent.status == "expired"
    assert status_events(sent) == [{"status": ["sent", "expired"]}]
    assert AuditEvent.objects.get(object_id=str(sent.pk), action="status").actor is None
    [told] = mail.outbox
    assert told.to == ["coordinator@school.test"]
    assert sent.offer.organisation.name in told.subject
    assert told.alternatives[0].mimetype == "text/html"

    assert run(15) == {"reminded": 0, "expired": 0}
    assert mail.outbox == []


def test_a_request_is_always_reminded_before_it_expires(sent, run):
    """When the daily job did not run for weeks, the organisation still gets its reminder and
    the full week after it."""
    assert run(20) == {"reminded": 1, "expired": 0}
    assert run(26.9) == {"reminded": 0, "expired": 0}
    assert run(27) == {"reminded": 0, "expired": 1}


@pytest.mark.parametrize("answer", ["accept", "decline", "withdraw"])
def test_an_answered_or_withdrawn_request_is_left_alone(sent, run, welfare_worker, school_coordinator, answer):
    run(7)
    if answer == "accept":
        services.accept_match(request=sent, by=welfare_worker)
    elif answer == "decline":
        services.decline_match(request=sent, by=welfare_worker, reason="no_capacity")
    else:
        services.withdraw_match(request=sent, by=school_coordinator)
    assert run(30) == {"reminded": 0, "expired": 0}
    assert mail.outbox == []


def test_drafts_are_neither_reminded_nor_expired(need, offer, school, clb_broker, run):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    other = factories.OfferFactory(organisation=offer.organisation)
    draft = services.propose_match(need=need, offer=other, by=clb_broker, school_agreed=True, send=False)
    run(7)
    run(30)
    draft.refresh_from_db()
    assert draft.status == "proposed"
    assert draft.reminded_at is None


def test_an_expired_request_makes_room_for_a_new_one(sent, run, need, offer, school_coordinator):
    run(7)
    run(14)
    again = services.propose_match(need=need, offer=offer, by=school_coordinator)
    assert again.status == "sent"


def test_when_the_proposers_account_is_gone_the_school_is_told(sent, run, school, school_coordinator):
    factories.member_of(school=school, email="leerkracht@school.test")
    run(7)
    MatchRequest.objects.filter(pk=sent.pk).update(proposed_by=None)
    run(14)
    assert sorted(mail.outbox[0].to) == ["coordinator@school.test", "leerkracht@school.test"]


def test_the_days_come_from_the_settings(sent, run):
    with override_settings(MATCH_REMIND_AFTER_DAYS=2, MATCH_EXPIRE_AFTER_DAYS=5):
        assert run(2) == {"reminded": 1, "expired": 0}
        assert run(4.9) == {"reminded": 0, "expired": 0}
        assert run(5) == {"reminded": 0, "expired": 1}


def test_the_days_can_be_passed_in(sent, run):
    assert run(3, remind_after_days=3, expire_after_days=4) == {"reminded": 1, "expired": 0}
    assert run(4, remind_after_days=3, expire_after_days=4) == {"reminded": 0, "expired": 1}


@pytest.mark.parametrize("remind, expire", [(7, 7), (10, 5), (0, 14)])
def test_reminding_must_come_before_expiry(remind, expire):
    with pytest.raises(ValueError):
        services.remind_and_expire(remind_after_days=remind, expire_after_days=expire)


def test_many_requests_are_handled_in_one_run(need, school_coordinator, organisation, welfare_worker, run, sent):
    others = [
        services.propose_match(
            need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
        )
        for _ in range(3)
    ]
    MatchRequest.objects.filter(pk__in=[r.pk for r in others]).update(sent_at=sent.sent_at)
    assert run(7) == {"reminded": 4, "expired": 0}
    assert len(mail.outbox) == 4
    assert run(14) == {"reminded": 0, "expired": 4}


# --- the daily command -------------------------------------------------------------------------


def test_the_command_prints_what_it_did(sent):
    MatchRequest.objects.filter(pk=sent.pk).update(sent_at=sent.sent_at - 8 * DAY)
    out = StringIO()
    call_command("expire_match_requests", stdout=out)
    assert out.getvalue().strip() == "Match requests: 1 reminded, 0 expired."


def test_the_command_takes_the_days_as_options(sent):
    MatchRequest.objects.filter(pk=sent.pk).update(sent_at=sent.sent_at - 2 * DAY)
    out = StringIO()
    call_command("expire_match_requests", "--remind-after-days=1", "--expire-after-days=3", stdout=out)
    assert "1 reminded" in out.getvalue()


def test_the_command_refuses_days_in_the_wrong_order(db):
    with pytest.raises(CommandError, match="before expiry"):
        call_command("expire_match_requests", "--remind-after-days=9", "--expire-after-days=3", stdout=StringIO())
