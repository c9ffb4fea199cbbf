"""Who reads a school's needs: its members, its CLB, its bridge figures, moderators — and nobody else."""

import pytest
from django.urls import reverse

from families.access import needs_visible_to
from families.models import FamilyNeed, NeedStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school, title="Huiswerkklas")


@pytest.fixture
def serving_clb_staff(school, clb_broker):
    factories.CLBSchoolFactory(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


def assert_reads_but_cannot_change(client, school, need):
    assert client.get(reverse("families:school_needs", kwargs={"school_pk": school.pk})).status_code == 200
    detail = client.get(reverse("families:need_detail", kwargs={"pk": need.pk}))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Huiswerkklas" in html
    assert "Only the school can change it." in html
    assert reverse("families:need_edit", kwargs={"pk": need.pk}) not in html
    assert "History" not in html

    data = {"title": "Overgenomen", "life_domains": [factories.life_domain().pk], "family_count": "1"}
    data["urgency"] = "low"
    assert client.get(reverse("families:need_create", kwargs={"school_pk": school.pk})).status_code == 403
    assert client.post(reverse("families:need_create", kwargs={"school_pk": school.pk}), data).status_code == 403
    assert client.post(reverse("families:need_edit", kwargs={"pk": need.pk}), data).status_code == 403
    for name in ("need_mark_addressed", "need_withdraw"):
        assert client.post(reverse(f"families:{name}", kwargs={"pk": need.pk})).status_code == 403
    need.refresh_from_db()
    assert (need.title, need.status) == ("Huiswerkklas", NeedStatus.OPEN)
    assert FamilyNeed.objects.count() == 1


def test_clb_staff_serving_the_school_read_its_needs_without_changing_them(en_client, school, need, serving_clb_staff):
    en_client.force_login(serving_clb_staff)

    assert_reads_but_cannot_change(en_client, school, need)


def test_bridge_figure_serving_the_school_reads_its_needs_without_changing_them(en_client, school, need, bridge_figure):
    en_client.force_login(bridge_figure)

    assert_reads_but_cannot_change(en_client, school, need)


def test_clb_staff_of_a_clb_that_does_not_serve_the_school_get_404(client, school, need, clb_broker):
    factories.CLBSchoolFactory(school=school)
    client.force_login(clb_broker)

    assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 404
    assert client.get(reverse("families:school_needs", kwargs={"school_pk": school.pk})).status_code == 404


def test_bridge_figure_of_other_schools_gets_404(client, need):
    figure = factories.BridgeFigureFactory()
    figure.schools.add(factories.SchoolFactory())
    client.force_login(figure.user)

    assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 404


def test_pending_member_knows_the_school_but_cannot_read_its_needs(client, school, need):
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 403
    assert client.get(reverse("families:school_needs", kwargs={"school_pk": school.pk})).status_code == 403


def test_declined_member_is_an_outsider(client, school, need):
    client.force_login(factories.member_of(school=school, status="declined"))

    assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 404


def test_local_government_and_welfare_workers_do_not_see_needs(client, need, local_government, welfare_worker):
    for user in (local_government, welfare_worker):
        client.force_login(user)
        assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 404


def test_needs_visible_to_follows_the_same_rules(school, need, school_coordinator, serving_clb_staff, bridge_figure):
    other_school_need = factories.FamilyNeedFactory()
    pending = factories.member_of(school=school, status="pending")
    moderator = factories.UserFactory(is_moderator=True)

    for user in (school_coordinator, serving_clb_staff, bridge_figure):
        assert list(needs_visible_to(user)) == [need]
    assert list(needs_visible_to(pending)) == []
    assert set(needs_visible_to(moderator)) == {need, other_school_need}


def test_needs_visible_to_has_no_duplicates_with_several_bridge_figures(school, need, school_coordinator):
    for _ in range(3):
        factories.BridgeFigureFactory().schools.add(school)

    assert needs_visible_to(school_coordinator).count() == 1
