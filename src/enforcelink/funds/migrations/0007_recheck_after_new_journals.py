"""PostgreSQL's deferred ledger check forgets the range of journals it checked whenever journals are
inserted, so a journal added after a mid-transaction check (SET CONSTRAINTS ALL IMMEDIATE) inside
that range is checked at COMMIT like any other (R-FUND-03). See `funds/guards.py`,
`POSTGRESQL_RECHECK`. SQLite's triggers are per leg and unchanged."""

from django.db import migrations

from enforcelink.funds import guards


class Migration(migrations.Migration):
    dependencies = [("funds", "0006_fewer_ledger_indexes")]

    operations = [migrations.RunPython(guards.create_recheck, guards.drop_recheck)]
