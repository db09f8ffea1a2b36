"""Deadline sweeps for proposals (SPEC section 3), run by beat through ``core.run_sweeps``.

Each sweep reads the due items in one query, works out the recipients with one query per role, and
inserts notifications in bulk. A notification's ``day`` is the day its stage began (e.g. 30 days
before the due date, or the first day of the n-th overdue week), so the unique (recipient, item,
stage, day) constraint makes every run after the first a no-op for that stage — however often beat
runs, and even if a run was missed (the stage is sent late, once).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.deadlines import end_of_day
from core.errors import DomainError
from core.notifications import notification_rows, notify_rows
from core.scoping import Role
from core.sweeps import sweep

from .models import Countersign, Proposal, UnitAssignment


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _role_users(role: str, committee_ids) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    rows = get_user_model().objects.filter(
        groups__name=role, is_active=True, portal_profile__committee_id__in=set(committee_ids)
    ).values_list("pk", "portal_profile__committee_id").distinct()
    for uid, cid in rows:
        out[cid].append(uid)
    return out


def _unit_users(unit_ids) -> dict[int, list[int]]:
    from .services import unit_user_ids

    return unit_user_ids(set(unit_ids))


def _url(proposal_id: int) -> str:
    return reverse("proposals:detail", args=[proposal_id])


def overdue_stage_day(due_on: dt.date, today: dt.date) -> dt.date:
    """First day of the current overdue week: the escalation goes out once, then once a week."""
    repeat = max(settings.PROPOSAL_ESCALATION_REPEAT_DAYS, 1)
    days_late = (today - due_on).days  # >= 1
    return due_on + dt.timedelta(days=1 + ((days_late - 1) // repeat) * repeat)


def reminder_stage(days_left: int, offsets: list[int]) -> int | None:
    """The reminder stage (days before due) that ``days_left`` has most recently reached."""
    reached = [o for o in offsets if days_left <= o]
    return min(reached) if reached else None


def review_sweep(today: dt.date) -> int:
    before = settings.PROPOSAL_REVIEW_REMINDER_DAYS_BEFORE
    items = list(Proposal.objects.filter(status=Proposal.Status.SUBMITTED,
                                         due_at__lte=end_of_day(today + dt.timedelta(days=before)))
                 .only("pk", "title", "committee_id", "due_at"))
    if not items:
        return 0
    office = _role_users(Role.STAFF, {p.committee_id for p in items})
    leaders = _role_users(Role.LEADER, {p.committee_id for p in items})
    rows = []
    for p in items:
        due_on = _local_day(p.due_at)
        if due_on >= today:
            rows += notification_rows(office[p.committee_id], stage="proposal.review.soon", item=p, url=_url(p.pk),
                                      day=due_on - dt.timedelta(days=before),
                                      title=f"提案《{p.title}》审查期限{due_on:%Y-%m-%d}，请及时审查立案")
        else:
            rows += notification_rows(leaders[p.committee_id] + office[p.committee_id],
                                      stage="proposal.review.overdue", item=p, url=_url(p.pk),
                                      day=overdue_stage_day(due_on, today),
                                      title=f"提案《{p.title}》逾期未审查（期限{due_on:%Y-%m-%d}）")
    return notify_rows(rows)


def answer_sweep(today: dt.date) -> int:
    offsets = sorted(settings.PROPOSAL_ANSWER_REMINDER_DAYS_BEFORE, reverse=True)
    horizon = end_of_day(today + dt.timedelta(days=max(offsets or [0])))
    # Owed answers are the queryset's own "open" read (core.deadlines), the same as pages and dashboards.
    items = list(UnitAssignment.objects.open().filter(due_at__lte=horizon).select_related("proposal__session", "unit"))
    if not items:
        return 0
    units = _unit_users(a.unit_id for a in items)
    office = _role_users(Role.STAFF, {a.proposal.committee_id for a in items})
    rows = []
    for a in items:
        p = a.proposal
        due_on = _local_day(a.due_at)
        days_left = (due_on - today).days
        label = f"{p.number_label}《{p.title}》"
        if days_left >= 0:
            stage = reminder_stage(days_left, offsets)
            if stage is None:
                continue
            when = "今天到期" if days_left == 0 else f"还有{days_left}天到期（{due_on:%Y-%m-%d}）"
            rows += notification_rows(units.get(a.unit_id, []), stage=f"proposal.answer.d{stage}", item=a,
                                      url=_url(p.pk), day=due_on - dt.timedelta(days=stage),
                                      title=f"提案答复提醒：{label}{when}")
        else:
            escalate = list(units.get(a.unit_id, []))
            escalate += [p.supervising_leader_id] if p.supervising_leader_id else office[p.committee_id]
            rows += notification_rows(escalate, stage="proposal.answer.overdue", item=a, url=_url(p.pk),
                                      day=overdue_stage_day(due_on, today),
                                      title=f"提案答复逾期：{a.unit.name}承办的{label}已逾期{-days_left}天")
    return notify_rows(rows)


def countersign_sweep(today: dt.date) -> int:
    items = list(Countersign.objects.filter(status=Countersign.Status.PENDING,
                                            answer__proposal__status=Proposal.Status.ANSWERED,
                                            due_at__lte=end_of_day(today + dt.timedelta(days=1)))
                 .select_related("answer__proposal__session", "assignment__unit"))
    if not items:
        return 0
    units = _unit_users(c.assignment.unit_id for c in items)
    office = _role_users(Role.STAFF, {c.answer.proposal.committee_id for c in items})
    rows = []
    for c in items:
        p = c.answer.proposal
        due_on = _local_day(c.due_at)
        recipients = units.get(c.assignment.unit_id, [])
        if due_on >= today:
            rows += notification_rows(recipients, stage="proposal.countersign.soon", item=c, url=_url(p.pk),
                                      day=due_on - dt.timedelta(days=1),
                                      title=f"请于{due_on:%Y-%m-%d}前会签提案{p.number_label}的答复")
        else:
            rows += notification_rows(recipients + office[p.committee_id], stage="proposal.countersign.overdue",
                                      item=c, url=_url(p.pk), day=overdue_stage_day(due_on, today),
                                      title=f"{c.assignment.unit.name}逾期未会签提案{p.number_label}")
    return notify_rows(rows)


def class_review_sweep(today: dt.date) -> int:
    items = list(Proposal.objects.filter(status=Proposal.Status.COUNTERSIGNED, due_at__lt=end_of_day(today)
                                         - dt.timedelta(days=1)).select_related("session"))
    if not items:
        return 0
    office = _role_users(Role.STAFF, {p.committee_id for p in items})
    rows = []
    for p in items:
        due_on = _local_day(p.due_at)
        if due_on >= today:
            continue
        rows += notification_rows(office[p.committee_id], stage="proposal.class_review.overdue", item=p,
                                  url=_url(p.pk), day=overdue_stage_day(due_on, today),
                                  title=f"提案{p.number_label}的答复逾期未审核分类")
    return notify_rows(rows)


def evaluation_sweep(today: dt.date) -> dict[str, int]:
    before = settings.PROPOSAL_EVALUATION_REMINDER_DAYS_BEFORE
    items = list(Proposal.objects.filter(status=Proposal.Status.RELEASED,
                                         due_at__lte=end_of_day(today + dt.timedelta(days=before)))
                 .select_related("member"))
    rows, closed = [], 0
    now = timezone.now()
    for p in items:
        if p.due_at < now:
            from .services import proposal_close_unevaluated

            try:
                proposal_close_unevaluated(proposal=p)
                closed += 1
            except DomainError:  # moved on since the read (evaluated meanwhile): nothing to do
                pass
            continue
        due_on = _local_day(p.due_at)
        if p.member_id and p.member.user_id:
            rows += notification_rows([p.member.user_id], stage="proposal.evaluation.soon", item=p, url=_url(p.pk),
                                      day=due_on - dt.timedelta(days=before),
                                      title=f"请于{due_on:%Y-%m-%d}前评价提案《{p.title}》的答复")
    return {"reminded": notify_rows(rows), "closed_unevaluated": closed}


@sweep("proposals.deadlines", group="frequent")
def proposal_deadlines(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "review": review_sweep(today),
        "answer": answer_sweep(today),
        "countersign": countersign_sweep(today),
        "class_review": class_review_sweep(today),
        "evaluation": evaluation_sweep(today),
    }
