from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>: ids of at most 18 digits)

from . import views

app_name = "opinions"

urlpatterns = [
    path("opinions/", views.report_my_list, name="my"),
    path("opinions/new/", views.report_create, name="create"),
    path("opinions/from-visit/<id:visit_pk>/", views.report_from_visit, name="from-visit"),
    path("opinions/<id:pk>/", views.report_detail, name="detail"),
    path("opinions/<id:pk>/register/", views.report_register, name="register"),
    path("opinions/<id:pk>/reject/", views.report_reject, name="reject"),
    path("opinions/<id:pk>/forward/", views.report_forward, name="forward"),
    path("opinions/<id:pk>/return/", views.report_return, name="return"),
    path("opinions/<id:pk>/feedback/", views.report_feedback, name="feedback"),
    path("opinions/<id:pk>/carry-back/", views.report_carry_back, name="carry-back"),
    path("opinions/<id:pk>/close/", views.report_close, name="close"),
    path("opinions/<id:pk>/instruct/", views.report_instruct, name="instruct"),
    path("opinions/instructions/<id:pk>/acted/", views.instruction_acted, name="instruction-acted"),
    path("opinions/feedback/<id:pk>/attachment/", views.feedback_attachment, name="feedback-attachment"),
    path("opinions/office/", views.report_office_list, name="office"),
    path("opinions/overdue/", views.report_overdue_list, name="overdue"),
    path("opinions/bulletins/", views.bulletin_list, name="bulletins"),
    path("opinions/bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("opinions/bulletins/<id:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("opinions/unit/", views.unit_inbox, name="unit-inbox"),
    path("opinions/unit/<id:pk>/", views.unit_detail, name="unit-detail"),
    path("opinions/calendar/", views.calendar_page, name="calendar"),
]
