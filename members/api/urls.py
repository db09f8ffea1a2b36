from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("special-committees", views.SpecialCommitteeViewSet, basename="special-committee")
router.register("townships", views.TownshipViewSet, basename="township")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("handling-units", views.HandlingUnitViewSet, basename="handling-unit")
router.register("members", views.MemberViewSet, basename="member")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("point-entries", views.PointEntryViewSet, basename="point-entry")

urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="members-coverage"),
    *router.urls,
]
