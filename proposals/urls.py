from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>: ids of at most 18 digits)

from . import views

app_name = "proposals"

urlpatterns = [
    # members
    path("proposals/", views.my_proposals, name="my"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<id:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<id:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<id:pk>/cosigners/", views.proposal_cosigners_add, name="cosigners-add"),
    path("proposals/<id:pk>/cosigners/<id:cid>/remove/", views.proposal_cosigner_remove, name="cosigner-remove"),
    path("proposals/<id:pk>/invite/", views.proposal_invite, name="invite"),
    path("proposals/<id:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<id:pk>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<id:pk>/cosign/", views.proposal_cosign, name="cosign"),
    path("proposals/<id:pk>/evaluate/", views.proposal_evaluate, name="evaluate"),
    # office
    path("proposals/office/", views.office_list, name="office"),
    path("proposals/office/new/", views.office_create, name="office-create"),
    path("proposals/office/comments/", views.moderation, name="moderation"),
    path("proposals/comments/<id:cid>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("proposals/comments/<id:cid>/reply/", views.comment_reply, name="comment-reply"),
    path("proposals/<id:pk>/file/", views.proposal_file, name="file"),
    path("proposals/<id:pk>/not-file/", views.proposal_not_file, name="not-file"),
    path("proposals/<id:pk>/convert/", views.proposal_convert, name="convert"),
    path("proposals/<id:pk>/assign/", views.proposal_assign, name="assign"),
    path("proposals/<id:pk>/key/", views.proposal_key, name="key"),
    path("proposals/<id:pk>/review-class/", views.proposal_review_class, name="review-class"),
    path("proposals/<id:pk>/release/", views.proposal_release, name="release"),
    path("proposals/<id:pk>/public/", views.proposal_open_public, name="open-public"),
    # units
    path("proposals/unit/", views.unit_list, name="unit"),
    path("proposals/unit/comments/", views.unit_comments, name="unit-comments"),
    path("proposals/<id:pk>/answer/", views.answer_form, name="answer"),
    path("proposals/answers/<id:pk>/document/", views.answer_document, name="answer-document"),
    path("proposals/<id:pk>/countersign/", views.proposal_countersign, name="countersign"),
    # leaders
    path("proposals/key/", views.key_list, name="key-list"),
    path("proposals/<id:pk>/supervise/", views.proposal_supervise, name="supervise"),
    # public, no login
    path("p/proposals/", views.public_list, name="public-list"),
    path("p/proposals/<id:pk>/", views.public_detail, name="public-detail"),
]
