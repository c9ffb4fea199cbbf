"""The dashboard's schools without a collaboration link to the pages the viewer may open, decided
from the viewer's ties in one query (bridge.dashboard.school_ties) with the rules of
schools.access; the list, the charts and the other numbers come from the cache."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge.dashboard import can_signal, dashboard_access, school_ties
from bridge.gaps import gap_scope_for
from portal.models import Membership, Municipality
from schools.access import access_from, with_access
from schools.models import School
from tests import factories
from tests.bridge.dashboard import SINT_NIKLAAS, build_municipal

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:municipality", kwargs={"nis_code": SINT_NIKLAAS})


def figure_of(*schools, email: str, **membership):
    """A bridge figure serving `schools`, with a membership of `membership` when given."""
    figure = factories.BridgeFigureFactory(user__email=email)
    figure.schools.add(*schools)
    if membership:
        Membership.objects.create(user=figure.user, **membership)
    return figure.user


@pytest.fixture
def world():
    w = build_municipal()
    a, b, c = w.schools["a"], w.schools["b"], w.schools["c"]
    clb_c = factories.CLBFactory(name="CLB Ceder")
    factories.CLBSchoolFactory(clb=clb_c, school=c)
    moderator = factories.UserFactory(email="moderator-pending@dashboard.test", is_moderator=True)
    Membership.objects.create(user=moderator, school=c, status="pending")
    w.users |= {
        "clb_c": factories.member_of(clb=clb_c, email="staff@clb-ceder.test"),
        "figure_b": figure_of(b, email="figuur-b@gemeente.test"),
        "figure_b_pending_c": figure_of(b, email="figuur-b-wacht@gemeente.test", school=c, status="pending"),
        "figure_b_member_c": figure_of(b, email="figuur-b-lid@gemeente.test", school=c, status="approved"),
        "figure_b_declined_c": figure_of(b, email="figuur-b-geweigerd@gemeente.test", school=c, status="declined"),
        "figure_b_clb_c": figure_of(b, email="figuur-b-clb@gemeente.test", clb=clb_c, status="approved"),
        "figure_b_pending_clb_c": figure_of(b, email="figuur-b-clb-wacht@gemeente.test", clb=clb_c, status="pending"),
        "government_figure_b": figure_of(
            b, email="beleid-figuur@gemeente.test", municipality=a.municipality, status="approved"
        ),
        "moderator_pending_c": moderator,
    }
    return w


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def school_links(html: str) -> dict[str, str]:
    """Name: address ("" when not a link) of each school in the list of schools without a collaboration."""
    section = re.search(r'<section[^>]*id="schools-without".*?</section>', html, flags=re.S).group(0)
    links = {}
    for item in re.findall(r"<li>(.*?)</li>", section, flags=re.S):
        link = re.match(r'<a href="([^"]+)">(.*)</a>$', item)
        links[link.group(2) if link else item] = link.group(1) if link else ""
    return links


def detail(school) -> str:
    return reverse("schools:detail", kwargs={"pk": school.pk})


def test_the_viewer_opens_exactly_the_schools_that_schools_access_lets_them_open(world):
    municipality = Municipality.objects.get(nis_code=SINT_NIKLAAS)
    for who, user in world.users.items():
        ties = school_ties(user, municipality)
        annotated = with_access(School.objects.filter(municipality=municipality), user)
        for school in annotated:
            assert ties.may_open(school.pk) == access_from(school, user).can_view, (who, school.name)
        assert ties.can_signal == can_signal(user, municipality), who
        access = dashboard_access(user, municipality)
        if access is not None:
            assert school_ties(user, municipality, access.ties) == ties, who


@pytest.mark.parametrize(
    ("who", "opens"),
    [
        ("government", set()),
        ("clb_staff", set()),  # guides school A, which has a collaboration
        ("figure", set()),  # serves school A only
        ("figure_b", {"b"}),
        ("figure_b_pending_c", {"b", "c"}),  # a pending member may open the school's page
        ("figure_b_member_c", {"b", "c"}),
        ("figure_b_declined_c", {"b"}),
        ("figure_b_clb_c", {"b", "c"}),
        ("figure_b_pending_clb_c", {"b"}),  # a pending CLB membership opens nothing
        ("clb_c", {"c"}),
        ("government_figure_b", {"b"}),
        ("moderator", {"b", "c"}),
        ("moderator_pending_c", {"b", "c"}),
    ],
)
def test_the_schools_without_a_collaboration_link_to_the_pages_the_viewer_may_open(world, who, opens):
    response = client_for(world.users[who]).get(DASHBOARD)
    assert response.status_code == 200
    expected = {world.schools[key].name: detail(world.schools[key]) if key in opens else "" for key in ("b", "c")}
    assert school_links(response.content.decode()) == expected


def test_every_viewer_of_the_dashboard_may_open_the_gap_report_it_links(world):
    for who, user in world.users.items():
        if client_for(user).get(DASHBOARD).status_code == 200:
            assert gap_scope_for(user) is not None, who


def test_the_list_follows_changes_to_the_schools(world):
    client = client_for(world.users["moderator"])
    client.get(DASHBOARD)
    School.objects.filter(pk=world.schools["c"].pk).update(name="Basisschool Cipres")
    new = factories.SchoolFactory(name="Basisschool Abeel", municipality=world.schools["a"].municipality)
    School.objects.filter(pk=world.schools["d"].pk).update(verified_at=new.verified_at)
    links = school_links(client.get(DASHBOARD).content.decode())
    assert list(links) == [
        "Basisschool Abeel",
        "Basisschool Beuk",
        "Basisschool Cipres",
        "Basisschool Den (nog niet geverifieerd)",
    ]


def test_cached_charts_stay_suppressed_for_a_suppressed_viewer(world):
    client_for(world.users["moderator"]).get(DASHBOARD)  # fills the cache
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    chart = re.search(r'<svg[^>]*id="chart-needs".*?</svg>', html, flags=re.S).group(0)
    assert 'class="bar"' not in chart and chart.count("&lt; 5") >= 3
    assert 'id="chart-share"' not in html
    exact = client_for(world.users["clb_staff"]).get(DASHBOARD).content.decode()
    assert 'class="bar"' in re.search(r'<svg[^>]*id="chart-needs".*?</svg>', exact, flags=re.S).group(0)


def test_an_exact_viewer_after_a_suppressed_one_gets_exact_charts(world):
    """The cache holds the charts a suppressed viewer drew first; a viewer with exact numbers
    gets their own, and the suppressed viewer still gets theirs."""
    suppressed = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    assert 'class="bar"' not in re.search(r'<svg[^>]*id="chart-needs".*?</svg>', suppressed, flags=re.S).group(0)
    exact = client_for(world.users["clb_staff"]).get(DASHBOARD).content.decode()
    assert 'class="bar"' in re.search(r'<svg[^>]*id="chart-needs".*?</svg>', exact, flags=re.S).group(0)
    assert 'id="chart-share"' in exact
    again = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    assert 'class="bar"' not in re.search(r'<svg[^>]*id="chart-needs".*?</svg>', again, flags=re.S).group(0)
    assert 'id="chart-share"' not in again


def queries_for(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(DASHBOARD).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["government", "clb_staff", "figure_b_pending_c", "moderator"])
def test_the_query_count_does_not_grow_with_the_schools(world, who):
    client = client_for(world.users[who])
    municipality = world.schools["a"].municipality
    clb = world.schools["a"].clb_assignment.get().clb
    figure = world.users["figure_b_pending_c"].bridge_figure

    def add_schools(n: int) -> None:
        for _index in range(n):
            school = factories.SchoolFactory(municipality=municipality)
            factories.CLBSchoolFactory(clb=clb, school=school)
            figure.schools.add(school)

    add_schools(1)
    few = queries_for(client)
    add_schools(20)
    many = queries_for(client)
    assert many == few
    assert len(school_links(client.get(DASHBOARD).content.decode())) == 23
