"""`field__among=[…]`: `field IN (…)` for a long list of values, sent on PostgreSQL as one array
parameter (`field = ANY(%s)`) instead of one placeholder per value.

psycopg's client-side cursor parses the query text for its placeholders in Python: a statement
import's lookups of 2,000 references or case ids a part spent more time there (`_split_query`) than
in the database. One array parameter is adapted by psycopg's C code. Elsewhere (SQLite) it is `IN`.
Registered on every field by `core.apps.CoreConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


def register() -> None:
    Field.register_lookup(Among)
    ForeignObject.register_lookup(Among)  # `case_id__among`: a key's values, as given
