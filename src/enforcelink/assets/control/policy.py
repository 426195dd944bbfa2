"""Rules of control measures not in `assets.policy` (pure functions).

- What a unit's confirmation says about a measure: `frozen_status`.
- Where a freeze or deduction of an account found goes: `holding_unit` (the institution that keeps
  the account, when the court's directory has it and its responsibility list takes the measure).

The application fee for enforcement (申请执行费, 诉讼费用交纳办法 Art.14(1)), R-ASSET-03's enforcement
costs, is computed where the ledger books it as owed: `funds.policy.enforcement_fee` and `fee_owed`
(funds sits below assets). The budget includes it through the ledger's standing (`control.budget`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from enforcelink.assets.normalise import name_key

# Asset kinds whose record names the institution that keeps the account (the bank, the payment
# company, the housing-fund centre, the broker). The unit that answered the inquiry is not always it:
# one unit may answer the network inquiry for many banks. A stake (equity) is frozen at the market
# regulator that answered, so it is not routed by its company's name.
ROUTED_BY_INSTITUTION = frozenset({"deposit", "online_funds", "housing_fund", "securities"})
# Words of a company's legal form that one list writes and another leaves out
# (中国工商银行股份有限公司重庆綦江支行 = 中国工商银行重庆綦江支行).
_LEGAL_FORM = re.compile("股份有限公司|有限责任公司|有限公司")


def frozen_status(asked: Decimal | None, confirmed: Decimal) -> str:
    """A unit's confirmation of a freeze: nothing frozen is a refusal in effect (an empty account),
    less than asked is partly in effect (the balance was lower), else in effect."""
    if confirmed <= 0:
        return "refused"
    if asked is not None and confirmed < asked:
        return "partly_effective"
    return "effective"


def institution_key(name: str) -> str:
    """A unit's or an institution's name as compared for routing: `name_key` (NFKC, no spaces),
    without the legal form's words."""
    return _LEGAL_FORM.sub("", name_key(name))


@dataclass(frozen=True)
class Route:
    """Where a measure on an account found goes: `unit_id`, and `fallback` when the record names an
    institution that no unit of the directory taking the measure is, so the unit that answered the
    inquiry is asked instead (the officer is told)."""

    unit_id: int
    fallback: bool


def holding_unit(
    record_kind: str, institution: str, request_type: str, replied_unit_id: int,
    units: Iterable[tuple[int, str, frozenset[str]]],
) -> Route:  # fmt: skip
    """A freeze or deduction of an account goes to the institution that keeps it: the first of
    `units` (id, name, the request types its responsibility list takes — reachable units first)
    whose name is the record's institution and whose list takes `request_type`; else to the unit
    that answered (`fallback` when the record named an institution)."""
    key = institution_key(institution) if record_kind in ROUTED_BY_INSTITUTION else ""
    if not key:
        return Route(replied_unit_id, False)
    for unit_id, name, handles in units:
        if request_type in handles and institution_key(name) == key:
            return Route(unit_id, False)
    return Route(replied_unit_id, True)
