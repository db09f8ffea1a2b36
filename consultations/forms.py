"""Forms shape and validate input; services decide. Choice lists are limited to the user's committee."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone

from members.models import Community, HandlingUnit, Member, Township

from .models import Consultation, Outcome, Participant, Topic


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _members(committee_id):
    return Member.objects.filter(committee_id=committee_id, is_active=True).order_by("name_initials", "pk")


def _workstations(committee_id):
    from workstations.models import Workstation

    return Workstation.objects.filter(committee_id=committee_id).order_by("pk")


class CommitteeFormMixin:
    """Limit every model choice to the committee the page works for."""

    def limit(self, committee_id: int) -> None:
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            if model is Member:
                field.queryset = _members(committee_id)
            elif model is HandlingUnit:
                field.queryset = HandlingUnit.objects.filter(committee_id=committee_id, is_active=True)
            elif model is Township:
                field.queryset = Township.objects.filter(committee_id=committee_id)
            elif model is Community:
                field.queryset = Community.objects.filter(township__committee_id=committee_id).select_related("township")
            elif model._meta.label == "workstations.Workstation":
                field.queryset = _workstations(committee_id)


class ConsultationCreateForm(CommitteeFormMixin, forms.Form):
    topic_fields = ["topic_title", "topic_description", "source", "proposer_member", "proposer_unit", "proposer_text",
                    "solicitation_opens_on", "solicitation_closes_on"]
    topic_title = forms.CharField(label="协商议题", max_length=200)
    topic_description = forms.CharField(label="议题说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label="议题来源", choices=Topic.Source.choices)
    proposer_member = forms.ModelChoiceField(label="提出委员", queryset=Member.objects.none(), required=False)
    proposer_unit = forms.ModelChoiceField(label="出题单位", queryset=HandlingUnit.objects.none(), required=False)
    proposer_text = forms.CharField(label="提出方（其他）", max_length=100, required=False)
    solicitation_opens_on = forms.DateField(label="公开征集开始（码上协商）", required=False, widget=DateInput())
    solicitation_closes_on = forms.DateField(label="公开征集截止（码上协商）", required=False, widget=DateInput())
    title = forms.CharField(label="活动名称", max_length=200)
    format = forms.ChoiceField(label="协商形式", choices=Consultation.Format.choices)
    level = forms.ChoiceField(label="层级", choices=Consultation.Level.choices, initial=Consultation.Level.TOWNSHIP)
    chair = forms.ModelChoiceField(label="主持委员", queryset=Member.objects.none(), required=False)
    lead_member = forms.ModelChoiceField(label="调研牵头委员", queryset=Member.objects.none(), required=False)
    organiser = forms.ChoiceField(label="组织方", choices=Consultation.Organiser.choices)
    organiser_workstation = forms.ModelChoiceField(label="组织工作室", queryset=Member.objects.none(), required=False)
    venue_workstation = forms.ModelChoiceField(label="活动地点：委员工作室", queryset=Member.objects.none(),
                                               required=False)
    venue_township = forms.ModelChoiceField(label="活动地点：乡镇（街道）", queryset=Township.objects.none(),
                                            required=False)
    venue_community = forms.ModelChoiceField(label="活动地点：社区（村居）", queryset=Community.objects.none(),
                                             required=False)
    venue_text = forms.CharField(label="具体地点", max_length=200, required=False)
    scheduled_on = forms.DateField(label="计划日期", required=False, widget=DateInput())
    research_due_on = forms.DateField(label="调研截止日期（不填按期限规则）", required=False, widget=DateInput())

    def __init__(self, *args, committee_id: int, workstation_ids: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from workstations.models import Workstation

        self.fields["organiser_workstation"].queryset = Workstation.objects.none()
        self.fields["venue_workstation"].queryset = Workstation.objects.none()
        self.limit(committee_id)
        if workstation_ids is not None:  # a convenor organises for their own workstations only
            self.fields["organiser_workstation"].queryset = Workstation.objects.filter(pk__in=workstation_ids)
            self.fields["organiser"].choices = [(Consultation.Organiser.WORKSTATION, "委员工作室")]


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ParticipantForm(CommitteeFormMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Participant.Kind.choices)
    member = forms.ModelChoiceField(label="委员", queryset=Member.objects.none(), required=False)
    unit = forms.ModelChoiceField(label="部门", queryset=HandlingUnit.objects.none(), required=False)
    name = forms.CharField(label="姓名（非委员）", max_length=40, required=False)
    organisation = forms.CharField(label="单位/身份", max_length=100, required=False)


class ResearchTaskForm(CommitteeFormMixin, forms.Form):
    title = forms.CharField(label="调研内容", max_length=200)
    lead = forms.ModelChoiceField(label="牵头委员", queryset=Member.objects.none(), required=False)


class FindingsForm(forms.Form):
    task = forms.ModelChoiceField(label="调研任务", queryset=None)
    findings = forms.CharField(label="调研发现", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = consultation.research_tasks.all()


class HoldSessionForm(forms.Form):
    held_on = forms.DateField(label="召开日期（默认今天）", widget=DateInput(), initial=timezone.localdate,
                              required=False)
    note = forms.CharField(label="说明", required=False, max_length=500)


class MinutesForm(forms.Form):
    body = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 4}))
    consensus = forms.CharField(label="形成共识", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attendance = forms.IntegerField(label="参会人数", min_value=0, max_value=100000, required=False)


class OutcomeForm(CommitteeFormMixin, forms.Form):
    text = forms.CharField(label="成果事项", widget=forms.Textarea(attrs={"rows": 2}))
    handling_unit = forms.ModelChoiceField(label="承办单位", queryset=HandlingUnit.objects.none(), required=False)


class ConvertForm(forms.Form):
    outcome = forms.ModelChoiceField(label="成果事项", queryset=None)
    kind = forms.ChoiceField(label="转化为", choices=Outcome.ConvertedKind.choices)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = consultation.outcomes.filter(converted_object_id__isnull=True)


class ScheduleFollowUpForm(forms.Form):
    scheduled_on = forms.DateField(label="回头看日期", widget=DateInput())


class FollowUpRecordForm(CommitteeFormMixin, forms.Form):
    held_on = forms.DateField(label="走访日期", widget=DateInput(), initial=timezone.localdate)
    findings = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 3}))
    satisfied = forms.IntegerField(label="满意（人）", min_value=0, max_value=100000, initial=0)
    basically_satisfied = forms.IntegerField(label="基本满意（人）", min_value=0, max_value=100000, initial=0)
    unsatisfied = forms.IntegerField(label="不满意（人）", min_value=0, max_value=100000, initial=0)
    members = forms.ModelMultipleChoiceField(label="参加委员", queryset=Member.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 4}))

    def limit(self, committee_id: int) -> None:
        super().limit(committee_id)
        self.fields["members"].queryset = _members(committee_id)


class OutcomeReportForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=[
        (Outcome.Status.IN_PROGRESS, Outcome.Status.IN_PROGRESS.label),
        (Outcome.Status.DONE, Outcome.Status.DONE.label),
        (Outcome.Status.CANNOT, Outcome.Status.CANNOT.label),
    ])
    report = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    body = forms.CharField(label="您的意见建议", min_length=5, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    author_name = forms.CharField(label="称呼（选填，不公开）", max_length=40, required=False)
    author_phone = forms.CharField(label="手机号码（选填，不公开）", max_length=20, required=False)
    # Honeypot: hidden from people; bots fill it.
    website = forms.CharField(label="网站", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex, max_length=64)


class MenuTopicForm(forms.Form):
    title = forms.CharField(label="议题", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(label="议题来源", choices=Topic.Source.choices, initial=Topic.Source.OFFICE)


class MenuCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    title = forms.CharField(label="名称", max_length=100, required=False)
    claim_closes_on = forms.DateField(label="认领截止日期", required=False, widget=DateInput())
