"""Registered judgments (执前督促) as subjects of documents, without documents importing urging.

The risk notice and the urging letter (`policy.JUDGMENT_KINDS`) go on a judgment registered before
enforcement and print its data, but urging sits above documents (tests/core/test_layering.py) and
issues those documents through `document_issue`. So documents says here what it needs of a judgment
(`RegisteredJudgment`, `PrintedParty`, `JudgmentProvider`), and urging registers the one provider
in its `AppConfig.ready()`, as higher apps subscribe to `core.events`. `Document.judgment` names the
model by the string "urging.Judgment", which is no import; `register` checks the provider's model is
that foreign key's target.

Without a provider (urging not installed, or not ready) anything that needs a judgment raises
`NoJudgmentProvider`, naming what is missing, rather than treating a judgment as a case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from enforcelink.documents.models import Document
from enforcelink.orgs.models import Court, User
from enforcelink.orgs.permissions import Actor


class PrintedParty(Protocol):
    """A party as a document prints it: a case's `Party` or a registered judgment's party."""

    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def id_type(self) -> str: ...
    @property
    def id_number(self) -> str: ...
    @property
    def masked_id(self) -> str: ...
    @property
    def legal_representative(self) -> str: ...
    @property
    def address(self) -> str: ...


class RegisteredJudgment(Protocol):
    """What documents read of a registered judgment: its court, for numbering, scope and the trail,
    and what the risk notice and the urging letter print (`placeholders.judgment_values`)."""

    @property
    def pk(self) -> Any: ...
    @property
    def court_id(self) -> int: ...
    @property
    def court(self) -> Court: ...
    @property
    def number(self) -> str: ...
    @property
    def basis_type(self) -> str: ...
    @property
    def effective_on(self) -> dt.date: ...
    @property
    def performance_days(self) -> int: ...
    @property
    def due_on(self) -> dt.date: ...
    @property
    def amount_total(self) -> Decimal: ...
    @property
    def principal(self) -> Decimal: ...
    @property
    def interest(self) -> Decimal: ...
    @property
    def costs(self) -> Decimal: ...
    @property
    def judge(self) -> User | None: ...
    @property
    def judge_name(self) -> str: ...


class JudgmentProvider(Protocol):
    """What the app that registers judgments gives documents (urging: `urging.subjects`)."""

    @property
    def model(self) -> type[Model]:
        """The judgments' model: what `Document.judgment` points to, and how a subject is told from a case."""
        ...

    def lock(self, judgment: RegisteredJudgment, actor: Actor) -> RegisteredJudgment:
        """Re-read under a row lock for `actor` to issue a document on it (`Action.ISSUE_DOCUMENTS`,
        as `document_issue` locks a case); "not found" for anyone who may not."""
        ...

    def parties(self, judgment: RegisteredJudgment) -> Sequence[PrintedParty]:
        """Its obligees and obligors, in their registered order."""
        ...

    def sample(self, court: Court, judge: User) -> RegisteredJudgment:
        """A registered judgment of `court` to print the sample documents on (`enforcelink documents
        samples`, in its throwaway database)."""
        ...


class NoJudgmentProvider(ImproperlyConfigured):
    """A judgment kind was used, but no app provides registered judgments."""


_provider: JudgmentProvider | None = None


def register(provider: JudgmentProvider) -> None:
    """Make `provider` the one source of registered judgments (registering again replaces it)."""
    global _provider
    target = Document._meta.get_field("judgment").related_model
    if provider.model is not target:
        raise ImproperlyConfigured(
            f"documents.Document.judgment points to {target}, not to the provider's {provider.model}"
        )
    _provider = provider


def unregister() -> None:
    global _provider
    _provider = None


def provider() -> JudgmentProvider:
    """The registered provider; without one, a clear error instead of a document on the wrong subject."""
    if _provider is None:
        raise NoJudgmentProvider(
            "Risk notices and urging letters are issued on registered judgments, and no app provides "
            "them: add enforcelink.urging to INSTALLED_APPS (its AppConfig.ready() calls "
            "enforcelink.documents.judgments.register)."
        )
    return _provider
