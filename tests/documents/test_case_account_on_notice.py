"""R-FUND-01: the execution notice tells the payer the case's 一案一账号, which funds keeps and
documents reads through `documents.case_account` (documents sits below funds)."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from enforcelink.core import events
from enforcelink.documents import case_account
from enforcelink.documents.actions import active_template, document_issue, template_save
from enforcelink.documents.models import DocumentKind, DocumentTemplate
from enforcelink.funds import references
from enforcelink.funds.models import CaseAccount
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import file_case

PAYMENT_LINE = "请将执行款汇入本院执行款专户，并在附言中注明：一案一账号"


def _issue(case, officer):
    return document_issue(case, kind=DocumentKind.EXECUTION_NOTICE, actor=officer, formats=("pdf", "docx"))


def test_execution_notice_prints_the_case_account_reference(world, case):
    """R-FUND-01: the shipped notice says where to pay and what to write in the remark."""
    reference = CaseAccount.objects.get(case=case).reference
    assert references.clean(reference) == reference  # a valid reference, check digits included
    document = _issue(case, world.officer)
    for text in (pdf_text(document), docx_text(document)):
        assert PAYMENT_LINE in text
        assert reference in text  # the extractors drop the spaces between the groups of four
    assert document.values["case_account_reference"] == references.grouped(reference)


def test_a_case_without_an_account_gets_it_when_the_notice_is_issued(world, monkeypatch):
    """R-FUND-01: a bulk-loaded case (no `case.filed`) is opened on issue, so the printed reference
    is the one the statement import matches."""
    monkeypatch.delitem(events._listeners["case.filed"], "funds.accounts")
    case = file_case(world.court, world.officer)
    assert not CaseAccount.objects.filter(case=case).exists()
    document = _issue(case, world.officer)
    account = CaseAccount.objects.get(case=case)
    assert account.reference == references.make(world.court.code, case.year, case.type_code, case.sequence)
    assert document.values["case_account_reference"].replace(" ", "") == account.reference


def test_a_court_version_without_the_placeholder_still_renders(world, case, django_user_model):
    """A court's own notice written before the placeholder existed: it stays valid and renders."""
    admin = django_user_model.objects.create_user("court_admin", role="admin", court=world.court)
    template_save(
        "execution_notice",
        "# {{ court_name }}\n# 执行通知书\n{{ respondents }}：请于{{ performance_deadline }}前履行。",
        actor=admin,
        court=world.court,
    )
    document = _issue(case, world.officer)
    text = pdf_text(document)
    assert "请于" in text and PAYMENT_LINE not in text


def test_other_kinds_do_not_ask_the_ledger(world, case, monkeypatch):
    calls = []
    monkeypatch.setattr(case_account, "_reference", lambda c: calls.append(c) or "0")
    document_issue(case, kind=DocumentKind.PROPERTY_REPORT_ORDER, actor=world.officer, formats=("pdf",))
    assert calls == []


def test_without_a_provider_the_reference_is_empty(monkeypatch, case):
    monkeypatch.setattr(case_account, "_reference", None)
    assert case_account.printed(case) == ""


def test_migration_upgrades_only_the_untouched_shipped_default(world):
    """The shipped default loaded before this change gets a new version with the reference; an
    edited default is left alone (documents 0011)."""
    migration = importlib.import_module("enforcelink.documents.migrations.0011_execution_notice_case_account")
    DocumentTemplate.objects.create(
        kind="execution_notice", variant="", court=None, version=1, body=migration.OLD, note="shipped default"
    )
    migration.forwards(django_apps, None)
    rows = list(DocumentTemplate.objects.filter(kind="execution_notice", court=None).order_by("version"))
    assert [(row.version, row.active) for row in rows] == [(1, False), (2, True)]
    assert "{{ case_account_reference }}" in rows[1].body
    assert active_template(DocumentKind.EXECUTION_NOTICE, world.court).pk == rows[1].pk

    DocumentTemplate.objects.filter(pk=rows[1].pk).update(body="operator's own wording")
    migration.forwards(django_apps, None)
    assert DocumentTemplate.objects.filter(kind="execution_notice", court=None).count() == 2
