from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>: ids of at most 18 digits)

from . import views, views_unit

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="home"),
    path("dashboard/units/", views.units, name="units"),
    path("dashboard/list/<str:metric>/", views.drill, name="drill"),
    path("dashboard/refresh/", views.refresh, name="refresh"),
    path("dashboard/rollups/", views.rollups, name="rollups"),
    path("dashboard/rollups/new/", views.rollup_create, name="rollup-create"),
    path("dashboard/rollups/<id:pk>/status/", views.rollup_status, name="rollup-status"),
    path("dashboard/rollups/<id:pk>/download/", views.rollup_download, name="rollup-download"),
    path("unit/", views_unit.unit_home, name="unit-home"),
]
