"""The database itself refuses bad people, places and memberships (portal app).

Rows are written with `objects.create()`, `bulk_create()` or `.update()`, which skip model
validation, so what is tested is the constraint in the database, on SQLite and PostgreSQL alike.
"""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.db import DataError, IntegrityError, models, transaction

from portal.models import ApiToken, Language, Membership, Municipality, PostalCode, User
from tests import factories

pytestmark = pytest.mark.django_db

APP_LABELS = ("portal", "schools", "welfare", "families", "bridge")


@contextmanager
def refused(*expected: str):
    """The database refuses what happens in the block, and the error names the constraint.

    PostgreSQL names every violated constraint; SQLite names a CHECK constraint but reports a
    UNIQUE violation by its columns ("UNIQUE constraint failed: portal_membership.user_id"), so
    pass the constraint name and the `table.column` SQLite reports for it.
    """
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    message = str(excinfo.value)
    assert any(text in message for text in expected), f"{message!r} names none of {expected}"


@contextmanager
def refused_as_too_long():
    """A value longer than its column: PostgreSQL refuses it for the varchar length (DataError),
    SQLite, which has no lengths, through the format CHECK (IntegrityError). Refused on both."""
    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        yield


# --- every constraint has a test ---------------------------------------------------------------


def _constraint_names() -> set[str]:
    return {
        constraint.name
        for label in APP_LABELS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
    }


def test_every_check_and_unique_constraint_of_the_five_apps_has_a_test_in_its_app():
    here = Path(__file__).resolve().parent.parent
    tested = "\n".join((here / label / "test_models.py").read_text() for label in APP_LABELS)
    untested = {name for name in _constraint_names() if not re.search(rf'"{re.escape(name)}"', tested)}
    assert not untested, f"constraints without a test: {sorted(untested)}"


# --- users -------------------------------------------------------------------------------------


def test_two_users_cannot_share_an_e_mail_address():
    User.objects.create(email="een@voorbeeld.test")
    with refused("email"):
        User.objects.create(email="een@voorbeeld.test")


def test_a_user_s_e_mail_address_is_stored_in_lower_case():
    user = User.objects.create_user("Mixed.Case@Voorbeeld.TEST", "a-long-password-1")
    assert user.email == "mixed.case@voorbeeld.test"
    with refused("email"):
        User.objects.create(email="MIXED.case@voorbeeld.test")


# --- municipalities, postal codes, languages ---------------------------------------------------


def _municipality(**fields) -> dict:
    return {"nis_code": "99991", "name_nl": "Proefdorp", "name_fr": "Village", "region": "flanders", **fields}


def test_a_municipality_has_a_five_digit_nis_code():
    Municipality.objects.create(**_municipality(nis_code="99991"))
    for bad in ("9999", "9999a", "a9999", ""):
        with refused("municipality_nis_code_5_digits"):
            Municipality.objects.create(**_municipality(nis_code=bad))
    with refused_as_too_long():
        Municipality.objects.create(**_municipality(nis_code="999912"))


def test_two_municipalities_cannot_share_a_nis_code():
    with refused("nis_code"):
        Municipality.objects.create(**_municipality(nis_code="46021"))


def test_a_municipality_has_coordinates_in_range_or_none():
    Municipality.objects.create(**_municipality(nis_code="99991"))
    Municipality.objects.create(**_municipality(nis_code="99992", latitude=51.16, longitude=4.14))
    Municipality.objects.create(**_municipality(nis_code="99993", latitude=-90, longitude=180))
    for nis, lat, lon in (("99994", 90.1, 4), ("99995", -90.1, 4), ("99996", 51, -180.5), ("99997", 51, 180.5)):
        with refused("municipality_coordinates_valid"):
            Municipality.objects.create(**_municipality(nis_code=nis, latitude=lat, longitude=lon))


@pytest.mark.parametrize("lat, lon", [(51.1, None), (None, 4.1)])
def test_a_municipality_cannot_have_only_one_coordinate(lat, lon):
    with refused("municipality_coordinates_valid"):
        Municipality.objects.create(**_municipality(nis_code="99998", latitude=lat, longitude=lon))


def test_a_postal_code_has_four_digits_and_does_not_start_with_zero():
    sint_niklaas = factories.municipality()
    PostalCode.objects.create(code="9999", municipality=sint_niklaas)
    for bad in ("0100", "910", "91a0", ""):
        with refused("postal_code_4_digits"):
            PostalCode.objects.create(code=bad, municipality=sint_niklaas)
    with refused_as_too_long():
        PostalCode.objects.create(code="91000", municipality=sint_niklaas)


def test_a_postal_code_is_linked_to_a_municipality_only_once():
    sint_niklaas = factories.municipality()
    assert PostalCode.objects.filter(code="9100", municipality=sint_niklaas).exists()
    with refused("postal_code_unique_per_municipality", "portal_postalcode.code"):
        PostalCode.objects.create(code="9100", municipality=sint_niklaas)
    PostalCode.objects.create(code="9100", municipality=factories.municipality("46030"))  # another one is fine


def test_a_language_has_a_two_letter_lower_case_iso_code():
    Language.objects.create(code="xx", name_nl="Proeftaal", name_en="Test language")
    for bad in ("XX", "x1", "x", ""):
        with refused("language_code_iso_639_1"):
            Language.objects.create(code=bad, name_nl="Fout", name_en="Wrong")
    with refused("code"):
        Language.objects.create(code="nl", name_nl="Nederlands", name_en="Dutch")


# --- memberships -------------------------------------------------------------------------------


@pytest.fixture
def places(db):
    return {
        "school": factories.SchoolFactory(),
        "organisation": factories.OrganisationFactory(),
        "clb": factories.CLBFactory(),
        "municipality": factories.municipality(),
    }


@pytest.mark.parametrize("kind", ["school", "organisation", "clb", "municipality"])
def test_a_membership_in_exactly_one_place_is_accepted(places, kind):
    membership = Membership.objects.create(user=factories.UserFactory(), **{kind: places[kind]})
    assert membership.kind == kind
    assert membership.entity == places[kind]


def test_a_membership_without_a_place_is_refused():
    with refused("membership_exactly_one_entity"):
        Membership.objects.create(user=factories.UserFactory())


@pytest.mark.parametrize(
    "pair", [("school", "organisation"), ("school", "clb"), ("organisation", "municipality"), ("clb", "municipality")]
)
def test_a_membership_in_two_places_is_refused(places, pair):
    with refused("membership_exactly_one_entity"):
        Membership.objects.create(user=factories.UserFactory(), **{kind: places[kind] for kind in pair})


def test_a_membership_cannot_be_moved_to_a_second_place_later(places):
    membership = Membership.objects.create(user=factories.UserFactory(), school=places["school"])
    with refused("membership_exactly_one_entity"):
        Membership.objects.filter(pk=membership.pk).update(clb=places["clb"])
    with refused("membership_exactly_one_entity"):
        Membership.objects.filter(pk=membership.pk).update(school=None)


@pytest.mark.parametrize(
    "first, second",
    [("pending", "pending"), ("pending", "approved"), ("approved", "pending"), ("approved", "approved")],
)
def test_a_user_has_one_live_membership_at_a_time(places, first, second):
    user = factories.UserFactory()
    Membership.objects.create(user=user, school=places["school"], status=first)
    with refused("membership_one_live_per_user", "portal_membership.user_id"):
        Membership.objects.create(user=user, organisation=places["organisation"], status=second)


def test_a_declined_membership_does_not_block_a_new_request(places):
    user = factories.UserFactory()
    Membership.objects.create(user=user, school=places["school"], status="declined")
    Membership.objects.create(user=user, clb=places["clb"], status="declined")
    Membership.objects.create(user=user, organisation=places["organisation"], status="pending")
    assert Membership.objects.filter(user=user).live().count() == 1


def test_a_declined_membership_cannot_come_back_to_life_next_to_a_live_one(places):
    user = factories.UserFactory()
    declined = Membership.objects.create(user=user, school=places["school"], status="declined")
    Membership.objects.create(user=user, clb=places["clb"], status="approved")
    with refused("membership_one_live_per_user", "portal_membership.user_id"):
        Membership.objects.filter(pk=declined.pk).update(status="pending")


def test_a_membership_role_is_member_or_admin(places):
    Membership.objects.create(user=factories.UserFactory(), school=places["school"], role="admin")
    with refused("membership_role_valid"):
        Membership.objects.create(user=factories.UserFactory(), school=places["school"], role="owner")


def test_a_membership_status_is_pending_approved_or_declined(places):
    Membership.objects.create(user=factories.UserFactory(), school=places["school"], status="approved")
    with refused("membership_status_valid"):
        Membership.objects.create(user=factories.UserFactory(), school=places["school"], status="maybe")


def test_bulk_created_memberships_meet_the_same_constraints(places):
    users = [factories.UserFactory() for _ in range(2)]
    with refused("membership_exactly_one_entity"):
        Membership.objects.bulk_create([Membership(user=users[0]), Membership(user=users[1], clb=places["clb"])])
    assert not Membership.objects.filter(user__in=users).exists()


def test_an_api_token_has_a_name_and_a_unique_hash():
    user = factories.UserFactory()
    ApiToken.objects.create(user=user, name="Koppeling", prefix="bw_1", key_hash="a" * 64)
    with refused("apitoken_name_not_empty"):
        ApiToken.objects.create(user=user, name="", prefix="bw_2", key_hash="b" * 64)
    with refused("key_hash"):
        ApiToken.objects.create(user=user, name="Tweede", prefix="bw_3", key_hash="a" * 64)
