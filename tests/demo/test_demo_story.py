"""Issue 15 §10: `make demo` shows the whole property-and-money flow on the printed officer's cases —
inquiry → asset records → freezes within the budget → a deduction booked in the ledger → one case
paid in full (R-FUND-04) — so the officer's, the supervisors' and the fund clerk's pages have data."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.assets.control.budget import case_budget
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure, MeasureKind
from enforcelink.assets.models import AssetRecord, Inquiry
from enforcelink.cases.models import Case
from enforcelink.demo import loader
from enforcelink.demo.linkage import load_requests
from enforcelink.demo.story import STORY_CASES, load_story
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.funds import queries as fund_queries
from enforcelink.funds.models import Journal
from enforcelink.orgs.models import Role, User

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def story(db):
    loader.load(cases=800, seed=3, as_of=AS_OF, parallel=False)
    return load_story(seed=3)


def test_the_printed_officers_cases_carry_the_whole_story(story, client):
    officer = User.objects.get(username=PRIMARY_LOGINS[Role.OFFICER])
    assert 3 <= len(story.cases) <= STORY_CASES  # 800 cases: the officer has three that fit
    assert set(Case.objects.filter(pk__in=story.cases).values_list("officer", flat=True)) == {officer.pk}
    # R-ASSET-01: one-click inquiries, answered, made into records
    assert Inquiry.objects.filter(case__in=story.cases, requested_by=officer).count() == len(story.cases)
    assert story.records == AssetRecord.objects.filter(case__in=story.cases).count() > len(story.cases)
    # R-ASSET-03: freezes in effect, never beyond any case's budget
    freezes = ControlMeasure.objects.filter(
        case__in=story.cases, kind=MeasureKind.FREEZE, status__in=IN_EFFECT
    )
    assert freezes.count() >= 1 and story.freezes >= 1
    for case in Case.objects.filter(pk__in=story.cases):
        figures = case_budget(case, list(ControlMeasure.objects.filter(case=case))).figures
        assert figures.controlled <= figures.total
    # R-FUND-03: deductions booked in the ledger
    assert story.deductions >= 1
    booked = Journal.objects.filter(case__in=story.cases, kind="receipt_deduction")
    assert booked.count() == story.deductions
    # R-FUND-04: one case paid in full, its obligation met
    assert story.paid_in_full is not None
    paid = Case.objects.get(pk=story.paid_in_full)
    standing = fund_queries.standing(paid, dt.date.today())
    assert standing is not None and standing.met
    assert fund_queries.recovered(paid) > 0
    # R-FUND-04: nothing of the paid case is held any more (every control released or being released)
    figures = case_budget(paid, list(ControlMeasure.objects.filter(case=paid))).figures
    assert figures.owed == 0 and figures.controlled <= figures.total
    client.force_login(officer)
    assert client.get(f"/cases/{paid.pk}/").status_code == 200


def test_linkage_requests_go_around_the_story(story):
    """The demo command sends the story first, then linkage's requests on the officer's other cases."""
    before = Inquiry.objects.count()
    assert load_requests(6, seed=3, skip_cases=story.cases) > 0
    assert Inquiry.objects.count() == before  # linkage's own requests are no one-click inquiry
    assert load_requests(6, seed=3, skip_cases=story.cases) == 0  # once only
