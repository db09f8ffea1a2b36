"""The permission matrix's world: a city with two counties A and B, a login for every role of each,
and in county A one object of every kind a route can name (workstation, reception day, visit, opinion
report, consultation with an outcome, proposal with an answer, …).

Built on the dashboards' hand-counted world (``tests.factories.dashboards.build_world``), which
already holds both counties, their members, workstations, consultations, proposals and reports; this
module adds the logins, the memberships that make a convenor, and the rows the other routes name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import User
from django.utils import timezone

from core.scoping import Role
from tests.factories import HandlingUnitFactory, MemberFactory, make_user
from tests.factories.dashboards import at, build_world

# Roles of county A (and the city and the superuser), then the same roles of county B.
ROLES_A = ("anonymous", "member", "convenor", "unit", "staff", "leader", "city_staff", "superuser")
ROLES_B = ("b_member", "b_convenor", "b_unit", "b_staff", "b_leader")
ROLES = ROLES_A + ROLES_B


def build_matrix_world() -> SimpleNamespace:
    from consultations.models import Consultation, DutyMenu, MenuClaim, Outcome, Topic, TopicComment
    from core.models import DeadlinePolicy, Notification, OutboxMessage, StateChange
    from dashboards.models import DailyStat, RollupReport
    from dashboards.refresh import stats_refresh
    from members.models import RosterImport
    from members.services import roles_ensure
    from opinions.models import Bulletin, Forwarding, LeaderInstruction, OpinionReport, UnitFeedback
    from proposals.models import (
        Answer, Countersign, Proposal, ProposalCosigner, ProposalCounter, PublicComment, PublicOpening, Review,
        SupervisionRecord, UnitAssignment,
    )
    from workstations.models import ReceptionDay, Visit, WorkstationMembership, WorkstationMonthFlag

    w = build_world()
    roles_ensure()
    A, B = w.A, w.B

    # --- logins ----------------------------------------------------------------------------------
    users = {"anonymous": None}
    users["member"] = make_user("mx_member", Role.MEMBER, member=w.m1)
    users["convenor"] = make_user("mx_convenor", Role.MEMBER, Role.CONVENOR, member=w.m2)
    users["unit"] = make_user("mx_unit", Role.UNIT, unit=w.U1)
    users["staff"] = make_user("mx_staff", Role.STAFF, committee=A)
    users["leader"] = make_user("mx_leader", Role.LEADER, committee=A)
    users["city_staff"] = make_user("mx_city_staff", Role.STAFF, committee=w.city)
    users["superuser"] = make_user("mx_superuser", superuser=True)
    w.m6 = MemberFactory(name="乙委员六", committee=B, sector=w.S3, special_committee=w.SC3)
    w.U3 = HandlingUnitFactory(committee=B, name="乙县住建局")
    users["b_member"] = make_user("mx_b_member", Role.MEMBER, member=w.m5)
    users["b_convenor"] = make_user("mx_b_convenor", Role.MEMBER, Role.CONVENOR, member=w.m6)
    users["b_unit"] = make_user("mx_b_unit", Role.UNIT, unit=w.U3)
    users["b_staff"] = make_user("mx_b_staff", Role.STAFF, committee=B)
    users["b_leader"] = make_user("mx_b_leader", Role.LEADER, committee=B)
    # Leaders use the admin read-only, as in the demo (their group has the view permissions).
    User.objects.filter(username__in=["mx_leader", "mx_b_leader"]).update(is_staff=True)
    w.users = {k: (User.objects.get(pk=u.pk) if u else None) for k, u in users.items()}

    # --- workstations: m1 resident and m2 convenor of W1; m6 convenor of W4 ---------------------
    WorkstationMembership.objects.create(workstation=w.W1, member=w.m1, role="resident")
    WorkstationMembership.objects.create(workstation=w.W1, member=w.m2, role="convenor")
    WorkstationMembership.objects.create(workstation=w.W4, member=w.m6, role="convenor")
    from members.models import Assignment, PointEntry

    w.assignment = Assignment.objects.filter(member=w.m1).first()
    w.point_entry = PointEntry.objects.filter(member=w.m1).first()
    w.ws = w.W1
    w.day = ReceptionDay.objects.filter(workstation=w.W1, status="held").order_by("date").last()
    w.day.duty_members.add(w.m1, w.m2)
    w.visit = Visit.objects.filter(workstation=w.W1).order_by("pk").first()
    w.month_flag = WorkstationMonthFlag.objects.create(workstation=w.W1, month=dt.date(2026, 10, 1), held_count=0,
                                                       required=1)

    # --- opinions: a report by m1 from W1, forwarded to U1 and waiting on its feedback -------------
    now = timezone.now()
    w.report = OpinionReport.objects.create(
        committee=A, title="小区路灯长期不亮", content="群众反映路灯不亮。", source="member",
        workstation=w.W1, status="forwarded_unit", unit=w.U1, received_at=now - dt.timedelta(days=10))
    w.report.members.add(w.m1)
    w.forwarding = Forwarding.objects.create(report=w.report, unit=w.U1, forwarded_at=now - dt.timedelta(days=5),
                                             due_at=now + dt.timedelta(days=25))
    w.feedback = UnitFeedback.objects.filter(report=w.R1).first()
    w.instruction = LeaderInstruction.objects.filter(report=w.R1).first()
    w.carry_back = w.R1.carry_backs.first() if hasattr(w.R1, "carry_backs") else None
    w.bulletin = Bulletin.objects.create(committee=A, year=2026, number=1, title="社情民意专报第1期")

    # --- consultations: K2 held, an online one, an outcome assigned to U1, a duty menu ------------
    w.consultation = w.K2
    w.online = Consultation.objects.create(committee=A, topic=w.K2.topic, title="线上协商", format="online",
                                           step="topic_selected")
    w.outcome = Outcome.objects.create(consultation=w.K2, text="增设路灯", handling_unit=w.U1, status="assigned",
                                       assigned_at=at(2026, 10, 10), due_at=now + dt.timedelta(days=20))
    w.topic = w.K2.topic
    w.topic_comment = TopicComment.objects.create(topic=w.topic, body="建议加快进度", idempotency_key="mx-tc-1")
    w.menu = DutyMenu.objects.create(committee=A, year=2026, title="2026年履职菜单", is_published=True,
                                     published_at=now)
    w.menu_topic = Topic.objects.create(committee=A, title="菜单议题：养老服务", menu=w.menu)
    w.claim = MenuClaim.objects.create(topic=w.menu_topic, member=w.m1)
    w.follow_up = w.K3.follow_ups.first() if hasattr(w.K3, "follow_ups") else None

    # --- proposals: P1 (m1, answered by U1 and evaluated), a draft by m1 with a co-signer,
    #     an assigned one waiting on U1's answer with a co-unit countersign, public participation --
    w.proposal = w.P1
    w.draft = Proposal.objects.create(committee=A, session=w.P1.session, member=w.m1, title="关于增设公交线路的提案",
                                      content="内容", status="draft")
    w.cosigner = ProposalCosigner.objects.create(proposal=w.draft, member=w.m2)
    w.assigned = Proposal.objects.create(committee=A, session=w.P1.session, member=w.m1, title="关于路灯维护的提案",
                                         content="内容", status="assigned", number=3, submitted_at=at(2026, 9, 1),
                                         filed_at=at(2026, 9, 5), assigned_at=at(2026, 9, 6))
    lead = UnitAssignment.objects.create(proposal=w.assigned, unit=w.U1, role="lead", due_at=now + dt.timedelta(days=60))
    co = UnitAssignment.objects.create(proposal=w.assigned, unit=w.U2, role="co", due_at=now + dt.timedelta(days=60))
    w.answer = Answer.objects.get(proposal=w.P1)
    draft_answer = Answer.objects.create(proposal=w.assigned, assignment=lead, answer_class="B", content="正在办理",
                                         status="draft")
    w.countersign = Countersign.objects.create(answer=draft_answer, assignment=co, due_at=now + dt.timedelta(days=10))
    Review.objects.create(proposal=w.P1, decision="filed")
    SupervisionRecord.objects.create(proposal=w.P1, leader=w.users["leader"], content="请加快办理")
    w.opening = PublicOpening.objects.create(proposal=w.P1, summary="关于路灯的提案摘要")
    w.public_comment = PublicComment.objects.create(opening=w.opening, body="支持", idempotency_key="mx-pc-1",
                                                    status="approved")
    # U2 leads and has answered; U1 is asked to countersign (会签)
    w.countersigned = Proposal.objects.create(committee=A, session=w.P1.session, member=w.m1, title="关于公交站台的提案",
                                              content="内容", status="answered", number=4, submitted_at=at(2026, 9, 1),
                                              filed_at=at(2026, 9, 5), assigned_at=at(2026, 9, 6))
    lead2 = UnitAssignment.objects.create(proposal=w.countersigned, unit=w.U2, role="lead",
                                          due_at=now + dt.timedelta(days=60))
    co2 = UnitAssignment.objects.create(proposal=w.countersigned, unit=w.U1, role="co", due_at=now + dt.timedelta(days=60))
    answer2 = Answer.objects.create(proposal=w.countersigned, assignment=lead2, answer_class="A", content="已解决",
                                    status="submitted", submitted_at=now - dt.timedelta(days=1))
    Countersign.objects.create(answer=answer2, assignment=co2, due_at=now + dt.timedelta(days=10))
    ProposalCounter.objects.get_or_create(session=w.P1.session)

    # --- dashboards, core ---------------------------------------------------------------------------
    w.rollup = RollupReport.objects.create(committee=A, kind="month", period_start=dt.date(2026, 10, 1),
                                           period_end=dt.date(2026, 10, 31), label="2026年10月", status="done")
    w.roster_import = RosterImport.objects.create(committee=A, file_name="roster.xlsx")
    Notification.objects.create(recipient=w.users["member"], stage="due_soon", day=dt.date(2026, 11, 1),
                                title="提醒")
    OutboxMessage.objects.create(task_name="core.tasks.noop", key="mx-outbox-1")
    DeadlinePolicy.objects.get_or_create(code="mx.policy", defaults={"name": "测试期限", "days": 5})
    from django.contrib.contenttypes.models import ContentType

    StateChange.objects.create(content_type=ContentType.objects.get_for_model(Proposal), object_id=w.P1.pk,
                               code="filed")
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=w.users["member"])
    # The files the download routes serve (MEDIA_ROOT is a temporary folder in the matrix test).
    from django.core.files.base import ContentFile

    w.feedback.attachment.save("feedback.txt", ContentFile("办理情况".encode()), save=True)
    w.answer.document.save("answer.txt", ContentFile("答复函".encode()), save=True)
    w.rollup.file.save("rollup.xlsx", ContentFile(b"PK"), save=True)
    stats_refresh(full=True)
    assert DailyStat.objects.filter(committee=A).exists()
    return w


# --- "nothing changed": a checksum of every portal table ---------------------------------------------

SNAPSHOT_APPS = ("auth", "authtoken", "core", "members", "workstations", "opinions", "consultations", "proposals",
                 "dashboards")
# Not rows anyone edits: the permission table and the working-day index derived from CalendarDay.
SNAPSHOT_SKIP = {"auth.Permission", "dashboards.WorkdayIndex"}


def snapshot() -> dict[str, str]:
    """Per table, a digest of every row (all concrete fields, by primary key)."""
    out = {}
    for app in SNAPSHOT_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label
            if label in SNAPSHOT_SKIP or model._meta.proxy:
                continue
            fields = [f.attname for f in model._meta.concrete_fields]
            rows = model._base_manager.order_by("pk").values_list(*fields)
            out[label] = hashlib.sha1(repr(list(rows)).encode()).hexdigest()
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                if through._meta.auto_created:
                    tl = through._meta.label
                    tfields = [f.attname for f in through._meta.concrete_fields]
                    out[tl] = hashlib.sha1(repr(list(through._base_manager.order_by("pk").values_list(*tfields)))
                                           .encode()).hexdigest()
    return out


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
