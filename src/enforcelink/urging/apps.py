from django.apps import AppConfig


class UrgingConfig(AppConfig):
    name = "enforcelink.urging"
    label = "urging"
    verbose_name = "执前督促"

    def ready(self) -> None:
        from enforcelink.core import events
        from enforcelink.documents import judgments
        from enforcelink.urging import sentences
        from enforcelink.urging.actions import judgments_recompute_for_calendar
        from enforcelink.urging.subjects import JUDGMENTS

        events.subscribe("calendar.changed", "urging.judgments", judgments_recompute_for_calendar)
        # documents prints registered judgments on the risk notice and the urging letter without
        # importing urging (documents/judgments.py).
        judgments.register(JUDGMENTS)
        sentences.register()  # how its trail entries and traces read (core.narration, core.traces)
