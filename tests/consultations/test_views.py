"""Pages: the organiser's step page, refusals shown as messages, scoping, the unit's outcomes, the
public online page with moderation, and constant query counts."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Minutes, Outcome, TopicComment
from tests.factories import HandlingUnitFactory, make_user
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env()


def test_organiser_page_shows_current_step_allowed_actions_and_timeline(client, env):
    c = advance(env, make_consultation(env), S.HELD)
    client.force_login(env.staff)
    html = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert 'data-testid="current-step">开展活动<' in html
    assert 'data-action="minutes"' in html and 'data-action="finish_session"' in html
    assert 'data-action="send_outcomes"' not in html
    assert 'data-testid="timeline"' in html and "组织调研" in html


def test_page_refuses_a_guarded_transition_with_the_chinese_message(client, env):
    c = advance(env, make_consultation(env), S.HELD)
    client.force_login(env.staff)
    r = client.post(reverse("consultations:act", args=[c.pk, "finish_session"]), {"finish_session-note": ""},
                    follow=True)
    assert r.status_code == 200
    assert "尚未形成会议纪要，不能结束协商活动进入形成成果。" in r.content.decode()
    assert Consultation.objects.get(pk=c.pk).step == S.HELD


def test_page_refuses_an_action_the_step_does_not_allow(client, env):
    c = make_consultation(env)
    client.force_login(env.staff)
    r = client.post(reverse("consultations:act", args=[c.pk, "send_outcomes"]), {}, follow=True)
    assert "协商活动处于“遴选议题”环节，不能交办成果。" in r.content.decode()


def test_page_shows_form_field_errors_not_500(client, env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    client.force_login(env.staff)
    r = client.post(reverse("consultations:act", args=[c.pk, "record_follow_up"]), {
        "record_follow_up-held_on": timezone.localdate().isoformat(), "record_follow_up-findings": "好",
        "record_follow_up-satisfied": "0", "record_follow_up-basically_satisfied": "0",
        "record_follow_up-unsatisfied": "0"})
    assert r.status_code == 200
    assert "请填写满意、基本满意、不满意的人数" in r.content.decode()


def test_member_sees_only_consultations_they_take_part_in(client, env):
    mine = advance(env, make_consultation(env, title="我参加的院坝协商"), S.HELD)  # env.member joins in research
    other = make_consultation(env, title="别人的民生议事堂", chair=False)
    client.force_login(env.member_user)
    html = client.get(reverse("consultations:mine")).content.decode()
    assert "我参加的院坝协商" in html and "别人的民生议事堂" not in html
    assert client.get(reverse("consultations:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("consultations:detail", args=[other.pk])).status_code == 404
    # Members read; they do not run the steps: a role refusal is a 403 with the rules' message.
    r = client.post(reverse("consultations:act", args=[mine.pk, "minutes"]), {"minutes-body": "x"})
    assert r.status_code == 403 and "只有协商活动的组织方" in r.content.decode()
    assert not Minutes.objects.filter(consultation=mine).exists()


def test_unit_sees_only_its_outcomes_and_reports_on_them(client, env):
    c = advance(env, make_consultation(env), S.CONVERTING, units=[env.unit, env.other_unit])
    mine = c.outcomes.get(handling_unit=env.unit)
    theirs = c.outcomes.get(handling_unit=env.other_unit)
    client.force_login(env.unit_user)
    html = client.get(reverse("consultations:unit-outcomes")).content.decode()
    assert mine.text in html and theirs.text not in html
    r = client.post(reverse("consultations:outcome-report", args=[theirs.pk]), {"result": "done", "report": "x"})
    assert r.status_code == 404
    r = client.post(reverse("consultations:outcome-report", args=[mine.pk]),
                    {"result": "in_progress", "report": "已完成一期路灯安装"}, follow=True)
    assert "办理情况已报告" in r.content.decode()
    mine.refresh_from_db()
    assert mine.status == Outcome.Status.IN_PROGRESS and mine.report == "已完成一期路灯安装"


def test_unit_of_another_committee_gets_404(client, env):
    c = advance(env, make_consultation(env), S.CONVERTING)
    stranger = make_user("co_stranger", "unit", unit=HandlingUnitFactory())
    client.force_login(stranger)
    o = c.outcomes.get()
    assert client.post(reverse("consultations:outcome-report", args=[o.pk]), {"result": "done", "report": "x"}
                       ).status_code == 404
    assert client.get(reverse("consultations:detail", args=[c.pk])).status_code == 404


def _online(env):
    today = timezone.localdate()
    return make_consultation(env, format=Consultation.Format.ONLINE, title="码上协商：停车难",
                             topic_title="新城区停车难怎么办", solicitation_opens_on=today,
                             solicitation_closes_on=today + timezone.timedelta(days=10))


def _comment_data(client, url, body="建议在学校周边增设临时停车位", **extra):
    html = client.get(url).content.decode()
    key = html.split('name="key" value="')[1].split('"')[0]
    return {"body": body, "author_name": "张先生", "author_phone": "13812345678", "website": "", "key": key, **extra}


def test_public_comment_is_held_for_moderation_and_shown_without_personal_data(client, env):
    c = _online(env)
    url = reverse("consultations:online", args=[c.pk])
    data = _comment_data(client, url)
    client.post(url, data)
    client.post(url, data)  # a double tap
    comment = TopicComment.objects.get()
    assert comment.status == TopicComment.Status.PENDING
    assert "增设临时停车位" not in client.get(url).content.decode()
    client.force_login(env.staff)
    assert "138****5678" in client.get(reverse("consultations:moderation")).content.decode()
    client.post(reverse("consultations:comment-moderate", args=[comment.pk]), {"decision": "approve"})
    client.logout()
    html = client.get(url).content.decode()
    assert "增设临时停车位" in html
    assert "张先生" not in html and "13812345678" not in html and "138****5678" not in html


def test_honeypot_stores_nothing(client, env):
    c = _online(env)
    url = reverse("consultations:online", args=[c.pk])
    client.post(url, _comment_data(client, url, website="http://spam.example"))
    assert not TopicComment.objects.exists()


def test_comment_rate_limit(client, env, settings):
    settings.CONSULTATION_COMMENT_RATE = "2/10m"
    c = _online(env)
    url = reverse("consultations:online", args=[c.pk])
    for _ in range(3):
        r = client.post(url, _comment_data(client, url))
    assert TopicComment.objects.count() == 2
    assert "提交过于频繁" in r.content.decode()


def test_comment_accepted_when_the_cache_is_down(client, env, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    c = _online(env)
    url = reverse("consultations:online", args=[c.pk])
    r = client.post(url, _comment_data(client, url))
    assert r.status_code == 302
    assert TopicComment.objects.filter(status="pending").count() == 1
    assert "cache unavailable" in caplog.text  # the limiter really met a dead Redis


def test_non_online_consultation_has_no_public_page(client, env):
    c = make_consultation(env)
    assert client.get(reverse("consultations:online", args=[c.pk])).status_code == 404


def test_organiser_creates_a_consultation_from_a_topic(client, env):
    client.force_login(env.staff)
    r = client.post(reverse("consultations:create"), {
        "topic_title": "背街小巷积水", "source": "public", "title": "五马街道院坝协商", "format": "courtyard",
        "level": "village", "organiser": "office", "chair": env.chair.pk, "venue_township": env.township.pk,
    })
    c = Consultation.objects.get(title="五马街道院坝协商")
    assert r.status_code == 302 and r["Location"] == reverse("consultations:detail", args=[c.pk])
    assert c.step == S.TOPIC_SELECTED and c.research_due_at is not None
    assert c.participants.filter(member=env.chair).exists()


def test_create_form_shows_field_errors(client, env):
    client.force_login(env.staff)
    r = client.post(reverse("consultations:create"), {
        "topic_title": "x", "source": "public", "title": "t", "format": "courtyard", "level": "village",
        "organiser": "workstation"})
    assert r.status_code == 200 and "由委员工作室组织时，请选择工作室。" in r.content.decode()
    assert not Consultation.objects.exists()


def _seed(env, n):
    for i in range(n):
        c = make_consultation(env, title=f"协商{i}")
        services.participant_add(consultation=c, kind="member", member=env.member, by=env.staff)


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who,url", [
    ("staff", "consultations:list"), ("member_user", "consultations:mine"),
])
def test_list_pages_query_count_is_constant(client, env, django_assert_num_queries, who, url):
    client.force_login(getattr(env, who))
    _seed(env, 5)
    n = _count(client, reverse(url))
    _seed(env, 45)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(n):
        assert client.get(reverse(url)).status_code == 200


def test_unit_outcomes_page_query_count_is_constant(client, env, django_assert_num_queries):
    def grow(n):
        while Outcome.objects.count() < n:
            c = advance(env, make_consultation(env), S.HELD)
            services.minutes_record(consultation=c, body="纪要", by=env.staff)
            for i in range(5):
                services.outcome_add(consultation=c, text=f"事项{i}", handling_unit=env.unit, by=env.staff)
            services.consultation_finish_session(consultation=c, by=env.staff)
            services.consultation_send_outcomes(consultation=c, by=env.staff)

    client.force_login(env.unit_user)
    url = reverse("consultations:unit-outcomes")
    grow(5)
    n = _count(client, url)
    grow(50)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(n):
        r = client.get(url)
    assert r.content.decode().count("data-outcome=") == 30  # one page


def test_public_page_and_moderation_query_counts_are_constant(client, env, django_assert_num_queries):
    c = _online(env)
    url = reverse("consultations:online", args=[c.pk])

    def grow(n):
        while TopicComment.objects.count() < n:
            k = TopicComment.objects.count()
            comment = services.comment_submit(consultation=c, body=f"第{k}条意见：建议增设停车位", key=f"k{k}")
            if k % 2:
                services.comment_moderate(comment=comment, approve=True, by=env.staff)

    grow(10)
    n_public = _count(client, url)
    client.force_login(env.staff)
    n_mod = _count(client, reverse("consultations:moderation"))
    grow(100)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(n_mod):
        client.get(reverse("consultations:moderation"))
    client.logout()
    ContentType.objects.clear_cache()
    with django_assert_num_queries(n_public):
        assert client.get(url).content.decode().count('class="item"') == 50


@pytest.mark.parametrize("step,action,message", [
    (S.TOPIC_SELECTED, "minutes", "协商活动处于“遴选议题”环节，不能形成会议纪要。"),
    (S.TOPIC_SELECTED, "send_outcomes", "协商活动处于“遴选议题”环节，不能交办成果。"),
    (S.RESEARCHING, "finish_session", "协商活动处于“组织调研”环节，不能结束活动，形成成果。"),
    (S.HELD, "close", "协商活动处于“开展活动”环节，不能办结。"),
    (S.OUTCOMES, "record_follow_up", "协商活动处于“形成成果”环节，不能登记回头看。"),
    (S.CONVERTING, "reconsult", "协商活动处于“推动转化”环节，不能发起再协商。"),
    (S.CLOSED, "hold_session", "协商活动处于“已办结”环节，不能开展协商活动。"),
])
def test_each_disallowed_action_is_refused_on_page_and_api(client, env, step, action, message):
    from rest_framework.test import APIClient

    c = advance(env, make_consultation(env), step)
    client.force_login(env.staff)
    r = client.post(reverse("consultations:act", args=[c.pk, action]), {}, follow=True)
    assert message in r.content.decode()
    api = APIClient()
    api.force_authenticate(env.staff)
    r = api.post(f"/api/v1/consultations/{c.pk}/actions/{action}/", {}, format="json")
    assert r.status_code == 400 and r.json()["detail"] == message
    assert Consultation.objects.get(pk=c.pk).step == step


def test_workstation_convenor_runs_only_their_workstations_consultations(client, env):
    from tests.factories.workstations import make_team

    team = make_team(env.committee, prefix="co_ws")
    other = make_team(env.committee, prefix="co_ws2")
    mine = make_consultation(env, title="工作室协商驿站", organiser="workstation", organiser_workstation=team.ws,
                             venue_workstation=team.ws, format=Consultation.Format.STATION)
    theirs = make_consultation(env, title="别的工作室协商", organiser="workstation", organiser_workstation=other.ws)
    office = make_consultation(env, title="机关组织的协商")
    client.force_login(team.convenor_user)
    html = client.get(reverse("consultations:list")).content.decode()
    assert "工作室协商驿站" in html and "别的工作室协商" not in html and "机关组织的协商" not in html
    r = client.post(reverse("consultations:act", args=[mine.pk, "start_research"]), {}, follow=True)
    assert Consultation.objects.get(pk=mine.pk).step == S.RESEARCHING
    for c in (theirs, office):
        assert client.post(reverse("consultations:act", args=[c.pk, "start_research"]), {}).status_code == 404
    # The organiser of a workstation consultation is reminded as its convenor, not the office.
    from consultations.services import organiser_user_ids

    assert organiser_user_ids([mine])[mine.pk] == {team.convenor_user.pk}
    assert env.staff.pk in organiser_user_ids([office])[office.pk]
    assert r.status_code == 200


def test_detail_page_query_count_is_constant(client, env, django_assert_num_queries):
    from tests.factories import MemberFactory

    c = advance(env, make_consultation(env), S.HELD)

    def grow(n):
        while c.participants.count() < n:
            k = c.participants.count()
            services.participant_add(consultation=c, kind="member", member=MemberFactory(committee=env.committee),
                                     by=env.staff)
            services.participant_add(consultation=c, kind="resident", name=f"村民{k}", by=env.staff)
            services.outcome_add(consultation=c, text=f"事项{k}", handling_unit=env.unit, by=env.staff)

    client.force_login(env.staff)
    url = reverse("consultations:detail", args=[c.pk])
    grow(5)
    n = _count(client, url)
    grow(50)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200
