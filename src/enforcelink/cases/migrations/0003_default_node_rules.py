"""Ship the default statutory-clock rules (R-CASE-01..04); courts override them per court."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    from enforcelink.cases.policy import DEFAULT_NODE_RULES

    NodeRule = apps.get_model("cases", "NodeRule")
    for kind, rule_id, amount, unit, urgent, non_litigation, money_only in DEFAULT_NODE_RULES:
        NodeRule.objects.update_or_create(
            court=None,
            kind=kind,
            defaults={
                "rule_id": rule_id,
                "amount": amount,
                "unit": unit,
                "urgent_amount": urgent,
                "non_litigation_amount": non_litigation,
                "money_cases_only": money_only,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
