from django.apps import AppConfig


class FundsConfig(AppConfig):
    """执行款物管理: the case-fund ledger (一案一账号) from receipt to payout (DOMAIN.md §4a).

    Below assets in the layers (tests/core/test_layering.py): a control's budget is read from the
    ledger, and a confirmed deduction is booked into it; the ledger tells the apps above it that money
    came in or that the obligation is met through `core.events`, never by importing them."""

    name = "enforcelink.funds"
    label = "funds"
    verbose_name = "执行款管理"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from enforcelink.cases import money, panels
        from enforcelink.core import events
        from enforcelink.documents import case_account
        from enforcelink.funds import actions, guards, queries, sentences, setup
        from enforcelink.funds.panels import funds_panel

        # The SQLite guards ask this function whether a flush runs (funds/guards.py).
        connection_created.connect(guards.register_sqlite_function, dispatch_uid="funds.guards")
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                guards.register_sqlite_function(connection=connection)

        events.subscribe("case.filed", "funds.accounts", actions.open_on_filing)  # 一案一账号 (R-FUND-01)
        sentences.register()  # how the ledger's trail entries read (core.narration)
        # 执行到位金额 from the ledger wherever cases shows or checks it (R-FUND-03)
        money.register(
            recovered=queries.recovered,
            recovered_many=queries.recovered_many,
            record_opening=actions.opening_record,
            obligation_met=queries.obligation_met,  # closure refuses 终本 once paid (R-CASE-05)
        )
        panels.register("funds.ledger", funds_panel)  # the case page's 执行款 card (cases.panels)
        # R-FUND-01: the execution notice prints the case's 一案一账号 (documents.case_account)
        case_account.register(reference=lambda case: actions.account_open(case).reference)
        setup.register()  # statements, 不明款, payouts, obligation met: listeners, pages' panels (funds/setup.py)
