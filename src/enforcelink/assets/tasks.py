"""The assets app's daily sweeps (`core.sweeps`): the property report's deadline (R-LIST-01 (4)) and
the re-inquiries after 终本 (R-ASSET-05)."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.sweeps import periodic


@periodic("property_reports")
def property_reports(day: dt.date) -> int:
    """Daily: a report still awaited after its due date is a ground for sanctions to decide."""
    from enforcelink.assets.reports.actions import sweep_reports

    return sweep_reports(day)


@periodic("reinquiries")
def reinquiries(day: dt.date) -> int:
    """Daily: ask the due re-inquiries of 终本 cases and conclude the answered ones."""
    from enforcelink.assets.reports.reinquiry import sweep_reinquiries

    return sweep_reinquiries(day)
