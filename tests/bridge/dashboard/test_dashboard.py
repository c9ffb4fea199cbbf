"""The municipality dashboard: its numbers, who sees them (and how exactly), and its cost."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge.dashboard import dashboard_access, get_dashboard_access, municipality_dashboard
from bridge.gaps import GapSummary, gap_report
from bridge.models import Barrier
from families.models import FamilyNeed
from portal.models import Municipality
from tests import factories
from tests.bridge.dashboard import LOKEREN, SINT_NIKLAAS, build_municipal, need_at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:municipality", kwargs={"nis_code": SINT_NIKLAAS})
LOKEREN_DASHBOARD = reverse("dashboard:municipality", kwargs={"nis_code": LOKEREN})
INDEX = reverse("dashboard:index")


@pytest.fixture
def world():
    return build_municipal()


def client_for(user, *, english=True) -> Client:
    client = Client()
    if english:
        client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def row_cells(html: str, header: str) -> list[str]:
    """The cells of the table row whose header cell contains `header`, as plain text."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        th = re.search(r"<th[^>]*>(.*?)</th>", row, flags=re.S)
        if th and header in re.sub(r"<[^>]+>", "", th.group(1)):
            return [
                unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
    raise AssertionError(f"No row {header!r}")


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, flags=re.S)
    assert match, section_id
    return match.group(0)


# --- the numbers ------------------------------------------------------------------------------------------


def test_needs_by_life_domain_count_open_and_addressed_needs_and_families(world):
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    counts = {d.slug: (d.open_needs, d.addressed_needs, d.open_families) for d in dashboard.domains}
    assert counts == {"leren": (2, 1, 9), "inkomen": (2, 0, 7), "wonen": (1, 0, 2)}
    assert [d.slug for d in dashboard.domains] == ["leren", "wonen", "inkomen"]  # by the domains' position
    assert (dashboard.open_needs, dashboard.addressed_needs, dashboard.open_families) == (4, 1, 12)


def test_share_with_an_accepted_partner_counts_accepted_requests_and_covering_collaborations(world):
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    assert (dashboard.needs_with_partner, dashboard.needs_counted, dashboard.share_percent) == (2, 5, 40)


def test_a_proposed_collaboration_or_a_pending_request_is_no_accepted_partner(world):
    world.collaborations["language"].needs.add(world.needs["n3"])
    factories.MatchRequestFactory(need=world.needs["n6"], status="sent")
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    assert dashboard.needs_with_partner == 2


def test_collaborations_by_status_and_form_in_the_municipality_only(world):
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    assert {value: count for value, _label, count in dashboard.by_status} == {
        "proposed": 1,
        "agreed": 0,
        "active": 1,
        "evaluated": 0,
        "ended": 1,
    }
    assert {value: count for value, _label, count in dashboard.by_form} == {
        "referral": 1,
        "consultation_hours": 0,
        "joint_activity": 1,
        "structural": 1,
        "case_consultation": 0,
    }
    assert dashboard.collaboration_count == 3


def test_gaps_come_from_the_gap_report_over_the_municipalitys_needs(world):
    municipality = Municipality.objects.get(nis_code=SINT_NIKLAAS)
    report = gap_report(needs=FamilyNeed.objects.filter(school__municipality=municipality))
    assert {verdict.need.pk for verdict in report.gaps} == {world.needs["n3"].pk, world.needs["n6"].pk}
    gaps = municipality_dashboard(municipality=municipality, user=world.users["moderator"]).gaps
    assert gaps == GapSummary.of(report)
    assert (gaps.open_needs, gaps.gap_count, gaps.covered_count, gaps.families_in_gaps) == (4, 2, 2, 3)
    assert {cell.nis_code for cell in gaps.cells} == {SINT_NIKLAAS}


def test_schools_without_a_live_collaboration_are_the_verified_ones_with_none_or_only_ended(world):
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    assert [item.name for item in dashboard.schools_without] == ["Basisschool Beuk", "Basisschool Ceder"]
    assert dashboard.school_count == 3


def test_barriers_by_kind_count_the_municipalitys_barriers(world):
    dashboard = municipality_dashboard(
        municipality=Municipality.objects.get(nis_code=SINT_NIKLAAS), user=world.users["moderator"]
    )
    counts = {value: count for value, _label, count in dashboard.barriers_by_kind if count}
    assert counts == {"school_costs": 2, "transport": 1}


def test_the_page_shows_barrier_notes_newest_first_with_their_school(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    barriers = section(html, "barriers")
    assert (
        barriers.index("Geen bus na 17 uur.")
        < barriers.index("Turngerief is duur.")
        < barriers.index("De schooluitstap kost te veel.")
    )
    assert "Basisschool Ahorn" in barriers
    assert "Alleen Nederlandstalige brieven." not in html


def test_the_barrier_list_filters_on_one_kind_and_answers_htmx_with_the_list_only(world):
    client = client_for(world.users["government"])
    response = client.get(DASHBOARD, {"drempel": "transport"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="barrier-list"' in html
    assert "Geen bus na 17 uur." in html and "Turngerief is duur." not in html
    assert "HX-Request" in response["Vary"]


def test_the_barrier_list_is_paginated(world):
    municipality = Municipality.objects.get(nis_code=SINT_NIKLAAS)
    for index in range(12):
        Barrier.objects.create(municipality=municipality, kind="digital", note=f"Drempel nummer {index}.")
    client = client_for(world.users["government"])
    first = client.get(DASHBOARD).content.decode()
    assert "Drempel nummer 11." in first and "De schooluitstap kost te veel." not in first
    second = client.get(DASHBOARD, {"page": 2}).content.decode()
    assert "De schooluitstap kost te veel." in second


# --- small counts -----------------------------------------------------------------------------------------


def test_a_local_government_sees_small_counts_of_needs_and_families_as_less_than_five(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    needs = section(html, "needs")
    assert row_cells(needs, "Leren en school") == ["< 5", "< 5", "9"]
    assert row_cells(needs, "Wonen") == ["< 5", "0", "< 5"]
    assert row_cells(needs, "All needs") == ["< 5", "< 5", "12"]
    gaps = section(html, "gaps")
    assert row_cells(gaps, "Wonen") == ["< 5", "< 5", "0", "0", "< 5"]
    assert "To protect families" in html


def test_a_local_government_does_not_get_a_share_that_reveals_a_small_count(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    partner = section(html, "partner")
    assert "40%" not in partner and 'id="chart-share"' not in partner
    assert "The percentage is not shown" in partner


def test_clb_staff_and_moderators_see_exact_numbers(world):
    for user in (world.users["clb_staff"], world.users["moderator"]):
        html = client_for(user).get(DASHBOARD).content.decode()
        needs = section(html, "needs")
        assert row_cells(needs, "Leren en school") == ["2", "1", "9"]
        assert row_cells(needs, "Wonen") == ["1", "0", "2"]
        assert "40%" in section(html, "partner")
        assert row_cells(section(html, "gaps"), "Wonen") == ["1", "1", "0", "0", "2"]
        assert "&lt; 5" not in needs and "To protect families" not in html


def test_a_bridge_figure_sees_small_counts_suppressed(world):
    html = client_for(world.users["figure"]).get(DASHBOARD).content.decode()
    assert row_cells(section(html, "needs"), "Leren en school") == ["< 5", "< 5", "9"]


def test_suppressed_values_draw_no_bar_in_the_chart(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    chart = re.search(r'<svg[^>]*id="chart-needs".*?</svg>', html, flags=re.S).group(0)
    assert 'class="bar"' not in chart  # no bar at all: every count of needs is below 5
    assert chart.count("&lt; 5") >= 3


def test_collaboration_counts_are_never_suppressed(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    assert row_cells(section(html, "collaborations"), "Active") == ["1"]


def test_charts_have_a_title_a_description_and_no_style_attribute(world):
    html = client_for(world.users["moderator"]).get(DASHBOARD).content.decode()
    for chart_id in ("chart-needs", "chart-status", "chart-form", "chart-barriers", "chart-share"):
        chart = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, flags=re.S).group(0)
        assert f'<title id="{chart_id}-title">' in chart and f'<desc id="{chart_id}-desc">' in chart
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in chart
    assert "style=" not in html.split("<main", 1)[1]


# --- who sees the dashboard -------------------------------------------------------------------------------


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
        ("pending_a", 403),
        ("worker_p1", 403),
    ],
)
def test_who_may_open_the_dashboard(world, who, status):
    assert client_for(world.users[who]).get(DASHBOARD).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_bridge_figure_of_another_municipality_is_told_it_does_not_exist(world):
    figure = factories.BridgeFigureFactory()
    figure.schools.add(world.schools["e"])
    assert client_for(figure.user).get(DASHBOARD).status_code == 404
    assert client_for(figure.user).get(LOKEREN_DASHBOARD).status_code == 200


def test_an_unknown_municipality_is_404_even_for_a_moderator(world):
    url = reverse("dashboard:municipality", kwargs={"nis_code": "99999"})
    assert client_for(world.users["moderator"]).get(url).status_code == 404


def test_access_says_who_reads_exact_numbers(world):
    municipality = Municipality.objects.get(nis_code=SINT_NIKLAAS)
    suppress = {
        who: dashboard_access(world.users[who], municipality).suppress_small_counts
        for who in ("government", "clb_staff", "figure", "moderator")
    }
    assert suppress == {"government": True, "clb_staff": False, "figure": True, "moderator": False}
    assert get_dashboard_access(world.users["government"], SINT_NIKLAAS).is_local_government


# --- the index -------------------------------------------------------------------------------------------


def test_the_index_takes_a_local_government_to_its_municipality(world):
    response = client_for(world.users["government"]).get(INDEX)
    assert response.status_code == 302 and response["Location"] == DASHBOARD


def test_the_index_takes_clb_staff_with_one_municipality_straight_there(world):
    response = client_for(world.users["clb_staff"]).get(INDEX)
    assert response.status_code == 302 and response["Location"] == DASHBOARD


def test_the_index_lets_clb_staff_with_schools_in_several_municipalities_choose(world):
    lokeren_school = factories.SchoolFactory(municipality=factories.municipality(LOKEREN), postal_code="9160")
    factories.CLBSchoolFactory(clb=world.schools["a"].clb_assignment.get().clb, school=lokeren_school)
    response = client_for(world.users["clb_staff"]).get(INDEX)
    html = response.content.decode()
    assert response.status_code == 200
    assert DASHBOARD in html and LOKEREN_DASHBOARD in html


def test_the_index_lets_moderators_choose_among_municipalities_with_schools(world):
    html = client_for(world.users["moderator"]).get(INDEX).content.decode()
    assert DASHBOARD in html and LOKEREN_DASHBOARD in html
    assert reverse("dashboard:municipality", kwargs={"nis_code": "44021"}) not in html  # Gent: no school


def test_the_index_is_not_for_school_or_welfare_members(world):
    assert client_for(world.users["member_a"]).get(INDEX).status_code == 403
    assert client_for(world.users["worker_p1"]).get(INDEX).status_code == 403


def test_the_index_tells_clb_staff_without_schools_there_is_nothing_yet(db):
    staff = factories.member_of(clb=factories.CLBFactory(), email="leeg@clb.test")
    response = client_for(staff).get(INDEX)
    assert response.status_code == 200
    assert "There is no municipality to show yet" in response.content.decode()


def test_the_navigation_links_the_dashboard_for_local_governments(world):
    html = client_for(world.users["government"]).get(DASHBOARD).content.decode()
    assert f'href="{INDEX}"' in html


# --- cost ------------------------------------------------------------------------------------------------


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def grow(world, n: int) -> None:
    municipality = Municipality.objects.get(nis_code=SINT_NIKLAAS)
    for index in range(n):
        school = factories.SchoolFactory(municipality=municipality)
        need = need_at(school, "leren", "wonen", family_count=2)
        collaboration = factories.CollaborationFactory(school=school, status="active", form="referral")
        collaboration.needs.add(need)
        collaboration.life_domains.set([factories.life_domain("leren")])
        Barrier.objects.create(municipality=municipality, school=school, kind="language", note=f"Drempel {index}.")


@pytest.mark.parametrize("who", ["government", "clb_staff", "moderator"])
def test_the_dashboard_costs_the_same_number_of_queries_with_3_or_30_collaborations(world, who):
    client = client_for(world.users[who])
    grow(world, 1)
    small = queries_for(client, DASHBOARD)
    grow(world, 27)
    assert queries_for(client, DASHBOARD) == small
    assert small <= 30
