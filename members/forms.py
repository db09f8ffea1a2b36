"""Forms of the committee directory (admin intermediate pages and inlines). They validate shape and
call the services for the rules, turning service errors into field errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import DomainError

from . import services
from .models import Assignment, Committee, Community, Township


class CommunitySelect(forms.Select):
    """Options carry their township so the page can show only the chosen township's communities."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-township"] = str(instance.township_id)
        return option


class AssignToPlaceForm(forms.Form):
    """The intermediate form of the admin action 分配到乡镇/社区."""

    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Township.objects.none())
    community = forms.ModelChoiceField(label="社区（村居）", queryset=Community.objects.none(), required=False,
                                       widget=CommunitySelect, help_text="可不选：只安排到乡镇（街道）。")
    basis = forms.ChoiceField(label="联系依据", choices=Assignment.Basis.choices, initial=Assignment.Basis.LIAISON)
    start_date = forms.DateField(label="开始日期", initial=timezone.localdate,
                                 widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.visible_to(user).select_related("committee")
        self.fields["community"].queryset = Community.objects.visible_to(user).select_related("township")

    def clean(self):
        data = super().clean()
        township, community = data.get("township"), data.get("community")
        if township and community and community.township_id != township.pk:
            self.add_error("community", f"社区（村居）“{community.name}”不属于“{township.name}”。")
        return data

    def apply(self, *, members, by) -> tuple[int, list[str]] | None:
        """Run the service; a refusal becomes a form error (returns None then)."""
        d = self.cleaned_data
        try:
            return services.assignments_bulk_create(members=members, township=d["township"],
                                                    community=d.get("community"), basis=d["basis"],
                                                    start_date=d["start_date"], by=by)
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return None


class AssignmentInlineForm(forms.ModelForm):
    """An assignment edited on the member page: the service's rules as field errors."""

    class Meta:
        model = Assignment
        fields = ["township", "community", "basis", "start_date", "end_date"]

    def clean(self):
        data = super().clean()
        member = data.get("member") or (self.instance.member if self.instance.member_id else None) \
            or getattr(self, "parent_member", None)
        township, community = data.get("township"), data.get("community")
        if member is None or township is None or self.errors:
            return data
        try:
            services.assignment_validate(member=member, township=township, community=community,
                                         start_date=data.get("start_date"), end_date=data.get("end_date"),
                                         exclude_pk=self.instance.pk)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data


class AssignmentAdminForm(AssignmentInlineForm):
    class Meta(AssignmentInlineForm.Meta):
        fields = ["member", "township", "community", "basis", "start_date", "end_date"]


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent_member = self.instance  # unsaved on the add page; its committee is already set
        return form

    def clean(self):
        super().clean()
        seen: set[tuple] = set()
        for form in self.forms:
            d = getattr(form, "cleaned_data", None)
            if not d or d.get("DELETE") or d.get("end_date") or not d.get("township"):
                continue
            key = (d["township"].pk, d["community"].pk if d.get("community") else None)
            if key in seen:
                form.add_error("community" if key[1] else "township", "同一地点不能重复安排。")
            seen.add(key)


class RosterUploadForm(forms.Form):
    committee = forms.ModelChoiceField(label="导入到政协组织", queryset=Committee.objects.none())
    file = forms.FileField(label="花名册文件（.xlsx）",
                           help_text="请使用下载的模板填写；第一行为表头，每行一名委员。")

    def __init__(self, *args, user, default_committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Committee.objects.visible_to(user)
        self.fields["committee"].queryset = qs
        if default_committee_id:
            self.fields["committee"].initial = default_committee_id

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise ValidationError("请上传 .xlsx 格式的 Excel 文件。")
        if f.size > 10 * 1024 * 1024:
            raise ValidationError("文件过大（上限 10MB）。")
        return f
