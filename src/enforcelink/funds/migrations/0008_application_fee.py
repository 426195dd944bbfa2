"""The application fee for enforcement (申请执行费) on the ledger (R-FUND-03, R-ASSET-03):

- the court's decisions on a case's fee (`FeeDecision`: waived, reduced, set otherwise, with the reason);
- a court account for the fees collected from cases' accounts (`fee_income`, credit) and the journal
  that moves them there (`fee_collected`): new choices only, so the two AlterFields change no table
  (state only: on SQLite an AlterField that did rebuild a ledger table would lose its guard triggers,
  as migration 0006 explains);
- the balance-side rule for the new account: PostgreSQL's CHECK `ledger_account_credit_side` names it,
  SQLite keeps its CHECK and adds two triggers (`funds/guards.py`, `create_fee_income_side`)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from enforcelink.funds import guards

JOURNAL_KINDS = [
    ("receipt_deduction", "Receipt: deduction confirmed by a bank"),
    ("receipt_voluntary", "Receipt: voluntary payment"),
    ("receipt_statement", "Receipt: custody account statement"),
    ("receipt_auction", "Receipt: auction proceeds"),
    ("opening", "Opening balance (imported history)"),
    ("reversal", "Reversal"),
    ("receipt_unidentified", "Receipt: unidentified money (不明款)"),
    ("identify", "Unidentified money assigned to the case"),
    ("unidentified_return", "Unidentified money returned to the payer"),
    ("payout", "Payout to the applicant"),
    ("return_to_debtor", "Surplus returned to the debtor"),
    ("lodge", "Lodged (提存)"),
    ("fee_collected", "Application fee collected by the court"),
]
ACCOUNT_KINDS = [
    ("custody", "Court custody account (执行款专户)"),
    ("case", "Case account"),
    ("unidentified", "Unidentified money (不明款)"),
    ("fee_income", "Application fees collected (申请执行费)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_performance_due_on"),
        ("funds", "0007_recheck_after_new_journals"),
        ("orgs", "0006_court_payout_president_above"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FeeDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=16,
                        null=True,
                        verbose_name="application fee decided (yuan)",
                    ),
                ),
                (
                    "scale",
                    models.DecimalField(
                        decimal_places=2, max_digits=16, verbose_name="application fee by the scale (yuan)"
                    ),
                ),
                ("reason", models.CharField(max_length=500, verbose_name="reason")),
                ("decided_label", models.CharField(max_length=150, verbose_name="decided by (label)")),
                ("decided_at", models.DateTimeField(auto_now_add=True, verbose_name="decided at")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fee_decisions",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
            ],
            options={
                "verbose_name": "application fee decision",
                "verbose_name_plural": "application fee decisions",
                "indexes": [models.Index(fields=["case", "-id"], name="fee_decision_case_newest")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__isnull", True), ("amount__gte", 0), _connector="OR"),
                        name="fee_decision_amount_not_negative",
                    )
                ],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journal",
                    name="kind",
                    field=models.CharField(choices=JOURNAL_KINDS, max_length=24, verbose_name="kind"),
                ),
                migrations.AlterField(
                    model_name="ledgeraccount",
                    name="kind",
                    field=models.CharField(choices=ACCOUNT_KINDS, max_length=16, verbose_name="kind"),
                ),
                migrations.RemoveConstraint(model_name="ledgeraccount", name="ledger_account_credit_side"),
                migrations.AddConstraint(
                    model_name="ledgeraccount",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind__in", ("case", "unidentified", "fee_income")), _negated=True),
                            ("balance__lte", 0),
                            _connector="OR",
                        ),
                        name="ledger_account_credit_side",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(guards.create_fee_income_side, guards.drop_fee_income_side),
            ],
        ),
    ]
