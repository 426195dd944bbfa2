"""What a simulated debtor owns (issue 15 §10): property made up from the ID number alone, so the same
debtor asked twice — by any unit, in any request, on any day — has the same accounts, flats, cars,
securities and shares, and the control measures the simulators confirm fit them.

Several bank accounts per person with plausible balances (some near zero, now and then one closed since
the inquiry), online-payment and housing-fund accounts, real estate with mortgages, co-owners and other
courts' seizures, vehicles with plates, securities, equity (mostly for companies), now and then a ship;
the tax office's records and the refunds due to the debtor; for a natural person the exit-entry
documents (passport, permits) and where they are insured (employer, pension). About one debtor in
seven owns nothing at all and is known nowhere.

Controls: a freeze is confirmed in full, in part (the balance is lower than asked) or refused (the
account is closed, or unknown at the unit); a deduction takes at most the balance and names its
transfer; a seizure is registered for a term within the legal maximum (R-ASSET-02), behind an earlier
court's seizure where there is one (R-ASSET-04); releases are confirmed.

Pure: no database, no clock (the day of the answer is given). Used by `simulator`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from enforcelink.core.calendar import add_months

BANKS = (
    "重庆农村商业银行股份有限公司綦江支行",
    "中国工商银行股份有限公司重庆綦江支行",
    "中国建设银行股份有限公司重庆綦江支行",
    "中国农业银行股份有限公司重庆綦江支行",
    "中国邮政储蓄银行股份有限公司重庆綦江区支行",
    "招商银行股份有限公司重庆分行",
)
ONLINE = ("支付宝（中国）网络技术有限公司", "财付通支付科技有限公司")
HOUSING_FUND = "重庆市住房公积金管理中心綦江区分中心"
BROKERS = (
    "西南证券股份有限公司重庆綦江营业部",
    "中信证券股份有限公司重庆分公司",
    "国泰君安证券股份有限公司重庆分公司",
)
COURTS = ("重庆市江津区人民法院", "重庆市南岸区人民法院", "重庆市渝中区人民法院", "重庆市第五中级人民法院")
STREETS = (
    "古南街道沱湾路",
    "文龙街道九龙大道",
    "三江街道新街",
    "通惠街道通惠大道",
    "永城镇中华路",
    "东溪镇太平街",
)
CO_OWNERS = ("王某某", "刘某某", "陈某某", "张某某")
CARS = (
    "长安CS75 小型普通客车",
    "大众朗逸 小型轿车",
    "五菱宏光 小型普通客车",
    "比亚迪秦 小型轿车",
    "哈弗H6 小型普通客车",
)
TRUCKS = ("东风天龙 重型半挂牵引车", "解放J6 重型自卸货车", "福田欧马可 轻型厢式货车")
COMPANIES = ("重庆綦江某建材有限公司", "重庆某物流有限公司", "綦江某商贸有限公司", "重庆某餐饮管理有限公司")
EMPLOYERS = ("重庆綦江某建材有限公司", "重庆某物流有限公司", "綦江区某中学", "重庆某汽车配件有限公司",
             "綦江某商贸有限公司")  # fmt: skip
# Tax periods a 税务局 reports (fixed labels: the answer is the same on every day it is asked).
TAX_PERIODS = ("2025年度", "2025年第三季度", "2025年第四季度", "2026年第一季度", "2026年第二季度")
COMPANY_TAXES = ("增值税", "企业所得税", "城市维护建设税", "印花税")
# The exit-entry documents a person may hold, with the letter their numbers begin with.
DOCUMENTS = (("普通护照", "E"), ("往来港澳通行证", "C"), ("往来台湾通行证", "L"))
STOCKS = (("长江电力", Decimal("28.40")), ("重庆银行", Decimal("9.15")), ("长安汽车", Decimal("13.62")),
          ("西南证券", Decimal("4.31")))  # fmt: skip

# R-ASSET-02 maxima (民诉解释 Art.485) in months: a registry confirms a seizure for the most the law
# allows from the day it registers; a bank freezes for one year.
FREEZE_MONTHS = 12
SEIZE_MONTHS = {"estate": 36, "vehicle": 24, "other": 24}  # unknown item: the shorter, inside every maximum
NOTHING_SHARE = 0.15  # debtors who own nothing at all


@dataclass(frozen=True)
class Account:
    institution: str
    number: str
    balance: Decimal
    closed: bool = False  # closed after the inquiry: a freeze or deduction is refused


@dataclass(frozen=True)
class Item:
    """Real estate, a ship, a vehicle or a stake: what a registry keeps of it."""

    kind: str  # estate | ship | vehicle | equity
    identifier: str  # certificate, plate or company
    description: str
    encumbrance: str = ""  # mortgage or pledge, and other courts' seizures

    @property
    def seized_elsewhere(self) -> str:
        """The court that seized it first (R-ASSET-04), or ""."""
        found = re.search(r"已被(\S+?人民法院)查封", self.encumbrance)
        return found[1] if found else ""


@dataclass(frozen=True)
class Securities:
    institution: str
    account: str
    holdings: str
    market_value: Decimal


@dataclass(frozen=True)
class TaxRecord:
    """What the tax office keeps: tax declared and paid for a period."""

    period: str
    tax_kind: str
    amount: Decimal


@dataclass(frozen=True)
class Refund:
    """Tax the office owes the debtor (money the court can reach)."""

    tax_kind: str
    amount: Decimal


@dataclass(frozen=True)
class Document:
    """A natural person's exit-entry document as the exit-entry administration keeps it: valid ten years."""

    document_type: str
    number: str
    valid_until: dt.date
    last_exit_on: dt.date | None = None


@dataclass(frozen=True)
class Insurance:
    """Where a natural person is insured: the employer (wages to reach) or the pension paid."""

    employer: str
    status: str
    monthly_pension: Decimal | None = None


@dataclass(frozen=True)
class Holdings:
    deposits: tuple[Account, ...] = ()
    online: tuple[Account, ...] = ()
    housing_fund: tuple[Account, ...] = ()
    items: tuple[Item, ...] = ()
    securities: tuple[Securities, ...] = ()
    tax_records: tuple[TaxRecord, ...] = ()
    refunds: tuple[Refund, ...] = ()
    documents: tuple[Document, ...] = ()
    insurance: tuple[Insurance, ...] = ()

    def of(self, kind: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.kind == kind)

    @property
    def accounts(self) -> tuple[Account, ...]:
        return self.deposits + self.online + self.housing_fund

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def __add__(self, other: Holdings) -> Holdings:
        return Holdings(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))


# --- whose property -------------------------------------------------------------------------------------


def canonical_id(id_number: str) -> str:
    """The number a debtor is known by here, the same whether the request showed it whole or masked
    (R-ID-05 hides the birth month and day, digits 11–14, of an 18-character resident ID)."""
    text = unicodedata.normalize("NFKC", str(id_number or "")).strip().upper()
    if len(text) == 18 and text[:10].isdigit():
        return f"{text[:10]}****{text[14:]}"
    return text


def _rng(key: str, part: str) -> random.Random:
    """One generator per debtor and kind of property: adding a kind later changes no other kind."""
    return random.Random(int.from_bytes(hashlib.sha256(f"{key}|{part}".encode()).digest()[:8], "big"))


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _money(value: float) -> Decimal:
    return Decimal(f"{max(value, 0.0):.2f}")


def _balance(rng: random.Random, company: bool) -> Decimal:
    """Balances as a bank sees them: many near zero, most a few thousand, a few much more."""
    draw = rng.random()
    if draw < 0.3:
        return _money(rng.uniform(0, 60))
    if company:
        return _money(rng.lognormvariate(11.0, 1.4))
    return _money(rng.lognormvariate(8.2 if draw < 0.8 else 10.3, 1.0))


def _deposits(key: str, company: bool) -> tuple[Account, ...]:
    rng = _rng(key, "deposits")
    banks = rng.sample(BANKS, rng.randint(1, 5 if company else 4))
    prefix = "5000" if company else "6217"
    return tuple(
        Account(bank, prefix + _digits(rng, 15), _balance(rng, company), closed=rng.random() < 0.1)
        for bank in banks
    )


def _estates(key: str, company: bool) -> tuple[Item, ...]:
    rng = _rng(key, "estates")
    if rng.random() > (0.45 if company else 0.35):
        return ()
    items = []
    for _ in range(rng.randint(1, 2)):
        use = rng.choice(("厂房", "办公")) if company else rng.choice(("住宅", "住宅", "商业服务"))
        area = f"{rng.uniform(45, 180 if not company else 2400):.2f}"
        where = f"重庆市綦江区{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
        if not company:
            where += f"{rng.randrange(1, 30)}-{rng.randrange(1, 6)}"
        shared = "" if company or rng.random() > 0.3 else f"；共有人：{rng.choice(CO_OWNERS)}，共同共有"
        certificate = f"渝（{rng.randrange(2012, 2026)}）綦江区不动产权第{rng.randrange(1000000, 9999999)}号"
        items.append(
            Item("estate", certificate, f"{where}（{use}，建筑面积{area}平方米{shared}）", _burdens(rng))
        )
    return tuple(items)


def _burdens(rng: random.Random) -> str:
    """A mortgage half the time; now and then an earlier seizure by another court (R-ASSET-04)."""
    parts = []
    if rng.random() < 0.5:
        parts.append(f"已抵押给{rng.choice(BANKS)}（抵押债权数额{rng.randrange(10, 200)}万元）")
    if rng.random() < 0.12:
        parts.append(f"已被{rng.choice(COURTS)}查封（{rng.randrange(2023, 2026)}年{rng.randrange(1, 13)}月）")
    return "；".join(parts)


def _vehicles(key: str, company: bool) -> tuple[Item, ...]:
    rng = _rng(key, "vehicles")
    if rng.random() > (0.4 if company else 0.3):
        return ()
    items = []
    for _ in range(rng.randint(1, 3 if company else 2)):
        plate = f"渝{rng.choice('ABCDF')}·{rng.choice('0123456789ABCDEFGHJKLMN')}{_digits(rng, 4)}"
        model = rng.choice(TRUCKS if company else CARS)
        pledge = f"已抵押给{rng.choice(('重庆汽车金融有限公司', *BANKS[:2]))}" if rng.random() < 0.15 else ""
        items.append(Item("vehicle", plate, f"{rng.randrange(2012, 2026)}年 {model}", pledge))
    return tuple(items)


def _securities(key: str) -> tuple[Securities, ...]:
    rng = _rng(key, "securities")
    if rng.random() > 0.1:
        return ()
    name, price = rng.choice(STOCKS)
    shares = rng.randrange(1, 60) * 100
    return (Securities(rng.choice(BROKERS), "A" + _digits(rng, 9), f"{name} {shares:,}股", price * shares),)


def _equity(key: str, company: bool) -> tuple[Item, ...]:
    rng = _rng(key, "equity")
    if rng.random() > (0.35 if company else 0.12):
        return ()
    company_name = rng.choice(COMPANIES)
    paid = rng.choice((30, 50, 100, 120, 500))
    share = f"认缴出资{paid}万元（持股{rng.choice((10, 25, 40, 51, 60, 100))}%）"
    pledge = "股权已出质" if rng.random() < 0.2 else ""
    return (Item("equity", company_name, share, pledge),)


def _online_and_fund(key: str) -> tuple[tuple[Account, ...], tuple[Account, ...]]:
    rng = _rng(key, "online")
    online = tuple(Account(name, "1" + _digits(rng, 10), _money(rng.lognormvariate(4.5, 1.6)))
                   for name in ONLINE if rng.random() < 0.5)  # fmt: skip
    fund = (
        (Account(HOUSING_FUND, "50" + _digits(rng, 12), _money(rng.uniform(3000, 90000))),)
        if rng.random() < 0.5
        else ()
    )
    return online, fund


def _ships(key: str) -> tuple[Item, ...]:
    rng = _rng(key, "ships")
    if rng.random() > 0.02:
        return ()
    return (Item("ship", f"{rng.randrange(2010, 2025)}W{_digits(rng, 9)}", f"渝綦江货{rng.randrange(1000, 9999)} 干货船"),)  # fmt: skip


def _taxes(key: str, company: bool) -> tuple[tuple[TaxRecord, ...], tuple[Refund, ...]]:
    """A company declares several taxes each period; a person with wages or fees, income tax. Now and
    then the office owes a refund: VAT credit (留抵退税) to a company, the yearly settlement to a person."""
    rng = _rng(key, "tax")
    records: tuple[TaxRecord, ...] = ()
    if rng.random() < (0.8 if company else 0.45):
        kinds = COMPANY_TAXES if company else ("个人所得税",)
        pairs = [(period, kind) for period in TAX_PERIODS for kind in kinds]
        chosen = sorted(rng.sample(pairs, rng.randint(2, 4) if company else rng.randint(1, 2)))
        mean = 9.5 if company else 6.5
        records = tuple(
            TaxRecord(period, kind, _money(rng.lognormvariate(mean, 1.2))) for period, kind in chosen
        )
    refunds: tuple[Refund, ...] = ()
    if rng.random() < 0.12:
        refunds = (
            (Refund("增值税留抵退税", _money(rng.lognormvariate(10.0, 1.0))),)
            if company
            else (Refund("个人所得税综合所得年度汇算退税", _money(rng.uniform(80, 4000))),)
        )
    return records, refunds


def _documents(key: str) -> tuple[Document, ...]:
    """About a quarter of people hold a passport or a permit for Hong Kong, Macao or Taiwan."""
    rng = _rng(key, "documents")
    if rng.random() > 0.25:
        return ()
    found = []
    for name, letter in rng.sample(DOCUMENTS, rng.randint(1, 2)):
        issued = dt.date(rng.randrange(2017, 2026), rng.randrange(1, 13), rng.randrange(1, 29))
        until = add_months(issued, 120) - dt.timedelta(days=1)
        left = dt.date(
            rng.randrange(max(issued.year, 2019), 2026), rng.randrange(1, 13), rng.randrange(1, 29)
        )
        found.append(
            Document(
                name, letter + _digits(rng, 8), until, left if left > issued and rng.random() < 0.6 else None
            )
        )
    return tuple(found)


def _insurance(key: str) -> tuple[Insurance, ...]:
    """Most people of working age are insured through an employer; some draw a pension."""
    rng = _rng(key, "insurance")
    draw = rng.random()
    if draw < 0.5:
        return (Insurance(rng.choice(EMPLOYERS), "在职参保缴费"),)
    if draw < 0.6:
        return (Insurance(rng.choice(EMPLOYERS), "暂停缴费"),)
    if draw < 0.72:
        return (Insurance("", "退休领取养老金", _money(rng.uniform(1800, 4600))),)
    return ()


def holdings_of(respondent: Mapping[str, Any]) -> Holdings:
    """One respondent's property, from their ID number (and kind) alone: always the same."""
    key = canonical_id(str(respondent.get("id_number", "")))
    if not key:
        return Holdings()
    company = respondent.get("kind") == "organisation" or respondent.get("id_type") == "uscc"
    if _rng(key, "nothing").random() < NOTHING_SHARE:
        return Holdings()
    online, fund = ((), ()) if company else _online_and_fund(key)
    items = _estates(key, company) + _vehicles(key, company) + _equity(key, company) + _ships(key)
    records, refunds = _taxes(key, company)
    people = ((), ()) if company else (_documents(key), _insurance(key))
    return Holdings(_deposits(key, company), online, fund, items, _securities(key), records, refunds, *people)


def holdings_for(respondents: Iterable[Mapping[str, Any]]) -> Holdings:
    """The property of all a request's respondents (an inquiry asks about each of them)."""
    total = Holdings()
    for respondent in respondents:
        total = total + holdings_of(respondent)
    return total


# --- answers ---------------------------------------------------------------------------------------------

INQUIRIES = frozenset({
    "inquire_deposits", "inquire_online_funds", "inquire_housing_fund", "inquire_real_estate", "archive_search",
    "inquire_ships", "inquire_vehicles", "inquire_securities", "inquire_equity", "inquire_tax",
    "inquire_social_insurance", "inquire_exit_entry",
})  # fmt: skip
CONTROLS = frozenset({"freeze", "renew_freeze", "unfreeze", "deduct", "seize", "renew_seizure", "release"})


@dataclass(frozen=True)
class Reply:
    """What a unit sends back: `completed` with a result, or `rejected` with the reason."""

    outcome: str
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def _rows(accounts: Iterable[Account]) -> list[dict[str, str]]:
    return [
        {"institution": a.institution, "account": a.number, "balance": f"{a.balance:.2f}"} for a in accounts
    ]


def _items(items: Iterable[Item]) -> list[dict[str, str]]:
    rows = []
    for item in items:
        row = {"description": item.description, "certificate": item.identifier}
        if item.encumbrance:
            row["encumbrance"] = item.encumbrance
        rows.append(row)
    return rows


# What a unit that found nothing writes, where the usual words do not fit what it keeps.
NOTHING_FOUND = {
    "inquire_tax": "经查询，未发现被执行人的纳税申报记录及应退税款",
    "inquire_social_insurance": "经查询，未发现被执行人的社会保险参保记录",
    "inquire_exit_entry": "经查询，被执行人未办理出入境证件",
}


def inquiry_result(request_type: str, held: Holdings, today: dt.date | None = None) -> dict[str, Any]:
    """An inquiry's answer (linkage.policy.RESULT_FIELDS) from what the respondents hold. `today`, the
    day of the answer: a document whose validity ends by then is named without its end (the platform
    takes no end already passed as a term still running; a day's margin for a unit a time zone behind)."""
    found = _found(request_type, held, today)
    if any(found.values()):
        return {"found": True, **{name: value for name, value in found.items() if value}}
    return {"found": False, "note": NOTHING_FOUND.get(request_type, "经查询，未发现被执行人名下有该类财产")}


def _found(request_type: str, held: Holdings, today: dt.date | None) -> dict[str, Any]:
    """The fields of what was found (empty ones when nothing was)."""
    if request_type in ("inquire_deposits", "inquire_online_funds", "inquire_housing_fund"):
        accounts = {"inquire_deposits": held.deposits, "inquire_online_funds": held.online}
        return {"accounts": _rows(accounts.get(request_type, held.housing_fund))}
    if request_type in ("inquire_real_estate", "archive_search", "inquire_ships"):
        return {"items": _items(held.of("ship" if request_type == "inquire_ships" else "estate"))}
    if request_type == "inquire_vehicles":
        return {"vehicles": [{"plate": item.identifier, "description": item.description,
                              **({"encumbrance": item.encumbrance} if item.encumbrance else {})}
                             for item in held.of("vehicle")]}  # fmt: skip
    if request_type == "inquire_securities":
        return {"accounts": [{"institution": s.institution, "account": s.account, "holdings": s.holdings,
                              "market_value": f"{s.market_value:.2f}"} for s in held.securities]}  # fmt: skip
    if request_type == "inquire_equity":
        return {"equity": [{"company": item.identifier, "share": item.description,
                            **({"encumbrance": item.encumbrance} if item.encumbrance else {})}
                           for item in held.of("equity")]}  # fmt: skip
    if request_type == "inquire_tax":
        return {"tax_records": [{"period": r.period, "tax_kind": r.tax_kind, "amount": f"{r.amount:.2f}"}
                                for r in held.tax_records],
                "refunds": [{"tax_kind": r.tax_kind, "amount": f"{r.amount:.2f}"} for r in held.refunds]}  # fmt: skip
    if request_type == "inquire_social_insurance":
        return _insured(held.insurance)
    if request_type == "inquire_exit_entry":
        return _exit_entry(held.documents, today)
    raise ValueError(f"not a property inquiry: {request_type}")


def _insured(insurance: tuple[Insurance, ...]) -> dict[str, Any]:
    """The social-security office answers one record: the first respondent insured."""
    if not insurance:
        return {}
    first = insurance[0]
    pension = f"{first.monthly_pension:.2f}" if first.monthly_pension is not None else ""
    return {"employer": first.employer, "insurance_status": first.status, "monthly_pension": pension}


def _exit_entry(documents: tuple[Document, ...], today: dt.date | None) -> dict[str, Any]:
    rows = [{"document_type": d.document_type, "number": d.number,
             **({"valid_until": d.valid_until.isoformat()} if today is None or d.valid_until > today else {})}
            for d in documents]  # fmt: skip
    exits = [
        d.last_exit_on
        for d in documents
        if d.last_exit_on is not None and (today is None or d.last_exit_on <= today)
    ]
    return {"documents": rows, "last_exit_on": max(exits).isoformat() if exits else ""}


def _key(text: Any) -> str:
    return re.sub(r"[\s\-－—_·・]+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()


def _named(details: Mapping[str, Any]) -> str:
    return _key(details.get("account") or details.get("certificate") or "")


def _account(held: Holdings, details: Mapping[str, Any]) -> Account | None:
    """The account the notice names; without one, the debtor's fullest open account."""
    named = _named(details)
    if named:
        return next((a for a in held.accounts if _key(a.number) == named), None)
    open_accounts = [a for a in held.accounts if not a.closed]
    return max(open_accounts, key=lambda a: a.balance, default=None)


def _item(held: Holdings, details: Mapping[str, Any]) -> Item | None:
    named = _named(details)
    return next((item for item in held.items if named and _key(item.identifier) == named), None)


def _asked(details: Mapping[str, Any]) -> Decimal | None:
    try:
        amount = Decimal(str(details.get("amount") or ""))
    except ArithmeticError:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount > 0 else None


def _transfer(request_id: int, today: dt.date) -> str:
    digest = hashlib.sha256(f"transfer|{request_id}".encode()).hexdigest()
    return f"HZ{today:%Y%m%d}{int(digest[:12], 16) % 10**10:010d}"


def control_reply(
    request_type: str, details: Mapping[str, Any], held: Holdings, *, request_id: int, today: dt.date
) -> Reply:
    """A control measure's answer, fitted to what the debtor holds and what the notice asks (no more
    than its amount: R-ASSET-03; no term beyond the maximum: R-ASSET-02). Done the day before the
    answer's `today`, so a unit a time zone ahead still dates nothing after the platform's day."""
    done = today - dt.timedelta(days=1)
    if request_type in ("freeze", "renew_freeze", "deduct"):
        return _money_control(request_type, details, held, request_id=request_id, done=done)
    if request_type == "unfreeze":
        account = _account(held, details)
        asked = _asked(details)
        released = asked if asked is not None else (account.balance if account else Decimal("0.00"))
        return Reply("completed", {"released_amount": f"{released:.2f}", "note": "已解除冻结"})
    if request_type in ("seize", "renew_seizure"):
        item = _item(held, details)
        months = SEIZE_MONTHS[item.kind if item and item.kind in SEIZE_MONTHS else "other"]
        until = add_months(done, months).isoformat()
        if request_type == "renew_seizure":
            return Reply(
                "completed", {"seized_until": _renewed_until(details, until), "note": "已办理续行查封"}
            )
        result: dict[str, Any] = {"registered_on": done.isoformat(), "seized_until": until,
                  "certificate": item.identifier if item else str(details.get("certificate") or details.get("account") or "—")}  # fmt: skip
        if item and item.seized_elsewhere:  # R-ASSET-04: registered behind the earlier court, no term yet
            del result["seized_until"]
            result["waiting"] = True
            result["note"] = (
                f"轮候查封：该财产已被{item.seized_elsewhere}查封，本次查封登记为轮候查封，自在先查封解除之日起生效"
            )
        else:
            result["note"] = "已办理查封登记"
        return Reply("completed", result)
    if request_type == "release":
        return Reply("completed", {"released_on": done.isoformat(), "note": "已解除查封登记"})
    raise ValueError(f"not a control measure: {request_type}")


def _money_control(
    request_type: str, details: Mapping[str, Any], held: Holdings, *, request_id: int, done: dt.date
) -> Reply:
    """A freeze, renewal or deduction: in full, in part (the balance is lower than asked) or refused."""
    stake = _item(held, details)
    asked = _asked(details)
    if stake is not None and stake.kind == "equity" and request_type != "deduct":  # equity at the registry
        frozen = asked if asked is not None else Decimal("0.00")
        until = add_months(done, FREEZE_MONTHS).isoformat()
        if request_type == "renew_freeze":  # a renewal's answer names no account (RESULT_FIELDS)
            return Reply("completed", {"frozen_amount": f"{frozen:.2f}", "frozen_until": _renewed_until(details, until),
                                       "note": f"已续行冻结{stake.description}"})  # fmt: skip
        return Reply("completed", {"frozen_amount": f"{frozen:.2f}", "frozen_until": until,
                                   "account": stake.identifier, "note": f"已冻结{stake.description}"})  # fmt: skip
    account = _account(held, details)
    if account is None:
        return Reply(
            "rejected",
            reason="经查，被执行人在本单位无此账户" if _named(details) else "经查，被执行人在本单位无账户",
        )
    if account.closed:
        return Reply("rejected", reason=f"账户{account.number}已销户，无法办理")
    wanted = asked if asked is not None else account.balance
    amount = min(wanted, account.balance)
    if request_type == "deduct":
        if amount <= 0:
            return Reply("rejected", reason=f"账户{account.number}余额为零，无款可划")
        note = (
            "已划至法院执行款专户" if amount == wanted else f"账户余额{account.balance:.2f}元，已划拨全部余额"
        )
        return Reply("completed", {"deducted_amount": f"{amount:.2f}", "transfer_reference": _transfer(request_id, done), "note": note})  # fmt: skip
    note = (
        "已按通知冻结"
        if amount == wanted
        else f"账户余额{account.balance:.2f}元，低于协助冻结金额，已冻结全部余额"
    )
    result = {
        "frozen_amount": f"{amount:.2f}",
        "frozen_until": add_months(done, FREEZE_MONTHS).isoformat(),
        "note": note,
    }
    if request_type == "freeze":
        result["account"] = account.number
    else:
        result["frozen_until"] = _renewed_until(details, result["frozen_until"])
    return Reply("completed", result)


def _renewed_until(details: Mapping[str, Any], otherwise: str) -> str:
    """A renewal is granted until the day the notice asks (its current end + the term, R-ASSET-02),
    or, a notice that names none, for the unit's usual term from the day it is done."""
    try:
        return dt.date.fromisoformat(str(details.get("until") or "")).isoformat()
    except ValueError:
        return otherwise
