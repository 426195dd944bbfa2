from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "enforcelink.documents"
    label = "documents"
    verbose_name = "法律文书"

    def ready(self) -> None:
        from enforcelink.cases import panels
        from enforcelink.documents import checks  # noqa: F401  (registers the deploy check)
        from enforcelink.documents.panels import documents_panel
        from enforcelink.documents.sentences import register

        register()  # how its trail entries read (core.narration)
        panels.register("documents.issued", documents_panel)  # the case page's documents (cases.panels)
