"""The 案号 counters live in core.NumberCounter now (core 0009 copied them): drop the old table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_duplicate_lookup_index"),
        ("core", "0009_number_counter"),
    ]

    operations = [
        migrations.DeleteModel(name="CaseNumberCounter"),
    ]
