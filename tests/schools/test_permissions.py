import pytest

from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, matrix_params


def profile_data(world) -> dict:
    return {
        "name": "Basisschool Proefstad (vernieuwd)",
        "levels": ["kleuter", "lager"],
        "network": "GO",
        "street": "Schoolstraat 2",
        "postal_code": "9100",
        "municipality": factories.municipality().pk,
        "latitude": "51.1656",
        "longitude": "4.1437",
        "website": "https://proefstad.school.test",
        "contact_email": "info@proefstad.school.test",
        "phone": "03 776 12 34",
        "institution_number": world.school.institution_number,
    }


MATRIX = [
    Case(
        "schools:detail",
        kwargs=lambda w: {"pk": w.school.pk},
        owner="school",
        get={"anonymous": LOGIN, "outsider": 404, "pending": 200, "member": 200, "admin": 200, "moderator": 200},
    ),
    Case(
        "schools:edit",
        kwargs=lambda w: {"pk": w.school.pk},
        owner="school",
        get={"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 403, "admin": 200, "moderator": 200},
        post={"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 403, "admin": 302, "moderator": 302},
        data=profile_data,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
