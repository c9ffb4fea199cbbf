import pytest

from tests import factories
from tests.permissions import LOGIN, Case, build_world, check_case, matrix_params

READ = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 200, "admin": 200, "moderator": 200}
WRITE = {"anonymous": LOGIN, "outsider": 404, "pending": 403, "member": 302, "admin": 302, "moderator": 302}


def need_data(world) -> dict:
    return {
        "title": "Ondersteuning bij schoolkosten",
        "life_domains": [factories.life_domain("inkomen").pk, factories.life_domain("leren").pk],
        "age_min": "6",
        "age_max": "12",
        "family_count": "4",
        "home_languages": [factories.language("nl").pk],
        "urgency": "high",
        "preferences": ["free", "at_school"],
        "description": "Enkele gezinnen kunnen de schoolfacturen niet betalen.",
    }


def addressed_need(world) -> dict:
    return {"pk": factories.FamilyNeedFactory(school=world.school, status="addressed").pk}


MATRIX = [
    Case("families:school_needs", kwargs=lambda w: {"school_pk": w.school.pk}, owner="school", get=READ),
    Case(
        "families:school_needs",
        kwargs=lambda w: {"school_pk": w.school.pk},
        owner="school",
        get=READ,
        htmx=True,
    ),
    Case(
        "families:need_create",
        kwargs=lambda w: {"school_pk": w.school.pk},
        owner="school",
        get=READ,
        post=WRITE,
        data=need_data,
    ),
    Case("families:need_detail", kwargs=lambda w: {"pk": w.need.pk}, owner="school", get=READ),
    Case(
        "families:need_edit",
        kwargs=lambda w: {"pk": w.need.pk},
        owner="school",
        get=READ,
        post=WRITE,
        data=need_data,
    ),
    Case("families:need_mark_addressed", kwargs=lambda w: {"pk": w.need.pk}, owner="school", post=WRITE),
    Case("families:need_withdraw", kwargs=lambda w: {"pk": w.need.pk}, owner="school", get=READ, post=WRITE),
    Case("families:need_reopen", kwargs=addressed_need, owner="school", post=WRITE),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())
