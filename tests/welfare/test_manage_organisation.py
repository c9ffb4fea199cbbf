"""Admins edit their organisation's details; a KBO number is checked and stored as ten digits."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from tests import factories
from welfare.models import Organisation, OrganisationKind


def edit_url(organisation) -> str:
    return reverse("welfare:organisation_edit", kwargs={"pk": organisation.pk})


def data(**overrides) -> dict:
    values = {
        "name": "CAW Oost-Vlaanderen",
        "kind": OrganisationKind.objects.get(slug="caw").pk,
        "description": "Hulp bij alle vragen over welzijn.",
        "kbo_number": "",
        "website": "https://www.caw.be",
        "email": "onthaal@caw.test",
        "phone": "09 265 04 00",
    }
    values.update(overrides)
    return values


def test_admin_edits_the_organisation_and_it_is_audited(client, welfare_worker, organisation):
    client.force_login(welfare_worker)

    response = client.post(edit_url(organisation), data(kbo_number="BE 0123.456.749"))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "CAW Oost-Vlaanderen"
    assert organisation.kbo_number == "0123456749"
    assert organisation.phone == "09 265 04 00"
    event = AuditEvent.objects.get(content_type__model="organisation")
    assert event.action == "update"
    assert event.actor == welfare_worker
    assert event.changes["kbo_number"] == ["", "0123456749"]
    assert event.changes["name"][1] == "CAW Oost-Vlaanderen"


def test_saving_without_changes_writes_no_audit_event(client, welfare_worker, organisation):
    client.force_login(welfare_worker)
    form = client.get(edit_url(organisation)).context["form"]
    unchanged = {name: (form[name].value() or "") for name in form.fields}

    client.post(edit_url(organisation), unchanged)

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kbo_number": "0123.456.700"}, "kbo_number", "is not a valid KBO number"),
        ({"phone": "bel ons"}, "phone", "at least eight digits"),
        ({"name": ""}, "name", "This field is required."),
        ({"email": "geen-adres"}, "email", "valid email address"),
    ],
)
def test_bad_organisation_input_changes_nothing(en_client, welfare_worker, organisation, overrides, field, message):
    name = organisation.name
    en_client.force_login(welfare_worker)

    response = en_client.post(edit_url(organisation), data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'href="#id_{field}"' in response.text  # the summary links to the field
    organisation.refresh_from_db()
    assert organisation.name == name
    assert not AuditEvent.objects.exists()


def test_kbo_number_of_another_organisation_is_refused(en_client, welfare_worker, organisation):
    factories.OrganisationFactory(kbo_number="0123456749")
    en_client.force_login(welfare_worker)

    response = en_client.post(edit_url(organisation), data(kbo_number="0123 456 749"))

    assert response.status_code == 200
    assert "already registered with KBO number" in response.text
    assert Organisation.objects.filter(kbo_number="0123456749").count() == 1


def test_members_who_are_not_admin_cannot_edit_the_organisation(client, organisation):
    member = factories.member_of(organisation=organisation, role="member")
    client.force_login(member)

    assert client.post(edit_url(organisation), data()).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "CAW Oost-Vlaanderen"
