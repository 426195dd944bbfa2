"""Every index is written on every insert (and on every update that is not HOT): an index whose
columns lead another index is never needed for a lookup, only for writing."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# Tables written once per assistance request, several times over in a fan-out of thousands.
HOT_TABLES = [
    "linkage_assistancerequest", "linkage_requestevent", "linkage_replyreceipt", "linkage_delivery",
    "documents_document", "core_auditevent",
]  # fmt: skip


def _indexes(table: str) -> dict[str, tuple[list[str], bool, str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: (info["columns"], bool(info["unique"] or info["primary_key"]), info.get("definition") or "")
        for name, info in found.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }


def _covered(table: str) -> list[str]:
    indexes = _indexes(table)
    redundant = []
    for name, (columns, unique, _definition) in indexes.items():
        if unique or not columns:
            continue
        for other, (other_columns, _unique, _def) in indexes.items():
            if (
                other != name
                and len(other_columns) > len(columns)
                and other_columns[: len(columns)] == columns
            ):
                redundant.append(f"{table}.{name} {columns} leads {other} {other_columns}")
    return redundant


def test_no_index_on_the_request_path_is_led_by_another():
    assert [line for table in HOT_TABLES for line in _covered(table)] == []


def test_no_like_index_beside_unique_or_indexed_text_columns_on_the_request_path():
    if connection.vendor != "postgresql":
        pytest.skip("varchar_pattern_ops indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [HOT_TABLES, "%pattern_ops%"],
        )
        assert cursor.fetchall() == []


def test_the_tables_exist():  # the lists above name real tables
    tables = {model._meta.db_table for model in apps.get_models()}
    assert set(HOT_TABLES) <= tables
