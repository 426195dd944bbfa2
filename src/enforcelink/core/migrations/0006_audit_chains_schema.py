"""Per-court audit chains (issue 13 §5), step 1 of 3: a head row per chain (`chain`: the court's id,
0 for the platform). 0007 moves the events into their chains; 0008 makes `chain` unique once the old
single head is replaced."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_calendar_version_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.BigIntegerField(default=0),
        ),
    ]
