"""Issue 12, finding 1: the probe's names through API filing, the web form and the case import all get
TEXT_CONTROL_CHARACTER naming the field; texts are stored in NFC; over-long import values get the
API's MAX_LENGTH instead of being cut."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enforcelink.cases.models import Case, Party
from enforcelink.core.models import AuditEvent
from tests.api.conftest import API, filing_body
from tests.cases.test_views import filing_data
from tests.factories import USCCS, file_case
from tests.imports.files import case_row, resident_id, write_csv, write_xlsx

PROBE = {"vt": "张\x0b三", "esc": "张\x1b三", "nul": "张\x00三", "rlo": "张\u202e三", "trailing": "张三\x0b"}


def written() -> tuple[int, int, int]:
    return Case.objects.count(), Party.objects.count(), AuditEvent.objects.count()


# Like a linkage message's `body: 0`, a name that is not text is not stored as the text "0" (issue 12 §6).
NOT_TEXT = {"int": 0, "float": 12.5, "list": ["张三"], "object": {"name": "张三"}, "bool": True}


@pytest.mark.parametrize(
    ("name", "code"),
    [*((value, "TEXT_CONTROL_CHARACTER") for value in PROBE.values()),
     *((value, "NOT_A_STRING") for value in NOT_TEXT.values())],
    ids=[*PROBE, *NOT_TEXT],
)  # fmt: skip
def test_api_filing_refuses_the_name_and_writes_nothing(world, client_for, name, code):
    before = written()
    body = filing_body(respondents=[{"kind": "person", "name": name, "id_number": "11010519491231002X"}])
    response = client_for("officer").post(f"{API}/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert (data["code"], data["field"]) == (code, "respondents.0.name")
    assert written() == before


@pytest.mark.parametrize("name", PROBE.values(), ids=PROBE.keys())
def test_web_form_refuses_the_name_beside_the_field(world, name):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.officer)
    before = written()
    response = client.post(reverse("case-new"), filing_data(**{"applicants-0-name": name}))
    assert response.status_code == 200  # the form again, not a redirect to a new case
    errors = response.context["formsets"]["applicants"].forms[0].errors.as_data()
    assert [error.code for error in errors["name"]] == ["TEXT_CONTROL_CHARACTER"]
    assert "is not allowed" in response.content.decode()
    assert written() == before


def run_import(path) -> tuple[str, int]:
    out, err = StringIO(), StringIO()
    try:
        with translation.override("en"):
            call_command("import", "cases", str(path), stdout=out, stderr=err)
        return err.getvalue(), 0
    except CommandError as error:
        return err.getvalue() + str(error), 1


@pytest.mark.parametrize("name", PROBE.values(), ids=PROBE.keys())
def test_csv_import_refuses_the_name_naming_row_and_column(world, tmp_path, name):
    before = written()
    err, code = run_import(write_csv(tmp_path / "x.csv", [case_row(1, 被执行人=name)]))
    assert code != 0 and "row 2, column F (被执行人)" in err and "TEXT_CONTROL_CHARACTER" in err
    assert err.count("column F") == 1  # reported once, not again by the parsers
    assert written() == before


def test_xlsx_import_refuses_an_override_in_the_basis_number(world, tmp_path):
    err, code = run_import(
        write_xlsx(tmp_path / "x.xlsx", [case_row(1, 执行依据文号="（2023）渝0110\u202e民初1号")])
    )
    assert (
        code != 0 and "column H (执行依据文号)" in err and "TEXT_CONTROL_CHARACTER" in err and "U+202E" in err
    )


def test_import_refuses_an_over_long_name_with_the_apis_code(world, tmp_path):
    """The probe's 100,000-character name was stored cut to 150; the API answers MAX_LENGTH."""
    err, code = run_import(write_csv(tmp_path / "x.csv", [case_row(1, 被执行人="张" * 100_000)]))
    assert code != 0 and "row 2, column F (被执行人)" in err and "MAX_LENGTH" in err
    assert "no more than 150 characters" in err
    assert not Party.objects.exists()


def test_names_are_stored_composed_and_legitimate_names_pass(world, client_for, tmp_path):
    person = {"kind": "person", "name": "买买提·艾力", "id_number": "11010519491231002X"}
    body = filing_body(
        applicants=[{**person, "name": "Rene\u0301 Dupont"}],
        respondents=[
            person,
            {"kind": "organisation", "name": "ＡＢＣ（重庆）科技有限公司", "id_number": USCCS[1]},
        ],
    )
    response = client_for("officer").post(f"{API}/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    names = set(Party.objects.values_list("name", flat=True))
    assert names == {"René Dupont", "买买提·艾力", "ＡＢＣ（重庆）科技有限公司"}
    err, code = run_import(write_csv(tmp_path / "x.csv", [case_row(7, 申请执行人="Zoe\u0308·艾力")]))
    assert code == 0, err
    assert Party.objects.filter(name="Zoë·艾力").exists()


def test_import_strips_tabs_and_line_breaks_around_cells(world, tmp_path):
    """Review of issue 12, finding 5: Chinese systems export an ID number as text with a leading tab,
    and names often end in a line break; both imported before the rule and were refused after it."""
    row = case_row(
        3, 申请执行人证件号码="\t" + resident_id(3), 申请执行人="张三\r\n", 被执行人=" 重庆某建材有限公司\t"
    )
    err, code = run_import(write_csv(tmp_path / "x.csv", [row]))
    assert code == 0, err
    party = Party.objects.get(name="张三")
    assert party.id_number == resident_id(3)
    assert Party.objects.filter(name="重庆某建材有限公司").exists()


@pytest.mark.parametrize("name", ["张\t三", "张\n三"])
def test_import_still_refuses_tabs_and_line_breaks_inside_a_cell(world, tmp_path, name):
    err, code = run_import(write_csv(tmp_path / "x.csv", [case_row(1, 被执行人=name)]))
    assert code != 0 and "row 2, column F (被执行人)" in err and "TEXT_CONTROL_CHARACTER" in err


def test_the_basis_is_stored_composed(world):
    """Review of issue 12, finding 8: `clean_filing` computed the NFC of the basis and threw it away."""
    case = file_case(
        world.court, world.officer, basis_body="Caf\u0065\u0301法院", basis_number="（2023）渝0110民初1号"
    )
    assert Case.objects.get(pk=case.pk).basis_body == "Café法院"
