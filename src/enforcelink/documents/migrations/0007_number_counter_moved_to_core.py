"""The document number counters live in core.NumberCounter now (core 0009 copied them): drop the old
table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_enforcement_ruling_kind"),
        ("core", "0009_number_counter"),
    ]

    operations = [
        migrations.DeleteModel(name="DocumentNumberCounter"),
    ]
