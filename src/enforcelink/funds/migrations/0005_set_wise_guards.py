"""PostgreSQL's ledger guards checked per statement and per transaction instead of per leg (the same
rules; a statement import spent most of its database time in the per-leg triggers). See
`funds/guards.py`, `POSTGRESQL_SETS`. SQLite keeps its triggers."""

from django.db import migrations

from enforcelink.funds import guards


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_alter_journal_kind_statementimport_payout_and_more")]

    operations = [migrations.RunPython(guards.create_sets, guards.drop_sets)]
