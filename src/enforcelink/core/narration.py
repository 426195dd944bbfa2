"""The trail told in words: each audit action read as a sentence in the reader's language (issue 14 §4).

The trail stores facts in a fixed form that machines and `audit verify` read (`request.sent`,
`{"status": "sent", "due_on": "2026-03-04"}`, actor `api-key:d4874415`); people read sentences
("杨玉英向重庆农村商业银行綦江支行发送“冻结”请求"). Core cannot import the apps whose actions it
would tell (it sits below them, tests/core/test_layering.py), so, as with `core.events`, each app
registers in its `AppConfig.ready()`:

- `register(action, describe, load=None)`: how its actions read. `describe(event, scene)` returns a
  `Told`: one sentence (naming the actor, `scene.actor`), details as (label, value) pairs with values
  formatted for the reader (money as 124,700.50 元, dates in the locale's format, choices by their
  labels), and rule ids, which pages show only as a small reference. `load(events)` reads, once for
  all the events of a page told by that describer, what their sentences name (a request's unit and
  type, an officer's name): `scene.loaded`. A family of actions registers as `"step.*"`.
- `register_actors(prefix, namer)`: the names of machine actors whose trail label starts with
  `prefix` (`api-key:` → the unit's system, read from the key's unit), one call per page.
- `name_machine(label, name)`: a sweep's or a command's label (`system`, `cli:import`) in words.

`tell(events)` annotates each event with `.told`. An action nobody registered (a future app's, an
event written before its sentence existed) still reads as its name humanised with its values listed,
and a describer that fails on an old event's data falls back the same way: a page never breaks on the
trail. tests/core/test_narration.py walks `src/` for every action written and fails on one without a
sentence.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enforcelink.core.identifiers import mask_id
from enforcelink.core.models import AuditEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Told:
    """One event in words: a sentence, its details, and the rules it applied (a small reference)."""

    sentence: str
    details: tuple[tuple[str, str], ...] = ()
    refs: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        """The details as "label: value" in the reader's language."""
        return [_("%(label)s: %(value)s") % {"label": label, "value": value} for label, value in self.details]


@dataclass(frozen=True)
class Scene:
    """What a describer gets beside its event: the actor's name and what its loader read."""

    actor: str
    loaded: Any = None


Describe = Callable[[AuditEvent, Scene], Told]
Load = Callable[[Sequence[AuditEvent]], Any]
ActorNamer = Callable[[set[str]], Mapping[str, str]]


@dataclass(frozen=True)
class Narrator:
    describe: Describe
    load: Load | None = None


_narrators: dict[str, Narrator] = {}
_actor_namers: dict[str, ActorNamer] = {}
_machines: dict[str, Any] = {}


def register(action: str, describe: Describe, *, load: Load | None = None) -> None:
    """How `action` reads (`"case.filed"`), or a family of actions (`"step.*"`); registering the same
    action again replaces it."""
    _narrators[action] = Narrator(describe, load)


def register_actors(prefix: str, namer: ActorNamer) -> None:
    """Names of the machine actors labelled `prefix…` (`"api-key:"`): `namer(labels)` → {label: name}."""
    _actor_namers[prefix] = namer


def name_machine(label: str, name: Any) -> None:
    """What a command's or a task's trail label (`"cli:import"`) does, in words (a lazy translation):
    it reads "System (case import)"."""
    _machines[label] = name


def registered() -> set[str]:
    return set(_narrators)


def machine_labels() -> set[str]:
    return set(_machines)


def narrator(action: str) -> Narrator | None:
    """The action's narrator, or its family's (`step.*` for `step.lead_verified`)."""
    found = _narrators.get(action)
    if found is not None:
        return found
    family = action.rpartition(".")[0]
    while family:
        found = _narrators.get(family + ".*")
        if found is not None:
            return found
        family = family.rpartition(".")[0]
    return None


# --- actors ------------------------------------------------------------------------------------


def machine_name(label: str) -> str:
    """A machine actor's label in words: a sweep reads "系统", a named command "系统（案件导入）"."""
    name = _machines.get(label)
    if name is None:  # a sweep, or a label nobody named: no code shown to people
        return _("System")
    return _("System (%(what)s)") % {"what": name}


def actor_names(events: Iterable[AuditEvent]) -> dict[str, str]:
    """The names of the machine actors of these events, one lookup per registered prefix."""
    return _prefixed({event.actor_label for event in events if not event.actor_id and event.actor_label})


def _prefixed(labels: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for prefix, namer in _actor_namers.items():
        mine = {label for label in labels if label.startswith(prefix)}
        if mine:
            names.update({label: str(name) for label, name in namer(mine).items()})
    return names


def machine_names(labels: Iterable[str]) -> dict[str, str]:
    """Machine actors' labels kept on records other than the trail (a ledger journal's booker) in
    words: a unit system's key by its unit, a sweep or a command as 系统 (`machine_name`)."""
    wanted = set(labels)
    names = _prefixed(wanted)
    names.update({label: machine_name(label) for label in wanted - names.keys()})
    return names


def actor_of(event: AuditEvent, names: Mapping[str, str]) -> str:
    """Who acted: the person (their full name, `select_related("actor")` saves a query each), the unit
    system behind an API key, or the sweep or command in words."""
    if event.actor_id:
        actor = event.actor if "actor" in event._state.fields_cache else None
        return str(actor) if actor is not None else event.actor_label or _("System")
    label = event.actor_label
    return names.get(label) or machine_name(label)


# --- telling -----------------------------------------------------------------------------------


def tell(events: Sequence[AuditEvent]) -> list[Told]:
    """Each event in words, also kept on it as `event.told`; each describer's loader runs once."""
    names = actor_names(events)
    # Grouped by loader: the actions one app registered with one loader (a request's fifteen steps)
    # share one query.
    groups: dict[Any, list[AuditEvent]] = {}
    for event in events:
        found = narrator(event.action)
        if found is not None and found.load is not None:
            groups.setdefault(found.load, []).append(event)
    loaded = {load: _load(load, group) for load, group in groups.items()}
    told = []
    for event in events:
        found = narrator(event.action)
        scene = Scene(actor_of(event, names), loaded.get(found.load) if found is not None else None)
        event.told = _describe(found, event, scene)  # type: ignore[attr-defined]
        told.append(event.told)  # type: ignore[attr-defined]
    return told


def _load(load: Load, group: list[AuditEvent]) -> Any:
    try:
        return load(group)
    except Exception:  # a page never breaks on the trail: the describers fall back on what they have
        logger.exception("loading what %s events name failed", group[0].action)
        return None


def _describe(found: Narrator | None, event: AuditEvent, scene: Scene) -> Told:
    if found is not None:
        try:
            return found.describe(event, scene)
        except Exception:  # an old event's data the describer does not expect: told plainly
            logger.exception("telling audit event #%s (%s) failed", event.seq, event.action)
    return fallback(event, scene)


def humanise(code: str) -> str:
    """`request.due_recomputed` → "Request due recomputed"."""
    words = re.sub(r"[._:\-]+", " ", code).strip()
    return capfirst(words) or code


def fallback(event: AuditEvent, scene: Scene) -> Told:
    """An action without a sentence: its name humanised, its values listed with their labels."""
    what = humanise(event.action)
    model = model_of(event.object_type)
    details = changes(model, event.before, event.after)
    return Told(_("%(actor)s: %(what)s") % {"actor": scene.actor, "what": what}, details)


# --- values as people read them -----------------------------------------------------------------

# Never listed: full ID numbers stay behind the logged reveal (R-ID-05); hashes, template ids and the
# like mean nothing to a reader (the audit admin shows the stored event whole).
HIDDEN = frozenset({
    "parties", "candidates", "id_number", "sha256", "hash", "template", "notice_template", "ruling_template",
    "prefix", "device", "rendered", "password",
})  # fmt: skip
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def money(value: Any) -> str:
    """124700.5 → "124,700.50 元" (yuan grouped by thousands, two decimals, R-MONEY-01)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    grouped = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("%(amount)s yuan") % {"amount": grouped}


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def day(value: Any) -> str:
    """A date in the locale's format: 2026年3月4日, March 4, 2026."""
    found = as_date(value)
    return formats.date_format(found, "DATE_FORMAT") if found is not None else str(value or "")


def short_day(value: Any) -> str:
    """A date without its year: 3月4日, March 4."""
    found = as_date(value)
    return formats.date_format(found, "MONTH_DAY_FORMAT") if found is not None else str(value or "")


def moment(value: Any) -> str:
    """A time of day with its date: 2026年3月4日 09:30."""
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"


def listed(items: Iterable[str]) -> str:
    """Items as a list in the reader's language: 春节、国庆节 in Chinese, "a, b" in English."""
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    return separator.join(str(item) for item in items)


def yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def label_of(choices: Any, value: Any) -> str:
    """A stored choice by its label (`TextChoices` or a field's choices); unknown values as they are."""
    pairs = getattr(choices, "choices", choices) or ()
    for key, label in pairs:
        if isinstance(label, list | tuple):  # grouped choices
            for inner, inner_label in label:
                if str(inner) == str(value):
                    return str(inner_label)
        elif str(key) == str(value):
            return str(label)
    return str(value)


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an event's `object_type` ("cases.case") names, if it still exists."""
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def model_name(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else humanise(object_type.rpartition(".")[2])


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def value_text(value: Any, field: models.Field[Any, Any] | None = None, kind: str = "") -> str:
    """A stored value as a reader reads it, by the field it came from or the kind the caller names
    (`money`, `date`, `moment`); lists joined, nested data left out (""), ID numbers masked."""
    if value is None or value in ("", "None") or isinstance(value, dict):
        return ""
    if isinstance(value, list | tuple):
        return listed(filter(None, (value_text(item, field, kind) for item in value)))
    if field is not None and field.choices:
        return label_of(field.choices, value)
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return yes_no(value in (True, "True", "true", 1, "1"))  # the admin stores str(value)
    if kind == "money" or isinstance(field, models.DecimalField):
        return money(value)
    if kind == "moment" or isinstance(field, models.DateTimeField):
        return moment(value)
    if kind == "date" or isinstance(field, models.DateField) or as_date(value) is not None:
        return day(value)
    if isinstance(field, models.ForeignKey) and str(value).isdigit():
        return _related(field, value)
    return mask_id(str(value))


def _related(field: models.ForeignKey[Any, Any], value: Any) -> str:
    """An id the admin stored for a foreign key (its "before"), as the object's name (rare: one query)."""
    found = field.related_model._default_manager.filter(pk=value).first()
    return str(found) if found is not None else str(value)


@dataclass
class Fields:
    """How `changes` reads an event's values: labels and kinds by key, keys left out."""

    labels: Mapping[str, Any] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)  # money, date, moment
    choices: Mapping[str, Any] = field(default_factory=dict)  # values read by these choices' labels
    skip: Iterable[str] = ()


def changes(
    model: type[models.Model] | None, before: Any, after: Any, how: Fields | None = None
) -> tuple[tuple[str, str], ...]:
    """(label, value) for each value of `after`, "old → new" where `before` holds another value: the
    label is the caller's, else the model field's verbose name, else the key humanised."""
    how = how or Fields()
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    skipped = HIDDEN | set(how.skip)
    rows = []
    for key in dict.fromkeys([*after, *before]):
        if key in skipped:
            continue
        found = _field(model, key)
        kind = how.kinds.get(key, "")

        def text_of(value: Any, found: Any = found, kind: str = kind, key: str = key) -> str:
            if key in how.choices and value not in (None, ""):
                return label_of(how.choices[key], value)
            return value_text(value, found, kind)

        new = text_of(after.get(key)) if key in after else ""
        old = text_of(before.get(key)) if key in before else ""
        if not new and not old:
            continue
        text = new if not old or old == new else _("%(old)s → %(new)s") % {"old": old, "new": new or "—"}
        label = how.labels.get(key) or (capfirst(str(found.verbose_name)) if found is not None else "")
        rows.append((str(label) or humanise(key), text))
    return tuple(rows)


def detail(label: Any, value: str) -> tuple[tuple[str, str], ...]:
    """One (label, value) detail, or none when the value is empty."""
    return ((str(label), value),) if value else ()


def ids(events: Iterable[AuditEvent]) -> list[int]:
    """The integer object ids of these events (for a loader's `pk__in`)."""
    return [int(event.object_id) for event in events if event.object_id.isdigit()]


def after_of(event: AuditEvent) -> dict[str, Any]:
    return event.after if isinstance(event.after, dict) else {}


def before_of(event: AuditEvent) -> dict[str, Any]:
    return event.before if isinstance(event.before, dict) else {}
