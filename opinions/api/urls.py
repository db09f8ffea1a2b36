from rest_framework.routers import SimpleRouter

from .views import BulletinViewSet, ReportViewSet

router = SimpleRouter()
router.register("opinion-reports", ReportViewSet, basename="opinion-report")
router.register("opinion-bulletins", BulletinViewSet, basename="opinion-bulletin")

urlpatterns = router.urls
