"""Fixtures for documents: a case with a person and a company as respondents, and text extraction."""

from __future__ import annotations

import io

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from enforcelink.cases.actions import PartyInput
from enforcelink.documents.models import Document
from enforcelink.documents.queries import file_content
from tests.factories import PERSON_IDS, USCCS, file_case


@pytest.fixture
def case(world):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="person", name="李四", id_number=PERSON_IDS[1]),
        PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司", id_number=USCCS[0]),
    ]
    return file_case(
        world.court,
        world.officer,
        parties=parties,
        principal="12345.67",
        basis_number="（2023）渝0110民初321号",
    )


def pdf_text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(file_content(document, "pdf")))
    # Extraction breaks lines where the PDF wraps them; tests compare text without line breaks.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def docx_text(document: Document) -> str:
    doc = DocxDocument(io.BytesIO(file_content(document, "docx")))
    return "".join(paragraph.text for paragraph in doc.paragraphs).replace(" ", "")
