"""The public intake API: no login, same idempotency and rate limit as the form; scoped read APIs."""

import pytest
from rest_framework.test import APIClient

from tests.factories.workstations import make_team
from workstations.models import Visit

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/intake/"


def _body(ws, key, **extra):
    return {"workstation_code": ws.public_code, "issue": "河面红浮萍泛滥，影响生态环境", "category": "environment",
            "phone": "13600001234", "idempotency_key": key, **extra}


def test_public_intake_creates_once_per_idempotency_key():
    team = make_team()
    api = APIClient(enforce_csrf_checks=True)
    r1 = api.post(URL, _body(team.ws, "api-key-001"), format="json")
    assert r1.status_code == 201
    code = r1.json()["tracking_code"]
    r2 = api.post(URL, _body(team.ws, "api-key-001"), format="json")
    assert r2.status_code == 200 and r2.json()["tracking_code"] == code
    assert Visit.objects.count() == 1 and Visit.objects.get().source == Visit.Source.API
    track = api.get(f"/api/v1/public/track/{code}/").json()
    assert track["outcome"] == "pending" and "13600001234" not in str(track)


def test_public_intake_field_errors_are_400_in_chinese():
    team = make_team()
    r = APIClient().post(URL, {"workstation_code": "nope", "issue": "", "phone": "1", "idempotency_key": "k"},
                         format="json")
    assert r.status_code == 400
    body = r.json()
    assert "没有找到这个工作室" in str(body["workstation_code"]) and "请填写您要反映的问题" in str(body["issue"])
    honeypot = APIClient().post(URL, _body(team.ws, "hp-00001", website="x"), format="json")
    assert honeypot.status_code == 400 and not Visit.objects.exists()


def test_public_intake_is_throttled_with_429(settings):
    settings.PUBLIC_INTAKE_RATE = "3/1h"
    team = make_team()
    api = APIClient()
    codes = [api.post(URL, _body(team.ws, f"thr-{i:05d}"), format="json").status_code for i in range(6)]
    assert codes == [201, 201, 201, 429, 429, 429]
    r = api.post(URL, _body(team.ws, "thr-99999"), format="json")
    assert "提交过于频繁" in r.json()["detail"] and r["Retry-After"] == "3600"
    assert Visit.objects.count() == 3


def test_reception_day_api_filters_by_status():
    from workstations import services

    team = make_team()
    services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk])
    api = APIClient()
    api.force_authenticate(team.resident_user)
    rows = api.get("/api/v1/reception-days/?status=held").json()["results"]
    assert len(rows) == 1 and rows[0]["duty_member_names"] == [team.convenor.name]
    assert api.get("/api/v1/reception-days/?status=planned").json()["results"] == []


def test_member_logs_a_held_day_through_the_api_and_outsiders_get_404():
    from tests.factories import HandlingUnitFactory

    team = make_team()
    other = make_team(prefix="o")
    unit = HandlingUnitFactory(committee=team.ws.committee)
    api = APIClient()
    api.force_authenticate(team.resident_user)
    url = f"/api/v1/workstations/{team.ws.pk}/log-reception/"
    body = {"member_ids": [team.resident.pk], "log_key": "api-log-1",
            "visitors": [{"issue": "路灯不亮", "outcome": "referred", "handling_unit": unit.pk, "phone": "13512345678"},
                         {"issue": "公厕管理不到位", "category": "municipal"}]}
    r = api.post(url, body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "held" and r.json()["visit_count"] == 2
    assert api.post(url, body, format="json").status_code == 201  # replay: the same day, nothing new
    assert Visit.objects.count() == 2
    bad = api.post(url, {"member_ids": [], "visitors": [{"issue": "x", "phone": "1"}]}, format="json")
    assert bad.status_code == 400 and "请至少勾选" in str(bad.json())
    twice = api.post(url, {"member_ids": [team.resident.pk]}, format="json")
    assert twice.status_code == 400 and "不能重复登记" in twice.json()["detail"]
    api.force_authenticate(other.convenor_user)
    assert api.post(url, body | {"log_key": "x-2"}, format="json").status_code == 404
