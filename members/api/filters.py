from __future__ import annotations

import django_filters as df
from django.db.models import Q

from core.api import FilterSet

from ..models import Assignment, Community, HandlingUnit, Member, PointEntry, Sector, SpecialCommittee, Township


class CommitteeOwnedFilter(FilterSet):
    committee = df.NumberFilter(field_name="committee_id")


class SectorFilter(CommitteeOwnedFilter):
    class Meta:
        model = Sector
        fields = ["committee"]


class SpecialCommitteeFilter(CommitteeOwnedFilter):
    class Meta:
        model = SpecialCommittee
        fields = ["committee"]


class TownshipFilter(CommitteeOwnedFilter):
    class Meta:
        model = Township
        fields = ["committee", "kind"]


class CommunityFilter(FilterSet):
    committee = df.NumberFilter(field_name="township__committee_id")
    township = df.NumberFilter(field_name="township_id")

    class Meta:
        model = Community
        fields = ["committee", "township", "kind"]


class HandlingUnitFilter(CommitteeOwnedFilter):
    class Meta:
        model = HandlingUnit
        fields = ["committee", "kind", "township", "is_active"]


class MemberFilter(FilterSet):
    committee = df.NumberFilter(field_name="committee_id")
    sector = df.NumberFilter(field_name="sector_id")
    special_committee = df.NumberFilter(field_name="special_committee_id")
    township = df.NumberFilter(method="filter_township", label="有效联系的乡镇（街道）")
    community = df.NumberFilter(method="filter_community", label="有效联系的社区（村居）")
    unassigned = df.BooleanFilter(method="filter_unassigned", label="尚无有效联系安排")
    q = df.CharFilter(method="filter_q", label="姓名、拼音首字母或工作单位")

    class Meta:
        model = Member
        fields = ["committee", "sector", "special_committee", "party", "is_standing", "is_active", "gender"]

    def filter_township(self, qs, name, value):
        return qs.filter(pk__in=Assignment.objects.active().filter(township_id=value).values("member_id"))

    def filter_community(self, qs, name, value):
        return qs.filter(pk__in=Assignment.objects.active().filter(community_id=value).values("member_id"))

    def filter_unassigned(self, qs, name, value):
        active = Assignment.objects.active().values("member_id")
        return qs.exclude(pk__in=active) if value else qs.filter(pk__in=active)

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(name_initials__istartswith=value.lower())
                         | Q(employer__icontains=value)) if value else qs


class AssignmentFilter(FilterSet):
    member = df.NumberFilter(field_name="member_id")
    township = df.NumberFilter(field_name="township_id")
    community = df.NumberFilter(field_name="community_id")
    committee = df.NumberFilter(field_name="member__committee_id")
    active = df.BooleanFilter(method="filter_active", label="当前有效")

    class Meta:
        model = Assignment
        fields = ["member", "township", "community", "committee", "basis"]

    def filter_active(self, qs, name, value):
        active = Assignment.objects.active().values("pk")
        return qs.filter(pk__in=active) if value else qs.exclude(pk__in=active)


class PointEntryFilter(FilterSet):
    member = df.NumberFilter(field_name="member_id")
    rule = df.CharFilter(field_name="rule__code")
    year = df.NumberFilter(field_name="occurred_on", lookup_expr="year")
    occurred_after = df.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = df.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = PointEntry
        fields = ["member", "rule", "year"]
