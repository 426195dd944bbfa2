"""Who acts when no person or unit system does: a periodic sweep, a calendar recount, a migration.

People (`orgs.User`) and unit systems (`orgs.ApiKey`) are the other two kinds of actor; the union of
all three is `orgs.permissions.Actor`. Core cannot name those models (it sits below `orgs`), so what
core itself needs of an actor is the small `AuditActor` protocol: a primary key, or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class AuditActor(Protocol):
    """What the trail reads of an actor: its key (None for a sweep) and how to name it."""

    @property
    def pk(self) -> Any: ...


@dataclass(frozen=True)
class SystemActor:
    """A sweep or an operator's command acting on its own. It holds no role and no organisation, so `can()` grants it nothing:
    sweeps do only what their own code does (escalate, mark overdue), never a person's action."""

    name: str = "system"
    pk: None = None
    is_active: bool = True
    is_authenticated: bool = False
    is_superuser: bool = False
    role: str = ""

    def __str__(self) -> str:
        # The trail's label: "system" for a sweep, as when sweeps passed no actor at all, or the
        # command's own name ("cli:import").
        return self.name


SYSTEM = SystemActor()
