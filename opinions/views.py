"""Pages: members (phone first) submit and carry back; the office registers, routes, edits bulletins
and closes; leaders instruct and watch the overdue list; handling units answer what is theirs.
Views are thin: they read through selectors, write through services, and show a service's refusal
(a Chinese DomainError message) instead of failing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError, Forbidden
from core.models import StateChange
from core.params import year_param
from core.scoping import Role, get_visible_or_404, user_scope

from . import rules, selectors, services
from .forms import (
    ActedForm, BulletinForm, CalendarImportForm, CarryBackForm, CloseForm, FeedbackForm, ForwardForm,
    InstructionForm, NoteForm, RecordInstructionForm, RegisterForm, ReportForm,
)
from .models import Bulletin, Category, LeaderInstruction, OpinionReport
from .workflow import TIMELINE_LABELS as STATUS_LABELS, report_workflow

S = OpinionReport.Status


def _require_office(request):
    if not user_scope(request.user).is_office:
        raise PermissionDenied("仅限政协机关工作人员和领导。")


def _require_manager(request):
    if not user_scope(request.user).can_manage:
        raise PermissionDenied("仅限政协机关工作人员。")


def _forbid(exc) -> None:
    """A role refusal from ``rules`` is a 403 page, not a message."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message) from exc


def _form_errors(form) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


def _back(report) -> str:
    return reverse("opinions:detail", args=[report.pk])


def _next(request, default: str) -> str:
    """Where to go after a POST: the form's ``next`` if it is a path on this site, else ``default``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _timeline_prefetch():
    return Prefetch("timeline_entries", queryset=StateChange.objects.select_related("actor").order_by("at", "pk"))


# --- Members ------------------------------------------------------------------------------------------

@login_required
def report_my_list(request):
    s = user_scope(request.user)
    if not s.member_id:
        if s.is_office:
            return redirect("opinions:office")
        if s.unit_id:
            return redirect("opinions:unit-inbox")
        raise PermissionDenied("仅限委员。")
    qs = selectors.my_reports(user=request.user).prefetch_related(_timeline_prefetch())
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "opinions/my_list.html", {"page": page, "labels": STATUS_LABELS})


@login_required
def report_create(request):
    s = user_scope(request.user)
    if not rules.can_submit(request.user):  # the form is not shown to those the service would refuse
        raise PermissionDenied("仅限委员和机关工作人员。")
    from members.models import Member
    from workstations.models import Workstation

    workstations = Workstation.objects.visible_to(request.user).filter(is_active=True)
    # Staff enter reports on behalf of members who bring them by phone or on paper.
    on_behalf = None if s.member_id else Member.objects.visible_to(request.user).filter(is_active=True).only(
        "pk", "name", "committee_id")
    form = ReportForm(request.POST or None, workstations=workstations, members=on_behalf)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.opinion_report_create(
                by=request.user, title=d["title"], content=d["content"], category=d["category"],
                direction=d["direction"], workstation=d.get("workstation"), members=d.get("members") or [])
        except DomainError as exc:
            _forbid(exc)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已提交，机关将在{report.due_at:%Y年%m月%d日}前登记。")
            return redirect(_back(report))
    from workstations.models import Visit

    pending_visits = []
    if s.member_id:
        # Issues people left at this member's workstations that no one has handled yet: one click
        # each carries one up (workstations.rules.can_carry_up).
        pending_visits = (Visit.objects.carriable_by(request.user)
                          .filter(outcome__in=[Visit.Outcome.PENDING, Visit.Outcome.REFERRED],
                                  opinion_report__isnull=True)
                          .select_related("workstation").order_by("-received_on", "-pk")[:20])
    return render(request, "opinions/report_form.html", {"form": form, "pending_visits": pending_visits})


@login_required
@require_POST
def report_from_visit(request, visit_pk: int):
    from workstations.models import Visit

    visit = get_visible_or_404(Visit.objects.select_related("workstation"), request.user, pk=visit_pk)
    try:
        report, created = services.opinion_report_from_visit(visit=visit, by=request.user)
    except DomainError as exc:
        _forbid(exc)
        messages.error(request, exc.message)
        return redirect(_next(request, reverse("opinions:my")))
    messages.success(request, "已转为社情民意信息。" if created else "该来访已转为社情民意信息。")
    return redirect(_back(report))


@login_required
def report_carry_back(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    rules.require_carry_back(request.user, report)  # the form is not shown to those the service refuses
    form = CarryBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.opinion_report_carry_back(
                report=report, by=request.user, method=d["method"], satisfaction=d["satisfaction"],
                people_reached=d["people_reached"], carried_on=d["carried_on"], member_rating=d["member_rating"],
                note=d["note"],
            )
        except DomainError as exc:
            _forbid(exc)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已记录带下去的情况。")
            return redirect(_back(report))
    return render(request, "opinions/carry_back_form.html", {"form": form, "report": report})


# --- The report page ----------------------------------------------------------------------------------

@login_required
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    s = user_scope(request.user)
    allowed = set(report_workflow.allowed(report))
    ctx = {"report": report, "labels": STATUS_LABELS, **selectors.report_detail(report)}
    is_manager = rules.is_manager(request.user, report)
    ctx.update({
        "is_manager": is_manager,
        # Which forms to show: the same rules the services apply.
        "is_leader": s.has(Role.LEADER) and rules.is_leader(request.user, report),
        "is_unit": bool(s.unit_id) and rules.is_assigned_unit(request.user, report),
        "is_member": bool(s.member_id) and any(m.pk == s.member_id for m in ctx["members"]),
        "allowed": allowed,
    })
    if is_manager:
        from members.models import HandlingUnit

        units = HandlingUnit.objects.filter(committee_id=report.committee_id, is_active=True)
        ctx.update({
            "register_form": RegisterForm(initial={"category": report.category, "title": report.title}),
            "forward_form": ForwardForm(units=units),
            "close_form": CloseForm(initial={"outcome": report.outcome or "resolved"}),
            "note_form": NoteForm(),
            "reply_form": FeedbackForm(),
            "acted_form": ActedForm(),
            "record_instruction_form": RecordInstructionForm(leaders=_leaders(report)),
        })
    if ctx["is_unit"]:
        ctx["feedback_form"] = FeedbackForm()
        ctx["note_form"] = NoteForm()
    if ctx["is_leader"]:
        ctx["instruction_form"] = InstructionForm()
    return render(request, "opinions/report_detail.html", ctx)


def _action(request, pk: int, form_class, call, success: str, rule=None, **form_kwargs):
    """POST-only action on a report: ask the rule (a role refusal is 403 before the input is read),
    validate the form, call the service, show its refusal."""
    report = selectors.report_get(user=request.user, pk=pk)
    if rule is not None:
        rule(report)  # core.errors.Forbidden: 403
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if not form.is_valid():
        # Bad input (a missing unit, a list where a value belongs …): the report page again with the
        # field errors, answered 400 — not a redirect, and never a database error.
        messages.error(request, _form_errors(form))
        response = report_detail(request, pk)
        response.status_code = 400
        return response
    try:
        call(report, form.cleaned_data)
    except DomainError as exc:
        _forbid(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(_next(request, _back(report)))


@login_required
@require_POST
def report_register(request, pk: int):
    return _action(request, pk, RegisterForm, lambda r, d: services.opinion_report_register(
        report=r, by=request.user, category=d["category"], title=d["title"], note=d["note"]), "已分类登记。",
        rule=lambda r: rules.require_manager(request.user, r, "分类登记"))


@login_required
@require_POST
def report_reject(request, pk: int):
    return _action(request, pk, NoteForm, lambda r, d: services.opinion_report_reject(
        report=r, by=request.user, note=d["note"]), "已作不予登记处理。",
        rule=lambda r: rules.require_manager(request.user, r, "作不予登记处理"))


@login_required
@require_POST
def report_forward(request, pk: int):
    from members.models import HandlingUnit

    from members.models import Committee

    report = selectors.report_get(user=request.user, pk=pk)
    units = HandlingUnit.objects.visible_to(request.user)
    has_parent = Committee.objects.filter(children=report.committee_id).exists()
    return _action(request, pk, ForwardForm, lambda r, d: services.opinion_report_forward(
        report=r, by=request.user, unit=d.get("unit"), upward=d["target"] == "upper", note=d["note"]),
        "已转办。", rule=lambda r: rules.require_manager(request.user, r, "转办"), units=units, has_parent=has_parent)


@login_required
@require_POST
def report_return(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    rules.require_unit_or_manager(request.user, report, "退回")  # 403 before the input is read
    target = reverse("opinions:unit-inbox") if user_scope(request.user).unit_id else _back(report)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_back(report) if not user_scope(request.user).unit_id else reverse("opinions:unit-detail", args=[pk]))
    try:
        services.opinion_report_return(report=report, by=request.user, note=form.cleaned_data["note"])
    except DomainError as exc:
        _forbid(exc)
        messages.error(request, exc.message)
        return redirect(_next(request, _back(report)))
    messages.success(request, "已退回政协机关。")
    return redirect(target)


@login_required
@require_POST
def report_feedback(request, pk: int):
    return _action(request, pk, FeedbackForm, lambda r, d: services.opinion_report_feedback(
        report=r, by=request.user, content=d["content"], outcome=d["outcome"], contact_name=d["contact_name"],
        attachment=d.get("attachment")), "已提交办理反馈。",
        rule=lambda r: rules.require_unit_or_manager(request.user, r, "答复"))


@login_required
@require_POST
def report_close(request, pk: int):
    return _action(request, pk, CloseForm, lambda r, d: services.opinion_report_close(
        report=r, by=request.user, outcome=d["outcome"], note=d["note"]), "已办结。",
        rule=lambda r: rules.require_manager(request.user, r, "办结"))


def _leaders(report):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=Role.LEADER, is_active=True,
                                           portal_profile__committee_id=report.committee_id).order_by("pk")


@login_required
@require_POST
def report_instruct(request, pk: int):
    if "leader" in request.POST:
        report = selectors.report_get(user=request.user, pk=pk)
        return _action(request, pk, RecordInstructionForm, lambda r, d: services.opinion_report_instruct(
            report=r, by=request.user, text=d["text"], leader_title=d["leader_title"], leader=d["leader"],
            instructed_on=d["instructed_on"]), "已登记领导批示。",
            rule=lambda r: rules.require_manager(request.user, r, "代为登记领导批示"), leaders=_leaders(report))
    return _action(request, pk, InstructionForm, lambda r, d: services.opinion_report_instruct(
        report=r, by=request.user, text=d["text"], leader_title=d["leader_title"]), "批示已记录。",
        rule=lambda r: rules.require_instruct(request.user, r, None))


@login_required
@require_POST
def instruction_acted(request, pk: int):
    ins = get_visible_or_404(LeaderInstruction.objects.select_related("report"), request.user, pk=pk)
    rules.require_manager(request.user, ins.report, "登记批示落实情况")  # 403 before the input is read
    form = ActedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.leader_instruction_act(instruction=ins, by=request.user, note=form.cleaned_data["acted_note"])
        except DomainError as exc:
            _forbid(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, "已登记批示落实情况。")
    return redirect(_next(request, _back(ins.report)))


@login_required
def feedback_attachment(request, pk: int):
    """Attachments are served only to those who may see the report (not from a public media URL)."""
    from django.http import FileResponse

    from .models import UnitFeedback

    fb = get_visible_or_404(UnitFeedback.objects.all(), request.user, pk=pk)
    if not fb.attachment:
        raise Http404
    return FileResponse(fb.attachment.open("rb"), as_attachment=True, filename=fb.attachment.name.rsplit("/", 1)[-1])


# --- Office and leaders -------------------------------------------------------------------------------

@login_required
def report_office_list(request):
    _require_office(request)
    filters = {k: request.GET.get(k, "") for k in ("status", "category", "q")}
    qs = selectors.report_list(user=request.user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    counts = OpinionReport.objects.visible_to(request.user).outcome_counts()
    return render(request, "opinions/office_list.html", {
        "page": page, "filters": filters, "statuses": S.choices, "categories": Category.choices, "counts": counts,
    })


@login_required
def report_overdue_list(request):
    _require_office(request)
    reports = selectors.overdue_reports(user=request.user)[:200]
    instructions = selectors.open_instructions(user=request.user)[:200]
    counts = OpinionReport.objects.visible_to(request.user).outcome_counts()
    return render(request, "opinions/overdue.html", {"reports": reports, "instructions": instructions,
                                                     "counts": counts})


@login_required
def bulletin_list(request):
    _require_office(request)
    page = Paginator(selectors.bulletin_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "opinions/bulletin_list.html", {"page": page})


@login_required
def bulletin_create(request):
    _require_manager(request)
    s = user_scope(request.user)
    candidates = selectors.report_list(user=request.user).filter(status=S.REGISTERED).order_by("registered_at")
    form = BulletinForm(request.POST or None, reports=candidates)
    if request.method == "POST" and form.is_valid():
        from members.models import Committee

        d = form.cleaned_data
        committee = Committee.objects.get(pk=s.committee_id) if s.committee_id else d["reports"][0].committee
        try:
            bulletin = services.bulletin_compose(committee=committee, title=d["title"], reports=d["reports"],
                                                 by=request.user, sent_to=d["sent_to"], editor_note=d["editor_note"])
        except DomainError as exc:
            _forbid(exc)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已编发{bulletin}。")
            return redirect("opinions:bulletin-detail", pk=bulletin.pk)
    return render(request, "opinions/bulletin_form.html", {"form": form})


@login_required
def bulletin_detail(request, pk: int):
    bulletin = get_visible_or_404(Bulletin.objects.select_related("committee"), request.user, pk=pk)
    reports = selectors.report_list(user=request.user).filter(bulletin=bulletin).order_by("registration_seq")
    return render(request, "opinions/bulletin_detail.html", {"bulletin": bulletin, "reports": reports})


# --- Handling units -----------------------------------------------------------------------------------

@login_required
def unit_inbox(request):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    from members.models import HandlingUnit

    unit = HandlingUnit.objects.filter(pk=s.unit_id).first()
    pending = selectors.unit_inbox(user=request.user)
    page = Paginator(pending, 30).get_page(request.GET.get("page"))
    answered = selectors.unit_answered(user=request.user)[:20]
    return render(request, "opinions/unit_inbox.html", {"unit": unit, "page": page, "answered": answered})


@login_required
def unit_detail(request, pk: int):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    return report_detail(request, pk)


# --- Working-day calendar -----------------------------------------------------------------------------

@login_required
def calendar_page(request):
    _require_office(request)
    import datetime as dt

    from django.utils import timezone

    from core.calendar_import import OFFICIAL, CalendarImportError, calendar_import_file, calendar_load_official
    from core.models import CalendarDay

    can_manage = user_scope(request.user).can_manage
    # year=0 or 99999 used to reach date__year (a 500); core.params answers 400 naming the field.
    year = year_param(request.GET, default=timezone.localdate().year)
    form = CalendarImportForm(initial={"year": year})
    errors: list[str] = []
    if request.method == "POST":
        _require_manager(request)
        if request.POST.get("official"):
            try:
                result = calendar_load_official(int(request.POST["official"]))
            except (CalendarImportError, ValueError) as exc:
                errors = getattr(exc, "errors", [str(exc)])
            else:
                messages.success(request, f"已载入{request.POST['official']}年国务院节假日安排（{len(result.rows)}天）。")
                return redirect(f"{reverse('opinions:calendar')}?year={request.POST['official']}")
        else:
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    result = calendar_import_file(name=d["file"].name, data=d["file"].read(), year=d["year"],
                                                  replace=d["replace"])
                except CalendarImportError as exc:
                    errors = exc.errors
                else:
                    messages.success(request, f"已导入{d['year']}年工作日历：新增{result.created}，修改{result.updated}，"
                                              f"删除{result.deleted}。")
                    return redirect(f"{reverse('opinions:calendar')}?year={d['year']}")
    days = CalendarDay.objects.filter(date__year=year).order_by("date")
    return render(request, "opinions/calendar.html", {
        "form": form, "errors": errors, "days": days, "year": year, "can_manage": can_manage,
        "official_years": sorted(OFFICIAL), "weekday": "一二三四五六日",
        "years": [year - 1, year, year + 1], "today": dt.date.today(),
    })
