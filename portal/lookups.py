"""Lookups on id columns.

`Ids`: a list of ids the code collected itself, without Django's value-by-value preparation.

`IntegerFieldIn`: `in` on integer columns leaves out numbers the column cannot hold. Django
already turns an out-of-range `exact`/`gt`/`lt` on an IntegerField into "no rows", but not `in`:
ModelMultipleChoiceField checks posted ids with `pk__in`, and on SQLite an id beyond 64 bits
raises OverflowError (a 500) instead of "select a valid choice". Registered in PortalConfig.ready().
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In, Lookup


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)


class Ids(Lookup):
    """`column IN (ids)` for ids the code collected itself (integers from an earlier query).

    Django prepares each value of an `__in` list through the field, a few function calls per id:
    for the hundreds of ids of a city's map or gap report, milliseconds a query. These go in as
    they are: one array parameter on PostgreSQL (`= ANY(%s)`), a plain IN list elsewhere. No id,
    no row. Use it as a filter: `queryset.filter(Ids(F("collaboration_id"), ids))`.
    """

    lookup_name = "ids"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        super().__init__(lhs, [int(value) for value in rhs])

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as for `__in=[]`: Django answers without asking the database
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
