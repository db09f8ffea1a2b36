import django_filters

from core.api import FilterSet

from ..models import ReceptionDay, Visit, Workstation


class WorkstationFilter(FilterSet):
    class Meta:
        model = Workstation
        fields = ["kind", "township", "sector", "is_active", "committee"]


class ReceptionDayFilter(FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ReceptionDay
        fields = ["workstation", "status", "date_from", "date_to"]


class VisitFilter(FilterSet):
    date_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["workstation", "reception_day", "source", "category", "outcome", "date_from", "date_to"]
