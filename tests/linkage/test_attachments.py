"""Issue 4 §4: files with a unit's reply and on the follow-up thread, both ways — checked by their
content, stored with the reply or message or not at all, downloaded only by who may open the request."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcelink.core.errors import RuleViolation
from enforcelink.linkage import actions
from enforcelink.linkage.attachments import Upload, clean_file, content_disposition, detect_type, safe_name
from enforcelink.linkage.models import AssistanceRequest, RequestAttachment, RequestEvent, RequestMessage
from tests.linkage.conftest import ask

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
CSV_GBK = "户名,账号,余额\n张三,62170001,5000.00\n".encode("gb18030")
RESULT = {"found": "yes", "accounts-0-institution": "农商行", "accounts-0-account": "62170001",
          "accounts-0-balance": "3000.00"}  # fmt: skip


def package(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return out.getvalue()


DOCX = package("[Content_Types].xml", "word/document.xml")
XLSX = package("[Content_Types].xml", "xl/workbook.xml")
OFD = package("OFD.xml", "Doc_0/Document.xml")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _url(req, name):
    return reverse("request-action", args=[req.pk, name])


def _download(req, attachment):
    return reverse("request-attachment", args=[req.pk, attachment.pk])


# --- the checks themselves -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("statement.pdf", PDF, "application/pdf"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.png", PNG, "image/png"),
        ("ruling.ofd", OFD, "application/ofd"),
        ("letter.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sheet.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("流水.csv", CSV_GBK, "text/csv"),
        ("note.txt", "已冻结。\n".encode(), "text/plain"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00", None),
        ("archive.zip", package("a.txt"), None),
        ("broken.docx", b"PK\x03\x04 not really a zip", None),
        ("data.bin", b"\x00\x01\x02", None),
    ],
)
def test_the_type_comes_from_the_content(name, content, expected):
    assert detect_type(content, name) == expected


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\张三\\银行流水 2026.pdf", "银行流水 2026.pdf"),
        ("evil\u202efdp.exe.pdf", "evilfdp.exe.pdf"),  # a right-to-left override is dropped
        ("\x00line\nbreak\t.pdf", "line break .pdf"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("", "attachment"),
        ("/", "attachment"),
    ],
)
def test_names_lose_folders_and_control_characters_and_keep_chinese(given, kept):
    from django.utils import translation

    with translation.override("en"):
        assert safe_name(given) == kept
    with translation.override("zh-hans"):
        assert safe_name(given) == ("附件" if kept == "attachment" else kept)  # a name in the user's language


def test_a_long_name_keeps_its_extension_and_a_missing_one_is_added():
    long = clean_file("账" * 300 + ".pdf", PDF)
    assert len(long.name) == 200 and long.name.endswith(".pdf")
    assert clean_file("statement", PDF).name == "statement.pdf"
    assert clean_file("v1.2 回执", PDF).name == "v1.2 回执.pdf"  # ".2 回执" is no extension


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),  # text, but not named as text
        ("statement.pdf", PNG),
        ("photo.png", PDF),
        ("empty.pdf", b""),
        ("program.pdf", b"MZ\x90\x00"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, content):
    with pytest.raises(RuleViolation) as refused:
        clean_file(name, content)
    assert refused.value.code == "ATTACHMENT_INVALID" and refused.value.field == "attachments"


def test_text_keeps_its_charset_and_the_hash_is_of_the_bytes():
    gbk, utf8 = clean_file("流水.csv", CSV_GBK), clean_file("说明.txt", "说明".encode())
    assert (
        gbk.content_type == "text/csv; charset=gb18030" and utf8.content_type == "text/plain; charset=utf-8"
    )
    assert gbk.sha256 == hashlib.sha256(CSV_GBK).hexdigest()


def test_content_disposition_is_rfc_5987_with_an_ascii_fallback():
    header = content_disposition("银行流水 v2.pdf")
    assert header == (
        "attachment; filename=\"_____v2.pdf\"; filename*=UTF-8''%E9%93%B6%E8%A1%8C%E6%B5%81%E6%B0%B4%20v2.pdf"
    )


# --- the web pages ---------------------------------------------------------------------------------


def test_the_liaison_replies_with_files_and_both_sides_download_them(client, world, sent):
    client.force_login(world.liaison)
    files = [upload("流水.pdf", PDF), upload("C:\\fakepath\\明细.csv", CSV_GBK)]
    response = client.post(_url(sent, "complete"), {**RESULT, "attachments": files})
    assert response.status_code == 302
    stored = list(RequestAttachment.objects.order_by("pk"))
    assert [(a.name, a.kind, a.side, a.message_id, a.uploaded_by_id) for a in stored] == [
        ("流水.pdf", "reply", "unit", None, world.liaison.pk),
        ("明细.csv", "reply", "unit", None, world.liaison.pk),
    ]
    assert stored[0].sha256 == hashlib.sha256(PDF).hexdigest() and stored[0].size == len(PDF)
    event = RequestEvent.objects.get(request=sent, kind="completed")
    assert [f["sha256"] for f in event.data["attachments"]] == [a.sha256 for a in stored]
    for user in (world.officer, world.liaison, world.supervisor):
        client.force_login(user)
        page = client.get(reverse("request-detail", args=[sent.pk])).content.decode()
        assert "流水.pdf" in page and _download(sent, stored[0]) in page
        got = client.get(_download(sent, stored[0]))
        assert got.status_code == 200 and got.content == PDF
        assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
        assert (
            got["Content-Disposition"]
            == "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%B5%81%E6%B0%B4.pdf"
        )
    assert client.get(_download(sent, stored[1]))["Content-Type"] == "text/csv; charset=gb18030"


def test_files_on_the_thread_from_both_sides(client, world, sent):
    client.force_login(world.officer)
    response = client.post(
        _url(sent, "message"), {"body": "请看裁定书", "attachments": [upload("裁定书.ofd", OFD)]}
    )
    assert response.status_code == 302
    client.force_login(world.liaison)
    only_files = client.post(_url(sent, "message"), {"body": "", "attachments": [upload("回执.png", PNG)]})
    assert only_files.status_code == 302
    court, unit = RequestMessage.objects.order_by("pk")
    assert [(a.side, a.kind, a.message_id) for a in RequestAttachment.objects.order_by("pk")] == [
        ("court", "message", court.pk), ("unit", "message", unit.pk)]  # fmt: skip
    page = client.get(reverse("request-detail", args=[sent.pk])).content.decode()
    assert "裁定书.ofd" in page and "回执.png" in page and 'enctype="multipart/form-data"' in page
    assert client.post(_url(sent, "message"), {"body": ""}).status_code == 400  # nothing at all


def test_a_rejection_carries_its_files(client, world, sent):
    client.force_login(world.liaison)
    response = client.post(
        _url(sent, "reject"), {"reason": "户名不符", "attachments": [upload("说明.docx", DOCX)]}
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == "rejected"
    assert RequestAttachment.objects.get().kind == "reply"


def _nothing_stored(req, events_before):
    req.refresh_from_db()
    assert req.status == "sent" and not req.result
    assert not RequestAttachment.objects.exists() and not RequestMessage.objects.exists()
    assert RequestEvent.objects.filter(request=req).count() == events_before


@pytest.mark.parametrize(
    ("files", "code_text"),
    [
        ([(f"{n}.pdf", PDF) for n in range(11)], "at most 10 files"),
        ([("big.pdf", PDF + b" " * (1024 * 1024))], "larger than 1 MB"),
        ([("ok.pdf", PDF), ("page.html", b"<html></html>")], "page.html"),
        ([("fake.pdf", b"MZ\x90\x00")], "fake.pdf is not a PDF"),
        ([("empty.pdf", b"")], "empty.pdf is empty."),
    ],
)
@pytest.mark.parametrize("action", ["complete", "message", "reject"])
def test_a_bad_file_refuses_the_whole_reply_or_message(
    client, world, sent, settings, files, code_text, action
):
    settings.ATTACHMENT_MAX_MB = 1
    before = RequestEvent.objects.filter(request=sent).count()
    client.force_login(world.liaison)
    data = {"complete": RESULT, "message": {"body": "附件"}, "reject": {"reason": "不符"}}[action]
    uploads = [upload(name, content) for name, content in files]
    response = client.post(_url(sent, action), {**data, "attachments": uploads}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert code_text in response.content.decode()
    _nothing_stored(sent, before)


def test_a_bad_result_stores_none_of_its_files(client, world, sent):
    before = RequestEvent.objects.filter(request=sent).count()
    client.force_login(world.liaison)
    bad = {**RESULT, "accounts-0-balance": "1.234", "attachments": [upload("流水.pdf", PDF)]}
    assert client.post(_url(sent, "complete"), bad).status_code == 400
    _nothing_stored(sent, before)


def test_the_refusal_is_in_the_users_language(client, world, sent):
    client.force_login(world.liaison)
    response = client.post(
        _url(sent, "message"),
        {"body": "x", "attachments": [upload("a.exe", b"MZ\x90\x00")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "a.exe is not a PDF, OFD, Word (.docx), Excel (.xlsx), JPEG, PNG, text or CSV file." in (
        response.content.decode()
    )


def test_downloads_follow_the_request_pages_ownership(client, world, case, sent):
    actions.message_post(sent, body="附件", actor=world.officer, attachments=[Upload("裁定书.pdf", PDF)])
    mine = RequestAttachment.objects.get()
    other_request = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                         actor=world.officer)  # fmt: skip
    actions.message_post(
        other_request, body="另一件", actor=world.officer, attachments=[Upload("x.pdf", PDF)]
    )
    theirs = RequestAttachment.objects.exclude(pk=mine.pk).get()
    missing = reverse("request-attachment", args=[sent.pk, theirs.pk + 1000])
    for user in (world.other_liaison, world.outsider):
        client.force_login(user)
        not_yours, absent = client.get(_download(sent, mine)), client.get(missing)
        assert not_yours.status_code == absent.status_code == 404
        assert not_yours.content == absent.content
    client.force_login(world.officer)
    wrong_request = client.get(reverse("request-attachment", args=[sent.pk, theirs.pk]))
    absent = client.get(missing)
    assert wrong_request.status_code == absent.status_code == 404 and wrong_request.content == absent.content
    huge = client.get(reverse("request-attachment", args=[sent.pk, 99999999999999999999]))
    assert huge.status_code == 404
    client.logout()
    assert client.get(_download(sent, mine)).status_code == 302  # to the sign-in page


def test_the_detail_page_reads_the_files_without_their_bytes_and_in_few_queries(
    client, world, sent, django_assert_max_num_queries
):
    for n in range(4):
        actions.message_post(sent, body=f"第{n}条", actor=world.officer,
                             attachments=[Upload(f"{n}.pdf", PDF), Upload(f"{n}.png", PNG)])  # fmt: skip
    client.force_login(world.liaison)
    with django_assert_max_num_queries(25) as captured:
        page = client.get(reverse("request-detail", args=[sent.pk])).content.decode()
    assert all(f"{n}.png" in page for n in range(4))
    attachment_reads = [
        q["sql"] for q in captured.captured_queries if "linkage_requestattachment" in q["sql"]
    ]
    assert attachment_reads and all('"content"' not in sql for sql in attachment_reads)


def test_the_same_files_stored_twice_are_two_attachments_with_one_hash(world, sent):
    """Nothing is deduplicated: each message keeps its own files (its trail names their hash)."""
    for _ in range(2):
        actions.message_post(sent, body="", actor=world.liaison, attachments=[Upload("回执.pdf", PDF)])
    assert RequestAttachment.objects.count() == 2
    assert len(set(RequestAttachment.objects.values_list("sha256", flat=True))) == 1
    assert AssistanceRequest.objects.get().status == "sent"
