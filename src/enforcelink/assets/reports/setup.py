"""Wiring of the property report, the applicant's leads and re-inquiry after 终本, called once from
`AssetsConfig.ready()`: the events they act on (`core.events`), the case page's panel
(`cases.panels`) and how their trail entries read (`core.narration`)."""

from __future__ import annotations


def register() -> None:
    from enforcelink.assets.reports import actions, leads, panel, reinquiry, sentences
    from enforcelink.cases import panels
    from enforcelink.core import events

    # 报告财产令 issued: the debtor's report opens with the order's period (R-LIST-01 (4)).
    events.subscribe("document.issued", "assets.property_report", actions.report_on_order)
    # Answers to a lead's inquiry link their records to the lead (R-CASE-04); a re-inquiry's last
    # answer concludes its round (R-ASSET-05). Subscribed after the records are made (assets.records).
    events.subscribe("request.completed", "assets.lead_records", leads.records_for_leads)
    events.subscribe("request.completed", "assets.reinquiry", reinquiry.conclude_on_answer)
    events.subscribe("request.rejected", "assets.reinquiry", reinquiry.conclude_on_answer)
    # 终本: re-inquiries every 6 months for 5 years; stopped when the case is resumed (R-ASSET-05).
    events.subscribe("case.closed", "assets.reinquiry", reinquiry.schedule_on_closure)
    events.subscribe("case.resumed", "assets.reinquiry", reinquiry.stop_on_resumption)
    panels.register("assets.report_panel", panel.report_panel)
    sentences.register()
