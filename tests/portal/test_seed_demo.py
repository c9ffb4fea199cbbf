import io
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bridge.candidates import suggest_for_need
from bridge.gaps import gap_report
from bridge.models import (
    CLB,
    Barrier,
    BridgeFigure,
    CLBSchool,
    Collaboration,
    CollaborationCondition,
    CollaborationRole,
    ConditionKind,
    LearningEntry,
    MatchRequest,
)
from families.models import FamilyNeed, LifeDomain
from families.privacy import find_personal_data
from portal.demo import DEMO_ACCOUNTS, GAP_NEEDS, NEEDS, REGION, seed_demo
from portal.models import Membership, Municipality, User
from portal.roles import role_for
from portal.validators import kbo_is_valid
from schools.models import School
from welfare.models import Location, Offer, Organisation

pytestmark = pytest.mark.django_db

PASSWORD = settings.BRUGWIJZER_DEMO_PASSWORD
DEMO_EMAILS = [email for _label, email in DEMO_ACCOUNTS]
BRIDGE_FIGURE_EMAILS = [email for email in DEMO_EMAILS if email.startswith("brugfiguur")]
FIELD_KINDS = {
    "caw",
    "ocmw",
    "huis-van-het-kind",
    "ckg",
    "samenlevingsopbouw",
    "buurtwerk",
    "cgg",
    "jac",
    "opgroeien",
    "inloopteam",
    "armoedevereniging",
    "integratie",
    "vrije-tijd",
    "gezondheid",
    "onderwijsondersteuning",
}
EXPECTED_ROLES = {
    "school@demo.brugwijzer.be": "school",
    "welzijn@demo.brugwijzer.be": "organisation",
    "clb@demo.brugwijzer.be": "clb",
    "brugfiguur@demo.brugwijzer.be": "bridge_figure",
    "brugfiguur2@demo.brugwijzer.be": "bridge_figure",
    "brugfiguur3@demo.brugwijzer.be": "bridge_figure",
    "gemeente@demo.brugwijzer.be": "municipality",
    "moderator@demo.brugwijzer.be": "moderator",
}


def all_models():
    """Every model of the project's apps, the M2M tables included, plus allauth's e-mail addresses."""
    found = [
        model
        for label in ("portal", "schools", "welfare", "families", "bridge")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return [*found, EmailAddress]


def counts():
    return {model._meta.label: model.objects.count() for model in all_models()}


def snapshot():
    """Every field of every row, so a second run that saves anything at all shows up."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in all_models()}


def near(lat_a, lon_a, lat_b, lon_b, km):
    """Good enough at this latitude: one degree of latitude is 111 km, of longitude 70 km."""
    return ((lat_a - lat_b) * 111) ** 2 + ((lon_a - lon_b) * 70) ** 2 <= km**2


def test_the_region_has_the_promised_size():
    seed_demo(with_accounts=False)

    schools = School.objects.all()
    assert schools.count() >= 15
    assert len({s.municipality.nis_code for s in schools}) >= 5
    assert {s.municipality.nis_code for s in schools} <= set(REGION)
    assert Organisation.objects.count() >= 30
    assert Offer.objects.count() >= 80
    assert FamilyNeed.objects.count() == 32
    assert CLB.objects.count() == 1
    assert BridgeFigure.objects.count() == 3
    assert Collaboration.objects.count() == 10
    assert Collaboration.objects.values("status").distinct().count() >= 4


def test_every_life_domain_has_at_least_three_offers_and_an_active_one():
    seed_demo(with_accounts=False)

    for domain in LifeDomain.objects.all():
        assert domain.offers.count() >= 3, domain.slug
        assert domain.offers.filter(is_active=True).exists(), domain.slug


def test_offers_vary_the_way_the_field_does():
    seed_demo(with_accounts=False)
    offers = Offer.objects.all()
    today = timezone.localdate()

    assert {o.capacity for o in offers} == {"open", "waiting_list", "full"}
    assert all(o.waiting_weeks for o in offers.filter(capacity="waiting_list"))
    assert {o.cost for o in offers} == {"free", "low", "paid"}
    assert all(o.cost_note for o in offers.exclude(cost="free"))
    assert all(o.access_modes for o in offers)
    for mode in ("walk-in", "appointment", "outreach", "at-school", "online"):
        assert any(mode in o.access_modes for o in offers), mode
    assert offers.filter(age_min__isnull=True, age_max__isnull=True).exists()
    assert offers.filter(age_min=0, age_max=3).exists()
    assert offers.filter(is_active=False).exists()
    assert offers.filter(last_confirmed__gte=today - timedelta(days=30)).exists()
    assert offers.filter(last_confirmed__lt=today - timedelta(days=425)).exists()
    assert offers.stale().exists()
    languages = set(offers.values_list("languages__code", flat=True))
    assert {"nl", "fr", "en", "ar", "tr", "pl", "ro", "bg", "uk", "so", "ti", "fa"} <= languages
    service_area_sizes = {o.service_area.count() for o in offers}
    assert 1 in service_area_sizes and len(REGION) in service_area_sizes and len(service_area_sizes) > 2
    for offer in offers:
        assert offer.next_steps
        assert offer.locations.exists()
        assert set(offer.locations.values_list("organisation", flat=True)) == {offer.organisation_id}


def test_organisations_cover_the_kinds_and_two_wait_for_verification():
    seed_demo(with_accounts=False)
    organisations = Organisation.objects.all()

    kinds = set(organisations.values_list("kind__slug", flat=True))
    assert kinds >= FIELD_KINDS
    assert organisations.awaiting_verification().count() == 2
    assert organisations.verified().count() == organisations.count() - 2
    numbers = [o.kbo_number for o in organisations if o.kbo_number]
    assert len(numbers) >= 5
    assert all(kbo_is_valid(n) for n in numbers)
    for organisation in organisations:
        assert organisation.email.endswith("@example.be")
        assert 1 <= organisation.locations.count() <= 2
    for location in Location.objects.select_related("municipality"):
        assert location.opening_hours
        assert location.postal_code in location.municipality.postal_codes.values_list("code", flat=True)


def test_schools_and_locations_lie_in_their_own_municipality():
    seed_demo(with_accounts=False)

    for municipality in Municipality.objects.filter(nis_code__in=REGION):
        assert municipality.latitude is not None and municipality.longitude is not None
    for school in School.objects.select_related("municipality"):
        assert school.postal_code in school.municipality.postal_codes.values_list("code", flat=True), school
        assert school.verified_at is not None
        m = school.municipality
        assert near(school.latitude, school.longitude, m.latitude, m.longitude, km=12), school
    for location in Location.objects.select_related("municipality"):
        m = location.municipality
        assert near(location.latitude, location.longitude, m.latitude, m.longitude, km=12), location
    assert School.objects.filter(level_buitengewoon=True).exists()
    assert {s.network for s in School.objects.all()} == {"GO", "OVSG", "KOV", "POV"}


def test_an_existing_municipality_centre_is_kept():
    Municipality.objects.filter(nis_code="46025").update(latitude=51.0, longitude=4.0)

    seed_demo(with_accounts=False)

    temse = Municipality.objects.get(nis_code="46025")
    assert (temse.latitude, temse.longitude) == (51.0, 4.0)


def test_the_bridge_is_wired_up():
    seed_demo(with_accounts=False)

    clb = CLB.objects.get()
    assert clb.network == "GO"
    assert CLBSchool.objects.filter(clb=clb).count() == School.objects.count()
    for figure in BridgeFigure.objects.select_related("employer__kind"):
        assert figure.employer.kind.slug == "ocmw"
        assert 2 <= figure.schools.count() <= 5

    statuses = set(MatchRequest.objects.values_list("status", flat=True))
    assert {"proposed", "sent", "accepted", "declined", "withdrawn"} <= statuses
    for request in MatchRequest.objects.filter(status="accepted"):
        assert request.collaboration.school == request.need.school
        assert request.offer.organisation in request.collaboration.organisations.all()
    for collaboration in Collaboration.objects.all():
        assert 1 <= collaboration.organisations.count() <= 2
        assert collaboration.needs.exists() and collaboration.life_domains.exists()
        assert set(collaboration.needs.values_list("school", flat=True)) == {collaboration.school_id}
        assert collaboration.review_date is not None


def test_every_collaboration_says_why_under_which_conditions_and_who_does_what():
    seed_demo(with_accounts=False)
    collaborations = Collaboration.objects.prefetch_related("conditions", "roles", "learning_entries")

    assert {c.form for c in collaborations} == {
        "referral",
        "consultation_hours",
        "joint_activity",
        "structural",
        "case_consultation",
    }
    assert {c.urgency for c in collaborations} == {"low", "medium", "high"}
    for collaboration in collaborations:
        assert len(collaboration.goals.split(". ")) >= 2, collaboration
        assert {c.kind for c in collaboration.conditions.all()} == set(ConditionKind.values), collaboration
        roles = {role.actor: role for role in collaboration.roles.all()}
        assert len(roles) >= 2 and {"school", "welfare"} <= set(roles), collaboration
        assert all(role.tasks and role.limits for role in roles.values()), collaboration
        entries = collaboration.learning_entries.all()
        if collaboration.status in ("active", "evaluated", "ended"):
            assert 1 <= len(entries) <= 3, collaboration
            assert len({entry.author_side for entry in entries}) == len(entries), collaboration
        else:
            assert not entries, collaboration
    states = CollaborationCondition.objects.values_list("state", flat=True)
    assert set(states) == {"in_place", "challenge", "open"}
    assert list(states).count("in_place") > len(states) / 2
    assert all(c.note for c in CollaborationCondition.objects.filter(state="challenge"))
    proposed = CollaborationCondition.objects.filter(collaboration__status="proposed")
    assert proposed.filter(state="open").count() > proposed.count() / 2


def test_active_collaborations_have_a_review_coming_and_one_is_soon():
    seed_demo(with_accounts=False)
    today = timezone.localdate()

    reviews = [c.review_date for c in Collaboration.objects.filter(status="active")]
    assert reviews and all(review > today for review in reviews)
    assert any(review <= today + timedelta(days=14) for review in reviews)


def test_the_learning_log_is_written_by_demo_users_of_that_side():
    seed_demo(with_accounts=True)
    entries = LearningEntry.objects.select_related("author", "collaboration__school")

    by_bridge_figure = entries.filter(author_side="bridge_figure")
    assert by_bridge_figure.exists()
    assert all(e.author.email in BRIDGE_FIGURE_EMAILS for e in by_bridge_figure)
    assert {e.author.email for e in entries.filter(author_side="school", author__isnull=False)} == {
        "school@demo.brugwijzer.be"
    }
    assert all(
        e.collaboration.school.institution_number == "990101"
        for e in entries.filter(author__email="school@demo.brugwijzer.be")
    )
    assert entries.filter(author_side="welfare", author__email="welzijn@demo.brugwijzer.be").exists()
    assert entries.filter(author__isnull=True).exists()  # sides without a demo user
    assert len({e.created_at.date() for e in entries}) > 3  # written over time, not all on the day of the seed


def test_without_accounts_the_learning_log_names_only_bridge_figures():
    seed_demo(with_accounts=False)

    authors = set(LearningEntry.objects.filter(author__isnull=False).values_list("author__email", flat=True))
    assert authors and authors <= set(BRIDGE_FIGURE_EMAILS)


def test_barriers_are_signalled_across_the_region_by_the_bridge_figures():
    seed_demo(with_accounts=False)
    barriers = Barrier.objects.select_related("municipality", "school", "reported_by")

    assert 6 <= barriers.count() <= 10
    assert barriers.values("municipality").distinct().count() >= 3
    assert {b.municipality.nis_code for b in barriers} <= set(REGION)
    assert barriers.values("kind").distinct().count() >= 5
    assert barriers.filter(reported_by__isnull=False).count() > barriers.count() / 2
    for barrier in barriers:
        if barrier.reported_by:
            assert barrier.reported_by.email in BRIDGE_FIGURE_EMAILS
        if barrier.school:
            assert barrier.school.municipality_id == barrier.municipality_id


def test_the_collaborations_and_barriers_hold_no_personal_data():
    seed_demo(with_accounts=True)

    texts = [*Barrier.objects.values_list("note", flat=True)]
    texts += Collaboration.objects.values_list("goals", flat=True)
    texts += CollaborationCondition.objects.values_list("note", flat=True)
    for tasks, limits in CollaborationRole.objects.values_list("tasks", "limits"):
        texts += [tasks, limits]
    for fields in LearningEntry.objects.values_list("what_happened", "learned", "take_away"):
        texts += fields
    for text in texts:
        assert not find_personal_data(text), text


def test_two_open_needs_are_genuine_gaps_and_the_others_are_not():
    seed_demo(with_accounts=False)
    titles = {spec.ref: spec.title for spec in NEEDS}
    gap_titles = {titles[ref] for ref in GAP_NEEDS}

    for need in FamilyNeed.objects.filter(title__in=gap_titles).select_related("school"):
        assert need.status == "open"
        result = suggest_for_need(need, limit=None)
        assert result.is_gap, need.title
        assert result.suggestions, need.title  # offers exist, just none that fits: full, other ages, elsewhere
    for need in FamilyNeed.objects.filter(status="open").exclude(title__in=gap_titles).select_related("school"):
        assert not suggest_for_need(need).is_gap, need.title
    report = gap_report(needs=FamilyNeed.objects.all())
    assert {verdict.need.title for verdict in report.gaps} == gap_titles


def test_needs_are_anonymous_and_varied():
    seed_demo(with_accounts=False)
    needs = FamilyNeed.objects.all()

    for need in needs:
        text = f"{need.title} {need.description}"
        assert "@" not in text, need
        assert not re.search(r"\d{8,}", text), need
        assert need.family_count >= 1
        assert need.life_domains.exists()
    assert needs.values("school").distinct().count() >= 15
    assert {"open", "addressed", "withdrawn"} == set(needs.values_list("status", flat=True))
    assert needs.filter(status="open").count() > needs.count() / 2
    assert {"low", "medium", "high"} == set(needs.values_list("urgency", flat=True))
    assert needs.filter(home_languages__isnull=False).exists()
    assert needs.filter(prefers_free=True).exists() and needs.filter(prefers_at_school=True).exists()


def test_without_accounts_nobody_can_log_in():
    seed_demo(with_accounts=False)

    assert set(User.objects.values_list("email", flat=True)) == set(BRIDGE_FIGURE_EMAILS)
    assert not any(user.has_usable_password() for user in User.objects.all())
    assert not EmailAddress.objects.exists()
    assert not Membership.objects.exists()
    assert not Client().login(email=BRIDGE_FIGURE_EMAILS[0], password=PASSWORD)


def test_every_demo_account_can_log_in_and_wears_its_role():
    seed_demo(with_accounts=True)

    assert set(DEMO_EMAILS) == set(EXPECTED_ROLES)
    for email in DEMO_EMAILS:
        user = User.objects.get(email=email)
        assert user.full_name and user.job_title
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert Client().login(email=email, password=PASSWORD), email
        assert role_for(user).kind == EXPECTED_ROLES[email], email

    moderator = User.objects.get(email="moderator@demo.brugwijzer.be")
    assert moderator.is_moderator and moderator.is_staff and moderator.is_superuser
    school_membership = Membership.objects.get(user__email="school@demo.brugwijzer.be")
    assert school_membership.is_admin and school_membership.school.institution_number == "990101"
    welfare_membership = Membership.objects.get(user__email="welzijn@demo.brugwijzer.be")
    assert welfare_membership.is_admin and welfare_membership.organisation.name == "Sociaal Huis Sint-Niklaas"
    local = Membership.objects.get(user__email="gemeente@demo.brugwijzer.be")
    assert local.municipality.nis_code == "46021"


def test_the_allauth_login_form_lets_a_demo_account_in():
    seed_demo(with_accounts=True)

    response = Client().post(reverse("account_login"), {"login": "school@demo.brugwijzer.be", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_running_twice_changes_nothing():
    first = seed_demo(with_accounts=False)
    before_counts, before = counts(), snapshot()

    second = seed_demo(with_accounts=False)

    assert first.created > 0
    assert (second.created, second.updated) == (0, 0)
    assert counts() == before_counts
    assert snapshot() == before


def test_running_twice_with_accounts_changes_nothing_and_keeps_passwords():
    seed_demo(with_accounts=True)
    before_counts, before = counts(), snapshot()

    second = seed_demo(with_accounts=True)
    third = seed_demo(with_accounts=False)

    assert (second.created, second.updated) == (0, 0)
    assert (third.created, third.updated) == (0, 0)
    assert counts() == before_counts
    assert snapshot() == before


def test_a_later_run_with_accounts_makes_the_bridge_figures_usable():
    seed_demo(with_accounts=False)
    figure_ids = set(BridgeFigure.objects.values_list("pk", "user_id"))

    seed_demo(with_accounts=True)

    assert set(BridgeFigure.objects.values_list("pk", "user_id")) == figure_ids
    for email in BRIDGE_FIGURE_EMAILS:
        assert Client().login(email=email, password=PASSWORD), email


def test_a_demo_user_who_changed_their_password_keeps_it():
    seed_demo(with_accounts=True)
    user = User.objects.get(email="school@demo.brugwijzer.be")
    user.set_password("my-own-password-123")
    user.save()

    seed_demo(with_accounts=True)

    assert Client().login(email="school@demo.brugwijzer.be", password="my-own-password-123")


def test_the_command_prints_one_line_and_creates_logins_only_in_debug(settings):
    out = io.StringIO()
    settings.DEBUG = False
    call_command("seed_demo", stdout=out)
    assert not EmailAddress.objects.exists()

    settings.DEBUG = True
    call_command("seed_demo", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Demo region:") and "schools" in lines[0] and "offers" in lines[0]
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS).count() == len(DEMO_EMAILS)
