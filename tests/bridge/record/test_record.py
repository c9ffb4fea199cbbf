"""The collaboration record: the three questions, the lifecycle, the learning log, the agreement
and the review reminder."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bridge import record_services as services
from bridge.models import (
    Collaboration,
    CollaborationCondition,
    CollaborationRole,
    ConditionKind,
    LearningEntry,
)
from portal.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaboration(school, organisation):
    return factories.CollaborationFactory(school=school, organisations=[organisation], title="Huiswerkklas")


def _url(name: str, collaboration: Collaboration) -> str:
    return reverse(f"record:{name}", kwargs={"pk": collaboration.pk})


def _conditions_data(**overrides) -> dict:
    data = {}
    for kind in ConditionKind.values:
        data[f"{kind}_state"] = "open"
        data[f"{kind}_note"] = ""
    data.update(overrides)
    return data


# --- who sees the record ------------------------------------------------------------------------


def test_school_and_organisation_members_see_the_record(client, collaboration, school_coordinator, welfare_worker):
    for user in (school_coordinator, welfare_worker):
        client.force_login(user)
        assert client.get(_url("overview", collaboration)).status_code == 200


def test_brokers_who_serve_the_school_see_the_record(client, collaboration, school, bridge_figure, clb_broker):
    factories.CLBSchoolFactory(clb=clb_broker.memberships.get().clb, school=school)
    for user in (bridge_figure, clb_broker):
        client.force_login(user)
        assert client.get(_url("overview", collaboration)).status_code == 200


def test_local_government_and_outsiders_are_told_it_does_not_exist(
    client, collaboration, local_government, outsider, clb_broker
):
    for user in (local_government, outsider, clb_broker):
        client.force_login(user)
        assert client.get(_url("overview", collaboration)).status_code == 404
        assert client.get(_url("agreement", collaboration)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, collaboration):
    response = client.get(_url("overview", collaboration))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_overview_shows_the_three_questions_and_links_back(en_client, collaboration, school_coordinator):
    en_client.force_login(school_coordinator)
    page = en_client.get(_url("overview", collaboration)).content.decode()
    for text in ("Why", "Under which conditions", "Who does what", "Learning log", "History"):
        assert text in page
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) in page
    assert "Start the collaboration" in page and "Stop early" in page
    assert "Mark as evaluated" not in page


def test_the_practitioners_dutch_names_of_the_three_questions_appear_once(collaboration, welfare_worker):
    """In English the Dutch names stand beside the headings; in Dutch they are the headings."""
    english, dutch = Client(), Client()
    english.cookies["django_language"] = "en"
    for client in (english, dutch):
        client.force_login(welfare_worker)
    page = english.get(_url("overview", collaboration)).content.decode()
    assert "(Waarom)" in page and "(Wie doet wat)" in page
    page = dutch.get(_url("overview", collaboration)).content.decode()
    assert "(Waarom)" not in page and "(Wie doet wat)" not in page
    assert ">Waarom<" in page


def test_overview_query_count_does_not_grow_with_entries_and_history(
    client, collaboration, school_coordinator, django_assert_max_num_queries
):
    client.force_login(school_coordinator)
    url = _url("overview", collaboration)

    def add(n):
        for i in range(n):
            services.add_learning_entry(
                collaboration=collaboration,
                by=school_coordinator,
                author_side="school",
                what_happened=f"Overleg {i}",
                learned="Veel.",
            )

    add(3)
    services.save_conditions(
        collaboration=collaboration, by=school_coordinator, conditions={"time": ("in_place", "Ja")}
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- Waarom -------------------------------------------------------------------------------------


def test_partner_edits_why_and_the_history_shows_it(en_client, collaboration, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, title="Huiswerk")
    en_client.force_login(school_coordinator)
    today = timezone.localdate()
    response = en_client.post(
        _url("edit_why", collaboration),
        {
            "title": "  Huiswerkklas   op school ",
            "form": "consultation_hours",
            "needs": [need.pk],
            "life_domains": [factories.life_domain("leren").pk],
            "urgency": "high",
            "goals": "Elke week een rustige plek voor huiswerk.",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=200)).isoformat(),
            "review_date": (today + datetime.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    collaboration.refresh_from_db()
    assert collaboration.title == "Huiswerkklas op school"
    assert collaboration.form == "consultation_hours"
    assert list(collaboration.needs.all()) == [need]
    event = AuditEvent.objects.filter(object_id=str(collaboration.pk), action="update").get()
    assert event.changes["form"] == ["referral", "consultation_hours"]
    assert event.actor == school_coordinator
    page = en_client.get(_url("overview", collaboration)).content.decode()
    assert "Consultation hours at school" in page
    assert "Referral → Consultation hours at school" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("end_date", "2020-01-01"),
        ("review_date", "2020-01-01"),
        ("goals", "Bel mama op 0470 12 34 56."),
        ("form", "nonsense"),
        ("title", ""),
    ],
)
def test_bad_why_changes_nothing(client, collaboration, school_coordinator, field, value):
    client.force_login(school_coordinator)
    data = {"title": "Nieuw", "form": "referral", "urgency": "medium", "start_date": "2030-01-01", field: value}
    response = client.post(_url("edit_why", collaboration), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Collaboration.objects.get(pk=collaboration.pk).title == "Huiswerkklas"
    assert not AuditEvent.objects.filter(action="update").exists()


def test_need_of_another_school_cannot_be_linked(client, collaboration, school_coordinator):
    other = factories.FamilyNeedFactory()
    client.force_login(school_coordinator)
    response = client.post(
        _url("edit_why", collaboration),
        {"title": "Nieuw", "form": "referral", "urgency": "medium", "needs": [other.pk]},
    )
    assert response.status_code == 200
    assert not collaboration.needs.exists()


def test_an_old_review_date_may_stay_and_a_new_one_resets_the_reminder(collaboration, school_coordinator):
    past = timezone.localdate() - datetime.timedelta(days=3)
    Collaboration.objects.filter(pk=collaboration.pk).update(review_date=past, review_reminded_at=timezone.now())
    collaboration.refresh_from_db()
    common = {"form": "referral", "urgency": "medium", "goals": "", "needs": [], "life_domains": []}
    common |= {"start_date": None, "end_date": None}
    services.update_why(collaboration=collaboration, by=school_coordinator, title="Ander", review_date=past, **common)
    collaboration.refresh_from_db()
    assert collaboration.title == "Ander" and collaboration.review_reminded_at is not None
    later = timezone.localdate() + datetime.timedelta(days=30)
    services.update_why(collaboration=collaboration, by=school_coordinator, title="Ander", review_date=later, **common)
    collaboration.refresh_from_db()
    assert collaboration.review_date == later and collaboration.review_reminded_at is None


def test_outsider_cannot_change_through_the_service(collaboration, outsider):
    with pytest.raises(PermissionDenied):
        services.change_status(collaboration=collaboration, by=outsider, to="active")


# --- Onder welke voorwaarden ----------------------------------------------------------------------


def test_first_save_creates_the_eight_conditions_then_updates_only_what_changed(client, collaboration, welfare_worker):
    client.force_login(welfare_worker)
    data = _conditions_data(trust_state="challenge", trust_note="Ouders kennen ons nog niet.")
    assert client.post(_url("edit_conditions", collaboration), data).status_code == 302
    assert CollaborationCondition.objects.filter(collaboration=collaboration).count() == 8
    assert collaboration.conditions.get(kind="trust").state == "challenge"
    created = AuditEvent.objects.filter(action="create").count()
    assert created == 8

    data["funding_state"] = "in_place"
    assert client.post(_url("edit_conditions", collaboration), data).status_code == 302
    assert CollaborationCondition.objects.filter(collaboration=collaboration).count() == 8
    update = AuditEvent.objects.get(action="update")
    assert update.changes == {"state": ["open", "in_place"]}


def test_bad_conditions_change_nothing(client, collaboration, welfare_worker):
    client.force_login(welfare_worker)
    for data in (
        _conditions_data(time_state="maybe"),
        _conditions_data(privacy_note="Mail naar jan.peeters@example.com"),
    ):
        response = client.post(_url("edit_conditions", collaboration), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not CollaborationCondition.objects.exists()


# --- Wie doet wat ---------------------------------------------------------------------------------


def test_roles_are_saved_and_an_emptied_role_stays_empty(client, collaboration, school_coordinator):
    client.force_login(school_coordinator)
    data = {"school_tasks": "Een lokaal op woensdag.", "welfare_limits": "Geen therapie.", "parents_tasks": ""}
    assert client.post(_url("edit_roles", collaboration), data).status_code == 302
    assert set(collaboration.roles.values_list("actor", flat=True)) == {"school", "welfare"}
    assert client.post(_url("edit_roles", collaboration), {"welfare_limits": "Geen therapie."}).status_code == 302
    school_role = collaboration.roles.get(actor="school")
    assert school_role.tasks == "" and school_role.limits == ""
    assert CollaborationRole.objects.count() == 2


def test_bad_roles_change_nothing(client, collaboration, school_coordinator):
    client.force_login(school_coordinator)
    response = client.post(_url("edit_roles", collaboration), {"clb_tasks": "Bel 03 123 45 67"})
    assert response.status_code == 200
    assert not CollaborationRole.objects.exists()


# --- lifecycle ------------------------------------------------------------------------------------


def test_the_lifecycle_runs_from_agreed_to_ended(client, collaboration, school_coordinator):
    client.force_login(school_coordinator)
    for old, new in (("agreed", "active"), ("active", "evaluated"), ("evaluated", "ended")):
        response = client.post(_url("status", collaboration), {"expected": old, "to": new})
        assert response.status_code == 302
        collaboration.refresh_from_db()
        assert collaboration.status == new
    assert collaboration.start_date == timezone.localdate() == collaboration.end_date
    statuses = [e.changes["status"] for e in AuditEvent.objects.filter(action="status").order_by("id")]
    assert statuses == [["agreed", "active"], ["active", "evaluated"], ["evaluated", "ended"]]


def test_an_agreed_collaboration_can_stop_early(collaboration, school_coordinator):
    services.change_status(collaboration=collaboration, by=school_coordinator, to="ended")
    assert Collaboration.objects.get(pk=collaboration.pk).status == "ended"


def test_an_ended_collaboration_cannot_become_active_again(en_client, collaboration, school_coordinator):
    Collaboration.objects.filter(pk=collaboration.pk).update(status="ended")
    en_client.force_login(school_coordinator)
    response = en_client.post(_url("status", collaboration), {"expected": "ended", "to": "active"}, follow=True)
    assert "cannot become active" in response.content.decode()
    assert Collaboration.objects.get(pk=collaboration.pk).status == "ended"
    assert not AuditEvent.objects.exists()


def test_a_double_click_changes_the_status_once(client, collaboration, school_coordinator):
    client.force_login(school_coordinator)
    for _ in range(2):
        assert client.post(_url("status", collaboration), {"expected": "agreed", "to": "active"}).status_code == 302
    assert Collaboration.objects.get(pk=collaboration.pk).status == "active"
    assert AuditEvent.objects.filter(action="status").count() == 1


@translation.override("en")
def test_a_step_on_a_stale_status_is_refused(collaboration, school_coordinator, welfare_worker):
    """Two partners see "agreed"; one starts the collaboration, the other stops it: one wins."""
    services.change_status(collaboration=collaboration, by=school_coordinator, to="active", expected="agreed")
    with pytest.raises(services.RecordError, match="in the meantime"):
        services.change_status(collaboration=collaboration, by=welfare_worker, to="ended", expected="agreed")
    assert Collaboration.objects.get(pk=collaboration.pk).status == "active"


def test_status_page_only_answers_post(client, collaboration, school_coordinator):
    client.force_login(school_coordinator)
    assert client.get(_url("status", collaboration)).status_code == 405


# --- learning log --------------------------------------------------------------------------------


def test_partner_writes_in_the_learning_log_and_the_other_side_reads_it(
    en_client, collaboration, school_coordinator, welfare_worker
):
    en_client.force_login(welfare_worker)
    response = en_client.get(_url("learning_add", collaboration))
    assert [value for value, _label in response.context["form"].fields["author_side"].choices] == ["welfare"]
    response = en_client.post(
        _url("learning_add", collaboration),
        {
            "author_side": "welfare",
            "what_happened": "Eerste spreekuur op school.",
            "learned": "Leerkrachten zien signalen vroeg.",
            "take_away": "We komen vaker langs.",
        },
    )
    assert response.status_code == 302
    entry = LearningEntry.objects.get()
    assert entry.author == welfare_worker
    en_client.force_login(school_coordinator)
    page = en_client.get(_url("overview", collaboration)).content.decode()
    assert "Leerkrachten zien signalen vroeg." in page


def test_outsider_cannot_read_or_write_the_learning_log(client, collaboration, outsider):
    client.force_login(outsider)
    assert client.get(_url("learning_add", collaboration)).status_code == 404
    data = {"author_side": "welfare", "what_happened": "x", "learned": "y"}
    assert client.post(_url("learning_add", collaboration), data).status_code == 404
    assert not LearningEntry.objects.exists()


def test_anonymous_visitor_cannot_write_in_the_learning_log(client, collaboration):
    response = client.post(_url("learning_add", collaboration), {"what_happened": "x", "learned": "y"})
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "data",
    [
        {"author_side": "school", "what_happened": "x", "learned": "y"},  # not their side
        {"author_side": "welfare", "what_happened": "", "learned": "y"},
        {"author_side": "welfare", "what_happened": "x", "learned": "Mail an@ouder.be"},
        {"author_side": "welfare", "what_happened": "x", "learned": "y", "take_away": "RR 85.07.30-033.28"},
    ],
)
def test_bad_learning_entry_is_refused(client, collaboration, welfare_worker, data):
    client.force_login(welfare_worker)
    response = client.post(_url("learning_add", collaboration), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not LearningEntry.objects.exists()


def test_service_refuses_a_side_the_author_does_not_belong_to(collaboration, welfare_worker):
    with pytest.raises(services.RecordError):
        services.add_learning_entry(
            collaboration=collaboration, by=welfare_worker, author_side="clb", what_happened="x", learned="y"
        )


# --- printable agreement ---------------------------------------------------------------------------


def test_the_agreement_holds_parties_sections_and_signature_lines(
    en_client, collaboration, organisation, school, school_coordinator
):
    services.save_roles(
        collaboration=collaboration, by=school_coordinator, roles={"school": ("Een lokaal.", "Geen vervoer.")}
    )
    services.save_conditions(
        collaboration=collaboration, by=school_coordinator, conditions={"funding": ("challenge", "Nog zoeken.")}
    )
    en_client.force_login(school_coordinator)
    response = en_client.get(_url("agreement", collaboration))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Collaboration agreement",
        school.name,
        organisation.name,
        "Een lokaal.",
        "Geen vervoer.",
        "Nog zoeken.",
        "Signature",
        "Function",
        "css/record.css",
    ):
        assert text in page
    assert len(response.context["signatories"]) == 2


# --- review reminders ------------------------------------------------------------------------------


def test_review_reminder_goes_once_to_the_partners(
    collaboration, school_coordinator, welfare_worker, django_capture_on_commit_callbacks
):
    member = factories.member_of(school=collaboration.school, role="member", email="gewoon@school.test")
    today = timezone.localdate()
    Collaboration.objects.filter(pk=collaboration.pk).update(review_date=today + datetime.timedelta(days=5))
    far = factories.CollaborationFactory(school=collaboration.school, review_date=today + datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_reviews(today=today) == 1
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {school_coordinator.email, welfare_worker.email}
    assert member.email not in mail.outbox[0].to
    assert "Huiswerkklas" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_reviews(today=today) == 0
    assert len(mail.outbox) == 1
    far.refresh_from_db()
    assert far.review_reminded_at is None


def test_ended_collaborations_are_not_reminded(collaboration, school_coordinator):
    Collaboration.objects.filter(pk=collaboration.pk).update(status="ended", review_date=timezone.localdate())
    assert services.remind_reviews() == 0


def test_the_management_command_reminds(collaboration, school_coordinator, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    Collaboration.objects.filter(pk=collaboration.pk).update(review_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_collaboration_reviews")
    assert len(mail.outbox) == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="concurrent transactions need PostgreSQL: the in-memory SQLite test database fails at once on a lock",
)
@pytest.mark.django_db(transaction=True)
def test_two_partners_racing_on_the_status_end_in_one_change(school, organisation):
    """Real concurrent requests (threads with their own connections): exactly one step wins."""
    import threading

    from django.db import connection

    collaboration = factories.CollaborationFactory(school=school, organisations=[organisation])
    people = [
        factories.member_of(school=school, role="admin", email="a@school.test"),
        factories.member_of(organisation=organisation, role="admin", email="b@welzijn.test"),
    ]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(user, to):
        try:
            barrier.wait()
            services.change_status(collaboration=Collaboration.objects.get(pk=collaboration.pk), by=user, to=to)
            outcomes.append(to)
        except services.RecordError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(people[0], "active")),
        threading.Thread(target=act, args=(people[1], "ended")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 1
    assert AuditEvent.objects.filter(action="status").count() == 1
    assert Collaboration.objects.get(pk=collaboration.pk).status in {"active", "ended"}
