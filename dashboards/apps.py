from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "领导驾驶舱"

    def ready(self) -> None:
        # Decoupled hook: writes to the figures' source tables mark the committee's summary rows
        # stale after commit (no work inside the writer's transaction). See dashboards/signals.py.
        from . import signals

        signals.connect()
