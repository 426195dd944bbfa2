"""People are named to people by their names: a filing entry that records the officer by login name
(the demo's and an import's trail) reads "Officer: 王斌" on the case's timeline, as assignments do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from tests.factories import UserFactory


def _filed(after: dict) -> AuditEvent:
    return AuditEvent(seq=1, created_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), action="case.filed",
                      before=None, after=after, object_type="cases.case", object_id="1",
                      actor_label="system")  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "label"), [("en", "Officer"), ("zh-hans", "承办人")])
def test_the_filing_entry_names_the_officer_by_full_name(world, language, label):
    officer = UserFactory(username="qj-officer1", full_name="王斌", court=world.court, role="officer")
    after = {"number": "（2026）渝0110执1号", "principal": "1000.00", "officer": officer.username}
    with translation.override(language):
        [told] = narration.tell([_filed(after)])
    assert (label, "王斌") in [(str(key).capitalize(), value) for key, value in told.details]
    assert all("qj-officer1" not in value for _key, value in told.details)


@pytest.mark.django_db
def test_an_officer_no_longer_on_the_platform_keeps_the_recorded_login_name(world):
    with translation.override("en"):
        [told] = narration.tell([_filed({"number": "（2026）渝0110执1号", "officer": "gone-officer"})])
    assert ("Officer", "gone-officer") in told.details
