"""orgs.actions: court levels from the code (R-ID-03), regions with their paths, court_add's errors."""

from __future__ import annotations

import pytest

from enforcelink.core.errors import DomainError
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.actions import court_add, court_level_for, division_name, region_ensure
from enforcelink.orgs.models import Region

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


@pytest.mark.parametrize(
    ("code", "level"), [("渝", "high"), ("粤07", "intermediate"), ("渝0110", "basic"), ("兵", "high")]
)
def test_level_follows_the_code(code, level):
    """R-ID-03: high court = province short name; intermediate + 2 digits; basic + 4 digits."""
    assert court_level_for(code) == level


def test_level_contradicting_the_code_is_refused(db):
    with pytest.raises(DomainError) as caught:
        court_add(code="渝0110", name="重庆市綦江区人民法院", level="high", actor=None)
    assert (caught.value.code, caught.value.field) == ("COURT_LEVEL_MISMATCH", "level")


def test_name_required(db):
    with pytest.raises(DomainError) as caught:
        court_add(code="渝0110", name="  ", actor=None)
    assert caught.value.field == "name"


def test_region_paths_include_real_prefectures_only(db):
    futian = region_ensure("440304", actor=None)
    assert futian.path == "440000/440300/440304/" and futian.name == "福田区"
    assert futian.parent is not None and futian.parent.name == "深圳市"
    # 500100 is 市辖区, a statistical level: 綦江区 hangs under 重庆市 directly
    assert region_ensure("500110", actor=None).path == "500000/500110/"
    assert not Region.objects.filter(code="500100").exists()
    assert AuditEvent.objects.filter(action="region.created").count() == 5


def test_existing_region_reused_and_bad_code_refused(db):
    first = region_ensure("500110", name="綦江", actor=None)
    assert region_ensure("500110", actor=None) == first and first.name == "綦江"
    with pytest.raises(DomainError) as caught:
        region_ensure("5001", actor=None)
    assert caught.value.code == "REGION_CODE_INVALID"


def test_unknown_division_named_by_its_code(db):
    assert division_name("999999") == ""
    assert region_ensure("990101", actor=None).name == "990101"
