from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enforcelink.core"
    label = "core"
    verbose_name = "共享内核"

    def ready(self) -> None:
        from enforcelink.core import sentences

        sentences.register()  # how core's own trail entries read (core.narration)
