"""``<integer field>__in`` with values beyond the column's range matches nothing instead of failing.

Django (5.x) already turns ``pk=<30 digits>`` into "no rows" (``IntegerFieldExact``), but not
``pk__in=[<30 digits>]``: SQLite raises OverflowError ("Python int too large to convert to SQLite
INTEGER") and PostgreSQL may answer "bigint out of range". Every ``ModelMultipleChoiceField`` on a
page runs such a query with whatever the browser sent (``?members=999…``), so one lookup here keeps
them all from answering 500: out-of-range values are dropped (they cannot match a row). Registered by
``core.apps.CoreConfig.ready``.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except (KeyError, AttributeError):
                low = high = None
            self.rhs = [v for v in self.rhs if not (
                isinstance(v, int) and ((low is not None and v < low) or (high is not None and v > high)))]
        return super().process_rhs(compiler, connection)
