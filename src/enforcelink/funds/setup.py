"""Wiring of the ledger's receipts-to-payouts flow, called by `FundsConfig.ready()`: the
`obligation.met` listener (R-FUND-04), the timeline's sentences, the home pages' panels and
approvals, and the case page's payouts card."""

from __future__ import annotations


def register() -> None:
    from enforcelink.cases import panels
    from enforcelink.core import events
    from enforcelink.funds import actions, flow_sentences, home, paying
    from enforcelink.funds.case_panel import payouts_panel

    # R-FUND-04: the officer told that 执行完毕 can be recorded; the surplus proposed for return.
    events.subscribe("obligation.met", "funds.closure", paying.on_obligation_met)
    # R-FUND-04 too: a correction of the amounts owed below what was received meets the obligation.
    events.subscribe("case.amount_changed", "funds.met", actions.on_amount_changed)
    flow_sentences.register()
    home.register()
    panels.register("funds.payouts", payouts_panel)
