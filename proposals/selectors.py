"""Reads for proposal pages and API: each starts from ``visible_to(user)`` and owns its
select/prefetch, so templates and serializers only read attributes (constant query counts)."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from core.scoping import get_visible_or_404, user_scope

from .models import (
    Answer, Countersign, Proposal, ProposalCosigner, PublicComment, PublicOpening, SupervisionRecord,
    UnitAssignment,
)


def proposal_list(*, user, status: str | None = None, search: str | None = None) -> QuerySet[Proposal]:
    qs = Proposal.objects.visible_to(user).select_related("session", "member", "committee")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(member__name__icontains=search) | Q(group_name__icontains=search))
    return qs


def proposal_get(*, user, pk: int) -> Proposal:
    qs = Proposal.objects.select_related(
        "session", "member", "committee", "supervising_leader", "review", "public_opening", "sector",
        "special_committee", "source_content_type",
    ).prefetch_related(
        Prefetch("cosigners", queryset=ProposalCosigner.objects.select_related("member")),
        Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit", "answer")),
        Prefetch("answers", queryset=Answer.objects.select_related("assignment__unit").prefetch_related(
            Prefetch("countersigns", queryset=Countersign.objects.select_related("assignment__unit"))
        ).order_by("round", "pk")),
        "evaluations",
        Prefetch("supervision_records", queryset=SupervisionRecord.objects.select_related("leader")),
    )
    return get_visible_or_404(qs, user, pk=pk)


def member_proposals(*, user) -> QuerySet[Proposal]:
    s = user_scope(user)
    return (Proposal.objects.visible_to(user).filter(member_id=s.member_id)
            .select_related("session").annotate(n_cosigners=Count("cosigners")).order_by("-created_at", "-pk"))


def cosign_requests(*, user) -> QuerySet[ProposalCosigner]:
    s = user_scope(user)
    return (ProposalCosigner.objects.filter(member_id=s.member_id or 0)
            .select_related("proposal__member", "proposal__session").order_by("-created_at", "-pk"))


def office_queue(*, user, status: str | None = None) -> QuerySet[Proposal]:
    s = user_scope(user)
    qs = (Proposal.objects.visible_to(user).filter(s.committee_q("committee"))
          .exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.COSIGNING])
          .select_related("session", "member")
          .prefetch_related(Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit")))
          .annotate(n_cosigners=Count("cosigners", filter=Q(cosigners__status="confirmed"))))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(F("due_at").asc(nulls_last=True), "-pk")


def unit_assignments(*, user) -> QuerySet[UnitAssignment]:
    """The unit's current work: answers owed and countersigns asked for, by due date."""
    s = user_scope(user)
    return (UnitAssignment.objects.visible_to(user).filter(unit_id=s.unit_id or 0).current()
            .exclude(proposal__status__in=[Proposal.Status.CLOSED])
            .select_related("proposal__session", "answer", "unit")
            .prefetch_related(Prefetch("countersigns", queryset=Countersign.objects.all()))
            .order_by("due_at", "pk"))


def key_proposals(*, user) -> QuerySet[Proposal]:
    return (Proposal.objects.visible_to(user).filter(is_key=True)
            .select_related("session", "member", "supervising_leader")
            .prefetch_related(Prefetch("supervision_records", queryset=SupervisionRecord.objects.order_by("-on", "-pk")),
                              Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit")))
            .order_by("due_at", "pk"))


def overdue_reviews(*, user) -> QuerySet[Proposal]:
    return (Proposal.objects.visible_to(user).overdue().filter(status=Proposal.Status.SUBMITTED)
            .select_related("session", "member").order_by("due_at"))


def overdue_answers(*, user) -> QuerySet[UnitAssignment]:
    return (UnitAssignment.objects.visible_to(user).overdue()
            .select_related("proposal__session", "unit").order_by("due_at"))


def public_openings() -> QuerySet[PublicOpening]:
    return (PublicOpening.objects.public().select_related("proposal__session")
            .annotate(n_comments=Count("comments", filter=Q(comments__status="approved")))
            .order_by("-opened_on", "-pk"))


def public_opening_get(*, pk: int) -> PublicOpening:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        PublicOpening.objects.public().select_related("proposal__session").prefetch_related(
            Prefetch("comments", queryset=PublicComment.objects.approved().select_related("reply_unit")
                     .order_by("created_at", "pk"), to_attr="approved_comments"),
            Prefetch("proposal__assignments", queryset=UnitAssignment.objects.select_related("unit")),
        ),
        pk=pk,
    )


def moderation_queue(*, user, status: str = "pending") -> QuerySet[PublicComment]:
    s = user_scope(user)
    return (PublicComment.objects.visible_to(user).filter(s.committee_q("opening__proposal__committee"))
            .filter(status=status).select_related("opening__proposal__session").order_by("created_at", "pk"))


def unit_comments(*, user) -> QuerySet[PublicComment]:
    s = user_scope(user)
    return (PublicComment.objects.visible_to(user).approved()
            .filter(opening__proposal__assignments__unit_id=s.unit_id or 0).distinct()
            .select_related("opening__proposal__session").order_by("replied_at", "-created_at"))


# --- Notification recipients (who is told about a proposal), built on core.recipients -------------

def office_user_ids(committee_id: int) -> list[int]:
    """The office staff of the proposal's committee."""
    from core.recipients import committee_user_ids

    return sorted(committee_user_ids([committee_id]).get(committee_id, set()))


def unit_user_ids(unit_ids) -> dict[int, list[int]]:
    """{unit id: its active logins}."""
    from core.recipients import unit_user_ids as by_unit

    return {u: sorted(ids) for u, ids in by_unit(unit_ids).items()}
