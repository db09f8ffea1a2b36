from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "提案"

    def ready(self):
        # A resident's QR issue that became a proposal shows its progress on the public tracking
        # page. The workstations app owns that page; without it there is nothing to register.
        try:
            from workstations.progress import register_progress_provider
        except ImportError:
            return
        from .progress import visit_progress

        register_progress_provider(visit_progress)
