import django_filters
from django.utils import timezone

from ..models import Bulletin, OpinionReport
from ..querysets import WAITING_STATES


class ReportFilter(django_filters.FilterSet):
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_before = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期")

    class Meta:
        model = OpinionReport
        fields = ["status", "category", "source", "direction", "outcome", "unit", "workstation", "bulletin"]

    def filter_overdue(self, queryset, name, value):
        q = {"status__in": WAITING_STATES, "due_at__lt": timezone.now()}
        return queryset.filter(**q) if value else queryset.exclude(**q)


class BulletinFilter(django_filters.FilterSet):
    class Meta:
        model = Bulletin
        fields = ["year", "committee"]
