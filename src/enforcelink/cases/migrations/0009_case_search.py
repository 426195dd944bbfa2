"""Search as officers type it (issue 14 §5, §12).

- `Case.number_key`: the 案号 without its brackets, kept by the database (a stored generated
  column), so every written form of a case number compares with one value.
- `case_number_parts`: a 案号 typed in parts ("2026执133", "渝0110执133号") finds its sequence number.
- PostgreSQL only, created here and not declared on the models (SQLite has neither `pg_trgm` nor
  operator classes; it searches the same way with LIKE scans and finds the same cases):
  GIN trigram indexes (`pg_trgm`) for a fragment of a 案号 key and of a party's name (its characters
  doubled, so that two of them make a trigram), and a B-tree over the reversed ID number for its
  last digits. Where the extension cannot be created (no
  privilege, or the contrib package is missing) the trigram indexes are left out with a warning:
  search still answers, by scanning.
"""

import logging

from django.db import DatabaseError, migrations, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Replace

logger = logging.getLogger(__name__)

# A key typed from its year on ("2026渝0110执133") is the start of the stored one: a B-tree.
KEY_PREFIX = "cases_case (number_key varchar_pattern_ops)"
TRIGRAM_INDEXES = {
    "case_number_key_trgm": "cases_case USING gin (number_key gin_trgm_ops)",
    # Each character of the upper-cased name written twice (东方 → 东东方方), so that a pair of
    # characters, the usual part of a Chinese name, is a trigram (cases.search.parties_named).
    "party_name_pairs_trgm": r"cases_party USING gin (regexp_replace(upper(name), '(.)', '\1\1', 'g') gin_trgm_ops)",
}
# The end of an ID number ("尾号3224") is the start of the reversed one, which a B-tree serves.
REVERSED_ID = "cases_party (reverse(id_number) text_pattern_ops)"


def _trigrams_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
    try:
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning(
            "pg_trgm could not be created (%s): case search works without its trigram indexes, "
            "scanning instead; run CREATE EXTENSION pg_trgm as a superuser, then migrate cases back to "
            "0008 and forward again to add them.",
            str(error).strip(),
        )
        return False
    return True


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX party_id_number_reversed ON {REVERSED_ID}")
    schema_editor.execute(f"CREATE INDEX case_number_key_prefix ON {KEY_PREFIX}")
    if _trigrams_available(schema_editor):
        for name, target in TRIGRAM_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {target}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ["party_id_number_reversed", "case_number_key_prefix", *TRIGRAM_INDEXES]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def _without(field, characters):
    expression = F(field)
    for character in characters:
        expression = Replace(expression, Value(character), Value(""))
    return expression


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_admin_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="number_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=_without("number", "（）()"),
                output_field=models.CharField(max_length=64),
                verbose_name="case number search key",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["sequence", "type_code", "year"], name="case_number_parts"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
