"""API: the same scoping, the same actions and refusals (400 with the Chinese message)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from consultations import services
from consultations.models import Consultation, MenuClaim, Outcome
from tests.factories import make_user
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env()


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_consultation_runs_through_api_actions(env):
    c = make_consultation(env)
    a = api(env.staff)
    base = f"/api/v1/consultations/{c.pk}/actions"
    assert a.post(f"{base}/start_research/", {}, format="json").json()["step"] == S.RESEARCHING
    a.post(f"{base}/research_task/", {"title": "入户走访", "lead": env.chair.pk}, format="json")
    task = c.research_tasks.get()
    a.post(f"{base}/record_findings/", {"task": task.pk, "findings": "路灯损坏21盏"}, format="json")
    r = a.post(f"{base}/hold_session/", {"held_on": timezone.localdate().isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["step"] == S.HELD
    assert "minutes" in r.json()["allowed_actions"]


def test_api_refuses_disallowed_transition_with_400_and_message(env):
    c = advance(env, make_consultation(env), S.HELD)
    a = api(env.staff)
    r = a.post(f"/api/v1/consultations/{c.pk}/actions/finish_session/", {}, format="json")
    assert r.status_code == 400
    assert r.json()["detail"] == "尚未形成会议纪要，不能结束协商活动进入形成成果。"
    r = a.post(f"/api/v1/consultations/{c.pk}/actions/close/", {}, format="json")
    assert r.status_code == 400 and r.json() == {"detail": "协商活动处于“开展活动”环节，不能办结。",
                                                 "code": "invalid_transition"}
    micro = make_consultation(env)
    r = a.post(f"/api/v1/consultations/{micro.pk}/actions/hold_session/", {}, format="json")
    assert r.status_code == 400 and "只有微协商可以跳过组织调研环节" in r.json()["detail"]


def test_api_form_errors_are_400(env):
    c = advance(env, make_consultation(env), S.HELD)
    r = api(env.staff).post(f"/api/v1/consultations/{c.pk}/actions/minutes/", {}, format="json")
    assert r.status_code == 400 and "body" in r.json()


def test_unit_reports_through_api_and_sees_only_its_outcomes(env):
    c = advance(env, make_consultation(env), S.CONVERTING, units=[env.unit, env.other_unit])
    mine = c.outcomes.get(handling_unit=env.unit)
    theirs = c.outcomes.get(handling_unit=env.other_unit)
    a = api(env.unit_user)
    ids = [row["id"] for row in a.get("/api/v1/consultation-outcomes/").json()["results"]]
    assert ids == [mine.pk]
    assert a.get(f"/api/v1/consultation-outcomes/{theirs.pk}/").status_code == 404
    assert a.post(f"/api/v1/consultation-outcomes/{theirs.pk}/report/", {"result": "done", "report": "x"},
                  format="json").status_code == 404
    r = a.post(f"/api/v1/consultation-outcomes/{mine.pk}/report/", {"result": "done", "report": "已办结"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Outcome.Status.DONE
    # Units do not run consultations.
    assert a.post(f"/api/v1/consultations/{c.pk}/actions/close/", {}, format="json").status_code == 403


def test_member_cannot_see_other_consultations_in_api(env):
    mine = advance(env, make_consultation(env), S.HELD)
    other = make_consultation(env, chair=False)
    a = api(env.member_user)
    ids = [row["id"] for row in a.get("/api/v1/consultations/").json()["results"]]
    assert ids == [mine.pk]
    assert a.get(f"/api/v1/consultations/{other.pk}/").status_code == 404


def test_staff_creates_topic_and_consultation_via_api(env):
    a = api(env.staff)
    r = a.post("/api/v1/consultation-topics/", {"title": "农村饮水安全", "source": "government"}, format="json")
    assert r.status_code == 201
    r = a.post("/api/v1/consultations/", {"topic": r.json()["id"], "title": "请你来协商：饮水安全",
                                          "format": "please_consult", "level": "county", "chair": env.chair.pk},
               format="json")
    assert r.status_code == 201 and r.json()["step"] == S.TOPIC_SELECTED
    r = a.post("/api/v1/consultations/", {"topic": 999999, "title": "x", "format": "micro"}, format="json")
    assert r.status_code == 400 and "topic" in r.json()


def test_member_claims_menu_topic_via_api(env):
    menu = services.menu_create(committee=env.committee, year=2026, by=env.staff)
    topic = services.topic_create(committee=env.committee, title="助力乡村振兴", menu=menu, by=env.staff)
    a = api(env.member_user)
    assert a.post("/api/v1/menu-claims/", {"topic": topic.pk}, format="json").status_code == 400  # unpublished
    services.menu_publish(menu=menu, by=env.staff)
    r = a.post("/api/v1/menu-claims/", {"topic": topic.pk}, format="json")
    assert r.status_code == 201
    r = a.post("/api/v1/menu-claims/", {"topic": topic.pk}, format="json")
    assert r.status_code == 400 and r.json()["detail"] == "您已认领该议题。"
    assert MenuClaim.objects.count() == 1


def test_follow_ups_listed_for_office(env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    rows = api(env.leader).get("/api/v1/consultation-follow-ups/").json()["results"]
    assert [r["consultation"] for r in rows] == [c.pk]
    assert api(env.unit_user).get("/api/v1/consultation-follow-ups/").json()["results"] == []


@pytest.mark.parametrize("url,who", [
    ("/api/v1/consultations/", "staff"),
    ("/api/v1/consultation-outcomes/", "unit_user"),
    ("/api/v1/consultation-topics/", "staff"),
    ("/api/v1/consultation-follow-ups/", "staff"),
])
def test_api_lists_query_count_is_constant(env, url, who, django_assert_num_queries):
    def grow(n):
        while Consultation.objects.count() < n:
            c = advance(env, make_consultation(env), S.HELD)
            services.minutes_record(consultation=c, body="纪要", by=env.staff)
            services.outcome_add(consultation=c, text="事项", handling_unit=env.unit, by=env.staff)
            services.consultation_finish_session(consultation=c, by=env.staff)
            services.consultation_send_outcomes(consultation=c, by=env.staff)
            services.follow_up_schedule(consultation=c, scheduled_on=timezone.localdate(), by=env.staff)

    def fresh_client():  # a fresh user object: the scope is computed per request, as in production
        return api(type(env.staff).objects.get(pk=getattr(env, who).pk))

    grow(5)
    a = fresh_client()
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        assert a.get(url).json()["count"] == 5
    grow(50)
    a = fresh_client()
    ContentType.objects.clear_cache()
    with django_assert_num_queries(len(ctx)):
        r = a.get(url)
    assert r.status_code == 200 and r.json()["count"] == 50


def test_api_menu_claims_are_scoped(env):
    menu = services.menu_create(committee=env.committee, year=2026, by=env.staff)
    topic = services.topic_create(committee=env.committee, title="助力乡村振兴", menu=menu, by=env.staff)
    services.menu_publish(menu=menu, by=env.staff)
    services.menu_claim(topic=topic, member=env.chair, by=env.chair_user)
    other_user = make_user("co_m3", "member")
    assert api(other_user).get("/api/v1/menu-claims/").json()["results"] == []
    assert len(api(env.staff).get("/api/v1/menu-claims/").json()["results"]) == 1
