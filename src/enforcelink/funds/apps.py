from django.apps import AppConfig


class FundsConfig(AppConfig):
    """执行款物管理: the case-fund ledger (一案一账号) from receipt to payout (DOMAIN.md §4a).

    Below assets in the layers (tests/core/test_layering.py): a control's budget is read from the
    ledger, and a confirmed deduction is booked into it; the ledger tells the apps above it that money
    came in or that the obligation is met through `core.events`, never by importing them."""

    name = "enforcelink.funds"
    label = "funds"
    verbose_name = "执行款管理"
