"""API shapes. Serializers validate and shape; writes go through ``consultations.services``."""

from __future__ import annotations

from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer

from ..models import Consultation, FollowUpVisit, MenuClaim, Outcome, Participant, Topic
from ..workflow import STEP_ACTIONS


class TopicSerializer(ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    proposer = serializers.CharField(source="proposer_display", read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "committee", "title", "description", "source", "source_display", "proposer",
                  "proposer_member", "proposer_unit", "proposer_text", "menu", "solicitation_opens_on",
                  "solicitation_closes_on", "created_at"]
        read_only_fields = ["committee", "created_at"]


class ParticipantSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "kind", "kind_display", "member", "unit", "display_name", "organisation"]


class ConsultationSerializer(ModelSerializer):
    format_display = serializers.CharField(source="get_format_display", read_only=True)
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    chair_name = serializers.CharField(source="chair.name", read_only=True, default=None)
    venue = serializers.CharField(source="venue_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = ["id", "committee", "title", "topic", "topic_title", "format", "format_display", "level",
                  "level_display", "round", "parent", "venue", "venue_workstation", "venue_township",
                  "venue_community", "venue_text", "scheduled_on", "held_on", "chair", "chair_name", "lead_member",
                  "organiser", "organiser_workstation", "step", "step_display", "allowed_actions", "due_at",
                  "due_explanation", "research_due_at", "outcomes_sent_at", "follow_up_due_at", "closed_at"]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        return sorted(STEP_ACTIONS.get(obj.step, ()))


class ConsultationCreateSerializer(InputSerializer):
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.none())
    title = serializers.CharField(max_length=200)
    format = serializers.ChoiceField(choices=Consultation.Format.choices)
    level = serializers.ChoiceField(choices=Consultation.Level.choices, default=Consultation.Level.TOWNSHIP)
    chair = serializers.IntegerField(required=False, allow_null=True)
    lead_member = serializers.IntegerField(required=False, allow_null=True)
    organiser = serializers.ChoiceField(choices=Consultation.Organiser.choices, default=Consultation.Organiser.OFFICE)
    organiser_workstation = serializers.IntegerField(required=False, allow_null=True)
    venue_workstation = serializers.IntegerField(required=False, allow_null=True)
    venue_township = serializers.IntegerField(required=False, allow_null=True)
    venue_community = serializers.IntegerField(required=False, allow_null=True)
    venue_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    scheduled_on = serializers.DateField(required=False, allow_null=True)
    research_due_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["topic"].queryset = Topic.objects.visible_to(request.user)


class OutcomeSerializer(ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    consultation_title = serializers.CharField(source="consultation.title", read_only=True)
    handling_unit_name = serializers.CharField(source="handling_unit.name", read_only=True, default=None)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "consultation", "consultation_title", "text", "handling_unit", "handling_unit_name", "status",
                  "status_display", "assigned_at", "due_at", "due_explanation", "is_overdue", "report", "reported_at",
                  "converted_kind", "converted_object_id"]
        read_only_fields = fields


class OutcomeReportSerializer(InputSerializer):
    result = serializers.ChoiceField(choices=[Outcome.Status.IN_PROGRESS, Outcome.Status.DONE, Outcome.Status.CANNOT])
    report = serializers.CharField()


class FollowUpVisitSerializer(ModelSerializer):
    trigger_display = serializers.CharField(source="get_trigger_display", read_only=True)
    consultation_title = serializers.CharField(source="consultation.title", read_only=True)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "consultation", "consultation_title", "trigger", "trigger_display", "scheduled_on", "due_at",
                  "due_explanation", "held_on", "findings", "satisfied", "basically_satisfied", "unsatisfied"]
        read_only_fields = fields


class MenuClaimSerializer(ModelSerializer):
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = MenuClaim
        fields = ["id", "topic", "topic_title", "member", "member_name", "created_at"]
        read_only_fields = ["member", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "topic" in self.fields:
            self.fields["topic"].queryset = Topic.objects.visible_to(request.user).filter(menu__isnull=False)
