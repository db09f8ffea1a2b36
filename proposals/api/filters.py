import django_filters

from core.api import FilterSet

from ..models import Proposal


class ProposalFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Proposal.Status.choices)
    category = django_filters.ChoiceFilter(choices=Proposal.Category.choices)
    session = django_filters.NumberFilter(field_name="session_id")
    is_key = django_filters.BooleanFilter()
    unit = django_filters.NumberFilter(field_name="assignments__unit_id", distinct=True)
    due_before = django_filters.DateTimeFilter(field_name="due_at", lookup_expr="lte")

    class Meta:
        model = Proposal
        fields = ["status", "category", "session", "is_key", "unit", "member", "proposer_kind"]
