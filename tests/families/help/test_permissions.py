import pytest

from tests.permissions import Case, build_world, check_case, everyone, matrix_params

# The family help page is public and read-only: everyone may look, nobody can post.
MATRIX = [
    Case("help:index", owner=None, get=everyone(200), post=None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
