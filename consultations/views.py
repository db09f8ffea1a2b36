"""Pages: the organiser runs a consultation step by step; members see theirs (phone first); units
report on their outcome items; the public comments on online consultations; staff moderate and
keep the duty menu. Views are thin: forms validate, services decide, DomainError becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.clientid import client_hash
from core.errors import DomainError, Forbidden
from core.params import parse_id
from core.ratelimit import RateLimited
from core.scoping import get_visible_or_404, user_scope
from core.timeline import timeline_for

from . import rules, selectors, services
from .forms import (
    CommentForm, ConsultationCreateForm, ConvertForm, FindingsForm, FollowUpRecordForm, HoldSessionForm,
    MenuCreateForm, MenuTopicForm, MinutesForm, NoteForm, OutcomeForm, OutcomeReportForm, ParticipantForm,
    ResearchTaskForm, ScheduleFollowUpForm,
)
from .models import Consultation, DutyMenu, MenuClaim, Outcome, Topic, TopicComment
from .querysets import convenor_workstation_ids
from .workflow import ACTION_LABELS, ACTION_TARGETS, STEP_ACTIONS

S = Consultation.Step
MAIN_STEPS = [S.TOPIC_SELECTED, S.RESEARCHING, S.HELD, S.OUTCOMES, S.CONVERTING, S.FOLLOW_UP]
TIMELINE_LABELS = {**dict(Consultation.Step.choices), **dict(Outcome.Status.choices)}


def apply_errors(form, exc) -> None:
    """Put a service's refusal on the form: on its field when the form has it, else on the form."""
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    elif isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, f"{msg}")
    else:
        form.add_error(None, "; ".join(getattr(exc, "messages", [str(exc)])))


def _committee_id(user) -> int | None:
    return user_scope(user).committee_id


# --- Organiser: list and create -------------------------------------------------------------------

@login_required
def consultation_list(request):
    s = user_scope(request.user)
    if not (s.is_office or convenor_workstation_ids(request.user)):
        return redirect("consultations:mine")
    filters = {k: request.GET.get(k, "") for k in ("step", "format", "q")}
    page = Paginator(selectors.consultation_list(user=request.user, filters=filters), 30).get_page(
        request.GET.get("page"))
    return render(request, "consultations/list.html", {
        "page": page, "filters": filters, "steps": Consultation.Step.choices, "formats": Consultation.Format.choices,
        "can_create": rules.can_create_consultation(request.user),
    })


@login_required
def consultation_create(request):
    rules.require_create_any(request.user)
    s = user_scope(request.user)
    committee_id = s.committee_id
    ws_ids = None if (s.can_manage or s.is_superuser) else convenor_workstation_ids(request.user)
    form = ConsultationCreateForm(request.POST or None, committee_id=committee_id, workstation_ids=ws_ids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        from members.models import Committee

        try:
            c = services.consultation_create_with_topic(
                committee=Committee.objects.get(pk=committee_id), by=request.user,
                topic_fields=dict(title=d["topic_title"], description=d["topic_description"], source=d["source"],
                                  proposer_member=d["proposer_member"], proposer_unit=d["proposer_unit"],
                                  proposer_text=d["proposer_text"], solicitation_opens_on=d["solicitation_opens_on"],
                                  solicitation_closes_on=d["solicitation_closes_on"]),
                title=d["title"], format=d["format"], level=d["level"], chair=d["chair"],
                lead_member=d["lead_member"], organiser=d["organiser"],
                organiser_workstation=d["organiser_workstation"], venue_workstation=d["venue_workstation"],
                venue_township=d["venue_township"], venue_community=d["venue_community"],
                venue_text=d["venue_text"], scheduled_on=d["scheduled_on"], research_due_on=d["research_due_on"])
        except Forbidden:
            raise
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已遴选议题并创建协商活动“{c.title}”。")
            return redirect("consultations:detail", pk=c.pk)
    return render(request, "consultations/create.html", {"form": form})


# --- One consultation, step by step ---------------------------------------------------------------

def _build_form(action: str, c: Consultation, data=None):
    cls = ACTION_FORMS[action][0]
    if cls in (FindingsForm, ConvertForm):
        return cls(data, consultation=c, prefix=action)
    form = cls(data, prefix=action)
    if hasattr(form, "limit"):
        form.limit(c.committee_id)
    return form


def _run(action: str, c: Consultation, d: dict, user):
    return ACTION_FORMS[action][1](c, d, user)


ACTION_FORMS = {
    "participants": (ParticipantForm, lambda c, d, u: services.participant_add(
        consultation=c, kind=d["kind"], member=d["member"], unit=d["unit"], name=d["name"],
        organisation=d["organisation"], by=u)),
    "research_task": (ResearchTaskForm, lambda c, d, u: services.research_task_add(
        consultation=c, title=d["title"], lead=d["lead"], by=u)),
    "record_findings": (FindingsForm, lambda c, d, u: services.research_findings_record(
        task=d["task"], findings=d["findings"], by=u)),
    "start_research": (NoteForm, lambda c, d, u: services.consultation_start_research(
        consultation=c, note=d["note"], by=u)),
    "hold_session": (HoldSessionForm, lambda c, d, u: services.consultation_hold_session(
        consultation=c, held_on=d["held_on"], note=d["note"], by=u)),
    "minutes": (MinutesForm, lambda c, d, u: services.minutes_record(
        consultation=c, body=d["body"], consensus=d["consensus"], attendance=d["attendance"] or 0, by=u)),
    "outcome_add": (OutcomeForm, lambda c, d, u: services.outcome_add(
        consultation=c, text=d["text"], handling_unit=d["handling_unit"], by=u)),
    "finish_session": (NoteForm, lambda c, d, u: services.consultation_finish_session(
        consultation=c, note=d["note"], by=u)),
    "send_outcomes": (NoteForm, lambda c, d, u: services.consultation_send_outcomes(
        consultation=c, note=d["note"], by=u)),
    "outcome_convert": (ConvertForm, lambda c, d, u: services.outcome_convert(
        outcome=d["outcome"], kind=d["kind"], by=u)),
    "schedule_follow_up": (ScheduleFollowUpForm, lambda c, d, u: services.follow_up_schedule(
        consultation=c, scheduled_on=d["scheduled_on"], by=u)),
    "record_follow_up": (FollowUpRecordForm, lambda c, d, u: services.follow_up_record(
        consultation=c, held_on=d["held_on"], findings=d["findings"], satisfied=d["satisfied"],
        basically_satisfied=d["basically_satisfied"], unsatisfied=d["unsatisfied"], members=d["members"], by=u)),
    "close": (NoteForm, lambda c, d, u: services.consultation_close(consultation=c, note=d["note"], by=u)),
    "reconsult": (NoteForm, lambda c, d, u: services.consultation_reconsult(consultation=c, note=d["note"], by=u)),
}


def _detail_context(request, c: Consultation, bound: dict | None = None) -> dict:
    manage = rules.can_manage_consultation(request.user, c)
    actions = []
    if manage:
        for action in sorted(STEP_ACTIONS.get(c.step, ()), key=lambda a: list(ACTION_LABELS).index(a)):
            if action not in ACTION_FORMS:
                continue
            form = (bound or {}).get(action) or _build_form(action, c)
            actions.append({"code": action, "label": ACTION_LABELS[action], "form": form,
                            "is_step": action in ACTION_TARGETS})
    step_index = MAIN_STEPS.index(c.step) if c.step in MAIN_STEPS else len(MAIN_STEPS)
    return {
        "c": c, "manage": manage, "actions": actions,
        "steps": [{"code": st, "label": st.label, "done": i < step_index, "current": i == step_index}
                  for i, st in enumerate(MAIN_STEPS)],
        "timeline": timeline_for(c), "labels": TIMELINE_LABELS,
        "minutes": getattr(c, "minutes", None) if hasattr(c, "minutes") else None,
        "now": timezone.now(),
    }


@login_required
def consultation_detail(request, pk: int):
    c = selectors.consultation_get(user=request.user, pk=pk)
    return render(request, "consultations/detail.html", _detail_context(request, c))


@login_required
@require_POST
def consultation_action(request, pk: int, action: str):
    c = selectors.consultation_get(user=request.user, pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    try:
        # The rules and the step table refuse before the input is read (403 / a message); the
        # service asks them again inside its transaction.
        rules.require_action(request.user, c, action)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("consultations:detail", pk=c.pk)
    form = _build_form(action, c, request.POST)
    if form.is_valid():
        try:
            result = _run(action, c, form.cleaned_data, request.user)
        except Forbidden:
            raise
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        else:
            messages.success(request, f"已{ACTION_LABELS[action]}。")
            if action == "reconsult" and isinstance(result, Consultation):
                messages.info(request, f"已发起第{result.round}轮协商“{result.title}”。")
            return redirect("consultations:detail", pk=c.pk)
    c = selectors.consultation_get(user=request.user, pk=pk)
    return render(request, "consultations/detail.html", _detail_context(request, c, bound={action: form}))


# --- Members (phone first) ------------------------------------------------------------------------

@login_required
def member_consultations(request):
    s = user_scope(request.user)
    if not s.member_id:
        raise PermissionDenied("仅限委员。")
    page = Paginator(selectors.member_consultation_list(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "consultations/mine.html", {
        "page": page, "is_convenor": bool(convenor_workstation_ids(request.user))})


# --- Handling units -------------------------------------------------------------------------------

@login_required
def unit_outcomes(request):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    qs = selectors.outcome_list(user=request.user, filters={"status": request.GET.get("status", "")}).filter(
        handling_unit_id=s.unit_id)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "consultations/unit_outcomes.html", {
        "page": page, "form": OutcomeReportForm(), "statuses": Outcome.Status.choices, "now": timezone.now(),
        "status": request.GET.get("status", ""),
    })


@login_required
@require_POST
def outcome_report(request, pk: int):
    o = get_visible_or_404(Outcome.objects.select_related("consultation"), request.user, pk=pk)
    rules.require_report_outcome(request.user, o)
    form = OutcomeReportForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_report(outcome=o, result=form.cleaned_data["result"], report=form.cleaned_data["report"],
                                    by=request.user)
        except Forbidden:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "办理情况已报告。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("consultations:unit-outcomes")


# --- Online consultation: the public page and moderation -----------------------------------------

def online_consultation(request, pk: int):
    c = get_object_or_404(Consultation.objects.select_related("topic", "committee"), pk=pk,
                          format__in=Consultation.ONLINE_FORMATS)
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # A bot filled the honeypot: answer as if accepted, store nothing.
            messages.success(request, "感谢您的意见建议，审核通过后将公开显示。")
            return redirect("consultations:online", pk=c.pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.comment_submit(consultation=c, body=d["body"], key=d["key"], author_name=d["author_name"],
                                        author_phone=d["author_phone"],
                                        client=client_hash(request, services.COMMENT_RATE_SCOPE))
            except RateLimited as exc:
                apply_errors(form, exc)
                status = 429
            except Forbidden:
                raise
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "感谢您的意见建议，审核通过后将公开显示。")
                return redirect("consultations:online", pk=c.pk)
    comments = list(selectors.approved_comments(topic=c.topic)[:100])
    return render(request, "consultations/online.html", {
        "c": c, "topic": c.topic, "comments": comments, "form": form, "open": c.topic.solicitation_open(),
    }, status=status)


@login_required
def comment_moderation(request):
    rules.require_moderation_desk(request.user)
    status = request.GET.get("status") or TopicComment.Status.PENDING
    page = Paginator(selectors.comment_moderation_list(user=request.user, status=status), 30).get_page(
        request.GET.get("page"))
    return render(request, "consultations/moderation.html", {"page": page, "status": status,
                                                             "statuses": TopicComment.Status.choices})


@login_required
@require_POST
def comment_moderate(request, pk: int):
    comment = get_visible_or_404(TopicComment.objects.select_related("topic"), request.user, pk=pk)
    try:
        services.comment_moderate(comment=comment, approve=request.POST.get("decision") == "approve", by=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核。")
    return redirect("consultations:moderation")


# --- Menu of duties -------------------------------------------------------------------------------

@login_required
def menu(request):
    s = user_scope(request.user)
    menus = DutyMenu.objects.visible_to(request.user).order_by("-year")
    year = request.GET.get("year")
    year = parse_id(year)  # 1–18 ASCII digits or None: "²" or 30 digits never reach the query
    current = menus.filter(year=year).first() if year else menus.first()
    ctx = {"menus": menus, "menu": current, "manage": False, "s": s}
    if current is not None:
        ctx["topics"] = selectors.menu_topics(menu=current, member_id=s.member_id)
        ctx["manage"] = rules.can_manage_menu(request.user, current.committee_id)
        if s.is_office:
            ctx["under_quota"] = selectors.menu_members_under_quota(menu=current)[:200]
        if s.member_id:
            me = selectors.menu_member_progress(menu=current).filter(pk=s.member_id).first()
            ctx["me"] = me
            ctx["my_claims"] = MenuClaim.objects.filter(member_id=s.member_id, topic__menu=current).select_related("topic")
        ctx["topic_form"] = MenuTopicForm()
    if s.can_manage:
        ctx["create_form"] = MenuCreateForm()
    return render(request, "consultations/menu.html", ctx)


@login_required
@require_POST
def menu_create(request):
    s = user_scope(request.user)
    if not s.committee_id:
        raise Forbidden("您的账号未关联政协组织，不能编制履职菜单。")
    rules.require_manage_menu(request.user, s.committee_id)
    form = MenuCreateForm(request.POST)
    if form.is_valid():
        from members.models import Committee

        try:
            m = services.menu_create(committee=Committee.objects.get(pk=s.committee_id), by=request.user,
                                     **form.cleaned_data)
        except Forbidden:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已创建“{m.title}”。")
            return redirect(f"{reverse('consultations:menu')}?year={m.year}")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("consultations:menu")


@login_required
@require_POST
def menu_topic_add(request, pk: int):
    m = get_visible_or_404(DutyMenu.objects, request.user, pk=pk)
    rules.require_manage_menu(request.user, m.committee_id)
    form = MenuTopicForm(request.POST)
    if form.is_valid():
        try:
            services.topic_create(committee=m.committee, menu=m, by=request.user, **form.cleaned_data)
        except Forbidden:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已添加菜单议题。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('consultations:menu')}?year={m.year}")


@login_required
@require_POST
def menu_publish(request, pk: int):
    m = get_visible_or_404(DutyMenu.objects, request.user, pk=pk)
    try:
        services.menu_publish(menu=m, by=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "履职菜单已发布，委员可以认领。")
    return redirect(f"{reverse('consultations:menu')}?year={m.year}")


@login_required
@require_POST
def menu_claim(request, pk: int):
    topic = get_visible_or_404(Topic.objects.select_related("menu"), request.user, pk=pk)
    member = rules.claiming_member(request.user)
    try:
        services.menu_claim(topic=topic, member=member, by=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已认领“{topic.title}”。")
    return redirect(f"{reverse('consultations:menu')}?year={topic.menu.year if topic.menu else ''}")


@login_required
@require_POST
def menu_unclaim(request, pk: int):
    claim = get_visible_or_404(MenuClaim.objects.select_related("topic__menu", "member"), request.user, pk=pk)
    try:
        services.menu_unclaim(claim=claim, by=request.user)
    except Forbidden:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消认领。")
    return redirect("consultations:menu")


# --- Leaders' overdue list ------------------------------------------------------------------------

@login_required
def overdue(request):
    rules.require_office_reader(request.user)
    return render(request, "consultations/overdue.html", {
        "visits": selectors.overdue_follow_ups(user=request.user)[:200],
        "outcomes": selectors.overdue_outcomes(user=request.user)[:200],
        "now": timezone.now(),
    })
