"""`enforcelink court add|list` (issue 2 §3, R-ID-03)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enforcelink.core.models import AuditEvent
from enforcelink.orgs.models import Court, Region

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def court(*args: str) -> str:
    out = StringIO()
    call_command("court", *args, stdout=out)
    return out.getvalue()


def test_add_basic_court_with_region(db):
    out = court("add", "--code", "渝0110", "--name", "重庆市綦江区人民法院", "--region", "500110")
    added = Court.objects.get(code="渝0110")
    assert added.level == "basic" and added.region is not None
    assert added.region.path == "500000/500110/" and added.region.name == "綦江区"
    assert Region.objects.get(code="500000").name == "重庆市"
    assert "重庆市綦江区人民法院" in out
    assert AuditEvent.objects.filter(
        action="court.added", court_id=added.pk, actor_label="cli:court"
    ).exists()


def test_list(db):
    court("add", "--code", "粤07", "--name", "江门市中级人民法院")
    court("add", "--code", "渝", "--name", "重庆市高级人民法院")
    lines = court("list").splitlines()
    assert [line.split("\t")[0] for line in lines] == ["渝", "粤07"]


@pytest.mark.parametrize(
    ("code", "message"), [("渝011", "COURT_CODE_INVALID"), ("XY0110", "COURT_CODE_INVALID")]
)
def test_bad_code_refused(db, code, message):
    """R-ID-03: a malformed court code is refused with its code, nothing created."""
    with pytest.raises(CommandError, match=message):
        court("add", "--code", code, "--name", "某法院")
    assert not Court.objects.exists()


def test_duplicate_code_refused(db):
    court("add", "--code", "渝0110", "--name", "重庆市綦江区人民法院")
    with pytest.raises(CommandError, match="COURT_CODE_TAKEN"):
        court("add", "--code", "渝0110", "--name", "另一个法院")
    assert Court.objects.count() == 1


def test_bad_region_creates_nothing(db):
    with pytest.raises(CommandError, match="REGION_CODE_INVALID"):
        court("add", "--code", "渝0110", "--name", "重庆市綦江区人民法院", "--region", "50011")
    assert not Court.objects.exists() and not Region.objects.exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [("重庆市綦江区\x1b人民法院", "TEXT_CONTROL_CHARACTER"), ("重庆市\u202e綦江区人民法院", "TEXT_CONTROL_CHARACTER"),
     ("某" * 101, "MAX_LENGTH")],
)  # fmt: skip
def test_court_name_is_held_to_the_text_rule_not_cut(db, name, code):
    """Review of issue 12, finding 2d: `court add` stored control characters and cut the name to 100
    characters; the name heads every document of the court."""
    with pytest.raises(CommandError, match=code):
        court("add", "--code", "渝0110", "--name", name)
    assert not Court.objects.exists()


def test_court_name_is_stored_composed(db):
    court("add", "--code", "渝0110", "--name", "Caf\u0065\u0301法院")
    assert Court.objects.get().name == "Café法院"
