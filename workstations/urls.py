from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>: ids of at most 18 digits)

from . import views

app_name = "workstations"

urlpatterns = [
    # Members, convenors, staff
    path("workstations/", views.workstation_list, name="list"),
    path("workstations/my/", views.my_workstations, name="my"),
    path("workstations/my/history/", views.my_history, name="my-history"),
    path("workstations/<id:pk>/", views.workstation_detail, name="detail"),
    path("workstations/<id:pk>/log/", views.reception_log, name="log"),
    path("workstations/<id:pk>/calendar/", views.reception_calendar, name="calendar"),
    path("workstations/<id:pk>/roster/", views.duty_roster, name="roster"),
    path("workstations/<id:pk>/standards/", views.standards_checklist, name="standards"),
    path("workstations/<id:pk>/visits/", views.visit_list, name="visits"),
    path("workstations/<id:pk>/poster/", views.poster, name="poster"),
    path("workstations/days/<id:pk>/", views.reception_day_detail, name="day-detail"),
    path("workstations/visits/<id:pk>/", views.visit_detail, name="visit-detail"),
    # Public (no login): short URL, QR codes, tracking
    path("w/<str:code>/", views.public_workstation, name="public"),
    path("w/<str:code>/qr.png", views.qr_png, name="qr-png"),
    path("w/<str:code>/qr.svg", views.qr_svg, name="qr-svg"),
    path("t/", views.track_lookup, name="track-lookup"),
    path("t/<str:code>/", views.track, name="track"),
]
