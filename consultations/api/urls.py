from rest_framework.routers import SimpleRouter

from .views import ConsultationViewSet, FollowUpVisitViewSet, MenuClaimViewSet, OutcomeViewSet, TopicViewSet

router = SimpleRouter()
router.register("consultation-topics", TopicViewSet, basename="consultation-topic")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("consultation-outcomes", OutcomeViewSet, basename="consultation-outcome")
router.register("consultation-follow-ups", FollowUpVisitViewSet, basename="consultation-follow-up")
router.register("menu-claims", MenuClaimViewSet, basename="menu-claim")

urlpatterns = router.urls
