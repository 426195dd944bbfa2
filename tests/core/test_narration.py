"""The trail told in words (issue 14 §4): every action written in src/ has a sentence, read in
Simplified Chinese and in English with no code in it; values formatted for the reader; an unknown
action still reads; deadline traces explained in words."""

from __future__ import annotations

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from enforcelink.cases.policy import STEP_COMPLETES
from enforcelink.core import calendar, narration, traces
from enforcelink.core.calendar import compute_deadline, with_history
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.sentences import STEPS as REQUEST_STEPS
from tests.factories import UserFactory, file_case

SRC = Path(__file__).resolve().parents[2] / "src" / "enforcelink"

# --- every action written in src/ -------------------------------------------------------------------


def _strings(node: ast.AST, assigned: dict[str, list[ast.AST]]) -> set[str]:
    """The string values an expression can take: constants, both arms of `a if c else b`, a name's
    assignments in the module, a dict's values (`PAST[transition]`, `kinds.get(..., "created")`);
    an f-string as its literal prefix followed by "*" (`f"step.{step}"` → "step.*")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) | _strings(node.orelse, assigned)
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        prefix = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        return {prefix + "*"}
    if isinstance(node, ast.Name):
        return {s for value in assigned.get(node.id, []) for s in _strings(value, assigned)}
    if isinstance(node, ast.Dict):
        return {s for value in node.values for s in _strings(value, assigned)}
    if isinstance(node, ast.Subscript):
        return _strings(node.value, assigned)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        default = _strings(node.args[1], assigned) if len(node.args) > 1 else set()
        return _strings(node.func.value, assigned) | default
    return set()


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _step_writers() -> set[str]:
    """The functions of linkage's trail that take a request's step kind second (`record_step`,
    `trail_step`), read from their module so that a rename does not empty the walk."""
    tree = ast.parse((SRC / "linkage" / "actions" / "trail.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and [a.arg for a in node.args.args[1:2]] == ["kind"]
    }


def _walk() -> tuple[set[str], set[str], set[str]]:
    """(audit actions, request step kinds, machine actor labels) written anywhere in src/."""
    writers = _step_writers()
    actions: set[str] = set()
    kinds: set[str] = set()
    machines: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
                assigned.setdefault(node.target.id, []).append(node.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _callee(node)
                if name in ("record", "Entry", "_created") and node.args and path.name != "audit.py":
                    actions |= _strings(node.args[0], assigned)
                if name in writers and len(node.args) > 1:
                    kinds |= _strings(node.args[1], assigned)
                if name == "SystemActor" and node.args:
                    machines |= _strings(node.args[0], assigned)
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        actions |= {s for s in _strings(keyword.value, assigned) if "." in s}
            if isinstance(node, ast.arguments):  # `actor: Any = "demo-data"`
                positional = zip(node.args[len(node.args) - len(node.defaults) :], node.defaults, strict=True)
                for arg, default in [*positional, *zip(node.kwonlyargs, node.kw_defaults, strict=True)]:
                    if arg.arg == "actor" and default is not None:
                        machines |= _strings(default, assigned)
    return {a for a in actions if re.match(r"^[a-z0-9_]+\.[a-z0-9_.*]+$", a)}, kinds, machines


ACTIONS, REQUEST_KINDS, MACHINES = _walk()


def test_the_walk_finds_the_trail_as_written():
    """The walk itself sees what the apps write (so an empty walk cannot pass the test below)."""
    assert {"case.filed", "request.*", "step.*", "admin.changed", "case.imported_closed"} <= ACTIONS
    assert {"judgment.notified", "court.created", "calendar.changed", "apikey.issued"} <= ACTIONS
    assert {"sent", "acknowledged", "completed", "escalated", "created", "submitted"} <= REQUEST_KINDS
    assert {"cli:import", "simulator", "demo-data"} <= MACHINES


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_written_has_a_sentence(action):
    """A new `audit.record("x.y")` without a sentence registered in its app's ready() fails here."""
    if action == "request.*":  # one per step: the test below
        return
    assert narration.narrator(action.replace("*", "anything")) is not None, f"no sentence for {action!r}"


@pytest.mark.parametrize("kind", sorted(REQUEST_KINDS))
def test_every_request_step_has_a_sentence(kind):
    assert kind in REQUEST_STEPS, f"no sentence for the request step {kind!r} (linkage/sentences.py)"
    assert narration.narrator(f"request.{kind}") is not None


@pytest.mark.parametrize("label", sorted(MACHINES - {"system"}))
def test_every_machine_actor_is_named(label):
    assert label in narration.machine_labels(), f"{label!r} would read as a bare 系统 (name_machine)"


# --- each action in words, in both languages ----------------------------------------------------

NOW = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
NODE = {"node": 7, "kind": "execution_notice", "due_on": "2026-03-09", "status": "done"}
REQUEST_DATA = {
    "due_on": "2026-03-09", "notice": "（2026）渝0110协执23号", "ruling": "（2026）渝0110执133号之一",
    "note": "已补正账户信息", "paused_days": 2, "before_due_on": "2026-03-06", "side": "unit",
    "attachments": [{"name": "流水.pdf", "size": 12, "sha256": "ab" * 32}],
}  # fmt: skip
# A plausible entry per action, as the actions write it (before, after, object type).
SAMPLES: dict[str, tuple[object, object, str]] = {
    "calendar.changed": (None, {"version": 3, "years": [2026], "source": "国办发明电〔2025〕7号", "published_on": "2025-11-04",
                                "deleted": [], "changed_dates": ["2026-10-09"], "recomputed": {"cases.nodes": 2}}, ""),
    "region.created": (None, {"code": "500110", "name": "綦江区", "path": "500000/500110/"}, "orgs.region"),
    "court.added": (None, {"code": "渝0110", "name": "重庆市綦江区人民法院", "level": "basic", "region": "500110"}, "orgs.court"),
    "court.created": (None, {"code": "渝0110", "name": "重庆市綦江区人民法院"}, "orgs.court"),
    "team.created": (None, {"court": "渝0110", "name": "执行一组"}, "orgs.team"),
    "unit.created": (None, {"name": "綦江农商银行", "type": "bank", "region": "500110", "leader": "王行长"}, "orgs.linkageunit"),
    "body.created": (None, {"name": "綦江区人大常委会", "kind": "congress"}, "orgs.supervisorybody"),
    "user.created": (None, {"username": "liu.liaison", "full_name": "刘联络", "role": "liaison", "unit": "綦江农商银行"}, "orgs.user"),
    "apikey.issued": (None, {"unit": 1, "name": "核心系统", "prefix": "d4874415"}, "orgs.apikey"),
    "apikey.revoked": (None, {"unit": 1, "prefix": "d4874415"}, "orgs.apikey"),
    "auth.2fa_enabled": (None, {"device": "otp_totp.totpdevice/1"}, "orgs.user"),
    "auth.2fa_disabled": (None, {"devices_removed": 1, "by": "admin"}, "orgs.user"),
    "admin.created": (None, {"name": "执行二组", "court": "重庆市綦江区人民法院（渝0110）"}, "orgs.team"),
    "admin.changed": ({"require_2fa": "False", "small_claim_threshold": "50000.00"},
                      {"require_2fa": "True", "small_claim_threshold": "60000.00"}, "orgs.court"),
    "admin.deleted": ("执行二组", None, "orgs.team"),
    "case.filed": (None, {"number": "（2026）渝0110执133号", "court": "渝0110", "type_code": "执", "filed_on": "2026-03-02",
                          "status": "open", "basis_number": "（2025）渝0110民初88号", "principal": "124700.50",
                          "interest": "0.00", "costs": "694.63", "parties": [["respondent", "杨某", "500222199001011234"]]},
                   "cases.case"),
    "case.assigned": (None, {"officer": "qj-officer10", "method": "random_rotation", "candidates": ["a", "b"]}, "cases.case"),
    "case.reassigned": ({"officer": "qj-officer10"}, {"officer": "qj-officer11", "reason": "回避"}, "cases.case"),
    "case.amounts_corrected": ({"principal": "120000.00", "interest": "0.00", "costs": "0.00"},
                               {"principal": "90000.00", "interest": "0.00", "costs": "500.00", "reason": "补正裁定"},
                               "cases.case"),
    "case.closed": ({"status": "open"}, {"status": "closed", "mode": "fully_performed", "closed_on": "2026-05-06",
                                         "details": {}, "within_period": True, "closure_due_on": "2026-09-02"}, "cases.case"),
    "case.resumed": (None, {"resumed_as": "（2026）渝0110执恢5号", "reason": "发现新财产"}, "cases.case"),
    "case.resumed_from": (None, {"resumed_from": "（2025）渝0110执99号", "reason": "发现新财产"}, "cases.case"),
    "case.suspension_started": (None, {"kind": "audit", "started_on": "2026-04-01", "reason": "委托审计",
                                       "closure_clock_paused": True}, "cases.casesuspension"),
    "case.suspension_ended": ({"closure_due_on": "2026-09-02"}, {"ended_on": "2026-04-13", "excluded_days": 12,
                                                                  "closure_due_on": "2026-09-14"}, "cases.casesuspension"),
    "case.extension_requested": (None, {"months": 3, "reason": "财产处置中", "due_on": "2026-09-02",
                                        "high_court_ref": ""}, "cases.extensionrequest"),
    "case.extension_decided": ({"closure_due_on": "2026-09-02"}, {"status": "approved", "note": "同意",
                                                                   "closure_due_on": "2026-12-02"}, "cases.extensionrequest"),
    "case.imported_closed": (None, {"recovered_amount": "1000.00", "status": "closed", "closed_on": "2020-01-02",
                                    "closure_mode": "terminated_this_round"}, "cases.case"),
    "case.imported_recovered": (None, {"recovered_amount": "1000.00"}, "cases.case"),
    "lead.submitted": (None, {"description": "被执行人名下车辆渝A12345", "urgent": True, "on": "2026-03-03",
                              "due_on": "2026-03-06"}, "cases.assetlead"),
    "party.id_revealed": (None, {"party": "杨某", "masked": "5002221990****1234", "purpose": "linkage"}, "cases.party"),
    "node.overdue": ({"status": "open"}, {"status": "overdue", "kind": "execution_notice", "due_on": "2026-03-09",
                                          "swept_on": "2026-03-10"}, "cases.processnode"),
    "node.recomputed": ({"due_on": "2026-10-09"}, {"due_on": "2026-10-12", "calendar": 3, "dates": ["2026-10-09"]},
                        "cases.processnode"),
    "step.*": (None, {"step": "execution_notice_sent", "on": "2026-03-03", "lead": None, "completes": [NODE]}, "cases.case"),
    "document.issued": (None, {"number": "（2026）渝0110执通12号", "kind": "execution_notice", "on": "case",
                               "template": "3 v1", "rendered": "on first download"}, "documents.document"),
    "document.rendered": (None, {"number": "（2026）渝0110执通12号", "sha256": {"pdf": "ab"}, "dropped_characters": ["\u2028"]},
                          "documents.document"),
    "document_template.saved": ({"version": 1}, {"kind": "assistance_notice", "variant": "freeze", "version": 2,
                                                 "sha256": "ab"}, "documents.documenttemplate"),
    "document_batch.created": (None, {"kind": "execution_notice", "variant": "", "formats": ["pdf", "docx"], "total": 25,
                                      "extra": {}}, "documents.documentbatch"),
    "document_batch.resumed": (None, None, "documents.documentbatch"),
    "judgment.registered": (None, {"number": "（2025）渝0110民初88号", "due_on": "2026-03-20", "amount": "124700.50"},
                            "urging.judgment"),
    "judgment.notified": ({"status": "registered"}, {"status": "notified", "documents": ["（2026）渝0110执前1号"]},
                          "urging.judgment"),
    "judgment.performance_recorded": ({"status": "notified"}, {"status": "performed", "paid": "124700.50",
                                                               "on": "2026-03-18"}, "urging.judgment"),
    "judgment.withdrawn": ({"status": "notified"}, {"status": "withdrawn", "reason": "再审改判"}, "urging.judgment"),
    "judgment.converted": ({"status": "unpaid"}, {"status": "converted", "case": "（2026）渝0110执133号"}, "urging.judgment"),
    "judgment.unpaid": ({"status": "notified"}, {"status": "unpaid", "due_on": "2026-03-20"}, "urging.judgment"),
    "judgment.due_recomputed": ({"due_on": "2026-10-09"}, {"due_on": "2026-10-12", "calendar": 3, "dates": ["2026-10-09"]},
                                "urging.judgment"),
    "party.ids_revealed": (None, {"purpose": "linkage", "via": "reply_sheet", "request_type": "freeze", "requests": [5, 6],
                                  "respondents": 3}, "orgs.linkageunit"),
    "attachment.downloaded": (None, {"request": 5, "name": "流水.pdf", "sha256": "ab"}, "linkage.requestattachment"),
    "delivery.retried": ({"status": "dead"}, {"status": "pending"}, "linkage.delivery"),
    "unit_endpoint.simulated": (None, {"url": "http://127.0.0.1:8000/sim/bank/"}, "linkage.unitendpoint"),
    "funds.account_opened": (None, {"reference": "04401102026100013365"}, "funds.caseaccount"),
    "funds.receipt_recorded": (None, {"kind": "receipt_voluntary", "amount": "12000.00", "value_on": "2026-03-04",
                                      "reference": "B2026030400017"}, "funds.journal"),
    "funds.opening_recorded": (None, {"amount": "3000.00", "value_on": "2020-01-02"}, "funds.journal"),
    "funds.journal_reversed": (None, {"reverses": 12, "reversed_kind": "receipt_voluntary", "amount": "12000.00",
                                      "reason": "错记案件"}, "funds.journal"),
    "funds.statement_imported": (None, {"file": "专户对账单.xlsx", "sha256": "ab" * 32, "lines": 3, "booked": 2,
                                        "unidentified": 1, "repeated": 0, "amount": "3800.50"}, "funds.statementimport"),
    "funds.unidentified_received": (None, {"amount": "300.00", "arrived_on": "2026-03-04", "identify_by": "2026-03-09",
                                           "reference": "B003", "payer": "王五"}, "funds.unidentifiedreceipt"),
    "funds.unidentified_assigned": (None, {"amount": "300.00", "arrived_on": "2026-03-04", "reference": "B003",
                                           "payer": "王五", "journal": 14, "note": "电话核实"}, "funds.unidentifiedreceipt"),
    "funds.unidentified_returned": (None, {"amount": "300.00", "reference": "B003", "payer": "王五",
                                           "payer_account": "6222", "reason": "付款人汇错"}, "funds.unidentifiedreceipt"),
    "funds.payout_proposed": (None, {"kind": "applicant", "payee": "张三", "amount": "30000.00", "account": "6222",
                                     "reference": "ZF00012026000001", "note": ""}, "funds.payout"),
    "funds.payout_approved": (None, {"amount": "30000.00", "payee": "张三", "account": "6222",
                                     "reference": "ZF00012026000001", "note": "同意"}, "funds.payout"),
    "funds.payout_refused": (None, {"amount": "30000.00", "payee": "张三", "reason": "金额有误"}, "funds.payout"),
    "funds.payout_cancelled": (None, {"amount": "30000.00", "payee": "张三", "reason": "重新核对"}, "funds.payout"),
    "funds.payout_paid": (None, {"amount": "30000.00", "payee": "张三", "account": "6222", "reference": "ZF00012026000001",
                                 "paid_on": "2026-03-05", "journal": 15}, "funds.payout"),
    "funds.payout_returned": (None, {"amount": "30000.00", "payee": "张三", "reference": "ZF00012026000001",
                                     "reason": "账户已销户"}, "funds.payout"),
    "funds.payout_lodged": (None, {"amount": "30000.00", "payee": "张三", "lodged_with": "綦江区公证处",
                                   "reason": "申请执行人拒绝受领", "lodged_on": "2026-03-06", "journal": 16}, "funds.payout"),
    "funds.closure_proposed": (None, {"mode": "fully_performed"}, "cases.case"),
    "funds.fee_decided": ({"owed": "1700.00"}, {"amount": "0.00", "scale": "1700.00", "owed": "0.00",
                                                "reason": "申请执行人系低保户，依法免交"}, "funds.feedecision"),
    "funds.fee_collected": (None, {"amount": "1700.00", "owed": "1700.00", "paid": "1700.00",
                                   "collected": "1700.00"}, "funds.journal"),
    "funds.payment_file_made": (None, {"count": 3, "amount": "90000.00", "references": ["ZF00012026000001"]}, ""),
    "inquiry.started": (None, {"kinds": ["inquire_deposits", "inquire_vehicles"], "purpose": "查明被执行人财产状况",
                               "legal_basis": "民诉法第二百五十三条", "automatic": False, "sent": 2, "units": 2,
                               "refused": [["綦江区公安局", "inquire_exit_entry", "PERSON_ONLY_REQUEST"]]}, "assets.inquiry"),
    "assets.recorded": (None, {"request": 5, "unit": 3, "request_type": "inquire_deposits", "found": 2,
                               "records": [7, 8], "new": 1}, "linkage.assistancerequest"),
    "inquiry_sample.drawn": (None, {"body": "綦江区人大常委会", "start": "2026-02-01", "end": "2026-02-28", "size": 20,
                                    "seed": 12345, "population": 130, "drawn": 20}, "assets.inquirysample"),
    "inquiry.reviewed": (None, {"sample": 3, "verdict": "no_basis", "note": "未写明法律依据"}, "assets.inquiry"),
    "control.freeze_sent": (None, {"kind": "freeze", "request": 5, "unit": 3, "amount": "50000.00",
                                   "identifier": "6217000000000001", "left": "71700.00", "total": "121700.00"},
                            "assets.controlmeasure"),
    "control.seize_sent": (None, {"kind": "seize", "request": 5, "unit": 3, "amount": "900000.00",
                                  "identifier": "渝（2020）綦江区不动产权第1234567号", "left": "0.00",
                                  "total": "121700.00"}, "assets.controlmeasure"),
    "control.detain_sent": (None, {"kind": "detain_vehicle", "request": 5, "unit": 3, "amount": "60000.00",
                                   "identifier": "渝B·12345"}, "assets.controlmeasure"),
    "control.deduct_sent": (None, {"kind": "deduct", "request": 6, "unit": 3, "amount": "30000.00", "freeze": 2,
                                   "frozen": "50000.00"}, "assets.controlmeasure"),
    "control.lift_sent": (None, {"kind": "unfreeze", "request": 7, "unit": 3, "amount": "38300.00", "lifts": 2,
                                 "whole": False, "reason": "超出控制限额：已控制160,000.00元，控制限额为121,700.00元。",
                                 "automatic": True}, "assets.controlmeasure"),
    "control.confirmed": (None, {"kind": "freeze", "request": 5, "status": "partly_effective", "confirmed": "400.00",
                                 "term_end": "2027-03-01", "parent": None, "parent_status": None},
                          "assets.controlmeasure"),
    "control.refused": (None, {"kind": "freeze", "request": 5, "reason": "账户已销户"}, "assets.controlmeasure"),
    "control.confirmation_ignored": (None, {"kind": "freeze", "request": 5, "status": "released",
                                            "reason": "措施已“已解除”后收到确认，不发生效力。"}, "assets.controlmeasure"),
    "control.cancelled": (None, {"kind": "deduct", "request": 6, "reason": "债务已履行完毕，解除全部控制措施。"},
                          "assets.controlmeasure"),
    "control.kept_whole": (None, {"kind": "seize", "value": "900000.00", "reason": "不可分物，整体查封",
                                  "total": "121700.00"}, "assets.controlmeasure"),
    "control.release_unsent": (None, {"measures": [3, 4], "total": "70000.00",
                                      "reason": "无人可发送：请先为案件指定承办人"}, "cases.case"),
    "control.renew_sent": (None, {"kind": "freeze", "request": 8, "unit": 3, "amount": "50000.00",
                                  "identifier": "6217000000000001", "renews": 2, "current_until": "2026-03-20",
                                  "until": "2027-03-20"}, "assets.controlmeasure"),
    "control.renewed": (None, {"kind": "freeze", "identifier": "6217000000000001", "renewal": 9,
                               "previous_end": "2026-03-20", "given": "2027-03-21", "term_end": "2027-03-20",
                               "cut": True}, "assets.controlmeasure"),
    "control.renewal_ignored": (None, {"kind": "freeze", "renews": 2, "parent_status": "lapsed",
                                       "reason": "续行在措施失效后才确认，不发生效力。"}, "assets.controlmeasure"),
    "control.term_fixed": (None, {"kind": "detain_vehicle", "given": None, "term_end": "2028-03-04", "cut": False,
                                  "effective_on": "2026-03-04"}, "assets.controlmeasure"),
    "control.lapsed": (None, {"kind": "seize", "identifier": "渝（2020）綦江区不动产权第1234567号",
                              "term_end": "2026-03-04", "held": "900000.00", "status": "lapsed"}, "assets.controlmeasure"),
    "control.waiting": (None, {"kind": "seize", "identifier": "渝（2020）綦江区不动产权第1234567号", "position": 2,
                               "registered_on": "2026-03-04", "note": "轮候查封"}, "assets.controlmeasure"),
    "control.promoted": (None, {"kind": "seize", "identifier": "渝（2020）綦江区不动产权第1234567号",
                                "effective_on": "2026-03-05", "term_end": "2029-03-05", "cause": "lapsed",
                                "still_waiting": 1}, "assets.controlmeasure"),
    "control.earlier_freed": (None, {"identifier": "渝（2020）綦江区不动产权第1234567号", "how": "lapsed",
                                     "on": "2026-03-04", "freed_on": "2026-03-05", "note": "登记中心告知",
                                     "other_measures": ["已被重庆市江津区人民法院查封"], "promoted": 5},
                              "assets.assetrecord"),
    "property_report.opened": (None, {"order": 4, "ordered_on": "2026-03-02", "days": 5, "due_on": "2026-03-09"},
                               "assets.propertyreport"),
    "property_report.received": (None, {"on": "2026-03-10", "channel": "link", "items": 2, "declares_nothing": False,
                                        "due_on": "2026-03-09", "late": True}, "assets.propertyreport"),
    "property_report.compared": (None, {"matched": 1, "left_out": [7], "unfound": 1, "findings": ["late", "false"]},
                                 "assets.propertyreport"),
    "property_report.link_created": (None, {"report": 3, "expires_at": "2026-03-09T10:00:00+08:00"},
                                     "assets.reportlink"),
    "property_report.superseded": (None, {"order": 4, "due_on": "2026-03-09", "superseded_by": 5,
                                          "new_order": "（2026）渝0110执1号之二", "new_due_on": "2026-03-20",
                                          "links_revoked": 1, "reason": "被新的报告财产令取代"},
                                   "assets.propertyreport"),
    "report_finding.raised": (None, {"kind": "false", "report": 3, "detail": "查询发现的1项财产未在报告中列明。",
                                     "records": [7]}, "assets.reportfinding"),
    "report_finding.decided": (None, {"kind": "late", "decision": "confirmed", "reason": "逾期报告无正当理由"},
                               "assets.reportfinding"),
    "lead_check.inquired": (None, {"lead": 2, "inquiry": 5, "kind": "inquire_real_estate", "sent": 1}, "assets.leadcheck"),
    "lead_check.linked": (None, {"lead": 2, "records": [7, 8]}, "assets.leadcheck"),
    "lead_check.concluded": (None, {"lead": 2, "outcome": "not_confirmed", "note": "登记中心查无此房", "records": []},
                             "assets.leadcheck"),
    "reinquiry.scheduled": (None, {"rounds": 10, "first": "2026-09-02", "last": "2031-03-02"}, "cases.case"),
    "reinquiry.stopped": (None, {"rounds": 9, "resumed_as": 12}, "cases.case"),
    "reinquiry.failed": (None, {"round": 1, "note": "本案无承办人，无法以其名义查询。"}, "assets.reinquiry"),
    "reinquiry.concluded": (None, {"round": 1, "new": [7], "notice": "（2026）渝0110查告1号"}, "assets.reinquiry"),
}  # fmt: skip
for _kind in REQUEST_STEPS:
    SAMPLES[f"request.{_kind}"] = (
        {"status": "sent"},
        {"status": "acknowledged", **REQUEST_DATA},
        "linkage.assistancerequest",
    )
# Codes a reader must never see: dotted or snake_case names (`request.sent`, `random_rotation`,
# `fully_performed`), a key's label, a rule id inside the words.
CODE = re.compile(r"\b[a-z]+(?:[._][a-z0-9]+)+\b|api-key|\bR-[A-Z]+-\d")


def _event(action, before, after, object_type, **fields):
    return AuditEvent(seq=1, created_at=NOW, action=action, before=before, after=after, object_type=object_type,
                      object_id="999999", actor_label=fields.pop("actor_label", "system"), **fields)  # fmt: skip


def test_every_registered_action_has_a_sample_here():
    """So that the test below reads every sentence: a new action comes with its sample."""
    assert narration.registered() - set(SAMPLES) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("action", sorted(SAMPLES))
def test_each_action_reads_as_a_sentence_without_code(action, language):
    before, after, object_type = SAMPLES[action]
    concrete = action.replace("*", "execution_notice_sent")
    with translation.override(language):
        [told] = narration.tell([_event(concrete, before, after, object_type)])
        text = " ".join([told.sentence, *told.lines])
    assert told.sentence and told.sentence[0] != "%"
    assert concrete not in text and not CODE.search(text), text
    assert "500222199001011234" not in text  # full ID numbers never (R-ID-05)
    assert all(ref.startswith("R-") for ref in told.refs)  # rule ids only as the small reference


@pytest.mark.django_db
@pytest.mark.parametrize("step", sorted({*STEP_COMPLETES, "lead_verified"}))
def test_each_procedural_step_reads_by_its_name(step):
    with translation.override("zh-hans"):
        [told] = narration.tell(
            [_event(f"step.{step}", None, {"step": step, "on": "2026-03-03"}, "cases.case")]
        )
    assert step not in told.sentence and "2026年3月3日" in told.sentence


@pytest.mark.django_db
def test_chinese_sentences_use_the_catalogue_labels():
    """Choice labels, node names and request types come from the catalogue: in Chinese here."""
    with translation.override("zh-hans"):
        closed = narration.tell([_event("case.closed", *SAMPLES["case.closed"])])[0]
        overdue = narration.tell([_event("node.overdue", *SAMPLES["node.overdue"])])[0]
    assert "执行完毕" in closed.sentence and "2026年5月6日" in " ".join(closed.lines)
    assert "发出执行通知书" in overdue.sentence and "2026年3月9日" in overdue.sentence


# --- values as people read them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "said"),
    [
        ("zh-hans", Decimal("124700.5"), "124,700.50 元"),
        ("zh-hans", "694.63", "694.63 元"),
        ("en", "124700.50", "124,700.50 yuan"),
        ("en", 0, "0.00 yuan"),
    ],
)
def test_money_in_yuan_grouped_by_thousands(language, value, said, settings):
    with translation.override(language):
        if language == "zh-hans" and translation.gettext("%(amount)s yuan") == "%(amount)s yuan":
            said = said.replace(" 元", " yuan")  # the catalogue without this entry yet reads the English
        assert narration.money(value) == said


@pytest.mark.parametrize(
    ("language", "value", "said"),
    [
        ("zh-hans", "2026-03-04", "2026年3月4日"),
        ("zh-hans", dt.date(2026, 10, 1), "2026年10月1日"),
        ("en", "2026-03-04", "March 4, 2026"),
        ("en", "not a date", "not a date"),
    ],
)
def test_dates_in_the_locale_format(language, value, said):
    with translation.override(language):
        assert narration.day(value) == said


def test_a_moment_is_read_in_beijing_time():
    with translation.override("zh-hans"):
        assert narration.moment(dt.datetime(2026, 3, 4, 1, 30, tzinfo=dt.UTC)) == "2026年3月4日 09:30"


@pytest.mark.django_db
def test_changed_fields_show_their_labels_and_formatted_values():
    """The admin's "before → after" of a court: the fields' verbose names, yuan and yes/no."""
    with translation.override("en"):
        [told] = narration.tell([_event("admin.changed", *SAMPLES["admin.changed"])])
    assert ("Require two-factor sign-in", "no → yes") in told.details
    assert ("Small-claim threshold (yuan)", "50,000.00 yuan → 60,000.00 yuan") in told.details


@pytest.mark.django_db
def test_an_unknown_action_reads_humanised_with_its_values():
    """A future app's event, or one whose app is gone: its name humanised, never a failure."""
    event = _event(
        "asset.freeze_renewed", {"until": "2026-03-01"}, {"until": "2027-03-01", "amount": 5}, "assets.freeze"
    )
    with translation.override("en"):
        [told] = narration.tell([event])
    assert told.sentence == "System: Asset freeze renewed"
    assert ("Until", "March 1, 2026 → March 1, 2027") in told.details and ("Amount", "5") in told.details


@pytest.mark.django_db
def test_a_sentence_that_fails_on_old_data_falls_back():
    event = _event("case.closed", None, ["not", "a", "dict"], "cases.case")
    narration.register("test.broken", lambda event, scene: 1 / 0)  # type: ignore[arg-type,return-value]
    try:
        broken = _event("test.broken", None, {"a": 1}, "")
        told = narration.tell([event, broken])
    finally:
        narration._narrators.pop("test.broken")
    assert told[0].sentence and told[1].sentence.endswith("Test broken")


def test_machine_actors_read_as_the_system():
    with translation.override("en"):
        assert narration.machine_name("system") == "System"
        assert narration.machine_name("cli:import") == "System (case import)"
        assert narration.machine_name("cli:never-named") == "System"


@pytest.mark.django_db
def test_the_timeline_reads_what_it_names_once_per_page(world, django_assert_max_num_queries):
    """Loaders run once per page, whatever the number of events (no query per event)."""
    events = [
        _event("case.assigned", None, {"officer": world.officer.username, "method": "x"}, "cases.case")
    ] * 30
    events += [_event("node.recomputed", *SAMPLES["node.recomputed"])] * 30
    with django_assert_max_num_queries(2), translation.override("en"):
        told = narration.tell(events)
    assert told[0].sentence == f"System assigned the case to {world.officer}"


# --- traces in words --------------------------------------------------------------------------


def test_a_working_day_trace_names_the_holidays_it_skipped():
    """R-TIME-01: 10 working days from 2026-09-28 cross the National Day holiday (10/1–10/8)."""
    trace = compute_deadline(dt.date(2026, 9, 28), 10, "working_days", rule_id="R-TIME-01",
                             start_event="request_sent").trace  # fmt: skip
    with translation.override("en"):
        lines = traces.explain(trace)
    assert lines[0] == "Counted from sending the request on Sept. 28, 2026; that day itself is not counted."
    due = dt.date.fromisoformat(trace["due"])
    skipped = (due - dt.date(2026, 9, 28)).days - 10
    assert f"the {skipped} weekend days and holidays in between" in lines[1]
    assert "(National Day, October 1 to October 7)" in lines[1]
    assert lines[-1] == "Working days follow the State Council's holiday notices."
    assert not any("working days =" in line or "R-TIME" in line for line in lines)


def test_a_closure_trace_with_a_suspension_an_extension_a_roll_and_a_history():
    """R-CASE-03: six months, an approved extension, days not counted, the roll off a weekend, and
    the earlier due date with why it moved, each said in words."""
    first = compute_deadline(dt.date(2026, 1, 5), 6, "months", rule_id="R-CASE-03", start_event="case.filed")
    later = compute_deadline(dt.date(2026, 1, 5), 6, "months", rule_id="R-CASE-03", start_event="case.filed",
                             excluded_days=12, extensions_months=3)  # fmt: skip
    trace = with_history(first.due, first.trace, later, {"extension": 4, "months": 3, "high_court_ref": ""})
    with translation.override("en"):
        lines = traces.explain(trace)
        earlier = narration.day(first.due)
    assert lines[0] == "Counted from the filing on Jan. 5, 2026; that day itself is not counted."
    assert lines[1] == "Adding 6 months gives July 5, 2026."
    assert lines[2] == "An approved extension of 3 months moves it to Oct. 5, 2026."
    assert lines[3].startswith("12 days not counted (a suspension")
    assert "is not a working day: the deadline moves to the next working day" in lines[4]
    assert "(Saturday)" in lines[4] or "(Sunday)" in lines[4]
    assert (
        f"It was due {earlier} before; it was recounted because an extension of 3 months was approved."
        in lines
    )


def test_a_trace_read_in_chinese_has_no_english_left():
    trace = compute_deadline(dt.date(2026, 1, 5), 6, "months", rule_id="R-CASE-03", start_event="case.filed",
                             excluded_days=12).trace  # fmt: skip
    with translation.override("zh-hans"):
        lines = traces.explain(trace)
    assert "2026年1月5日" in lines[0] and "2026年7月5日" in lines[1]
    if translation.gettext("Adding %(n)s months gives %(end)s.") != "Adding %(n)s months gives %(end)s.":
        assert not any(re.search(r"[A-Za-z]{3,}", line) for line in lines), lines


def test_a_holiday_from_the_administrators_table_is_named_as_loaded():
    table = calendar.HolidayTable(
        version=1, working={dt.date(2026, 3, 9): False}, names={dt.date(2026, 3, 9): "防汛调休"},
        sources={2026: "渝府办发〔2026〕1号"}, dates=(dt.date(2026, 3, 9),),
    )  # fmt: skip
    calendar.use_table(table, hold=True)
    trace = compute_deadline(
        dt.date(2026, 3, 2), 7, "days", rule_id="R-CASE-01", start_event="case.filed"
    ).trace
    with translation.override("en"):
        lines = traces.explain(trace)
    assert "March 9, 2026 (防汛调休) is not a working day" in lines[2]
    assert lines[-1] == "Working days follow the State Council's holiday notices (2026: 渝府办发〔2026〕1号)."


def test_an_empty_or_foreign_trace_explains_nothing_or_itself():
    assert traces.explain({}) == [] and traces.explain(None) == []
    assert traces.explain_step("whatever the generator wrote") == "whatever the generator wrote"


def test_the_audit_admin_says_what_happened(client, world):
    """The audit admin lists each event in words beside its stored action."""
    case = file_case(world.court, world.officer)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role=""))
    response = client.get(reverse("admin:core_auditevent_changelist"), headers={"accept-language": "en"})
    body = response.content.decode()
    assert f"{world.officer} filed the case {case.number}" in body and "What happened" in body
