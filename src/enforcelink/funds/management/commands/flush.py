"""Django's `flush`, with the ledger unsealed for it: on SQLite Django empties each table with
DELETE, which the ledger's guards refuse row by row (`funds/guards.py`); PostgreSQL's TRUNCATE
fires no row trigger. Tests that commit (pytest-django `transaction=True`, the browser tests' live
server) end with a flush."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from enforcelink.funds import guards


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with guards.unsealed():
            super().handle(**options)
