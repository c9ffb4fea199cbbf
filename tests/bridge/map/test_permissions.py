"""The map's permission matrix: the map, its list and its GeoJSON are open to everyone (what
each visitor sees on them is tested in test_data and test_views); none of them accepts POST."""

import pytest

from tests.permissions import Case, build_world, check_case, everyone, matrix_params

MATRIX = [
    Case("map:index", owner=None, get=everyone(200)),
    Case("map:index", owner=None, htmx=True, get=everyone(200)),
    Case("map:list", owner=None, get=everyone(200)),
    Case("map:list", owner=None, htmx=True, get=everyone(200)),
    Case("map:data", owner=None, get=everyone(200)),
    Case("map:data", owner="school", get=everyone(200)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
