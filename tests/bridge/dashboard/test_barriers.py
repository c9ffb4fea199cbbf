"""Signalling a barrier (drempel): who may, what the form accepts, where it leads, the audit."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from bridge.dashboard import BarrierError, signal_barrier
from bridge.models import Barrier
from portal.models import AuditEvent
from tests import factories
from tests.bridge.dashboard import LOKEREN, SINT_NIKLAAS, build_municipal

pytestmark = pytest.mark.django_db

FORM = reverse("dashboard:barrier_create", kwargs={"nis_code": SINT_NIKLAAS})
DASHBOARD = reverse("dashboard:municipality", kwargs={"nis_code": SINT_NIKLAAS})


@pytest.fixture
def world():
    return build_municipal()


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def data(**overrides) -> dict:
    return {
        "kind": "transport",
        "note": "  De bus naar het Huis van het Kind\n rijdt niet na 17 uur. ",
        "school": "",
    } | (overrides)


def new_barriers():
    return Barrier.objects.exclude(
        note__in=["De schooluitstap kost te veel.", "Turngerief is duur.", "Geen bus na 17 uur."]
    ).exclude(municipality__nis_code=LOKEREN)


def test_a_bridge_figure_signals_a_barrier_and_lands_on_the_dashboard(world):
    client = client_for(world.users["figure"])
    response = client.post(FORM, data(school=world.schools["a"].pk), follow=True)
    barrier = new_barriers().get()
    assert response.redirect_chain[-1][0] == f"{DASHBOARD}#barriers"
    assert (barrier.kind, barrier.school, barrier.municipality.nis_code) == (
        "transport",
        world.schools["a"],
        SINT_NIKLAAS,
    )
    assert barrier.note == "De bus naar het Huis van het Kind rijdt niet na 17 uur."
    assert barrier.reported_by == world.users["figure"]
    assert "The barrier has been passed on to Sint-Niklaas" in response.content.decode()


def test_signalling_is_written_to_the_audit_log(world):
    client_for(world.users["clb_staff"]).post(FORM, data())
    barrier = new_barriers().get()
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(Barrier), object_id=str(barrier.pk))
    assert event.action == "create" and event.actor == world.users["clb_staff"]
    assert event.changes["kind"] == "transport" and event.changes["municipality"] == SINT_NIKLAAS


def test_a_school_member_who_cannot_see_the_dashboard_is_sent_back_with_a_message(world):
    client = client_for(world.users["member_a"])
    back = reverse("dashboard:school_bridge", kwargs={"school_pk": world.schools["a"].pk})
    response = client.post(FORM, data(school=world.schools["a"].pk, next=back), follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "The barrier has been passed on to Sint-Niklaas" in response.content.decode()
    assert new_barriers().get().school == world.schools["a"]


def test_without_a_safe_next_page_a_school_member_returns_to_the_form(world):
    client = client_for(world.users["member_a"])
    response = client.post(FORM, data(next="https://elders.example/"))
    assert response.status_code == 302 and response["Location"] == FORM


def test_a_note_with_personal_data_is_refused_and_nothing_is_stored(world):
    client = client_for(world.users["figure"])
    response = client.post(FORM, data(note="Mail de mama op ouder@example.com over de bus."))
    html = response.content.decode()
    assert response.status_code == 200
    assert "an e-mail address" in html and 'id="error-summary"' in html
    assert "ouder@example.com" in html  # the text is kept in the form, nothing lost
    assert not new_barriers().exists()


def test_an_empty_note_or_no_kind_is_refused_with_a_message_per_field(world):
    response = client_for(world.users["figure"]).post(FORM, {"kind": "", "note": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the barrier you want to signal." in html
    assert "Write a short note about the barrier." in html
    assert not new_barriers().exists()


def test_the_school_choices_are_the_users_schools_in_the_municipality(world):
    html = client_for(world.users["figure"]).get(FORM).content.decode()
    assert "Basisschool Ahorn" in html and "Basisschool Beuk" not in html


def test_a_school_the_user_does_not_serve_is_refused(world):
    response = client_for(world.users["figure"]).post(FORM, data(school=world.schools["b"].pk))
    assert response.status_code == 200
    assert not new_barriers().exists()


def test_a_moderator_may_name_any_school_of_the_municipality(world):
    response = client_for(world.users["moderator"]).post(FORM, data(school=world.schools["c"].pk))
    assert response.status_code == 302
    assert new_barriers().get().school == world.schools["c"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("figure", 200),
        ("clb_staff", 200),
        ("member_a", 200),
        ("moderator", 200),
        ("government", 403),  # sees the dashboard, receives barriers, does not signal them
        ("pending_a", 403),
        ("worker_p1", 403),
        ("other_government", 404),
        ("other_clb_staff", 404),
        ("member_e", 403),
    ],
)
def test_who_may_open_the_barrier_form(world, who, status):
    assert client_for(world.users[who]).get(FORM).status_code == status


@pytest.mark.parametrize("who", ["government", "pending_a", "worker_p1", "other_government", "member_e"])
def test_who_may_not_signal_changes_nothing(world, who):
    response = client_for(world.users[who]).post(FORM, data())
    assert response.status_code in (403, 404)
    assert not new_barriers().exists()


def test_anonymous_visitors_are_sent_to_log_in(world):
    response = Client().post(FORM, data())
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not new_barriers().exists()


# --- the service -----------------------------------------------------------------------------------------


def test_the_service_refuses_who_may_not_signal(world):
    with pytest.raises(PermissionDenied):
        signal_barrier(
            municipality=factories.municipality(SINT_NIKLAAS),
            kind="transport",
            note="Geen bus.",
            by=world.users["government"],
        )


def test_the_service_refuses_a_school_of_another_municipality(world):
    with pytest.raises(PermissionDenied):
        signal_barrier(
            municipality=factories.municipality(SINT_NIKLAAS),
            kind="transport",
            note="Geen bus.",
            school=world.schools["e"],
            by=world.users["moderator"],
        )


@pytest.mark.parametrize(
    ("kind", "note"),
    [
        ("transport", "   "),
        ("nonsense", "Geen bus."),
        ("transport", "Bel 0470 12 34 56 voor de bus."),
        ("digital", "x" * 1001),
    ],
)
def test_the_service_refuses_a_bad_barrier_with_a_readable_message(world, kind, note):
    with pytest.raises(BarrierError):
        signal_barrier(
            municipality=factories.municipality(SINT_NIKLAAS), kind=kind, note=note, by=world.users["moderator"]
        )
    assert not new_barriers().exists()
