from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "enforcelink.cases"
    label = "cases"
    verbose_name = "执行案件"

    def ready(self) -> None:
        from enforcelink.cases import home, sentences
        from enforcelink.cases.actions.deadlines import nodes_recompute_for_calendar
        from enforcelink.core import events

        events.subscribe("calendar.changed", "cases.nodes", nodes_recompute_for_calendar)
        sentences.register()  # how its trail entries and traces read (core.narration, core.traces)
        home.register()  # the officer's cases, the command centre's overdue nodes, extensions to approve
