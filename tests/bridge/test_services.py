"""The match-request workflow: who may take each step, what each step changes, what it records
in the audit log and whom it e-mails.

E-mails are rendered in Dutch; these tests check their recipients, data and form (subject, text
and HTML), not interface wording, which the translation pass will change.
"""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from bridge import services
from bridge.models import CLBSchool, Collaboration, MatchRequest
from bridge.services import MatchError
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

DESCRIPTION = "Enkele gezinnen hebben moeite om de schoolrekening te betalen."


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    """MatchError messages are read in English here; the Dutch ones come from the translations."""
    with translation.override("en"):
        yield


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(
        school=school,
        title="Huiswerkhulp na school",
        life_domains=[factories.life_domain("leren"), factories.life_domain("opvoeding")],
        age_min=6,
        age_max=10,
        family_count=4,
        urgency="high",
        description=DESCRIPTION,
    )


@pytest.fixture
def offer(organisation):
    return factories.OfferFactory(
        organisation=organisation, name="Huiswerkklas De Brug", life_domains=[factories.life_domain("leren")]
    )


@pytest.fixture
def clb_broker_of_school(clb_broker, school):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


@pytest.fixture
def worker_colleague(organisation):
    return factories.member_of(organisation=organisation, role="member", email="collega@welzijn.test")


@pytest.fixture
def pending_worker(organisation):
    return factories.member_of(organisation=organisation, status="pending", email="nieuw@welzijn.test")


@pytest.fixture
def pending_teacher(school):
    return factories.member_of(school=school, status="pending", email="nieuw@school.test")


@pytest.fixture
def teacher(school):
    return factories.member_of(school=school, role="member", email="leerkracht@school.test")


@pytest.fixture
def sent(need, offer, school_coordinator, welfare_worker):
    return services.propose_match(need=need, offer=offer, by=school_coordinator)


@pytest.fixture
def draft(need, offer, clb_broker_of_school, welfare_worker):
    return services.propose_match(need=need, offer=offer, by=clb_broker_of_school, school_agreed=True, send=False)


def events(obj, action: str = "status") -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
        ).values_list("changes", flat=True)
    )


def only_mail():
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    message = mail.outbox[0]
    assert message.subject.startswith("[Brugwijzer] ")
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert "<html" in html
    return message, html


# --- proposing ---------------------------------------------------------------------------------


def test_a_school_member_asking_a_partner_sends_the_request_at_once(
    need,
    offer,
    school_coordinator,
    welfare_worker,
    worker_colleague,
    pending_worker,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.propose_match(need=need, offer=offer, by=school_coordinator, message="Graag na de herfst.")

    request.refresh_from_db()
    assert request.status == "sent"
    assert request.sent_at is not None
    assert request.proposed_by == school_coordinator
    assert request.school_agreed is True
    assert request.message == "Graag na de herfst."
    [created] = events(request, "create")
    assert created["status"] == [None, "sent"]
    assert created["school_agreed"] is True
    message, html = only_mail()
    assert sorted(message.to) == ["collega@welzijn.test", "worker@welzijn.test"]
    assert need.school.name in message.subject
    assert offer.name in message.subject


def test_the_new_request_mail_describes_the_need_anonymously(
    need, offer, school_coordinator, welfare_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.propose_match(need=need, offer=offer, by=school_coordinator, message="Vraag naar juf Ann.")

    message, html = only_mail()
    for body in (message.body, html):
        assert "Huiswerkhulp na school" in body
        assert "Leren" in body and "Opvoeding" in body
        assert "4" in body and "6" in body and "10" in body
        assert DESCRIPTION not in body
        assert "juf Ann" not in body
        assert f"{settings.SITE_URL}{services._path('bridge:request_detail', pk=request.pk)}" in body
        assert f"{settings.SITE_URL}{services._path('bridge:inbox')}" in body


def test_a_school_member_never_needs_to_record_the_schools_agreement(need, offer, teacher):
    request = services.propose_match(need=need, offer=offer, by=teacher, school_agreed=False)
    assert request.school_agreed is True
    assert request.status == "sent"


@pytest.mark.parametrize("broker", ["clb_broker_of_school", "bridge_figure", "moderator"])
def test_a_broker_proposes_on_the_schools_behalf_once_it_agreed(
    request, broker, need, offer, welfare_worker, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(broker)
    with django_capture_on_commit_callbacks(execute=True):
        match = services.propose_match(need=need, offer=offer, by=user, school_agreed=True)

    assert match.status == "sent"
    assert match.proposed_by == user
    assert match.school_agreed is True
    assert only_mail()[0].to == ["worker@welzijn.test"]


@pytest.mark.parametrize("agreed", [None, False])
def test_a_broker_must_record_that_the_school_agreed(bridge_figure, need, offer, agreed):
    with pytest.raises(MatchError, match="Record that the school agreed"):
        services.propose_match(need=need, offer=offer, by=bridge_figure, school_agreed=agreed)
    assert not MatchRequest.objects.exists()


@pytest.mark.parametrize("persona", ["clb_broker", "welfare_worker", "outsider", "local_government", "pending_teacher"])
def test_who_has_no_tie_to_the_school_may_not_propose(request, persona, need, offer):
    """clb_broker here works for a CLB that does not guide the need's school."""
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.propose_match(need=need, offer=offer, by=user, school_agreed=True)
    assert not MatchRequest.objects.exists()


def test_a_bridge_figure_of_another_school_may_not_propose(offer):
    figure = factories.BridgeFigureFactory()
    figure.schools.add(factories.SchoolFactory())
    other_need = factories.FamilyNeedFactory()
    with pytest.raises(PermissionDenied):
        services.propose_match(need=other_need, offer=offer, by=figure.user, school_agreed=True)


@pytest.mark.parametrize("status", ["addressed", "withdrawn"])
def test_a_need_that_is_not_open_cannot_be_proposed(need, offer, school_coordinator, status):
    need.status = status
    need.save(update_fields=["status"])
    with pytest.raises(MatchError, match="no longer open"):
        services.propose_match(need=need, offer=offer, by=school_coordinator)


def test_an_inactive_offer_cannot_be_asked(need, offer, school_coordinator):
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    with pytest.raises(MatchError, match="no longer active"):
        services.propose_match(need=need, offer=offer, by=school_coordinator)


def test_an_unverified_organisation_cannot_be_asked(need, school_coordinator):
    offer = factories.OfferFactory(organisation=factories.OrganisationFactory(verified_at=None))
    with pytest.raises(MatchError, match="not been verified"):
        services.propose_match(need=need, offer=offer, by=school_coordinator)


def test_a_message_with_personal_data_is_refused(need, offer, school_coordinator):
    with pytest.raises(MatchError, match="e-mail address"):
        services.propose_match(need=need, offer=offer, by=school_coordinator, message="Mail mama@example.com")
    assert not MatchRequest.objects.exists()


def test_a_need_goes_to_the_same_offer_once_while_the_request_is_live(sent, need, offer, teacher):
    with pytest.raises(MatchError, match="waiting for an answer"):
        services.propose_match(need=need, offer=offer, by=teacher)
    assert MatchRequest.objects.count() == 1


def test_the_database_guard_is_told_as_a_match_error(sent, need, offer, teacher, monkeypatch):
    """Two people asking at the same moment both pass the friendly check; the constraint decides."""
    real = services._live_refusal
    calls = iter([None])
    monkeypatch.setattr(services, "_live_refusal", lambda n, o: next(calls, None) or real(n, o))
    with pytest.raises(MatchError, match="waiting for an answer"):
        services.propose_match(need=need, offer=offer, by=teacher)
    assert MatchRequest.objects.count() == 1


def test_the_same_need_can_go_to_another_offer(sent, need, school_coordinator):
    other = factories.OfferFactory()
    assert services.propose_match(need=need, offer=other, by=school_coordinator).status == "sent"


def test_a_request_that_is_over_makes_room_for_a_new_one(sent, need, offer, welfare_worker, school_coordinator):
    services.decline_match(request=sent, by=welfare_worker, reason="no_capacity")
    again = services.propose_match(need=need, offer=offer, by=school_coordinator)
    assert again.pk != sent.pk and again.status == "sent"


# --- drafts ------------------------------------------------------------------------------------


def test_a_brokers_draft_waits_unseen_until_it_is_sent(
    need, offer, clb_broker_of_school, welfare_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.propose_match(need=need, offer=offer, by=clb_broker_of_school, school_agreed=True, send=False)
    assert draft.status == "proposed"
    assert draft.sent_at is None
    assert events(draft, "create")[0]["status"] == [None, "proposed"]
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.send_match(request=draft, by=clb_broker_of_school)

    draft.refresh_from_db()
    assert draft.status == "sent"
    assert draft.sent_at is not None
    assert events(draft) == [{"status": ["proposed", "sent"]}]
    assert only_mail()[0].to == ["worker@welzijn.test"]


def test_a_school_member_can_send_a_brokers_draft(draft, school_coordinator):
    assert services.send_match(request=draft, by=school_coordinator).status == "sent"


def test_a_draft_is_sent_once(draft, clb_broker_of_school, school_coordinator):
    services.send_match(request=draft, by=clb_broker_of_school)
    with pytest.raises(MatchError, match="still waiting for an answer"):
        services.send_match(request=draft, by=school_coordinator)
    assert len(events(draft)) == 1


@pytest.mark.parametrize("persona", ["welfare_worker", "outsider", "pending_teacher"])
def test_only_the_school_side_sends_a_draft(request, persona, draft):
    with pytest.raises(PermissionDenied):
        services.send_match(request=draft, by=request.getfixturevalue(persona))
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_a_draft_for_a_need_closed_meanwhile_is_not_sent(draft, need, clb_broker_of_school):
    need.status = "addressed"
    need.save(update_fields=["status"])
    with pytest.raises(MatchError, match="no longer open"):
        services.send_match(request=draft, by=clb_broker_of_school)


# --- accepting ---------------------------------------------------------------------------------


def test_accepting_starts_one_agreed_collaboration(
    sent,
    need,
    offer,
    organisation,
    school,
    school_coordinator,
    teacher,
    welfare_worker,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        collaboration = services.accept_match(request=sent, by=welfare_worker)

    sent.refresh_from_db()
    assert sent.status == "accepted"
    assert sent.answered_by == welfare_worker
    assert sent.answered_at is not None
    assert collaboration.status == "agreed"
    assert collaboration.school == school
    assert collaboration.match_request == sent
    assert list(collaboration.organisations.all()) == [organisation]
    assert list(collaboration.needs.all()) == [need]
    assert [domain.slug for domain in collaboration.life_domains.all()] == ["leren"]
    assert collaboration.broker is None
    assert collaboration.title == f"{offer.name} – {school.name}"
    assert events(sent) == [{"status": ["sent", "accepted"]}]
    assert events(collaboration, "create")[0]["status"] == [None, "agreed"]
    message, html = only_mail()
    assert sorted(message.to) == ["coordinator@school.test", "leerkracht@school.test"]
    assert organisation.name in message.subject
    assert "worker@welzijn.test" in message.body and "worker@welzijn.test" in html


def test_a_collaboration_remembers_the_broker_who_proposed_it(
    need, offer, clb_broker_of_school, school_coordinator, welfare_worker, django_capture_on_commit_callbacks
):
    request = services.propose_match(need=need, offer=offer, by=clb_broker_of_school, school_agreed=True)
    with django_capture_on_commit_callbacks(execute=True):
        collaboration = services.accept_match(request=request, by=welfare_worker)
    assert collaboration.broker == clb_broker_of_school
    assert sorted(mail.outbox[-1].to) == ["broker@clb.test", "coordinator@school.test"]


def test_without_shared_life_domains_the_collaboration_takes_the_needs(
    need, organisation, school_coordinator, welfare_worker
):
    offer = factories.OfferFactory(organisation=organisation, life_domains=[factories.life_domain("wonen")])
    request = services.propose_match(need=need, offer=offer, by=school_coordinator)
    collaboration = services.accept_match(request=request, by=welfare_worker)
    assert sorted(domain.slug for domain in collaboration.life_domains.all()) == ["leren", "opvoeding"]


@pytest.mark.parametrize("persona", ["worker_colleague", "moderator"])
def test_plain_members_and_moderators_may_accept(request, persona, sent):
    collaboration = services.accept_match(request=sent, by=request.getfixturevalue(persona))
    assert collaboration.match_request_id == sent.pk


@pytest.mark.parametrize(
    "persona",
    ["school_coordinator", "teacher", "clb_broker_of_school", "bridge_figure", "outsider", "pending_worker"],
)
def test_only_the_organisation_accepts(request, persona, sent):
    with pytest.raises(PermissionDenied):
        services.accept_match(request=sent, by=request.getfixturevalue(persona))
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert not Collaboration.objects.exists()


def test_a_second_member_accepting_is_told_it_is_answered(sent, welfare_worker, worker_colleague):
    services.accept_match(request=sent, by=welfare_worker)
    with pytest.raises(MatchError, match="already been answered"):
        services.accept_match(request=MatchRequest.objects.get(pk=sent.pk), by=worker_colleague)
    assert Collaboration.objects.count() == 1
    assert len(events(sent)) == 1


def test_pressing_accept_twice_returns_the_same_collaboration(sent, welfare_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.accept_match(request=sent, by=welfare_worker)
        second = services.accept_match(request=MatchRequest.objects.get(pk=sent.pk), by=welfare_worker)
    assert first.pk == second.pk
    assert Collaboration.objects.count() == 1
    assert len(events(sent)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("persona", ["welfare_worker", "moderator"])
def test_a_draft_cannot_be_answered_before_it_is_sent(request, persona, draft):
    user = request.getfixturevalue(persona)
    with pytest.raises(MatchError, match="not been sent"):
        services.accept_match(request=draft, by=user)
    with pytest.raises(MatchError, match="not been sent"):
        services.decline_match(request=draft, by=user, reason="no_capacity")
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_a_need_closed_meanwhile_can_only_be_declined(sent, need, welfare_worker):
    need.status = "addressed"
    need.save(update_fields=["status"])
    with pytest.raises(MatchError, match="only decline"):
        services.accept_match(request=sent, by=welfare_worker)
    assert services.decline_match(request=sent, by=welfare_worker, reason="other", note="Al geholpen.").status == (
        "declined"
    )


# --- declining ---------------------------------------------------------------------------------


def test_declining_records_the_reason_and_tells_the_school(
    sent, organisation, school_coordinator, welfare_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_match(request=sent, by=welfare_worker, reason="outside_area", note="  Wij werken in Gent.  ")

    sent.refresh_from_db()
    assert sent.status == "declined"
    assert sent.decline_reason == "outside_area"
    assert sent.decline_note == "Wij werken in Gent."
    assert sent.answered_by == welfare_worker
    assert events(sent) == [
        {
            "status": ["sent", "declined"],
            "decline_reason": ["", "outside_area"],
            "decline_note": ["", "Wij werken in Gent."],
        }
    ]
    message, html = only_mail()
    assert message.to == ["coordinator@school.test"]
    assert organisation.name in message.subject
    assert "Wij werken in Gent." in message.body and "Wij werken in Gent." in html
    assert not Collaboration.objects.exists()


@pytest.mark.parametrize("reason", ["no_capacity", "outside_area", "not_target_group"])
def test_a_reason_from_the_list_needs_no_explanation(sent, welfare_worker, reason):
    assert services.decline_match(request=sent, by=welfare_worker, reason=reason).decline_reason == reason


def test_other_as_the_reason_needs_an_explanation(sent, welfare_worker):
    with pytest.raises(MatchError, match="Explain"):
        services.decline_match(request=sent, by=welfare_worker, reason="other", note="   ")
    sent.refresh_from_db()
    assert sent.status == "sent"


@pytest.mark.parametrize("reason", ["", "busy", None])
def test_declining_needs_a_known_reason(sent, welfare_worker, reason):
    with pytest.raises(MatchError, match="Choose why"):
        services.decline_match(request=sent, by=welfare_worker, reason=reason)


def test_an_explanation_with_personal_data_is_refused(sent, welfare_worker):
    with pytest.raises(MatchError, match="phone number"):
        services.decline_match(request=sent, by=welfare_worker, reason="other", note="Bel de moeder op 0478 12 34 56")
    sent.refresh_from_db()
    assert sent.status == "sent"


@pytest.mark.parametrize("persona", ["school_coordinator", "bridge_figure", "outsider", "pending_worker"])
def test_only_the_organisation_declines(request, persona, sent):
    with pytest.raises(PermissionDenied):
        services.decline_match(request=sent, by=request.getfixturevalue(persona), reason="no_capacity")


def test_an_accepted_request_cannot_be_declined(sent, welfare_worker, worker_colleague):
    services.accept_match(request=sent, by=welfare_worker)
    with pytest.raises(MatchError, match="accepted it"):
        services.decline_match(request=sent, by=worker_colleague, reason="no_capacity")


def test_pressing_decline_twice_changes_nothing_the_second_time(
    sent, welfare_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_match(request=sent, by=welfare_worker, reason="no_capacity")
        again = services.decline_match(
            request=MatchRequest.objects.get(pk=sent.pk), by=welfare_worker, reason="other", note="x"
        )
    assert again.decline_reason == "no_capacity"
    assert len(events(sent)) == 1
    assert len(mail.outbox) == 1


def test_a_declined_request_cannot_be_accepted(sent, welfare_worker, worker_colleague):
    services.decline_match(request=sent, by=welfare_worker, reason="no_capacity")
    with pytest.raises(MatchError, match="declined it"):
        services.accept_match(request=sent, by=worker_colleague)


# --- withdrawing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["school_coordinator", "teacher", "clb_broker_of_school", "bridge_figure", "moderator"]
)
def test_the_school_side_withdraws_a_sent_request_and_the_organisation_hears(
    request, persona, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_match(request=sent, by=request.getfixturevalue(persona))
    sent.refresh_from_db()
    assert sent.status == "withdrawn"
    assert events(sent) == [{"status": ["sent", "withdrawn"]}]
    message, _html = only_mail()
    assert message.to == ["worker@welzijn.test"]


def test_withdrawing_a_draft_tells_nobody(draft, clb_broker_of_school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_match(request=draft, by=clb_broker_of_school)
    assert events(draft) == [{"status": ["proposed", "withdrawn"]}]
    assert mail.outbox == []


def test_the_proposer_may_withdraw_after_leaving_the_school(sent, school_coordinator):
    school_coordinator.memberships.update(status="declined")
    assert services.withdraw_match(request=sent, by=school_coordinator).status == "withdrawn"


@pytest.mark.parametrize("persona", ["welfare_worker", "outsider", "clb_broker", "pending_teacher"])
def test_others_may_not_withdraw(request, persona, sent):
    with pytest.raises(PermissionDenied):
        services.withdraw_match(request=sent, by=request.getfixturevalue(persona))


def test_an_answered_request_cannot_be_withdrawn(sent, welfare_worker, school_coordinator):
    services.accept_match(request=sent, by=welfare_worker)
    with pytest.raises(MatchError, match="accepted it"):
        services.withdraw_match(request=sent, by=school_coordinator)


def test_withdrawing_twice_changes_nothing_the_second_time(sent, school_coordinator, teacher):
    services.withdraw_match(request=sent, by=school_coordinator)
    assert services.withdraw_match(request=sent, by=teacher).status == "withdrawn"
    assert len(events(sent)) == 1


def test_a_withdrawn_request_cannot_be_answered(sent, school_coordinator, welfare_worker):
    services.withdraw_match(request=sent, by=school_coordinator)
    with pytest.raises(MatchError, match="withdrawn"):
        services.accept_match(request=sent, by=welfare_worker)
    with pytest.raises(MatchError, match="withdrawn"):
        services.decline_match(request=sent, by=welfare_worker, reason="no_capacity")
