"""The case's 一案一账号 as the execution notice prints it (R-FUND-01), without documents importing funds.

The reference a payer types in a bank transfer's remark is kept by the case-fund ledger, and funds
sits above documents (tests/core/test_layering.py). As with `cases.money`, funds registers the one
provider in its `AppConfig.ready()`: `reference(case)` returns the case's reference (opening the
case's account if a bulk-loaded case has none yet, inside the issuing transaction).

Without a provider (funds not installed) the placeholder prints empty: it is optional, and a court's
own version of the notice written before it existed renders as it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_reference: Callable[[Any], str] | None = None


def register(*, reference: Callable[[Any], str]) -> None:
    global _reference
    _reference = reference


def reference(case: Any) -> str:
    """R-FUND-01: the case's 一案一账号 (digits only), or "" when no ledger is installed."""
    return _reference(case) if _reference is not None else ""


def printed(case: Any) -> str:
    """For print: in groups of four, as banks show account numbers (0440 1102 0261 0001 3365)."""
    return grouped(reference(case))


def grouped(digits: str) -> str:
    """A reference for people to read, in groups of four (the notice, the ledger's pages); what is
    copied into a bank's remark or read by a machine stays the plain digits."""
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
