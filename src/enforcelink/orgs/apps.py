from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "enforcelink.orgs"
    label = "orgs"
    verbose_name = _("Organisations and access")

    def ready(self) -> None:
        from enforcelink.orgs import home, sentences

        sentences.register()  # how its trail entries read, and API keys named by their unit (core.narration)
        home.register()  # the set-up status on administrators' home pages (core.home)
