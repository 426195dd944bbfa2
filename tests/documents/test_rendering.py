"""Rendering: the structured body, CJK fonts embedded in the PDF and set for East Asian text in DOCX."""

from __future__ import annotations

import io

from docx import Document as DocxDocument
from docx.oxml.ns import qn
from pypdf import PdfReader

from enforcelink.documents import rendering
from enforcelink.documents.rendering import Block

BODY = "# {{ court_name }}\n= （2026）渝0110执通1号\n\n! {{ respondents }}：\n正文{{ case_number }}\n> 落款\n---\n# 回执"


def test_parse_markers():
    assert rendering.parse(BODY) == [
        Block("heading", "{{ court_name }}"),
        Block("number", "（2026）渝0110执通1号"),
        Block("flush", "{{ respondents }}："),
        Block("para", "正文{{ case_number }}"),
        Block("right", "落款"),
        Block("pagebreak"),
        Block("heading", "回执"),
    ]


def test_values_cannot_change_structure_or_inject_markup():
    """A party name typed as markup or as a placeholder is printed as text, once, where it stands."""
    values = {"court_name": "法院", "respondents": "# <b>李四</b> {{ court_name }}", "case_number": "X"}
    blocks = rendering.fill(rendering.parse(BODY), values)
    assert blocks[2] == Block("flush", "# <b>李四</b> {{ court_name }}：")
    pdf = rendering.to_pdf(blocks, title="t", footer="f", qr_data="/verify/X/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<b>李四</b>" in text and "{{ court_name }}" in text


def test_pdf_embeds_the_cjk_font_and_breaks_pages():
    """Correct Chinese typesetting needs the CJK font actually embedded (fonts-noto-cjk installed);
    a missing font would fall back silently to boxes."""
    blocks = rendering.fill(rendering.parse(BODY), {"court_name": "重庆市綦江区人民法院"})
    reader = PdfReader(io.BytesIO(rendering.to_pdf(blocks, title="t", footer="f", qr_data="x")))
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.replace("-", "").endswith("NotoSerifCJKSC") for name in fonts), fonts
    assert len(reader.pages) == 2  # the page break before the receipt


def test_docx_sets_east_asian_font_and_page_break():
    blocks = rendering.fill(rendering.parse(BODY), {"court_name": "重庆市綦江区人民法院"})
    doc = DocxDocument(io.BytesIO(rendering.to_docx(blocks, title="执行通知书", footer="f")))
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == rendering.FONT
    assert doc.paragraphs[0].text == "重庆市綦江区人民法院"
    assert doc.core_properties.title == "执行通知书"
    assert 'w:type="page"' in doc.element.xml
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
