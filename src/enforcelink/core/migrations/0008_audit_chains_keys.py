"""Per-court audit chains (issue 13 §5), step 3 of 3: one head per chain, one event per place in a
chain. Separate from 0007 so PostgreSQL builds the indexes after the rows are rewritten."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_chains_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="audithead",
            name="chain",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="core_auditevent_chain_seq"),
        ),
    ]
