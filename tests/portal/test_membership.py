"""Joining a school, organisation, CLB or local government, and its administrators deciding."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal import services
from portal.models import AuditEvent, Membership
from portal.services import MembershipError
from tests import factories

pytestmark = pytest.mark.django_db

JOIN = reverse("membership:join")


def _login(client, user):
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _admin(**entity):
    return factories.member_of(role="admin", **entity)


def _request(client, user, kind: str, entity, django_capture_on_commit_callbacks):
    _login(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("membership:request"), {"kind": kind, "entity": entity.pk}, follow=True)


# --- searching --------------------------------------------------------------------------------


def _results(client, **params) -> list[str]:
    response = client.get(JOIN, params)
    assert response.status_code == 200
    return [str(entity) for entity in response.context["results"]] if response.context["results"] else []


def test_schools_are_found_by_name_institution_number_postal_code_and_municipality(client):
    school = factories.SchoolFactory(name="Basisschool De Klimop", institution_number="045678")
    factories.SchoolFactory(name="Basisschool Elders", municipality=factories.municipality("11002"), postal_code="2000")
    _login(client, factories.UserFactory())
    for query in ("klimop", "0456", "9100", "sint-nik"):
        assert _results(client, kind="school", q=query) == [school.name], query


def test_a_search_without_a_kind_looks_for_schools(client):
    factories.SchoolFactory(name="Basisschool Zonder Soort")
    _login(client, factories.UserFactory())
    assert _results(client, q="zonder soort") == ["Basisschool Zonder Soort"]


def test_an_approved_member_sees_their_place_with_the_way_to_leave(en_client):
    organisation = factories.OrganisationFactory(name="CAW Thuis")
    member = factories.member_of(organisation=organisation)
    _login(en_client, member)
    response = en_client.get(JOIN)
    assert response.context["membership"].organisation == organisation
    assert "Leave CAW Thuis" in response.text
    assert reverse("membership:remove", args=[Membership.objects.get(user=member).pk]) in response.text


def test_unverified_and_declined_schools_and_organisations_cannot_be_found(client):
    factories.SchoolFactory(name="Nog niet geverifieerd", verified_at=None)
    factories.OrganisationFactory(name="Nog niet geverifieerd CAW", verified_at=None)
    _login(client, factories.UserFactory())
    assert _results(client, kind="school", q="geverifieerd") == []
    assert _results(client, kind="organisation", q="geverifieerd") == []


def test_organisations_are_found_by_name_and_by_the_municipality_of_a_location(client):
    organisation = factories.OrganisationFactory(name="Huis van het Kind Waasland")
    factories.LocationFactory(organisation=organisation)
    factories.LocationFactory(organisation=organisation, name="Tweede", street="Markt 1")
    _login(client, factories.UserFactory())
    assert _results(client, kind="organisation", q="waasland") == [organisation.name]
    assert _results(client, kind="organisation", q="Sint-Niklaas") == [organisation.name]
    assert _results(client, kind="organisation", q="9100") == [organisation.name]


def test_clbs_are_found_by_name_and_municipalities_by_name_or_postal_code(client):
    factories.CLBFactory(name="Vrij CLB Waasland")
    _login(client, factories.UserFactory())
    assert _results(client, kind="clb", q="vrij clb") == ["Vrij CLB Waasland"]
    assert "Sint-Niklaas" in _results(client, kind="municipality", q="sint-niklaas")
    assert _results(client, kind="municipality", q="1804") == ["Vilvoorde", "Zemst"]


def test_a_search_needs_two_characters_and_says_so(en_client):
    _login(en_client, factories.UserFactory())
    response = en_client.get(JOIN, {"kind": "school", "q": "a"})
    assert response.context["results"] is None
    assert "Type at least 2 characters" in response.text


def test_nothing_found_offers_to_register(en_client):
    _login(en_client, factories.UserFactory())
    response = en_client.get(JOIN, {"kind": "organisation", "q": "bestaat niet"})
    assert "Nothing found" in response.text
    assert reverse("membership:register_organisation") in response.text


def test_the_live_search_answers_htmx_with_the_results_only(client):
    factories.SchoolFactory(name="Basisschool Het Kompas")
    _login(client, factories.UserFactory())
    response = client.get(JOIN, {"kind": "school", "q": "kompas"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="join-results"')
    assert "Het Kompas" in response.text
    assert "<html" not in response.text


def test_results_say_when_a_moderator_decides_because_there_is_no_administrator(en_client):
    with_admin = factories.OrganisationFactory(name="CAW Met Beheerder")
    _admin(organisation=with_admin)
    factories.OrganisationFactory(name="CAW Zonder Beheerder")
    _login(en_client, factories.UserFactory())
    response = en_client.get(JOIN, {"kind": "organisation", "q": "beheerder"})
    flags = {entity.name: entity.has_admin for entity in response.context["results"]}
    assert flags == {"CAW Met Beheerder": True, "CAW Zonder Beheerder": False}
    assert response.text.count("No administrator yet") == 1


def test_search_results_take_the_same_number_of_queries_for_3_or_30_organisations(client, django_assert_num_queries):
    _login(client, factories.UserFactory())

    def count_for(n: int) -> int:
        for i in range(n):
            factories.LocationFactory(organisation=factories.OrganisationFactory(name=f"Zoekbaar {n}-{i}"))
        with CaptureQueriesContext(connection) as queries:
            client.get(JOIN, {"kind": "organisation", "q": f"zoekbaar {n}-"})
        return len(queries)

    assert count_for(3) == count_for(30)


# --- requesting, approving, declining ------------------------------------------------------------


def test_request_admin_approves_and_the_user_is_an_approved_member(client, django_capture_on_commit_callbacks):
    organisation = factories.OrganisationFactory(name="CAW De Schakel")
    admin = _admin(organisation=organisation, email="beheer@schakel.test")
    newcomer = factories.UserFactory(email="nieuw@schakel.test", full_name="Nina Nieuw")

    response = _request(client, newcomer, "organisation", organisation, django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=newcomer)
    assert (membership.status, membership.role, membership.organisation) == ("pending", "member", organisation)
    assert response.context["membership"] == membership
    assert [m.to for m in mail.outbox] == [["beheer@schakel.test"]]
    assert "Nina Nieuw" in mail.outbox[0].subject
    assert services.members_url(organisation) in mail.outbox[0].body

    mail.outbox.clear()
    _login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("membership:approve", args=[membership.pk]))
    assert response.status_code == 302
    assert response["Location"] == services.members_url(organisation)
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by, membership.decided_at is not None) == ("approved", admin, True)
    assert [m.to for m in mail.outbox] == [["nieuw@schakel.test"]]
    assert "CAW De Schakel" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(object_id=str(membership.pk), action="status").exists()

    _login(client, newcomer)
    assert client.get(reverse("membership:members")).url == services.members_url(organisation)


def test_a_request_for_an_entity_without_admin_goes_to_the_moderators(client, django_capture_on_commit_callbacks):
    clb = factories.CLBFactory(name="CLB Zonder Beheer")
    factories.UserFactory(email="mod1@brugwijzer.test", is_moderator=True)
    factories.UserFactory(email="mod2@brugwijzer.test", is_moderator=True)
    factories.UserFactory(email="oud@brugwijzer.test", is_moderator=True, is_active=False)
    newcomer = factories.UserFactory(email="broker@clb.test")

    _request(client, newcomer, "clb", clb, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["mod1@brugwijzer.test", "mod2@brugwijzer.test"]]
    assert reverse("membership:moderation") in mail.outbox[0].body
    membership = Membership.objects.get(user=newcomer)
    assert list(services.requests_for_moderators()) == [membership]


def test_the_admin_declines_with_a_reason_and_the_requester_gets_it_by_e_mail(
    client, django_capture_on_commit_callbacks
):
    school = factories.SchoolFactory(name="Basisschool De Vlieger")
    admin = _admin(school=school)
    requester = factories.member_of(school=school, status="pending", email="vraag@vlieger.test")
    membership = Membership.objects.get(user=requester)
    _login(client, admin)

    page = client.get(reverse("membership:decline", args=[membership.pk]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership:decline", args=[membership.pk]), {"reason": "Werkt niet op onze school."}
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == "declined"
    assert [m.to for m in mail.outbox] == [["vraag@vlieger.test"]]
    assert "Werkt niet op onze school." in mail.outbox[0].body
    assert "Werkt niet op onze school." in mail.outbox[0].alternatives[0].content


def test_a_declined_user_can_ask_again_elsewhere(client, django_capture_on_commit_callbacks):
    requester = factories.member_of(organisation=factories.OrganisationFactory(), status="declined")
    other = factories.OrganisationFactory()
    _request(client, requester, "organisation", other, django_capture_on_commit_callbacks)
    assert Membership.objects.live().get(user=requester).organisation == other


def test_the_requester_withdraws_a_pending_request(client, django_capture_on_commit_callbacks):
    school = factories.SchoolFactory()
    requester = factories.member_of(school=school, status="pending")
    membership = Membership.objects.get(user=requester)
    _login(client, requester)
    assert client.get(reverse("membership:withdraw", args=[membership.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("membership:withdraw", args=[membership.pk]), follow=True)
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == ("declined", requester)
    assert response.context["membership"] is None, "the join page offers the search again"
    assert mail.outbox == []


def test_a_user_with_a_live_membership_sees_it_and_cannot_ask_to_join_another(en_client):
    current = factories.OrganisationFactory(name="Mijn CAW")
    user = factories.member_of(organisation=current, status="pending")
    other = factories.OrganisationFactory()
    _login(en_client, user)
    page = en_client.get(JOIN, {"kind": "organisation", "q": "caw"})
    assert page.context["results"] is None
    assert "Your request to join Mijn CAW is being reviewed" in page.text
    assert "Withdraw the request" in page.text

    response = en_client.post(reverse("membership:request"), {"kind": "organisation", "entity": other.pk}, follow=True)
    assert "You already asked to join Mijn CAW" in " ".join(_messages(response))
    assert Membership.objects.filter(user=user).count() == 1


def test_an_unverified_organisation_cannot_be_joined(en_client):
    unverified = factories.OrganisationFactory(verified_at=None)
    _login(en_client, factories.UserFactory())
    response = en_client.post(
        reverse("membership:request"), {"kind": "organisation", "entity": unverified.pk}, follow=True
    )
    assert "could not find" in " ".join(_messages(response))
    assert not Membership.objects.filter(organisation=unverified).exists()
    with pytest.raises(MembershipError):
        services.request_membership(user=factories.UserFactory(), entity=unverified)


# --- who may decide -----------------------------------------------------------------------------


def test_a_pending_member_can_approve_nobody_and_change_nothing(client):
    organisation = factories.OrganisationFactory()
    pending_admin = factories.member_of(organisation=organisation, role="admin", status="pending")
    other_request = factories.member_of(organisation=organisation, status="pending")
    member = factories.member_of(organisation=organisation)
    request_pk = Membership.objects.get(user=other_request).pk
    member_pk = Membership.objects.get(user=member).pk
    _login(client, pending_admin)

    assert client.post(reverse("membership:approve", args=[request_pk])).status_code == 403
    assert client.post(reverse("membership:decline", args=[request_pk])).status_code == 403
    assert client.post(reverse("membership:set_role", args=[member_pk]), {"role": "admin"}).status_code == 403
    assert client.post(reverse("membership:remove", args=[member_pk])).status_code == 403
    own = Membership.objects.get(user=pending_admin)
    assert client.post(reverse("membership:approve", args=[own.pk])).status_code == 403
    assert set(Membership.objects.filter(organisation=organisation).values_list("status", flat=True)) == {
        "pending",
        "approved",
    }
    assert Membership.objects.get(user=member).role == "member"

    with pytest.raises(MembershipError):
        services.approve_membership(membership=Membership.objects.get(pk=request_pk), by=pending_admin)


def test_a_plain_member_may_look_but_not_decide(client):
    organisation = factories.OrganisationFactory()
    member = factories.member_of(organisation=organisation)
    requester = factories.member_of(organisation=organisation, status="pending")
    _login(client, member)
    page = client.get(services.members_url(organisation))
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert reverse("membership:approve", args=[Membership.objects.get(user=requester).pk]) not in page.text
    assert (
        client.post(reverse("membership:approve", args=[Membership.objects.get(user=requester).pk])).status_code == 403
    )


def test_an_admin_of_another_organisation_does_not_see_the_members(client):
    organisation = factories.OrganisationFactory()
    outsider = _admin(organisation=factories.OrganisationFactory())
    requester = factories.member_of(organisation=organisation, status="pending")
    _login(client, outsider)
    assert client.get(services.members_url(organisation)).status_code == 404
    assert (
        client.post(reverse("membership:approve", args=[Membership.objects.get(user=requester).pk])).status_code == 404
    )


def test_nobody_decides_on_their_own_request():
    moderator = factories.UserFactory(is_moderator=True)
    clb = factories.CLBFactory()
    membership = services.request_membership(user=moderator, entity=clb)
    with translation.override("en"), pytest.raises(MembershipError, match="own request"):
        services.approve_membership(membership=membership, by=moderator)


# --- concurrency --------------------------------------------------------------------------------


def test_a_request_cannot_be_approved_twice(django_capture_on_commit_callbacks):
    organisation = factories.OrganisationFactory()
    admin = _admin(organisation=organisation)
    other_admin = _admin(organisation=organisation)
    requester = factories.member_of(organisation=organisation, status="pending")
    first = Membership.objects.get(user=requester)
    second = Membership.objects.get(user=requester)  # what a second admin's page still shows

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_membership(membership=first, by=admin)
        with translation.override("en"), pytest.raises(MembershipError, match="already been handled"):
            services.approve_membership(membership=second, by=other_admin)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="status").count() == 1


def test_a_declined_request_cannot_be_approved_afterwards():
    organisation = factories.OrganisationFactory()
    admin, other_admin = _admin(organisation=organisation), _admin(organisation=organisation)
    requester = factories.member_of(organisation=organisation, status="pending")
    stale = Membership.objects.get(user=requester)
    services.decline_membership(membership=Membership.objects.get(user=requester), by=admin)
    with pytest.raises(MembershipError):
        services.approve_membership(membership=stale, by=other_admin)
    assert Membership.objects.get(pk=stale.pk).status == "declined"


def test_a_double_click_on_approve_shows_a_message_the_second_time(en_client):
    organisation = factories.OrganisationFactory()
    admin = _admin(organisation=organisation)
    pk = Membership.objects.get(user=factories.member_of(organisation=organisation, status="pending")).pk
    _login(en_client, admin)
    en_client.post(reverse("membership:approve", args=[pk]))
    response = en_client.post(reverse("membership:approve", args=[pk]), follow=True)
    assert "This request has already been handled." in _messages(response)


# --- roles and removal --------------------------------------------------------------------------


def test_the_last_admin_cannot_remove_or_demote_themselves(en_client):
    organisation = factories.OrganisationFactory(name="CAW Alleen")
    admin = _admin(organisation=organisation)
    own = Membership.objects.get(user=admin)
    _login(en_client, admin)

    response = en_client.post(reverse("membership:remove", args=[own.pk]), follow=True)
    assert "You are the last administrator of CAW Alleen" in " ".join(_messages(response))
    response = en_client.post(reverse("membership:set_role", args=[own.pk]), {"role": "member"}, follow=True)
    assert "CAW Alleen needs at least one administrator" in " ".join(_messages(response))
    own.refresh_from_db()
    assert (own.status, own.role) == ("approved", "admin")


def test_with_a_second_admin_an_admin_may_step_down_and_leave(client):
    organisation = factories.OrganisationFactory()
    admin = _admin(organisation=organisation)
    colleague = factories.member_of(organisation=organisation)
    colleague_membership = Membership.objects.get(user=colleague)
    own = Membership.objects.get(user=admin)
    _login(client, admin)

    client.post(reverse("membership:set_role", args=[colleague_membership.pk]), {"role": "admin"})
    colleague_membership.refresh_from_db()
    assert colleague_membership.role == "admin"
    client.post(reverse("membership:set_role", args=[own.pk]), {"role": "member"})
    own.refresh_from_db()
    assert own.role == "member"
    response = client.post(reverse("membership:remove", args=[own.pk]))
    assert response["Location"] == JOIN
    own.refresh_from_db()
    assert own.status == "declined"


def test_an_admin_removes_a_member_who_gets_an_e_mail_and_the_row_is_kept(client, django_capture_on_commit_callbacks):
    school = factories.SchoolFactory(name="Basisschool Het Anker")
    admin = _admin(school=school)
    member = factories.member_of(school=school, email="weg@anker.test")
    membership = Membership.objects.get(user=member)
    _login(client, admin)
    assert client.get(reverse("membership:remove", args=[membership.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("membership:remove", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == ("declined", admin)
    assert [m.to for m in mail.outbox] == [["weg@anker.test"]]
    assert "Het Anker" in mail.outbox[0].subject


def test_a_member_leaves_without_anyone_getting_an_e_mail(client, django_capture_on_commit_callbacks):
    organisation = factories.OrganisationFactory()
    _admin(organisation=organisation)
    member = factories.member_of(organisation=organisation)
    membership = Membership.objects.get(user=member)
    _login(client, member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership:remove", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == "declined"
    assert mail.outbox == []


def test_a_moderator_approves_a_first_member_as_administrator(client, django_capture_on_commit_callbacks):
    municipality = factories.municipality("46021")
    moderator = factories.UserFactory(is_moderator=True)
    requester = factories.member_of(municipality=municipality, status="pending")
    membership = Membership.objects.get(user=requester)
    _login(client, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership:approve", args=[membership.pk]),
            {"role": "admin", "next": reverse("membership:moderation")},
        )
    assert response["Location"] == reverse("membership:moderation")
    membership.refresh_from_db()
    assert (membership.status, membership.role) == ("approved", "admin")
    assert len(mail.outbox) == 1


def test_next_never_leads_off_site(client):
    organisation = factories.OrganisationFactory()
    admin = _admin(organisation=organisation)
    pk = Membership.objects.get(user=factories.member_of(organisation=organisation, status="pending")).pk
    _login(client, admin)
    response = client.post(reverse("membership:approve", args=[pk]), {"next": "https://evil.test/"})
    assert response["Location"] == services.members_url(organisation)


# --- the members page ---------------------------------------------------------------------------


def test_the_members_page_lists_pending_and_approved_members_with_the_admin_s_actions(en_client):
    organisation = factories.OrganisationFactory(name="CAW Leden")
    admin = _admin(organisation=organisation)
    factories.member_of(organisation=organisation, email="lid@caw.test")
    factories.member_of(organisation=organisation, status="pending", email="wacht@caw.test")
    factories.member_of(organisation=organisation, status="declined", email="weg@caw.test")
    _login(en_client, admin)
    response = en_client.get(services.members_url(organisation))
    assert [m.user.email for m in response.context["pending"]] == ["wacht@caw.test"]
    assert {m.user.email for m in response.context["approved"]} == {admin.email, "lid@caw.test"}
    assert "weg@caw.test" not in response.text
    assert "Make administrator" in response.text
    assert "Approve" in response.text


def test_the_members_page_takes_the_same_number_of_queries_for_3_or_30_members(client):
    organisation = factories.OrganisationFactory()
    admin = _admin(organisation=organisation)
    _login(client, admin)

    def count_with(n: int) -> int:
        for _ in range(n):
            factories.member_of(organisation=organisation)
            factories.member_of(organisation=organisation, status="pending")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(services.members_url(organisation)).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(27)


def test_members_redirects_to_the_own_entity_or_explains(en_client):
    school = factories.SchoolFactory()
    _login(en_client, factories.member_of(school=school))
    assert en_client.get(reverse("membership:members")).url == services.members_url(school)

    _login(en_client, factories.UserFactory())
    response = en_client.get(reverse("membership:members"), follow=True)
    assert "not an approved member" in " ".join(_messages(response))


def test_an_unknown_kind_or_entity_is_404(client):
    _login(client, factories.UserFactory(is_moderator=True))
    assert client.get(reverse("membership:entity_members", args=["bedrijf", 1])).status_code == 404
    assert client.get(reverse("membership:entity_members", args=["school", 999999])).status_code == 404
