"""The case page's documents table heads its number column with the document's number (文号), and
the filing form's party row asks for the party's ID number (证件号码): the two were one msgid, so the
table said 证件号码."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from enforcelink.documents.case_issue import case_document_issue

pytestmark = pytest.mark.usefixtures("english")


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_documents_table_heads_the_documents_number(world, case):
    document = case_document_issue(case, kind="execution_notice", actor=world.officer)
    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk])).content.decode()
    table = page[page.index('class="table issued-documents"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r"<th>([^<]*)</th>", table) == [
        "Document kind",
        "Document No.",
        "Issued",
        "Download",
        "Verification code",
    ]
    assert document.number in table and "ID number" not in table


def test_the_party_row_asks_for_the_id_number(world):
    page = client_for(world.officer).get(reverse("case-new")).content.decode()
    labels = re.findall(
        r'<label for="id_(?:applicants|respondents)-0-id_(?:type|number)"[^>]*>([^<]*)</label>', page
    )
    assert labels and set(labels) == {"ID type", "ID number"}
    assert "Document number" not in page and "Document No." not in page
