"""Pages: the leaders' dashboard, the fair table of handling units, the drill-down list behind each
figure, and the roll-up reports (request, progress, download). Office users only (staff, leaders)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import DomainError, Forbidden
from core.params import ID_MAX, FormInvalid
from core.scoping import user_scope

from . import metrics as M
from .forms import DashboardFilterForm, RollupRequestForm
from .models import RollupReport
from .periods import parse_period
from .selectors import Filters, dashboard_committee_ids, dashboard_data, drill_queryset, drill_total, unit_table
from .services import rollup_request, stats_refresh_request

# The page an item of a drill-down list links to: (URL name, attribute holding its pk).
ITEM_PAGES = {
    "workstations.Workstation": ("workstations:detail", "pk"),
    "workstations.ReceptionDay": ("workstations:day-detail", "pk"),
    "workstations.Visit": ("workstations:visit-detail", "pk"),
    "workstations.WorkstationMonthFlag": ("workstations:detail", "workstation_id"),
    "consultations.Consultation": ("consultations:detail", "pk"),
    "consultations.Outcome": ("consultations:detail", "consultation_id"),
    "consultations.FollowUpVisit": ("consultations:detail", "consultation_id"),
    "proposals.Proposal": ("proposals:detail", "pk"),
    "proposals.Answer": ("proposals:detail", "proposal_id"),
    "proposals.Evaluation": ("proposals:detail", "proposal_id"),
    "proposals.UnitAssignment": ("proposals:detail", "proposal_id"),
    "opinions.OpinionReport": ("opinions:detail", "pk"),
    "opinions.Forwarding": ("opinions:detail", "report_id"),
    "opinions.UnitFeedback": ("opinions:detail", "report_id"),
    "opinions.CarryBack": ("opinions:detail", "report_id"),
    "opinions.LeaderInstruction": ("opinions:detail", "report_id"),
    "members.Member": ("members:detail", "pk"),
    "members.PointEntry": ("members:detail", "member_id"),
}


def _office_committees(request) -> list[int]:
    if not request.user.is_authenticated:
        raise PermissionDenied
    ids = dashboard_committee_ids(request.user)
    if not ids:
        raise PermissionDenied("仅政协机关工作人员和领导可以查看。")
    return ids


def _filters(request, ids):
    form = DashboardFilterForm(request.GET or None, committee_ids=ids)
    if form.is_bound:
        form.is_valid()
    return form, form.to_filters()


def _status(form) -> int:
    """Pages show the filter form's field errors (a period like 0000 or 2026-13, a township outside
    the user's scope) and answer 400; the figures fall back to "all"."""
    return 400 if form.is_bound and form.errors else 200


@login_required
def dashboard(request):
    ids = _office_committees(request)
    form, filters = _filters(request, ids)
    data = dashboard_data(filters)
    if data["refreshed_at"] is None:
        stats_refresh_request(committee_ids=ids)  # first visit on a fresh install: build the summary rows
    return render(request, "dashboards/home.html", {
        "form": form, "filters": filters, "data": data, "charts": data["charts"],
        "units_link": f"{reverse('dashboards:units')}?{request.GET.urlencode()}",
        "can_manage": user_scope(request.user).can_manage,
    }, status=_status(form))


@login_required
def units(request):
    ids = _office_committees(request)
    form, filters = _filters(request, ids)
    table = unit_table(committee_ids=filters.committee_ids, period=filters.period)
    return render(request, "dashboards/units.html", {"form": form, "filters": filters, "table": table},
                  status=_status(form))


def _int(value) -> int | None:
    try:
        n = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return n if n is None or abs(n) <= ID_MAX else None  # 30 digits never reach the database


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _item_link(obj, label: str, is_staff: bool) -> str:
    page = ITEM_PAGES.get(label)
    if page:
        pk = getattr(obj, page[1], None)
        try:
            return reverse(page[0], args=[pk])
        except NoReverseMatch:
            pass
    if is_staff:
        try:
            return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return ""
    return ""


@login_required
def drill(request, metric: str):
    """The list behind one figure: the source rows the figure counts, scoped to the user."""
    ids = _office_committees(request)
    m = M.get(metric)
    if m is None:
        raise Http404
    form, filters = _filters(request, ids)
    if form.is_bound and "period" in form.errors:
        raise FormInvalid(form.errors["period"][0])
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if not (start and end and filters.period.start <= start <= end <= filters.period.end):
        start, end = filters.period.start, filters.period.end
    dims = {**filters.dims(), "unit": _int(request.GET.get("unit")), "ref": _int(request.GET.get("ref"))}
    key = request.GET.get("key") or None
    qs = drill_queryset(user=request.user, metric=m, committee_ids=filters.committee_ids, start=start, end=end,
                        dims=dims, key=key, bucket=_int(request.GET.get("bucket")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    is_staff = request.user.is_staff
    rows = []
    for obj in page.object_list:
        day = None
        if m.kind == M.FLOW and m.day:
            day = obj
            for part in m.day.split("__"):
                day = getattr(day, part, None)
        rows.append({"obj": obj, "text": str(obj), "day": day, "link": _item_link(obj, m.model, is_staff),
                     "value": getattr(obj, m.value().source_expressions[0].name, None) if m.value else None})
    key_label = (m.key_labels or {}).get(key, key) if key else ""
    return render(request, "dashboards/drill.html", {
        "metric": m, "page": page, "rows": rows, "filters": filters, "start": start, "end": end,
        "key_label": key_label, "total": page.paginator.count if m.value is None else drill_total(m, qs),
        "is_flow": m.kind == M.FLOW, "back": f"{reverse('dashboards:home')}?period={filters.period.code}",
    })


@login_required
def rollups(request):
    ids = _office_committees(request)
    reports = (RollupReport.objects.filter(committee_id__in=ids).select_related("committee")
               .order_by("-period_start", "kind", "committee_id"))
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    form = RollupRequestForm(committee_ids=ids, initial={"kind": "month", "period": parse_period(
        None, "month").previous().code})
    return render(request, "dashboards/rollups.html", {"page": page, "form": form,
                                                       "can_manage": user_scope(request.user).can_manage})


@login_required
@require_POST
def rollup_create(request):
    ids = _office_committees(request)
    if not user_scope(request.user).can_manage:  # as the API: leaders read roll-ups, staff order them
        raise PermissionDenied("只有机关工作人员可以生成报表。")
    form = RollupRequestForm(request.POST, committee_ids=ids)
    if not form.is_valid():
        reports = RollupReport.objects.filter(committee_id__in=ids).select_related("committee").order_by(
            "-period_start", "kind", "committee_id")
        page = Paginator(reports, 30).get_page(1)
        return render(request, "dashboards/rollups.html", {"page": page, "form": form,
                                                           "can_manage": user_scope(request.user).can_manage},
                      status=400)
    try:
        report = rollup_request(committee=form.cleaned_data["committee"], period=form.cleaned_data["period_obj"],
                                by=request.user)
    except Forbidden:
        raise  # a role refusal is a 403 page (core.middleware), not a message
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dashboards:rollups")
    messages.success(request, f"已开始生成“{report}”。")
    return redirect(f"{reverse('dashboards:rollups')}?watch={report.pk}")


def _report_or_404(request, pk: int) -> RollupReport:
    ids = _office_committees(request)
    report = RollupReport.objects.filter(pk=pk, committee_id__in=ids).select_related("committee").first()
    if report is None:
        raise Http404
    return report


@login_required
def rollup_status(request, pk: int):
    r = _report_or_404(request, pk)
    return JsonResponse({
        "id": r.pk, "status": r.status, "status_label": r.get_status_display(), "progress": r.progress,
        "error": r.error.splitlines()[0] if r.error else "",
        "download": reverse("dashboards:rollup-download", args=[r.pk]) if r.status == RollupReport.Status.DONE else "",
    })


@login_required
def rollup_download(request, pk: int):
    r = _report_or_404(request, pk)
    if r.status != RollupReport.Status.DONE or not r.file:
        raise Http404
    return FileResponse(r.file.open("rb"), as_attachment=True, filename=r.filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
@require_POST
def refresh(request):
    ids = _office_committees(request)
    if not user_scope(request.user).can_manage:
        raise PermissionDenied
    stats_refresh_request(committee_ids=ids)
    messages.success(request, "已安排刷新统计数据。")
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("dashboards:home")
    return redirect(nxt)
