"""Registered judgments as subjects of documents: urging's side of documents/judgments.py.

documents issues the risk notice and the urging letter on a `Judgment` without importing urging (it
sits below); `UrgingConfig.ready()` registers `JUDGMENTS` with it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enforcelink.cases.actions import staff_lock
from enforcelink.documents.judgments import RegisteredJudgment
from enforcelink.orgs.models import Court, User
from enforcelink.orgs.permissions import Action, Actor
from enforcelink.urging.models import Judgment, JudgmentParty


def _own(judgment: RegisteredJudgment) -> Judgment:
    if not isinstance(judgment, Judgment):
        raise TypeError(f"not a registered judgment: {judgment!r}")
    return judgment


class JudgmentSubjects:
    """`documents.judgments.JudgmentProvider` for urging's `Judgment`."""

    model = Judgment

    def lock(self, judgment: RegisteredJudgment, actor: Actor) -> Judgment:
        return staff_lock(_own(judgment), actor, Action.ISSUE_DOCUMENTS)

    def parties(self, judgment: RegisteredJudgment) -> list[JudgmentParty]:
        return list(_own(judgment).parties.all())

    def sample(self, court: Court, judge: User) -> Judgment:
        """The sample documents' judgment: the parties and the amount of the samples' case
        (documents/management/commands/documents.py), made directly, took effect three days ago."""
        effective_on = timezone.localdate() - dt.timedelta(days=3)
        judgment = Judgment.objects.create(
            court=court,
            number="（2026）渝0110民初123号",
            judge=judge,
            judge_name="王法官",
            effective_on=effective_on,
            performance_days=15,
            due_on=effective_on + dt.timedelta(days=15),
            principal=Decimal("12345.67"),
            registered_by=judge,
        )
        JudgmentParty.objects.create(
            judgment=judgment, role="applicant", kind="person", name="张三", id_type="resident_id",
            id_number="11010519491231002X",
        )  # fmt: skip
        JudgmentParty.objects.create(
            judgment=judgment, role="respondent", kind="organisation", name="重庆某建材有限公司",
            id_type="uscc", id_number="914403001922038216",
        )  # fmt: skip
        return judgment


JUDGMENTS = JudgmentSubjects()
