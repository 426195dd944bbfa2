"""Rules of control measures not in `assets.policy` (pure functions).

- The application fee for enforcement (申请执行费, 诉讼费用交纳办法 Art.14(1)), which the debtor bears
  (Art.38), computed on the amount the basis fixed: `enforcement_fee`. Not counted in the R-ASSET-03
  budget while the case-fund ledger does not book it as owed (`control.budget` says why).
- What a unit's confirmation says about a measure: `frozen_status`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from enforcelink.core.money import CENT, parse_amount

ZERO = Decimal("0.00")

# 诉讼费用交纳办法 Art.14(1): 50 yuan up to 10,000; then by bands on the part above each threshold.
FEE_BASE = Decimal("50")
FEE_BANDS = (
    (Decimal("10000"), Decimal("500000"), Decimal("0.015")),
    (Decimal("500000"), Decimal("5000000"), Decimal("0.01")),
    (Decimal("5000000"), Decimal("10000000"), Decimal("0.005")),
    (Decimal("10000000"), None, Decimal("0.001")),
)


def enforcement_fee(amount: Decimal) -> Decimal:
    """R-ASSET-03 enforcement costs: 申请执行费 on the amount to enforce (诉讼费用交纳办法 Art.14(1)):
    50 yuan up to 10,000; 1.5% of the part above 10,000 up to 500,000; 1% up to 5,000,000; 0.5% up
    to 10,000,000; 0.1% above. Nothing for a case without an amount (a non-money case's fee of 50 to
    500 yuan per case is no money the budget can hold). Rounded to the fen (half up) once."""
    amount = parse_amount(amount, field_name="amount")
    if amount == 0:
        return ZERO
    fee = FEE_BASE
    for low, high, rate in FEE_BANDS:
        if amount <= low:
            break
        top = amount if high is None else min(amount, high)
        fee += (top - low) * rate
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def frozen_status(asked: Decimal | None, confirmed: Decimal) -> str:
    """A unit's confirmation of a freeze: nothing frozen is a refusal in effect (an empty account),
    less than asked is partly in effect (the balance was lower), else in effect."""
    if confirmed <= 0:
        return "refused"
    if asked is not None and confirmed < asked:
        return "partly_effective"
    return "effective"
