"""Writing many rows of one model with different values per row, in one round of statements.

Django's `bulk_update` builds one CASE WHEN per field and row, which costs more to compile than the
update itself for a few hundred rows; `update_rows` sends one parameterised UPDATE per row through
`executemany` (psycopg 3 pipelines them; SQLite runs them in a loop inside the transaction).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Save `fields` of every object (all of one model, already saved) by primary key."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
