"""The home page: what Brugwijzer does for whom, live counts, life domains, next steps by role."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import LifeDomain
from tests import factories

pytestmark = pytest.mark.django_db


def get_home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def stat(page: str, label: str) -> str:
    """The number shown next to a count label."""
    match = re.search(r"<dt>\s*" + re.escape(label) + r"\s*</dt>\s*<dd>([^<]+)</dd>", page)
    assert match, f"no count for {label!r}"
    return match.group(1)


@pytest.fixture
def region(db):
    """A small region: 3 schools, 2 verified organisations and 1 unverified, 3 public offers,
    1 inactive offer, 1 agreed and 1 proposed collaboration."""
    schools = factories.SchoolFactory.create_batch(3)
    verified = factories.OrganisationFactory.create_batch(2)
    unverified = factories.OrganisationFactory(verified_at=None)
    factories.OfferFactory(organisation=verified[0])
    factories.OfferFactory(organisation=verified[0])
    factories.OfferFactory(organisation=verified[1])
    factories.OfferFactory(organisation=verified[1], is_active=False)
    factories.OfferFactory(organisation=unverified)
    factories.CollaborationFactory(school=schools[0], status="agreed", organisations=[verified[0]])
    factories.CollaborationFactory(school=schools[1], status="proposed", organisations=[verified[1]])
    return schools


def test_anonymous_home_page(client, region):
    page = get_home(client)
    assert '<html lang="nl-BE"' in page
    assert "<h1" in page and page.count("<h1") == 1
    assert "School en welzijn, samen voor elk gezin" in page
    assert stat(page, "basisscholen") == "3"
    assert stat(page, "welzijnsorganisaties") == "2"
    assert stat(page, "diensten en activiteiten voor gezinnen") == "3"
    assert stat(page, "samenwerking") == "1"


def test_home_explains_the_portal_to_every_kind_of_user(client):
    page = get_home(client)
    for heading in ["Scholen", "Welzijnswerkers", "CLB-medewerkers en brugfiguren", "Lokale besturen", "Gezinnen"]:
        assert f"<h3>{heading}</h3>" in page, heading
    # Families go to /hulp/ without an account.
    assert 'href="/hulp/"' in page
    assert "zonder account" in page


def test_singular_count_labels(client):
    factories.SchoolFactory()
    page = get_home(client)
    assert stat(page, "basisschool") == "1"


def test_life_domains_with_pictograms(client):
    page = get_home(client)
    domains = list(LifeDomain.objects.all())
    assert len(domains) == 15
    for domain in domains:
        block = re.search(r'<li class="domain" data-domain="' + re.escape(domain.slug) + r'">(.*?)</li>', page, re.S)
        assert block, domain.slug
        assert '<svg class="icon domain-icon" aria-hidden="true" focusable="false"' in block.group(1)
        assert domain.name in block.group(1)
    assert "in 15 levensdomeinen" in page


def test_home_only_answers_get(client):
    assert client.post(reverse("home")).status_code == 405


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        get_home(client)
    return len(queries)


def more_data():
    schools = factories.SchoolFactory.create_batch(5)
    for _ in range(4):
        factories.OfferFactory()
    for school in schools[:3]:
        factories.CollaborationFactory(school=school, status="active")
    factories.FamilyNeedFactory(school=schools[0])


def test_anonymous_home_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    # Four counts and the life domains; an anonymous visitor costs no session or user queries.
    with django_assert_num_queries(5):
        get_home(client)
    more_data()
    with django_assert_num_queries(5):
        get_home(client)


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "bridge_figure", "moderator"])
def test_signed_in_home_runs_a_fixed_number_of_queries(client, request, persona, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(persona))
    before = count_queries(client)
    more_data()
    after = count_queries(client)
    assert before == after
    with django_assert_max_num_queries(10):
        get_home(client)


def test_school_coordinator_is_greeted_with_next_steps(client, school_coordinator, school):
    client.force_login(school_coordinator)
    page = get_home(client)
    assert f"Welkom, {school_coordinator.get_short_name()}" in page
    assert f"Je rol: Schoolcoördinator bij {school.name}." in page
    assert "Jouw volgende stappen" in page
    assert f'href="{reverse("families:need_create", kwargs={"school_pk": school.pk})}"' in page
    assert "School en welzijn, samen voor elk gezin" not in page  # the anonymous hero


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("welfare_worker", "Houd je aanbod actueel"),
        ("clb_broker", "Bekijk de open noden van de scholen die je ondersteunt"),
        ("bridge_figure", "Bekijk de open noden van de scholen die je ondersteunt"),
        ("local_government", "Bekijk welke levensdomeinen het aanbod goed dekt"),
        ("moderator", "Verifieer nieuwe scholen en welzijnsorganisaties"),
    ],
)
def test_each_role_sees_its_own_next_steps(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    page = get_home(client)
    assert expected in page
    assert "Beschrijf anoniem de noden van gezinnen op je school" not in page


def test_pending_member_sees_that_the_request_is_being_reviewed(client, school):
    user = factories.member_of(school=school, status="pending", email="wacht@school.test")
    client.force_login(user)
    page = get_home(client)
    assert "Je aanvraag wordt bekeken" in page
    assert f"Je vroeg om lid te worden van {school.name}." in page
    # Not yet a coordinator: no coordinator steps.
    assert "Beschrijf anoniem de noden van gezinnen op je school" not in page


def test_signed_in_without_membership(client):
    user = factories.UserFactory(email="los@example.test")
    client.force_login(user)
    page = get_home(client)
    assert "Je account is nog niet gekoppeld" in page
    assert "Je aanvraag wordt bekeken" not in page


def test_home_in_english(client, school_coordinator):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(school_coordinator)
    page = get_home(client)
    assert '<html lang="en"' in page
    assert "Your next steps" in page
    assert "School coordinator" in page
