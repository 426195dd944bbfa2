from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """查控: inquiry into a debtor's property, asset records, control measures under one budget,
    renewals and waiting lists (DOMAIN.md §4)."""

    name = "enforcelink.assets"
    label = "assets"
    verbose_name = "财产查控"

    def ready(self) -> None:
        from enforcelink.assets import home, sentences
        from enforcelink.assets.actions import inquiry_on_filing, outcome_on_rejection, records_from_reply
        from enforcelink.assets.control import setup as control
        from enforcelink.assets.expiry import setup as expiry
        from enforcelink.assets.panels import assets_panel
        from enforcelink.assets.reports import setup as reports
        from enforcelink.cases import panels
        from enforcelink.core import events

        # R-CASE-02: a money case's network inquiry right after filing (a task after the commit).
        events.subscribe("case.filed", "assets.inquiry", inquiry_on_filing)
        # Replies become asset records; an inquiry's answered requests complete its clock.
        events.subscribe("request.completed", "assets.records", records_from_reply)
        events.subscribe("request.rejected", "assets.records", outcome_on_rejection)
        sentences.register()  # how inquiries and records read on the timeline (core.narration)
        panels.register("assets.panel", assets_panel)  # the case page's 财产 panel (cases.panels)
        home.register()  # the supervisors' sample of inquiries (core.home)
        reports.register()  # property report, applicant's leads, re-inquiry after 终本 (assets/reports/)
        control.register()  # control measures: confirmations, payments, obligation met, timeline
        expiry.register()  # after the controls: terms, renewals, waiting lists (assets/expiry/)
