"""Serializers shape data only; writes go through opinions.services."""

from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer

from ..models import Bulletin, CarryBack, Category, OpinionReport, Outcome


class MemberRefSerializer(InputSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimelineEntrySerializer(InputSerializer):
    at = serializers.DateTimeField()
    code = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.SerializerMethodField()

    def get_actor(self, obj) -> str:
        return obj.actor.username if obj.actor_id else ""


class ReportSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    members = MemberRefSerializer(many=True, read_only=True)
    unit_name = serializers.CharField(source="unit.name", default="", read_only=True)
    bulletin_label = serializers.CharField(source="bulletin.label", default="", read_only=True)

    class Meta:
        model = OpinionReport
        fields = ["id", "number", "committee", "title", "content", "category", "source", "direction", "status",
                  "status_label", "outcome", "outcome_label", "members", "workstation", "visit", "unit",
                  "unit_name", "bulletin", "bulletin_label", "received_at", "registered_at", "forwarded_at",
                  "fed_back_at", "carried_back_at", "closed_at", "due_at", "due_stage", "due_explanation"]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    timeline = TimelineEntrySerializer(source="timeline_entries", many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = ReportSerializer.Meta.fields + ["timeline"]
        read_only_fields = fields


class ReportCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    direction = serializers.ChoiceField(choices=OpinionReport.Direction.choices, default="up")
    workstation = serializers.IntegerField(required=False, allow_null=True)
    member_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                       help_text="机关代为录入时填写反映委员；委员本人提交时忽略")


class FromVisitSerializer(InputSerializer):
    visit = serializers.IntegerField()


class RegisterSerializer(InputSerializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False, default="")
    title = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class NoteSerializer(InputSerializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ForwardSerializer(InputSerializer):
    unit = serializers.IntegerField(required=False, allow_null=True, help_text="转交承办单位时必填；报送上级时不填")
    upward = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class FeedbackSerializer(InputSerializer):
    content = serializers.CharField(required=False, default="", allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default="", allow_blank=True,
                                      help_text="、".join(f"{v}={l}" for v, l in Outcome.choices))
    contact_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=40)


class CarryBackSerializer(InputSerializer):
    member = serializers.IntegerField(required=False, allow_null=True)
    carried_on = serializers.DateField(required=False, allow_null=True)
    method = serializers.ChoiceField(choices=CarryBack.Method.choices)
    people_reached = serializers.IntegerField(min_value=1, default=1)
    satisfaction = serializers.ChoiceField(choices=CarryBack.Satisfaction.choices)
    member_rating = serializers.ChoiceField(choices=CarryBack.Rating.choices, required=False, default="",
                                            allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class CloseSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class InstructSerializer(InputSerializer):
    text = serializers.CharField(required=False, default="", allow_blank=True)
    leader_title = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)


class BulletinSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True)
    report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Bulletin
        fields = ["id", "committee", "year", "number", "label", "title", "issued_on", "sent_to", "editor_note",
                  "report_count"]
        read_only_fields = fields


class BulletinCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    sent_to = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    editor_note = serializers.CharField(required=False, default="", allow_blank=True)
    report_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
