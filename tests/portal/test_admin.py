"""The admin at /beheer/: every model is there, every page opens, changelists stay query-flat."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bridge.models import Barrier, CollaborationCondition, CollaborationRole, LearningEntry
from families.models import LifeDomain
from portal import audit
from portal.models import ApiToken, AuditEvent, Language, Membership, Municipality, PostalCode, User
from schools.models import School
from tests import factories
from welfare.models import Offer, OfferCorrection, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

APP_LABELS = ("portal", "schools", "welfare", "families", "bridge")
MODELS = [model for label in APP_LABELS for model in apps.get_app_config(label).get_models()]
READ_ONLY = {Municipality, PostalCode, Language, Membership, AuditEvent, LifeDomain}
REFERENCE_DATA = {Municipality, PostalCode, Language, LifeDomain, OrganisationKind}


MAKERS = {
    "portal.User": lambda: factories.UserFactory(),
    "portal.Municipality": lambda: factories.municipality(),
    "portal.PostalCode": lambda: PostalCode.objects.filter(code="9100").first(),
    "portal.Language": lambda: factories.language(),
    "portal.Membership": lambda: Membership.objects.get(
        user=factories.member_of(school=factories.SchoolFactory(), role="admin")
    ),
    "portal.ApiToken": lambda: ApiToken.objects.create(
        user=factories.UserFactory(), name="Koppeling", prefix="bw_abc", key_hash=uuid.uuid4().hex * 2
    ),
    "portal.AuditEvent": lambda: audit.record(
        actor=factories.UserFactory(), action="create", obj=factories.OrganisationFactory()
    ),
    "schools.School": lambda: factories.SchoolFactory(),
    "welfare.OrganisationKind": lambda: OrganisationKind.objects.get(slug="caw"),
    "welfare.Organisation": lambda: factories.OrganisationFactory(),
    "welfare.Location": lambda: factories.LocationFactory(),
    "welfare.Offer": lambda: factories.OfferFactory(),
    "welfare.OfferCorrection": lambda: OfferCorrection.objects.create(
        offer=factories.OfferFactory(), suggested_by=factories.UserFactory(), message="Het telefoonnummer klopt niet."
    ),
    "families.LifeDomain": lambda: factories.life_domain(),
    "families.FamilyNeed": lambda: factories.FamilyNeedFactory(),
    "bridge.CLB": lambda: factories.CLBFactory(),
    "bridge.CollaborationCondition": lambda: CollaborationCondition.objects.create(
        collaboration=factories.CollaborationFactory(), kind="trust", state="in_place"
    ),
    "bridge.CollaborationRole": lambda: CollaborationRole.objects.create(
        collaboration=factories.CollaborationFactory(), actor="school", tasks="Signaleert noden"
    ),
    "bridge.LearningEntry": lambda: LearningEntry.objects.create(
        collaboration=factories.CollaborationFactory(), author_side="welfare", what_happened="Overleg", learned="Veel"
    ),
    "bridge.Barrier": lambda: Barrier.objects.create(
        municipality=factories.municipality(), kind="transport", note="Geen bus na 17 uur"
    ),
    "bridge.CLBSchool": lambda: factories.CLBSchoolFactory(),
    "bridge.BridgeFigure": lambda: factories.BridgeFigureFactory(),
    "bridge.MatchRequest": lambda: factories.MatchRequestFactory(),
    "bridge.Collaboration": lambda: factories.CollaborationFactory(),
}


GROWABLE = [model for model in MODELS if model not in REFERENCE_DATA]


def make(model):
    """One object of `model`, made with the factories (reference data is already loaded)."""
    return MAKERS[model._meta.label]()


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_this_module_can_make_an_object_of_every_model_of_the_five_apps():
    assert {m._meta.label for m in MODELS} == set(MAKERS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_registered_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_changelist_of_every_model_opens_for_a_superuser(admin_client, model):
    make(model)
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_change_page_of_every_model_opens_for_a_superuser(admin_client, model):
    obj = make(model)
    response = admin_client.get(url(model, "change", obj.pk))
    assert response.status_code == 200


NOT_ADDED_BY_STAFF = READ_ONLY | {ApiToken}  # owners make their tokens themselves


@pytest.mark.parametrize("model", [m for m in MODELS if m not in NOT_ADDED_BY_STAFF], ids=lambda m: m._meta.label)
def test_the_add_page_opens_for_models_that_can_be_added(admin_client, model):
    response = admin_client.get(url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", sorted(READ_ONLY, key=lambda m: m._meta.label), ids=lambda m: m._meta.label)
def test_reference_data_memberships_and_the_audit_log_are_read_only(admin_client, superuser, model):
    obj = make(model)
    model_admin = admin.site.get_model_admin(model)
    request = admin_client.get(url(model, "changelist")).wsgi_request
    request.user = superuser
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def _grow(model, rows):
    while model.objects.count() < rows:
        make(model)


@pytest.mark.parametrize("model", GROWABLE, ids=lambda m: m._meta.label)
def test_a_changelist_runs_no_more_queries_for_30_rows_than_for_3(admin_client, django_assert_max_num_queries, model):
    """Offer and School above all: no query per row (list_select_related, annotations)."""
    path = url(model, "changelist")
    _grow(model, 3)
    admin_client.get(path)  # warm the caches (content types, session)
    few, count = _count_queries(admin_client, path)
    assert count == 3
    _grow(model, 30)
    with django_assert_max_num_queries(few):
        response = admin_client.get(path)
    assert response.context["cl"].result_count == 30


def test_someone_without_staff_status_is_sent_to_the_admin_login(client):
    client.force_login(factories.UserFactory(is_staff=False))
    for path in (reverse("admin:index"), url(Offer, "changelist")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(url(Organisation, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_is_added_by_e_mail_address_without_a_username(admin_client):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "Nieuwe.Collega@Voorbeeld.test",
            "full_name": "Nieuwe Collega",
            "usable_password": "true",
            "password1": "a-long-and-unusual-pass-77",
            "password2": "a-long-and-unusual-pass-77",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nieuwe.collega@voorbeeld.test")
    assert user.check_password("a-long-and-unusual-pass-77")
    assert not user.is_staff


def test_the_admin_refuses_a_second_user_with_the_same_address_in_other_capitals(admin_client):
    factories.UserFactory(email="bestaand@voorbeeld.test")
    response = admin_client.post(url(User, "add"), {"email": "Bestaand@Voorbeeld.test", "usable_password": "false"})
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="bestaand@voorbeeld.test").count() == 1


def test_municipalities_are_found_by_name_or_nis_code_in_autocomplete(admin_client):
    params = {"app_label": "schools", "model_name": "school", "field_name": "municipality"}
    by_name = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "Sint-Nik"}).json()
    assert "Sint-Niklaas" in [r["text"] for r in by_name["results"]]
    by_code = admin_client.get(reverse("admin:autocomplete"), {**params, "term": "46021"}).json()
    assert [r["text"] for r in by_code["results"]] == ["Sint-Niklaas"]


def test_the_organisation_admin_stores_a_kbo_number_written_with_dots_as_ten_digits(admin_client):
    data = {
        "name": "CAW Waasland",
        "kind": OrganisationKind.objects.get(slug="caw").pk,
        "kbo_number": "BE 0403.170.701",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url(Organisation, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.get(name="CAW Waasland").kbo_number == "0403170701"

    response = admin_client.post(url(Organisation, "add"), {**data, "name": "Fout", "kbo_number": "0403.170.702"})
    assert response.status_code == 200
    assert "kbo_number" in response.context["adminform"].form.errors


def test_schools_can_be_filtered_on_where_their_verification_stands(admin_client):
    verified = factories.SchoolFactory(name="Geverifieerd")
    awaiting = factories.SchoolFactory(name="Wacht", verified_at=None)
    declined = factories.SchoolFactory(name="Geweigerd", verified_at=None, declined_at=timezone.now())
    for value, school in (("verified", verified), ("awaiting", awaiting), ("declined", declined)):
        response = admin_client.get(url(School, "changelist"), {"verification": value})
        assert list(response.context["cl"].result_list) == [school]


def test_a_user_s_password_is_set_on_its_own_admin_page(admin_client):
    user = factories.UserFactory()
    path = reverse("admin:auth_user_password_change", args=[user.pk])
    assert admin_client.get(path).status_code == 200
    response = admin_client.post(
        path, {"usable_password": "true", "password1": "another-long-pass-42", "password2": "another-long-pass-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-pass-42")


def test_an_audit_event_links_to_the_changed_object_in_the_admin(admin_client):
    organisation = factories.OrganisationFactory(name="CAW Waasland")
    event = audit.record(actor=factories.UserFactory(), action="update", obj=organisation, changes={"name": ["a", "b"]})
    response = admin_client.get(url(AuditEvent, "change", event.pk))
    assert url(Organisation, "change", organisation.pk) in response.content.decode()


def test_staff_can_revoke_but_never_add_an_api_token(admin_client):
    token = MAKERS["portal.ApiToken"]()
    assert admin_client.get(url(ApiToken, "add")).status_code == 403
    response = admin_client.get(url(ApiToken, "change", token.pk))
    assert response.status_code == 200
    assert token.key_hash not in response.content.decode()
