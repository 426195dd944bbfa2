"""`{{ step|trace_step }}`: a deadline trace's steps (R-TIME-02) in the reader's language;
`{{ trace|explained }}`: the whole trace in words (`core.traces`).

The steps are stored as they were computed (`core.calendar.compute_deadline`), in a fixed form that
machines and the audit trail can read; this filter only reads them aloud, so a Chinese clerk sees
"2026-03-01 加 3 个工作日 = 2026-03-04" rather than the stored English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import template
from django.utils.translation import gettext as _

from enforcelink.core.traces import explain

register = template.Library()

DATE = r"(\d{4}-\d{2}-\d{2})"
PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(rf"^{DATE} \+ (\d+) working days = {DATE}$"),
     lambda m: _("%(start)s + %(n)s working days = %(end)s") % {"start": m[1], "n": m[2], "end": m[3]}),
    (re.compile(rf"^{DATE} \+ (\d+) days = {DATE}$"),
     lambda m: _("%(start)s + %(n)s days = %(end)s") % {"start": m[1], "n": m[2], "end": m[3]}),
    (re.compile(rf"^{DATE} \+ (\d+) months = {DATE}$"),
     lambda m: _("%(start)s + %(n)s months = %(end)s") % {"start": m[1], "n": m[2], "end": m[3]}),
    (re.compile(rf"^\+ (\d+) months approved extension = {DATE}$"),
     lambda m: _("+ %(n)s months approved extension = %(end)s") % {"n": m[1], "end": m[2]}),
    (re.compile(rf"^\+ (\d+) days not counted \(suspension etc\.\) = {DATE}$"),
     lambda m: _("+ %(n)s days not counted (suspension etc.) = %(end)s") % {"n": m[1], "end": m[2]}),
    (re.compile(rf"^{DATE} is not a working day: moved to {DATE}$"),
     lambda m: _("%(day)s is not a working day: moved to %(next)s") % {"day": m[1], "next": m[2]}),
    (re.compile(r"^\+ (\d+) working days back with the court \(not counted\)$"),
     lambda m: _("+ %(n)s working days back with the court, not counted") % {"n": m[1]}),
    (re.compile(r"^no State Council calendar published for part of this period: Monday–Friday assumed$"),
     lambda m: _("No State Council holiday calendar is published for part of this period: Monday to Friday are assumed to be working days.")),
]  # fmt: skip


@register.filter
def trace_step(step: object) -> str:
    text = str(step)
    for pattern, say in PATTERNS:
        match = pattern.match(text)
        if match:
            return say(match)
    return text


@register.filter
def explained(trace: object) -> list[str]:
    """`{% for line in node.trace|explained %}`: the whole trace in words (`core.traces.explain`)."""
    return explain(trace)
