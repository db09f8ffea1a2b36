"""The public QR pages: no login, GET changes nothing, a double tap creates one record, floods are
refused clearly, nothing answers 500."""

import io
import re

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from tests.factories.workstations import make_team
from workstations import progress
from workstations.models import Visit

pytestmark = pytest.mark.django_db


def _post(client, ws, key, ip="10.0.0.1", **extra):
    data = {"category": "traffic", "issue": "路口需要安装红绿灯，孩子上学不安全", "name": "王阿姨",
            "phone": "13912345678", "idempotency_key": key, "website": ""}
    data.update(extra)
    return client.post(reverse("workstations:public", args=[ws.public_code]), data, REMOTE_ADDR=ip)


def test_public_page_shows_members_without_phones_and_creates_nothing(client):
    team = make_team()
    before = (Visit.objects.count(), OutboxMessage.objects.count())
    r = client.get(reverse("workstations:public", args=[team.ws.public_code]))
    assert r.status_code == 200
    html = r.content.decode()
    assert team.convenor.name in html and "召集人" in html
    assert team.convenor.phone not in html and team.resident.phone not in html
    assert 'name="idempotency_key"' in html
    # GET (as a chat app's prefetch would) changes nothing.
    for url in [reverse("workstations:public", args=[team.ws.public_code]), reverse("workstations:qr-png", args=[team.ws.public_code]),
                reverse("workstations:qr-svg", args=[team.ws.public_code]), reverse("workstations:track-lookup") + "?code=ABC"]:
        client.get(url)
    assert (Visit.objects.count(), OutboxMessage.objects.count()) == before


def test_submit_gives_a_tracking_code_and_the_tracking_page_shows_no_personal_data(client):
    team = make_team()
    r = _post(client, team.ws, "key-0001")
    assert r.status_code == 302
    visit = Visit.objects.get()
    assert visit.source == Visit.Source.QR and visit.outcome == Visit.Outcome.PENDING
    assert re.fullmatch(r"[A-Z2-7]{10}", visit.tracking_code)
    assert r["Location"].startswith(reverse("workstations:track", args=[visit.tracking_code]))
    page = client.get(r["Location"]).content.decode()
    assert visit.tracking_code in page and "提交成功" in page and "已收到您的诉求" in page
    assert "13912345678" not in page and "王阿姨" not in page and "1391" not in page
    assert OutboxMessage.objects.filter(task_name="workstations.notify_new_visit", args=[visit.pk]).exists()


def test_double_post_with_the_same_key_creates_one_record_and_shows_the_same_code(client):
    team = make_team()
    r1 = _post(client, team.ws, "double-tap-1")
    r2 = _post(client, team.ws, "double-tap-1")
    assert Visit.objects.count() == 1
    assert r1["Location"] == r2["Location"]


def test_honeypot_submission_is_refused_and_not_stored(client):
    team = make_team()
    r = _post(client, team.ws, "bot-1", website="http://spam.example")
    assert r.status_code == 400 and "提交未被接受" in r.content.decode()
    assert not Visit.objects.exists()


def test_invalid_form_returns_chinese_field_errors(client):
    team = make_team()
    r = _post(client, team.ws, "bad-1", issue="", phone="12")
    assert r.status_code == 400
    html = r.content.decode()
    assert "请填写您要反映的问题" in html and "请填写正确的手机号码" in html
    assert not Visit.objects.exists()


def test_flood_beyond_the_limit_is_refused_with_429_and_every_accepted_one_is_stored(client, settings):
    settings.PUBLIC_INTAKE_RATE = "10/10m"
    team = make_team()
    statuses = [_post(client, team.ws, f"flood-{i}").status_code for i in range(25)]
    assert 500 not in statuses
    assert statuses.count(302) == 10 and statuses.count(429) == 15
    assert Visit.objects.count() == 10
    refused = _post(client, team.ws, "flood-x")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert refused["Retry-After"] == "600"
    # Another client (another address) is not affected; a replay of an accepted key still answers.
    assert _post(client, team.ws, "other-1", ip="10.0.0.2").status_code == 302
    assert _post(client, team.ws, "flood-3").status_code == 302


def test_tracking_page_shows_registered_providers_and_survives_a_broken_one(client):
    team = make_team()
    _post(client, team.ws, "prov-1")
    visit = Visit.objects.get()

    def opinion_steps(v):
        return [(v.created_at, "已编入社情民意信息第12期")]

    def broken(v):
        raise RuntimeError("bug in another app")

    progress.register_progress_provider(opinion_steps)
    progress.register_progress_provider(broken)
    progress.register_progress_provider(opinion_steps)  # registering twice adds it once
    try:
        page = client.get(reverse("workstations:track", args=[visit.tracking_code])).content.decode()
    finally:
        progress.unregister_progress_provider(opinion_steps)
        progress.unregister_progress_provider(broken)
    assert page.count("已编入社情民意信息第12期") == 1


def test_tracking_page_without_providers_shows_the_visits_own_outcome(client):
    from workstations import services

    team = make_team()
    _post(client, team.ws, "own-1")
    visit = Visit.objects.get()
    services.visit_handle(visit=visit, outcome=Visit.Outcome.HELPED, note="已联系交警大队")
    page = client.get(reverse("workstations:track", args=[visit.tracking_code.lower()])).content.decode()
    assert "帮办实事" in page
    assert client.get(reverse("workstations:track", args=["NOSUCHCODE"])).status_code == 404


def test_qr_codes_encode_the_public_short_url(client, settings):
    import qrcode

    settings.PUBLIC_BASE_URL = "https://zx.example.gov.cn"
    team = make_team()
    png = client.get(reverse("workstations:qr-png", args=[team.ws.public_code]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    expected.add_data(f"https://zx.example.gov.cn/w/{team.ws.public_code}/")
    expected.make(fit=True)
    buf = io.BytesIO()
    expected.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    assert png.content == buf.getvalue()
    svg = client.get(reverse("workstations:qr-svg", args=[team.ws.public_code]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_inactive_or_unknown_workstation_is_404(client):
    team = make_team()
    team.ws.is_active = False
    team.ws.save()
    assert client.get(reverse("workstations:public", args=[team.ws.public_code])).status_code == 404
    assert client.get(reverse("workstations:public", args=["zzzzzz"])).status_code == 404
