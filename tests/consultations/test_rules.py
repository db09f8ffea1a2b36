"""consultations.rules: every service asks the one rules module, so a role refusal is the same 403
with a Chinese message from the service, the page and the API; a step refusal stays a 400/message
from the workflow's step table."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from consultations import services
from consultations.models import Consultation, MenuClaim, Topic, TopicComment
from core.errors import DomainError, Forbidden
from core.models import StateChange
from core.scoping import Role
from tests.factories import make_user
from tests.factories.consultations import advance, make_consultation, make_env
from tests.factories.workstations import make_team

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env(prefix="ru")


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_member_who_takes_part_cannot_run_a_step_anywhere(client, env):
    c = advance(env, make_consultation(env), S.HELD)
    with pytest.raises(Forbidden, match="组织方"):
        services.minutes_record(consultation=c, body="会议纪要", by=env.member_user)
    client.force_login(env.member_user)
    r = client.post(reverse("consultations:act", args=[c.pk, "minutes"]), {"minutes-body": "会议纪要"})
    assert r.status_code == 403 and "组织方" in r.content.decode()
    r = _api(env.member_user).post(f"/api/v1/consultations/{c.pk}/actions/minutes/", {"body": "会议纪要"},
                                   format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not hasattr(Consultation.objects.get(pk=c.pk), "minutes")


def test_role_is_refused_before_the_step_and_the_input(env):
    c = advance(env, make_consultation(env), S.CONVERTING)
    r = _api(env.unit_user).post(f"/api/v1/consultations/{c.pk}/actions/close/", {}, format="json")
    assert r.status_code == 403  # the unit sees the consultation, may not run it, whatever the step
    r = _api(env.staff).post(f"/api/v1/consultations/{c.pk}/actions/close/", {}, format="json")
    assert r.status_code == 400 and r.json()["detail"] == "协商活动处于“推动转化”环节，不能办结。"


def test_convenor_of_another_workstation_cannot_organise_for_this_one(env):
    mine = make_team(env.committee, prefix="ru_a")
    theirs = make_team(env.committee, prefix="ru_b")
    topic = services.topic_create(committee=env.committee, title="社区停车难", by=mine.convenor_user,
                                  proposer_member=mine.convenor, source="member")
    with pytest.raises(Forbidden, match="只能为本工作室组织协商"):
        services.consultation_create(topic=topic, title="越权协商", format=Consultation.Format.STATION,
                                     organiser=Consultation.Organiser.WORKSTATION,
                                     organiser_workstation=theirs.ws, by=mine.convenor_user)
    r = _api(mine.convenor_user).post("/api/v1/consultations/", {
        "topic": topic.pk, "title": "越权协商", "format": "station", "organiser": "workstation",
        "organiser_workstation": theirs.ws.pk}, format="json")
    assert r.status_code == 403 and "只能为本工作室组织协商" in r.json()["detail"]
    ok = services.consultation_create(topic=topic, title="本工作室协商", format=Consultation.Format.STATION,
                                      organiser=Consultation.Organiser.WORKSTATION, organiser_workstation=mine.ws,
                                      by=mine.convenor_user)
    assert ok.organiser_workstation_id == mine.ws.pk
    assert not Consultation.objects.filter(title="越权协商").exists()


def test_member_cannot_open_the_new_consultation_page(client, env):
    client.force_login(env.member_user)
    assert client.get(reverse("consultations:create")).status_code == 403
    assert _api(env.member_user).post("/api/v1/consultations/", {}, format="json").status_code == 403


def test_only_the_assigned_unit_reports_an_outcome(env):
    c = advance(env, make_consultation(env), S.CONVERTING, units=[env.unit])
    o = c.outcomes.get()
    with pytest.raises(Forbidden, match="承办该成果事项的单位"):
        services.outcome_report(outcome=o, result="done", report="已办结", by=env.staff)


def _online_comment(env):
    today = timezone.localdate()
    c = make_consultation(env, format=Consultation.Format.ONLINE, solicitation_opens_on=today,
                          solicitation_closes_on=today + dt.timedelta(days=7))
    return c, services.comment_submit(consultation=c, body="建议增加夜间照明设施", key="rules-comment-1")


def test_leader_reads_but_does_not_moderate_public_comments(client, env):
    c, comment = _online_comment(env)
    with pytest.raises(Forbidden, match="审核"):
        services.comment_moderate(comment=comment, approve=True, by=env.leader)
    client.force_login(env.leader)
    assert client.get(reverse("consultations:moderation")).status_code == 403
    r = client.post(reverse("consultations:comment-moderate", args=[comment.pk]), {"decision": "approve"})
    assert r.status_code == 403
    comment.refresh_from_db()
    assert comment.status == TopicComment.Status.PENDING


def test_moderation_goes_through_the_workflow_once(env):
    c, comment = _online_comment(env)
    services.comment_moderate(comment=comment, approve=True, by=env.staff)
    comment.refresh_from_db()
    assert comment.status == TopicComment.Status.APPROVED and comment.moderated_by == env.staff
    assert StateChange.objects.filter(code="consultations.comment.approved", object_id=comment.pk).count() == 1
    with pytest.raises(DomainError, match="不允许从“已通过”变更为“未通过”"):
        services.comment_moderate(comment=comment, approve=False, by=env.staff)


def test_members_claim_and_unclaim_only_for_themselves(client, env):
    menu = services.menu_create(committee=env.committee, year=timezone.localdate().year, by=env.staff)
    topic = services.topic_create(committee=env.committee, title="助力乡村振兴", menu=menu, by=env.staff)
    services.menu_publish(menu=menu, by=env.staff)
    with pytest.raises(Forbidden, match="委员本人"):
        services.menu_claim(topic=topic, member=env.member, by=env.chair_user)
    claim = services.menu_claim(topic=topic, member=env.member, by=env.member_user)
    with pytest.raises(Forbidden, match="本人"):
        services.menu_unclaim(claim=claim, by=env.chair_user)
    assert _api(env.staff).post("/api/v1/menu-claims/", {"topic": topic.pk}, format="json").status_code == 403
    assert MenuClaim.objects.filter(pk=claim.pk).exists()


def test_staff_of_the_committee_only_keep_the_menu(env):
    with pytest.raises(Forbidden, match="履职菜单"):
        services.menu_create(committee=env.committee, year=2030, by=env.leader)
    other = make_env(prefix="ru_other")
    with pytest.raises(Forbidden, match="履职菜单"):
        services.menu_create(committee=env.committee, year=2030, by=other.staff)
    assert not Topic.objects.filter(menu__isnull=False).exists()


@override_settings(CONSULTATION_COMMENT_RATE="2/10m", TRUSTED_PROXIES=[])
def test_comment_rate_limit_ignores_a_rotated_forwarded_for(client, env):
    from django.core.cache import cache

    cache.clear()
    c, _ = _online_comment(env)
    url = reverse("consultations:online", args=[c.pk])
    statuses = []
    for i in range(4):
        statuses.append(client.post(url, {"body": f"第{i}条：建议增设路灯照明", "key": f"rotating-key-{i}",
                                          "author_name": "", "author_phone": ""},
                                    HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code)
    assert statuses[:2] == [302, 302] and statuses[2:] == [429, 429]
    assert TopicComment.objects.count() == 3  # the first from the fixture, two through the page


def test_a_login_without_a_member_is_refused_a_claim_before_its_body_is_read(env):
    for user in (env.staff, env.leader, env.unit_user):
        r = _api(user).post("/api/v1/menu-claims/", {}, format="json")
        assert r.status_code == 403 and r.json()["detail"] == "只有委员可以认领履职菜单。"
