"""Two indexes the ledger wrote with every row and never needed: `entry.account_id` alone (the
`entry_account` index leads with it) and `journal.case_id` alone (`journal_case_newest` leads with
it). A statement of 100,000 lines writes 300,000 index entries less.

Dropped by name rather than by AlterField: on SQLite an AlterField rebuilds the table, and the
table's guard triggers (funds 0002) would be lost with it."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("funds_entry_account_id_6a303a8c", "funds_entry", "account_id"),
    ("funds_journal_case_id_a6659d94", "funds_journal", "case_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_performance_due_on"),
        ("funds", "0005_set_wise_guards"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}", f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})"
                )
                for name, table, column in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="funds.ledgeraccount",
                        verbose_name="account",
                    ),
                ),
                migrations.AlterField(
                    model_name="journal",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="journals",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
            ],
        )
    ]
