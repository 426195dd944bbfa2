"""The rules the UI cites, by a plain title in the reader's language (issue 14 §4: a clerk reads what
a rule says; its id, R-CASE-02, stays a small reference for whoever looks it up in DOMAIN.md).

`rule_title("R-CASE-02")` gives the title; an id this table does not know (a court's own node rule)
gives "". Only rules the UI cites are here (a rule named in src/ counts as implemented in
docs/rules.md); tests/cases/test_rule_refs.py checks every id here exists in DOMAIN.md.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULE_TITLES: dict[str, Promise] = {
    "R-ID-01": _("Resident ID number check"),
    "R-ID-02": _("Unified social credit code check"),
    "R-ID-03": _("How case numbers are formed"),
    "R-ID-04": _("Enforcement case type codes"),
    "R-ID-05": _("ID numbers are masked on display; a full view is logged"),
    "R-TIME-01": _("Working days follow the State Council holiday calendar"),
    "R-TIME-02": _("Every computed deadline keeps how it was computed"),
    "R-CASE-01": _(
        "Execution notice and property-report order after filing (CPL Interpretation Art. 480, CPL Art. 252)"
    ),
    "R-CASE-02": _("Property inquiries after filing: network, local, and the four inquiries and two reports"),
    "R-CASE-03": _("Time limit for concluding an enforcement case (6 months; 3 for non-litigation cases)"),
    "R-CASE-04": _("Verifying the applicant's asset leads"),
    "R-CASE-05": _("Ways a case is closed"),
    "R-CASE-06": _("Random, balanced case assignment"),
    "R-ASSET-01": _("Every property inquiry records its case, purpose and legal basis"),
    "R-ASSET-02": _("Maximum terms of freezes and seizures, renewed before they lapse"),
    "R-ASSET-03": _("No over-seizure: what is held stays within what is owed plus costs"),
    "R-ASSET-04": _("Later seizures wait in order and take effect when the earlier one ends"),
    "R-ASSET-05": _("After 终本, property is queried again every 6 months for 5 years"),
    "R-FUND-01": _("One case, one account: each case's own reference in the court's custody account"),
    "R-FUND-02": _("Money received is paid out to the applicant within the time limit"),
    "R-FUND-03": _("The case-fund ledger is double-entry and append-only; payments applied in legal order"),
    "R-FUND-04": _("When the obligation is met: deductions stop, controls are released"),
    "R-MONEY-02": _("Doubled interest for delayed performance, counted by the day"),
}


def rule_title(rule_id: str) -> str:
    """The plain title of one rule id, or of several joined by commas ("R-TIME-01, R-TIME-02")."""
    titles = [
        str(RULE_TITLES[r]) for r in (part.strip() for part in str(rule_id).split(",")) if r in RULE_TITLES
    ]
    return "; ".join(titles)
