"""A school's list of needs: open first, filters, pagination, a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


def list_url(school) -> str:
    return reverse("families:school_needs", kwargs={"school_pk": school.pk})


def titles(response) -> list[str]:
    return [need.title for need in response.context["page_obj"].object_list]


def test_list_shows_open_needs_first_then_newest(client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school, title="Old open")
    factories.FamilyNeedFactory(school=school, title="Addressed", status=NeedStatus.ADDRESSED)
    factories.FamilyNeedFactory(school=school, title="New open")
    factories.FamilyNeedFactory(title="Another school's need")
    client.force_login(school_coordinator)

    response = client.get(list_url(school))

    assert titles(response) == ["New open", "Old open", "Addressed"]


def test_list_filters_by_status(client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school, title="Open")
    factories.FamilyNeedFactory(school=school, title="Addressed", status=NeedStatus.ADDRESSED)
    factories.FamilyNeedFactory(school=school, title="Withdrawn", status=NeedStatus.WITHDRAWN)
    client.force_login(school_coordinator)

    assert titles(client.get(list_url(school), {"status": "addressed"})) == ["Addressed"]
    assert titles(client.get(list_url(school), {"status": "withdrawn"})) == ["Withdrawn"]
    assert len(titles(client.get(list_url(school), {"status": ""}))) == 3


def test_list_filters_by_life_domain(client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school, title="Housing", life_domains=[factories.life_domain("wonen")])
    factories.FamilyNeedFactory(
        school=school,
        title="Housing and income",
        life_domains=[factories.life_domain("wonen"), factories.life_domain("inkomen")],
    )
    factories.FamilyNeedFactory(school=school, title="Learning")
    client.force_login(school_coordinator)

    response = client.get(list_url(school), {"life_domain": "wonen"})

    assert titles(response) == ["Housing and income", "Housing"]
    assert titles(client.get(list_url(school), {"life_domain": "wonen", "status": "addressed"})) == []


def test_an_unknown_filter_value_is_ignored(client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)

    response = client.get(list_url(school), {"life_domain": "nonsense", "status": "weird"})

    assert response.status_code == 200
    assert len(titles(response)) == 1


def test_filtered_list_without_results_says_so(en_client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)

    html = en_client.get(list_url(school), {"status": "withdrawn"}).content.decode()

    assert "No needs match these filters." in html


def test_empty_list_invites_to_state_the_first_need(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    html = en_client.get(list_url(school)).content.decode()

    assert "State the first need" in html


def test_list_is_paginated_and_keeps_the_filters(client, school, school_coordinator):
    for index in range(25):
        factories.FamilyNeedFactory(school=school, title=f"Need {index:02d}")
    factories.FamilyNeedFactory(school=school, title="Closed", status=NeedStatus.ADDRESSED)
    client.force_login(school_coordinator)

    first = client.get(list_url(school), {"status": "open"})
    second = client.get(list_url(school), {"status": "open", "page": "2"})

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert "Closed" not in titles(second)
    assert "?status=open&amp;page=2" in first.content.decode()
    assert len(titles(client.get(list_url(school), {"page": "99"}))) == 6  # past the end: the last page


def test_htmx_request_gets_only_the_results(client, school, school_coordinator):
    factories.FamilyNeedFactory(school=school, title="Huiswerk")
    client.force_login(school_coordinator)

    response = client.get(list_url(school), {"status": "open"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="need-results"')
    assert "Huiswerk" in html
    assert "<html" not in html


def test_filter_form_works_without_javascript(client, school, school_coordinator):
    client.force_login(school_coordinator)

    html = client.get(list_url(school)).content.decode()

    assert f'method="get" action="{list_url(school)}"' in html
    assert 'hx-target="#need-results"' in html


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_runs_the_same_number_of_queries_for_3_and_30_needs(client, school, school_coordinator):
    for _ in range(3):
        factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)
    few = _count(client, list_url(school))
    filtered_few = _count(client, list_url(school) + "?status=open&life_domain=leren")

    for _ in range(27):
        factories.FamilyNeedFactory(
            school=school, life_domains=[factories.life_domain("leren"), factories.life_domain("taal")]
        )

    assert _count(client, list_url(school)) == few
    assert _count(client, list_url(school) + "?status=open&life_domain=leren") == filtered_few


def test_list_query_count_is_pinned(client, school, school_coordinator, django_assert_max_num_queries):
    for _ in range(30):
        factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)

    # session, user, role (2), school with the viewer's relation, filter choices, count, page, life domains
    with django_assert_max_num_queries(12):
        client.get(list_url(school))
