"""What the ledger puts on the home pages (core/home.py): the fund clerk's 不明款 waiting (the overdue
ones marked, R-FUND-01), approved payouts to pay and money held past its pay-out date (R-FUND-02);
the command centre's money held past its date; payouts in the 待审批 queue (four eyes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.core import home
from enforcelink.core.money import format_yuan
from enforcelink.funds import bookers, desk
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.orgs.permissions import Action, can, restrict


def _unidentified_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.BOOK_FUNDS):
        return None
    rows = list(desk.unidentified_waiting(actor)[: home.PANEL_ROWS])
    counts = desk.unidentified_counts(actor, today)
    return home.Panel("funds-unidentified", _("Unidentified money (不明款)"), "funds/panels/unidentified.html",
                      {"rows": rows, "counts": counts, "today": today}, link=reverse("funds-unidentified"),
                      link_label=_("Open the queue"))  # fmt: skip


def _to_pay_panel(actor: Any, today: dt.date) -> home.Panel | None:
    if not can(actor, Action.PAY_OUT):
        return None
    rows = list(desk.to_pay(actor)[: home.PANEL_ROWS])
    return home.Panel("funds-to-pay", _("Approved payouts to pay"), "funds/panels/to_pay.html", {"rows": rows},
                      link=reverse("funds-payouts"), link_label=_("All payouts"))  # fmt: skip


def _overdue_panel(actor: Any, today: dt.date) -> home.Panel | None:
    """Money held past its R-FUND-02 date: the fund clerk's, and the command centre's watch."""
    if can(actor, Action.PAY_OUT):
        action = Action.PAY_OUT
    elif can(actor, Action.MONITOR_COURT):
        action = Action.MONITOR_COURT
    else:
        return None
    rows = desk.overdue_money(actor, action, today)
    return home.Panel("funds-overdue", _("Money held past its pay-out date"), "funds/panels/overdue.html",
                      {"rows": rows[: home.PANEL_ROWS], "count": len(rows), "today": today},
                      link=reverse("funds-payouts") + "#held", link_label=_("All money held"))  # fmt: skip


class Payouts:
    """Payouts awaiting approval (R-FUND-02; four eyes: never one's own proposal)."""

    def _items(self, rows: Any, limit: int) -> list[home.QueueItem]:
        return [
            home.QueueItem(
                what=str(row.get_kind_display()),
                subject=row.case.number,
                detail=_("%(amount)s to %(payee)s") % {"amount": format_yuan(row.amount), "payee": row.payee_name},
                asked_by=row.proposed_name,
                asked_at=row.proposed_at,
                url=reverse("funds-payouts") + f"#payout-{row.pk}",
                facts=((_("Payee"), row.payee_name, ""), (_("Amount"), format_yuan(row.amount), "num"),
                       (_("Account or certificate"), row.payee_account or "—", "")),
            )
            for row in bookers.named(rows.select_related("case")[:limit], "proposed_label", into="proposed_name")
        ]  # fmt: skip

    def waiting(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.APPROVE_PAYOUT):
            return None
        return self._items(desk.awaiting_approval(actor), limit)

    def count(self, actor: Any, cap: int) -> int:
        if not can(actor, Action.APPROVE_PAYOUT):
            return 0
        return desk.awaiting_approval(actor).order_by()[:cap].count()

    def asked(self, actor: Any, limit: int) -> list[home.QueueItem] | None:
        if not can(actor, Action.PROPOSE_PAYOUT):
            return None
        mine = restrict(Payout.objects.all(), actor, Action.PROPOSE_PAYOUT).filter(
            status=PayoutStatus.PROPOSED, proposed_by_id=actor.pk
        )
        return self._items(mine.order_by("proposed_at", "pk"), limit)


def register() -> None:
    home.register_approvals("funds.payouts", Payouts())
    home.register_panel("funds-unidentified", _unidentified_panel, order=12)
    home.register_panel("funds-to-pay", _to_pay_panel, order=14)
    home.register_panel("funds-overdue", _overdue_panel, order=16)
