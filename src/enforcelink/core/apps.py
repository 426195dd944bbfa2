from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enforcelink.core"
    label = "core"
    verbose_name = "共享内核"

    def ready(self) -> None:
        from enforcelink.core import home, lookups, sentences

        lookups.register()  # field__among=[…] (core.lookups)

        sentences.register()  # how core's own trail entries read (core.narration)
        home.register_core()  # the approvals queue and notifications on every home page, two badges
