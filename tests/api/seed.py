"""A small committee with something in every state the API serves, built through the real services
and the shared factories, so that generated requests hit real objects: the schemathesis run and the
contract tests use it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from consultations.models import Consultation
from core.scoping import Role
from opinions.models import Bulletin
from proposals import services as proposal_services
from tests.factories import TownshipFactory, make_user
from tests.factories import consultations as cf
from tests.factories import opinions as of
from tests.factories import proposals as pf
from tests.factories import workstations as wf
from workstations import services as ws_services


def build_api_world() -> SimpleNamespace:
    pw = pf.proposal_world("api")
    w = SimpleNamespace(committee=pw.committee, staff=pw.staff, leader=pw.leader, member_user=pw.member_user,
                        unit_user=pw.lead_user, proposals=pw)
    w.superuser = make_user("api-root", superuser=True)

    # Proposals: a draft with a co-signer, one submitted, one released (answers, countersign,
    # evaluation), one key proposal open to public comment.
    pf.draft(pw, title="关于增设社区食堂的提案", cosign=True)
    pf.submitted(pw, title="关于改善农村饮水的提案")
    released = pf.released(pw, title="关于优化县城公交线路的提案")
    key = pf.filed(pw, title="关于老旧小区加装电梯的提案")
    key.is_key = True
    key.supervising_leader = pw.leader
    key.save(update_fields=["is_key", "supervising_leader"])
    opening = proposal_services.proposal_open_public(proposal=key, by=pw.staff, summary="征求群众意见",
                                                     closes_on=timezone.localdate() + dt.timedelta(days=30))
    proposal_services.public_comment_submit(opening=opening, body="建议优先考虑高龄老人居住的楼栋。", nickname="居民",
                                            phone="", idempotency_key="api-seed-comment-0001")
    w.released = released

    # Opinion reports in several states, one in a bulletin.
    ow = of.World(committee=pw.committee, staff=pw.staff, leader=pw.leader, member=pw.proposer,
                  member_user=pw.member_user, other_member=pw.cosigner, other_member_user=pw.cosigner_user,
                  unit=pw.lead_unit, unit_user=pw.lead_user, other_unit=pw.co_unit, other_unit_user=pw.co_user)
    for status in ("received", "registered", "forwarded_unit", "fed_back", "closed", "in_bulletin"):
        of.report_at(ow, status, title=f"关于{status}的社情民意")
    assert Bulletin.objects.filter(committee=pw.committee).exists()

    # Consultations at several steps, with outcomes for the lead unit.
    township = TownshipFactory(committee=pw.committee, name="城关街道")
    env = cf.Env(pw.committee, pw.staff, pw.leader, pw.cosigner, pw.cosigner_user, pw.proposer, pw.member_user,
                 pw.lead_unit, pw.lead_user, pw.co_unit, pw.co_user, township)
    cf.make_consultation(env, title="背街小巷协商")
    cf.advance(env, cf.make_consultation(env, title="停车难协商"), Consultation.Step.HELD)
    cf.advance(env, cf.make_consultation(env, title="路灯改造协商"), Consultation.Step.CONVERTING)

    # A workstation with its convenor, a planned and a held reception day and a public visit.
    team = wf.make_team(pw.committee, prefix="apiws", township=township)
    ws_services.reception_day_plan(workstation=team.ws, date=timezone.localdate() + dt.timedelta(days=7))
    ws_services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk],
                                       date=timezone.localdate(), notes="接待群众", visitors=[])
    ws_services.visit_submit_public(workstation=team.ws, issue="小区门口路灯不亮很久了", idempotency_key="api-seed-visit-01",
                                    client_hash="seed")
    w.workstation = team.ws

    w.tokens = {}
    for role, user in (("superuser", w.superuser), ("staff", w.staff), ("member", w.member_user),
                       ("unit", w.unit_user)):
        w.tokens[role] = Token.objects.create(user=user).key
    return w


def users_by_role(w) -> dict:
    return {"superuser": w.superuser, "staff": w.staff, "member": w.member_user, "unit": w.unit_user,
            "anonymous": None}


__all__ = ["build_api_world", "users_by_role", "get_user_model", "Role"]
