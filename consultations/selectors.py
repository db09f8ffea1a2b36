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
    return follow_up_list(user=user).overdue().order_by("due_at")


def overdue_outcomes(*, user):
    """The leaders' list: outcome items sent to a unit and not reported by their due date."""
    return outcome_list(user=user).overdue().order_by("due_at", "pk")


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


# --- Who is told about what: one function per item type, shared by services and sweeps ------------

def organiser_user_ids(consultations) -> dict[int, set[int]]:
    """consultation id → the users who organise it: the organising workstation's convenors (its lead
    when it has none), else the committee's office staff."""
    from core.recipients import committee_user_ids
    from workstations.selectors import convenor_user_ids

    consultations = list(consultations)
    staff = committee_user_ids(c.committee_id for c in consultations)
    ws = convenor_user_ids({c.organiser_workstation_id for c in consultations if c.organiser_workstation_id})
    return {c.pk: (ws.get(c.organiser_workstation_id, set()) if c.organiser_workstation_id else set())
            or staff.get(c.committee_id, set()) for c in consultations}


def office_user_ids(consultations) -> dict[int, set[int]]:
    """consultation id → its committee's office staff (told when research or minutes are late)."""
    from core.recipients import committee_user_ids

    consultations = list(consultations)
    staff = committee_user_ids(c.committee_id for c in consultations)
    return {c.pk: staff.get(c.committee_id, set()) for c in consultations}


def research_lead_user_ids(consultations) -> dict[int, set[int]]:
    """consultation id → the research lead's login (the chair's when no lead is set); needs
    ``lead_member`` and ``chair`` loaded."""
    out = {}
    for c in consultations:
        lead = c.lead_member or c.chair
        out[c.pk] = {lead.user_id} if lead is not None and lead.user_id else set()
    return out


def outcome_unit_user_ids(outcomes) -> dict[int, set[int]]:
    """outcome id → the logins of the unit that handles it (reminders and assignment notices)."""
    from core.recipients import unit_user_ids

    outcomes = list(outcomes)
    units = unit_user_ids(o.handling_unit_id for o in outcomes)
    return {o.pk: units.get(o.handling_unit_id, set()) for o in outcomes}


def outcome_escalation_user_ids(outcomes) -> dict[int, set[int]]:
    """outcome id → who hears of a late item: its unit and the committee's leaders; needs
    ``consultation`` loaded."""
    from core.recipients import committee_user_ids
    from core.scoping import Role

    outcomes = list(outcomes)
    units = outcome_unit_user_ids(outcomes)
    leaders = committee_user_ids((o.consultation.committee_id for o in outcomes), Role.LEADER)
    return {o.pk: units[o.pk] | leaders.get(o.consultation.committee_id, set()) for o in outcomes}


def follow_up_escalation_user_ids(visits) -> dict[int, set[int]]:
    """follow-up visit id → the committee's leaders (a visit not held in time goes on their list);
    needs ``consultation`` loaded."""
    from core.recipients import committee_user_ids
    from core.scoping import Role

    visits = list(visits)
    leaders = committee_user_ids((v.consultation.committee_id for v in visits), Role.LEADER)
    return {v.pk: leaders.get(v.consultation.committee_id, set()) for v in visits}
