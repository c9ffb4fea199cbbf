"""Stating and editing a family need: validation, the privacy guard, audit."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from families.models import FamilyNeed
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

NATIONAL_NUMBER_DOTTED = "85.07.30-033.28"


def create_url(school) -> str:
    return reverse("families:need_create", kwargs={"school_pk": school.pk})


def edit_url(need) -> str:
    return reverse("families:need_edit", kwargs={"pk": need.pk})


def need_data(**overrides) -> dict:
    data = {
        "title": "Ondersteuning bij schoolkosten",
        "life_domains": [factories.life_domain("inkomen").pk, factories.life_domain("leren").pk],
        "age_min": "6",
        "age_max": "12",
        "family_count": "4",
        "home_languages": [factories.language("ar").pk, factories.language("nl").pk],
        "urgency": "high",
        "preferences": ["free", "at_school"],
        "description": "Enkele gezinnen kunnen de schoolfacturen niet betalen.",
    }
    data.update(overrides)
    return data


# ---------- creating ----------


def test_member_states_a_need_and_it_is_audited(client, school, school_coordinator):
    client.force_login(school_coordinator)

    response = client.post(create_url(school), need_data())

    need = FamilyNeed.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("families:need_detail", kwargs={"pk": need.pk})
    assert need.school == school
    assert need.created_by == school_coordinator
    assert need.status == "open"
    assert (need.age_min, need.age_max, need.family_count, need.urgency) == (6, 12, 4, "high")
    assert sorted(need.life_domains.values_list("slug", flat=True)) == ["inkomen", "leren"]
    assert sorted(need.home_languages.values_list("code", flat=True)) == ["ar", "nl"]
    assert need.prefers_free and need.prefers_at_school
    assert not (need.prefers_outreach or need.prefers_walk_in or need.prefers_no_waiting_list)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("create", school_coordinator, str(need.pk))
    assert event.changes["life_domains"] == ["inkomen", "leren"]
    assert event.changes["preferences"] == ["free", "at_school"]


def test_a_member_who_is_not_admin_may_state_needs(client, school):
    member = factories.member_of(school=school, role="member")
    client.force_login(member)

    assert client.post(create_url(school), need_data()).status_code == 302
    assert FamilyNeed.objects.filter(created_by=member).exists()


def test_moderator_may_state_a_need_for_a_school(client, school, moderator):
    client.force_login(moderator)

    assert client.post(create_url(school), need_data()).status_code == 302
    assert FamilyNeed.objects.get().school == school


def test_only_title_domains_and_number_of_families_are_needed(client, school, school_coordinator):
    client.force_login(school_coordinator)
    data = {"title": "Vrijetijdsaanbod", "life_domains": [factories.life_domain("vrije-tijd").pk]}
    data |= {"family_count": "2", "urgency": "low"}

    assert client.post(create_url(school), data).status_code == 302
    need = FamilyNeed.objects.get()
    assert need.age_min is None and need.age_max is None and need.description == ""


def test_create_form_explains_next_to_title_and_description_that_identifying_details_do_not_belong(
    en_client, school, school_coordinator
):
    en_client.force_login(school_coordinator)

    response = en_client.get(create_url(school))

    html = response.content.decode()
    for field in ("title", "description"):
        assert f'aria-describedby="id_{field}_helptext"' in html
        help_start = html.index(f'id="id_{field}_helptext"')
        help_text = html[help_start : html.index("</p>", help_start)]
        assert "No names" in help_text
        assert "identify a family or a child" in help_text
    assert 'class="pictogram"' in html
    assert "Approximate number of families" in html


def assert_refused(response, field: str, what: str) -> None:
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(what in error for error in errors), errors
    assert any("never stores personal data" in error for error in errors), errors
    assert not FamilyNeed.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (f"Het kind met rijksregisternummer {NATIONAL_NUMBER_DOTTED} heeft hulp nodig.", "a national register number"),
        ("Contacteer de mama via an.peeters@telenet.be voor meer info.", "an e-mail address"),
        ("Bel de papa op 0475 12 34 56 na vier uur.", "a phone number"),
    ],
    ids=["national-number-dotted", "email", "phone"],
)
def test_privacy_guard_refuses_personal_data_in_the_description_and_keeps_the_rest(
    en_client, school, school_coordinator, text, what
):
    en_client.force_login(school_coordinator)

    response = en_client.post(create_url(school), need_data(description=text, title="Schoolkosten voor vier gezinnen"))

    assert_refused(response, "description", what)
    html = response.content.decode()
    assert 'value="Schoolkosten voor vier gezinnen"' in html
    assert f"This text contains {what}" in html
    assert 'aria-describedby="id_description_helptext id_description_error"' in html
    assert 'href="#id_description"' in html  # the error summary links to the field
    form = response.context["form"]
    assert form["family_count"].value() == "4"
    assert form["urgency"].value() == "high"
    assert form["preferences"].value() == ["free", "at_school"]
    assert form["life_domains"].value() == [str(pk) for pk in need_data()["life_domains"]]


def test_privacy_guard_message_names_the_national_register_number(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    response = en_client.post(create_url(school), need_data(description=f"Nummer {NATIONAL_NUMBER_DOTTED}."))

    errors = response.context["form"].errors["description"]
    assert errors[0].startswith("This text contains a national register number or BIS number (85")
    assert NATIONAL_NUMBER_DOTTED not in errors[0]  # masked, not repeated in full


def test_privacy_guard_also_checks_the_title(en_client, school, school_coordinator):
    en_client.force_login(school_coordinator)

    response = en_client.post(create_url(school), need_data(title="Gezin van jan@voorbeeld.be"))

    assert_refused(response, "title", "e-mail address")


def test_a_number_that_is_not_a_national_register_number_is_accepted(client, school, school_coordinator):
    client.force_login(school_coordinator)

    response = client.post(create_url(school), need_data(description="Referentie 85073003329 in het dossier."))

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"life_domains": []}, "life_domains", "Choose at least one life domain."),
        ({"age_min": "12", "age_max": "6"}, "age_max", "is lower than the age 'from'"),
        ({"age_max": "26"}, "age_max", "less than or equal to 25"),
        ({"age_min": "-1"}, "age_min", "greater than or equal to 0"),
        ({"family_count": "0"}, "family_count", "greater than or equal to 1"),
        ({"family_count": ""}, "family_count", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"urgency": "yesterday"}, "urgency", "Select a valid choice."),
        ({"preferences": ["cheap"]}, "preferences", "Select a valid choice."),
    ],
)
def test_bad_need_input_is_refused_with_a_clear_message(
    en_client, school, school_coordinator, overrides, field, message
):
    en_client.force_login(school_coordinator)

    response = en_client.post(create_url(school), need_data(**overrides))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert not FamilyNeed.objects.exists()


def test_pending_member_cannot_state_a_need(client, school):
    pending = factories.member_of(school=school, status="pending")
    client.force_login(pending)

    assert client.get(create_url(school)).status_code == 403
    assert client.post(create_url(school), need_data()).status_code == 403
    assert not FamilyNeed.objects.exists()


def test_outsider_cannot_state_a_need_for_another_school(client, school, outsider):
    client.force_login(outsider)

    assert client.post(create_url(school), need_data()).status_code == 404
    assert not FamilyNeed.objects.exists()


def test_member_of_another_school_gets_404(client, school):
    other = factories.member_of(school=factories.SchoolFactory(), role="admin")
    client.force_login(other)

    assert client.post(create_url(school), need_data()).status_code == 404


# ---------- editing ----------


def test_member_edits_a_need_and_the_change_is_audited(client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerk", family_count=3)
    colleague = factories.member_of(school=school, role="member")
    client.force_login(colleague)

    response = client.post(
        edit_url(need),
        need_data(title="Huiswerkbegeleiding", family_count="5", life_domains=[need.life_domains.get().pk]),
    )

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.family_count) == ("Huiswerkbegeleiding", 5)
    event = AuditEvent.objects.get(action="update")
    assert event.actor == colleague
    assert event.changes["title"] == ["Huiswerk", "Huiswerkbegeleiding"]
    assert event.changes["family_count"] == [3, 5]
    assert "life_domains" not in event.changes
    assert event.changes["home_languages"] == [[], ["ar", "nl"]]


def test_edit_form_is_filled_with_the_need(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerk", prefers_outreach=True)
    need.home_languages.set([factories.language("tr")])
    en_client.force_login(school_coordinator)

    form = en_client.get(edit_url(need)).context["form"]

    assert form["title"].value() == "Huiswerk"
    assert form["preferences"].value() == ["outreach"]
    assert form["home_languages"].value() == [factories.language("tr").pk]
    assert form["life_domains"].value() == [factories.life_domain("leren").pk]


def test_editing_without_changes_records_nothing(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school)
    en_client.force_login(school_coordinator)
    data = {name: value for name, value in en_client.get(edit_url(need)).context["form"].initial.items()}
    data = {k: ("" if v is None else v) for k, v in data.items()}

    response = en_client.post(edit_url(need), data, follow=True)

    assert "Nothing was changed." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_privacy_guard_refuses_personal_data_when_editing(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, description="Algemene omschrijving.")
    en_client.force_login(school_coordinator)

    response = en_client.post(
        edit_url(need),
        need_data(description="Bel +32 475 12 34 56", life_domains=[factories.life_domain("leren").pk]),
    )

    assert response.status_code == 200
    assert "phone number" in response.context["form"].errors["description"][0]
    need.refresh_from_db()
    assert need.description == "Algemene omschrijving."
    assert not AuditEvent.objects.exists()


def test_pending_member_cannot_edit_a_need(client, school):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerk")
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.post(edit_url(need), need_data(title="Anders")).status_code == 403
    need.refresh_from_db()
    assert need.title == "Huiswerk"


def test_outsider_gets_404_for_another_schools_need(client, school, outsider):
    need = factories.FamilyNeedFactory(school=school)
    client.force_login(outsider)

    assert client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).status_code == 404
    assert client.post(edit_url(need), need_data()).status_code == 404


def test_detail_shows_everything_about_the_need(en_client, school, school_coordinator):
    need = factories.FamilyNeedFactory(
        school=school,
        title="Huiswerk",
        age_min=6,
        age_max=12,
        family_count=4,
        urgency="high",
        prefers_free=True,
        description="Geen rustige plek.",
        created_by=school_coordinator,
    )
    need.home_languages.set([factories.language("ar")])
    en_client.force_login(school_coordinator)

    html = en_client.get(reverse("families:need_detail", kwargs={"pk": need.pk})).content.decode()

    for text in ("Huiswerk", "Leren en school", "about 4 families", "children aged 6 to 12", "Arabic", "Urgent"):
        assert text in html
    for text in (
        "Free of charge",
        "Geen rustige plek.",
        escape(school_coordinator.get_full_name()),
        "Mark as addressed",
    ):
        assert text in html
