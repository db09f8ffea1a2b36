"""Shapes only: validation of input types; every write goes through proposals.services."""

from __future__ import annotations

from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer

from ..models import (
    ANSWER_CLASSES, Answer, Countersign, Evaluation, Proposal, ProposalCosigner, PublicComment, PublicOpening,
    SupervisionRecord, UnitAssignment,
)


class CosignerSerializer(ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ProposalCosigner
        fields = ["id", "member", "name", "status", "responded_at"]


class AssignmentSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = UnitAssignment
        fields = ["id", "unit", "unit_name", "role", "round", "due_at", "due_explanation"]


class ProposalSerializer(ModelSerializer):
    number_label = serializers.CharField(read_only=True)
    session_name = serializers.CharField(source="session.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    proposer = serializers.CharField(source="proposer_label", read_only=True)
    cosigners = CosignerSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "committee", "session", "session_name", "number", "number_label", "proposer_kind", "member",
                  "group_name", "proposer", "category", "title", "content", "status", "status_label", "round",
                  "due_at", "due_explanation", "is_key", "supervising_leader", "key_answer_days", "cosigners",
                  "assignments", "submitted_at", "filed_at", "released_at", "closed_at", "created_at"]


class ProposalCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    category = serializers.ChoiceField(choices=Proposal.Category.choices, default=Proposal.Category.SOCIETY)
    cosigner_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    # Office staff entering on behalf of a member or a group:
    member = serializers.IntegerField(required=False)
    proposer_kind = serializers.ChoiceField(choices=Proposal.ProposerKind.choices, default=Proposal.ProposerKind.MEMBER)
    group_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class EmptySerializer(InputSerializer):
    pass


class CosignSerializer(InputSerializer):
    accept = serializers.BooleanField()


class FileSerializer(InputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    is_key = serializers.BooleanField(required=False, default=False)
    supervising_leader = serializers.IntegerField(required=False, allow_null=True)
    key_answer_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)


class NotFileSerializer(InputSerializer):
    reason = serializers.CharField(error_messages={"required": "不予立案须填写理由。", "blank": "不予立案须填写理由。"})
    convert = serializers.BooleanField(required=False, default=False)


class AssignSerializer(InputSerializer):
    lead_unit = serializers.IntegerField(required=False, allow_null=True)
    co_units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    separate_units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    answer_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)


class ReviewClassSerializer(InputSerializer):
    classes = serializers.DictField(child=serializers.ChoiceField(choices=list(ANSWER_CLASSES)), required=False,
                                    default=dict, help_text="{答复编号: A/B/C}")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluateSerializer(InputSerializer):
    result = serializers.ChoiceField(choices=Evaluation.INPUT_CHOICES)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SupervisionSerializer(ModelSerializer):
    class Meta:
        model = SupervisionRecord
        fields = ["id", "proposal", "leader", "on", "method", "content"]
        read_only_fields = ["id", "proposal", "leader"]
        extra_kwargs = {"method": {"required": True}, "on": {"required": False}}


class OpenPublicSerializer(InputSerializer):
    summary = serializers.CharField()
    closes_on = serializers.DateField(required=False, allow_null=True)


class CountersignSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = Countersign
        fields = ["id", "assignment", "unit_name", "status", "opinion", "due_at", "confirmed_at"]


class CountersignInputSerializer(InputSerializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class AnswerSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)
    role = serializers.CharField(source="assignment.role", read_only=True)
    final_class = serializers.CharField(read_only=True)
    countersigns = CountersignSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField(help_text="答复函下载地址（需登录且有权查看）")

    class Meta:
        model = Answer
        fields = ["id", "proposal", "assignment", "unit_name", "role", "round", "answer_class", "reviewed_class",
                  "final_class", "content", "document", "status", "submitted_at", "class_reviewed_at", "countersigns"]


    def get_document(self, obj) -> str:
        if not obj.document:
            return ""
        from django.urls import reverse

        url = reverse("proposals:answer-document", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AnswerInputSerializer(InputSerializer):
    assignment = serializers.IntegerField()
    answer_class = serializers.ChoiceField(choices=list(ANSWER_CLASSES))
    content = serializers.CharField()
    document = serializers.FileField(required=False, allow_null=True)
    submit = serializers.BooleanField(required=False, default=False)


class EvaluationSerializer(ModelSerializer):
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "proposal", "round", "result", "result_label", "comment", "created_at"]


class EvaluationInputSerializer(EvaluateSerializer):
    proposal = serializers.IntegerField()


class PublicOpeningSerializer(ModelSerializer):
    number_label = serializers.CharField(source="proposal.number_label", read_only=True)
    title = serializers.CharField(source="proposal.title", read_only=True)
    category = serializers.CharField(source="proposal.get_category_display", read_only=True)
    comments = serializers.IntegerField(source="n_comments", read_only=True)

    class Meta:
        model = PublicOpening
        fields = ["id", "number_label", "title", "category", "summary", "opened_on", "closes_on", "comments"]


class PublicCommentSerializer(ModelSerializer):
    """No personal data: the commenter's name and phone are never returned."""

    author = serializers.CharField(source="public_author", read_only=True)
    reply_unit_name = serializers.CharField(source="reply_unit.name", read_only=True, default="")

    class Meta:
        model = PublicComment
        fields = ["id", "opening", "author", "body", "status", "reply", "reply_unit_name", "replied_at", "created_at"]


class PublicCommentInputSerializer(InputSerializer):
    opening = serializers.IntegerField()
    body = serializers.CharField(max_length=2000)
    nickname = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    idempotency_key = serializers.CharField(max_length=64)
    website = serializers.CharField(required=False, allow_blank=True, default="", help_text="留空（防机器人）")


class ModerateSerializer(InputSerializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReplySerializer(InputSerializer):
    reply = serializers.CharField()
