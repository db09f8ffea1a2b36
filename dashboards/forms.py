"""The dashboard's filter form (period, committee below the user's, township, sector, special
committee) and the roll-up request form. Choices are limited to what the user's scope contains."""

from __future__ import annotations

from django import forms

from members.models import Committee, Sector, SpecialCommittee, Township

from .models import RollupReport
from .periods import is_valid_period, parse_period, recent_periods
from .selectors import Filters


class DashboardFilterForm(forms.Form):
    period = forms.CharField(label="统计期间", required=False,
                             help_text="如 2026（年）、2026-Q4（季度）、2026-11（月）")
    committee = forms.ModelChoiceField(label="政协组织", queryset=Committee.objects.none(), required=False,
                                       empty_label="全部（合计）")
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Township.objects.none(), required=False,
                                      empty_label="全部乡镇（街道）")
    sector = forms.ModelChoiceField(label="界别", queryset=Sector.objects.none(), required=False,
                                    empty_label="全部界别")
    special_committee = forms.ModelChoiceField(label="专委会", queryset=SpecialCommittee.objects.none(),
                                               required=False, empty_label="全部专委会")
    # A link from one committee's own cell: that committee only, not the committees below it.
    exact = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, committee_ids: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.committee_ids = committee_ids
        self.fields["committee"].queryset = Committee.objects.filter(pk__in=committee_ids).order_by("level", "pk")
        self.fields["township"].queryset = Township.objects.filter(committee_id__in=committee_ids).order_by(
            "committee_id", "order", "pk")
        self.fields["sector"].queryset = Sector.objects.filter(committee_id__in=committee_ids).order_by(
            "committee_id", "order", "pk")
        self.fields["special_committee"].queryset = SpecialCommittee.objects.filter(
            committee_id__in=committee_ids).order_by("committee_id", "order", "pk")
        self.period_choices = [(p.code, p.label) for p in recent_periods()]
        self.show_committee = len(committee_ids) > 1

    def clean_period(self):
        code = (self.cleaned_data.get("period") or "").strip()
        if code and not is_valid_period(code):
            raise forms.ValidationError("统计期间格式不正确，请填写如 2026、2026-Q4 或 2026-11。")
        return code

    def to_filters(self) -> Filters:
        """Filters from the valid fields; an invalid field falls back to "all" (its error is shown)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        committee = data.get("committee")
        ids = [committee.pk] if committee else list(self.committee_ids)
        if committee and not data.get("exact"):
            from core.scoping import descendant_committee_ids

            ids = sorted(descendant_committee_ids(committee.pk) & set(self.committee_ids))
        return Filters(
            period=parse_period(data.get("period")),
            committee_ids=ids,
            township=data["township"].pk if data.get("township") else None,
            sector=data["sector"].pk if data.get("sector") else None,
            special_committee=data["special_committee"].pk if data.get("special_committee") else None,
            extra={"committee": committee.pk if committee else None, "exact": bool(committee and data.get("exact"))},
        )


class RollupRequestForm(forms.Form):
    kind = forms.ChoiceField(label="报表类型", choices=RollupReport.Kind.choices)
    period = forms.CharField(label="期间", help_text="月报如 2026-10，季报如 2026-Q3，年报如 2025")
    committee = forms.ModelChoiceField(label="政协组织", queryset=Committee.objects.none())

    def __init__(self, data=None, *, committee_ids: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(pk__in=committee_ids).order_by("level", "pk")
        if len(committee_ids) == 1:
            self.fields["committee"].initial = committee_ids[0]

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), (data.get("period") or "").strip()
        if kind and code:
            if not is_valid_period(code):
                self.add_error("period", "期间格式不正确，请填写如 2026-10、2026-Q3 或 2025。")
            else:
                period = parse_period(code)
                if period.kind != kind:
                    hint = {"month": "月份，如 2026-10", "quarter": "季度，如 2026-Q3", "year": "年份，如 2025"}[kind]
                    self.add_error("period", f"{dict(RollupReport.Kind.choices)[kind]}的期间应填写{hint}。")
                else:
                    data["period_obj"] = period
        return data
