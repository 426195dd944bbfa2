"""Per-court audit chains (issue 13 §5), step 3 of 3: one head per chain."""

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
    ]
