"""A school's requests to partners: filtered, a page at a time, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.bridge.matchview import broker_for, nearby_offer, sent_request

pytestmark = pytest.mark.django_db


def url(school) -> str:
    return reverse("bridge:school_requests", kwargs={"school_pk": school.pk})


def _requests(school, count: int, *, status: str = "sent", start: int = 0) -> list:
    need = factories.FamilyNeedFactory(school=school, title=f"Nood {start}")
    return [
        sent_request(
            need=need,
            offer=factories.OfferFactory(name=f"Aanbod {n}"),
            by=factories.UserFactory(),
            status=status,
            **({"decline_reason": "no_capacity"} if status == "declined" else {}),
        )
        for n in range(start, start + count)
    ]


def test_lists_the_schools_requests_newest_first(en_client, school_coordinator, school):
    older = sent_request(need=factories.FamilyNeedFactory(school=school), offer=nearby_offer(name="Oud aanbod"))
    newer = sent_request(need=factories.FamilyNeedFactory(school=school), offer=nearby_offer(name="Nieuw aanbod"))
    elsewhere = sent_request(need=factories.FamilyNeedFactory(), offer=nearby_offer(name="Aanbod elders"))
    en_client.force_login(school_coordinator)

    response = en_client.get(url(school))

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [newer, older]
    page = response.content.decode()
    assert "2 requests" in page
    assert reverse("bridge:request_detail", kwargs={"pk": newer.pk}) in page
    assert "Aanbod elders" not in page
    assert elsewhere.pk


def test_filters_by_status_and_need(en_client, school_coordinator, school):
    sent = _requests(school, 2)
    declined = _requests(school, 1, status="declined", start=10)
    en_client.force_login(school_coordinator)

    by_status = en_client.get(url(school), {"status": "declined"})
    by_need = en_client.get(url(school), {"need": sent[0].need_id})

    assert list(by_status.context["page_obj"]) == declined
    assert "no capacity" in by_status.content.decode()
    assert "Show all requests" in by_status.content.decode()
    assert set(by_need.context["page_obj"]) == set(sent)


def test_htmx_request_gets_only_the_results(client, school_coordinator, school):
    _requests(school, 1)
    client.force_login(school_coordinator)

    response = client.get(url(school), {"status": "sent"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="request-results"')
    assert "<html" not in page


def test_empty_state(en_client, school_coordinator, school):
    en_client.force_login(school_coordinator)

    page = en_client.get(url(school)).content.decode()

    assert "No partner has been asked yet" in page


def test_paginates(client, school_coordinator, school):
    _requests(school, 22)
    client.force_login(school_coordinator)

    first = client.get(url(school))
    second = client.get(url(school), {"page": 2})

    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 2


def _count_queries(client, school) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(school)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_requests(client, school_coordinator, school):
    client.force_login(school_coordinator)
    _requests(school, 3)
    few = _count_queries(client, school)
    _requests(school, 17, start=3)
    many = _count_queries(client, school)

    assert few == many


def test_broker_of_the_school_sees_its_requests(client, clb_broker, school):
    broker_for(clb_broker, school)
    _requests(school, 1)
    client.force_login(clb_broker)

    assert client.get(url(school)).status_code == 200


def test_outsider_gets_404_and_pending_member_403(client, outsider, school):
    client.force_login(outsider)
    assert client.get(url(school)).status_code == 404

    client.force_login(factories.member_of(school=school, status="pending"))
    assert client.get(url(school)).status_code == 403
