from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("proposal-answers", views.AnswerViewSet, basename="proposal-answer")
router.register("proposal-evaluations", views.EvaluationViewSet, basename="proposal-evaluation")
router.register("proposal-openings", views.PublicOpeningViewSet, basename="proposal-opening")
router.register("proposal-comments", views.PublicCommentViewSet, basename="proposal-comment")

urlpatterns = router.urls
