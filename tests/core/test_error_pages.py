import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_csrf_failure_page_is_chinese():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_not_found_page_is_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到该页面" in response.content.decode()


def test_front_page_leads_the_public_to_tracking_and_open_proposals(client):
    page = client.get("/").content.decode()
    assert 'href="/t/"' in page and 'href="/p/proposals/"' in page
    assert client.get("/t/").status_code == 200
    assert client.get("/p/proposals/").status_code == 200


def test_rate_parser_and_cache_counter():
    from core.ratelimit import cache_rate_exceeded, parse_rate

    assert parse_rate("10/10m") == (10, 600) and parse_rate("5/h") == (5, 3600)
    assert [cache_rate_exceeded("t", "1.2.3.4", "2/m") for _ in range(3)] == [False, False, True]
    assert cache_rate_exceeded("t", "5.6.7.8", "2/m") is False  # counted per client
