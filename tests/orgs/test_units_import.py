"""`enforcelink import units FILE --region CODE` (issue 2 §3): a region's units and liaisons in bulk."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enforcelink.core.models import AuditEvent
from enforcelink.orgs.models import LinkageUnit, Region, Role, User
from tests.imports.files import write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


HEADERS = ["单位名称", "单位类型", "分管领导", "分管领导电话", "联络人姓名", "联络人电话", "联络人账号"]


def unit(name: str, kind: str, liaison: str = "", account: str = "", **more: str) -> dict[str, str]:
    return {"单位名称": name, "单位类型": kind, "联络人姓名": liaison, "联络人账号": account, **more}


def run(path, *args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "units", str(path), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), 0
    except CommandError as error:
        return out.getvalue(), err.getvalue() + str(error), error.returncode


def test_units_and_liaisons_loaded(db, tmp_path):
    rows = [
        unit("綦江区公安局", "公安", "王五", "qj_police_ww", 分管领导="李四", 分管领导电话="023-48661234"),
        unit("綦江区公安局", "", "赵六", "qj_police_zl", 联络人电话="13800000000"),
        unit("綦江农商银行", "bank"),
    ]
    out, _err, code = run(write_csv(tmp_path / "u.csv", rows, headers=HEADERS), "--region", "500110")
    assert code == 0 and "imported 3, invalid 0" in out
    region = Region.objects.get(code="500110")
    police = LinkageUnit.objects.get(region=region, name="綦江区公安局")
    assert (police.unit_type, police.leader_name, police.leader_phone) == ("police", "李四", "023-48661234")
    liaisons = User.objects.filter(unit=police).order_by("username")
    assert [(u.username, u.role) for u in liaisons] == [
        ("qj_police_ww", Role.LIAISON),
        ("qj_police_zl", Role.LIAISON),
    ]
    assert not liaisons[0].has_usable_password()
    assert LinkageUnit.objects.get(name="綦江农商银行").unit_type == "bank"
    assert AuditEvent.objects.filter(action="user.created").count() == 2


def test_existing_unit_gets_more_liaisons(world, tmp_path):
    rows = [unit("綦江农商银行", "银行", "钱七", "qj_bank_qq")]
    run(write_xlsx(tmp_path / "u.xlsx", rows, headers=HEADERS), "--region", "500110")
    assert User.objects.get(username="qj_bank_qq").unit == world.unit


def test_bad_rows_change_nothing(world, tmp_path):
    before = (LinkageUnit.objects.count(), User.objects.count(), AuditEvent.objects.count())
    rows = [
        unit("綦江区税务局", "税务", "孙八", "qj_tax"),
        unit("某单位", "外星办"),
        unit("另一单位", "公安", "周九"),  # liaison without an account
        unit("第三单位", "公安", "吴十", "liaison"),  # account taken (the world's liaison)
        unit("綦江区税务局", "公安"),  # conflicts with row 2
        unit("第四单位", "公安", 分管领导电话="call me"),
    ]
    out, err, code = run(write_csv(tmp_path / "u.csv", rows, headers=HEADERS), "--region", "500110")
    assert code != 0
    assert "row 3, column B (单位类型)" in err and "UNIT_TYPE_INVALID" in err
    assert "row 4, column G (联络人账号)" in err
    assert "row 5, column G (联络人账号)" in err and "USERNAME_TAKEN" in err
    assert "row 6, column B (单位类型)" in err and "UNIT_TYPE_CONFLICT" in err
    assert "row 7, column D (分管领导电话)" in err
    assert "1 valid rows not written" in out
    assert (LinkageUnit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_partial_keeps_valid_rows_and_new_region(db, tmp_path):
    rows = [unit("福田区公安分局", "police"), unit("坏单位", "?")]
    out, _err, code = run(
        write_csv(tmp_path / "u.csv", rows, headers=HEADERS), "--region", "440304", "--partial"
    )
    assert code != 0 and "imported 1, invalid 1" in out
    assert LinkageUnit.objects.get().region.path == "440000/440300/440304/"


def test_missing_columns(db, tmp_path):
    _out, err, code = run(write_csv(tmp_path / "u.csv", [], headers=["单位名称"]), "--region", "500110")
    assert code != 0 and "单位类型" in err and not Region.objects.exists()


@pytest.mark.parametrize("region", ["5001", "abcdef"])
def test_bad_region(db, tmp_path, region):
    _out, err, code = run(write_csv(tmp_path / "u.csv", [], headers=HEADERS), "--region", region)
    assert code != 0 and "REGION_CODE_INVALID" in err


def test_unit_texts_are_held_to_the_text_rule_and_their_lengths(db, tmp_path):
    """Review of issue 12, finding 2d: the units import cut names to their columns silently and let
    control and text-direction characters through; now refused per cell, as the case import does."""
    rows = [
        unit("綦江区\x1b公安局", "公安"),
        unit("綦江农商银行", "bank", "王\u202e五", "qj_bank_ww"),
        unit("银" * 151, "bank"),
        unit("綦江区法院", "court", 分管领导="李" * 51),
    ]
    out, err, code = run(write_csv(tmp_path / "u.csv", rows, headers=HEADERS), "--region", "500110")
    assert code != 0 and "invalid 4" in out
    assert "row 2, column A (单位名称)" in err and "TEXT_CONTROL_CHARACTER" in err
    assert "row 3, column E (联络人姓名)" in err
    assert "row 4, column A (单位名称)" in err and "MAX_LENGTH" in err
    assert "row 5, column C (分管领导)" in err
    assert not LinkageUnit.objects.exists() and not User.objects.exists()
