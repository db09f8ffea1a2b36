"""Shapes of the committee directory in the API. Validation of rules lives in the models and
services; related fields only offer what the user may see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer
from core.scoping import user_scope
from core.utils import mask_phone

from ..models import (
    ActivityGroup, Assignment, Committee, Community, HandlingUnit, Member, PointEntry, Sector, SpecialCommittee,
    Township,
)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """Choices limited to ``visible_to(request.user)``: an id outside the scope is "does not exist"."""

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return qs.none()
        return qs.visible_to(request.user)


class CommitteeSerializer(ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "name", "short_name", "level", "parent"]


class SectorSerializer(ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.all())

    class Meta:
        model = Sector
        fields = ["id", "committee", "name", "order"]


class ActivityGroupSerializer(ModelSerializer):
    class Meta:
        model = ActivityGroup
        fields = ["id", "name"]


class SpecialCommitteeSerializer(ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.all())
    activity_groups = ActivityGroupSerializer(many=True, read_only=True)

    class Meta:
        model = SpecialCommittee
        fields = ["id", "committee", "name", "order", "activity_groups"]


class TownshipSerializer(ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.all())

    class Meta:
        model = Township
        fields = ["id", "committee", "name", "kind", "order"]


class CommunitySerializer(ModelSerializer):
    township = ScopedPrimaryKeyRelatedField(queryset=Township.objects.all())
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "township", "township_name", "name", "kind"]


class HandlingUnitSerializer(ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.all())
    township = ScopedPrimaryKeyRelatedField(queryset=Township.objects.all(), allow_null=True, required=False)

    class Meta:
        model = HandlingUnit
        fields = ["id", "committee", "name", "kind", "township", "contact_name", "contact_phone", "is_active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not user_scope(request.user).is_office:
            data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


@extend_schema_serializer(component_name="MemberPlace")
class PlaceSerializer(ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = ["id", "township", "township_name", "community", "community_name", "basis", "start_date"]


class MemberSerializer(ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(queryset=Committee.objects.all())
    sector = ScopedPrimaryKeyRelatedField(queryset=Sector.objects.all())
    special_committee = ScopedPrimaryKeyRelatedField(queryset=SpecialCommittee.objects.all(), allow_null=True,
                                                     required=False)
    activity_group = ScopedPrimaryKeyRelatedField(queryset=ActivityGroup.objects.all(), allow_null=True,
                                                  required=False)
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    special_committee_name = serializers.CharField(source="special_committee.name", read_only=True, default=None)
    places = serializers.SerializerMethodField(help_text="有效的联系安排（乡镇/社区）")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                  help_text="无管理权限的用户看到的是打码号码，如 138****5678")

    class Meta:
        model = Member
        fields = ["id", "committee", "name", "name_initials", "gender", "party", "party_name", "is_standing",
                  "sector", "sector_name", "special_committee", "special_committee_name", "activity_group",
                  "employer", "title", "phone", "email", "is_active", "places"]
        read_only_fields = ["name_initials"]
        validators = []  # uniqueness and cross-committee rules: Member.clean / full_clean in the services

    @extend_schema_field(PlaceSerializer(many=True))
    def get_places(self, obj):
        rows = getattr(obj, "active_assignments", None)
        if rows is None:
            return []
        return PlaceSerializer(rows, many=True).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not user_scope(request.user).can_manage:
            data["phone"] = instance.masked_phone
            data["email"] = ""
        return data


@extend_schema_serializer(component_name="MemberAssignment")
class AssignmentSerializer(ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all())
    township = ScopedPrimaryKeyRelatedField(queryset=Township.objects.all())
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.all(), allow_null=True, required=False)
    member_name = serializers.CharField(source="member.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = ["id", "member", "member_name", "township", "township_name", "community", "community_name",
                  "basis", "start_date", "end_date"]
        read_only_fields = ["end_date"]
        validators = []  # the services check the rules and answer with field errors


@extend_schema_serializer(component_name="MemberAssignmentEnd")
class AssignmentEndSerializer(InputSerializer):
    end_date = serializers.DateField(required=False, help_text="默认今天")


class PointEntrySerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    source_type = serializers.SerializerMethodField()

    class Meta:
        model = PointEntry
        fields = ["id", "member", "member_name", "rule_code", "rule_name", "points", "occurred_on", "note",
                  "source_type", "object_id"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_source_type(self, obj):
        return f"{obj.content_type.app_label}.{obj.content_type.model}" if obj.content_type_id else None
