import django_filters

from core.api import FilterSet

from ..models import Consultation, FollowUpVisit, MenuClaim, Outcome, Topic


class TopicFilter(FilterSet):
    class Meta:
        model = Topic
        fields = ["source", "menu", "committee"]


class ConsultationFilter(FilterSet):
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Consultation
        fields = ["step", "format", "level", "committee", "topic", "parent"]


class OutcomeFilter(FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期")

    class Meta:
        model = Outcome
        fields = ["status", "handling_unit", "consultation"]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.overdue()
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))


class FollowUpVisitFilter(FilterSet):
    class Meta:
        model = FollowUpVisit
        fields = ["consultation", "trigger"]


class MenuClaimFilter(FilterSet):
    class Meta:
        model = MenuClaim
        fields = ["topic", "member", "topic__menu"]
