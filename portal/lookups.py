"""`in` on integer columns leaves out numbers the column cannot hold.

Django already turns an out-of-range `exact`/`gt`/`lt` on an IntegerField into "no rows", but not
`in`: ModelMultipleChoiceField checks posted ids with `pk__in`, and on SQLite an id beyond 64 bits
raises OverflowError (a 500) instead of "select a valid choice". Registered in PortalConfig.ready().
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


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
