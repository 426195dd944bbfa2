"""How the ledger's trail entries read on the case's timeline (`core.narration`): "系统为本案开立一案一账号
0440 1102 0261 0001 3365", "钱某登记收到执行款 12,000.00 元（被执行人主动履行）", "钱某冲正第 12 号分录：…"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail, money
from enforcelink.funds import references
from enforcelink.funds.models import JournalKind


def account_opened(event: AuditEvent, scene: Scene) -> Told:
    reference = str(narration.after_of(event).get("reference") or "")
    return Told(
        _("%(actor)s opened the case's fund account %(reference)s")
        % {"actor": scene.actor, "reference": references.grouped(reference)},
        refs=("R-FUND-01",),
    )


def receipt_recorded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s booked %(amount)s received for the case (%(kind)s)")
        % {
            "actor": scene.actor,
            "amount": money(after.get("amount", "")),
            "kind": narration.label_of(JournalKind, after.get("kind", "")),
        },
        detail(_("Value date"), day(after.get("value_on")))
        + detail(_("External reference"), str(after.get("reference") or "")),
        ("R-FUND-03",),
    )


def opening_recorded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s opened the ledger with %(amount)s recovered before it (imported history)")
        % {"actor": scene.actor, "amount": money(after.get("amount", ""))},
        detail(_("Value date"), day(after.get("value_on"))),
        ("R-FUND-03",),
    )


def journal_reversed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s reversed journal #%(journal)s (%(kind)s, %(amount)s)")
        % {
            "actor": scene.actor,
            "journal": after.get("reverses", ""),
            "kind": narration.label_of(JournalKind, after.get("reversed_kind", "")),
            "amount": money(after.get("amount", "")),
        },
        detail(_("Reason"), str(after.get("reason") or "")),
        ("R-FUND-03",),
    )


def _is_zero(value: object) -> bool:
    try:
        return Decimal(str(value)) == 0
    except InvalidOperation:
        return False


def fee_decided(event: AuditEvent, scene: Scene) -> Told:
    """The court's decision on the application fee (funds/fees.py): waived, set, or the scale again."""
    after = narration.after_of(event)
    values = {
        "actor": scene.actor,
        "amount": money(after.get("amount", "")),
        "scale": money(after.get("scale", "")),
    }
    if after.get("amount") in (None, ""):
        text = _("%(actor)s put the case's application fee back to the scale: %(scale)s") % values
    elif _is_zero(after["amount"]):
        text = (
            _("%(actor)s recorded the court's waiver of the application fee (%(scale)s by the scale)")
            % values
        )
    else:
        text = _("%(actor)s recorded the court's decision on the application fee: %(amount)s (%(scale)s by the scale)") % values  # fmt: skip
    return Told(text, detail(_("Reason"), str(after.get("reason") or "")), ("R-FUND-03",))


def fee_collected(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s collected %(amount)s of application fee from the case's account for the court")
        % {"actor": scene.actor, "amount": money(after.get("amount", ""))},
        detail(_("Fee owed"), money(after.get("owed", "")))
        + detail(_("Collected in all"), money(after.get("collected", ""))),
        ("R-FUND-03",),
    )


def register() -> None:
    narration.register("funds.account_opened", account_opened)
    narration.register("funds.receipt_recorded", receipt_recorded)
    narration.register("funds.opening_recorded", opening_recorded)
    narration.register("funds.journal_reversed", journal_reversed)
    narration.register("funds.fee_decided", fee_decided)
    narration.register("funds.fee_collected", fee_collected)
