"""What people read on issue 15's pages names no rule id (R-ASSET-02 …) inside a sentence: the ids
stay in code comments, docstrings, tests and docs, and a page shows one only as the small reference
of issue 14 §4 (templates/core/_rule_ref.html; tests/cases/test_rule_refs.py)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.reports import reinquiry
from tests.assets.test_expiry import frozen, handled_by
from tests.cases.test_rule_refs import RULE_ID, read
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")

SRC = Path(__file__).resolve().parents[2] / "src" / "enforcelink"
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
TRANSLATED = re.compile(r"\{%\s*(?:translate|trans)\s+(['\"])(.*?)\1", re.S)
BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)


def _msgids(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GETTEXT:
                for arg in node.args:
                    for leaf in ast.walk(arg):
                        if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                            found.append((leaf.lineno, leaf.value))
    return found


@pytest.mark.parametrize("app", ["assets", "funds"])
def test_no_message_of_assets_or_funds_names_a_rule_id(app):
    bare = [f"{path.relative_to(SRC)}:{line}: {text}" for path in sorted((SRC / app).rglob("*.py"))
            if "migrations" not in path.parts for line, text in _msgids(path) if RULE_ID.search(text)]  # fmt: skip
    for path in sorted((SRC / app).rglob("*.html")):
        text = path.read_text()
        for match in [*TRANSLATED.finditer(text), *BLOCK.finditer(text)]:
            if RULE_ID.search(match.group(match.lastindex or 0)):
                bare.append(f"{path.relative_to(SRC)}: {match.group(0)[:80]}")
    assert bare == []


def test_the_reinquirys_recorded_purpose_names_no_rule_id():
    """Units and the supervisors' samples read an inquiry's purpose."""
    assert not RULE_ID.search(reinquiry.PURPOSE) and reinquiry.PURPOSE.startswith("终本后定期查询")


def test_the_expiring_list_says_the_renewal_rule_in_words_with_the_id_as_a_reference(client, world):
    case = handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)
    frozen(world, case, ends_on=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(world.officer)
    page = read(client.get(reverse("controls-expiring"), HTTP_ACCEPT_LANGUAGE="en"))
    assert [t for t in page.text if RULE_ID.search(t)] == []
    assert "Renewed before the last day; a lapsed measure cannot be renewed." in "".join(page.text)
    assert [rule for rule, _title in page.refs] == ["R-ASSET-02"]


def test_the_control_panels_messages_read_money_as_pages_show_it(client, world):
    """R-MONEY-01 in the panel's flashes and errors: 1,000.00 元, not 1000.00."""
    from enforcelink.assets.control.models import ControlMeasure
    from enforcelink.assets.models import AssetKind, AssetRecord
    from enforcelink.linkage.actions import request_complete
    from enforcelink.linkage.models import AssistanceRequest

    case = file_case(world.court, world.officer, principal="120000.00")
    now = timezone.now()
    record = AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=world.unit, institution="綦江农商银行", identifier="62170001",
        key="62170001", value="500000.00", value_on=timezone.localdate(), first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
    client.force_login(world.officer)
    sent = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "1000.00"}, **hx
    )
    assert "Freeze of 1,000.00 元 sent to" in sent.content.decode()
    measure = ControlMeasure.objects.get()
    until = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    request_complete(AssistanceRequest.objects.get(pk=measure.request_id), actor=world.liaison,
                     result={"frozen_amount": "1000.00", "frozen_until": until, "account": "62170001"})  # fmt: skip
    refused = client.post(reverse("control-deduct", args=[measure.pk]), {"amount": "2000.00"}, **hx)
    assert "2,000.00 元 is more than the 1,000.00 元 this freeze holds" in refused.content.decode()
    refused = client.post(
        reverse("control-release", args=[measure.pk]), {"reason": "x", "amount": "1500.00"}, **hx
    )
    assert "1,500.00 元 is more than the 1,000.00 元 this freeze holds" in refused.content.decode()
