from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enforcelink.core"
    label = "core"
    verbose_name = "共享内核"
