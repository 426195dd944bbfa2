"""The assets app's daily sweeps (`core.sweeps`): control measures' lapses and expiry reminders
(R-ASSET-02), the network-inquiry clocks whose answers are all in (R-CASE-02), the property
report's deadline (R-LIST-01 (4)) and the re-inquiries after 终本 (R-ASSET-05)."""

from __future__ import annotations

import datetime as dt

from enforcelink.core.sweeps import periodic


@periodic("control_expiry")
def control_expiry(day: dt.date) -> int:
    """Daily: control measures past their last day lapse (the next waiting seizure takes effect), and
    officers hear of those ending within 30 days, once per threshold (R-ASSET-02, R-ASSET-04)."""
    from enforcelink.assets.expiry.sweeps import sweep

    return sweep(day)


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


@periodic("network_inquiries")
def network_inquiries(day: dt.date) -> int:
    """Daily: a network-inquiry clock whose answers are all in but whose completion was missed (the
    answer's task lost, an answer that announced nothing) is completed as the answers would (R-CASE-02)."""
    from enforcelink.assets.inquiry_clock import sweep_network_inquiries

    return sweep_network_inquiries(day)
