"""Rules for templates and document numbers, as pure functions.

Template syntax (docs/documents.md): one paragraph per line; `# ` a centred heading, `= ` the
right-aligned number line, `! ` a paragraph without first-line indent, `> ` a right-aligned line
(court, date), `---` a page break (e.g. before a 回执); `{{ name }}` a placeholder from the kind's
catalogue. Nothing else in braces: templates carry no logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from enforcelink.core.errors import InvalidInput, RuleViolation

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
BRACES = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
MAX_BODY = 50_000
VARIANT = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Kinds issued on a registered judgment before enforcement (执前督促), not on a case.
JUDGMENT_KINDS = frozenset({"risk_notice", "urging_notice"})
# Kinds the platform issues from what it recorded (assets: a re-inquiry's result after 终本,
# R-ASSET-05), never from the case page nor in a batch.
PLATFORM_KINDS = frozenset({"reinquiry_notice"})

# The document-type word of the number （2026）渝0110执通12号; the case keeps its own 案号 (R-ID-03).
NUMBER_WORDS = {
    "execution_notice": "执通",
    "property_report_order": "报财",
    "assistance_notice": "协执",
    "consumption_restriction": "限消",
    "consumption_lifting": "解限",
    "dishonest_listing": "失信",
    "dishonest_deletion": "删失",
    "fine": "罚",
    "detention": "拘",
    "summons": "拘传",
    "exit_restriction": "限出",
    "termination_ruling": "终本",
    "enforcement_ruling": "执裁",
    "bounty_notice": "悬赏",
    "risk_notice": "风险",
    "urging_notice": "督促",
    "reinquiry_notice": "查告",
}


def check_subject(kind: str, *, judgment: bool) -> None:
    """Risk notices and urging letters go out before enforcement, on a judgment; all others on a case."""
    if (kind in JUDGMENT_KINDS) != judgment:
        raise RuleViolation(
            "DOCUMENT_SUBJECT",
            _("This document is issued on a registered judgment before enforcement.")
            if kind in JUDGMENT_KINDS
            else _("This document is issued on an enforcement case."),
            field="kind",
        )


# Issued from the case page (issue 14 §2), in the order an officer needs them: the notice and the
# property-report order first (R-CASE-01), then credit punishment, the bounty, coercive measures,
# lifting what was imposed, and the ruling that ends this round before closure. The assistance
# notice and the enforcement ruling go out with an assistance request (linkage), addressed to a unit.
CASE_PAGE_KINDS = (
    "execution_notice",
    "property_report_order",
    "consumption_restriction",
    "dishonest_listing",
    "exit_restriction",
    "bounty_notice",
    "summons",
    "fine",
    "detention",
    "consumption_lifting",
    "dishonest_deletion",
    "termination_ruling",
)
# A lifting or a deletion undoes a document issued on the case before: without it, nothing to undo.
NEEDS_ISSUED = {"consumption_lifting": "consumption_restriction", "dishonest_deletion": "dishonest_listing"}
# R-CASE-01: issuing the notice or the order is the step that completes its clock (cases.policy.STEP_COMPLETES).
COMPLETES_STEP = {
    "execution_notice": "execution_notice_sent",
    "property_report_order": "property_report_sent",
}


def case_kinds(*, closed: bool, issued: set[str]) -> list[str]:
    """The kinds the case page offers for a case: none once it is closed (read-only, issue 2 §6)."""
    if closed:
        return []
    return [kind for kind in CASE_PAGE_KINDS if kind not in NEEDS_ISSUED or NEEDS_ISSUED[kind] in issued]


def check_case_kind(kind: str, *, issued: set[str]) -> str:
    """Refuse, naming why, a kind the case page does not issue on an open case (a closed one is
    refused before, by cases' own rule)."""
    if kind not in case_kinds(closed=False, issued=issued):
        raise RuleViolation(
            "DOCUMENT_NOT_FOR_CASE",
            _("Nothing to lift or delete: the document it undoes was not issued on this case.")
            if kind in NEEDS_ISSUED
            else _("This document is not issued from the case page; it goes out with an assistance request."),
            field="kind",
        )
    return kind


def used_placeholders(body: str) -> list[str]:
    """The placeholder names a body uses, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(body)))


def check_template(body: str, allowed: Mapping[str, object]) -> list[str]:
    """Refuse a body with stray braces or a placeholder outside the kind's catalogue, naming it."""
    if not body.strip():
        raise InvalidInput("TEMPLATE_EMPTY", _("The template is empty."), field="body")
    if len(body) > MAX_BODY:
        raise InvalidInput("TEMPLATE_TOO_LONG", _("The template is too long."), field="body")
    for line_number, line in enumerate(body.splitlines(), start=1):
        if BRACES.search(PLACEHOLDER.sub("", line)):
            raise InvalidInput(
                "TEMPLATE_SYNTAX",
                _("Line %(line)s: only {{ name }} placeholders are allowed in braces.")
                % {"line": line_number},
                field="body",
                line=line_number,
            )
    names = used_placeholders(body)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidInput(
            "UNKNOWN_PLACEHOLDER",
            _("Unknown placeholder: %(names)s.") % {"names": ", ".join(unknown)},
            field="body",
            names=unknown,
        )
    return names


def check_required(
    names: list[str], values: Mapping[str, str], required: set[str], *, case_number: str
) -> None:
    """Missing data for a required placeholder names the field and the case."""
    missing = [name for name in names if name in required and not str(values.get(name, "")).strip()]
    if missing:
        raise RuleViolation(
            "MISSING_DATA",
            _("Case %(case)s lacks data for: %(fields)s.")
            % {"case": case_number, "fields": ", ".join(missing)},
            field=missing[0],
            fields=missing,
        )


def document_number(year: int, court_code: str, kind: str, sequence: int) -> str:
    """（2026）渝0110执通12号: per court, document kind and year, without gaps."""
    return f"（{year}）{court_code}{NUMBER_WORDS[kind]}{sequence}号"


# R-LIST-01: the six grounds of the 2017 rules, Art.1, as printed in the decision.
LISTING_GROUNDS = {
    1: "有履行能力而拒不履行生效法律文书确定义务",
    2: "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    3: "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    4: "违反财产报告制度",
    5: "违反限制消费令",
    6: "无正当理由拒不履行执行和解协议",
}


def listing_grounds(grounds: object) -> list[int]:
    """R-LIST-01: one or more of grounds 1–6, each cited once."""
    if isinstance(grounds, str | int):
        grounds = [grounds]  # "4" is ground 4, not the characters of a string
    try:
        chosen = sorted({int(ground) for ground in grounds})  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        chosen = []
    if not chosen or any(ground not in LISTING_GROUNDS for ground in chosen):
        raise InvalidInput(
            "LISTING_GROUND", _("Choose one or more listing grounds from 1 to 6."), field="grounds"
        )
    return chosen


def listing_term_years(grounds: list[int], extension_years: int = 0) -> int | None:
    """R-LIST-03: two years for grounds 2–6, plus an extension of 1–3 years for serious cases; ground 1
    alone lasts until a deletion ground arises (None)."""
    if extension_years and not 1 <= extension_years <= 3:
        raise InvalidInput(
            "LISTING_EXTENSION", _("An extension of the term is 1 to 3 years."), field="extension_years"
        )
    if not any(ground != 1 for ground in grounds):
        return None
    return 2 + extension_years


# R-FORCE-01 limits (CPL): fines for an individual up to 100,000 yuan, for an organisation
# 50,000 to 1,000,000 yuan; detention up to 15 days.
FINE_PERSON_MAX = Decimal("100000.00")
FINE_ORGANISATION_MIN = Decimal("50000.00")
FINE_ORGANISATION_MAX = Decimal("1000000.00")
DETENTION_MAX_DAYS = 15


def check_fine(amount: Decimal, *, organisation: bool) -> Decimal:
    """R-FORCE-01: the fine stays within the limits for the kind of person fined."""
    low, high = (
        (FINE_ORGANISATION_MIN, FINE_ORGANISATION_MAX) if organisation else (Decimal("0.01"), FINE_PERSON_MAX)
    )
    if not low <= amount <= high:
        raise RuleViolation(
            "FINE_LIMIT",
            _("A fine on this person must be from %(low)s to %(high)s yuan.") % {"low": low, "high": high},
            field="fine_amount",
        )
    return amount


# --- template variants (issue 3 §1: 协助执行通知书 per request type) ------------------------------

# The request types the linkage platform sends (DOMAIN.md §4 and §10, issue 4 §1), each with its own
# shipped text `defaults/assistance_notice.<code>.txt`. The durations printed follow R-ASSET-02
# (民诉解释 Art.485): deposits frozen 1 year, movables seized 2 years, real property and other
# property rights 3 years; a renewal at most the same again.
ASSISTANCE_VARIANTS: dict[str, str] = {
    "inquiry": "查询存款及其他财产",
    "freeze": "冻结存款",
    "unfreeze": "解除冻结存款",
    "renew_freeze": "续行冻结存款",
    "deduct": "扣划存款",
    "freeze_equity": "冻结股权等财产权",
    "seize": "查封不动产",
    "seize_movable": "查封、扣押动产",
    "release": "解除查封、扣押",
    "renew_seizure": "续行查封、扣押",
    "vehicle_detention": "查找并扣押车辆（查人扣车）",
    "locate": "查找被执行人下落",
    "archive": "档案查询",
}
# 执行裁定书 per control measure: CPL Art.253 and Art.255 require a ruling before deposits are frozen
# or deducted and property is seized, and the notice executes it (DOMAIN.md §11). One ruling serves
# every notice of the case for that measure, so it decides the measure for the case (up to the
# amount still owed, R-ASSET-03) and the notices name the account or the property; the periods it
# prints follow R-ASSET-02. The general text (no variant) decides any other measure by its name.
# Named as the notices name the measure, but for the vehicle: the court rules on its detention, the
# police also look for it.
RULING_VARIANTS: dict[str, str] = {
    code: ASSISTANCE_VARIANTS[code]
    for code in ("freeze", "unfreeze", "renew_freeze", "deduct", "freeze_equity", "seize", "seize_movable",
                 "release", "renew_seizure")
} | {"vehicle_detention": "扣押车辆"}  # fmt: skip
# A kind listed here takes only its catalogued variants; any other kind has none.
TEMPLATE_VARIANTS: dict[str, dict[str, str]] = {
    "assistance_notice": ASSISTANCE_VARIANTS,
    "enforcement_ruling": RULING_VARIANTS,
}
# Variants whose wording prints the amount: an empty amount would print a blank where the bank reads
# how much to freeze or deduct, so the amount is required for them (R-MONEY-01).
AMOUNT_VARIANTS: dict[str, frozenset[str]] = {
    "assistance_notice": frozenset({"freeze", "renew_freeze", "deduct"}),
}


def variants(kind: str) -> dict[str, str]:
    """The variant codes a kind's template may have, with their Chinese names (empty: none)."""
    return TEMPLATE_VARIANTS.get(kind, {})


def check_variant(kind: str, variant: str) -> str:
    """A variant must be in its kind's catalogue; the empty variant (the general text) always is."""
    if variant and variant not in variants(kind):
        raise InvalidInput(
            "DOCUMENT_VARIANT",
            _("Unknown template variant: %(variant)s.") % {"variant": variant},
            field="variant",
        )
    return variant


def variant_required(kind: str, variant: str) -> set[str]:
    """Placeholders a variant needs filled beyond its kind's catalogue (the amount of a deduction)."""
    if variant in AMOUNT_VARIANTS.get(kind, frozenset()):
        return {"measure_amount", "measure_amount_capital"}
    return set()
