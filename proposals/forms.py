"""Forms shape and check input; the services decide. Error messages are Chinese."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib.auth import get_user_model

from core.scoping import Role
from members.models import HandlingUnit, Member

from .models import ANSWER_CLASSES, Evaluation, Proposal, SupervisionRecord

NAME_SPLIT = re.compile(r"[\s,，、;；]+")


class ProposalForm(forms.Form):
    title = forms.CharField(label="案由", max_length=200,
                            error_messages={"required": "请填写案由。", "max_length": "案由不能超过200字。"})
    category = forms.ChoiceField(label="类别", choices=Proposal.Category.choices)
    content = forms.CharField(label="内容（情况分析与具体建议）", widget=forms.Textarea(attrs={"rows": 10}),
                              error_messages={"required": "请填写提案内容。"})
    cosigners = forms.CharField(label="附议委员（可选，填姓名，用逗号或空格分隔）", required=False)

    def __init__(self, *args, committee=None, exclude_member_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.exclude_member_id = exclude_member_id

    def clean_cosigners(self) -> list[Member]:
        names = [n for n in NAME_SPLIT.split(self.cleaned_data.get("cosigners") or "") if n]
        if not names:
            return []
        found: dict[str, list[Member]] = {}
        for m in Member.objects.filter(committee=self.committee, is_active=True, name__in=names):
            found.setdefault(m.name, []).append(m)
        errors, members = [], []
        for n in dict.fromkeys(names):
            hits = found.get(n, [])
            if not hits:
                errors.append(f"未找到委员“{n}”")
            elif len(hits) > 1:
                errors.append(f"有{len(hits)}位委员叫“{n}”，请联系政协机关代为邀请")
            elif hits[0].pk == self.exclude_member_id:
                errors.append("领衔委员不能附议自己的提案")
            else:
                members.append(hits[0])
        if errors:
            raise forms.ValidationError("；".join(errors) + "。")
        return members


class EvaluateForm(forms.Form):
    result = forms.ChoiceField(label="评价", widget=forms.RadioSelect,
                               choices=Evaluation.INPUT_CHOICES,
                               error_messages={"required": "请选择评价。"})
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer_class = forms.ChoiceField(label="答复类别", widget=forms.RadioSelect,
                                     choices=[(k, f"{k}类：{v}") for k, v in ANSWER_CLASSES.items()],
                                     error_messages={"required": "请选择答复类别。"})
    content = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": "请填写答复内容。"})
    document = forms.FileField(label="答复函（PDF、Word或图片）", required=False)

    ALLOWED = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png", ".ofd")

    def clean_document(self):
        f = self.cleaned_data.get("document")
        if f:
            if not f.name.lower().endswith(self.ALLOWED):
                raise forms.ValidationError("答复函只支持PDF、Word、OFD或图片文件。")
            if f.size > 20 * 1024 * 1024:
                raise forms.ValidationError("答复函不能超过20MB。")
        return f


def _units(committee_ids):
    return HandlingUnit.objects.filter(committee_id__in=committee_ids, is_active=True).order_by("pk")


class BulkForm(forms.Form):
    ACTIONS = [("file", "立案"), ("file_assign", "立案并交办"), ("assign", "交办"), ("not_file", "不予立案")]
    action = forms.ChoiceField(label="操作", choices=ACTIONS)
    ids = forms.MultipleChoiceField(label="提案", choices=[], error_messages={"required": "请至少勾选一件提案。"})
    reason = forms.CharField(label="不予立案理由", required=False)
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=HandlingUnit.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(label="会办单位", queryset=HandlingUnit.objects.none(), required=False)
    separate_units = forms.ModelMultipleChoiceField(label="分办单位", queryset=HandlingUnit.objects.none(),
                                                    required=False)

    def __init__(self, *args, committee_ids=(), proposal_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = _units(sorted(committee_ids))
        for f in ("lead_unit", "co_units", "separate_units"):
            self.fields[f].queryset = units
        self.fields["ids"].choices = [(str(i), str(i)) for i in proposal_ids]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "not_file" and not (data.get("reason") or "").strip():
            self.add_error("reason", "不予立案须填写理由。")
        if action in ("assign", "file_assign") and not data.get("lead_unit") and not data.get("separate_units"):
            self.add_error("lead_unit", "请选择主办单位（或分办单位）。")
        return data


class NotFileForm(forms.Form):
    reason = forms.CharField(label="不予立案理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "不予立案须填写理由。"})
    convert = forms.BooleanField(label="同时转为社情民意信息", required=False)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=HandlingUnit.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(label="会办单位", queryset=HandlingUnit.objects.none(), required=False)
    separate_units = forms.ModelMultipleChoiceField(label="分办单位", queryset=HandlingUnit.objects.none(),
                                                    required=False)
    answer_days = forms.IntegerField(label="办理期限（天，不填按规定）", required=False, min_value=1, max_value=365)

    def __init__(self, *args, committee_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = _units(sorted(committee_ids))
        for f in ("lead_unit", "co_units", "separate_units"):
            self.fields[f].queryset = units


class KeyForm(forms.Form):
    leader = forms.ModelChoiceField(label="督办领导", queryset=get_user_model().objects.none(),
                                    error_messages={"required": "请选择督办领导。"})
    answer_days = forms.IntegerField(label="办理期限（天）", required=False, min_value=1, max_value=365)

    def __init__(self, *args, committee_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = get_user_model().objects.filter(
            groups__name=Role.LEADER, portal_profile__committee_id__in=sorted(committee_ids)).distinct().order_by("pk")
        self.fields["leader"].label_from_instance = lambda u: u.get_full_name() or u.username


class OpenPublicForm(forms.Form):
    summary = forms.CharField(label="公开摘要（不含个人信息）", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写公开摘要。"})
    closes_on = forms.DateField(label="征求意见截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class SupervisionForm(forms.Form):
    method = forms.ChoiceField(label="督办方式", choices=SupervisionRecord.Method.choices)
    on = forms.DateField(label="督办日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label="督办情况", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写督办情况。"})


class PublicCommentForm(forms.Form):
    body = forms.CharField(label="您的意见建议", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                           error_messages={"required": "请填写意见建议。", "max_length": "意见不能超过2000字。"})
    nickname = forms.CharField(label="称呼（可选，不公开）", required=False, max_length=30)
    phone = forms.CharField(label="联系电话（可选，不公开）", required=False, max_length=20)
    # Honeypot: hidden from people, filled by bots.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    idem = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idem", uuid.uuid4().hex)


class OfficeProposalForm(ProposalForm):
    """Staff enter a proposal on behalf of a member who is offline, or a group's proposal."""

    proposer_kind = forms.ChoiceField(label="提案者类型", choices=Proposal.ProposerKind.choices)
    member_name = forms.CharField(label="领衔委员姓名（委员提案）", required=False)
    group_name = forms.CharField(label="提案集体名称（党派、界别或专委会）", required=False, max_length=100)

    field_order = ["proposer_kind", "member_name", "group_name", "title", "category", "content", "cosigners"]

    def clean(self):
        data = super().clean()
        kind = data.get("proposer_kind")
        data["member"] = None
        if kind == Proposal.ProposerKind.MEMBER:
            name = (data.get("member_name") or "").strip()
            hits = list(Member.objects.filter(committee=self.committee, is_active=True, name=name)[:2]) if name else []
            if not hits:
                self.add_error("member_name", f"未找到委员“{name}”。" if name else "请填写领衔委员姓名。")
            elif len(hits) > 1:
                self.add_error("member_name", f"有多位委员叫“{name}”，请在后台选择。")
            else:
                data["member"] = hits[0]
                if any(m.pk == hits[0].pk for m in data.get("cosigners") or []):
                    self.add_error("cosigners", "领衔委员不能附议自己的提案。")
        elif not (data.get("group_name") or "").strip():
            self.add_error("group_name", "集体提案须填写提案集体名称。")
        return data
