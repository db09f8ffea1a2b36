from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    # members
    path("proposals/", views.my_proposals, name="my"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/cosigners/", views.proposal_cosigners_add, name="cosigners-add"),
    path("proposals/<int:pk>/cosigners/<int:cid>/remove/", views.proposal_cosigner_remove, name="cosigner-remove"),
    path("proposals/<int:pk>/invite/", views.proposal_invite, name="invite"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<int:pk>/cosign/", views.proposal_cosign, name="cosign"),
    path("proposals/<int:pk>/evaluate/", views.proposal_evaluate, name="evaluate"),
    # office
    path("proposals/office/", views.office_list, name="office"),
    path("proposals/office/new/", views.office_create, name="office-create"),
    path("proposals/office/comments/", views.moderation, name="moderation"),
    path("proposals/comments/<int:cid>/moderate/", views.comment_moderate, name="comment-moderate"),
    path("proposals/comments/<int:cid>/reply/", views.comment_reply, name="comment-reply"),
    path("proposals/<int:pk>/file/", views.proposal_file, name="file"),
    path("proposals/<int:pk>/not-file/", views.proposal_not_file, name="not-file"),
    path("proposals/<int:pk>/convert/", views.proposal_convert, name="convert"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="assign"),
    path("proposals/<int:pk>/key/", views.proposal_key, name="key"),
    path("proposals/<int:pk>/review-class/", views.proposal_review_class, name="review-class"),
    path("proposals/<int:pk>/release/", views.proposal_release, name="release"),
    path("proposals/<int:pk>/public/", views.proposal_open_public, name="open-public"),
    # units
    path("proposals/unit/", views.unit_list, name="unit"),
    path("proposals/unit/comments/", views.unit_comments, name="unit-comments"),
    path("proposals/<int:pk>/answer/", views.answer_form, name="answer"),
    path("proposals/answers/<int:pk>/document/", views.answer_document, name="answer-document"),
    path("proposals/<int:pk>/countersign/", views.proposal_countersign, name="countersign"),
    # leaders
    path("proposals/key/", views.key_list, name="key-list"),
    path("proposals/<int:pk>/supervise/", views.proposal_supervise, name="supervise"),
    # public, no login
    path("p/proposals/", views.public_list, name="public-list"),
    path("p/proposals/<int:pk>/", views.public_detail, name="public-detail"),
]
