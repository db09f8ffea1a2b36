from django.apps import AppConfig


class WorkstationsConfig(AppConfig):
    name = "workstations"
    verbose_name = "委员工作室"
