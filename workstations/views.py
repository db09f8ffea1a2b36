"""Pages for members (phone first), convenors, staff and the public. Views are thin: they scope,
validate with a form, call a service and render; DomainError becomes a message, never a 500."""

from __future__ import annotations

import calendar
import datetime as dt
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.clientid import client_hash
from core.errors import DomainError, Forbidden
from core.params import month_param, parse_id, parse_ids
from core.ratelimit import FailureLimiter, RateLimited
from core.scoping import user_scope
from core.timeline import timeline_for
from members.models import HandlingUnit

from . import rules, selectors, services
from .forms import (
    PlanDayForm, PublicIssueForm, ReceptionLogForm, ReceptionRuleForm, StandardItemForm, VisitHandleForm,
    VisitorFormSet, planned_open_days,
)
from .models import ReceptionDay, Visit, Workstation, WorkstationMembership
from .progress import progress_steps
from .workflow import visit_workflow


def _ws(request, pk: int, require=None) -> Workstation:
    """The workstation if the user sees it (else 404, SPEC section 5); ``require`` is a rules
    function that refuses a role with Forbidden (403), so the page asks the same rule the service
    enforces."""
    qs = Workstation.objects.select_related("committee", "township", "sector", "lead_member")
    ws = get_object_or_404(qs.visible_to(request.user), pk=pk)
    if require is not None:
        require(request.user, ws)
    return ws


def _form_error(form, exc: DomainError | ValidationError) -> None:
    if isinstance(exc, Forbidden):
        raise exc  # a role refusal is a 403 page, not a form error
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        for field, errs in getattr(exc, "message_dict", {None: exc.messages}).items():
            form.add_error(field if field in form.fields else None, errs)


# --- Member pages -------------------------------------------------------------------------------

@login_required
def my_workstations(request):
    """The member's home: my workstations, my coming duty days, and what convenors need next."""
    scope = user_scope(request.user)
    if not scope.member_id:
        if scope.is_office:
            return redirect("workstations:list")
        raise PermissionDenied("没有委员身份")
    memberships = list(selectors.my_memberships(member_id=scope.member_id))
    ws_ids = [m.workstation_id for m in memberships]
    next_days = selectors.next_reception_days(ws_ids)
    for m in memberships:
        m.next_day = next_days.get(m.workstation_id)
        m.manages = m.role in ("lead", "convenor")
    duty_days = list(selectors.my_duty_days(member_id=scope.member_id))
    return render(request, "workstations/my.html", {
        "memberships": memberships, "duty_days": duty_days, "today": timezone.localdate(),
    })


@login_required
def my_history(request):
    scope = user_scope(request.user)
    if not scope.member_id:
        raise PermissionDenied("没有委员身份")
    qs = selectors.reception_day_list(user=request.user, member_id=scope.member_id,
                                      status=ReceptionDay.Status.HELD)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "workstations/my_history.html", {"page": page})


@login_required
def workstation_list(request):
    qs = selectors.workstation_list(user=request.user, filters={"kind": request.GET.get("kind", "")})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    next_days = selectors.next_reception_days([w.pk for w in page])
    for w in page:
        w.next_day = next_days.get(w.pk)
    return render(request, "workstations/list.html", {"page": page, "kinds": Workstation.Kind.choices,
                                                      "kind": request.GET.get("kind", "")})


@login_required
def workstation_detail(request, pk: int):
    ws = _ws(request, pk)
    memberships = list(selectors.public_members(ws))
    today = timezone.localdate()
    upcoming = list(selectors.upcoming_days_for_workstations([ws.pk], limit=6))
    recent = list(selectors.reception_day_list(user=request.user, workstation=ws, status=ReceptionDay.Status.HELD)[:6])
    standards = list(selectors.standards_for(ws))
    return render(request, "workstations/detail.html", {
        "ws": ws, "memberships": memberships, "upcoming": upcoming, "recent": recent, "standards": standards,
        "standards_done": sum(1 for s in standards if s.done), "can_manage": rules.can_manage(request.user, ws),
        "can_log": rules.can_log_reception(request.user, ws), "today": today,
        "public_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("workstations:public", args=[ws.public_code]),
    })


@login_required
@require_http_methods(["GET", "POST"])
def reception_log(request, pk: int):
    """Log a held reception day in a few taps: the day, who was there, each visitor."""
    ws = _ws(request, pk, rules.require_log_reception)
    memberships = list(WorkstationMembership.objects.filter(workstation=ws, ended_on__isnull=True)
                       .select_related("member").order_by("role", "pk"))
    open_days = planned_open_days(ws)
    units = HandlingUnit.objects.filter(committee_id=ws.committee_id, is_active=True).order_by("pk")
    scope = user_scope(request.user)
    if request.method == "POST":
        form = ReceptionLogForm(request.POST, workstation=ws, memberships=memberships, open_days=open_days)
        formset = VisitorFormSet(request.POST, prefix="v", units=units)
        if form.is_valid() and formset.is_valid():
            visitors = [
                services.VisitorInput(issue=f.cleaned_data["issue"], category=f.cleaned_data["category"],
                                      outcome=f.cleaned_data["outcome"], name=f.cleaned_data["name"],
                                      phone=f.cleaned_data["phone"], handling_unit=f.cleaned_data["handling_unit"])
                for f in formset.forms if f.has_changed() and f.cleaned_data.get("issue")
            ]
            try:
                day = services.reception_day_log_held(
                    workstation=ws, by=request.user, day=form.cleaned_data["day"],
                    member_ids=[int(i) for i in form.cleaned_data["members"]], notes=form.cleaned_data["notes"],
                    visitors=visitors, log_key=form.cleaned_data["log_key"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已登记{day.date:%m月%d日}的接待日，接待群众{len(visitors)}人次。")
                return redirect("workstations:day-detail", pk=day.pk)
    else:
        initial_day = request.GET.get("day", "")
        chosen = next((d for d in open_days if str(d.pk) == initial_day), None)
        initial_members = []
        if chosen is not None:
            initial_members = [str(i) for i in chosen.duty_members.values_list("pk", flat=True)]
        if not initial_members and scope.member_id:
            initial_members = [str(scope.member_id)]
        form = ReceptionLogForm(initial={"day": initial_day if chosen else "", "members": initial_members},
                                workstation=ws, memberships=memberships, open_days=open_days)
        formset = VisitorFormSet(prefix="v", units=units)
    return render(request, "workstations/log.html", {"ws": ws, "form": form, "formset": formset})


@login_required
def reception_day_detail(request, pk: int):
    day = get_object_or_404(ReceptionDay.objects.visible_to(request.user)
                            .select_related("workstation", "held_logged_by").prefetch_related("duty_members"), pk=pk)
    visits = list(day.visits.select_related("handling_unit").order_by("pk"))
    return render(request, "workstations/day_detail.html", {
        "day": day, "visits": visits, "timeline": timeline_for(day), "labels": dict(ReceptionDay.Status.choices),
        "can_manage": rules.can_manage(request.user, day.workstation),
        "can_log": day.status == ReceptionDay.Status.PLANNED and day.date <= timezone.localdate()
        and rules.can_log_reception(request.user, day.workstation),
    })


# --- Convenor pages -----------------------------------------------------------------------------

def _month_param(request) -> dt.date:
    """``?month=YYYY-MM`` (this month when absent); 0000-01 or 2026-13 answers 400 (core.params)."""
    return month_param(request.GET, default=timezone.localdate().replace(day=1))


@login_required
@require_http_methods(["GET", "POST"])
def reception_calendar(request, pk: int):
    ws = _ws(request, pk, rules.require_plan_calendar)
    month = _month_param(request)
    rule_form = ReceptionRuleForm(initial={"days_of_month": ws.reception_days_of_month, "months": 3})
    plan_form = PlanDayForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rule":
                rule_form = ReceptionRuleForm(request.POST)
                if rule_form.is_valid():
                    n = services.reception_rule_generate(workstation=ws, months=rule_form.cleaned_data["months"],
                                                         days_of_month=rule_form.cleaned_data["days_of_month"],
                                                         by=request.user)
                    messages.success(request, f"已按“{ws.reception_rule_label}”生成{n}个计划接待日。" if n
                                     else "计划接待日已齐全，没有新增。")
                    return redirect(request.get_full_path())
            elif action == "plan":
                plan_form = PlanDayForm(request.POST)
                if plan_form.is_valid():
                    services.reception_day_plan(workstation=ws, date=plan_form.cleaned_data["date"], by=request.user)
                    messages.success(request, "已增加计划接待日。")
                    return redirect(request.get_full_path())
            elif action == "cancel":
                day_id = request.POST.get("day", "")
                day = get_object_or_404(ReceptionDay, pk=parse_id(day_id) or 0, workstation=ws)
                services.reception_day_cancel(day=day, by=request.user, note=request.POST.get("note", ""))
                messages.success(request, f"已取消{day.date:%m月%d日}的接待日。")
                return redirect(request.get_full_path())
        except Forbidden:
            raise
        except DomainError as exc:
            if exc.field in rule_form.fields:
                rule_form.add_error(exc.field, exc.message)
            elif exc.field in plan_form.fields:
                plan_form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    days = list(ReceptionDay.objects.filter(workstation=ws, date__gte=month, date__lte=last)
                .prefetch_related("duty_members").order_by("date", "pk"))
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return render(request, "workstations/calendar.html", {
        "ws": ws, "month": month, "days": days, "rule_form": rule_form, "plan_form": plan_form,
        "prev_month": prev_month, "next_month": next_month, "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def duty_roster(request, pk: int):
    ws = _ws(request, pk, rules.require_roster)
    memberships = list(WorkstationMembership.objects.filter(workstation=ws, ended_on__isnull=True)
                       .select_related("member").order_by("role", "pk"))
    days = list(ReceptionDay.objects.filter(workstation=ws, status=ReceptionDay.Status.PLANNED,
                                            date__gte=timezone.localdate())
                .prefetch_related("duty_members").order_by("date")[:12])
    if request.method == "POST":
        changed = 0
        try:
            for day in days:
                key = f"duty-{day.pk}"
                if f"{key}-present" not in request.POST:
                    continue
                wanted = set(parse_ids(request.POST.getlist(key)))
                if wanted != {m.pk for m in day.duty_members.all()}:
                    services.reception_day_set_duty(day=day, member_ids=wanted, by=request.user)
                    changed += 1
        except Forbidden:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"值班安排已保存（{changed}个接待日有变动）。")
            return redirect("workstations:roster", pk=ws.pk)
    for day in days:
        day.duty_ids = {m.pk for m in day.duty_members.all()}
    return render(request, "workstations/roster.html", {"ws": ws, "memberships": memberships, "days": days})


@login_required
@require_http_methods(["GET", "POST"])
def standards_checklist(request, pk: int):
    ws = _ws(request, pk, rules.require_checklist)
    if request.method == "POST":  # GET never writes; a workstation made outside the services gets its items here
        services.standards_ensure(workstation=ws)
    items = list(selectors.standards_for(ws))
    forms_by_item = {}
    for item in items:
        prefix = f"s{item.pk}"
        if request.method == "POST" and request.POST.get("item") == str(item.pk):
            form = StandardItemForm(request.POST, request.FILES, prefix=prefix)
            if form.is_valid():
                try:
                    services.standard_item_update(item=item, done=form.cleaned_data["done"],
                                                  note=form.cleaned_data["note"], photo=form.cleaned_data["photo"],
                                                  clear_photo=form.cleaned_data["clear_photo"], by=request.user)
                except DomainError as exc:
                    _form_error(form, exc)
                else:
                    messages.success(request, f"“{item.get_code_display()}”已保存。")
                    return redirect("workstations:standards", pk=ws.pk)
        else:
            form = StandardItemForm(prefix=prefix, initial={"done": item.done, "note": item.note})
        forms_by_item[item.pk] = form
    for item in items:
        item.form = forms_by_item[item.pk]
    return render(request, "workstations/standards.html", {
        "ws": ws, "items": items, "done": sum(1 for i in items if i.done),
    })


@login_required
def visit_list(request, pk: int):
    ws = _ws(request, pk, rules.require_visits)
    qs = selectors.visit_list(user=request.user, workstation=ws)
    outcome = request.GET.get("outcome", "")
    if outcome in Visit.Outcome.values:
        qs = qs.filter(outcome=outcome)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "workstations/visits.html", {"ws": ws, "page": page, "outcome": outcome,
                                                        "outcomes": Visit.Outcome.choices})


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request, pk: int):
    visit = get_object_or_404(Visit.objects.visible_to(request.user)
                              .select_related("workstation", "handling_unit", "reception_day"), pk=pk)
    can_manage = rules.can_manage(request.user, visit.workstation)
    allowed = visit_workflow.allowed(visit) if can_manage else []
    units = HandlingUnit.objects.filter(committee_id=visit.workstation.committee_id, is_active=True).order_by("pk")
    form = VisitHandleForm(allowed=allowed, units=units) if allowed else None
    if request.method == "POST":
        # Who may handle it is the rules' call (403), which moves are allowed the workflow's (a form error).
        rules.require_handle_visit(request.user, visit)
        form = VisitHandleForm(request.POST, allowed=Visit.Outcome.values, units=units)
        if form.is_valid():
            try:
                services.visit_handle(visit=visit, outcome=form.cleaned_data["outcome"],
                                      handling_unit=form.cleaned_data["handling_unit"],
                                      note=form.cleaned_data["note"], by=request.user)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "办理情况已记录。")
                return redirect("workstations:visit-detail", pk=visit.pk)
    return render(request, "workstations/visit_detail.html", {
        "visit": visit, "form": form, "timeline": timeline_for(visit), "labels": dict(Visit.Outcome.choices),
    })


@login_required
def poster(request, pk: int):
    ws = _ws(request, pk, rules.require_poster)
    members = list(selectors.public_members(ws))
    next_day = selectors.next_reception_days([ws.pk]).get(ws.pk)
    return render(request, "workstations/poster.html", {
        "ws": ws, "members": members, "next_day": next_day,
        "public_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("workstations:public", args=[ws.public_code]),
    })


# --- Public pages (no login) --------------------------------------------------------------------

def _public_ws(code: str) -> Workstation:
    return get_object_or_404(Workstation.objects.select_related("township", "sector"),
                             public_code=code.lower(), is_active=True)


@never_cache
@require_http_methods(["GET", "POST"])
def public_workstation(request, code: str):
    """The page a QR code opens: who is there, the next reception day, a form to leave an issue.
    GET changes nothing; only the POST creates a visit."""
    ws = _public_ws(code)
    status = 200
    if request.method == "POST":
        form = PublicIssueForm(request.POST)
        if form.is_bot:
            form.add_error(None, "提交未被接受。")
            status = 400
        elif form.is_valid():
            try:
                visit, _ = services.visit_submit_public(
                    workstation=ws, issue=form.cleaned_data["issue"], category=form.cleaned_data["category"],
                    name=form.cleaned_data["name"], phone=form.cleaned_data["phone"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    client_hash=client_hash(request, services.INTAKE_RATE_SCOPE),
                )
            except services.RateLimited as exc:
                response = render(request, "workstations/public_refused.html", {"ws": ws, "message": exc.message},
                                  status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            except DomainError as exc:
                _form_error(form, exc)
                status = 400
            else:
                return redirect(reverse("workstations:track", args=[visit.tracking_code]) + "?new=1")
        else:
            status = 400
    else:
        form = PublicIssueForm()
    members = list(selectors.public_members(ws))
    next_day = selectors.next_reception_days([ws.pk]).get(ws.pk)
    return render(request, "workstations/public.html", {"ws": ws, "form": form, "members": members,
                                                        "next_day": next_day}, status=status)


@never_cache
@require_GET
def track(request, code: str):
    code = code.strip().upper()
    try:
        tracking_limiter.check(request)
    except RateLimited as exc:
        return _lookup_refused(request, code, exc)
    visit = Visit.objects.select_related("workstation", "handling_unit").filter(tracking_code=code).first()
    if visit is None:
        tracking_limiter.failed(request)
        raise Http404("没有找到这个查询码。")
    return render(request, "workstations/track.html", {
        "visit": visit, "steps": progress_steps(visit), "is_new": request.GET.get("new") == "1",
    })


@require_GET
def track_lookup(request):
    code = (request.GET.get("code") or "").strip().upper().replace(" ", "")
    error = ""
    if code:
        try:
            tracking_limiter.check(request)
        except RateLimited as exc:
            return _lookup_refused(request, code, exc)
        if Visit.objects.filter(tracking_code=code).exists():
            return redirect("workstations:track", code=code)
        tracking_limiter.failed(request)
        error = "没有找到这个查询码，请核对后重新输入。"
    return render(request, "workstations/track_lookup.html", {"code": code, "error": error},
                  status=404 if error else 200)


# Guessing tracking codes is throttled per client (core.clientid); looking up one's own code is not.
tracking_limiter = FailureLimiter("track", "TRACKING_LOOKUP_RATE", what="次未找到的查询", refusal="查询过于频繁")


def _lookup_refused(request, code: str, exc: RateLimited):
    response = render(request, "workstations/track_lookup.html", {"code": code, "error": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _qr(ws: Workstation):
    import qrcode

    url = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("workstations:public", args=[ws.public_code])
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    return qr


@require_GET
def qr_png(request, code: str):
    ws = _public_ws(code)
    buf = io.BytesIO()
    _qr(ws).make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    response = HttpResponse(buf.getvalue(), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="workstation-{ws.public_code}.png"'
    return response


@require_GET
def qr_svg(request, code: str):
    from qrcode.image.svg import SvgPathImage

    ws = _public_ws(code)
    buf = io.BytesIO()
    _qr(ws).make_image(image_factory=SvgPathImage).save(buf)
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="workstation-{ws.public_code}.svg"'
    return response
