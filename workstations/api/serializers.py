"""Serializers shape data only; writes go through services."""

from __future__ import annotations

from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer

from ..models import ReceptionDay, Visit, Workstation, WorkstationMembership


class MembershipSerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = WorkstationMembership
        fields = ["member", "member_name", "role", "role_display", "started_on"]


class WorkstationSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    township_name = serializers.CharField(source="township.name", default=None, read_only=True)
    sector_name = serializers.CharField(source="sector.name", default=None, read_only=True)
    lead_member_name = serializers.CharField(source="lead_member.name", default=None, read_only=True)
    members = MembershipSerializer(source="active_memberships", many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    held_this_month = serializers.IntegerField(read_only=True)
    standards_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workstation
        fields = ["id", "name", "kind", "kind_display", "committee", "township", "township_name", "sector",
                  "sector_name", "host_kind", "host_name", "address", "lead_member", "lead_member_name",
                  "opened_on", "public_code", "reception_days_of_month", "reception_hours", "is_active",
                  "member_count", "held_this_month", "standards_done", "members"]


class ReceptionDaySerializer(ModelSerializer):
    workstation_name = serializers.CharField(source="workstation.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    duty_member_names = serializers.SerializerMethodField()
    visit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReceptionDay
        fields = ["id", "workstation", "workstation_name", "date", "status", "status_display", "duty_members",
                  "duty_member_names", "notes", "held_logged_at", "visit_count"]

    def get_duty_member_names(self, obj) -> list[str]:
        return [m.name for m in obj.duty_members.all()]


class VisitSerializer(ModelSerializer):
    """Phones are masked: the API never returns a resident's number in full."""

    phone = serializers.CharField(source="masked_phone", read_only=True)
    workstation_name = serializers.CharField(source="workstation.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    handling_unit_name = serializers.CharField(source="handling_unit.name", default=None, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "workstation", "workstation_name", "reception_day", "source", "received_on", "name", "phone",
                  "category", "category_display", "issue", "outcome", "outcome_display", "outcome_note",
                  "handling_unit", "handling_unit_name", "tracking_code", "created_at"]


class PublicIntakeSerializer(InputSerializer):
    workstation_code = serializers.CharField(max_length=12)
    issue = serializers.CharField(max_length=2000, min_length=5,
                                  error_messages={"min_length": "请把问题写得具体一些（至少5个字）。",
                                                  "required": "请填写您要反映的问题。",
                                                  "blank": "请填写您要反映的问题。"})
    category = serializers.ChoiceField(choices=Visit.Category.choices, default=Visit.Category.OTHER)
    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(max_length=64, min_length=8,
                                            error_messages={"required": "缺少幂等键 idempotency_key。"})
    website = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)

    def validate_phone(self, value: str) -> str:
        from core.utils import is_valid_phone

        value = (value or "").strip().replace(" ", "")
        if value and not is_valid_phone(value):
            raise serializers.ValidationError("请填写正确的手机号码或固定电话。")
        return value

    def validate_website(self, value: str) -> str:
        if (value or "").strip():
            raise serializers.ValidationError("提交未被接受。")
        return value

    def validate_workstation_code(self, value: str) -> Workstation:
        ws = Workstation.objects.filter(public_code=value.strip().lower(), is_active=True).first()
        if ws is None:
            raise serializers.ValidationError("没有找到这个工作室。")
        return ws


class PublicVisitSerializer(InputSerializer):
    tracking_code = serializers.CharField()
    tracking_url = serializers.CharField()
    workstation = serializers.CharField()
    outcome = serializers.CharField()
    outcome_display = serializers.CharField()
    steps = serializers.ListField(child=serializers.DictField())


class VisitorInputSerializer(InputSerializer):
    issue = serializers.CharField(max_length=2000)
    category = serializers.ChoiceField(choices=Visit.Category.choices, default=Visit.Category.OTHER)
    outcome = serializers.ChoiceField(choices=Visit.Outcome.choices, default=Visit.Outcome.ANSWERED)
    handling_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        from core.utils import is_valid_phone

        value = (value or "").strip().replace(" ", "")
        if value and not is_valid_phone(value):
            raise serializers.ValidationError("请填写正确的手机号码或固定电话。")
        return value


class ReceptionLogSerializer(InputSerializer):
    """Input of ``POST /workstations/<id>/log-reception/``: the same as the phone form."""

    day = serializers.IntegerField(required=False, allow_null=True, default=None,
                                   help_text="计划接待日的 id；不填则为 date 或今天")
    date = serializers.DateField(required=False, allow_null=True, default=None)
    member_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                       error_messages={"empty": "请至少勾选一名到场的委员。"})
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    visitors = VisitorInputSerializer(many=True, required=False, default=list)
    log_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
