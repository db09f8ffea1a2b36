from django.urls import path

from . import views

app_name = "opinions"

urlpatterns = [
    path("opinions/", views.report_my_list, name="my"),
    path("opinions/new/", views.report_create, name="create"),
    path("opinions/from-visit/<int:visit_pk>/", views.report_from_visit, name="from-visit"),
    path("opinions/<int:pk>/", views.report_detail, name="detail"),
    path("opinions/<int:pk>/register/", views.report_register, name="register"),
    path("opinions/<int:pk>/reject/", views.report_reject, name="reject"),
    path("opinions/<int:pk>/forward/", views.report_forward, name="forward"),
    path("opinions/<int:pk>/return/", views.report_return, name="return"),
    path("opinions/<int:pk>/feedback/", views.report_feedback, name="feedback"),
    path("opinions/<int:pk>/carry-back/", views.report_carry_back, name="carry-back"),
    path("opinions/<int:pk>/close/", views.report_close, name="close"),
    path("opinions/<int:pk>/instruct/", views.report_instruct, name="instruct"),
    path("opinions/instructions/<int:pk>/acted/", views.instruction_acted, name="instruction-acted"),
    path("opinions/feedback/<int:pk>/attachment/", views.feedback_attachment, name="feedback-attachment"),
    path("opinions/office/", views.report_office_list, name="office"),
    path("opinions/overdue/", views.report_overdue_list, name="overdue"),
    path("opinions/bulletins/", views.bulletin_list, name="bulletins"),
    path("opinions/bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("opinions/bulletins/<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    path("opinions/unit/", views.unit_inbox, name="unit-inbox"),
    path("opinions/unit/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("opinions/calendar/", views.calendar_page, name="calendar"),
]
