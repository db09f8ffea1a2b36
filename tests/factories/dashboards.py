"""A small, hand-counted world for the dashboard tests: a city committee with two counties, each
figure's expected value written out in ``EXPECTED`` next to the rows that make it.

Rows are written directly with the ORM (explicit statuses and dates), not through the other apps'
services: the dashboard reads what is stored, and exact dates are what make figures hand-countable.
Build it inside ``time_machine.travel(TODAY_AT)`` so "this month" and "overdue" are fixed.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from core.models import CalendarDay
from core.scoping import Role
from members.models import Assignment, Committee, PlenarySession, PointEntry, PointRule, Term

from . import (
    CommitteeFactory, CommunityFactory, HandlingUnitFactory, MemberFactory, SectorFactory, SpecialCommitteeFactory,
    TownshipFactory, make_user,
)

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 20)
TODAY_AT = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)


def at(y, m, d, h=12) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=SH)


# Figures for county A alone (period: year 2026), then for the city (A + B).
EXPECTED_A = {
    "members.active": 3,            # m1, m2, m4 (m3 is inactive)
    "coverage.assigned": 2,         # m1, m2
    "coverage.unassigned": 1,       # m4
    "coverage.communities": 3,      # c1, c2, c3
    "coverage.uncovered": 1,        # c2
    "township_members": {"甲一街道": 2, "甲二镇": 1},
    "ws.active": 2,                 # W1, W2 (W3 inactive)
    "ws.reception_days": 3,         # W1 10-15, W1 11-03, W2 10-20 held (planned/cancelled do not count)
    "ws.visits": 4,                 # three at W1 on 11-03, one at W2 on 10-20
    "ws.helped": 1,
    "ws.idle_month": 1,             # W2 held nothing in November
    "cons.open": 2,                 # K1 researching, K2 held
    "cons.overdue": 1,              # K1
    "cons.held": 2,                 # K2 (2026-10-08), K3 (2026-05-01)
    "cons.outcomes_assigned": 2,
    "cons.outcomes_reported": 1,
    "cons.outcomes_overdue": 1,     # O2 (U2)
    "cons.follow_ups": 1,
    "fu": (8, 1, 1),
    "prop.submitted": 3,
    "prop.filed": 2,
    "prop.answered": 1,             # P1, class A
    "prop.evaluated.satisfied": 1,
    "prop.open": 2,                 # P2 assigned, P3 submitted
    "prop.overdue": 1,              # P2's lead unit U2
    "op.received": 2,
    "op.forwarded": 1,
    "op.answered": 1,
    "op.carried_back": 1,
    "op.people_reached": 5,
    "op.instructions": 1,
    "op.overdue": 1,                # R2 waiting on registration
    "points": 80,                   # m1 30 + 40, m2 10
    "members.under_threshold": 2,   # m2 (10), m4 (0); m1 has 70 ≥ 60
}
EXPECTED_B = {"members.active": 1, "coverage.uncovered": 1, "ws.reception_days": 1, "ws.visits": 2,
              "members.under_threshold": 1, "coverage.communities": 1}
# Handling unit U1 in 2026: three answers, all on time; working days 28 (proposal, across the
# Spring Festival holiday and two 调休 Saturdays), 11 (opinion, across Qingming), 31 (outcome).
EXPECTED_U1 = {"answered": 3, "on_time": 3, "on_time_share": 100.0, "median_working_days": 28,
               "class_a": 1, "satisfaction": 100.0}


def build_world() -> SimpleNamespace:
    from consultations.models import Consultation, FollowUpVisit, Outcome, Topic
    from opinions.models import CarryBack, Forwarding, LeaderInstruction, OpinionReport, UnitFeedback
    from proposals.models import Answer, Evaluation, Proposal, UnitAssignment
    from workstations.models import ReceptionDay, Visit, Workstation

    w = SimpleNamespace()
    # Working-day calendar: Spring Festival 2026-02-16..20 off, Saturdays 02-14 and 02-28 worked; Qingming 04-06 off.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=dt.date(2026, 2, d), is_working_day=False, name="春节") for d in range(16, 21)]
        + [CalendarDay(date=dt.date(2026, 2, 14), is_working_day=True, name="春节调休"),
           CalendarDay(date=dt.date(2026, 2, 28), is_working_day=True, name="春节调休"),
           CalendarDay(date=dt.date(2026, 4, 6), is_working_day=False, name="清明节")])

    w.city = CommitteeFactory(name="政协测试市委员会", short_name="测试市", level=Committee.Level.CITY)
    w.A = CommitteeFactory(name="政协甲县委员会", short_name="甲县", parent=w.city)
    w.B = CommitteeFactory(name="政协乙县委员会", short_name="乙县", parent=w.city)
    A, B = w.A, w.B
    w.S1, w.S2 = SectorFactory(committee=A, name="经济界"), SectorFactory(committee=A, name="教育界")
    w.S3 = SectorFactory(committee=B, name="农业界")
    w.SC1 = SpecialCommitteeFactory(committee=A, name="提案委员会")
    w.SC3 = SpecialCommitteeFactory(committee=B, name="经济委员会")
    w.T1, w.T2 = TownshipFactory(committee=A, name="甲一街道"), TownshipFactory(committee=A, name="甲二镇")
    w.T3 = TownshipFactory(committee=B, name="乙一镇")
    w.c1, w.c2 = CommunityFactory(township=w.T1, name="一社区"), CommunityFactory(township=w.T1, name="二社区")
    w.c3 = CommunityFactory(township=w.T2, name="三村")
    w.c4 = CommunityFactory(township=w.T3, name="四村")
    mk = lambda name, committee, sector, sc, **kw: MemberFactory(  # noqa: E731
        name=name, committee=committee, sector=sector, special_committee=sc, **kw)
    w.m1 = mk("甲委员一", A, w.S1, w.SC1)
    w.m2 = mk("甲委员二", A, w.S2, w.SC1)
    w.m3 = mk("甲委员三", A, w.S1, w.SC1, is_active=False)
    w.m4 = mk("甲委员四", A, w.S1, w.SC1)
    w.m5 = mk("乙委员五", B, w.S3, w.SC3)
    start = dt.date(2026, 1, 1)
    Assignment.objects.create(member=w.m1, township=w.T1, community=w.c1, start_date=start)
    Assignment.objects.create(member=w.m2, township=w.T1, start_date=start)
    Assignment.objects.create(member=w.m2, township=w.T2, community=w.c3, start_date=start)
    Assignment.objects.create(member=w.m3, township=w.T1, community=w.c2, start_date=start)  # inactive member
    Assignment.objects.create(member=w.m4, township=w.T2, community=w.c3, start_date=dt.date(2025, 1, 1),
                              end_date=dt.date(2025, 12, 31))  # ended

    rule = PointRule.objects.create(code="test.act", name="测试履职", points=10)
    for member, day, pts in [(w.m1, dt.date(2026, 3, 5), 30), (w.m1, dt.date(2026, 7, 1), 40),
                             (w.m2, dt.date(2026, 2, 1), 10), (w.m2, dt.date(2025, 12, 1), 50)]:
        PointEntry.objects.create(member=member, rule=rule, points=pts, occurred_on=day, note=str(day))

    w.U1 = HandlingUnitFactory(committee=A, name="甲县住建局")
    w.U2 = HandlingUnitFactory(committee=A, name="甲县交通局")

    # --- workstations ---
    w.W1 = Workstation.objects.create(committee=A, name="甲一街道委员工作室", township=w.T1)
    w.W2 = Workstation.objects.create(committee=A, name="甲二镇委员工作室", township=w.T2)
    w.W3 = Workstation.objects.create(committee=A, name="已停用工作室", township=w.T2, is_active=False)
    w.W4 = Workstation.objects.create(committee=B, name="乙一镇委员工作室", township=w.T3)
    rd = lambda ws, day, status="held": ReceptionDay.objects.create(workstation=ws, date=day, status=status)  # noqa: E731
    d1 = rd(w.W1, dt.date(2026, 11, 3))
    rd(w.W1, dt.date(2026, 10, 15))
    d3 = rd(w.W2, dt.date(2026, 10, 20))
    rd(w.W2, dt.date(2026, 11, 25), "planned")
    rd(w.W2, dt.date(2026, 11, 10), "cancelled")
    d5 = rd(w.W4, dt.date(2026, 9, 9))
    for outcome in ("helped", "answered", "answered"):
        Visit.objects.create(workstation=w.W1, reception_day=d1, received_on=d1.date, issue="路灯不亮", outcome=outcome)
    Visit.objects.create(workstation=w.W2, reception_day=d3, received_on=d3.date, issue="道路积水", outcome="referred")
    for _ in range(2):
        Visit.objects.create(workstation=w.W4, reception_day=d5, received_on=d5.date, issue="公交班次少")

    # --- consultations ---
    topic = Topic.objects.create(committee=A, title="老旧小区改造")
    cons = lambda title, step, **kw: Consultation.objects.create(  # noqa: E731
        committee=A, topic=topic, title=title, format="livelihood", step=step, venue_township=w.T1, **kw)
    w.K1 = cons("K1", "researching", due_at=at(2026, 11, 1))
    w.K2 = cons("K2", "held", held_on=dt.date(2026, 10, 8), due_at=at(2026, 12, 31))
    w.K3 = cons("K3", "closed", held_on=dt.date(2026, 5, 1))
    Outcome.objects.create(consultation=w.K3, text="O1", handling_unit=w.U1, status="done", assigned_at=at(2026, 5, 2),
                           due_at=at(2026, 7, 1), reported_at=at(2026, 6, 15), report="已完成")
    Outcome.objects.create(consultation=w.K3, text="O2", handling_unit=w.U2, status="assigned",
                           assigned_at=at(2026, 5, 2), due_at=at(2026, 7, 1))
    FollowUpVisit.objects.create(consultation=w.K3, scheduled_on=dt.date(2026, 6, 1), held_on=dt.date(2026, 6, 1),
                                 satisfied=8, basically_satisfied=1, unsatisfied=1)

    # --- proposals ---
    term = Term.objects.create(committee=A, number=10, name="第十届")
    session = PlenarySession.objects.create(term=term, number=2, name="十届二次会议")
    prop = lambda title, member, status, **kw: Proposal.objects.create(  # noqa: E731
        committee=A, session=session, member=member, title=title, content="内容", status=status, **kw)
    w.P1 = prop("P1", w.m1, "evaluated", number=1, submitted_at=at(2026, 1, 5), filed_at=at(2026, 1, 10),
                assigned_at=at(2026, 1, 15))
    w.P2 = prop("P2", w.m2, "assigned", number=2, submitted_at=at(2026, 2, 1), filed_at=at(2026, 2, 5),
                assigned_at=at(2026, 2, 5))
    w.P3 = prop("P3", w.m1, "submitted", submitted_at=at(2026, 11, 2))
    a1 = UnitAssignment.objects.create(proposal=w.P1, unit=w.U1, role="lead", due_at=at(2026, 4, 15),
                                       created_at=at(2026, 1, 15))
    Answer.objects.create(proposal=w.P1, assignment=a1, answer_class="B", reviewed_class="A", content="已解决",
                          status="submitted", submitted_at=at(2026, 3, 1))
    Evaluation.objects.create(proposal=w.P1, round=1, result="satisfied", created_at=at(2026, 3, 20))
    UnitAssignment.objects.create(proposal=w.P2, unit=w.U2, role="lead", due_at=at(2026, 5, 5),
                                  created_at=at(2026, 2, 5))

    # --- opinion reports ---
    w.leader = make_user("leader_a", Role.LEADER, committee=A)
    w.R1 = OpinionReport.objects.create(committee=A, title="R1", content="内容", source="member", status="closed",
                                        received_at=at(2026, 4, 1), workstation=w.W1)
    f1 = Forwarding.objects.create(report=w.R1, unit=w.U1, forwarded_at=at(2026, 4, 2), due_at=at(2026, 5, 2),
                                   is_active=False, answered_at=at(2026, 4, 20))
    UnitFeedback.objects.create(report=w.R1, forwarding=f1, unit=w.U1, content="已处理", proposed_outcome="resolved",
                                answered_at=at(2026, 4, 20))
    CarryBack.objects.create(report=w.R1, member=w.m1, carried_on=dt.date(2026, 4, 25), method="visit",
                             people_reached=5, satisfaction="satisfied")
    LeaderInstruction.objects.create(report=w.R1, leader=w.leader, text="请抓紧办理", instructed_on=dt.date(2026, 4, 10))
    w.R2 = OpinionReport.objects.create(committee=A, title="R2", content="内容", source="public", status="received",
                                        received_at=at(2026, 11, 5), due_at=at(2026, 11, 10), due_stage="registration")
    return w
