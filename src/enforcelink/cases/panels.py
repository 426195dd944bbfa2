"""The case page is the hub (issue 14 §2): the apps above cases add their panels to it.

Cases cannot import documents or linkage (tests/core/test_layering.py), yet the officer needs the
case's documents and its assistance requests on the case's own page. As with `core.events`, each
app registers in its `AppConfig.ready()` a provider `fn(case, actor) -> Panel | None`; the case page
asks every provider and shows the panels by their `order`, then by name. A provider answers None
when it has nothing for this reader (a reader who may not see its records, say): the page then shows
nothing of it. Providers read through their own app's `visible_to`, so a panel never shows more
than its app's pages would.

Order of the panels, as an officer works a case: documents (10: the execution notice and the
property-report order go out first), then assistance requests (20: the inquiries).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from enforcelink.cases.models import Case
from enforcelink.core import memo
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can


@dataclass(frozen=True)
class Panel:
    """One card on the case page: its HTML id, its template and what the template reads."""

    key: str
    template: str
    order: int
    context: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[Case, User], Panel | None]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or, on a second `ready()`, replace) the provider named `name` (`"documents.panel"`)."""
    _providers[name] = provider


def registered() -> list[str]:
    return sorted(_providers)


def panels_for(case: Case, actor: User) -> list[Panel]:
    """The panels this reader gets on this case's page, in their order; none for a reader of no
    court records of this case (a unit's liaison sees its requests in its inbox, never here)."""
    if not can(actor, Action.READ_COURT_RECORDS, case):
        return []
    with memo.reading():  # the providers only read: one read of the case's receipts serves them all
        found = [
            (panel.order, name, panel)
            for name, provider in _providers.items()
            if (panel := provider(case, actor))
        ]
    return [panel for _order, _name, panel in sorted(found, key=lambda row: row[:2])]
