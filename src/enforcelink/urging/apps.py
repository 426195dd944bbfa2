from django.apps import AppConfig


class UrgingConfig(AppConfig):
    name = "enforcelink.urging"
    label = "urging"
    verbose_name = "执前督促"

    def ready(self) -> None:
        from enforcelink.core import events
        from enforcelink.urging.actions import judgments_recompute_for_calendar

        events.subscribe("calendar.changed", "urging.judgments", judgments_recompute_for_calendar)
