from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "enforcelink.documents"
    label = "documents"
    verbose_name = "法律文书"

    def ready(self) -> None:
        from enforcelink.documents import checks  # noqa: F401  (registers the deploy check)
        from enforcelink.documents.sentences import register

        register()  # how its trail entries read (core.narration)
