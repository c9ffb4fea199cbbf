"""The bridge view of a school and of a municipality: what is drawn, what links where, for whom."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge.bridge_view import (
    CARD_H,
    DECK_TOP,
    ORG_H,
    STATUS_STYLES,
    Card,
    Families,
    OrganisationNode,
    Person,
    SchoolNode,
    build_layout,
    wrap,
)
from tests import factories
from tests.bridge.dashboard import LOKEREN, SINT_NIKLAAS, build_municipal

pytestmark = pytest.mark.django_db

MUNICIPALITY_BRIDGE = reverse("dashboard:municipality_bridge", kwargs={"nis_code": SINT_NIKLAAS})


@pytest.fixture
def world():
    return build_municipal()


def school_bridge_url(school) -> str:
    return reverse("dashboard:school_bridge", kwargs={"school_pk": school.pk})


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def picture(html: str) -> str:
    return re.search(r'<svg[^>]*class="bridge-svg".*?</svg>', html, flags=re.S).group(0)


def words(html: str) -> str:
    return re.search(r'<section class="bridge-text".*?</section>', html, flags=re.S).group(0)


def hrefs(fragment: str) -> set[str]:
    return set(re.findall(r'<a href="([^"]+)"', fragment))


def detail(collaboration) -> str:
    return reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk})


def organisation_page(organisation) -> str:
    return reverse("directory:organisation", kwargs={"pk": organisation.pk})


def school_page(school) -> str:
    return reverse("schools:detail", kwargs={"pk": school.pk})


# --- one school -------------------------------------------------------------------------------------------


def test_the_school_bridge_links_every_record_the_member_may_open(world):
    html = client_for(world.users["member_a"]).get(school_bridge_url(world.schools["a"])).content.decode()
    a, c = world.schools["a"], world.collaborations
    expected = {
        school_page(a),
        detail(c["homework"]),
        detail(c["language"]),
        organisation_page(world.organisations["p1"]),
        reverse("families:school_needs", kwargs={"school_pk": a.pk}),
    }
    assert hrefs(picture(html)) == expected
    assert hrefs(words(html)) == expected


def test_the_school_bridge_draws_spheres_families_team_roles_status_and_life_domains(world):
    svg = picture(client_for(world.users["member_a"]).get(school_bridge_url(world.schools["a"])).content.decode())
    for text in ("Education", "Welfare field", "Families", "care coordinator", "school management", "teachers"):
        assert text in svg
    assert "Huiswerkklas" in svg and "Active · Structural partnership" in svg
    assert "Leren en school, Inkomen en schulden" in svg
    assert "Taalcafé" in svg and "Proposed · Referral" in svg
    assert 'stroke-dasharray="3 5"' in svg  # the proposed one is dashed, not only another colour
    assert "style=" not in svg


def test_an_unverified_organisation_is_named_without_a_link(world):
    html = client_for(world.users["member_a"]).get(school_bridge_url(world.schools["a"])).content.decode()
    p2 = world.organisations["p2"]
    assert p2.name in picture(html) and p2.name in words(html)
    assert organisation_page(p2) not in html


def test_clb_and_bridge_figures_stand_on_the_bridge_as_plain_text(world):
    html = client_for(world.users["member_a"]).get(school_bridge_url(world.schools["a"])).content.decode()
    assert "CLB: CLB Waas" in picture(html) and "Bridge figure: Fien Figuur" in picture(html)
    assert "CLB Waas" in words(html) and "Fien Figuur" in words(html)


def test_the_school_bridge_shows_no_other_schools_collaborations(world):
    html = client_for(world.users["moderator"]).get(school_bridge_url(world.schools["a"])).content.decode()
    assert "Vakantiewerking" not in html and "Lokerse samenwerking" not in html


def test_ended_collaborations_are_shown_on_request(world):
    client = client_for(world.users["moderator"])
    url = school_bridge_url(world.schools["b"])
    hidden = client.get(url).content.decode()
    assert "Vakantiewerking" not in picture(hidden)
    assert "Also show 1 ended collaboration" in hidden
    shown = client.get(url, {"beeindigd": "1"}).content.decode()
    assert "Vakantiewerking" in picture(shown) and 'stroke-dasharray="1 6"' in picture(shown)


def test_a_school_without_collaborations_says_so(world):
    html = client_for(world.users["moderator"]).get(school_bridge_url(world.schools["c"])).content.decode()
    assert "No collaborations yet." in picture(html) and "No collaborations yet." in words(html)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member_a", 200),
        ("clb_staff", 200),
        ("figure", 200),
        ("moderator", 200),
        ("pending_a", 404),
        ("member_e", 404),
        ("government", 404),
        ("worker_p1", 404),
        ("other_clb_staff", 404),
    ],
)
def test_who_may_open_a_school_bridge(world, who, status):
    assert client_for(world.users[who]).get(school_bridge_url(world.schools["a"])).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().get(school_bridge_url(world.schools["a"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- a municipality ---------------------------------------------------------------------------------------


def test_a_local_government_sees_organisations_and_statuses_but_no_titles_needs_or_links(world):
    html = client_for(world.users["government"]).get(MUNICIPALITY_BRIDGE).content.decode()
    svg, text = picture(html), words(html)
    for fragment in (svg, text):
        assert "Huis van het Kind Waas" in fragment and "Buurtwerk Nog Niet Geverifieerd" in fragment
        assert "Active" in fragment and "Proposed" in fragment
        assert "Structural partnership" in fragment and "Leren en school" in fragment
        assert "Huiswerkklas" not in fragment and "Taalcafé" not in fragment
        assert "Schoolkosten en huiswerk" not in fragment
        assert hrefs(fragment) <= {
            organisation_page(world.organisations["p1"]),
            f"{reverse('dashboard:municipality', kwargs={'nis_code': SINT_NIKLAAS})}#needs",
        }
    assert "Basisschool Ahorn" in svg and school_page(world.schools["a"]) not in html
    assert "Lokerse samenwerking" not in html


def test_clb_staff_see_titles_of_their_schools_collaborations_and_only_the_aggregate_of_others(world):
    html = client_for(world.users["clb_staff"]).get(MUNICIPALITY_BRIDGE, {"beeindigd": "1"}).content.decode()
    svg = picture(html)
    assert detail(world.collaborations["homework"]) in svg and "Huiswerkklas" in svg
    assert "Vakantiewerking" not in html and detail(world.collaborations["ended"]) not in html
    assert "Joint activity" in svg  # school B's ended collaboration, as form and status only
    assert school_page(world.schools["a"]) in svg and school_page(world.schools["b"]) not in svg


def test_a_moderator_sees_every_collaboration_with_its_link(world):
    html = client_for(world.users["moderator"]).get(MUNICIPALITY_BRIDGE, {"beeindigd": "1"}).content.decode()
    for key in ("homework", "language", "ended"):
        assert detail(world.collaborations[key]) in picture(html)
        assert detail(world.collaborations[key]) in words(html)
    assert detail(world.collaborations["lokeren"]) not in html


def test_schools_without_a_collaboration_are_listed_in_the_text_version(world):
    text = words(client_for(world.users["government"]).get(MUNICIPALITY_BRIDGE).content.decode())
    assert "Basisschool Ceder" in text and "Basisschool Beuk" in text
    assert "Basisschool Den" not in text  # not verified


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("government", 200),
        ("clb_staff", 200),
        ("figure", 200),
        ("moderator", 200),
        ("other_government", 404),
        ("other_clb_staff", 404),
        ("member_a", 403),
        ("worker_p1", 403),
    ],
)
def test_who_may_open_a_municipality_bridge(world, who, status):
    assert client_for(world.users[who]).get(MUNICIPALITY_BRIDGE).status_code == status


# --- cost ------------------------------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_collaborations(school, n: int) -> None:
    for _ in range(n):
        collaboration = factories.CollaborationFactory(school=school, status="active")
        collaboration.organisations.add(factories.OrganisationFactory())
        collaboration.life_domains.set([factories.life_domain("leren"), factories.life_domain("taal")])
        figure = factories.BridgeFigureFactory()
        figure.schools.add(school)


def test_the_school_bridge_costs_the_same_with_3_or_30_collaborations(world):
    client = client_for(world.users["member_a"])
    school = world.schools["a"]
    add_collaborations(school, 1)
    small = queries_for(client, school_bridge_url(school))
    add_collaborations(school, 27)
    assert queries_for(client, school_bridge_url(school)) == small


@pytest.mark.parametrize("who", ["government", "clb_staff"])
def test_the_municipality_bridge_costs_the_same_with_3_or_30_collaborations(world, who):
    client = client_for(world.users[who])
    municipality = factories.municipality(SINT_NIKLAAS)
    add_collaborations(factories.SchoolFactory(municipality=municipality), 1)
    small = queries_for(client, MUNICIPALITY_BRIDGE)
    for _ in range(9):
        add_collaborations(factories.SchoolFactory(municipality=municipality), 3)
    assert queries_for(client, MUNICIPALITY_BRIDGE) == small


def test_lokeren_has_its_own_bridge(world):
    html = client_for(world.users["other_government"]).get(
        reverse("dashboard:municipality_bridge", kwargs={"nis_code": LOKEREN})
    )
    assert html.status_code == 200 and "Basisschool Eik" in picture(html.content.decode())


# --- the layout -------------------------------------------------------------------------------------------


def card(pk: int, school_pk: int, organisations: list[int]) -> Card:
    return Card(
        pk=pk,
        detailed=True,
        title=f"Samenwerking {pk}",
        url=None,
        school_pk=school_pk,
        school_name="",
        organisation_pks=organisations,
        organisation_names=[],
        status="active",
        status_label="Active",
        form_label="Referral",
        domains=[],
        style=STATUS_STYLES["active"],
    )


def test_the_layout_keeps_cards_beside_their_school_and_organisations_apart():
    schools = [SchoolNode(pk=pk, name=f"School {pk}", url=None, lines=[f"School {pk}"]) for pk in (1, 2)]
    organisations = [
        OrganisationNode(pk=pk, name=f"Organisatie {pk}", kind="CAW", url=None, lines=[]) for pk in (10, 11, 12)
    ]
    cards = [card(1, 1, [12]), card(2, 1, [10, 11]), card(3, 2, [12]), card(4, 2, [11])]
    people = [Person(role="CLB", name="CLB", detail="")]
    layout = build_layout(
        schools=schools, cards=cards, organisations=organisations, people=people, families=Families(url=None)
    )
    for placed in layout.cards:
        school = next(s for s in layout.schools if s.pk == placed.school_pk)
        assert school.y <= placed.y and placed.y + CARD_H <= school.y + school.h
    tops = sorted(o.y for o in layout.organisations)
    assert all(later - earlier >= ORG_H for earlier, later in zip(tops, tops[1:], strict=False))
    assert min(tops) >= DECK_TOP
    assert len(layout.links) == 4 + 5  # one line to the school and one per organisation, per card
    assert layout.people[0].y > max(c.y for c in layout.cards)
    assert layout.height > layout.bridge_bottom


def test_wrap_cuts_long_text_with_an_ellipsis():
    assert wrap("Een heel lange naam van een organisatie in het Waasland", 20, 2) == [
        "Een heel lange naam",
        "van een organisatie…",
    ]
    assert wrap("Kort", 20, 2) == ["Kort"]
