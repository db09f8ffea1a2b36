from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共基础"

    def ready(self):
        from . import converters  # noqa: F401  registers the <id:…> path converter before any URLconf loads
        from . import lookups  # noqa: F401  integer __in with out-of-range values matches nothing (no 500)
