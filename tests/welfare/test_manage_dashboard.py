"""The organisation's dashboard: offers with capacity and freshness, locations, quick actions."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from welfare.models import OfferCorrection


@pytest.fixture
def member(organisation):
    return factories.member_of(organisation=organisation, role="member", email="member@welzijn.test")


def dashboard(organisation) -> str:
    return reverse("welfare:dashboard", kwargs={"pk": organisation.pk})


def test_my_organisation_leads_to_the_dashboard(client, welfare_worker, organisation):
    client.force_login(welfare_worker)

    response = client.get(reverse("welfare:mine"))

    assert response.status_code == 302
    assert response["Location"] == dashboard(organisation)


def test_my_organisation_explains_when_the_user_has_none(en_client, clb_broker):
    en_client.force_login(clb_broker)

    response = en_client.get(reverse("welfare:mine"))

    assert response.status_code == 200
    assert "not linked to a welfare organisation" in response.text


def test_dashboard_lists_active_and_inactive_offers_with_their_state(en_client, member, organisation):
    factories.OfferFactory(organisation=organisation, name="Actief aanbod", capacity="waiting_list", waiting_weeks=5)
    factories.OfferFactory(organisation=organisation, name="Oud aanbod", is_active=False)
    stale = factories.OfferFactory(
        organisation=organisation, name="Lang niet bekeken", last_confirmed=datetime.date(2019, 1, 1)
    )
    OfferCorrection.objects.create(offer=stale, message="Bestaat dit nog?")
    factories.OfferFactory(name="Van een ander")
    en_client.force_login(member)

    response = en_client.get(dashboard(organisation))

    text = response.text
    assert response.status_code == 200
    assert "Actief aanbod" in text and "Oud aanbod" in text and "Lang niet bekeken" in text
    assert "Van een ander" not in text
    assert "Waiting list · 5 weeks" in text
    assert text.count('class="badge badge-stale"') == 1
    assert text.count('class="badge badge-ended"') == 1
    assert response.context["summary"] == {"active": 2, "inactive": 1, "stale": 1, "open_corrections": 1}
    assert [offer.name for offer in response.context["offers"]] == ["Actief aanbod", "Lang niet bekeken", "Oud aanbod"]


def test_members_get_offer_actions_but_not_the_admin_ones(en_client, member, organisation):
    factories.OfferFactory(organisation=organisation)
    en_client.force_login(member)

    text = en_client.get(dashboard(organisation)).text

    assert "Still correct" in text
    assert reverse("welfare:offer_create", kwargs={"pk": organisation.pk}) in text
    assert reverse("welfare:organisation_edit", kwargs={"pk": organisation.pk}) not in text
    assert reverse("welfare:corrections", kwargs={"pk": organisation.pk}) not in text


def test_admins_also_get_the_organisation_and_corrections_links(en_client, welfare_worker, organisation):
    en_client.force_login(welfare_worker)

    text = en_client.get(dashboard(organisation)).text

    assert reverse("welfare:organisation_edit", kwargs={"pk": organisation.pk}) in text
    assert reverse("welfare:corrections", kwargs={"pk": organisation.pk}) in text


def test_pending_member_sees_a_read_only_dashboard(en_client, organisation):
    factories.OfferFactory(organisation=organisation, name="Zichtbaar")
    pending = factories.member_of(organisation=organisation, role="admin", status="pending")
    en_client.force_login(pending)

    response = en_client.get(dashboard(organisation))

    assert response.status_code == 200
    assert "Zichtbaar" in response.text
    assert "still being reviewed" in response.text
    assert "Still correct" not in response.text
    assert "<form" not in response.text.split('id="main"')[1]


def test_unverified_organisation_is_told_its_offers_are_not_public_yet(en_client, db):
    organisation = factories.OrganisationFactory(verified_at=None)
    worker = factories.member_of(organisation=organisation, role="admin")
    en_client.force_login(worker)

    response = en_client.get(dashboard(organisation))

    assert "they appear in the directory once the organisation is verified" in response.text


def test_empty_dashboard_invites_the_first_offer_and_location(en_client, welfare_worker, organisation):
    en_client.force_login(welfare_worker)

    text = en_client.get(dashboard(organisation)).text

    assert "Add the first offer" in text
    assert "No locations yet." in text


def test_locations_in_use_cannot_be_removed_from_the_dashboard(en_client, welfare_worker, organisation):
    used = factories.LocationFactory(organisation=organisation, name="In gebruik")
    factories.OfferFactory(organisation=organisation).locations.add(used)
    unused = factories.LocationFactory(organisation=organisation, name="Leeg")
    en_client.force_login(welfare_worker)

    text = en_client.get(dashboard(organisation)).text

    assert reverse("welfare:location_delete", kwargs={"pk": unused.pk}) in text
    assert reverse("welfare:location_delete", kwargs={"pk": used.pk}) not in text


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_query_count_does_not_grow_with_offers(
    client, welfare_worker, organisation, count, django_assert_num_queries
):
    locations = factories.LocationFactory.create_batch(3, organisation=organisation)
    for index in range(count):
        offer = factories.OfferFactory(organisation=organisation, is_active=index % 5 != 0)
        offer.locations.add(*locations)
        OfferCorrection.objects.create(offer=offer, message="Klopt dit nog?")
    client.force_login(welfare_worker)
    client.get(dashboard(organisation))  # warm caches that are not per request (content types, …)

    # session, user, role (membership with whether a bridge figure, then its organisation for the header),
    # organisation, membership check,
    # summary, page count, offers, their life domains, locations
    with django_assert_num_queries(11):
        response = client.get(dashboard(organisation))

    assert response.status_code == 200
    assert len(response.context["offers"]) == min(count, 25)


def test_dashboard_paginates_many_offers(client, welfare_worker, organisation):
    factories.OfferFactory.create_batch(30, organisation=organisation)
    client.force_login(welfare_worker)

    response = client.get(dashboard(organisation) + "?page=2")

    assert len(response.context["offers"]) == 5
