"""Wiring of control measures, called from `AssetsConfig.ready()`."""

from __future__ import annotations


def register() -> None:
    from enforcelink.assets.control import listeners, sentences
    from enforcelink.core import events

    events.subscribe("request.completed", "assets.controls", listeners.confirmation)
    events.subscribe("request.rejected", "assets.controls", listeners.refusal)
    events.subscribe("request.cancelled", "assets.controls", listeners.withdrawal)
    events.subscribe(
        "payment.received", "assets.controls", listeners.rebalance, many=listeners.rebalance_many
    )
    events.subscribe("obligation.met", "assets.controls", listeners.obligation_met)
    events.subscribe("case.amount_changed", "assets.controls", listeners.rebalance)
    events.subscribe("fee.decided", "assets.controls", listeners.rebalance)  # the fee lowered or waived
    sentences.register()
