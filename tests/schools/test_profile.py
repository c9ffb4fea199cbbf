import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import NeedStatus
from portal.models import AuditEvent
from schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db


def detail_url(school) -> str:
    return reverse("schools:detail", kwargs={"pk": school.pk})


def edit_url(school) -> str:
    return reverse("schools:edit", kwargs={"pk": school.pk})


def valid_profile(school, **overrides) -> dict:
    data = {
        "name": school.name,
        "levels": ["kleuter", "lager"],
        "network": school.network,
        "street": school.street,
        "postal_code": school.postal_code,
        "municipality": school.municipality_id,
        "latitude": "51.1656",
        "longitude": "4.1437",
        "website": school.website,
        "contact_email": school.contact_email,
        "phone": school.phone,
    }
    data.update(overrides)
    return data


# ---------- the school page ----------


def test_member_sees_profile_and_needs_open_first(en_client, school, school_coordinator):
    addressed = factories.FamilyNeedFactory(school=school, title="Already addressed", status=NeedStatus.ADDRESSED)
    open_need = factories.FamilyNeedFactory(
        school=school, title="Help with school costs", urgency="high", life_domains=[factories.life_domain("inkomen")]
    )
    en_client.force_login(school_coordinator)

    response = en_client.get(detail_url(school))

    assert response.status_code == 200
    html = response.content.decode()
    assert school.name in html
    assert school.institution_number in html
    assert html.index(open_need.title) < html.index(addressed.title)
    assert "Inkomen en schulden" in html
    assert "Urgent" in html
    assert reverse("families:need_create", kwargs={"school_pk": school.pk}) in html
    assert edit_url(school) in html


def test_school_page_shows_an_empty_state_without_needs(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    response = en_client.get(detail_url(school))

    assert "No needs have been stated for this school yet." in response.content.decode()


def test_pending_member_sees_the_profile_but_not_the_needs(en_client, school):
    factories.FamilyNeedFactory(school=school, title="Secret enough")
    pending = factories.member_of(school=school, status="pending")
    en_client.force_login(pending)

    response = en_client.get(detail_url(school))

    assert response.status_code == 200
    html = response.content.decode()
    assert school.name in html
    assert "Secret enough" not in html
    assert "still being reviewed" in html
    assert edit_url(school) not in html


def test_member_who_is_not_admin_cannot_see_the_edit_link(en_client, school):
    member = factories.member_of(school=school, role="member")
    en_client.force_login(member)

    html = en_client.get(detail_url(school)).content.decode()

    assert edit_url(school) not in html
    assert reverse("families:need_create", kwargs={"school_pk": school.pk}) in html


def test_outsider_gets_404_for_a_school_page(client, school, outsider):
    client.force_login(outsider)

    assert client.get(detail_url(school)).status_code == 404


def test_welfare_worker_gets_404_for_a_school_page(client, school, welfare_worker):
    client.force_login(welfare_worker)

    assert client.get(detail_url(school)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, school):
    response = client.get(detail_url(school))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_clb_staff_of_the_schools_clb_see_its_page_and_needs_read_only(en_client, school, clb_broker):
    clb = clb_broker.memberships.get().clb
    factories.CLBSchoolFactory(clb=clb, school=school)
    factories.FamilyNeedFactory(school=school, title="Huiswerkklas")
    en_client.force_login(clb_broker)

    response = en_client.get(detail_url(school))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Huiswerkklas" in html
    assert clb.name in html
    assert "Only the school can state or change them." in html
    assert reverse("families:need_create", kwargs={"school_pk": school.pk}) not in html
    assert edit_url(school) not in html


def test_clb_staff_of_another_clb_get_404(client, school, clb_broker):
    factories.CLBSchoolFactory(school=school)  # guided by a different CLB
    client.force_login(clb_broker)

    assert client.get(detail_url(school)).status_code == 404


def test_pending_clb_staff_get_404(client, school):
    clb = factories.CLBFactory()
    factories.CLBSchoolFactory(clb=clb, school=school)
    pending = factories.member_of(clb=clb, status="pending")
    client.force_login(pending)

    assert client.get(detail_url(school)).status_code == 404


def test_bridge_figure_serving_the_school_sees_its_page(en_client, school, bridge_figure):
    factories.FamilyNeedFactory(school=school, title="Huiswerkklas")
    en_client.force_login(bridge_figure)

    response = en_client.get(detail_url(school))

    assert response.status_code == 200
    assert "Huiswerkklas" in response.content.decode()
    assert en_client.get(edit_url(school)).status_code == 403


def test_bridge_figure_of_other_schools_gets_404(client, bridge_figure):
    other = factories.SchoolFactory()
    client.force_login(bridge_figure)

    assert client.get(detail_url(other)).status_code == 404


def test_moderator_sees_any_school(client, school, moderator):
    client.force_login(moderator)

    assert client.get(detail_url(school)).status_code == 200


def test_unknown_school_is_404(client, school_coordinator):
    client.force_login(school_coordinator)

    assert client.get(reverse("schools:detail", kwargs={"pk": 999999})).status_code == 404


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_school_page_runs_the_same_number_of_queries_for_3_and_30_needs(client, school, school_coordinator):
    figure = factories.BridgeFigureFactory()
    figure.schools.add(school)
    factories.CLBSchoolFactory(school=school)
    for _ in range(3):
        factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)
    few = _count_queries(client, detail_url(school))

    for index in range(27):
        factories.FamilyNeedFactory(
            school=school,
            status=NeedStatus.ADDRESSED if index % 3 else NeedStatus.OPEN,
            life_domains=[factories.life_domain("leren"), factories.life_domain("wonen")],
        )
    many = _count_queries(client, detail_url(school))

    assert many == few


def test_school_page_query_count_is_pinned(client, school, school_coordinator, django_assert_max_num_queries):
    for _ in range(30):
        factories.FamilyNeedFactory(school=school)
    client.force_login(school_coordinator)

    # session, user, role (2), school with the viewer's relation, bridge figures, counts, needs, life domains
    with django_assert_max_num_queries(12):
        client.get(detail_url(school))


# ---------- editing the profile ----------


def test_admin_edits_the_profile_and_the_change_is_audited(client, school, school_coordinator):
    client.force_login(school_coordinator)
    temse = factories.municipality("46025")
    data = valid_profile(
        school,
        name="  Basisschool   De Regenboog  ",
        levels=["lager", "buitengewoon"],
        street="Kerkstraat 5",
        postal_code="9140",
        municipality=temse.pk,
        latitude="51,1234",
        longitude="4,2100",
        website="www.regenboog.school.test",
        contact_email="Info@Regenboog.School.Test",
        phone="03 711 22 33",
    )

    response = client.post(edit_url(school), data)

    assert response.status_code == 302
    assert response["Location"] == detail_url(school)
    school.refresh_from_db()
    assert school.name == "Basisschool De Regenboog"
    assert (school.level_kleuter, school.level_lager, school.level_buitengewoon) == (False, True, True)
    assert school.municipality == temse
    assert school.postal_code == "9140"
    assert school.latitude == pytest.approx(51.1234)
    assert school.website == "https://www.regenboog.school.test"
    assert school.contact_email == "info@regenboog.school.test"
    event = AuditEvent.objects.get(object_id=str(school.pk), content_type__model="school")
    assert event.action == "update"
    assert event.actor == school_coordinator
    assert event.changes["street"] == ["Schoolstraat 1", "Kerkstraat 5"]
    assert event.changes["municipality"] == ["Sint-Niklaas", "Temse"]


def test_saving_an_unchanged_profile_records_nothing(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    response = en_client.post(edit_url(school), valid_profile(school), follow=True)

    assert "Nothing was changed." in response.content.decode()
    assert not AuditEvent.objects.filter(content_type__model="school").exists()


def test_edit_form_shows_the_current_profile(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    html = en_client.get(edit_url(school)).content.decode()

    assert f'value="{school.name}"' in html
    assert 'value="9100"' in html
    assert school.institution_number in html
    assert 'name="institution_number"' not in html
    assert "Only a Brugwijzer moderator can change it" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"levels": []}, "levels", "Choose at least one level"),
        ({"postal_code": "91"}, "postal_code", "Enter a Belgian postal code of four digits"),
        ({"postal_code": "2000"}, "postal_code", "Postal code 2000 does not belong to Sint-Niklaas, but to Antwerpen."),
        ({"postal_code": "1999"}, "postal_code", "Postal code 1999 does not exist in Belgium."),
        ({"latitude": "91"}, "latitude", "Enter a value between -90 and 90."),
        ({"latitude": "4.1437", "longitude": "51.1656"}, "latitude", "Did you swap latitude and longitude?"),
        ({"longitude": ""}, "longitude", "Give both latitude and longitude, or leave both empty."),
        ({"latitude": "north"}, "latitude", "Enter a number."),
        ({"contact_email": "not-an-address"}, "contact_email", "Enter a valid email address."),
        ({"phone": "call me"}, "phone", "Enter a phone number of the school"),
        ({"name": ""}, "name", "This field is required."),
        ({"network": "XYZ"}, "network", "Select a valid choice."),
    ],
)
def test_bad_profile_input_is_refused_with_a_clear_message(
    en_client, school, school_coordinator, overrides, field, message
):
    en_client.force_login(school_coordinator)
    before = School.objects.values().get(pk=school.pk)

    response = en_client.post(edit_url(school), valid_profile(school, street="Nieuwe straat 9", **overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert "error-summary" in html
    assert 'value="Nieuwe straat 9"' in html  # the rest of the input is kept
    assert School.objects.values().get(pk=school.pk) == before
    assert not AuditEvent.objects.exists()


def test_levels_error_is_linked_to_the_group(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    html = en_client.post(edit_url(school), valid_profile(school, levels=[])).content.decode()

    assert 'aria-describedby="id_levels_error"' in html or 'id_levels_error"' in html
    assert 'href="#id_levels_0"' in html


def test_coordinator_cannot_change_the_institution_number(client, school, school_coordinator):
    client.force_login(school_coordinator)
    original = school.institution_number

    response = client.post(edit_url(school), valid_profile(school, institution_number="999999"))

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.institution_number == original


def test_moderator_can_change_the_institution_number(client, school, moderator):
    client.force_login(moderator)

    response = client.post(edit_url(school), valid_profile(school, institution_number="123 456"))

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.institution_number == "123456"
    assert AuditEvent.objects.get(content_type__model="school").changes["institution_number"][1] == "123456"


def test_institution_number_stays_unique(en_client, school, moderator):
    other = factories.SchoolFactory()
    en_client.force_login(moderator)

    response = en_client.post(edit_url(school), valid_profile(school, institution_number=other.institution_number))

    assert response.status_code == 200
    assert "already has institution number" in response.context["form"].errors["institution_number"][0]


def test_member_who_is_not_admin_cannot_edit_the_profile(client, school):
    member = factories.member_of(school=school, role="member")
    client.force_login(member)

    assert client.post(edit_url(school), valid_profile(school, name="Overgenomen")).status_code == 403
    school.refresh_from_db()
    assert school.name != "Overgenomen"


def test_outsider_cannot_edit_the_profile(client, school, outsider):
    client.force_login(outsider)

    assert client.post(edit_url(school), valid_profile(school, name="Overgenomen")).status_code == 404
