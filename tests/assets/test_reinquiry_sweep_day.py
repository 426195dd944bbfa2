"""R-ASSET-05: a re-inquiry round whose units have not all answered is concluded after 30 days
counted on the sweep's calendar (`enforcelink sweep --date`), not the machine's clock."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.assets.reports import reinquiry
from enforcelink.assets.reports.models import Reinquiry, ReinquiryStatus
from tests.assets.test_reinquiry import close_zb

pytestmark = pytest.mark.usefixtures("english")
DAY = dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("asked_on", "today", "waited"),
    [
        (None, DAY + dt.timedelta(days=29), False),
        (None, DAY + dt.timedelta(days=30), True),  # the 30th day after the due day
        # asked for real before the due day (a sweep run ahead with --date): the due day counts
        (DAY - dt.timedelta(days=200), DAY + dt.timedelta(days=29), False),
        (DAY - dt.timedelta(days=200), DAY + dt.timedelta(days=30), True),
        # a sweep that ran late asked 5 days after the due day: 30 days from then
        (DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=34), False),
        (DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=35), True),
        # asked for real after the sweep's day (days past replayed): the due day counts
        (DAY + dt.timedelta(days=400), DAY + dt.timedelta(days=30), True),
    ],
)
def test_waited_enough_counts_on_the_sweep_s_calendar(asked_on, today, waited):
    assert reinquiry.waited_enough(DAY, asked_on, today) is waited


def test_a_round_unanswered_is_concluded_30_days_after_it_was_asked_by_the_sweep_s_date(
    world, units, case, django_capture_on_commit_callbacks
):
    close_zb(world, case)
    first = Reinquiry.objects.get(case=case, round=1)  # due six months from today
    assert reinquiry.sweep_reinquiries(first.due_on) == 1  # asked; nobody answers
    assert reinquiry.sweep_reinquiries(first.due_on + dt.timedelta(days=29)) == 0
    assert Reinquiry.objects.get(pk=first.pk).status == ReinquiryStatus.SENT
    with django_capture_on_commit_callbacks(execute=True):
        assert reinquiry.sweep_reinquiries(first.due_on + dt.timedelta(days=30)) == 1
    done = Reinquiry.objects.get(pk=first.pk)
    assert done.status == ReinquiryStatus.DONE and done.concluded_at is not None
