"""Issue 4 §2, §4, §7: an officer sends a deduction to a bank from the case page, the court
president approves it, the bank's liaison opens the notice and the ruling, answers with the amount
deducted and the transfer slip (a PDF) and a message, and the officer reads it all on the case — in
headless Debian chromium. R-ASSET-03: no more deducted than the notice's amount."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage.models import AssistanceRequest, RequestAttachment
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in, log_out, open_menu
from tests.factories import UnitFactory, UserFactory, file_case, restore_default_node_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLIP = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_deduction_is_approved_answered_with_a_file_and_read_by_the_officer(
    live_server, page: Page, officer
):
    base = live_server.url
    restore_default_node_rules()  # a transactional test before this one may have flushed them
    bank = UnitFactory(region=officer.court.region, name="綦江农商银行", unit_type="bank")
    UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    UserFactory(username="wang.president", full_name="王院长", court=officer.court, role=Role.PRESIDENT)
    case = file_case(officer.court, officer, principal="120000.00")

    # 1. The officer sends the deduction from the case page: it waits for an approver, no notice yet.
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    owed = page.locator("#amounts tr.row-total")
    expect(owed).to_contain_text("120,000.00")  # grouped as courts print amounts
    expect(owed).to_contain_text("壹拾贰万元整")
    page.locator("#case-requests-link").click()
    page.locator("#id_request_type_deduct").check()  # the units that deduct appear (htmx)
    page.locator("#id_purpose").fill("扣划被执行人银行存款")
    page.locator("#id_amount").fill("30000")
    page.get_by_label("綦江农商银行").check()
    page.locator("#send-submit").click()
    row = page.locator("#batch-requests tr[data-unit='綦江农商银行']")  # the batch's result page
    expect(row).to_contain_text("扣划")
    expect(row).to_contain_text("待审批")
    req = AssistanceRequest.objects.get()
    assert (req.request_type, req.status, req.notice_id, req.ruling_id) == (
        "deduct",
        "pending_approval",
        None,
        None,
    )
    assert req.details["amount"] == "30000.00"

    # 2. The president finds it on the approvals page and approves it: it goes out with its documents.
    log_out(page, base)
    log_in(page, base, "wang.president")
    open_menu(page, "/requests/approvals/")
    pending = page.locator(f"#approvals [data-request='{req.pk}']")
    expect(pending).to_contain_text(case.number)
    expect(pending).to_contain_text("綦江农商银行")
    expect(pending).to_contain_text("30,000.00 元")  # R-MONEY-01: as money, not "amount 30000.00"
    expect(pending).to_contain_text("重庆某建材有限公司")  # the debtor it is about (issue 14 §3)
    pending.get_by_role("button", name="批准并发送").click()
    told = page.locator(".messages")  # which request went where (issue 14 §7)
    expect(told).to_contain_text("已批准")
    expect(told).to_contain_text(case.number)
    expect(told).to_contain_text("綦江农商银行")
    expect(page.locator(f"#approvals [data-request='{req.pk}']")).to_have_count(0)
    req.refresh_from_db()
    assert req.status == "sent" and req.due_on is not None
    assert req.notice is not None and req.ruling is not None and req.ruling.kind == "enforcement_ruling"

    # 3. The liaison opens it from the inbox, with the notice and the ruling, and answers.
    log_out(page, base)
    log_in(page, base, "bank.liaison")
    open_menu(page, "/inbox/")
    expect(page.locator("#inbox tbody tr")).to_have_count(1)
    page.locator("#inbox").get_by_role("link", name=case.number).click()
    expect(page.locator("#request-status")).to_contain_text("已发送")
    summary = page.locator("#summary")
    expect(summary).to_contain_text(req.notice.number)
    expect(page.locator("#ruling")).to_contain_text(req.ruling.number)
    for href in (f"/requests/{req.pk}/notice/pdf/", f"/requests/{req.pk}/ruling/pdf/"):
        expect(summary.locator(f"a[href='{href}']")).to_be_visible()
        document = page.request.get(f"{base}{href}")
        assert document.status == 200 and document.body().startswith(b"%PDF")
    page.locator("#acknowledge-submit").click()
    expect(page.locator("#request-status")).to_contain_text("已签收")
    answer = page.locator("#result-form")
    answer.locator("#id_deducted_amount").fill("30000.01")  # R-ASSET-03: more than the notice asks …
    answer.locator("#id_transfer_reference").fill("HK20260311-0042")
    slip = {"name": "扣划回单.pdf", "mimeType": "application/pdf", "buffer": SLIP}
    answer.locator("input[name=attachments]").set_input_files(slip)
    page.locator("#complete-submit").click()
    expect(page.locator("#id_deducted_amount_error")).to_be_visible()
    assert not RequestAttachment.objects.exists()  # nothing half-written
    answer.locator("#id_deducted_amount").fill("20000.00")  # … within the notice's amount goes through
    answer.locator("input[name=attachments]").set_input_files(slip)  # a re-shown form keeps no file
    page.locator("#complete-submit").click()
    expect(page.locator("#request-status")).to_contain_text("已完成")
    thread = page.locator("#thread")
    thread.locator("textarea[name=body]").fill("已扣划20000元，账户余额不足部分无法扣划。")
    page.locator("#message-submit").click()
    expect(thread.locator(".message")).to_contain_text("已扣划20000元")
    req.refresh_from_db()
    assert req.status == "completed"
    assert req.result["deducted_amount"] == "20000.00"
    assert req.result["transfer_reference"] == "HK20260311-0042"
    reply = RequestAttachment.objects.get()
    assert (reply.kind, reply.message_id, reply.name, reply.size) == (
        "reply",
        None,
        "扣划回单.pdf",
        len(SLIP),
    )

    # 4. The officer reads the labelled result, downloads the slip and sees the liaison's message.
    log_out(page, base)
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/requests/")
    row = page.locator("#requests tr[data-unit='綦江农商银行']")
    expect(row).to_contain_text("已完成")
    expect(row).to_contain_text("扣划金额（元）")
    expect(row).to_contain_text("20000.00")
    expect(row).not_to_contain_text("deducted_amount")
    row.get_by_role("link", name="綦江农商银行").click()
    result = page.locator("#result")
    expect(result).to_contain_text("扣划金额（元）")
    expect(result).to_contain_text("划款凭证号")
    expect(result).to_contain_text("HK20260311-0042")
    expect(result).not_to_contain_text("transfer_reference")
    link = result.get_by_role("link", name="扣划回单.pdf")
    expect(link).to_have_attribute("href", f"/requests/{req.pk}/attachments/{reply.pk}/")
    download = page.request.get(f"{base}/requests/{req.pk}/attachments/{reply.pk}/")
    assert download.status == 200 and download.body() == SLIP
    assert download.headers["content-type"].startswith("application/pdf")
    with page.expect_download() as saved:
        link.click()
    assert saved.value.suggested_filename == "扣划回单.pdf"
    message = page.locator("#thread .message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("已扣划20000元")
    expect(message).to_contain_text("李联络")
