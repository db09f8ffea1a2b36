"""The login page and the API token endpoint slow a client down after repeated failures, counting
by the one client identity (a forged X-Forwarded-For does not reset the count)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(settings):
    settings.LOGIN_FAILURE_RATE = "3/15m"
    return make_user("clerk", "staff")


def test_login_page_blocks_a_client_after_repeated_failures(client, user):
    url = reverse("login")
    for i in range(3):
        r = client.post(url, {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="198.51.100.7",
                        HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
        assert r.status_code == 200
    r = client.post(url, {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="198.51.100.7",
                    HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    # Even the right password waits: the client is blocked, not the guess.
    r = client.post(url, {"username": "clerk", "password": "pw"}, REMOTE_ADDR="198.51.100.7")
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    # Another address is not affected.
    r = client.post(url, {"username": "clerk", "password": "pw"}, REMOTE_ADDR="198.51.100.8")
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_successful_logins_are_never_counted(client, user):
    for _ in range(6):
        r = client.post(reverse("login"), {"username": "clerk", "password": "pw"}, REMOTE_ADDR="198.51.100.9")
        assert r.status_code == 302
        client.logout()


def test_token_endpoint_shares_the_slow_down(user):
    api = APIClient(REMOTE_ADDR="198.51.100.10")
    url = reverse("api-token")
    for _ in range(3):
        assert api.post(url, {"username": "clerk", "password": "wrong"}, format="json").status_code == 400
    r = api.post(url, {"username": "clerk", "password": "pw"}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited" and "登录失败次数过多" in r.json()["detail"]
    ok = APIClient(REMOTE_ADDR="198.51.100.11").post(url, {"username": "clerk", "password": "pw"}, format="json")
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40


def test_guessing_tracking_codes_is_slowed_down_but_looking_up_ones_own_is_not(client, settings):
    from tests.factories.workstations import make_team
    from workstations.services import visit_submit_public

    settings.TRACKING_LOOKUP_RATE = "3/10m"
    team = make_team(prefix="trk")
    visit, _ = visit_submit_public(workstation=team.ws, issue="小区门口路灯不亮", idempotency_key="trk-1")
    lookup = reverse("workstations:track-lookup")
    for _ in range(5):  # a resident checking their own code again and again
        assert client.get(lookup, {"code": visit.tracking_code}, REMOTE_ADDR="203.0.113.5").status_code == 302
    for guess in ("AAAAAAAA", "BBBBBBBB"):
        assert client.get(lookup, {"code": guess}, REMOTE_ADDR="203.0.113.5").status_code == 404
    assert client.get(reverse("workstations:track", args=["CCCCCCCC"]), REMOTE_ADDR="203.0.113.5").status_code == 404
    r = client.get(lookup, {"code": visit.tracking_code}, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert r.status_code == 429 and "查询过于频繁" in r.content.decode()
    assert client.get(reverse("workstations:track", args=[visit.tracking_code]),
                      REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get(lookup, {"code": visit.tracking_code}, REMOTE_ADDR="203.0.113.6").status_code == 302
