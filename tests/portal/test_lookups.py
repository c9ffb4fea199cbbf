"""`Ids` selects the rows of a list of ids as `__in` does, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.db.models import F, Q

from bridge.models import Collaboration
from portal.lookups import Ids
from schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    return [factories.SchoolFactory() for _ in range(5)]


def pks(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


@pytest.mark.parametrize("chosen", [[0], [0, 2, 4], [4, 0, 0, 2], [1, 2, 3, 4, 0]])
def test_it_selects_what_in_selects(schools, chosen):
    ids = [schools[i].pk for i in chosen]
    assert pks(School.objects.filter(Ids(F("pk"), ids))) == pks(School.objects.filter(pk__in=ids))
    assert pks(School.objects.exclude(Ids(F("pk"), ids))) == pks(School.objects.exclude(pk__in=ids))


def test_ids_of_any_iterable_and_type(schools):
    wanted = {schools[1].pk, schools[3].pk}
    assert pks(School.objects.filter(Ids(F("pk"), wanted))) == sorted(wanted)
    assert pks(School.objects.filter(Ids(F("pk"), (str(pk) for pk in wanted)))) == sorted(wanted)


def test_no_ids_select_no_rows_without_asking_the_database(schools, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(School.objects.filter(Ids(F("pk"), []))) == []
    assert pks(School.objects.filter(Ids(F("pk"), []))) == []
    assert pks(School.objects.filter(Q(Ids(F("pk"), [])) | Q(pk=schools[2].pk))) == [schools[2].pk]
    assert pks(School.objects.exclude(Ids(F("pk"), []))) == pks(School.objects.all())


def test_ids_of_a_foreign_key(schools):
    collaboration = factories.CollaborationFactory(school=schools[0])
    factories.CollaborationFactory(school=schools[1])
    found = Collaboration.objects.filter(Ids(F("school_id"), [schools[0].pk, schools[3].pk]))
    assert pks(found) == [collaboration.pk]


def test_postgresql_gets_one_array_parameter(schools):
    sql, params = School.objects.filter(Ids(F("pk"), [s.pk for s in schools])).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql and [s.pk for s in schools] in params
    else:
        assert sql.count("%s") == len(schools)
