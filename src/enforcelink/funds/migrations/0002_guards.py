"""The ledger's database guards (R-FUND-03): append-only journals and entries, balanced journals,
balances kept by a trigger. See `funds/guards.py` for each rule on PostgreSQL and SQLite."""

from django.db import migrations

from enforcelink.funds import guards


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(guards.create, guards.drop)]
