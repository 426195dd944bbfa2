"""Per-court audit chains (issue 13 §5), step 1 of 3: the chain columns, and `seq` no longer unique on
its own (it becomes the position in its chain). 0007 moves the events into their chains; 0008 adds the
unique keys once the data satisfies them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_calendar_version_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["chain", "seq"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
    ]
