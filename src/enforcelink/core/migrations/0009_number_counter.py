"""One numbering service (issue 13 §4): the 案号 and document counters move into core's NumberCounter.

The case counters become kind "case:<type code>", the document counters "document:<kind>". cases 0007
and documents 0007 then drop their old tables; undone, the rows are copied back.
"""

from django.db import migrations, models

CASE_PREFIX = "case:"
DOCUMENT_PREFIX = "document:"


def copy_in(apps, schema_editor):
    NumberCounter = apps.get_model("core", "NumberCounter")
    rows = [
        NumberCounter(court_id=c.court_id, kind=CASE_PREFIX + c.type_code, year=c.year, last=c.last)
        for c in apps.get_model("cases", "CaseNumberCounter").objects.all()
    ]
    rows += [
        NumberCounter(court_id=c.court_id, kind=DOCUMENT_PREFIX + c.kind, year=c.year, last=c.last)
        for c in apps.get_model("documents", "DocumentNumberCounter").objects.all()
    ]
    NumberCounter.objects.bulk_create(rows, batch_size=1000)


def copy_back(apps, schema_editor):
    CaseNumberCounter = apps.get_model("cases", "CaseNumberCounter")
    DocumentNumberCounter = apps.get_model("documents", "DocumentNumberCounter")
    cases, documents = [], []
    for row in apps.get_model("core", "NumberCounter").objects.all():
        if row.kind.startswith(CASE_PREFIX):
            cases.append(
                CaseNumberCounter(
                    court_id=row.court_id,
                    type_code=row.kind.removeprefix(CASE_PREFIX),
                    year=row.year,
                    last=row.last,
                )
            )
        elif row.kind.startswith(DOCUMENT_PREFIX):
            documents.append(
                DocumentNumberCounter(
                    court_id=row.court_id,
                    kind=row.kind.removeprefix(DOCUMENT_PREFIX),
                    year=row.year,
                    last=row.last,
                )
            )
    CaseNumberCounter.objects.bulk_create(cases, batch_size=1000)
    DocumentNumberCounter.objects.bulk_create(documents, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_audit_chains_keys"),
        ("cases", "0006_duplicate_lookup_index"),
        ("documents", "0006_enforcement_ruling_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("court_id", models.BigIntegerField()),
                ("kind", models.CharField(max_length=64)),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("court_id", "kind", "year"), name="number_counter_unique")
                ],
            },
        ),
        migrations.RunPython(copy_in, copy_back, elidable=False),
    ]
