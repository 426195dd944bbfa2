from django.db import migrations


class Migration(migrations.Migration):
    """Control measures and the property report were added side by side (issue 15)."""

    dependencies = [
        ("assets", "0002_controlmeasure"),
        ("assets", "0002_property_report_leads_reinquiry"),
    ]

    operations = []
