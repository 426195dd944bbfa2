"""A deadline's trace explained in words (R-TIME-01, R-TIME-02; issue 14 §4).

`core.calendar.compute_deadline` stores how a due date was reached in a fixed form that machines and
the trail read (`"2026-01-05 + 30 working days = 2026-02-24"`, `"start_event": "case.filed"`,
`"calendar": "chinese-calendar 1.11.0 (…)"`). `explain(trace)` reads it to a clerk: from which day it
counts, how many weekend days and holidays were skipped and which holidays they were, the days not
counted, the approved extensions, the roll to the next working day, earlier due dates and why they
moved, and which calendar it was counted with. The rule id is not part of the words: pages show it
as a small reference.

The skipped days are the trace's own arithmetic (calendar days between start and end, less the
working days counted); only the holidays' names are looked up (the holiday table, then the package).

The words for a start event or a reason code belong to the app that writes it (`case.filed` is
cases', `request_sent` linkage's): each names its own with `name(code, words)` in its
`AppConfig.ready()`; an unnamed code reads humanised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core import calendar, narration
from enforcelink.core.narration import day, humanise, short_day

_words: dict[str, Any] = {}


def name(code: str, words: Any) -> None:
    """Words for a code a trace stores: a start event (`"case.filed"` → "the filing"), or a reason's
    kind (`"suspension:audit"`)."""
    _words[code] = words


def words_for(code: str) -> str:
    found = _words.get(code)
    return str(found) if found is not None else humanise(code)


# The package's holiday names (it names them in English), in the reader's language.
HOLIDAYS = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"),
    "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("Anti-Fascist War Victory Day"),
}
WEEKDAYS = (
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"), gettext_lazy("Thursday"),
    gettext_lazy("Friday"), gettext_lazy("Saturday"), gettext_lazy("Sunday"),
)  # fmt: skip


def holiday_name(when: dt.date) -> str:
    """The holiday a day belongs to (the holiday table's name first, then the package's), or ""."""
    table = calendar.holiday_table()
    if table.names.get(when):
        return table.names[when]
    try:
        _holiday, found = chinese_calendar.get_holiday_detail(when)
    except NotImplementedError:
        return ""
    return str(HOLIDAYS.get(found, found)) if found else ""


def holidays_between(start: dt.date, end: dt.date) -> list[str]:
    """The named holidays among the days off in (start, end], each as one range: "春节 2月15日至2月23日"."""
    spans: list[tuple[str, dt.date, dt.date]] = []
    current = start + dt.timedelta(days=1)
    while current <= end:
        if not calendar.is_working_day(current):
            found = holiday_name(current)
            if found and spans and spans[-1][0] == found and (current - spans[-1][2]).days <= 3:
                spans[-1] = (found, spans[-1][1], current)
            elif found:
                spans.append((found, current, current))
        current += dt.timedelta(days=1)
    return [
        _("%(holiday)s, %(day)s") % {"holiday": holiday, "day": short_day(first)}
        if first == last
        else _("%(holiday)s, %(first)s to %(last)s")
        % {"holiday": holiday, "first": short_day(first), "last": short_day(last)}
        for holiday, first, last in spans
    ]


def _why_off(when: dt.date) -> str:
    return holiday_name(when) or str(WEEKDAYS[when.weekday()])


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


DATE = r"(\d{4}-\d{2}-\d{2})"


def _working_days(m: re.Match[str]) -> str:
    start, amount, end = _date(m[1]), int(m[2]), _date(m[3])
    skipped = (end - start).days - amount
    values = {"n": amount, "end": day(end), "skipped": skipped}
    if skipped <= 0:
        return _("Adding %(n)s working days gives %(end)s.") % values
    named = holidays_between(start, end)
    if not named:
        return _("Adding %(n)s working days gives %(end)s; the %(skipped)s weekend days and holidays in between are not counted.") % values  # fmt: skip
    together = narration.listed(named)
    return _("Adding %(n)s working days gives %(end)s; the %(skipped)s weekend days and holidays in between (%(holidays)s) are not counted.") % {**values, "holidays": together}  # fmt: skip


def _rolled(m: re.Match[str]) -> str:
    off, moved_to = _date(m[1]), _date(m[2])
    return _("%(day)s (%(why)s) is not a working day: the deadline moves to the next working day, %(next)s.") % {
        "day": day(off), "why": _why_off(off), "next": day(moved_to)}  # fmt: skip


STEPS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(rf"^{DATE} \+ (\d+) working days = {DATE}$"), _working_days),
    (re.compile(rf"^{DATE} \+ (\d+) days = {DATE}$"),
     lambda m: _("Adding %(n)s days gives %(end)s.") % {"n": m[2], "end": day(m[3])}),
    (re.compile(rf"^{DATE} \+ (\d+) months = {DATE}$"),
     lambda m: _("Adding %(n)s months gives %(end)s.") % {"n": m[2], "end": day(m[3])}),
    (re.compile(rf"^\+ (\d+) months approved extension = {DATE}$"),
     lambda m: _("An approved extension of %(n)s months moves it to %(end)s.") % {"n": m[1], "end": day(m[2])}),
    (re.compile(rf"^\+ (\d+) days not counted \(suspension etc\.\) = {DATE}$"),
     lambda m: _("%(n)s days not counted (a suspension, an audit or appraisal, a settlement deferral or an auction) move it to %(end)s.") % {"n": m[1], "end": day(m[2])}),
    (re.compile(rf"^{DATE} is not a working day: moved to {DATE}$"), _rolled),
    (re.compile(r"^\+ (\d+) working days back with the court \(not counted\)$"),
     lambda m: _("This includes %(n)s working days the request spent back with the court for correction, which are not counted.") % {"n": m[1]}),
]  # fmt: skip


def explain_step(step: object) -> str:
    """One stored step in words; a step of a form this does not know, as it is."""
    text = str(step)
    for pattern, say in STEPS:
        match = pattern.match(text)
        if match:
            try:
                return say(match)
            except ValueError:  # an impossible date in a hand-made trace
                return text
    return text


def _reason(changed_by: Any) -> str:
    """Why a due date moved, from the reason a recount stored (`core.calendar.with_history`)."""
    reason = changed_by if isinstance(changed_by, dict) else {}
    if "extension" in reason:
        return _("an extension of %(months)s months was approved") % {"months": reason.get("months", "?")}
    if "suspension" in reason:
        return _("a period not counted (%(kind)s, %(days)s days) ended") % {
            "kind": words_for(f"suspension:{reason.get('kind', '')}"), "days": reason.get("days", "?")}  # fmt: skip
    if "calendar" in reason:
        return _("the holiday calendar changed")
    return _("it was recounted")


_TABLE = re.compile(r"^holiday table \((?P<sources>.*)\), then ")


def _calendar(text: str) -> str:
    """Which calendar the period was counted with, without the package's name and version."""
    match = _TABLE.match(text or "")
    if not match:
        return _("Working days follow the State Council's holiday notices.")
    notices = []
    for part in match["sources"].split("; "):
        year, _sep, source = part.partition(": ")
        notices.append(_("%(year)s: %(notice)s") % {"year": year, "notice": source} if source else part)
    together = narration.listed(notices)
    return _("Working days follow the State Council's holiday notices (%(notices)s).") % {"notices": together}


def explain(trace: Any) -> list[str]:
    """The trace in words, one sentence a line, in the order it was computed."""
    if not isinstance(trace, Mapping) or not trace.get("steps"):
        return []
    lines = []
    if trace.get("start"):
        lines.append(
            _("Counted from %(event)s on %(date)s; that day itself is not counted.")
            % {"event": words_for(str(trace.get("start_event", ""))), "date": day(trace["start"])}
        )
    lines += [explain_step(step) for step in trace["steps"]]
    for earlier in trace.get("history") or ():
        if isinstance(earlier, Mapping) and earlier.get("due"):
            lines.append(
                _("It was due %(due)s before; it was recounted because %(why)s.")
                % {"due": day(earlier["due"]), "why": _reason(earlier.get("changed_by"))}
            )
    if trace.get("calendar"):
        lines.append(_calendar(str(trace["calendar"])))
    if trace.get("calendar_note"):
        lines.append(
            _(
                "No State Council holiday calendar is published for part of this period: Monday to Friday are assumed to be working days."
            )
        )
    return lines
