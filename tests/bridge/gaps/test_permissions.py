"""Permission matrix of the gap report: brokers, local governments and moderators only.

The world's personas are members of a school or a welfare organisation: neither may see the
report (403), whatever their role; only the moderator may. CLB staff, bridge figures and local
governments are covered in tests/bridge/test_gaps.py.
"""

import pytest

from tests.permissions import LOGIN, Case, build_world, check_case, matrix_params

READ = {"anonymous": LOGIN, "outsider": 403, "pending": 403, "member": 403, "admin": 403, "moderator": 200}

MATRIX = [
    Case("gaps:overview", owner=None, get=READ),
    Case("gaps:overview", owner="school", get=READ),
    Case("gaps:overview", owner=None, get=READ, htmx=True),
    Case("gaps:csv", owner=None, get=READ),
    Case("gaps:csv", owner="school", get=READ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
