from django.apps import AppConfig


class UrgingConfig(AppConfig):
    name = "enforcelink.urging"
    label = "urging"
    verbose_name = "执前督促"
