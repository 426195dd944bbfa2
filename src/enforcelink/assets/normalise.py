"""From a unit's answer to asset records (issue 15 §2): pure functions, no database.

Each R-ASSET-01 inquiry type answers in its own shape (`linkage.policy.RESULT_FIELDS`); `found_in`
turns one cleaned answer into `Found` items, one per real asset, each with a normalised `key` so that
several replies naming the same asset make one record: the same account at the same bank, the same
certificate, the same plate. Keys are compared after NFKC (full-width letters and digits become
half-width), with spaces, dashes and middle dots dropped and letters upper-cased; a text such as an
institution or a company name keeps its characters but not its spacing or bracket width.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# R-ASSET-01's property kinds, as the inquiry types that ask them, in the order an officer reads
# them (the inquiry asks them all; person-only kinds go only where a respondent is a person).
INQUIRY_TYPES = (
    "inquire_deposits",
    "inquire_real_estate",
    "inquire_vehicles",
    "inquire_securities",
    "inquire_ships",
    "inquire_online_funds",
    "inquire_equity",
    "inquire_housing_fund",
    "inquire_social_insurance",
    "inquire_tax",
    "inquire_exit_entry",
)

# Words in an encumbrance text that say another court holds the asset (查封, 冻结, 轮候), rather
# than a mortgage or pledge: kept apart as "measures by other courts" (R-ASSET-04 waits on them).
MEASURE_WORDS = ("查封", "冻结", "扣押", "轮候", "seiz", "froz", "freez")

# What a unit writes in an encumbrance cell when there is none (the simulators write 无 too).
NO_ENCUMBRANCE = frozenset({"无", "没有", "暂无", "无抵押", "无查封", "none", "no", "n/a", "—", "-", "/"})

_DROP = re.compile(r"[\s\-－—_·・/／.。,，:：]+")


def compact(value: Any) -> str:
    """An identifier as compared: NFKC, upper case, no spaces, dashes, dots or slashes."""
    return _DROP.sub("", unicodedata.normalize("NFKC", str(value or ""))).upper()


def name_key(value: Any) -> str:
    """A name (bank, company) as compared: NFKC (full-width brackets become half-width), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


@dataclass
class Found:
    """One asset an answer names."""

    kind: str
    key: str
    identifier: str = ""
    institution: str = ""
    description: str = ""
    value: Decimal | None = None
    identifier_is_id: bool = False
    co_owners: list[str] = field(default_factory=list)
    encumbrances: list[str] = field(default_factory=list)
    other_measures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def split_encumbrance(text: Any) -> tuple[list[str], list[str]]:
    """An encumbrance text as (mortgages and pledges, measures by other courts), part by part: a
    registry writes both in one cell ("已抵押给…；已被…查封")."""
    mortgages: list[str] = []
    measures: list[str] = []
    for part in re.split(r"[；;]", str(text or "")):
        part = part.strip()
        if not part or part.lower() in NO_ENCUMBRANCE:
            continue
        (measures if any(word in part.lower() for word in MEASURE_WORDS) else mortgages).append(part)
    return mortgages, measures


_CO_OWNERS = re.compile(r"共有人[：:]\s*([^，,；;）)]+)")


def co_owners_in(description: Any) -> list[str]:
    """The co-owners a registry names in a title's description ("共有人：王某某、刘某某，共同共有"):
    the spouse's or partner's share matters before the court seizes it."""
    names: list[str] = []
    for found in _CO_OWNERS.findall(str(description or "")):
        names += [name.strip() for name in re.split(r"[、,，]", found) if name.strip()]
    return names


def _amount(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _accounts(kind: str, rows: list[dict[str, Any]]) -> list[Found]:
    """Deposits, online funds, housing fund: one record per account at its institution."""
    return [
        Found(
            kind, f"{name_key(row.get('institution'))}|{compact(row.get('account'))}",
            identifier=str(row.get("account", "")), institution=str(row.get("institution", "")),
            value=_amount(row.get("balance")),
        )
        for row in rows
    ]  # fmt: skip


def _property(kind: str, rows: list[dict[str, Any]]) -> list[Found]:
    """Real estate and ships: by certificate, or by the description where none is given."""
    found = []
    for row in rows:
        certificate = str(row.get("certificate", ""))
        mortgages, measures = split_encumbrance(row.get("encumbrance"))
        key = (
            f"cert|{compact(certificate)}"
            if compact(certificate)
            else f"desc|{name_key(row.get('description'))}"
        )
        found.append(
            Found(kind, key, identifier=certificate, description=str(row.get("description", "")),
                  co_owners=co_owners_in(row.get("description")), encumbrances=mortgages, other_measures=measures)
        )  # fmt: skip
    return found


def _vehicles(rows: list[dict[str, Any]]) -> list[Found]:
    found = []
    for row in rows:
        mortgages, measures = split_encumbrance(row.get("encumbrance"))
        found.append(
            Found("vehicle", compact(row.get("plate")), identifier=str(row.get("plate", "")),
                  description=str(row.get("description", "")), encumbrances=mortgages, other_measures=measures)
        )  # fmt: skip
    return found


def _securities(rows: list[dict[str, Any]]) -> list[Found]:
    return [
        Found(
            "securities", f"{name_key(row.get('institution'))}|{compact(row.get('account'))}",
            identifier=str(row.get("account", "")), institution=str(row.get("institution", "")),
            description=str(row.get("holdings", "")), value=_amount(row.get("market_value")),
        )
        for row in rows
    ]  # fmt: skip


def _equity(rows: list[dict[str, Any]]) -> list[Found]:
    found = []
    for row in rows:
        mortgages, measures = split_encumbrance(row.get("encumbrance"))
        found.append(
            Found("equity", name_key(row.get("company")), identifier=str(row.get("company", "")),
                  description=str(row.get("share", "")), encumbrances=mortgages, other_measures=measures,
                  details={"share": row.get("share", "")})
        )  # fmt: skip
    return found


def _tax(result: dict[str, Any]) -> list[Found]:
    """Refunds due to the debtor are money to reach; tax records say the debtor earns or trades."""
    found = [
        Found("tax_refund", name_key(row.get("tax_kind")), identifier=str(row.get("tax_kind", "")),
              value=_amount(row.get("amount")))
        for row in result.get("refunds") or []
    ]  # fmt: skip
    found += [
        Found("tax_record", f"{name_key(row.get('period'))}|{name_key(row.get('tax_kind'))}",
              identifier=f"{row.get('period', '')} {row.get('tax_kind', '')}".strip(),
              value=_amount(row.get("amount")))
        for row in result.get("tax_records") or []
    ]  # fmt: skip
    return found


def _social(result: dict[str, Any]) -> list[Found]:
    """One record: where the debtor is insured (an employer whose wages can be reached) and the pension."""
    employer = str(result.get("employer", ""))
    status = str(result.get("insurance_status", ""))
    pension = _amount(result.get("monthly_pension"))
    if not (employer or status or pension is not None):
        return []
    key = f"employer|{name_key(employer)}" if employer else "pension"
    return [
        Found("social_insurance", key, identifier=employer, description=status, value=pension,
              details={"monthly_pension": str(pension) if pension is not None else ""})
    ]  # fmt: skip


def _documents(rows: list[dict[str, Any]]) -> list[Found]:
    """Passports and permits: their numbers are a person's document numbers, shown masked."""
    return [
        Found("exit_entry", f"{name_key(row.get('document_type'))}|{compact(row.get('number'))}",
              identifier=str(row.get("number", "")), description=str(row.get("document_type", "")),
              identifier_is_id=True, details={"valid_until": row.get("valid_until", "")})
        for row in rows
    ]  # fmt: skip


def found_in(request_type: str, result: dict[str, Any]) -> list[Found]:
    """The assets one cleaned answer names (none when it found nothing), each once: an answer
    listing the same account twice names one asset."""
    if not isinstance(result, dict) or result.get("found") is not True:
        return []
    if request_type in ("inquire_deposits", "inquire_online_funds", "inquire_housing_fund"):
        kind = {"inquire_deposits": "deposit", "inquire_online_funds": "online_funds"}.get(
            request_type, "housing_fund"
        )
        items = _accounts(kind, result.get("accounts") or [])
    elif request_type in ("inquire_real_estate", "inquire_ships"):
        items = _property(
            "real_estate" if request_type == "inquire_real_estate" else "ship", result.get("items") or []
        )
    elif request_type == "inquire_vehicles":
        items = _vehicles(result.get("vehicles") or [])
    elif request_type == "inquire_securities":
        items = _securities(result.get("accounts") or [])
    elif request_type == "inquire_equity":
        items = _equity(result.get("equity") or [])
    elif request_type == "inquire_tax":
        items = _tax(result)
    elif request_type == "inquire_social_insurance":
        items = _social(result)
    elif request_type == "inquire_exit_entry":
        items = _documents(result.get("documents") or [])
    else:
        items = []
    unique: dict[tuple[str, str], Found] = {}
    for item in items:
        if item.key.strip("|"):
            item.key = item.key[:255]
            unique.setdefault((item.kind, item.key), item)
    return list(unique.values())


def answered_nothing(request_type: str, result: dict[str, Any]) -> bool:
    """The unit looked and found nothing: "asked, nothing found" for that kind."""
    return request_type in INQUIRY_TYPES and isinstance(result, dict) and result.get("found") is False
