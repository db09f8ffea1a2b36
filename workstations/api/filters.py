import django_filters

from ..models import ReceptionDay, Visit, Workstation


class WorkstationFilter(django_filters.FilterSet):
    class Meta:
        model = Workstation
        fields = ["kind", "township", "sector", "is_active", "committee"]


class ReceptionDayFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ReceptionDay
        fields = ["workstation", "status", "date_from", "date_to"]


class VisitFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = ["workstation", "reception_day", "source", "category", "outcome", "date_from", "date_to"]
