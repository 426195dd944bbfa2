"""Pure rules of durations and reminders (R-ASSET-02, R-ASSET-04) on top of `assets.policy`.

- `term_class_of`: which maximum a measure has (民诉解释 Art.485), from the kind of the asset it holds.
- `confirmed_end`: the end a unit confirmed is the truth, checked against the legal maximum counted
  from the day of effect (the day of effect not counted, R-TIME-01); no end given: the maximum.
- `threshold_for`: which reminder threshold a measure with `days_left` falls in (each is used once
  per measure and term).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from enforcelink.assets import policy as asset_policy

# Without an asset record (a freeze of "the debtor's accounts at bank X", a seizure sent from
# linkage's own form) the class is read from the measure: a freeze holds money (1 year), a seizure
# or detention a movable (2 years) — the shorter class, so nothing is held beyond the law.
BY_MEASURE = {"freeze": "deposit", "seize": "movable", "detain_vehicle": "movable"}


def term_class_of(measure_kind: str, record_kind: str | None) -> str:
    """R-ASSET-02: the term class (a key of `assets.policy.TERM_YEARS`) of a measure on an asset of
    `record_kind` (an `AssetKind` value, or None)."""
    if record_kind and record_kind in asset_policy.TERM_OF_KIND:
        return asset_policy.term_class(record_kind)
    return BY_MEASURE.get(measure_kind, "deposit")


@dataclass(frozen=True)
class End:
    on: dt.date
    maximum: dt.date
    cut: bool  # the unit's date was beyond the maximum and the maximum is kept instead


def confirmed_end(effective_on: dt.date, given: dt.date | None, term_class: str) -> End:
    """R-ASSET-02: the last day a measure confirmed as taking effect on `effective_on` holds — the
    unit's date when it gives one within the maximum, the maximum otherwise (a later date would hold
    the property beyond the law: the maximum is kept and the decision says so)."""
    maximum = asset_policy.term_end(effective_on, term_class)
    if given is None:
        return End(maximum, maximum, False)
    if given > maximum:
        return End(maximum, maximum, True)
    return End(given, maximum, False)


def threshold_for(days_left: int, thresholds: Iterable[int]) -> int | None:
    """R-ASSET-02 reminders: the smallest threshold (days before the end) that `days_left` is within,
    or None when the end is further off than every threshold or already past."""
    if days_left < 0:
        return None
    fitting = [days for days in thresholds if days_left <= days]
    return min(fitting) if fitting else None
