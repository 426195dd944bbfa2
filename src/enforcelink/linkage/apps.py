from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "enforcelink.linkage"
    label = "linkage"
    verbose_name = "执行联动"

    def ready(self) -> None:
        from enforcelink.cases import panels
        from enforcelink.core import events
        from enforcelink.linkage import home, sentences
        from enforcelink.linkage.actions import requests_recompute_for_calendar, requests_withdraw_for_closure
        from enforcelink.linkage.panels import requests_panel

        events.subscribe("calendar.changed", "linkage.requests", requests_recompute_for_calendar)
        events.subscribe("case.closed", "linkage.requests", requests_withdraw_for_closure)
        sentences.register()  # how a request's steps read on the case's timeline (core.narration)
        panels.register("linkage.requests", requests_panel)  # the case page's requests (cases.panels)
        home.register()  # approvals, the inbox, requests by unit, a region's figures (core.home)
