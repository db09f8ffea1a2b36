from rest_framework.routers import SimpleRouter

from .views import DashboardViewSet, RollupReportViewSet

router = SimpleRouter()
router.register("dashboard/rollups", RollupReportViewSet, basename="dashboard-rollup")
router.register("dashboard", DashboardViewSet, basename="dashboard")

urlpatterns = router.urls
