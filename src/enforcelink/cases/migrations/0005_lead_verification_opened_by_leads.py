"""R-CASE-04: the lead-verification clock starts when the applicant gives a lead, not on filing."""

from django.db import migrations


def opened_by_leads(apps, schema_editor):
    NodeRule = apps.get_model("cases", "NodeRule")
    NodeRule.objects.filter(kind="lead_verification").update(on_filing=False)
    # Clocks opened on filing before this change have no lead to verify: they end, they are not overdue.
    ProcessNode = apps.get_model("cases", "ProcessNode")
    ProcessNode.objects.filter(
        kind="lead_verification", lead__isnull=True, status__in=["open", "overdue"]
    ).update(status="moot")


def opened_on_filing(apps, schema_editor):
    NodeRule = apps.get_model("cases", "NodeRule")
    NodeRule.objects.filter(kind="lead_verification").update(on_filing=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_lifecycle_leads_suspensions_extensions")]

    operations = [migrations.RunPython(opened_by_leads, opened_on_filing)]
