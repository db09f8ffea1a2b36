from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("workstations", views.WorkstationViewSet, basename="workstation")
router.register("reception-days", views.ReceptionDayViewSet, basename="reception-day")
router.register("visits", views.VisitViewSet, basename="visit")

urlpatterns = router.urls + [
    path("public/intake/", views.PublicIntakeView.as_view(), name="workstations-public-intake"),
    path("public/track/<str:code>/", views.PublicTrackView.as_view(), name="workstations-public-track"),
]
