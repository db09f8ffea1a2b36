import django_filters

from core.api import FilterSet

from ..models import Bulletin, OpinionReport


class ReportFilter(FilterSet):
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_before = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期")

    class Meta:
        model = OpinionReport
        fields = ["status", "category", "source", "direction", "outcome", "unit", "workstation", "bulletin"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = OpinionReport.objects.overdue_q()  # core.deadlines: the one overdue rule
        return queryset.filter(q) if value else queryset.exclude(q)


class BulletinFilter(FilterSet):
    class Meta:
        model = Bulletin
        fields = ["year", "committee"]
