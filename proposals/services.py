"""Writes for proposals: keyword-only, atomic, the one place business rules live.

Status changes go through ``proposals.workflow``; these services check who may act
(``proposals.rules``), write the records around the change (review, assignments, answers,
countersigns, evaluations) and queue reminders.

Other apps create proposals through :func:`proposal_create_draft` (consultation outcomes, reception
visits), passing ``source=`` so the proposal keeps a generic link back to where it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.deadlines import compute_due
from core.errors import DomainError
from core.notifications import notify
from core.scoping import Role, user_scope
from core.timeline import timeline_record
from core.utils import is_valid_phone

from . import rules, selectors
from .models import (
    ANSWER_CLASSES, Answer, Countersign, Evaluation, Proposal, ProposalCosigner, ProposalCounter,
    PublicComment, PublicOpening, Review, SupervisionRecord, UnitAssignment,
)
from .workflow import proposal_workflow, transition

S = Proposal.Status


# --- helpers --------------------------------------------------------------------------------------

def _url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("session", "member").get(pk=proposal.pk)


def _event(p: Proposal, code: str, label_key: str, *, by=None, note: str = "", data=None) -> None:
    """A timeline entry that is not a status change (a co-signer confirmed, an answer came in…)."""
    timeline_record(p, f"proposals.{code}", by=by, to_state=label_key, note=note, data=data)


office_user_ids = selectors.office_user_ids  # recipients live in selectors (sweeps import them here)
unit_user_ids = selectors.unit_user_ids


def current_session(committee):
    """The committee's latest plenary session (proposals filed through the year belong to it)."""
    from members.models import PlenarySession

    return (PlenarySession.objects.filter(term__committee=committee)
            .select_related("term").order_by("-term__number", "-number").first())


def proposal_next_number(*, session_id: int) -> int:
    """Next number in a plenary session. The counter row is locked for the rest of the filing
    transaction, so concurrent filings queue on it: consecutive numbers, no gaps (a rolled-back
    filing rolls its increment back too), no duplicates (also a unique constraint)."""
    with transaction.atomic():
        ProposalCounter.objects.bulk_create([ProposalCounter(session_id=session_id)], ignore_conflicts=True)
        counter = ProposalCounter.objects.select_for_update(of=("self",)).get(session_id=session_id)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


# --- drafting and co-signers ----------------------------------------------------------------------

def _validate_text(title: str, content: str) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写案由。"
    elif len(title) > 200:
        errors["title"] = "案由不能超过200字。"
    if not (content or "").strip():
        errors["content"] = "请填写提案内容。"
    if errors:
        raise ValidationError(errors)


def _proposer(by, *, committee, member, proposer_kind: str):
    """Whose proposal and which committee, when the caller leaves them out: a member drafts their
    own; staff enter one in their own committee."""
    from members.models import Committee, Member

    s = user_scope(by)
    if member is None and committee is None and proposer_kind == Proposal.ProposerKind.MEMBER and s.member_id:
        member = Member.objects.select_related("committee").get(pk=s.member_id)
    committee = committee or (member.committee if member else None)
    if committee is None and s.committee_id:
        committee = Committee.objects.filter(pk=s.committee_id).first()
    if committee is None:
        raise DomainError("请指定提案所属的政协组织。", field="committee")
    return committee, member


@transaction.atomic
def proposal_create_draft(*, title: str, content: str, member=None, committee=None, session=None,
                          category: str = Proposal.Category.SOCIETY, source=None, by=None,
                          proposer_kind: str = Proposal.ProposerKind.MEMBER, group_name: str = "",
                          sector=None, special_committee=None, cosigners: Iterable = ()) -> Proposal:
    """A draft proposal by ``member`` (or by a group when ``proposer_kind`` is not "member"), with
    its invited co-signers: one use case, one transaction, so a refused co-signer leaves no draft.

    ``source`` is any model instance it came from (a reception visit, a consultation outcome); the
    proposal keeps a generic link to it. ``by`` is the user acting (None for system writes)."""
    committee, member = _proposer(by, committee=committee, member=member, proposer_kind=proposer_kind)
    rules.require_create(by, committee=committee, member=member)
    _validate_text(title, content)
    cosigners = list(cosigners)
    if cosigners and proposer_kind != Proposal.ProposerKind.MEMBER:
        raise DomainError("集体提案没有附议委员。", field="cosigners")
    if proposer_kind == Proposal.ProposerKind.MEMBER:
        if member is None:
            raise DomainError("委员提案须指定领衔委员。", field="member")
    else:
        group_name = group_name or (sector.name if sector else "") or (special_committee.name if special_committee else "")
        if not group_name:
            raise DomainError("集体提案须填写提案集体（党派、界别或专委会）。", field="group_name")
    if category not in Proposal.Category.values:
        raise DomainError("请选择提案类别。", field="category")
    session = session or current_session(committee)
    if session is None:
        raise DomainError("尚未设置届次会议，请联系政协机关。", field="session")
    p = Proposal(committee=committee, session=session, member=member, proposer_kind=proposer_kind,
                 group_name=group_name, sector=sector, special_committee=special_committee,
                 category=category, title=title.strip(), content=content.strip())
    if source is not None:
        p.source_content_type = ContentType.objects.get_for_model(source)
        p.source_object_id = source.pk
    p.stamp(by)
    p.save()
    note = f"来源：{source}" if source is not None else ""
    timeline_record(p, "proposals.proposal.created", by=by, to_state=S.DRAFT, note=note)
    if cosigners:
        _cosigners_invite(p, cosigners, by=by)
    return p


@transaction.atomic
def proposal_update_draft(*, proposal: Proposal, by, title: str, content: str, category: str,
                          cosigners: Iterable = ()) -> Proposal:
    """Edit a draft and invite more co-signers, together or not at all."""
    p = _lock(proposal)
    rules.require(rules.can_edit(by, p))
    if p.status != S.DRAFT:
        raise DomainError("只有草稿状态的提案可以修改；征集附议中的提案请先撤回为草稿。")
    _validate_text(title, content)
    if category not in Proposal.Category.values:
        raise DomainError("请选择提案类别。", field="category")
    p.title, p.content, p.category = title.strip(), content.strip(), category
    p.stamp(by)
    p.save(update_fields=["title", "content", "category", "updated_by", "updated_at"])
    cosigners = list(cosigners)
    if cosigners:
        _cosigners_invite(p, cosigners, by=by)
    return p


@transaction.atomic
def proposal_cosigners_add(*, proposal: Proposal, members: Iterable, by) -> list[ProposalCosigner]:
    """Invite members to co-sign (附议). Members already invited are skipped."""
    p = _lock(proposal)
    rules.require(rules.can_edit(by, p))
    if p.status not in (S.DRAFT, S.COSIGNING):
        raise DomainError("提案已提交，不能再邀请附议委员。")
    _cosigners_invite(p, members, by=by)
    return list(p.cosigners.select_related("member"))


def _cosigners_invite(p: Proposal, members: Iterable, *, by) -> None:
    """Validate and add invitations (inside the caller's transaction and rule check)."""
    if p.proposer_kind != Proposal.ProposerKind.MEMBER:
        raise DomainError("集体提案没有附议委员。", field="cosigners")
    members = list(members)
    for m in members:
        if m.pk == p.member_id:
            raise DomainError("领衔委员不能附议自己的提案。", field="cosigners")
        if m.committee_id != p.committee_id:
            raise DomainError("附议委员须为本政协的委员。", field="cosigners")
    existing = set(p.cosigners.values_list("member_id", flat=True))
    new = [ProposalCosigner(proposal=p, member=m, created_by=by if getattr(by, "is_authenticated", False) else None)
           for m in members if m.pk not in existing]
    ProposalCosigner.objects.bulk_create(new)
    if new:
        _event(p, "cosigner.invited", "cosign_invited", by=by, note="、".join(c.member.name for c in new))
        if p.status == S.COSIGNING:
            _notify_cosigners(p, [c.member for c in new])


@transaction.atomic
def proposal_cosigner_remove(*, cosigner: ProposalCosigner, by) -> None:
    p = _lock(cosigner.proposal)
    rules.require(rules.can_edit(by, p))
    if p.status not in (S.DRAFT, S.COSIGNING):
        raise DomainError("提案已提交，不能再变更附议委员。")
    _event(p, "cosigner.removed", "cosign_removed", by=by, note=cosigner.member.name)
    cosigner.delete()


def _notify_cosigners(p: Proposal, members) -> None:
    notify([m.user_id for m in members], stage="proposal.cosign.invite", item=p, url=_url(p),
           title=f"{p.member.name if p.member_id else ''}邀请您附议提案《{p.title}》")


@transaction.atomic
def proposal_invite(*, proposal: Proposal, by) -> Proposal:
    """Send the draft to its co-signers for confirmation (draft → awaiting co-signers)."""
    rules.require(rules.can_edit(by, proposal))
    p = transition(proposal, S.COSIGNING, by=by)
    _notify_cosigners(p, [c.member for c in p.cosigners.select_related("member").filter(
        status=ProposalCosigner.Status.PENDING)])
    return p


@transaction.atomic
def proposal_withdraw_to_draft(*, proposal: Proposal, by) -> Proposal:
    rules.require(rules.can_edit(by, proposal))
    return transition(proposal, S.DRAFT, by=by, note="撤回修改")


@transaction.atomic
def proposal_cosign_respond(*, cosigner: ProposalCosigner, accept: bool, by) -> ProposalCosigner:
    rules.require(rules.is_cosigner(by, cosigner), "只有被邀请的委员本人可以确认附议。")
    p = _lock(cosigner.proposal)
    c = ProposalCosigner.objects.select_for_update(of=("self",)).select_related("member").get(pk=cosigner.pk)
    if p.status != S.COSIGNING:
        raise DomainError("该提案当前不在征集附议阶段。")
    if c.status != ProposalCosigner.Status.PENDING:
        raise DomainError(f"您已{c.get_status_display()}，不能重复操作。")
    c.status = ProposalCosigner.Status.CONFIRMED if accept else ProposalCosigner.Status.DECLINED
    c.responded_at = timezone.now()
    c.stamp(by)
    c.save()
    _event(p, f"cosigner.{c.status}", f"cosign_{c.status}", by=by, note=c.member.name)
    if p.member_id and not p.cosigners.filter(status=ProposalCosigner.Status.PENDING).exists():
        notify([p.member.user_id], stage="proposal.cosign.done", item=p, url=_url(p),
               title=f"提案《{p.title}》的附议委员均已答复，可以提交")
    cosigner.__dict__.update({k: v for k, v in c.__dict__.items() if not k.startswith("_")})
    return c


@transaction.atomic
def proposal_submit(*, proposal: Proposal, by) -> Proposal:
    rules.require(rules.can_edit(by, proposal))
    due = compute_due("proposal.review", timezone.now())
    p = transition(proposal, S.SUBMITTED, by=by, due=due)
    notify(office_user_ids(p.committee_id), stage="proposal.submitted", item=p, url=_url(p),
           title=f"新提案待审查：《{p.title}》")
    return p


# --- review ---------------------------------------------------------------------------------------

def _require_leader(leader, committee_id: int) -> None:
    s = user_scope(leader)
    if not (s.has(Role.LEADER) and committee_id in s.committee_ids):
        raise DomainError("督办领导须为本政协的领导账号。", field="supervising_leader")


@transaction.atomic
def proposal_file(*, proposal: Proposal, by, is_key: bool = False, leader=None,
                  key_answer_days: int | None = None, note: str = "") -> Proposal:
    """立案: numbers the proposal within its plenary session (see ``proposal_next_number``)."""
    rules.require_office(by, proposal)
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.FILED)
    Review.objects.update_or_create(proposal=p, defaults={"decision": Review.Decision.FILED, "reason": note,
                                                          "updated_by": by})
    p = transition(p, S.FILED, by=by, note=note)
    if p.member_id:
        from members.services import points_credit

        points_credit(member_ids=[p.member_id], rule_code="proposal.filed", source=p)
        notify([p.member.user_id], stage="proposal.filed", item=p, url=_url(p),
               title=f"您的提案《{p.title}》已立案，编号{p.number_label}")
    if is_key:
        proposal_mark_key(proposal=p, leader=leader, answer_days=key_answer_days, by=by)
    return p


@transaction.atomic
def proposal_mark_key(*, proposal: Proposal, leader, answer_days: int | None = None, by) -> Proposal:
    """列为重点提案, supervised by ``leader``; ``answer_days`` sets the answer deadline (as set)."""
    rules.require_office(by, proposal)
    p = _lock(proposal)
    if p.number is None:
        raise DomainError("只有已立案的提案才能列为重点提案。")
    if leader is None:
        raise DomainError("重点提案须指定督办领导。", field="supervising_leader")
    _require_leader(leader, p.committee_id)
    if answer_days is not None and not (1 <= answer_days <= 365):
        raise DomainError("办理期限应在1至365天之间。", field="key_answer_days")
    p.is_key, p.supervising_leader, p.key_answer_days = True, leader, answer_days
    p.stamp(by)
    p.save(update_fields=["is_key", "supervising_leader", "key_answer_days", "updated_by", "updated_at"])
    _event(p, "proposal.key", "key", by=by, note=f"督办领导：{leader.get_full_name() or leader.username}")
    if p.member_id:
        from members.services import points_credit

        points_credit(member_ids=[p.member_id], rule_code="proposal.key", source=p)
    notify([leader.pk], stage="proposal.key", item=p, url=_url(p), title=f"请督办重点提案《{p.title}》")
    return p


@transaction.atomic
def proposal_not_file(*, proposal: Proposal, reason: str, by, convert: bool = False) -> Proposal:
    rules.require_office(by, proposal)
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.NOT_FILED)
    if not (reason or "").strip():
        raise DomainError("不予立案须填写理由。", field="reason")
    Review.objects.update_or_create(proposal=p, defaults={"decision": Review.Decision.NOT_FILED,
                                                          "reason": reason.strip(), "updated_by": by})
    p = transition(p, S.NOT_FILED, by=by, note=reason.strip(), reason=reason)
    if p.member_id:
        notify([p.member.user_id], stage="proposal.not_filed", item=p, url=_url(p),
               title=f"您的提案《{p.title}》不予立案", body=reason)
    if convert:
        p = proposal_convert_to_opinion(proposal=p, by=by)
    return p


@transaction.atomic
def proposal_convert_to_opinion(*, proposal: Proposal, by) -> Proposal:
    """A not-filed proposal becomes a public-opinion report (社情民意信息), linked both ways."""
    rules.require_office(by, proposal)
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.CONVERTED)
    try:
        from opinions import services as opinion_services
    except ImportError as exc:  # the opinions app is optional for this step
        raise DomainError("社情民意模块不可用，暂不能转为社情民意信息。") from exc
    create = getattr(opinion_services, "opinion_report_create_from_source", None)
    reason = getattr(getattr(p, "review", None), "reason", "")
    body = p.content + (f"\n\n（由{p.session.name}提案转来，不予立案理由：{reason}）" if reason else "")
    if create is not None:
        report = create(source=p, committee=p.committee, member=p.member, title=p.title, body=body, by=by)
    elif hasattr(opinion_services, "opinion_report_submit"):
        report = opinion_services.opinion_report_submit(
            committee=p.committee, title=p.title, content=body, by=by,
            members=[p.member] if p.member_id else [], source_object=p)
    else:
        raise DomainError("社情民意模块尚未提供转换服务，暂不能转为社情民意信息。")
    Review.objects.filter(proposal=p).update(
        converted_content_type=ContentType.objects.get_for_model(report), converted_object_id=report.pk)
    return transition(p, S.CONVERTED, by=by, note=f"已转为社情民意信息：{report}")


# --- assignment and answers -----------------------------------------------------------------------

@transaction.atomic
def proposal_assign(*, proposal: Proposal, by, lead_unit=None, co_units: Iterable = (),
                    separate_units: Iterable = (), answer_days: int | None = None) -> Proposal:
    """交办 to a lead unit (主办) with co-units (会办), or to separate units (分办) each answering its part."""
    rules.require_office(by, proposal)
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.ASSIGNED)
    co_units, separate_units = list(co_units), list(separate_units)
    if lead_unit is None and not separate_units:
        raise DomainError("请选择主办单位（或分办单位）。", field="lead_unit")
    if co_units and lead_unit is None:
        raise DomainError("有会办单位时须指定主办单位。", field="lead_unit")
    all_units = ([lead_unit] if lead_unit else []) + co_units + separate_units
    if len({u.pk for u in all_units}) != len(all_units):
        raise DomainError("同一单位不能重复交办（主办、会办、分办只能选其一）。", field="co_units")
    for u in all_units:
        if u.committee_id != p.committee_id or not u.is_active:
            raise DomainError(f"“{u.name}”不是本政协的在用承办单位。", field="lead_unit")
    days = answer_days if answer_days is not None else (p.key_answer_days if p.is_key else None)
    due = compute_due("proposal.answer", timezone.now(), days=days)
    _create_assignments(p, p.round, [(u, UnitAssignment.Role.LEAD) for u in ([lead_unit] if lead_unit else [])]
                        + [(u, UnitAssignment.Role.CO) for u in co_units]
                        + [(u, UnitAssignment.Role.SEPARATE) for u in separate_units], due, by)
    note = "；".join(filter(None, [
        f"主办：{lead_unit.name}" if lead_unit else "",
        f"会办：{'、'.join(u.name for u in co_units)}" if co_units else "",
        f"分办：{'、'.join(u.name for u in separate_units)}" if separate_units else "",
    ]))
    p = transition(p, S.ASSIGNED, by=by, note=note, due=due)
    _notify_units(p, [u.pk for u in all_units], stage="proposal.assigned",
                  title=f"新交办提案：{p.number_label}《{p.title}》，{due.on:%Y-%m-%d}前答复")
    return p


def _create_assignments(p: Proposal, round_no: int, units_roles, due, by) -> None:
    user = by if getattr(by, "is_authenticated", False) else None
    UnitAssignment.objects.bulk_create([
        UnitAssignment(proposal=p, unit=u, role=role, round=round_no, due_at=due.at,
                       due_explanation=due.explanation, created_by=user, updated_by=user)
        for u, role in units_roles
    ])


def _notify_units(p: Proposal, unit_ids, *, stage: str, title: str) -> None:
    by_unit = unit_user_ids(unit_ids)
    notify([uid for ids in by_unit.values() for uid in ids], stage=stage, item=p, url=_url(p), title=title)


@transaction.atomic
def answer_save(*, assignment: UnitAssignment, by, content: str, answer_class: str, document=None,
                submit: bool = False) -> Answer:
    """A lead or separate unit drafts (and with ``submit``) submits its answer. The lead's
    submitted answer goes to the co-units for countersigning, each with its own due date."""
    rules.require(rules.is_assigned_unit(by, assignment), "只有承办该提案的单位可以答复。")
    p = _lock(assignment.proposal)
    if assignment.role == UnitAssignment.Role.CO:
        raise DomainError("会办单位无需单独答复，请在主办单位提交答复后会签。")
    if p.status not in (S.ASSIGNED, S.REHANDLING) or assignment.round != p.round:
        raise DomainError(f"该提案当前为“{p.get_status_display()}”，不在办理阶段，不能提交答复。")
    errors = {}
    if answer_class not in ANSWER_CLASSES:
        errors["answer_class"] = "请选择答复类别（A、B、C）。"
    if not (content or "").strip():
        errors["content"] = "请填写答复内容。"
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.select_for_update(of=("self",)).filter(assignment=assignment).first()
    if answer is None:
        answer = Answer(proposal=p, assignment=assignment, round=assignment.round)
    elif answer.status == Answer.Status.SUBMITTED:
        raise DomainError("答复已提交，不能修改。")
    answer.content, answer.answer_class = content.strip(), answer_class
    if document:
        answer.document = document
    if submit:
        answer.status, answer.submitted_at = Answer.Status.SUBMITTED, timezone.now()
    answer.stamp(by)
    answer.save()
    if not submit:
        return answer
    _event(p, "answer.submitted", "answer_submitted", by=by,
           note=f"{assignment.unit.name}（{assignment.get_role_display()}）提交{answer_class}类答复")
    countersign_due = None
    if assignment.role == UnitAssignment.Role.LEAD:
        co = list(UnitAssignment.objects.filter(proposal=p, round=p.round, role=UnitAssignment.Role.CO))
        if co:
            countersign_due = compute_due("proposal.countersign", timezone.now())
            Countersign.objects.bulk_create([
                Countersign(answer=answer, assignment=a, due_at=countersign_due.at,
                            created_by=answer.updated_by, updated_by=answer.updated_by) for a in co
            ])
            _notify_units(p, [a.unit_id for a in co], stage="proposal.countersign",
                          title=f"请会签提案答复：{p.number_label}，{countersign_due.on:%Y-%m-%d}前")
    if proposal_workflow.can(p, S.ANSWERED):
        pending_cs = Countersign.objects.filter(answer__proposal=p, answer__round=p.round,
                                                status=Countersign.Status.PENDING)
        if pending_cs.exists():
            due = countersign_due or compute_due("proposal.countersign", timezone.now())
            p = transition(p, S.ANSWERED, by=by, due=due)
        else:
            p = transition(p, S.ANSWERED, by=by)
            _after_countersigned(p, by=by, note="无会办单位，无需会签")
    return answer


def _after_countersigned(p: Proposal, *, by, note: str = "") -> Proposal:
    due = compute_due("proposal.class_review", timezone.now())
    p = transition(p, S.COUNTERSIGNED, by=by, note=note, due=due)
    notify(office_user_ids(p.committee_id), stage="proposal.class_review", item=p, url=_url(p),
           title=f"提案答复待审核分类：{p.number_label}")
    return p


@transaction.atomic
def countersign_confirm(*, countersign: Countersign, by, opinion: str = "") -> Countersign:
    rules.require(rules.is_assigned_unit(by, countersign.assignment), "只有会办单位可以会签。")
    p = _lock(countersign.answer.proposal)
    cs = Countersign.objects.select_for_update(of=("self",)).select_related("assignment__unit").get(pk=countersign.pk)
    if p.status != S.ANSWERED or cs.answer.round != p.round:
        raise DomainError(f"该提案当前为“{p.get_status_display()}”，不在会签阶段。")
    if cs.status == Countersign.Status.CONFIRMED:
        raise DomainError("已会签，不能重复操作。")
    cs.status, cs.confirmed_at, cs.opinion = Countersign.Status.CONFIRMED, timezone.now(), (opinion or "").strip()
    cs.stamp(by)
    cs.save()
    _event(p, "answer.countersigned", "countersign", by=by,
           note=f"{cs.assignment.unit.name}会签" + (f"：{cs.opinion}" if cs.opinion else ""))
    if proposal_workflow.can(p, S.COUNTERSIGNED):
        _after_countersigned(p, by=by)
    countersign.__dict__.update({k: v for k, v in cs.__dict__.items() if not k.startswith("_")})
    return cs


@transaction.atomic
def answer_review_class(*, proposal: Proposal, by, classes: dict[int, str] | None = None, note: str = "") -> Proposal:
    """The office confirms or corrects each answer's A/B/C class before release."""
    rules.require_office(by, proposal)
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.CLASS_REVIEWED)
    classes = classes or {}
    changes = []
    now = timezone.now()
    for a in Answer.objects.select_related("assignment__unit").filter(proposal=p, round=p.round,
                                                                      status=Answer.Status.SUBMITTED):
        final = classes.get(a.pk) or a.answer_class
        if final not in ANSWER_CLASSES:
            raise DomainError("答复类别只能是A、B或C。", field="classes")
        if final != a.answer_class:
            changes.append(f"{a.assignment.unit.name}：{a.answer_class}类改为{final}类")
        a.reviewed_class, a.class_reviewed_at = final, now
        a.stamp(by)
        a.save(update_fields=["reviewed_class", "class_reviewed_at", "updated_by", "updated_at"])
    return transition(p, S.CLASS_REVIEWED, by=by, note="；".join(changes + ([note] if note else [])) or "分类无误")


@transaction.atomic
def proposal_release(*, proposal: Proposal, by) -> Proposal:
    """答复委员: the member sees the answers and has the evaluation period to rate them."""
    rules.require_office(by, proposal)
    due = compute_due("proposal.evaluation", timezone.now())
    p = transition(proposal, S.RELEASED, by=by, due=due)
    if p.member_id:
        notify([p.member.user_id], stage="proposal.released", item=p, url=_url(p),
               title=f"提案《{p.title}》已答复，请于{due.on:%Y-%m-%d}前评价")
    return p


# --- evaluation and re-handling -------------------------------------------------------------------

@transaction.atomic
def proposal_evaluate(*, proposal: Proposal, by, result: str, comment: str = "") -> Proposal:
    rules.require(rules.can_evaluate(by, proposal), "只有领衔委员可以评价答复。")
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.EVALUATED)
    choices = [Evaluation.Result.SATISFIED, Evaluation.Result.BASICALLY, Evaluation.Result.UNSATISFIED]
    if result not in choices:
        raise DomainError("请选择评价：满意、基本满意或不满意。", field="result")
    if result == Evaluation.Result.UNSATISFIED and not (comment or "").strip():
        raise DomainError("评价为不满意时，请写明不满意的原因。", field="comment")
    ev = Evaluation(proposal=p, round=p.round, result=result, comment=(comment or "").strip())
    ev.stamp(by)
    ev.save()
    p = transition(p, S.EVALUATED, by=by, note=f"{ev.get_result_display()}" + (f"：{ev.comment}" if ev.comment else ""))
    if result == Evaluation.Result.SATISFIED and p.member_id:
        from members.services import points_credit

        points_credit(member_ids=[p.member_id], rule_code="proposal.satisfied", source=p)
    if proposal_workflow.can(p, S.REHANDLING):
        return proposal_rehandle(proposal=p, by=by)
    return transition(p, S.CLOSED, by=by, note="办结")


@transaction.atomic
def proposal_rehandle(*, proposal: Proposal, by, answer_days: int | None = None) -> Proposal:
    """重新办理: the same units answer again in a new round, with a new deadline."""
    rules.require(rules.can_rehandle(by, proposal), "只有领衔委员或政协机关可以要求重新办理。")
    p = _lock(proposal)
    prev_round = p.round
    days = answer_days if answer_days is not None else (p.key_answer_days if p.is_key else None)
    due = compute_due("proposal.answer", timezone.now(), days=days)
    p = transition(p, S.REHANDLING, by=by, note="委员不满意，重新办理", due=due)
    previous = list(UnitAssignment.objects.select_related("unit").filter(proposal=p, round=prev_round))
    _create_assignments(p, p.round, [(a.unit, a.role) for a in previous], due, by)
    _notify_units(p, [a.unit_id for a in previous], stage="proposal.rehandling",
                  title=f"提案{p.number_label}委员不满意，请重新办理，{due.on:%Y-%m-%d}前答复")
    return p


@transaction.atomic
def proposal_close_unevaluated(*, proposal: Proposal) -> Proposal:
    """The evaluation period ran out: recorded as not evaluated and closed (system action)."""
    p = _lock(proposal)
    proposal_workflow.check_move(p, S.CLOSED)
    Evaluation.objects.get_or_create(proposal=p, round=p.round,
                                     defaults={"result": Evaluation.Result.NOT_EVALUATED})
    return transition(p, S.CLOSED, by=None, note="评价期限届满，委员未评价，记为逾期未评价")


# --- supervision ----------------------------------------------------------------------------------

@transaction.atomic
def supervision_record_add(*, proposal: Proposal, by, content: str, method: str = SupervisionRecord.Method.SITE,
                           on: dt.date | None = None) -> SupervisionRecord:
    rules.require(rules.can_supervise(by, proposal), "只有督办领导或政协机关可以记录督办。")
    if not proposal.is_key:
        raise DomainError("只有重点提案才需要督办记录。")
    if not (content or "").strip():
        raise DomainError("请填写督办情况。", field="content")
    if method not in SupervisionRecord.Method.values:
        raise DomainError("请选择督办方式。", field="method")
    leader = proposal.supervising_leader or by
    r = SupervisionRecord(proposal=proposal, leader=leader, method=method, content=content.strip(),
                          on=on or timezone.localdate())
    r.stamp(by)
    r.save()
    _event(proposal, "supervision.recorded", "supervised", by=by, note=f"{r.get_method_display()}：{r.content}")
    return r


# --- public participation -------------------------------------------------------------------------

@transaction.atomic
def proposal_open_public(*, proposal: Proposal, by, summary: str, closes_on: dt.date | None = None) -> PublicOpening:
    rules.require_office(by, proposal)
    if proposal.number is None:
        raise DomainError("只有已立案的提案才能公开征求意见。")
    if not (summary or "").strip():
        raise DomainError("请填写面向公众的摘要（不含个人信息）。", field="summary")
    if closes_on and closes_on < timezone.localdate():
        raise DomainError("截止日期不能早于今天。", field="closes_on")
    user = by if getattr(by, "is_authenticated", False) else None
    opening, _ = PublicOpening.objects.update_or_create(
        proposal=proposal, defaults={"summary": summary.strip(), "closes_on": closes_on, "is_open": True,
                                     "updated_by": user},
        create_defaults={"summary": summary.strip(), "closes_on": closes_on, "is_open": True, "created_by": user,
                         "updated_by": user})
    _event(proposal, "public.opened", "public_opened", by=by)
    return opening


@transaction.atomic
def proposal_close_public(*, opening: PublicOpening, by) -> PublicOpening:
    rules.require_office(by, opening.proposal)
    opening.is_open = False
    opening.stamp(by)
    opening.save(update_fields=["is_open", "updated_by", "updated_at"])
    _event(opening.proposal, "public.closed", "public_closed", by=by)
    return opening


def public_comment_submit(*, opening: PublicOpening, body: str, idempotency_key: str, nickname: str = "",
                          phone: str = "") -> tuple[PublicComment, bool]:
    """A public comment, held for moderation. The idempotency key makes a double tap one comment."""
    if not opening.accepts_comments:
        raise DomainError("该提案已停止征求意见。")
    errors = {}
    body = (body or "").strip()
    if len(body) < 5:
        errors["body"] = "请至少写5个字。"
    elif len(body) > 2000:
        errors["body"] = "意见不能超过2000字。"
    if phone and not is_valid_phone(phone.strip()):
        errors["phone"] = "请填写正确的手机号码或固定电话。"
    if len(nickname or "") > 30:
        errors["nickname"] = "称呼不能超过30字。"
    if not idempotency_key or len(idempotency_key) > 64:
        errors["idempotency_key"] = "请刷新页面后重新提交。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment, created = PublicComment.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={"opening": opening, "body": body, "nickname": (nickname or "").strip(),
                      "phone": (phone or "").strip()},
        )
        if created:
            notify(office_user_ids(opening.proposal.committee_id), stage="proposal.comment.pending",
                   item=opening.proposal, url=reverse("proposals:moderation"),
                   title=f"公众意见待审核：{opening.proposal.number_label}")
    return comment, created


@transaction.atomic
def public_comment_moderate(*, comment: PublicComment, by, approve: bool, reason: str = "") -> PublicComment:
    c = PublicComment.objects.select_for_update(of=("self",)).select_related("opening__proposal").get(pk=comment.pk)
    rules.require_moderate_comment(by, c)
    if c.status != PublicComment.Status.PENDING:
        raise DomainError(f"该意见已审核（{c.get_status_display()}）。")
    c.status = PublicComment.Status.APPROVED if approve else PublicComment.Status.REJECTED
    c.reject_reason = "" if approve else (reason or "").strip()[:200]
    c.moderated_at = timezone.now()
    c.stamp(by)
    c.save()
    if approve:
        unit_ids = UnitAssignment.objects.filter(proposal=c.opening.proposal).values_list("unit_id", flat=True)
        _notify_units(c.opening.proposal, set(unit_ids), stage="proposal.comment.approved",
                      title=f"公众对提案{c.opening.proposal.number_label}提出意见，请回复")
    comment.__dict__.update({k: v for k, v in c.__dict__.items() if not k.startswith("_")})
    return c


@transaction.atomic
def public_comment_reply(*, comment: PublicComment, by, reply: str) -> PublicComment:
    c = PublicComment.objects.select_for_update(of=("self",)).select_related("opening__proposal").get(pk=comment.pk)
    rules.require_reply_comment(by, c)
    proposal = c.opening.proposal
    unit_id = rules.replying_unit_id(by, c)
    if c.status != PublicComment.Status.APPROVED:
        raise DomainError("只能回复已通过审核的意见。")
    if not (reply or "").strip():
        raise DomainError("请填写回复内容。", field="reply")
    c.reply, c.replied_at = reply.strip(), timezone.now()
    c.reply_unit_id = unit_id or (
        UnitAssignment.objects.filter(proposal=proposal, role=UnitAssignment.Role.LEAD)
        .values_list("unit_id", flat=True).first())
    c.stamp(by)
    c.save()
    comment.__dict__.update({k: v for k, v in c.__dict__.items() if not k.startswith("_")})
    return c


# --- bulk office work -----------------------------------------------------------------------------

def proposals_bulk_review(*, proposals: Iterable[Proposal], by, action: str, reason: str = "", lead_unit=None,
                          co_units: Iterable = (), separate_units: Iterable = ()) -> tuple[list[Proposal], list[tuple[Proposal, str]]]:
    """Apply one office action to many proposals; each is its own transaction, so one refusal
    does not undo the others. Returns (done, [(proposal, refusal message)])."""
    done, failed = [], []
    co_units, separate_units = list(co_units), list(separate_units)
    for p in proposals:
        try:
            if action == "file":
                done.append(proposal_file(proposal=p, by=by))
            elif action == "not_file":
                done.append(proposal_not_file(proposal=p, reason=reason, by=by))
            elif action == "assign":
                done.append(proposal_assign(proposal=p, by=by, lead_unit=lead_unit, co_units=co_units,
                                            separate_units=separate_units))
            elif action == "file_assign":
                with transaction.atomic():  # filed and assigned together, or neither
                    filed = proposal_file(proposal=p, by=by)
                    done.append(proposal_assign(proposal=filed, by=by, lead_unit=lead_unit, co_units=co_units,
                                                separate_units=separate_units))
            else:
                raise DomainError("未知的批量操作。")
        except DomainError as exc:
            failed.append((p, exc.message))
        except ValidationError as exc:
            failed.append((p, "；".join(exc.messages)))
    return done, failed


# --- entry points for other apps ------------------------------------------------------------------

def proposal_draft_from_source(*, source, title: str, body: str = "", content: str = "", committee=None,
                               member=None, by=None, category: str = Proposal.Category.SOCIETY) -> Proposal:
    """A proposal draft made from another record (a consultation outcome, a reception visit): the
    named member (the lead proposer) then edits, invites co-signers and submits it as usual."""
    if member is None:
        raise DomainError("请指定提案的领衔委员。", field="member")
    return proposal_create_draft(member=member, committee=committee or member.committee, title=title,
                                 content=content or body, category=category, source=source, by=by)


proposal_create_from_source = proposal_draft_from_source
