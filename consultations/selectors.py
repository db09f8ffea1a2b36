"""Reads for pages and API: scoped querysets with everything a list or detail shows loaded in a
constant number of queries."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When

from members.models import Member

from .models import Consultation, DutyMenu, FollowUpVisit, MenuClaim, Outcome, Participant, Topic, TopicComment


def consultation_list(*, user, filters: dict | None = None):
    qs = (Consultation.objects.visible_to(user)
          .select_related("topic", "chair", "venue_township", "venue_community", "venue_workstation",
                          "organiser_workstation", "committee")
          .annotate(outcome_count=Count("outcomes", distinct=True),
                    open_outcome_count=Count("outcomes", filter=Q(outcomes__status__in=Outcome.OPEN), distinct=True)))
    filters = filters or {}
    if filters.get("step"):
        qs = qs.filter(step=filters["step"])
    if filters.get("format"):
        qs = qs.filter(format=filters["format"])
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(topic__title__icontains=filters["q"]))
    return qs.order_by("-scheduled_on", "-pk")


def member_consultation_list(*, user):
    from core.scoping import user_scope

    from .querysets import member_consultation_q

    s = user_scope(user)
    if not s.member_id:
        return Consultation.objects.none()
    return (Consultation.objects.filter(member_consultation_q(s.member_id))
            .select_related("topic", "chair", "venue_township", "venue_community", "venue_workstation")
            .order_by("-scheduled_on", "-pk"))


def consultation_get(*, user, pk: int) -> Consultation:
    from core.scoping import get_visible_or_404

    qs = (Consultation.objects.select_related(
        "topic", "chair", "lead_member", "venue_township", "venue_community", "venue_workstation",
        "organiser_workstation", "committee", "parent", "minutes")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("member", "unit")),
            "research_tasks__lead",
            Prefetch("outcomes", queryset=Outcome.objects.select_related("handling_unit").order_by("pk")),
            Prefetch("follow_ups", queryset=FollowUpVisit.objects.prefetch_related("members")),
            "rounds"))
    return get_visible_or_404(qs, user, pk=pk)


def outcome_list(*, user, filters: dict | None = None):
    qs = (Outcome.objects.visible_to(user)
          .select_related("consultation", "consultation__topic", "handling_unit")
          .exclude(status=Outcome.Status.DRAFT))
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")


def follow_up_list(*, user):
    return (FollowUpVisit.objects.visible_to(user).select_related("consultation", "consultation__committee")
            .order_by("-scheduled_on", "-pk"))


def overdue_follow_ups(*, user):
    """The leaders' list: follow-up visits not held by their due date."""
    return follow_up_list(user=user).filter(held_on__isnull=True).overdue().order_by("due_at")


def topic_list(*, user):
    return (Topic.objects.visible_to(user).select_related("proposer_member", "proposer_unit", "menu")
            .annotate(claim_count=Count("claims", distinct=True), comment_count=Count("comments", distinct=True)))


def comment_moderation_list(*, user, status: str = TopicComment.Status.PENDING):
    return (TopicComment.objects.visible_to(user).filter(status=status).select_related("topic")
            .order_by("created_at", "pk"))


def approved_comments(*, topic: Topic):
    # Only what the public page shows: no name, no phone ever leaves the database.
    return (TopicComment.objects.public().filter(topic_id=topic.pk).order_by("-created_at", "-pk")
            .only("body", "created_at"))


def menu_quota_case():
    priority = getattr(settings, "MENU_QUOTA_PRIORITY", 2)
    others = getattr(settings, "MENU_QUOTA_OTHERS", 1)
    return Case(When(Q(is_standing=True) | Q(party__in=[Member.Party.CPC, Member.Party.DEMOCRATIC]),
                     then=Value(priority)), default=Value(others), output_field=IntegerField())


def menu_member_progress(*, menu: DutyMenu):
    """Every active member of the menu's committee with claims and quota, computed by the database."""
    return (Member.objects.filter(committee_id=menu.committee_id, is_active=True)
            .select_related("sector")
            .annotate(claimed=Count("menu_claims", filter=Q(menu_claims__topic__menu=menu)), quota=menu_quota_case()))


def menu_members_under_quota(*, menu: DutyMenu):
    """菜单式履职: members who have not claimed their quota (standing/party members 2, others 1)."""
    return menu_member_progress(menu=menu).filter(claimed__lt=F("quota")).order_by("claimed", "name_initials", "pk")


def menu_topics(*, menu: DutyMenu, member_id: int | None = None):
    qs = menu.topics.annotate(claim_count=Count("claims", distinct=True)).order_by("pk")
    if member_id:
        qs = qs.annotate(mine=Count("claims", filter=Q(claims__member_id=member_id), distinct=True))
    return qs


def menu_claims(*, user):
    return MenuClaim.objects.visible_to(user).select_related("topic", "topic__menu", "member")
