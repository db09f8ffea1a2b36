"""Consultation test data, built through the real services (the same code users run)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Outcome
from core.scoping import Role
from members.models import Member
from tests.factories import CommitteeFactory, HandlingUnitFactory, MemberFactory, TownshipFactory, make_user

S = Consultation.Step


@dataclass
class Env:
    committee: object
    staff: object
    leader: object
    chair: Member
    chair_user: object
    member: Member
    member_user: object
    unit: object
    unit_user: object
    other_unit: object
    other_unit_user: object
    township: object
    extra: dict = field(default_factory=dict)


def make_env(prefix: str = "co") -> Env:
    committee = CommitteeFactory()
    staff = make_user(f"{prefix}_staff", Role.STAFF, committee=committee)
    leader = make_user(f"{prefix}_leader", Role.LEADER, committee=committee)
    chair = MemberFactory(committee=committee, name="王主持")
    chair_user = make_user(f"{prefix}_chair", Role.MEMBER, member=chair)
    member = MemberFactory(committee=committee, name="李委员")
    member_user = make_user(f"{prefix}_member", Role.MEMBER, member=member)
    unit = HandlingUnitFactory(committee=committee, name="县住房和城乡建设局")
    unit_user = make_user(f"{prefix}_unit", Role.UNIT, unit=unit)
    other_unit = HandlingUnitFactory(committee=committee, name="县交通运输局")
    other_unit_user = make_user(f"{prefix}_unit2", Role.UNIT, unit=other_unit)
    township = TownshipFactory(committee=committee, name="五马街道")
    return Env(committee, staff, leader, chair, chair_user, member, member_user, unit, unit_user, other_unit,
               other_unit_user, township)


def make_consultation(env: Env, *, format: str = Consultation.Format.COURTYARD, title: str | None = None,
                      chair: Member | None | bool = None, **kwargs) -> Consultation:
    """``chair=False`` for a consultation without a chair yet."""
    n = Consultation.objects.count() + 1
    topic = services.topic_create(committee=env.committee, title=kwargs.pop("topic_title", f"背街小巷路灯改造{n}"),
                                  source=kwargs.pop("source", "public"), by=env.staff,
                                  solicitation_opens_on=kwargs.pop("solicitation_opens_on", None),
                                  solicitation_closes_on=kwargs.pop("solicitation_closes_on", None))
    return services.consultation_create(topic=topic, title=title or f"院坝协商{n}", format=format,
                                        chair=env.chair if chair is None else (chair or None), venue_township=env.township,
                                        by=env.staff, **kwargs)


def advance(env: Env, c: Consultation, to: str, *, units=None) -> Consultation:
    """Move ``c`` forward through the real services until it reaches step ``to``."""
    order = [S.TOPIC_SELECTED, S.RESEARCHING, S.HELD, S.OUTCOMES, S.CONVERTING, S.FOLLOW_UP, S.CLOSED]
    units = units or [env.unit]
    by = env.staff
    while order.index(c.step) < order.index(to):
        if c.step == S.TOPIC_SELECTED:
            services.consultation_start_research(consultation=c, by=by)
        elif c.step == S.RESEARCHING:
            task = services.research_task_add(consultation=c, title="走访沿街住户", lead=env.chair, by=by)
            services.research_findings_record(task=task, findings="37户反映夜间无照明", by=by)
            services.participant_add(consultation=c, kind="member", member=env.member, by=by)
            services.consultation_hold_session(consultation=c, held_on=timezone.localdate(), by=by)
        elif c.step == S.HELD:
            services.minutes_record(consultation=c, body="与会各方同意分两期改造路灯。", by=by)
            for u in units:
                services.outcome_add(consultation=c, text=f"由{u.name}负责改造路灯", handling_unit=u, by=by)
            services.consultation_finish_session(consultation=c, by=by)
        elif c.step == S.OUTCOMES:
            services.consultation_send_outcomes(consultation=c, by=by)
        elif c.step == S.CONVERTING:
            services.follow_up_schedule(consultation=c, scheduled_on=timezone.localdate() + dt.timedelta(days=5), by=by)
        elif c.step == S.FOLLOW_UP:
            services.follow_up_record(consultation=c, held_on=timezone.localdate(), findings="路灯已亮",
                                      satisfied=20, basically_satisfied=3, unsatisfied=0, by=by)
            services.consultation_close(consultation=c, by=by)
        c.refresh_from_db()
    return c


def report_all(env: Env, c: Consultation, result: str = Outcome.Status.DONE) -> None:
    for o in c.outcomes.filter(status__in=Outcome.OPEN).select_related("handling_unit"):
        user = env.unit_user if o.handling_unit_id == env.unit.pk else env.other_unit_user
        services.outcome_report(outcome=o, result=result, report="已完成路灯安装", by=user)
