from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "社情民意"

    def ready(self) -> None:
        # The resident's tracking page shows what became of an issue turned into a report.
        from workstations.progress import register_progress_provider

        from .visits import visit_progress

        register_progress_provider(visit_progress)
