from django.urls import path

from . import views

app_name = "workstations"

urlpatterns = [
    # Members, convenors, staff
    path("workstations/", views.workstation_list, name="list"),
    path("workstations/my/", views.my_workstations, name="my"),
    path("workstations/my/history/", views.my_history, name="my-history"),
    path("workstations/<int:pk>/", views.workstation_detail, name="detail"),
    path("workstations/<int:pk>/log/", views.reception_log, name="log"),
    path("workstations/<int:pk>/calendar/", views.reception_calendar, name="calendar"),
    path("workstations/<int:pk>/roster/", views.duty_roster, name="roster"),
    path("workstations/<int:pk>/standards/", views.standards_checklist, name="standards"),
    path("workstations/<int:pk>/visits/", views.visit_list, name="visits"),
    path("workstations/<int:pk>/poster/", views.poster, name="poster"),
    path("workstations/days/<int:pk>/", views.reception_day_detail, name="day-detail"),
    path("workstations/visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    # Public (no login): short URL, QR codes, tracking
    path("w/<str:code>/", views.public_workstation, name="public"),
    path("w/<str:code>/qr.png", views.qr_png, name="qr-png"),
    path("w/<str:code>/qr.svg", views.qr_svg, name="qr-svg"),
    path("t/", views.track_lookup, name="track-lookup"),
    path("t/<str:code>/", views.track, name="track"),
]
