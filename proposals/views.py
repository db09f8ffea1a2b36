"""Proposal pages: members (phone first), the office, handling units, leaders and the public.

Views are thin: they read through selectors, write through services, and turn a refused action
(DomainError / ValidationError) into a message on the page, never a 500. State changes are POST only.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.clientid import client_hash
from core.errors import DomainError, Forbidden
from core.params import FormInvalid, parse_id, parse_ids
from core.ratelimit import RateLimited, cache_rate_check
from core.scoping import Role, user_scope
from core.timeline import timeline_for
from members.models import HandlingUnit

from . import rules, selectors, services
from .forms import (
    AnswerForm, AssignForm, BulkForm, EvaluateForm, KeyForm, NotFileForm, OfficeProposalForm, OpenPublicForm,
    ProposalForm, PublicCommentForm, SupervisionForm,
)
from .models import ANSWER_CLASSES, Answer, Countersign, Proposal, ProposalCosigner, PublicComment, UnitAssignment
from .workflow import EVENT_LABELS, STATUS_LABELS

log = logging.getLogger(__name__)
S = Proposal.Status


def _forbid(exc) -> None:
    """A role refusal (rules.require_*) is a 403 page, not a message."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message) from exc


def _refusal(exc) -> str:
    _forbid(exc)
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _act(request, fn, success: str):
    """Run a service; show its refusal as a message instead of failing."""
    try:
        result = fn()
    except (DomainError, ValidationError) as exc:
        messages.error(request, _refusal(exc))
        return None
    messages.success(request, success)
    return result


def _form_errors_from(form, exc) -> None:
    _forbid(exc)
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)


def _paginate(request, qs, per_page=30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _require_office(request):
    if not user_scope(request.user).can_manage:
        raise PermissionDenied("仅限政协机关工作人员。")


# --- member pages ---------------------------------------------------------------------------------

@login_required
def my_proposals(request):
    s = user_scope(request.user)
    if not s.member_id:
        raise PermissionDenied("仅限委员。")
    return render(request, "proposals/my.html", {
        "page": _paginate(request, selectors.member_proposals(user=request.user)),
        "cosign_requests": selectors.cosign_requests(user=request.user).filter(
            proposal__status=S.COSIGNING, status=ProposalCosigner.Status.PENDING)[:20],
    })


def _visit_source(request):
    """``?visit=<id>``: a reception visit this member may handle (workstations' rule), which the
    proposal will link to and mark as "became a proposal"."""
    visit_id = request.GET.get("visit") or request.POST.get("visit")
    if parse_id(visit_id) is None:  # "²".isdigit() is true but int("²") fails
        return None
    try:
        from workstations.models import Visit
    except ImportError:
        return None
    return Visit.objects.carriable_by(request.user).filter(pk=int(visit_id)).first()


def _mark_visit(visit, user) -> None:
    """Record on the visit that it became a proposal, through the workstations app's own service."""
    try:
        from workstations.services import visit_handle
    except ImportError:
        return
    if getattr(visit, "outcome", None) == "proposal":
        return
    try:
        with transaction.atomic():
            visit_handle(visit=visit, outcome="proposal", by=user, note="已起草为提案")
    except (DomainError, ValidationError) as exc:
        log.info("visit %s not marked as proposal: %s", visit.pk, exc)


@login_required
def proposal_create(request):
    s = user_scope(request.user)
    if not s.member_id:
        raise PermissionDenied("仅限委员。")
    member = request.user.member
    visit = _visit_source(request)
    initial = {}
    if visit is not None:
        initial = {"title": f"关于{visit.issue[:40]}的提案", "content": f"群众反映：{visit.issue}\n\n建议：\n"}
    form = ProposalForm(request.POST or None, initial=initial, committee=member.committee, exclude_member_id=member.pk)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.proposal_create_draft(member=member, title=form.cleaned_data["title"],
                                               content=form.cleaned_data["content"], source=visit,
                                               category=form.cleaned_data["category"],
                                               cosigners=form.cleaned_data["cosigners"], by=request.user)
        except (DomainError, ValidationError) as exc:
            _form_errors_from(form, exc)
        else:
            if visit is not None:
                _mark_visit(visit, request.user)
            messages.success(request, "提案草稿已保存。" + ("请点击“邀请附议”请附议委员确认。" if form.cleaned_data["cosigners"] else ""))
            return redirect("proposals:detail", pk=p.pk)
    return render(request, "proposals/form.html", {"form": form, "title": "起草提案", "visit": visit})


@login_required
def proposal_edit(request, pk):
    p = selectors.proposal_get(user=request.user, pk=pk)
    rules.require(rules.can_edit(request.user, p), "只有提案人或政协机关工作人员可以修改提案。")  # 403
    if p.status != S.DRAFT:
        messages.error(request, "只有草稿状态的提案可以修改。")
        return redirect("proposals:detail", pk=p.pk)
    committee = p.committee
    initial = {"title": p.title, "content": p.content, "category": p.category}
    form = ProposalForm(request.POST or None, initial=initial, committee=committee, exclude_member_id=p.member_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update_draft(proposal=p, by=request.user, title=form.cleaned_data["title"],
                                           content=form.cleaned_data["content"], category=form.cleaned_data["category"],
                                           cosigners=form.cleaned_data["cosigners"])
        except (DomainError, ValidationError) as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, "提案已保存。")
            return redirect("proposals:detail", pk=p.pk)
    return render(request, "proposals/form.html", {"form": form, "title": "修改提案", "proposal": p})


def _detail_context(request, p: Proposal) -> dict:
    s = user_scope(request.user)
    current = [a for a in p.assignments.all() if a.round == p.round]
    my_assignment = next((a for a in current if s.unit_id and a.unit_id == s.unit_id), None)
    my_countersign = None
    for ans in p.answers.all():
        for cs in ans.countersigns.all():
            if s.unit_id and cs.assignment.unit_id == s.unit_id and cs.status == Countersign.Status.PENDING \
                    and ans.round == p.round:
                my_countersign = cs
    my_cosigner = next((c for c in p.cosigners.all() if s.member_id and c.member_id == s.member_id), None)
    office = rules.is_office_staff(request.user, p)
    ctx = {
        "p": p,
        "timeline": timeline_for(p),
        "labels": {**STATUS_LABELS, **EVENT_LABELS},
        "is_proposer": rules.is_proposer(request.user, p),
        "can_edit": rules.can_edit(request.user, p),
        "is_office": office,
        "is_supervisor": rules.is_supervising_leader(request.user, p),
        "my_cosigner": my_cosigner,
        "my_assignment": my_assignment,
        "my_countersign": my_countersign,
        "current_assignments": current,
        "answers": [a for a in p.answers.all() if a.status == "submitted"],
        "answers_visible": office or bool(s.unit_id) or p.status in (S.RELEASED, S.EVALUATED, S.REHANDLING, S.CLOSED),
        "evaluate_form": EvaluateForm(),
        "answer_classes": ANSWER_CLASSES,
    }
    if office:
        ctx.update({
            "not_file_form": NotFileForm(),
            "assign_form": AssignForm(committee_ids=s.committee_ids or [p.committee_id]),
            "key_form": KeyForm(committee_ids=s.committee_ids or [p.committee_id]),
            "public_form": OpenPublicForm(initial={"summary": getattr(getattr(p, "public_opening", None), "summary", "")
                                                   or p.title}),
        })
    if ctx["is_supervisor"] or office:
        ctx["supervision_form"] = SupervisionForm()
    return ctx


@login_required
def proposal_detail(request, pk):
    p = selectors.proposal_get(user=request.user, pk=pk)
    return render(request, "proposals/detail.html", _detail_context(request, p))


def _post_action(view):
    """POST-only action on a visible proposal: ``view(request, p)`` returns a success message or None."""

    @login_required
    @require_POST
    def wrapper(request, pk):
        p = selectors.proposal_get(user=request.user, pk=pk)
        try:
            msg = view(request, p)
        except FormInvalid as exc:
            # Bad input (no method, a list where one value belongs …): the proposal page again with
            # the message, answered 400.
            messages.error(request, exc.message)
            return render(request, "proposals/detail.html", _detail_context(request, p), status=400)
        except (DomainError, ValidationError) as exc:
            messages.error(request, _refusal(exc))
        else:
            if msg:
                messages.success(request, msg)
        nxt = request.POST.get("next") or ""
        if nxt.startswith("/") and not nxt.startswith("//"):
            return redirect(nxt)
        return redirect("proposals:detail", pk=p.pk)

    wrapper.__name__ = view.__name__
    return wrapper


@_post_action
def proposal_cosigners_add(request, p):
    rules.require(rules.can_edit(request.user, p), "只有提案人或政协机关工作人员可以添加附议委员。")  # 403
    form = ProposalForm({"title": p.title, "content": p.content, "category": p.category,
                         "cosigners": request.POST.get("cosigners", "")},
                        committee=p.committee, exclude_member_id=p.member_id)
    if not form.is_valid():
        raise DomainError("；".join(form.errors.get("cosigners", ["请填写附议委员姓名。"])))
    if not form.cleaned_data["cosigners"]:
        raise DomainError("请填写附议委员姓名。")
    services.proposal_cosigners_add(proposal=p, members=form.cleaned_data["cosigners"], by=request.user)
    return "已添加附议委员。"


@login_required
@require_POST
def proposal_cosigner_remove(request, pk, cid):
    p = selectors.proposal_get(user=request.user, pk=pk)
    c = get_object_or_404(ProposalCosigner.objects.select_related("member", "proposal"), pk=cid, proposal=p)
    _act(request, lambda: services.proposal_cosigner_remove(cosigner=c, by=request.user), "已移除附议委员。")
    return redirect("proposals:detail", pk=p.pk)


@_post_action
def proposal_invite(request, p):
    services.proposal_invite(proposal=p, by=request.user)
    return "已邀请附议委员确认。"


@_post_action
def proposal_withdraw(request, p):
    services.proposal_withdraw_to_draft(proposal=p, by=request.user)
    return "提案已撤回为草稿。"


@_post_action
def proposal_submit(request, p):
    services.proposal_submit(proposal=p, by=request.user)
    return "提案已提交，等待提案委员会审查。"


@_post_action
def proposal_cosign(request, p):
    s = user_scope(request.user)
    c = next((c for c in p.cosigners.all() if c.member_id == s.member_id), None)
    if c is None:
        raise Forbidden("您不是该提案的附议委员。")
    accept = request.POST.get("accept") == "1"
    services.proposal_cosign_respond(cosigner=c, accept=accept, by=request.user)
    return "您已确认附议。" if accept else "您已拒绝附议。"


@_post_action
def proposal_evaluate(request, p):
    rules.require(rules.can_evaluate(request.user, p), "只有领衔委员可以评价答复。")  # 403 before the input
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        raise FormInvalid("请选择评价：满意、基本满意或不满意。")
    p = services.proposal_evaluate(proposal=p, by=request.user, result=form.cleaned_data["result"],
                                   comment=form.cleaned_data["comment"])
    return "感谢评价，提案已办结。" if p.status == S.CLOSED else "已评价，提案将重新办理。"


# --- office actions on one proposal ---------------------------------------------------------------

@_post_action
def proposal_file(request, p):
    p = services.proposal_file(proposal=p, by=request.user, note=request.POST.get("note", ""))
    return f"已立案，编号{p.number_label}。"


@_post_action
def proposal_not_file(request, p):
    rules.require_office(request.user, p)  # 403 before the input is read
    form = NotFileForm(request.POST)
    if not form.is_valid():
        raise FormInvalid("不予立案须填写理由。")
    services.proposal_not_file(proposal=p, reason=form.cleaned_data["reason"], by=request.user,
                               convert=form.cleaned_data["convert"])
    return "已不予立案。"


@_post_action
def proposal_convert(request, p):
    services.proposal_convert_to_opinion(proposal=p, by=request.user)
    return "已转为社情民意信息。"


@_post_action
def proposal_assign(request, p):
    s = user_scope(request.user)
    form = AssignForm(request.POST, committee_ids=s.committee_ids or [p.committee_id])
    if not form.is_valid():
        raise FormInvalid(form)
    d = form.cleaned_data
    services.proposal_assign(proposal=p, by=request.user, lead_unit=d["lead_unit"], co_units=d["co_units"],
                             separate_units=d["separate_units"], answer_days=d["answer_days"])
    return "已交办。"


@_post_action
def proposal_key(request, p):
    rules.require_office(request.user, p)  # 403 before the input is read
    s = user_scope(request.user)
    form = KeyForm(request.POST, committee_ids=s.committee_ids or [p.committee_id])
    if not form.is_valid():
        raise FormInvalid(form)
    services.proposal_mark_key(proposal=p, leader=form.cleaned_data["leader"],
                               answer_days=form.cleaned_data["answer_days"], by=request.user)
    return "已列为重点提案。"


@_post_action
def proposal_review_class(request, p):
    classes = {}
    for key, value in request.POST.items():
        if key.startswith("class_") and parse_id(key[6:]) is not None:
            classes[int(key[6:])] = value
    services.answer_review_class(proposal=p, by=request.user, classes=classes, note=request.POST.get("note", ""))
    return "答复分类已审核。"


@_post_action
def proposal_release(request, p):
    services.proposal_release(proposal=p, by=request.user)
    return "答复已送达委员。"


@_post_action
def proposal_open_public(request, p):
    rules.require_office(request.user, p)  # 403 before the input is read
    form = OpenPublicForm(request.POST)
    if not form.is_valid():
        raise FormInvalid(form)
    services.proposal_open_public(proposal=p, by=request.user, summary=form.cleaned_data["summary"],
                                  closes_on=form.cleaned_data["closes_on"])
    return "已公开征求公众意见。"


@_post_action
def proposal_supervise(request, p):
    rules.require(rules.can_supervise(request.user, p), "只有督办领导或政协机关可以记录督办。")  # 403 first
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        raise FormInvalid(form)
    services.supervision_record_add(proposal=p, by=request.user, method=form.cleaned_data["method"],
                                    content=form.cleaned_data["content"], on=form.cleaned_data["on"])
    return "督办记录已保存。"


@_post_action
def proposal_countersign(request, p):
    s = user_scope(request.user)
    cs = (Countersign.objects.select_related("assignment", "answer__proposal")
          .filter(answer__proposal=p, answer__round=p.round, assignment__unit_id=s.unit_id or 0).first())
    if cs is None:
        raise Forbidden("贵单位不是该提案的会办单位。")
    services.countersign_confirm(countersign=cs, by=request.user, opinion=request.POST.get("opinion", ""))
    return "已会签。"


# --- office lists ---------------------------------------------------------------------------------

@login_required
def office_list(request):
    _require_office(request)
    s = user_scope(request.user)
    # The work queue opens on what waits for review; "全部" (status=) shows everything.
    status = request.GET.get("status", Proposal.Status.SUBMITTED)
    qs = selectors.office_queue(user=request.user, status=status or None)
    page = _paginate(request, qs, 50)
    form = BulkForm(committee_ids=s.committee_ids)
    if request.method == "POST":
        ids = [str(i) for i in parse_ids(request.POST.getlist("ids"))]
        form = BulkForm(request.POST, committee_ids=s.committee_ids, proposal_ids=ids)
        if form.is_valid():
            d = form.cleaned_data
            chosen = list(Proposal.objects.visible_to(request.user).filter(pk__in=[int(i) for i in d["ids"]])
                          .order_by("pk"))
            done, failed = services.proposals_bulk_review(
                proposals=chosen, by=request.user, action=d["action"], reason=d["reason"],
                lead_unit=d["lead_unit"], co_units=d["co_units"], separate_units=d["separate_units"])
            if done:
                messages.success(request, f"已处理{len(done)}件提案。")
            for p, msg in failed:
                messages.error(request, f"《{p.title}》：{msg}")
            return redirect(f"{request.path}?status={status}")
    return render(request, "proposals/office.html", {
        "page": page, "form": form, "status": status, "statuses": Proposal.Status.choices,
        "pager_query": f"status={status}&",
    })


@login_required
def office_create(request):
    """Staff enter a proposal for a member who is offline, or a group's proposal (集体提案)."""
    _require_office(request)
    from members.models import Committee

    s = user_scope(request.user)
    committee = Committee.objects.filter(pk=s.committee_id).first()
    if committee is None:  # a login without a committee (a bare superuser) enters for no one
        raise PermissionDenied("当前账号未关联政协组织，不能代为登记提案。")
    form = OfficeProposalForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = services.proposal_create_draft(member=d["member"], committee=committee, title=d["title"],
                                               content=d["content"], category=d["category"],
                                               proposer_kind=d["proposer_kind"], group_name=d["group_name"],
                                               cosigners=d["cosigners"], by=request.user)
        except (DomainError, ValidationError) as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, "提案已代为登记为草稿，核对后请点击“提交提案”。")
            return redirect("proposals:detail", pk=p.pk)
    return render(request, "proposals/form.html", {"form": form, "title": "代为登记提案"})


@login_required
def moderation(request):
    _require_office(request)
    status = request.GET.get("status") or "pending"
    return render(request, "proposals/moderation.html", {
        "page": _paginate(request, selectors.moderation_queue(user=request.user, status=status)),
        "status": status, "statuses": PublicComment.Status.choices, "pager_query": f"status={status}&",
    })


@login_required
@require_POST
def comment_moderate(request, cid):
    c = get_object_or_404(PublicComment.objects.visible_to(request.user).select_related("opening__proposal"), pk=cid)
    approve = request.POST.get("approve") == "1"
    _act(request, lambda: services.public_comment_moderate(comment=c, by=request.user, approve=approve,
                                                            reason=request.POST.get("reason", "")),
         "已通过，意见将公开显示。" if approve else "已标记为未通过。")
    return redirect("proposals:moderation")


@login_required
@require_POST
def comment_reply(request, cid):
    c = get_object_or_404(PublicComment.objects.visible_to(request.user).select_related("opening__proposal"), pk=cid)
    _act(request, lambda: services.public_comment_reply(comment=c, by=request.user, reply=request.POST.get("reply", "")),
         "回复已发布。")
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "proposals:unit-comments")


# --- unit pages -----------------------------------------------------------------------------------

@login_required
def unit_list(request):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    page = _paginate(request, selectors.unit_assignments(user=request.user), 50)
    return render(request, "proposals/unit.html", {
        "page": page,
        "unit": HandlingUnit.objects.filter(pk=s.unit_id).first(),
        # The one overdue rule (core.deadlines): an answered assignment is never overdue.
        "overdue_ids": set(UnitAssignment.objects.filter(pk__in=[a.pk for a in page]).overdue()
                           .values_list("pk", flat=True)),
    })


@login_required
def unit_comments(request):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    return render(request, "proposals/unit_comments.html", {
        "page": _paginate(request, selectors.unit_comments(user=request.user)),
    })


@login_required
def answer_form(request, pk):
    p = selectors.proposal_get(user=request.user, pk=pk)
    s = user_scope(request.user)
    assignment = (UnitAssignment.objects.select_related("unit", "answer", "proposal")
                  .filter(proposal=p, round=p.round, unit_id=s.unit_id or 0).first())
    if assignment is None:  # the proposal is visible, but not assigned to this user's unit
        raise PermissionDenied("仅限交办的承办单位。")
    existing = getattr(assignment, "answer", None)
    initial = {"answer_class": existing.answer_class, "content": existing.content} if existing else {}
    form = AnswerForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.answer_save(assignment=assignment, by=request.user, content=form.cleaned_data["content"],
                                 answer_class=form.cleaned_data["answer_class"],
                                 document=form.cleaned_data.get("document"), submit=submit)
        except (DomainError, ValidationError) as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, "答复已提交。" if submit else "答复草稿已保存。")
            return redirect("proposals:detail", pk=p.pk)
    return render(request, "proposals/answer.html", {"p": p, "form": form, "assignment": assignment,
                                                     "answer": existing})


@login_required
def answer_document(request, pk):
    """The answer letter, served only to those who may read the answer (never a public media URL)."""
    import os

    from django.http import FileResponse

    s = user_scope(request.user)
    qs = Answer.objects.filter(proposal__in=Proposal.objects.visible_to(request.user))
    if not s.is_office and not s.unit_id:
        qs = qs.filter(status=Answer.Status.SUBMITTED,
                       proposal__status__in=[S.RELEASED, S.EVALUATED, S.REHANDLING, S.CLOSED])
    answer = get_object_or_404(qs, pk=pk)
    if not answer.document:
        raise Http404
    try:
        handle = answer.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=os.path.basename(answer.document.name))


# --- leader pages ---------------------------------------------------------------------------------

@login_required
def key_list(request):
    s = user_scope(request.user)
    if not s.is_office:
        raise PermissionDenied("仅限政协机关工作人员和领导。")
    qs = selectors.key_proposals(user=request.user)
    if request.GET.get("mine") and s.has(Role.LEADER):
        qs = qs.filter(supervising_leader=request.user)
    return render(request, "proposals/key.html", {
        "page": _paginate(request, qs),
        "overdue_reviews": selectors.overdue_reviews(user=request.user)[:50],
        "overdue_answers": selectors.overdue_answers(user=request.user)[:50],
        "mine": bool(request.GET.get("mine")),
        "pager_query": "mine=1&" if request.GET.get("mine") else "",
    })


# --- public pages (no login) ----------------------------------------------------------------------

def rate_check(request, scope: str = "comment") -> None:
    """Per-client limit (core.clientid identity, core.ratelimit counter and message); fails open when
    the cache is down — moderation holds every comment anyway, and a resident must never see a 500."""
    scope = f"proposals:{scope}"
    cache_rate_check(scope, client_hash(request, scope), settings.PROPOSAL_COMMENT_RATE, what="条意见")


def public_list(request):
    return render(request, "proposals/public_list.html", {
        "page": _paginate(request, selectors.public_openings(), 20),
    })


def public_detail(request, pk):
    opening = selectors.public_opening_get(pk=pk)
    form = PublicCommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the honeypot: answer as if accepted, store nothing.
                messages.success(request, "您的意见已提交，审核通过后将公开显示。")
                return redirect("proposals:public-detail", pk=opening.pk)
            try:
                rate_check(request)
            except RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                try:
                    services.public_comment_submit(opening=opening, body=form.cleaned_data["body"],
                                                   nickname=form.cleaned_data["nickname"],
                                                   phone=form.cleaned_data["phone"],
                                                   idempotency_key=form.cleaned_data["idem"])
                except (DomainError, ValidationError) as exc:
                    _form_errors_from(form, exc)
                else:
                    messages.success(request, "您的意见已提交，审核通过后将公开显示。")
                    return redirect("proposals:public-detail", pk=opening.pk)
    return render(request, "proposals/public_detail.html", {"o": opening, "p": opening.proposal, "form": form},
                  status=status)
