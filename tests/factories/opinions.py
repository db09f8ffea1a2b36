"""Opinion-report test data, built through the real services (so tests run the code users do)."""

from __future__ import annotations

from dataclasses import dataclass

from core.scoping import Role
from opinions import services
from opinions.models import CarryBack, OpinionReport, Outcome

from . import CommitteeFactory, HandlingUnitFactory, MemberFactory, make_user


@dataclass
class World:
    committee: object
    staff: object
    leader: object
    member: object
    member_user: object
    other_member: object
    other_member_user: object
    unit: object
    unit_user: object
    other_unit: object
    other_unit_user: object


def make_world(prefix: str = "") -> World:
    committee = CommitteeFactory()
    member = MemberFactory(committee=committee, name=f"{prefix}张委员")
    other = MemberFactory(committee=committee, name=f"{prefix}李委员")
    unit = HandlingUnitFactory(committee=committee, name=f"{prefix}县住房和城乡建设局")
    other_unit = HandlingUnitFactory(committee=committee, name=f"{prefix}县交通运输局")
    return World(
        committee=committee,
        staff=make_user(f"{prefix}staff", Role.STAFF, committee=committee),
        leader=make_user(f"{prefix}leader", Role.LEADER, committee=committee),
        member=member,
        member_user=make_user(f"{prefix}member", Role.MEMBER, member=member),
        other_member=other,
        other_member_user=make_user(f"{prefix}member2", Role.MEMBER, member=other),
        unit=unit,
        unit_user=make_user(f"{prefix}unit", Role.UNIT, unit=unit),
        other_unit=other_unit,
        other_unit_user=make_user(f"{prefix}unit2", Role.UNIT, unit=other_unit),
    )


STEPS = ["received", "registered", "forwarded_unit", "fed_back", "carried_back", "closed"]


def report_at(w: World, status: str = "received", *, title: str = "路灯不亮，夜间出行不安全", **kw) -> OpinionReport:
    """A report by ``w.member`` moved through the real services up to ``status``."""
    report = services.opinion_report_submit(committee=w.committee, title=title, content=f"{title}，请有关部门尽快处理。",
                                            members=[w.member], by=w.member_user, category="urban", **kw)
    extra = {
        "rejected": lambda: services.opinion_report_reject(report=report, by=w.staff, note="重复反映"),
    }
    if status in extra:
        extra[status]()
        return report
    path = STEPS[: STEPS.index(status) + 1] if status in STEPS else STEPS[:2]
    for step in path[1:]:
        if step == "registered":
            services.opinion_report_register(report=report, by=w.staff, category="urban")
        elif step == "forwarded_unit":
            services.opinion_report_forward(report=report, by=w.staff, unit=w.unit, note="请研究办理")
        elif step == "fed_back":
            services.opinion_report_feedback(report=report, by=w.unit_user, content="已安排维修，三日内完成。",
                                             outcome=Outcome.RESOLVED)
        elif step == "carried_back":
            services.opinion_report_carry_back(report=report, by=w.member_user, member=w.member,
                                               method=CarryBack.Method.VISIT, satisfaction=CarryBack.Satisfaction.SATISFIED,
                                               people_reached=5, member_rating=CarryBack.Rating.SATISFIED)
        elif step == "closed":
            services.opinion_report_close(report=report, by=w.staff, outcome=Outcome.RESOLVED)
    if status == "forwarded_up":
        services.opinion_report_forward(report=report, by=w.staff, upward=True)
    if status == "in_bulletin":
        services.bulletin_compose(committee=w.committee, title="专报", reports=[report], by=w.staff)
    report.refresh_from_db()
    return report
