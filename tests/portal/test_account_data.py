"""A professional's own data: the overview, "download my data", "delete my account", and the
activity log that administrators of a school or organisation read."""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bridge.models import Barrier, LearningEntry, MatchRequest
from families.models import FamilyNeed
from portal import audit
from portal.models import AuditEvent, Membership
from portal.privacy import PSEUDONYM, delete_account, pseudonym_for, pseudonymise_audit_trail
from portal.security import activate_demo_totp
from portal.services import approve_membership, request_membership
from portal.tokens import create_token
from tests import factories
from welfare.models import OfferCorrection

User = get_user_model()


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def texts(response) -> list[str]:
    with translation.override("en"):
        return [str(message) for message in get_messages(response.wsgi_request)]


# --- the overview -----------------------------------------------------------------------------


def test_the_overview_offers_the_download_and_the_deletion(welfare_worker):
    response = signed_in(welfare_worker).get(reverse("myaccount:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("myaccount:download") in content
    assert reverse("myaccount:delete") in content
    assert "Your data" in content


def test_an_administrator_finds_the_activity_log_on_the_overview(welfare_worker, organisation):
    response = signed_in(welfare_worker).get(reverse("myaccount:index"))
    url = reverse("myaccount:entity_audit", kwargs={"kind": "organisatie", "pk": organisation.pk})
    assert url in response.content.decode()


def test_a_plain_member_sees_no_activity_log_link(db, organisation):
    member = factories.member_of(organisation=organisation, role="member")
    response = signed_in(member).get(reverse("myaccount:index"))
    assert "/audit/" not in response.content.decode()


def test_the_overview_asks_for_login(client):
    response = client.get(reverse("myaccount:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- download my data -------------------------------------------------------------------------


@pytest.fixture
def busy_coordinator(db, school):
    """A school coordinator who did a bit of everything."""
    user = factories.member_of(school=school, role="admin", email="druk@school.test")
    user.full_name, user.job_title = "Els Verstraete", "zorgcoördinator"
    user.save(update_fields=["full_name", "job_title"])
    need = factories.FamilyNeedFactory(school=school, created_by=user, title="Schoolkosten voor gezinnen")
    offer = factories.OfferFactory(name="Schoolkostenhulp")
    factories.MatchRequestFactory(need=need, offer=offer, proposed_by=user, message="Kunnen jullie helpen?")
    collaboration = factories.CollaborationFactory(school=school, title="Samen tegen schoolkosten")
    LearningEntry.objects.create(
        collaboration=collaboration,
        author=user,
        author_side="school",
        what_happened="Een gesprek aan de schoolpoort.",
        learned="Het CAW komt naar de school.",
    )
    Barrier.objects.create(
        municipality=school.municipality,
        school=school,
        kind="school_costs",
        note="Uitstappen zijn duur.",
        reported_by=user,
    )
    OfferCorrection.objects.create(offer=offer, suggested_by=user, message="Het telefoonnummer is veranderd.")
    create_token(user=user, name="Rapportscript")
    audit.record(actor=user, action=AuditEvent.Action.UPDATE, obj=need, changes={"title": ["Oud", need.title]})
    return user


def download(user) -> dict:
    response = signed_in(user).get(reverse("myaccount:download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="brugwijzer-gegevens-')
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_download_holds_the_profile_and_account(busy_coordinator, school):
    data = download(busy_coordinator)
    assert data["format"] == "brugwijzer-account-export"
    assert data["profile"]["email"] == "druk@school.test"
    assert data["profile"]["name"] == "Els Verstraete"
    assert data["profile"]["job_title"] == "zorgcoördinator"
    assert data["email_addresses"] == [{"email": "druk@school.test", "verified": True, "primary": True}]
    assert data["memberships"] == [
        {
            "kind": "school",
            "id": school.pk,
            "name": school.name,
            "role": "admin",
            "status": "approved",
            "requested": data["memberships"][0]["requested"],
            "decided": None,
        }
    ]


def test_the_download_names_tokens_but_never_holds_them(busy_coordinator):
    data = download(busy_coordinator)
    [token] = data["api_tokens"]
    assert token["name"] == "Rapportscript"
    assert token["starts_with"].startswith("bw_")
    assert "key_hash" not in token
    stored = busy_coordinator.api_tokens.get()
    assert stored.key_hash not in json.dumps(data)


def test_the_download_lists_two_factor_methods_without_secrets(busy_coordinator):
    activate_demo_totp(busy_coordinator)
    data = download(busy_coordinator)
    assert [method["type"] for method in data["two_factor"]] == ["totp"]
    assert "secret" not in json.dumps(data["two_factor"])


def test_the_download_holds_what_the_user_did(busy_coordinator):
    data = download(busy_coordinator)
    assert [need["title"] for need in data["needs_created"]] == ["Schoolkosten voor gezinnen"]
    [request] = data["match_requests_proposed"]
    assert request["message"] == "Kunnen jullie helpen?"
    assert request["offer"]["name"] == "Schoolkostenhulp"
    assert data["learning_entries"][0]["learned"] == "Het CAW komt naar de school."
    assert data["barriers_reported"][0]["note"] == "Uitstappen zijn duur."
    assert data["corrections_suggested"][0]["message"] == "Het telefoonnummer is veranderd."
    actions = {(event["object_type"], event["action"]) for event in data["audit_events"]}
    assert ("families.familyneed", "update") in actions
    assert ("portal.apitoken", "create") in actions


def test_the_download_holds_nothing_of_other_users(busy_coordinator, welfare_worker, organisation):
    offer = factories.OfferFactory(organisation=organisation)
    audit.record(actor=welfare_worker, action=AuditEvent.Action.UPDATE, obj=offer, changes={"name": ["a", "b"]})
    factories.FamilyNeedFactory(created_by=welfare_worker, title="Andermans nood")
    content = json.dumps(download(busy_coordinator))
    assert welfare_worker.email not in content
    assert "Andermans nood" not in content


def test_the_download_costs_the_same_queries_however_much_there_is(busy_coordinator, school):
    client = signed_in(busy_coordinator)
    client.get(reverse("myaccount:download"))
    need = FamilyNeed.objects.get(created_by=busy_coordinator)
    for _ in range(3):
        audit.record(actor=busy_coordinator, action=AuditEvent.Action.UPDATE, obj=need, changes={"x": [1, 2]})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("myaccount:download"))
    for index in range(30):
        factories.FamilyNeedFactory(school=school, created_by=busy_coordinator, title=f"Nood {index}")
        audit.record(actor=busy_coordinator, action=AuditEvent.Action.UPDATE, obj=need, changes={"x": [index, 2]})
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("myaccount:download"))
    assert len(json.loads(response.content)["needs_created"]) == 31
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_download_is_only_for_a_signed_in_user(client):
    response = client.get(reverse("myaccount:download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- delete my account ------------------------------------------------------------------------


def test_the_deletion_page_asks_for_the_password(welfare_worker):
    response = signed_in(welfare_worker).get(reverse("myaccount:delete"))
    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert b'autocomplete="current-password"' in response.content
    assert b"This cannot be undone." in response.content


def test_a_wrong_password_changes_nothing(welfare_worker):
    client = signed_in(welfare_worker)
    response = client.post(reverse("myaccount:delete"), {"password": "not-my-password"})
    assert response.status_code == 200
    assert b"This is not your password." in response.content
    assert b'aria-describedby="id_password_helptext id_password_error"' in response.content
    assert User.objects.filter(pk=welfare_worker.pk).exists()
    assert client.get(reverse("myaccount:index")).status_code == 200


def test_an_empty_password_changes_nothing(welfare_worker):
    response = signed_in(welfare_worker).post(reverse("myaccount:delete"), {"password": ""})
    assert response.status_code == 200
    assert User.objects.filter(pk=welfare_worker.pk).exists()


def test_deleting_the_account_signs_out_and_says_so(welfare_worker, organisation):
    pk = welfare_worker.pk
    client = signed_in(welfare_worker)
    response = client.post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=pk).exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    assert any("Your account was deleted" in text for text in texts(response))
    assert "_auth_user_id" not in client.session
    assert organisation.__class__.objects.filter(pk=organisation.pk).exists()


def test_other_sessions_of_a_deleted_account_end(welfare_worker):
    elsewhere = signed_in(welfare_worker)
    signed_in(welfare_worker).post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    response = elsewhere.get(reverse("myaccount:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_what_the_user_created_stays_without_an_author(busy_coordinator):
    need = FamilyNeed.objects.get(created_by=busy_coordinator)
    request = MatchRequest.objects.get(proposed_by=busy_coordinator)
    delete_account(user=busy_coordinator)
    need.refresh_from_db()
    request.refresh_from_db()
    assert need.created_by is None
    assert request.proposed_by is None
    assert LearningEntry.objects.get().author is None
    assert Barrier.objects.get().reported_by is None


def test_the_audit_trail_keeps_the_events_under_one_pseudonym(busy_coordinator):
    pk = busy_coordinator.pk
    expected = pseudonym_for(busy_coordinator)
    ids = list(AuditEvent.objects.filter(actor=busy_coordinator).values_list("pk", flat=True))
    assert len(ids) >= 2
    delete_account(user=busy_coordinator)
    events = AuditEvent.objects.filter(pk__in=ids)
    assert {(event.actor_id, event.actor_label) for event in events} == {(None, expected)}
    assert expected.startswith("verwijderde gebruiker #")
    assert "druk" not in expected
    deleted = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(pk))
    assert deleted.object_repr == expected


def test_a_user_deleted_by_staff_is_pseudonymised_too(db, organisation):
    """Not only the self-service deletion: any deletion of a user (the admin, a script)."""
    user = factories.member_of(organisation=organisation, role="admin", email="weg@welzijn.test")
    event = audit.record(actor=user, action=AuditEvent.Action.UPDATE, obj=organisation, changes={"a": [1, 2]})
    expected = pseudonym_for(user)
    User.objects.filter(pk=user.pk).delete()
    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (None, expected)
    assert not AuditEvent.objects.filter(actor_label="weg@welzijn.test").exists()


def test_pseudonyms_differ_between_users_and_hide_the_address(db):
    one, other = factories.UserFactory(), factories.UserFactory()
    assert pseudonym_for(one) != pseudonym_for(other)
    assert pseudonym_for(one) == pseudonym_for(one)
    assert one.email not in pseudonym_for(one)
    assert PSEUDONYM.format("") in pseudonym_for(one)


def test_the_name_and_address_disappear_from_events_about_the_user(db, organisation, welfare_worker):
    """A membership is described by its member's name; the admin who approved it keeps theirs."""
    newcomer = factories.UserFactory(email="nieuw@welzijn.test", full_name="Jozef Ölçer")
    membership = request_membership(user=newcomer, entity=organisation)
    approve_membership(membership=membership, by=welfare_worker)
    audit.record(
        actor=welfare_worker,
        action=AuditEvent.Action.UPDATE,
        obj=organisation,
        changes={"contact": ["nieuw@welzijn.test", "x"]},
    )
    unrelated = audit.record(
        actor=welfare_worker, action=AuditEvent.Action.UPDATE, obj=organisation, changes={"name": ["Jozefien", "b"]}
    )
    pseudonym = pseudonymise_audit_trail(newcomer)
    for event in AuditEvent.objects.all():
        text = event.object_repr + json.dumps(event.changes, ensure_ascii=False) + event.actor_label
        assert "Jozef Ölçer" not in text
        assert "nieuw@welzijn.test" not in text
    about = AuditEvent.objects.filter(object_id=str(membership.pk), content_type__model="membership")
    assert all(pseudonym in event.object_repr for event in about)
    assert AuditEvent.objects.filter(actor=welfare_worker).exclude(actor_label=welfare_worker.email).count() == 0
    unrelated.refresh_from_db()
    assert unrelated.changes == {"name": ["Jozefien", "b"]}


def test_the_last_administrator_with_other_members_cannot_delete(welfare_worker, organisation):
    factories.member_of(organisation=organisation, role="member")
    client = signed_in(welfare_worker)
    page = client.get(reverse("myaccount:delete"))
    assert b"You are the last administrator" in page.content
    assert b'name="password"' not in page.content
    response = client.post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 200
    assert b"Make one of them administrator first" in response.content
    assert User.objects.filter(pk=welfare_worker.pk).exists()
    assert (
        AuditEvent.objects.filter(actor=welfare_worker).count()
        == AuditEvent.objects.filter(actor_label=welfare_worker.email).count()
    )


def test_an_administrator_who_hands_over_first_can_delete(welfare_worker, organisation):
    factories.member_of(organisation=organisation, role="admin")
    response = signed_in(welfare_worker).post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=welfare_worker.pk).exists()


def test_the_only_member_of_an_entity_can_delete(welfare_worker):
    response = signed_in(welfare_worker).post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302


def test_pending_requests_do_not_hold_the_last_administrator_back(welfare_worker, organisation):
    factories.member_of(organisation=organisation, role="member", status="pending")
    response = signed_in(welfare_worker).post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_two_factor_authenticator_goes_with_the_account(clb_broker):
    activate_demo_totp(clb_broker)
    delete_account(user=clb_broker)
    assert not Authenticator.objects.exists()


def test_password_guessing_on_the_deletion_page_is_limited(settings, welfare_worker):
    settings.ACCOUNT_RATE_LIMITS = {"reauthenticate": "2/m/user"}
    cache.clear()
    client = signed_in(welfare_worker)
    for _attempt in range(2):
        assert b"This is not your password." in client.post(reverse("myaccount:delete"), {"password": "x"}).content
    response = client.post(reverse("myaccount:delete"), {"password": factories.PASSWORD})
    assert b"Too many attempts" in response.content
    assert User.objects.filter(pk=welfare_worker.pk).exists()
    cache.clear()


# --- the activity log -------------------------------------------------------------------------


def audit_url(kind: str, pk: int) -> str:
    return reverse("myaccount:entity_audit", kwargs={"kind": kind, "pk": pk})


@pytest.fixture
def busy_organisation(db, organisation, welfare_worker):
    """Something changed in each thing that belongs to the organisation, and elsewhere."""
    location = factories.LocationFactory(organisation=organisation, name="Loket Centrum")
    offer = factories.OfferFactory(organisation=organisation, name="Budgetbegeleiding")
    correction = OfferCorrection.objects.create(offer=offer, message="Nieuwe openingsuren.")
    sent = factories.MatchRequestFactory(offer=offer, status="sent")
    draft = factories.MatchRequestFactory(offer=offer, status="proposed")
    collaboration = factories.CollaborationFactory(organisations=[organisation], title="Brug met de school")
    elsewhere = factories.OfferFactory(name="Ander aanbod")
    sent.sent_at = sent.created_at
    sent.save(update_fields=["sent_at"])
    for obj, label in [
        (organisation, "organisation"),
        (location, "location"),
        (offer, "offer"),
        (correction, "correction"),
        (sent, "sent request"),
        (draft, "draft request"),
        (collaboration, "collaboration"),
        (elsewhere, "elsewhere"),
        (Membership.objects.get(user=welfare_worker), "membership"),
    ]:
        audit.record(actor=welfare_worker, action=AuditEvent.Action.UPDATE, obj=obj, changes={"what": [None, label]})
    return organisation


def logged(response) -> set[str]:
    return {row["changes"][0]["new"] for row in response.context["rows"]}


def test_the_activity_log_names_fields_as_the_interface_does(welfare_worker, organisation):
    audit.record(
        actor=welfare_worker,
        action=AuditEvent.Action.UPDATE,
        obj=organisation,
        changes={"phone": ["03 111 11 11", "03 222 22 22"], "imported_from": "HSDS"},
    )
    response = signed_in(welfare_worker).get(audit_url("organisatie", organisation.pk))
    [row] = response.context["rows"]
    assert [(change["field"], change["pair"]) for change in row["changes"]] == [
        ("Phone", True),
        ("imported_from", False),
    ]
    assert "03 111 11 11" in response.content.decode()


def test_an_organisation_administrator_reads_its_activity_log(busy_organisation, welfare_worker):
    response = signed_in(welfare_worker).get(audit_url("organisatie", busy_organisation.pk))
    assert response.status_code == 200
    assert logged(response) == {
        "organisation",
        "location",
        "offer",
        "correction",
        "sent request",
        "collaboration",
        "membership",
    }
    assert welfare_worker.email in response.content.decode()


def test_the_activity_log_leaves_out_unsent_drafts_and_other_organisations(busy_organisation, welfare_worker):
    seen = logged(signed_in(welfare_worker).get(audit_url("organisatie", busy_organisation.pk)))
    assert "draft request" not in seen
    assert "elsewhere" not in seen


def test_a_school_administrator_reads_its_activity_log(school_coordinator, school):
    need = factories.FamilyNeedFactory(school=school)
    request = factories.MatchRequestFactory(need=need)
    collaboration = factories.CollaborationFactory(school=school)
    other_need = factories.FamilyNeedFactory()
    for obj, label in [
        (school, "school"),
        (need, "need"),
        (request, "request"),
        (collaboration, "collaboration"),
        (other_need, "elsewhere"),
    ]:
        audit.record(
            actor=school_coordinator, action=AuditEvent.Action.UPDATE, obj=obj, changes={"what": [None, label]}
        )
    response = signed_in(school_coordinator).get(audit_url("school", school.pk))
    assert response.status_code == 200
    assert logged(response) == {"school", "need", "request", "collaboration"}


def test_the_activity_log_shows_a_pseudonym_for_a_deleted_account(busy_organisation, welfare_worker, organisation):
    colleague = factories.member_of(organisation=organisation, role="admin", email="collega@welzijn.test")
    audit.record(actor=colleague, action=AuditEvent.Action.UPDATE, obj=organisation, changes={"phone": ["1", "2"]})
    pseudonym = pseudonym_for(colleague)
    delete_account(user=colleague)
    response = signed_in(welfare_worker).get(audit_url("organisatie", organisation.pk))
    content = response.content.decode()
    assert pseudonym in content
    assert "collega@welzijn.test" not in content


def test_the_activity_log_is_empty_at_first(welfare_worker, organisation):
    response = signed_in(welfare_worker).get(audit_url("organisatie", organisation.pk))
    assert b"Nothing has been changed yet." in response.content


def test_the_activity_log_is_paginated(welfare_worker, organisation):
    for index in range(55):
        audit.record(
            actor=welfare_worker, action=AuditEvent.Action.UPDATE, obj=organisation, changes={"n": [index, index + 1]}
        )
    client = signed_in(welfare_worker)
    first = client.get(audit_url("organisatie", organisation.pk))
    assert len(first.context["rows"]) == 50
    assert b"Page 1 of 2" in first.content
    second = client.get(audit_url("organisatie", organisation.pk) + "?page=2")
    assert len(second.context["rows"]) == 5


def test_the_activity_log_costs_the_same_queries_with_3_or_30_events(welfare_worker, organisation):
    client = signed_in(welfare_worker)
    offers = [factories.OfferFactory(organisation=organisation) for _ in range(3)]
    for offer in offers:
        audit.record(actor=welfare_worker, action=AuditEvent.Action.UPDATE, obj=offer, changes={"a": [1, 2]})
    client.get(audit_url("organisatie", organisation.pk))
    with CaptureQueriesContext(connection) as few:
        client.get(audit_url("organisatie", organisation.pk))
    for index in range(27):
        offer = factories.OfferFactory(organisation=organisation)
        audit.record(actor=welfare_worker, action=AuditEvent.Action.CREATE, obj=offer, changes={"n": index})
    with CaptureQueriesContext(connection) as many:
        response = client.get(audit_url("organisatie", organisation.pk))
    assert len(response.context["rows"]) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_plain_or_pending_member_may_not_read_the_activity_log(db, organisation):
    member = factories.member_of(organisation=organisation, role="member")
    pending = factories.member_of(organisation=organisation, role="admin", status="pending")
    for user in (member, pending):
        assert signed_in(user).get(audit_url("organisatie", organisation.pk)).status_code == 403


def test_an_outsider_does_not_find_the_activity_log(outsider, organisation):
    assert signed_in(outsider).get(audit_url("organisatie", organisation.pk)).status_code == 404


def test_a_moderator_reads_any_activity_log(moderator, organisation, school):
    client = signed_in(moderator)
    assert client.get(audit_url("organisatie", organisation.pk)).status_code == 200
    assert client.get(audit_url("school", school.pk)).status_code == 200


@pytest.mark.parametrize("kind", ["clb", "gemeente", "organisation", "iets"])
def test_other_kinds_have_no_activity_log(moderator, kind):
    assert signed_in(moderator).get(audit_url(kind, 1)).status_code == 404


def test_an_unknown_entity_has_no_activity_log(moderator):
    assert signed_in(moderator).get(audit_url("school", 999999)).status_code == 404
