"""Forms shape input only; the services decide. Labels and errors are Chinese."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone

from core.utils import is_valid_phone
from members.models import HandlingUnit

from .models import ReceptionDay, Visit

VISITOR_OUTCOMES = [c for c in Visit.Outcome.choices]


def _clean_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not is_valid_phone(value):
        raise forms.ValidationError("请填写正确的手机号码或固定电话，如 13812345678。")
    return value


class PublicIssueForm(forms.Form):
    """The QR form. ``website`` is a honeypot: hidden from people, filled in by bots."""

    category = forms.ChoiceField(label="问题类别", choices=Visit.Category.choices, initial=Visit.Category.OTHER)
    issue = forms.CharField(label="您要反映的问题", max_length=2000, min_length=5,
                            widget=forms.Textarea(attrs={"rows": 5, "placeholder": "请简要描述问题、地点和您的诉求"}),
                            error_messages={"required": "请填写您要反映的问题。",
                                            "min_length": "请把问题写得具体一些（至少5个字）。"})
    name = forms.CharField(label="称呼（可不填）", max_length=40, required=False)
    phone = forms.CharField(label="联系电话（可不填，便于委员回访，不会公开）", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    website = forms.CharField(label="网址", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_phone(self):
        return _clean_phone(self.cleaned_data.get("phone"))

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class ReceptionLogForm(forms.Form):
    day = forms.ChoiceField(label="接待日", required=False)
    members = forms.MultipleChoiceField(label="到场委员", widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "请至少勾选一名到场的委员。"})
    notes = forms.CharField(label="接待情况（可不填）", required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    log_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, workstation, memberships, open_days, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.open_days = {str(d.pk): d for d in open_days}
        self.fields["day"].choices = [("", f"今天（{today:%m月%d日}）")] + [
            (str(d.pk), f"{d.date:%Y-%m-%d}（计划）") for d in open_days
        ]
        self.fields["members"].choices = [(str(m.member_id), f"{m.member.name}（{m.get_role_display()}）")
                                          for m in memberships]
        if not self.is_bound:
            self.initial.setdefault("log_key", uuid.uuid4().hex)

    def clean_day(self):
        value = self.cleaned_data.get("day")
        if value and value not in self.open_days:
            raise forms.ValidationError("请选择一个计划中的接待日，或选择“今天”。")
        return self.open_days.get(value) if value else None


class VisitorForm(forms.Form):
    issue = forms.CharField(label="反映问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "请填写来访群众反映的问题。"})
    category = forms.ChoiceField(label="类别", choices=Visit.Category.choices, initial=Visit.Category.OTHER)
    outcome = forms.ChoiceField(label="办理方式", choices=VISITOR_OUTCOMES, initial=Visit.Outcome.ANSWERED)
    handling_unit = forms.ModelChoiceField(label="转交单位（转交时选择）", queryset=HandlingUnit.objects.none(),
                                           required=False)
    name = forms.CharField(label="姓名（可不填）", max_length=40, required=False)
    phone = forms.CharField(label="电话（可不填）", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["handling_unit"].queryset = units

    def clean_phone(self):
        return _clean_phone(self.cleaned_data.get("phone"))


class BaseVisitorFormSet(forms.BaseFormSet):
    def __init__(self, *args, units=None, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, units=self.units, renderer=self.renderer)
        self.add_fields(form, None)
        return form


VisitorFormSet = forms.formset_factory(VisitorForm, formset=BaseVisitorFormSet, extra=1, max_num=50,
                                       validate_max=True)


class ReceptionRuleForm(forms.Form):
    days_of_month = forms.CharField(label="每月固定接待日", max_length=40,
                                    help_text="填写日期，多个用逗号分隔，如：15 或 5,20")
    months = forms.IntegerField(label="生成未来几个月", min_value=1, max_value=24, initial=3)


class PlanDayForm(forms.Form):
    """Shape only: the service refuses a date in the past (for the API and admin too)."""

    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))


class VisitHandleForm(forms.Form):
    outcome = forms.ChoiceField(label="办理方式")
    handling_unit = forms.ModelChoiceField(label="承办单位", queryset=HandlingUnit.objects.none(), required=False)
    note = forms.CharField(label="办理说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, allowed: list[str], units, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Visit.Outcome.choices)
        self.fields["outcome"].choices = [(s, labels[s]) for s in allowed]
        self.fields["handling_unit"].queryset = units


class StandardItemForm(forms.Form):
    done = forms.BooleanField(label="已达标", required=False)
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(label="照片佐证", required=False,
                             error_messages={"invalid_image": "请上传图片文件（JPG、PNG）。"})
    clear_photo = forms.BooleanField(label="删除照片", required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 8 * 1024 * 1024:
            raise forms.ValidationError("照片不能超过 8MB。")
        return photo


def planned_open_days(workstation):
    """Planned days up to today that are not logged yet (the choices of the log form)."""
    today = timezone.localdate()
    return list(ReceptionDay.objects.filter(workstation=workstation, status=ReceptionDay.Status.PLANNED,
                                            date__lte=today, date__gte=today - timezone.timedelta(days=90))
                .order_by("-date"))
