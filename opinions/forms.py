"""Forms validate and shape input; the services decide (errors they raise are put back on the form)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .models import CarryBack, Category, OpinionReport, Outcome


class ReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, widget=forms.TextInput(attrs={"placeholder": "一句话概括反映的问题"}))
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 6, "placeholder": "问题、原因和建议"}))
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)
    direction = forms.ChoiceField(label="委员带话", choices=OpinionReport.Direction.choices,
                                  initial=OpinionReport.Direction.UP, widget=forms.RadioSelect)
    workstation = forms.ModelChoiceField(label="委员工作室（可选）", queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(label="反映委员（机关代为录入时选择）", queryset=None, required=False)

    def __init__(self, *args, workstations=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        from workstations.models import Workstation

        self.fields["workstation"].queryset = workstations if workstations is not None else Workstation.objects.none()
        if members is None:
            del self.fields["members"]
        else:
            self.fields["members"].queryset = members


class RegisterForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    title = forms.CharField(label="标题（可修改）", max_length=200, required=False)
    note = forms.CharField(label="登记意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ForwardForm(forms.Form):
    TARGETS = (("unit", "转交承办单位"), ("upper", "报送上级政协"))
    target = forms.ChoiceField(label="转办方式", choices=TARGETS, initial="unit", widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label="承办单位", queryset=None, required=False)
    note = forms.CharField(label="转办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, has_parent: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import HandlingUnit

        self.fields["unit"].queryset = units if units is not None else HandlingUnit.objects.none()
        self.has_parent = has_parent  # does the report's committee have an upper committee?

    def clean(self):
        data = super().clean()
        if data.get("target") == "unit" and not data.get("unit"):
            self.add_error("unit", "请选择承办单位。")
        if data.get("target") == "upper" and self.has_parent is False:
            self.add_error("target", "本政协组织没有上级政协，无法报送。")
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    content = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices)
    contact_name = forms.CharField(label="经办人", max_length=40, required=False)
    attachment = forms.FileField(label="附件（可选）", required=False)


class CarryBackForm(forms.Form):
    carried_on = forms.DateField(label="带话日期", initial=timezone.localdate,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    method = forms.ChoiceField(label="方式", choices=CarryBack.Method.choices, widget=forms.RadioSelect)
    people_reached = forms.IntegerField(label="告知群众人数", min_value=1, max_value=1000000, initial=1)
    satisfaction = forms.ChoiceField(label="群众满意度", choices=CarryBack.Satisfaction.choices,
                                     widget=forms.RadioSelect)
    member_rating = forms.ChoiceField(label="我对办理答复的评价", choices=[("", "不评价")] + list(CarryBack.Rating.choices),
                                      required=False)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices)
    note = forms.CharField(label="办结意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InstructionForm(forms.Form):
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))
    leader_title = forms.CharField(label="职务", max_length=60, required=False)


class RecordInstructionForm(InstructionForm):
    """The office enters a leader's written instruction on the leader's behalf."""

    leader = forms.ModelChoiceField(label="批示领导", queryset=None)
    instructed_on = forms.DateField(label="批示日期", initial=timezone.localdate,
                                    widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["leader"].queryset = leaders if leaders is not None else get_user_model().objects.none()
        self.fields["leader"].label_from_instance = lambda u: u.get_full_name() or u.username


class ActedForm(forms.Form):
    acted_note = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}))


class BulletinForm(forms.Form):
    title = forms.CharField(label="专报标题", max_length=200)
    sent_to = forms.CharField(label="报送对象", max_length=200, initial="县委、县政府")
    editor_note = forms.CharField(label="编者按", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reports = forms.ModelMultipleChoiceField(label="编入的信息（已登记）", queryset=None,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = reports if reports is not None else OpinionReport.objects.none()


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    file = forms.FileField(label="文件（.xlsx 或 .csv：日期、类型、说明）")
    replace = forms.BooleanField(label="替换该年已有的日历", required=False, initial=True)
