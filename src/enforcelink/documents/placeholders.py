"""What a template may say: the placeholder catalogue per document kind and the values read from a case.

Every value is plain text, already formatted for print (Chinese dates, amounts in figures and in
capitals, parties with their ID numbers), so templates carry no logic and cannot fail to render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from enforcelink.cases import money
from enforcelink.cases.models import Case, Party, PartyKind, PartyRole
from enforcelink.core.calendar import compute_deadline
from enforcelink.core.errors import InvalidInput
from enforcelink.core.money import format_yuan, parse_amount, to_capital
from enforcelink.documents import case_account, policy
from enforcelink.documents.judgments import PrintedParty, RegisteredJudgment
from enforcelink.documents.models import DocumentKind

_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    required: bool = True


def chinese_date(day: dt.date) -> str:
    """2026-11-23 → 二〇二六年十一月二十三日, the form dates take in court documents."""
    year = "".join(_DIGITS[int(digit)] for digit in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_number(value: int) -> str:
    """0–99 in lower-case numerals as printed in documents: 3 → 三, 10 → 十, 15 → 十五, 30 → 三十."""
    if not 0 <= value <= 99:
        raise ValueError("chinese_number covers 0–99")
    if value < 10:
        return _DIGITS[value].replace("〇", "零")
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def yuan(amount: Decimal) -> str:
    """R-MONEY-01 as documents print it: 120000 → 120,000.00元 (`core.money.format_yuan`, no space)."""
    return format_yuan(amount, space="")


def _ph(name: str, description: str, required: bool = True) -> Placeholder:
    return Placeholder(name, description, required)


COMMON = (
    _ph("court_name", "法院名称"),
    _ph("case_number", "案号"),
    _ph("document_number", "文书编号"),
    _ph("document_title", "文书名称"),
    _ph("issue_date", "落款日期（中文大写日期）"),
    _ph("filing_date", "立案日期"),
    _ph("verification_code", "核验码"),
    _ph("applicants", "申请执行人姓名或名称（以顿号分隔）"),
    _ph("respondents", "被执行人姓名或名称（以顿号分隔）"),
    _ph("respondents_masked", "被执行人及其隐去出生月日的证件号码（公开文书用）"),
    _ph("basis", "执行依据（机关及文书号）"),
    _ph("basis_number", "执行依据文书号"),
    _ph("amount_total", "执行标的金额（小写）"),
    _ph("amount_total_capital", "执行标的金额（大写）"),
    _ph("principal", "本金（小写）"),
    _ph("principal_capital", "本金（大写）"),
    _ph("interest", "利息（小写）", required=False),
    _ph("costs", "费用（小写）", required=False),
    _ph("officer_name", "承办人"),
    _ph("court_contact", "法院联系人及电话"),
)
# Documents served on the parties print full ID numbers; public ones only the masked list (R-ID-05).
SERVED = (
    _ph("applicants_detail", "申请执行人及证件号码、住所"),
    _ph("respondents_detail", "被执行人及证件号码、住所"),
)


def _coercive(*own: Placeholder) -> tuple[Placeholder, ...]:
    """罚款、拘留、拘传 (R-FORCE-01): the person, the act, and the decision's own figures."""
    return (_ph("subject", "被采取强制措施的人"), _ph("act", "妨害执行的行为"), *own)


EXTRA: dict[str, tuple[Placeholder, ...]] = {
    DocumentKind.EXECUTION_NOTICE: (
        _ph("performance_days", "履行期限（日，中文）"),
        _ph("performance_deadline", "履行期限届满日（自签发日计算）"),
        _ph("report_days", "报告财产期限（日，中文）"),
        # R-FUND-01: optional, so a court's own version written before it existed still renders.
        _ph(
            "case_account_reference",
            "一案一账号（付款人在汇款附言中注明，执行款自动对应本案）",
            required=False,
        ),
    ),
    DocumentKind.PROPERTY_REPORT_ORDER: (
        _ph("report_days", "报告财产期限（日，中文）"),
        _ph("report_deadline", "报告期限届满日（自签发日计算）"),
        _ph("report_period_start", "应报告财产变动的起始日（签发前一年）"),
    ),
    DocumentKind.ASSISTANCE_NOTICE: (
        _ph("addressee", "协助执行单位"),
        _ph("measure", "协助执行事项（如冻结账号及金额、期限）"),
        _ph("measure_amount", "协助执行金额（小写）", required=False),
        _ph("measure_amount_capital", "协助执行金额（大写）", required=False),
        _ph("legal_basis", "法律依据"),
        _ph("ruling_number", "所执行的执行裁定书文书编号（查询等无裁定的为空）", required=False),
    ),
    # The ruling decides the measure for the whole case, up to what is still owed (R-ASSET-03).
    DocumentKind.ENFORCEMENT_RULING: (
        _ph("measure", "裁定采取的执行措施（通用文本）"),
        _ph("legal_basis", "法律依据（通用文本）"),
        _ph("unperformed_amount", "未履行金额（小写）"),
        _ph("unperformed_amount_capital", "未履行金额（大写）"),
        _ph("clerk_name", "书记员", required=False),
    ),
    DocumentKind.CONSUMPTION_RESTRICTION: (_ph("bound_persons", "被限制消费的人（单位及其法定代表人等）"),),
    DocumentKind.DISHONEST_LISTING: (
        _ph("listing_grounds", "纳入失信名单的情形"),
        _ph("listing_term", "失信期限"),
    ),
    DocumentKind.FINE: _coercive(
        _ph("fine_amount", "罚款金额（小写）"), _ph("fine_amount_capital", "罚款金额（大写）")
    ),
    DocumentKind.DETENTION: _coercive(_ph("detention_days", "拘留日数（中文）")),
    DocumentKind.SUMMONS: _coercive(),
    DocumentKind.EXIT_RESTRICTION: (_ph("bound_persons", "被限制出境的人"),),
    DocumentKind.CONSUMPTION_LIFTING: (_ph("bound_persons", "被限制消费的人"), _ph("reason", "解除理由")),
    DocumentKind.DISHONEST_DELETION: (_ph("reason", "删除理由"),),
    DocumentKind.TERMINATION_RULING: (
        _ph("measures", "已采取的执行措施"),
        _ph("property_found", "财产调查结果"),
        _ph("applicant_view", "申请执行人的意见"),
        _ph("recovered_amount", "已执行到位金额（小写）"),
        _ph("recovered_amount_capital", "已执行到位金额（大写）"),
        _ph("unperformed_amount", "未履行金额（小写）"),
        _ph("unperformed_amount_capital", "未履行金额（大写）"),
    ),
    # R-ASSET-05: after 终本 the applicant is told what each periodic re-inquiry asked and found.
    DocumentKind.REINQUIRY_NOTICE: (
        _ph("inquiry_date", "查询日期"),
        _ph("inquired", "查询事项"),
        _ph("found", "查询结果"),
    ),
    DocumentKind.BOUNTY_NOTICE: (
        _ph("reward", "悬赏金额（小写）"),
        _ph("reward_capital", "悬赏金额（大写）"),
        _ph("wanted", "征集的线索"),
    ),
}
PUBLIC_KINDS = {DocumentKind.BOUNTY_NOTICE}
# 执前督促 (issue 3 §4): before enforcement there is no case, only the judgment and its deadline.
JUDGMENT_COMMON = (
    _ph("court_name", "法院名称"),
    _ph("case_number", "生效裁判案号"),
    _ph("document_number", "文书编号"),
    _ph("document_title", "文书名称"),
    _ph("issue_date", "落款日期（中文大写日期）"),
    _ph("verification_code", "核验码"),
    _ph("applicants", "权利人姓名或名称（以顿号分隔）"),
    _ph("respondents", "义务人姓名或名称（以顿号分隔）"),
    _ph("applicants_detail", "权利人及证件号码、住所"),
    _ph("respondents_detail", "义务人及证件号码、住所"),
    _ph("basis", "生效法律文书（案号及文书种类）"),
    _ph("effective_date", "生效日期"),
    _ph("amount_total", "应履行金额（小写）"),
    _ph("amount_total_capital", "应履行金额（大写）"),
    _ph("principal", "本金（小写）"),
    _ph("principal_capital", "本金（大写）"),
    _ph("interest", "利息（小写）", required=False),
    _ph("costs", "费用（小写）", required=False),
    _ph("performance_days", "判决确定的履行期限（日，中文）"),
    _ph("performance_deadline", "履行期限届满日"),
    _ph("officer_name", "承办法官"),
    _ph("court_contact", "法院联系人及电话"),
)
# Printed words, not the UI labels (those go through gettext and follow the user's language).
TITLES = {
    "execution_notice": "执行通知书",
    "property_report_order": "报告财产令",
    "assistance_notice": "协助执行通知书",
    "consumption_restriction": "限制消费令",
    "consumption_lifting": "解除限制消费令",
    "dishonest_listing": "失信决定书",
    "dishonest_deletion": "删除失信信息决定书",
    "fine": "罚款决定书",
    "detention": "拘留决定书",
    "summons": "拘传决定书",
    "exit_restriction": "限制出境决定书",
    "termination_ruling": "终结本次执行程序裁定书",
    "enforcement_ruling": "执行裁定书",
    "bounty_notice": "悬赏公告",
    "risk_notice": "执行风险提示书",
    "urging_notice": "督促履行告知书",
    "reinquiry_notice": "财产查询结果告知书",
}
# Likewise the basis documents and ID types, printed in Chinese whatever the UI language.
BASIS_TITLES = {
    "judgment": "民事判决书",
    "ruling": "民事裁定书",
    "mediation": "民事调解书",
    "arbitral_award": "仲裁裁决书",
    "notarised_debt": "公证债权文书",
    "criminal_property": "刑事判决书",
    "administrative": "行政决定书",
}
ID_LABELS = {
    "resident_id": "公民身份号码",
    "passport": "护照号码",
    "hk_macao_permit": "港澳居民来往内地通行证号码",
    "taiwan_permit": "台湾居民来往大陆通行证号码",
    "foreign_pr": "外国人永久居留身份证号码",
    "uscc": "统一社会信用代码",
}
DEFAULTS = {"performance_days": 3, "report_days": 5}
BOUNTY_WANTED = "被执行人的下落，及其银行存款、不动产、车辆、股权、债权等可供执行的财产线索"
ASSISTANCE_BASIS = "《中华人民共和国民事诉讼法》第二百五十三条"


def catalogue(kind: str) -> dict[str, Placeholder]:
    """The placeholders a template of `kind` may use, by name."""
    if kind in policy.JUDGMENT_KINDS:
        return {entry.name: entry for entry in JUDGMENT_COMMON}
    entries = COMMON + (() if kind in PUBLIC_KINDS else SERVED) + EXTRA.get(kind, ())
    return {entry.name: entry for entry in entries}


def _party_line(party: PrintedParty, *, masked: bool) -> str:
    number = party.masked_id if masked else party.id_number
    parts = [party.name, f"{ID_LABELS.get(party.id_type, '证件号码')}：{number}"]
    if party.legal_representative:
        parts.append(f"法定代表人：{party.legal_representative}")
    if party.address and not masked:
        parts.append(f"住所：{party.address}")
    return "，".join(parts)


def party_values(parties: Sequence[PrintedParty]) -> dict[str, str]:
    by_role = {role: [p for p in parties if p.role == role] for role in PartyRole.values}
    applicants, respondents = by_role[PartyRole.APPLICANT], by_role[PartyRole.RESPONDENT]
    return {
        "applicants": "、".join(p.name for p in applicants),
        "respondents": "、".join(p.name for p in respondents),
        "applicants_detail": "；".join(_party_line(p, masked=False) for p in applicants),
        "respondents_detail": "；".join(_party_line(p, masked=False) for p in respondents),
        "respondents_masked": "；".join(_party_line(p, masked=True) for p in respondents),
    }


def _deadline(start: dt.date, days: int, rule_id: str) -> str:
    """R-TIME-01: calendar days, first day not counted, a holiday end moves to the next working day."""
    return chinese_date(compute_deadline(start, days, "days", rule_id=rule_id, start_event="issue").due)


def whole_number(extra: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    """A small whole number from `extra` (a period in days, years); bad input names the field."""
    value = extra.get(name)
    try:
        number = default if value in (None, "") else int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise InvalidInput(
            "NUMBER_RANGE",
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=name,
        )
    return number


def _days(extra: dict[str, Any], name: str) -> int:
    return whole_number(extra, name, DEFAULTS[name], 1, 99)


def kind_values(kind: str, issued_on: dt.date, extra: dict[str, Any]) -> dict[str, str]:
    """The values only some kinds print; `extra` carries what the case cannot know (addressee, measure)."""
    values: dict[str, str] = {}
    if kind in (DocumentKind.EXECUTION_NOTICE, DocumentKind.PROPERTY_REPORT_ORDER):
        perform, report = _days(extra, "performance_days"), _days(extra, "report_days")
        values["performance_days"] = chinese_number(perform)
        values["performance_deadline"] = _deadline(issued_on, perform, "R-CASE-01")
        values["report_days"] = chinese_number(report)
        values["report_deadline"] = _deadline(issued_on, report, "R-CASE-01")
        values["report_period_start"] = chinese_date(issued_on.replace(year=issued_on.year - 1))
    if kind == DocumentKind.ASSISTANCE_NOTICE:
        values["addressee"] = str(extra.get("addressee", "")).strip()
        values["measure"] = str(extra.get("measure", "")).strip()
        values["legal_basis"] = str(extra.get("legal_basis") or ASSISTANCE_BASIS)
        values["ruling_number"] = str(extra.get("ruling_number", "")).strip()
        if extra.get("measure_amount") not in (None, ""):
            amount = parse_amount(extra["measure_amount"], field_name="measure_amount")
            values["measure_amount"] = yuan(amount)
            values["measure_amount_capital"] = to_capital(amount)
    if kind == DocumentKind.REINQUIRY_NOTICE:
        for name in ("inquiry_date", "inquired", "found"):
            values[name] = str(extra.get(name, "")).strip()
    if kind == DocumentKind.ENFORCEMENT_RULING:
        values["measure"] = str(extra.get("measure", "")).strip()
        values["legal_basis"] = str(extra.get("legal_basis") or ASSISTANCE_BASIS)
        values["clerk_name"] = str(extra.get("clerk_name", "")).strip()
    return values


def payment_values(kind: str, case: Case) -> dict[str, str]:
    """R-FUND-01: the execution notice tells the payer the case's 一案一账号 (`documents.case_account`,
    which funds fills), so a transfer to the custody account finds its case without a clerk."""
    if kind != DocumentKind.EXECUTION_NOTICE:
        return {}
    return {"case_account_reference": case_account.printed(case)}


def bound_persons(parties: list[Party]) -> str:
    """R-RESTRICT-02: for an organisation the order also binds its legal representative and, where
    known, its actual controller."""
    names: list[str] = []
    for party in parties:
        if party.role != PartyRole.RESPONDENT:
            continue
        name = party.name
        if party.kind == PartyKind.ORGANISATION and party.legal_representative:
            name += f"及其法定代表人{party.legal_representative}"
        controller = party.actual_controller
        if party.kind == PartyKind.ORGANISATION and controller and controller != party.legal_representative:
            name += f"、实际控制人{controller}"
        names.append(name)
    return "；".join(names)


def coercive_values(kind: str, parties: list[Party], extra: dict[str, Any]) -> dict[str, str]:
    """R-FORCE-01: the fine within its limits for a person or an organisation; detention ≤ 15 days.
    The subject defaults to the first respondent; `subject_kind` says whether it is an organisation."""
    first = next((p for p in parties if p.role == PartyRole.RESPONDENT), None)
    values = {
        "subject": str(extra.get("subject") or (first.name if first else "")).strip(),
        "act": str(extra.get("act", "")).strip(),
    }
    if kind == DocumentKind.FINE and extra.get("fine_amount") not in (None, ""):
        organisation = extra.get("subject_kind", first.kind if first else "") == PartyKind.ORGANISATION
        amount = policy.check_fine(
            parse_amount(extra["fine_amount"], field_name="fine_amount", allow_zero=False),
            organisation=organisation,
        )
        values["fine_amount"], values["fine_amount_capital"] = yuan(amount), to_capital(amount)
    if kind == DocumentKind.DETENTION:
        days = whole_number(extra, "detention_days", 0, 1, policy.DETENTION_MAX_DAYS)
        values["detention_days"] = chinese_number(days)
    return values


def sanction_values(kind: str, parties: list[Party], extra: dict[str, Any]) -> dict[str, str]:
    """Values of the credit-punishment documents and the bounty notice (R-LIST-01/03, R-BOUNTY-01)."""
    values: dict[str, str] = {}
    if kind == DocumentKind.CONSUMPTION_RESTRICTION:
        values["bound_persons"] = bound_persons(parties)
    if kind == DocumentKind.DISHONEST_LISTING:
        grounds = policy.listing_grounds(extra.get("grounds"))
        values["listing_grounds"] = "；".join(policy.LISTING_GROUNDS[g] for g in grounds)
        years = policy.listing_term_years(grounds, whole_number(extra, "extension_years", 0, 0, 3))
        values["listing_term"] = f"{chinese_number(years)}年" if years else "至符合删除条件之日止"
    if kind in (DocumentKind.EXIT_RESTRICTION, DocumentKind.CONSUMPTION_LIFTING):
        values["bound_persons"] = bound_persons(parties)
    if kind in (DocumentKind.CONSUMPTION_LIFTING, DocumentKind.DISHONEST_DELETION):
        values["reason"] = str(extra.get("reason", "")).strip()
    if kind in (DocumentKind.FINE, DocumentKind.DETENTION, DocumentKind.SUMMONS):
        values.update(coercive_values(kind, parties, extra))
    if kind == DocumentKind.TERMINATION_RULING:
        for name in ("measures", "property_found", "applicant_view"):
            values[name] = str(extra.get(name, "")).strip()
    if kind == DocumentKind.BOUNTY_NOTICE and extra.get("reward_amount") not in (None, ""):
        reward = parse_amount(extra["reward_amount"], field_name="reward_amount", allow_zero=False)
        values["reward"], values["reward_capital"] = yuan(reward), to_capital(reward)
    if kind == DocumentKind.BOUNTY_NOTICE:
        values["wanted"] = str(extra.get("wanted") or BOUNTY_WANTED)
    return values


def read_ledger_of(cases: Sequence[Any]) -> None:
    """Read the cases' 执行到位金额 from the ledger in one query (`cases.money.recovered_many`) for
    `case_values` to print: a batch of notices and rulings for N cases asked it once per document."""
    wanted = {case.pk: case for case in cases if isinstance(case, Case)}
    if wanted:
        for pk, amount in money.recovered_many(sorted(wanted)).items():
            wanted[pk].ledger_recovered = amount  # type: ignore[attr-defined]


def case_values(case: Case, parties: list[Party]) -> dict[str, str]:
    """R-MONEY-01: every amount in figures and in capitals."""
    officer = case.officer
    recovered = getattr(case, "ledger_recovered", None)  # read for the batch (`read_ledger_of`)
    if recovered is None:
        recovered = money.recovered(case)  # 执行到位金额 from the case-fund ledger (R-FUND-03)
    unperformed = max(case.amount_total - recovered, Decimal("0"))
    contact = f"{officer.full_name or officer.username}，{officer.phone}".rstrip("，") if officer else ""
    return {
        "court_name": case.court.name,
        "case_number": case.number,
        "filing_date": chinese_date(case.filed_on),
        "basis": f"{case.basis_body}{case.basis_number}{BASIS_TITLES.get(case.basis_type, '法律文书')}",
        "basis_number": case.basis_number,
        "amount_total": yuan(case.amount_total),
        "amount_total_capital": to_capital(case.amount_total),
        "principal": yuan(case.principal),
        "principal_capital": to_capital(case.principal),
        "interest": yuan(case.interest) if case.interest else "",
        "costs": yuan(case.costs) if case.costs else "",
        "recovered_amount": yuan(recovered),
        "recovered_amount_capital": to_capital(recovered),
        "unperformed_amount": yuan(unperformed),
        "unperformed_amount_capital": to_capital(unperformed),
        "officer_name": (officer.full_name or officer.username) if officer else "",
        "court_contact": contact,
        **party_values(parties),
    }


def judgment_values(judgment: RegisteredJudgment, parties: Sequence[PrintedParty]) -> dict[str, str]:
    """What a risk notice or an urging letter prints about the judgment (R-MONEY-01 amounts)."""
    judge = judgment.judge
    phone = getattr(judge, "phone", "") if judge else ""
    title = BASIS_TITLES.get(judgment.basis_type, "法律文书")
    return {
        "court_name": judgment.court.name,
        "case_number": judgment.number,
        "basis": f"{judgment.court.name}{judgment.number}{title}",
        "effective_date": chinese_date(judgment.effective_on),
        "amount_total": yuan(judgment.amount_total),
        "amount_total_capital": to_capital(judgment.amount_total),
        "principal": yuan(judgment.principal),
        "principal_capital": to_capital(judgment.principal),
        "interest": yuan(judgment.interest) if judgment.interest else "",
        "costs": yuan(judgment.costs) if judgment.costs else "",
        "performance_days": chinese_number(min(judgment.performance_days, 99)),
        "performance_deadline": chinese_date(judgment.due_on),
        "officer_name": judgment.judge_name,
        "court_contact": f"{judgment.judge_name}，{phone}".rstrip("，"),
        **party_values(parties),
    }
