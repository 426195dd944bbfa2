"""How the statement import, the 不明款 queue and the payouts read on the timeline (`core.narration`):
"钱某导入执行款专户对账单 …", "钱某将不明款 3,000.00 元认领至本案", "王某提出向张三支付 50,000.00 元",
"系统提示：本案执行款已足额到位，可以执行完毕结案"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail, money


def _after(event: AuditEvent) -> dict:
    return narration.after_of(event)


def statement_imported(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    return Told(
        _("%(actor)s imported the custody account statement %(file)s: %(booked)s lines booked to cases, "
          "%(unidentified)s unidentified, %(repeated)s booked before")
        % {"actor": scene.actor, "file": after.get("file", ""), "booked": after.get("booked", 0),
           "unidentified": after.get("unidentified", 0), "repeated": after.get("repeated", 0)},
        detail(_("Money newly booked"), money(after.get("amount", ""))),
        ("R-FUND-01",),
    )  # fmt: skip


def unidentified_received(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    return Told(
        _("%(actor)s booked %(amount)s from %(payer)s as unidentified money, to identify by %(due)s")
        % {"actor": scene.actor, "amount": money(after.get("amount", "")), "payer": after.get("payer") or "—",
           "due": day(after.get("identify_by"))},
        detail(_("Bank reference"), str(after.get("reference") or "")),
        ("R-FUND-01",),
    )  # fmt: skip


def unidentified_assigned(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    return Told(
        _("%(actor)s assigned unidentified money of %(amount)s from %(payer)s to the case")
        % {"actor": scene.actor, "amount": money(after.get("amount", "")), "payer": after.get("payer") or "—"},
        detail(_("Arrived on"), day(after.get("arrived_on")))
        + detail(_("Bank reference"), str(after.get("reference") or ""))
        + detail(_("Note"), str(after.get("note") or "")),
        ("R-FUND-01",),
    )  # fmt: skip


def unidentified_returned(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    return Told(
        _("%(actor)s returned unidentified money of %(amount)s to %(payer)s")
        % {"actor": scene.actor, "amount": money(after.get("amount", "")), "payer": after.get("payer") or "—"},
        detail(_("Reason"), str(after.get("reason") or "")),
        ("R-FUND-01",),
    )  # fmt: skip


def payout_proposed(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    text = (
        _("%(actor)s proposed paying %(amount)s to %(payee)s")
        if after.get("kind") != "debtor"
        else _("%(actor)s proposed returning the surplus of %(amount)s to the debtor %(payee)s")
    )
    return Told(
        text
        % {"actor": scene.actor, "amount": money(after.get("amount", "")), "payee": after.get("payee", "")},
        detail(_("Payment reference"), str(after.get("reference") or ""))
        + detail(_("Note"), str(after.get("note") or "")),
        ("R-FUND-02",),
    )


def _payout(text: str, refs: tuple[str, ...] = ("R-FUND-02",)):  # type: ignore[no-untyped-def]
    def tell(event: AuditEvent, scene: Scene) -> Told:
        after = _after(event)
        values = {
            "actor": scene.actor,
            "amount": money(after.get("amount", "")),
            "payee": after.get("payee", ""),
        }
        details = (
            detail(_("Payment reference"), str(after.get("reference") or ""))
            + detail(_("Paid on"), day(after.get("paid_on")) if after.get("paid_on") else "")
            + detail(_("Lodged with"), str(after.get("lodged_with") or ""))
            + detail(_("Reason"), str(after.get("reason") or after.get("note") or ""))
        )
        return Told(_(text) % values, details, refs)

    return tell


def closure_proposed(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("Everything owed has been paid: closure as fully performed (执行完毕) proposed to the officer"),
        refs=("R-FUND-04", "R-CASE-05"),
    )


def register() -> None:
    narration.name_machine("funds:ledger", gettext_lazy("the case-fund ledger"))
    narration.register("funds.statement_imported", statement_imported)
    narration.register("funds.unidentified_received", unidentified_received)
    narration.register("funds.unidentified_assigned", unidentified_assigned)
    narration.register("funds.unidentified_returned", unidentified_returned)
    narration.register("funds.payout_proposed", payout_proposed)
    narration.register("funds.payout_approved", _payout("%(actor)s approved paying %(amount)s to %(payee)s"))
    narration.register("funds.payout_refused", _payout("%(actor)s refused paying %(amount)s to %(payee)s"))
    narration.register(
        "funds.payout_cancelled", _payout("%(actor)s withdrew the payout of %(amount)s to %(payee)s")
    )
    narration.register("funds.payout_paid", _payout("%(actor)s recorded %(amount)s paid to %(payee)s"))
    narration.register(
        "funds.payout_returned",
        _payout("%(actor)s recorded the payment of %(amount)s to %(payee)s returned by the bank"),
    )
    narration.register("funds.payout_lodged", _payout("%(actor)s lodged %(amount)s for %(payee)s (提存)"))
    narration.register("funds.closure_proposed", closure_proposed)
    narration.register("funds.payment_file_made", payment_file_made)


def payment_file_made(event: AuditEvent, scene: Scene) -> Told:
    after = _after(event)
    return Told(
        _("%(actor)s made the bank's payment file of %(count)s payouts, %(amount)s in all")
        % {"actor": scene.actor, "count": after.get("count", 0), "amount": money(after.get("amount", ""))},
        refs=("R-FUND-02",),
    )


# The texts `_payout` translates at telling time, listed for makemessages.
_MESSAGES = (
    gettext_noop("%(actor)s approved paying %(amount)s to %(payee)s"),
    gettext_noop("%(actor)s refused paying %(amount)s to %(payee)s"),
    gettext_noop("%(actor)s withdrew the payout of %(amount)s to %(payee)s"),
    gettext_noop("%(actor)s recorded %(amount)s paid to %(payee)s"),
    gettext_noop("%(actor)s recorded the payment of %(amount)s to %(payee)s returned by the bank"),
    gettext_noop("%(actor)s lodged %(amount)s for %(payee)s (提存)"),
)
