"""Safe defaults: DEBUG off unless asked for, no start without a secret key, no environment dump,
connection strings hidden from error pages, `check --deploy` clean, security switchable by env."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
}
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k, None) for k in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "X_FRAME_OPTIONS", "TRUSTED_PROXIES", "ENV")}))
"""


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)})
    base.pop("DATABASE_URL", None)  # the SQLite default: nothing here touches the database
    base.update(env)
    return subprocess.run([sys.executable, *args], env=base, cwd=ROOT, capture_output=True, text=True, timeout=180)


def _probe(**env) -> dict:
    proc = _run(["-c", PROBE], **env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_no_start_with_debug_off_and_no_secret_key():
    proc = _run(["-c", "import django; django.setup()"])
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in proc.stderr


def test_debug_is_off_unless_switched_on_and_production_is_https_by_default():
    prod = _probe(**PRODUCTION)
    assert prod["DEBUG"] is False
    assert prod["ENV"] is None  # the environment is not a setting
    assert prod["SECURE_SSL_REDIRECT"] and prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_HSTS_SECONDS"] == 31536000 and prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    dev = _probe(DJANGO_DEBUG="1")
    assert dev["DEBUG"] is True and dev["SECURE_SSL_REDIRECT"] is False and dev["SECURE_HSTS_SECONDS"] == 0


def test_every_security_setting_is_switchable_by_environment():
    tuned = _probe(**PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SESSION_COOKIE_SECURE="0",
                   DJANGO_CSRF_COOKIE_SECURE="0", DJANGO_SECURE_HSTS_SECONDS="3600",
                   DJANGO_SECURE_HSTS_PRELOAD="0", TRUSTED_PROXIES="10.0.0.1, 10.1.0.0/16")
    assert (tuned["SECURE_SSL_REDIRECT"], tuned["SESSION_COOKIE_SECURE"], tuned["CSRF_COOKIE_SECURE"]) == (
        False, False, False)
    assert tuned["SECURE_HSTS_SECONDS"] == 3600 and tuned["SECURE_HSTS_PRELOAD"] is False
    assert tuned["TRUSTED_PROXIES"] == ["10.0.0.1", "10.1.0.0/16"]


def test_check_deploy_is_clean_with_the_production_environment():
    proc = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr


def _debug_page() -> str:
    """The technical 500 page for an error raised here (no secrets among this frame's locals)."""
    from django.views.debug import technical_500_response

    try:
        raise ValueError("boom")
    except ValueError:
        return technical_500_response(RequestFactory().get("/"), *sys.exc_info()).content.decode()


def test_error_pages_hide_connection_strings():
    from core.debug import SafeExceptionReporterFilter

    pw = [secrets.token_hex(8) for _ in range(3)]
    with override_settings(
        CELERY_BROKER_URL=f"redis://:{pw[0]}@redis.internal:6379/0",
        SOME_SERVICE_URL=f"postgres://portal:{pw[1]}@db.internal:5432/portal",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                            "LOCATION": f"redis://:{pw[2]}@redis.internal:6379/1"}},
    ):
        shown = json.dumps(SafeExceptionReporterFilter().get_safe_settings(), default=str)
        page = _debug_page()
    assert "SOME_SERVICE_URL" in shown and "SOME_SERVICE_URL" in page  # hidden, not dropped
    assert "boom" in page
    for secret in pw:
        assert secret not in shown
        assert secret not in page


@pytest.mark.parametrize("remote, forwarded, trusted, expected", [
    ("203.0.113.9", "", [], "203.0.113.9"),
    ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),                       # header ignored: no trusted proxy
    ("10.0.0.1", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),                   # behind our proxy
    ("10.0.0.1", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),          # a forged left entry is not believed
    ("10.0.0.1", "1.2.3.4, 10.0.0.7", ["10.0.0.0/8"], "1.2.3.4"),         # two proxies of ours
    ("10.0.0.1", "garbage, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
    ("10.0.0.1", "1.2.3.4, garbage", ["10.0.0.0/8"], "10.0.0.1"),         # garbled hop: stop at our proxy
    ("203.0.113.9", "1.2.3.4", ["10.0.0.0/8"], "203.0.113.9"),           # not from our proxy: header ignored
    ("", "", [], "unknown"),
])
def test_one_client_identity(remote, forwarded, trusted, expected, settings):
    from core.clientid import client_hash, client_ip

    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
    assert client_hash(request, "x") == client_hash(RequestFactory().get("/", REMOTE_ADDR=expected), "x")
