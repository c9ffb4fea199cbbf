"""The gap report: which open needs have no good partner, who sees what, the CSV, and its cost."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import gaps
from bridge.candidates import suggest_for_need
from bridge.gaps import Verdict, gap_report, gap_scope_for, shown_families
from families.models import FamilyNeed
from tests import factories

pytestmark = pytest.mark.django_db

SINT_NIKLAAS, LOKEREN, GENT = "46021", "46029", "44021"
GENT_POINT = (51.0543, 3.7174)  # about 32 km from the SchoolFactory's point in Sint-Niklaas
OVERVIEW = reverse("gaps:overview")
CSV_URL = reverse("gaps:csv")


def need_at(school, *domains, family_count=3, **fields):
    return factories.FamilyNeedFactory(
        school=school,
        life_domains=[factories.life_domain(slug) for slug in domains],
        family_count=family_count,
        **fields,
    )


def offer_for(*domains, area=(SINT_NIKLAAS,), **fields):
    offer = factories.OfferFactory(
        life_domains=[factories.life_domain(slug) for slug in domains],
        service_area=[factories.municipality(nis) for nis in area] if area else None,
        **fields,
    )
    if not area:
        offer.service_area.clear()
    return offer


@pytest.fixture
def world(school):
    """At one school in Sint-Niklaas: one need with a strong match, one with only a full offer,
    one with no offer at all, one covered by an accepted request and one by a collaboration."""
    offer_for("leren")
    full = offer_for("inkomen", capacity="full")
    needs = {
        "matched": need_at(school, "leren", title="Huiswerkhulp"),
        "weak": need_at(school, "inkomen", family_count=4, title="Schoolkosten betalen"),
        "none": need_at(school, "wonen", family_count=2, title="Een betaalbare woning"),
        "covered": need_at(school, "inkomen", family_count=7, title="Hulp bij de energiefactuur"),
        "collaboration": need_at(school, "wonen", title="Woonbegeleiding"),
    }
    factories.MatchRequestFactory(need=needs["covered"], offer=full, status="accepted")
    collaboration = factories.CollaborationFactory(school=school, status="active")
    collaboration.needs.add(needs["collaboration"])
    need_at(school, "wonen", status="withdrawn", title="Ingetrokken nood")
    return needs


@pytest.fixture
def clb_staff(school):
    clb = factories.CLBFactory()
    factories.CLBSchoolFactory(clb=clb, school=school)
    return factories.member_of(clb=clb, email="medewerker@clb.test")


@pytest.fixture
def sint_niklaas_government():
    return factories.member_of(municipality=factories.municipality(SINT_NIKLAAS), email="welzijn@sint-niklaas.test")


def cells_by_domain(report):
    return {cell.domain_slug: cell for cell in report.cells}


def csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


# --- the computation ------------------------------------------------------------------------------


def test_each_open_need_is_a_gap_covered_or_matchable(world):
    report = gap_report(needs=FamilyNeed.objects.all())
    verdicts = {verdict.need.pk: verdict.verdict for verdict in report.verdicts}
    assert verdicts == {
        world["matched"].pk: Verdict.MATCHABLE,
        world["weak"].pk: Verdict.GAP,
        world["none"].pk: Verdict.GAP,
        world["covered"].pk: Verdict.COVERED,
        world["collaboration"].pk: Verdict.COVERED,
    }


def test_counts_per_municipality_and_life_domain(world):
    report = gap_report(needs=FamilyNeed.objects.all())
    cells = cells_by_domain(report)
    assert set(cells) == {"leren", "inkomen", "wonen"}
    assert {cell.nis_code for cell in report.cells} == {SINT_NIKLAAS}
    counts = {slug: (c.open_needs, c.gaps, c.covered, c.families_in_gaps) for slug, c in cells.items()}
    assert counts == {"leren": (1, 0, 0, 0), "inkomen": (2, 1, 1, 4), "wonen": (2, 1, 1, 2)}
    assert (report.open_needs, report.gap_count, report.covered_count, report.matchable_count) == (5, 2, 2, 1)
    assert report.families_in_gaps == 6


def test_a_gap_shows_the_closest_weak_offer_and_why_it_does_not_fit(world):
    gaps = {verdict.need.pk: verdict for verdict in gap_report(needs=FamilyNeed.objects.all()).gaps}
    weak = gaps[world["weak"].pk]
    assert weak.best is not None and weak.best.weak
    assert "Volzet" in weak.best.reasons_against
    assert gaps[world["none"].pk].best is None


def test_a_need_in_several_life_domains_counts_in_each(school):
    need_at(school, "wonen", "inkomen", family_count=6)
    cells = cells_by_domain(gap_report(needs=FamilyNeed.objects.all()))
    assert (cells["wonen"].gaps, cells["inkomen"].gaps) == (1, 1)
    assert (cells["wonen"].families_in_gaps, cells["inkomen"].families_in_gaps) == (6, 6)


@pytest.mark.parametrize("status", ["proposed", "sent", "declined", "withdrawn", "expired"])
def test_only_an_accepted_request_covers_a_need(school, status):
    need = need_at(school, "wonen")
    fields = {"decline_reason": "no_capacity"} if status == "declined" else {}
    factories.MatchRequestFactory(need=need, offer=offer_for("wonen", capacity="full"), status=status, **fields)
    [verdict] = gap_report(needs=FamilyNeed.objects.all()).verdicts
    assert verdict.verdict == Verdict.GAP


@pytest.mark.parametrize(
    ("status", "covered"),
    [("proposed", False), ("agreed", True), ("active", True), ("evaluated", True), ("ended", False)],
)
def test_a_collaboration_covers_a_need_while_it_runs(school, status, covered):
    need = need_at(school, "wonen")
    factories.CollaborationFactory(school=school, status=status).needs.add(need)
    [verdict] = gap_report(needs=FamilyNeed.objects.all()).verdicts
    assert (verdict.verdict == Verdict.COVERED) is covered


def test_an_offer_that_is_full_or_works_elsewhere_leaves_a_gap_but_one_nearby_fills_it(school):
    need = need_at(school, "vrije-tijd")
    offer_for("vrije-tijd", capacity="full")
    offer_for("vrije-tijd", area=(GENT,), access_outreach=True)
    assert gap_report(needs=FamilyNeed.objects.all()).verdicts[0].is_gap
    offer_for("vrije-tijd")
    assert not gap_report(needs=FamilyNeed.objects.all()).verdicts[0].is_gap
    assert not suggest_for_need(need).is_gap


def test_an_offer_drawn_into_the_pool_by_a_school_far_away_does_not_fill_a_gap_near_here(school):
    """One pool serves all needs: an offer near Gent is in it because of a school in Gent, but a
    school in Sint-Niklaas would not have had it as a candidate, so its need stays a gap."""
    gent_school = factories.SchoolFactory(
        municipality=factories.municipality(GENT), latitude=GENT_POINT[0], longitude=GENT_POINT[1]
    )
    location = factories.LocationFactory(
        municipality=factories.municipality(GENT), latitude=GENT_POINT[0], longitude=GENT_POINT[1]
    )
    offer = offer_for("vrije-tijd", area=(), organisation=location.organisation)
    offer.locations.add(location)
    here, there = need_at(school, "vrije-tijd"), need_at(gent_school, "vrije-tijd")
    verdicts = {v.need.pk: v for v in gap_report(needs=FamilyNeed.objects.all()).verdicts}
    assert verdicts[here.pk].is_gap and not verdicts[there.pk].is_gap
    assert suggest_for_need(here).is_gap and not suggest_for_need(there).is_gap


def test_the_verdicts_agree_with_matching_need_by_need(school):
    lokeren_school = factories.SchoolFactory(
        municipality=factories.municipality(LOKEREN), latitude=51.104, longitude=3.99
    )
    offer_for("leren", age_min=3, age_max=5)
    offer_for("leren", area=(LOKEREN,), capacity="waiting_list", waiting_weeks=20)
    offer_for("inkomen", area=(), access_online=True, access_walk_in=False)
    offer_for("wonen", area=(LOKEREN,))
    offer_for("opvoeding", cost="paid", last_confirmed=None)
    needs = [
        need_at(place, *domains, prefers_free=free, age_min=age, age_max=12)
        for place in (school, lokeren_school)
        for domains, free, age in (
            (("leren",), False, 6),
            (("leren",), True, 3),
            (("inkomen", "wonen"), False, 0),
            (("opvoeding",), True, 6),
            (("wonen",), False, 6),
        )
    ]
    verdicts = {v.need.pk: v for v in gap_report(needs=FamilyNeed.objects.all()).verdicts}
    for need in needs:
        assert verdicts[need.pk].is_gap == suggest_for_need(need).is_gap, need


DOMAINS = ("leren", "inkomen", "wonen")
LOKEREN_POINT = (51.104, 3.99)
NEAR_SINT_NIKLAAS = (51.17, 4.14)

offers_st = st.fixed_dictionaries(
    {
        "domains": st.sets(st.sampled_from(DOMAINS), min_size=1),
        "area": st.sampled_from([(), (SINT_NIKLAAS,), (LOKEREN,), (SINT_NIKLAAS, LOKEREN), (GENT,)]),
        "near": st.sampled_from([None, NEAR_SINT_NIKLAAS, LOKEREN_POINT, GENT_POINT]),
        "capacity": st.sampled_from(["open", "waiting_list", "full"]),
        "ages": st.sampled_from([(None, None), (0, 5), (6, 12), (10, None), (None, 3)]),
        "cost": st.sampled_from(["free", "low", "paid"]),
        "access_outreach": st.booleans(),
        "is_active": st.booleans(),
        "verified": st.booleans(),
        "confirmed_days_ago": st.sampled_from([None, 10, 200, 900]),
        "languages": st.sets(st.sampled_from(["nl", "ar", "fr"])),
    }
)
needs_st = st.fixed_dictionaries(
    {
        "in_lokeren": st.booleans(),
        "domains": st.sets(st.sampled_from(DOMAINS), min_size=1, max_size=2),
        "ages": st.sampled_from([(None, None), (3, 12), (6, 12), (0, 2), (13, 18)]),
        "prefers_free": st.booleans(),
        "prefers_no_waiting_list": st.booleans(),
        "prefers_at_school": st.booleans(),
        "languages": st.sets(st.sampled_from(["ar", "fr"]), max_size=1),
    }
)


def make_offer(spec):
    offer = offer_for(
        *spec["domains"],
        area=spec["area"],
        capacity=spec["capacity"],
        waiting_weeks=4 if spec["capacity"] == "waiting_list" else None,
        age_min=spec["ages"][0],
        age_max=spec["ages"][1],
        cost=spec["cost"],
        access_outreach=spec["access_outreach"],
        is_active=spec["is_active"],
        organisation=factories.OrganisationFactory(verified_at=timezone.now() if spec["verified"] else None),
        last_confirmed=(
            None
            if spec["confirmed_days_ago"] is None
            else timezone.localdate() - datetime.timedelta(days=spec["confirmed_days_ago"])
        ),
        languages=[factories.language(code) for code in spec["languages"] | {"nl"}],
    )
    if spec["near"]:
        offer.locations.add(
            factories.LocationFactory(
                organisation=offer.organisation, latitude=spec["near"][0], longitude=spec["near"][1]
            )
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offers=st.lists(offers_st, max_size=8),
    needs=st.lists(needs_st, min_size=1, max_size=6),
    witnesses=st.sampled_from([1, 2, gaps.WITNESSES_PER_CELL]),
    first=st.sampled_from([1, 2]),
)
def test_the_report_gives_every_need_the_verdict_matching_gives_it_alone(school, offers, needs, witnesses, first):
    """Settling most needs on a few likely offers (witnesses) never changes a verdict, however few
    witnesses are fetched; a gap keeps the best weak suggestion and the count of ranking it in full."""
    with transaction.atomic():
        lokeren_school = factories.SchoolFactory(
            municipality=factories.municipality(LOKEREN), latitude=LOKEREN_POINT[0], longitude=LOKEREN_POINT[1]
        )
        for spec in offers:
            make_offer(spec)
        saved = []
        for spec in needs:
            need = need_at(
                lokeren_school if spec["in_lokeren"] else school,
                *spec["domains"],
                age_min=spec["ages"][0],
                age_max=spec["ages"][1],
                prefers_free=spec["prefers_free"],
                prefers_no_waiting_list=spec["prefers_no_waiting_list"],
                prefers_at_school=spec["prefers_at_school"],
            )
            need.home_languages.set([factories.language(code) for code in spec["languages"]])
            saved.append(need)
        with (
            mock.patch.object(gaps, "WITNESSES_PER_CELL", witnesses),
            mock.patch.object(gaps, "FIRST_WITNESSES_PER_CELL", first),
        ):
            verdicts = {v.need.pk: v for v in gap_report(needs=FamilyNeed.objects.all()).verdicts}
        for need in saved:
            alone = suggest_for_need(need, limit=None)
            verdict = verdicts[need.pk]
            assert verdict.is_gap == alone.is_gap, need
            if alone.is_gap:
                best = alone.suggestions[0].offer_id if alone.suggestions else None
                assert (verdict.best.offer_id if verdict.best else None, verdict.candidates) == (best, alone.total)
            else:
                assert verdict.verdict == Verdict.MATCHABLE and verdict.best is None
        transaction.set_rollback(True)


def test_the_report_costs_the_same_queries_for_3_and_30_needs(school, django_assert_num_queries):
    lokeren_school = factories.SchoolFactory(municipality=factories.municipality(LOKEREN))
    offer_for("leren")
    offer_for("inkomen", capacity="full")
    factories.CollaborationFactory(school=school, status="active")

    def add_needs(n):
        for i in range(n):
            need = need_at((school, lokeren_school)[i % 2], ("leren", "inkomen", "wonen")[i % 3])
            need.home_languages.add(factories.language("ar"))

    add_needs(3)
    # needs (5: with their life domains and languages), partners (1), witnesses (6: their ids, then
    # the offers) and the full ranking of the needs they leave open (5)
    with django_assert_num_queries(19):
        gap_report(needs=FamilyNeed.objects.all())
    add_needs(27)
    with django_assert_num_queries(19):
        report = gap_report(needs=FamilyNeed.objects.all())
    assert report.open_needs == 30


def test_each_need_in_the_report_carries_its_own_life_domains_and_languages_in_order(school):
    both = need_at(school, "wonen", "leren")
    both.home_languages.add(factories.language("tr"), factories.language("ar"))
    one = need_at(school, "inkomen")
    one.home_languages.add(factories.language("ar"))
    neither = need_at(school)
    neither.life_domains.clear()

    needs = {verdict.need.pk: verdict.need for verdict in gap_report(needs=FamilyNeed.objects.all()).verdicts}

    for need in (both, one, neither):
        assert list(needs[need.pk].life_domain_list) == list(need.life_domains.all())
        assert list(needs[need.pk].home_language_list) == list(need.home_languages.all())
    assert [domain.slug for domain in needs[one.pk].life_domain_list] == ["inkomen"]
    assert needs[neither.pk].life_domain_list == () and needs[neither.pk].home_language_list == ()


def test_no_open_needs_make_an_empty_report_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        report = gap_report(needs=FamilyNeed.objects.all())
    assert report.cells == () and report.gaps == ()


def test_small_numbers_of_families_are_hidden_only_when_asked():
    assert [shown_families(n, suppress=True) for n in (0, 1, 4, 5, 12)] == [0, "< 5", "< 5", 5, 12]
    assert shown_families(3, suppress=False) == 3


# --- who sees what ---------------------------------------------------------------------------------


def test_clb_staff_count_the_schools_their_clb_guides(world, clb_staff, client):
    elsewhere = need_at(factories.SchoolFactory(), "wonen", title="Nood van een andere school")
    client.force_login(clb_staff)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["report"].open_needs == 5
    assert "Nood van een andere school" not in response.text
    assert reverse("families:need_detail", kwargs={"pk": world["weak"].pk}) in response.text
    assert reverse("families:need_detail", kwargs={"pk": elsewhere.pk}) not in response.text


def test_a_bridge_figure_sees_the_gaps_of_the_schools_they_serve(world, bridge_figure, client):
    need_at(factories.SchoolFactory(), "wonen", title="Nood van een andere school")
    client.force_login(bridge_figure)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert {v.need.pk for v in response.context["page_obj"]} == {world["weak"].pk, world["none"].pk}


def test_a_moderator_sees_every_school(world, moderator, client):
    need_at(factories.SchoolFactory(municipality=factories.municipality(GENT)), "wonen")
    client.force_login(moderator)
    response = client.get(OVERVIEW)
    assert response.context["report"].open_needs == 6
    assert response.context["report"].gap_count == 3


def test_a_local_government_counts_the_schools_in_its_municipality_without_seeing_the_needs(
    world, sint_niklaas_government, client
):
    need_at(factories.SchoolFactory(), "wonen", title="Andere school in de stad")
    need_at(factories.SchoolFactory(municipality=factories.municipality(GENT)), "wonen", title="Een nood in Gent")
    client.force_login(sint_niklaas_government)
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.open_needs == 6
    assert {cell.nis_code for cell in report.cells} == {SINT_NIKLAAS}
    assert response.context["page_obj"].object_list == []
    for need in FamilyNeed.objects.all():
        assert need.title not in response.text
        assert reverse("families:need_detail", kwargs={"pk": need.pk}) not in response.text


def test_a_local_government_sees_fewer_than_five_families_as_less_than_five(world, sint_niklaas_government, client):
    need_at(world["weak"].school, "wonen", family_count=9)
    client.force_login(sint_niklaas_government)
    response = client.get(OVERVIEW)
    families = {
        row["cell"].domain_slug: row["families"] for group in response.context["table"] for row in group["cells"]
    }
    assert families == {"leren": 0, "inkomen": "< 5", "wonen": 11}
    assert "&lt; 5" in response.text


def test_clb_staff_see_exact_numbers_of_families(world, clb_staff, client):
    client.force_login(clb_staff)
    response = client.get(OVERVIEW)
    families = {
        row["cell"].domain_slug: row["families"] for group in response.context["table"] for row in group["cells"]
    }
    assert families == {"leren": 0, "inkomen": 4, "wonen": 2}


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "outsider"])
def test_schools_and_welfare_organisations_may_not_see_the_report(request, world, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_pending_clb_staff_may_not_see_the_report(school, client):
    clb = factories.CLBFactory()
    factories.CLBSchoolFactory(clb=clb, school=school)
    client.force_login(factories.member_of(clb=clb, status="pending"))
    assert client.get(OVERVIEW).status_code == 403
    assert gap_scope_for(factories.member_of(municipality=factories.municipality(), status="pending")) is None


@pytest.mark.parametrize("url", [OVERVIEW, CSV_URL])
def test_anonymous_visitors_are_asked_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the page --------------------------------------------------------------------------------------


def test_the_page_explains_gaps_in_an_accessible_table(world, clb_staff, en_client):
    en_client.force_login(clb_staff)
    response = en_client.get(OVERVIEW)
    text = response.text
    assert "<caption>" in text
    assert '<th scope="rowgroup" rowspan="3"' in text
    assert text.count('<th scope="row"') == 3
    assert "Volzet" in text
    assert "No offer within reach works in these life domains." in text
    assert f"{CSV_URL}?" in text


def test_filters_narrow_the_table_and_the_list(world, clb_staff, client):
    client.force_login(clb_staff)
    response = client.get(OVERVIEW, {"life_domain": "inkomen"})
    assert [row["cell"].domain_slug for group in response.context["table"] for row in group["cells"]] == ["inkomen"]
    assert [v.need.pk for v in response.context["page_obj"]] == [world["weak"].pk]
    response = client.get(OVERVIEW, {"urgency": "high"})
    assert response.context["report"].open_needs == 0


def test_the_municipality_filter_offers_only_municipalities_in_view(world, sint_niklaas_government, client):
    need_at(factories.SchoolFactory(municipality=factories.municipality(GENT)), "wonen")
    client.force_login(sint_niklaas_government)
    response = client.get(OVERVIEW, {"municipality": GENT})
    choices = [value for value, _label in response.context["filter"].form.fields["municipality"].choices if value]
    assert [str(value) for value in choices] == [SINT_NIKLAAS]
    assert response.context["filter"].form.errors
    assert {cell.nis_code for cell in response.context["report"].cells} == {SINT_NIKLAAS}


def test_an_htmx_request_gets_only_the_results(world, clb_staff, client):
    client.force_login(clb_staff)
    response = client.get(OVERVIEW, {"life_domain": "wonen"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="gap-results"')
    assert "<html" not in response.text


def test_no_gaps_says_every_open_need_has_a_good_partner(school, clb_staff, en_client):
    offer_for("leren")
    need_at(school, "leren")
    en_client.force_login(clb_staff)
    response = en_client.get(OVERVIEW)
    assert "No gaps: every open need has a good partner." in response.text


def test_no_open_needs_at_all_is_an_empty_state(clb_staff, en_client):
    en_client.force_login(clb_staff)
    response = en_client.get(OVERVIEW)
    assert "there are no open needs in the schools you follow" in response.text
    assert "Download as CSV" not in response.text


def test_a_long_list_of_gaps_is_paginated(school, clb_staff, client):
    for _ in range(25):
        need_at(school, "wonen")
    client.force_login(clb_staff)
    response = client.get(OVERVIEW)
    assert len(response.context["page_obj"].object_list) == 20
    assert len(client.get(OVERVIEW, {"page": 2}).context["page_obj"].object_list) == 5


def test_the_most_urgent_gaps_come_first(school, clb_staff, client):
    low = need_at(school, "wonen", urgency="low")
    high = need_at(school, "wonen", urgency="high")
    client.force_login(clb_staff)
    assert [v.need.pk for v in client.get(OVERVIEW).context["page_obj"]] == [high.pk, low.pk]


def test_the_page_costs_the_same_queries_for_3_and_30_needs(school, clb_staff, client, django_assert_num_queries):
    offer_for("inkomen", capacity="full")
    client.force_login(clb_staff)
    for _ in range(3):
        need_at(school, "inkomen")
    client.get(OVERVIEW)  # warm up the session and the content types
    with django_assert_num_queries(20) as small:
        client.get(OVERVIEW)
    for _ in range(27):
        need_at(school, "inkomen", "wonen")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(OVERVIEW)


# --- the CSV ----------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_municipality_and_life_domain(world, clb_staff, client):
    client.force_login(clb_staff)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="brugwijzer-hiaten-{today}.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["gemeente", "nis_code", "levensdomein", "open_noden", "hiaten", "gedekt", "gezinnen_in_hiaten"]
    municipality = factories.municipality(SINT_NIKLAAS).name_nl
    names = {slug: factories.life_domain(slug).name for slug in ("leren", "inkomen", "wonen")}
    assert sorted(rows[1:]) == sorted(
        [
            [municipality, SINT_NIKLAAS, names["leren"], "1", "0", "0", "0"],
            [municipality, SINT_NIKLAAS, names["inkomen"], "2", "1", "1", "4"],
            [municipality, SINT_NIKLAAS, names["wonen"], "2", "1", "1", "2"],
        ]
    )


def test_the_csv_hides_small_numbers_of_families_from_a_local_government(world, sint_niklaas_government, client):
    client.force_login(sint_niklaas_government)
    rows = csv_rows(client.get(CSV_URL))
    assert {row[2]: row[6] for row in rows[1:]} == {
        factories.life_domain("leren").name: "0",
        factories.life_domain("inkomen").name: "< 5",
        factories.life_domain("wonen").name: "< 5",
    }


def test_the_csv_follows_the_filters(world, clb_staff, client):
    client.force_login(clb_staff)
    rows = csv_rows(client.get(CSV_URL, {"life_domain": "wonen"}))
    assert [row[2] for row in rows[1:]] == [factories.life_domain("wonen").name]


def test_the_csv_of_nothing_is_just_the_header(clb_staff, client):
    client.force_login(clb_staff)
    assert len(csv_rows(client.get(CSV_URL))) == 1


def test_a_local_government_that_is_also_a_bridge_figure_sees_only_the_needs_it_serves(world, school, client):
    user = factories.member_of(municipality=factories.municipality(SINT_NIKLAAS), email="brug@sint-niklaas.test")
    factories.BridgeFigureFactory(user=user).schools.add(school)
    other = need_at(factories.SchoolFactory(), "wonen", title="Nood van een andere school in de stad")
    client.force_login(user)
    response = client.get(OVERVIEW)
    assert response.context["report"].open_needs == 6
    assert {v.need.pk for v in response.context["page_obj"]} == {world["weak"].pk, world["none"].pk}
    assert other.title not in response.text
