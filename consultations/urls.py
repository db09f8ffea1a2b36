from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>: ids of at most 18 digits)

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/new/", views.consultation_create, name="create"),
    path("consultations/mine/", views.member_consultations, name="mine"),
    path("consultations/<id:pk>/", views.consultation_detail, name="detail"),
    path("consultations/<id:pk>/act/<slug:action>/", views.consultation_action, name="act"),
    path("consultations/outcomes/", views.unit_outcomes, name="unit-outcomes"),
    path("consultations/outcomes/<id:pk>/report/", views.outcome_report, name="outcome-report"),
    path("consultations/online/<id:pk>/", views.online_consultation, name="online"),
    path("consultations/comments/", views.comment_moderation, name="moderation"),
    path("consultations/comments/<id:pk>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("consultations/menu/", views.menu, name="menu"),
    path("consultations/menu/new/", views.menu_create, name="menu-create"),
    path("consultations/menu/<id:pk>/topics/", views.menu_topic_add, name="menu-topic-add"),
    path("consultations/menu/<id:pk>/publish/", views.menu_publish, name="menu-publish"),
    path("consultations/menu/topics/<id:pk>/claim/", views.menu_claim, name="menu-claim"),
    path("consultations/menu/claims/<id:pk>/delete/", views.menu_unclaim, name="menu-unclaim"),
    path("consultations/overdue/", views.overdue, name="overdue"),
]
