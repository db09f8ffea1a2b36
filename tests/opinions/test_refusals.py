"""Every move the table does not allow is refused with the same clear Chinese message from the
pages (a message on the report page, never a 500) and from the API (HTTP 400)."""

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from opinions.models import OpinionReport
from opinions.workflow import STATUS_LABELS, TRANSITIONS
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db
S = OpinionReport.Status

STATES = ["received", "registered", "forwarded_unit", "fed_back", "carried_back", "closed", "rejected"]
# action: (target state, page form data, api data)
ACTIONS = {
    "register": (S.REGISTERED, {"category": "urban"}, {"category": "urban"}),
    "forward": (S.FORWARDED_UNIT, {"target": "unit", "note": "请办理"}, {"note": "请办理"}),
    "feedback": (S.FED_BACK, {"content": "已办理", "outcome": "resolved"}, {"content": "已办理", "outcome": "resolved"}),
    "carry-back": (S.CARRIED_BACK, {"carried_on": "2026-01-05", "method": "phone", "people_reached": 2,
                                    "satisfaction": "satisfied"},
                   {"method": "phone", "people_reached": 2, "satisfaction": "satisfied"}),
    "close": (S.CLOSED, {"outcome": "resolved"}, {"outcome": "resolved"}),
    "reject": (S.REJECTED, {"note": "重复"}, {"note": "重复"}),
}
DISALLOWED = [(state, action) for state in STATES for action, (target, _, _) in ACTIONS.items()
              if target not in TRANSITIONS[state]]


def _expected(state, action) -> str:
    return f"不允许从“{STATUS_LABELS[state]}”变更为“{STATUS_LABELS[ACTIONS[action][0]]}”。"


def test_the_table_leaves_moves_to_refuse():
    assert len(DISALLOWED) >= 30


@pytest.mark.parametrize("state,action", DISALLOWED)
def test_disallowed_transition_is_refused_by_the_api(w, state, action):
    report = report_at(w, state)
    api = APIClient()
    api.force_authenticate(w.staff)
    data = dict(ACTIONS[action][2])
    if action == "forward":
        data["unit"] = w.unit.pk
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/{action}/", data, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == _expected(state, action)
    assert r.json()["code"] == "invalid_transition"
    report.refresh_from_db()
    assert report.status == state


@pytest.mark.parametrize("state,action", DISALLOWED)
def test_disallowed_transition_is_refused_by_the_page(w, client, state, action):
    report = report_at(w, state)
    client.force_login(w.staff)
    data = dict(ACTIONS[action][1])
    if action == "forward":
        data["unit"] = w.unit.pk
    r = client.post(f"/opinions/{report.pk}/{action}/", data)
    if action == "carry-back":
        # The carry-back page is a form page: the refusal is shown on the form itself.
        assert r.status_code == 200
        assert _expected(state, action) in r.content.decode()
    else:
        assert r.status_code == 302
        msgs = [str(m) for m in get_messages(r.wsgi_request)]
        assert msgs == [_expected(state, action)]
        page = client.get(r["Location"])
        assert page.status_code == 200
    report.refresh_from_db()
    assert report.status == state


def test_role_refusal_reads_the_same_on_page_and_api(w, client):
    report = report_at(w, "received")
    client.force_login(w.member_user)
    r = client.post(f"/opinions/{report.pk}/register/", {"category": "urban"})
    assert r.status_code == 403
    api = APIClient()
    api.force_authenticate(w.member_user)
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/register/", {"category": "urban"}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "只有政协机关工作人员可以分类登记。"
    report.refresh_from_db()
    assert report.status == "received"


def test_leaders_are_read_only_except_for_instructions(w, client):
    report = report_at(w, "registered")
    api = APIClient()
    api.force_authenticate(w.leader)
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/forward/", {"unit": w.unit.pk}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "只有政协机关工作人员可以转交承办单位。"
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/instruct/", {"text": "请抓紧办理"}, format="json")
    assert r.status_code == 200 and r.json()["timeline"][-1]["code"] == "opinions.report.instructed"
    client.force_login(w.leader)
    assert "instruct-form" in client.get(f"/opinions/{report.pk}/").content.decode()


def test_invalid_form_input_is_a_field_error_not_a_500(w, client):
    report = report_at(w, "forwarded_unit")
    api = APIClient()
    api.force_authenticate(w.unit_user)
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/feedback/", {"content": "", "outcome": "bogus"}, format="json")
    assert r.status_code == 400 and "outcome" in r.json()
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/feedback/", {"content": "", "outcome": "resolved"},
                 format="json")
    assert r.status_code == 400 and r.json()["detail"] == "请填写办理情况。"
    # the unit may not carry back at all: refused (403) before its input is read
    assert api.post(f"/api/v1/opinion-reports/{report.pk}/carry-back/", {"method": "fax"},
                    format="json").status_code == 403
    api.force_authenticate(w.member_user)
    r = api.post(f"/api/v1/opinion-reports/{report.pk}/carry-back/", {"method": "fax"}, format="json")
    assert r.status_code == 400 and "method" in r.json()
    client.force_login(w.member_user)
    r = client.post(f"/opinions/{report.pk}/carry-back/", {"method": "fax"})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
