"""Who may use the public directory (/aanbod/): the pages are public; the shortlist and
suggested corrections are for signed-in professionals with an approved place."""

import pytest

from tests.permissions import LOGIN, Case, build_world, check_case, everyone, matrix_params

PROFESSIONAL_GET = {"anonymous": LOGIN, "outsider": 200, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
PROFESSIONAL_POST = {"anonymous": LOGIN, "outsider": 302, "pending": 403, "member": 302, "admin": 302, "moderator": 302}

MATRIX = [
    Case("directory:list", get=everyone(200)),
    Case("directory:list", get=everyone(200), htmx=True),
    Case("directory:offer", kwargs=lambda w: {"pk": w.offer.pk}, get=everyone(200)),
    Case("directory:organisation", kwargs=lambda w: {"pk": w.organisation.pk}, get=everyone(200)),
    Case(
        "directory:suggest_correction",
        kwargs=lambda w: {"pk": w.offer.pk},
        post=PROFESSIONAL_POST,
        data=lambda w: {"message": "De openingsuren kloppen niet meer: op woensdag is het gesloten."},
    ),
    Case("directory:shortlist", get=PROFESSIONAL_GET),
    Case(
        "directory:shortlist_toggle",
        kwargs=lambda w: {"pk": w.offer.pk},
        post=PROFESSIONAL_POST,
        data=lambda w: {"action": "add"},
    ),
    Case("directory:shortlist_print", get=PROFESSIONAL_GET),
    Case(
        "directory:shortlist_send",
        post=PROFESSIONAL_POST,
        data=lambda w: {"email": "ouder@example.test", "offer": [w.offer.pk, w.other_offer.pk]},
    ),
    Case("directory:shortlist_clear", post=PROFESSIONAL_POST),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
