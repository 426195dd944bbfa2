"""Who booked (记账人) as people read it, and money and the 一案一账号 as the ledger pages show them.

Journals keep the actor's label as it was written (a login, `api-key:…`, a sweep's or a command's
name; the ledger is append-only): the pages name the person — a unit's staff with their unit — or the
system, and never show a login."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enforcelink.core.actors import SystemActor
from enforcelink.funds import actions, bookers, references
from enforcelink.funds.models import CaseAccount, Journal
from enforcelink.orgs.api_auth import api_key_issue

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ON = dt.date(2024, 5, 6)


def test_labels_read_as_people_units_and_the_system(world, clerk):
    key, _secret = api_key_issue(world.unit, name="core banking", actor=world.president)
    labels = [clerk.username, world.liaison.username, f"api-key:{key.prefix}", "system",
              "cli:funds-open-accounts", "funds:ledger", "gone-user", ""]  # fmt: skip
    found = bookers.names(labels)
    assert found[clerk.username] == clerk.full_name
    assert found[world.liaison.username] == f"{world.liaison.full_name} (綦江农商银行)"
    assert found[f"api-key:{key.prefix}"] == "綦江农商银行 system (API)"
    assert found["system"] == found["cli:funds-open-accounts"] == "System"
    assert found["funds:ledger"] == "System (the case-fund ledger)"
    assert "gone-user" not in found and "" not in found  # shown as kept: nobody is renamed by guess


def test_a_page_of_labels_reads_its_people_in_one_query(world, clerk, django_assert_num_queries):
    with django_assert_num_queries(1):
        bookers.names([clerk.username, world.liaison.username, world.officer.username, "system"])
    with django_assert_num_queries(0):
        bookers.names(["system", "assets:controls", ""])


def test_the_ledgers_name_who_booked_and_keep_the_stored_label(client, world, clerk, case):
    actions.receipt_record(case, "1234567.89", source="voluntary", value_on=ON, reference="V1", actor=clerk)
    actions.receipt_record(case, "10.00", source="deduction", value_on=ON, reference="D1", actor=world.liaison,
                           checked=True)  # fmt: skip
    actions.receipt_record(case, "5.00", source="voluntary", value_on=ON, reference="S1", actor=SystemActor("cli:x"),
                           checked=True)  # fmt: skip
    assert set(Journal.objects.values_list("created_by", flat=True)) == {"clerk", "liaison", "cli:x"}
    liaison = f"{world.liaison.full_name} (綦江农商银行)"
    client.force_login(world.officer)
    for url in (reverse("case-funds", args=[case.pk]), reverse("case-detail", args=[case.pk])):
        page = client.get(url, **EN).content.decode()
        for shown in (clerk.full_name, liaison, "System"):
            assert f'<small class="muted">{shown}</small>' in page, (url, shown)
        for login in ("clerk", "liaison", "cli:x"):
            assert f'<small class="muted">{login}</small>' not in page
    client.force_login(clerk)
    page = client.get(reverse("funds-ledger"), **EN).content.decode()
    assert (
        f'<small class="muted">{clerk.full_name}</small>' in page
        and f'<small class="muted">{liaison}</small>' in page
    )
    sheet = client.get(reverse("funds-ledger") + "?format=xlsx", **EN)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    booked_by = rows[0].index("Booked by")
    assert {row[booked_by] for row in rows[1:]} == {clerk.full_name, liaison, "System"}


def test_the_ledger_shows_money_grouped_with_its_unit_and_exports_numbers(client, world, clerk, case):
    actions.receipt_record(case, "1234567.89", source="voluntary", value_on=ON, reference="V1", actor=clerk)
    client.force_login(world.officer)
    page = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert '<strong id="ledger-balance">1,234,567.89 元</strong>' in page
    assert "1234567.89" not in page
    panel = client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    assert '<dd id="funds-balance">1,234,567.89 元</dd>' in panel
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("case-funds", args=[case.pk]) + "?format=xlsx").content)
    )
    cell = sheet.active.cell(2, 6)  # the balance after the movement
    assert cell.value == 1234567.89 and cell.number_format == "#,##0.00"
    csv = client.get(reverse("case-funds", args=[case.pk]) + "?format=csv").content.decode("utf-8-sig")
    assert "1234567.89" in csv and "1,234,567.89" not in csv


def test_the_account_reference_reads_in_fours_and_is_found_so(client, world, clerk, case):
    reference = CaseAccount.objects.get(case=case).reference
    grouped = references.grouped(reference)
    assert " " in grouped and grouped.replace(" ", "") == reference
    actions.receipt_record(case, "1.00", source="voluntary", value_on=ON, reference="V1", actor=clerk)
    client.force_login(world.officer)
    page = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert f'<code id="ledger-reference" data-reference="{reference}">{grouped}</code>' in page
    panel = client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    assert f'<code id="funds-reference">{grouped}</code>' in panel
    client.force_login(clerk)
    found = client.get(reverse("funds-ledger"), {"case": grouped}, **EN).content.decode()
    assert case.number in found  # copied from the page with its spaces, the filter still finds the case
