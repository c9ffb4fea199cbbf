import pytest

from tests.permissions import Case, build_world, check_case, everyone, matrix_params

MATRIX = [
    Case("home", owner=None, get=everyone(200)),
    Case("healthz", owner=None, get=everyone(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
