"""The handling unit's workbench (SPEC section 4: "my assigned proposals, outcomes and reports, sorted by
due date, with answer forms"): every open item waiting on the user's unit across the opinions, proposals
and consultations apps, merged into one list.

This module only reads. Which items are the unit's and which are still open is decided by each app's own
scoped selectors and queryset methods (``visible_to(user)`` underneath); we compose them, one query per
kind, so the page costs the same number of queries whatever the unit's workload. Only open items are
loaded, so the merge-and-sort in Python is bounded by the unit's current work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from core.deadlines import DUE_SOON_DAYS, Urgency, urgency  # noqa: F401 - the one overdue/due-soon rule
from core.scoping import user_scope


class Kind:
    OPINION = "opinion"
    PROPOSAL_ANSWER = "proposal_answer"
    PROPOSAL_COUNTERSIGN = "proposal_countersign"
    OUTCOME = "outcome"

    LABELS = {
        OPINION: "社情民意反馈",
        PROPOSAL_ANSWER: "提案答复",
        PROPOSAL_COUNTERSIGN: "提案会签",
        OUTCOME: "协商成果办理",
    }
    ORDER = (OPINION, PROPOSAL_ANSWER, PROPOSAL_COUNTERSIGN, OUTCOME)


@dataclass(frozen=True)
class WorkItem:
    kind: str
    pk: int
    title: str
    detail: str
    due_at: dt.datetime | None
    url: str
    action: str
    urgency: str

    @property
    def kind_label(self) -> str:
        return Kind.LABELS[self.kind]

    @property
    def urgency_label(self) -> str:
        return Urgency.LABELS[self.urgency]


def _opinion_items(user, now):
    from opinions import selectors

    for r in selectors.unit_inbox(user=user):
        yield WorkItem(Kind.OPINION, r.pk, r.title, r.committee.name, r.due_at,
                       reverse("opinions:unit-detail", args=[r.pk]), "反馈", urgency(r.due_at, now))


def _proposal_answer_items(user, now):
    from proposals import selectors

    owed = selectors.unit_assignments(user=user).awaiting_answer().prefetch_related(None)
    for a in owed:
        p = a.proposal
        yield WorkItem(Kind.PROPOSAL_ANSWER, a.pk, p.title, f"{p.number_label} · {a.get_role_display()}"
                       + ("（重新办理）" if a.round > 1 else ""), a.due_at,
                       reverse("proposals:answer", args=[p.pk]), "答复", urgency(a.due_at, now))


def _proposal_countersign_items(user, now):
    from proposals import selectors
    from proposals.models import Countersign, Proposal

    # The co-unit's assignments of the current round (the proposals app's own selector); a countersign
    # is still owed while it is pending and the proposal waits in 已答复待会签 (countersign_confirm's rule).
    mine = selectors.unit_assignments(user=user).filter(role="co").prefetch_related(None)
    pending = (Countersign.objects.filter(assignment__in=mine, status=Countersign.Status.PENDING,
                                          answer__proposal__status=Proposal.Status.ANSWERED)
               .select_related("answer__proposal__session").order_by("due_at", "pk"))
    for cs in pending:
        p = cs.answer.proposal
        yield WorkItem(Kind.PROPOSAL_COUNTERSIGN, cs.pk, p.title, f"{p.number_label} · 会办", cs.due_at,
                       reverse("proposals:detail", args=[p.pk]), "会签", urgency(cs.due_at, now))


def _outcome_items(user, now):
    from consultations import selectors

    s = user_scope(user)
    url = reverse("consultations:unit-outcomes")
    for o in selectors.outcome_list(user=user).waiting_on_unit(s.unit_id or 0):
        yield WorkItem(Kind.OUTCOME, o.pk, o.text[:80], o.consultation.title, o.due_at,
                       f"{url}?status={o.status}", "报告办理情况", urgency(o.due_at, now))


def unit_workbench(*, user, now: dt.datetime | None = None) -> dict:
    """The unit's open items of every kind, nearest deadline first (no deadline last), with counts per
    kind and per urgency. Four queries whatever the number of items."""
    now = now or timezone.now()
    items: list[WorkItem] = []
    for source in (_opinion_items, _proposal_answer_items, _proposal_countersign_items, _outcome_items):
        items.extend(source(user, now))
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    items.sort(key=lambda i: (i.due_at or far, Kind.ORDER.index(i.kind), i.pk))
    by_kind = {k: 0 for k in Kind.ORDER}
    by_urgency = {u: 0 for u in Urgency.LABELS}
    for i in items:
        by_kind[i.kind] += 1
        by_urgency[i.urgency] += 1
    return {
        "items": items,
        "kind_counts": [(k, Kind.LABELS[k], by_kind[k]) for k in Kind.ORDER],
        "urgency_counts": by_urgency,
        "now": now,
    }
