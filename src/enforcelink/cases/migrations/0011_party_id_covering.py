"""A search by the start or the end of an ID number reads the matching parties' case ids from the
index alone (issue 14 §12): a ten-digit prefix matched 30,489 parties at 1,000,000 cases and reading
their rows from the table for the case ids cost 120–200 ms.

PostgreSQL only, like 0009: `(id_number, case_id)` for the start, and the reversed number's index
again with the number and the case id included (the planner answers from an expression index alone
only when the columns under the expression are in it too).
"""

from django.db import migrations

INDEXES = {
    "party_id_number_case": "cases_party (id_number varchar_pattern_ops, case_id)",
    "party_id_number_reversed": "cases_party (reverse(id_number) text_pattern_ops) INCLUDE (id_number, case_id)",
}
BEFORE = {"party_id_number_reversed": "cases_party (reverse(id_number) text_pattern_ops)"}


def _create(schema_editor, indexes):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in indexes.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {target}")


def forwards(apps, schema_editor):
    _create(schema_editor, INDEXES)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS party_id_number_case")
    _create(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_list_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
