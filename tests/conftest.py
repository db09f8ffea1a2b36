"""Shared fixtures: real Chromium through Playwright, a real Celery worker and beat, and service
markers. A test that needs PostgreSQL or Redis skips without them locally; CI sets FAIL_ON_SKIP=1,
so there a missing service fails the run instead."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in browser tests are still
# plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    is_pg = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        if "requires_postgres" in item.keywords and not is_pg:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "requires_redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))
        if "browser" in item.keywords and not Path(CHROMIUM).exists():
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"))


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FAIL_ON_SKIP: {len(skipped)} test(s) skipped; CI needs every service.", red=True)
        session.exitstatus = 1


# --- Browser --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _new_page(browser, request, **context_kwargs):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_kwargs)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A desktop page (staff, leaders, units)."""
    yield from _new_page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, request):
    """A phone-sized page (members and the public)."""
    yield from _new_page(browser, request, viewport={"width": 390, "height": 844}, is_mobile=True,
                         has_touch=True, device_scale_factor=2)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def browser_login(page, live_server, username: str, password: str = "pw") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# --- Waiting without sleeps -----------------------------------------------------------------------

def wait_for(condition, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    """Poll ``condition`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


# --- A real Celery worker and beat ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    from django.db import connection

    sd = connection.settings_dict
    if "sqlite" in sd["ENGINE"]:
        return f"sqlite:///{Path(sd['NAME']).resolve()}"
    user = sd.get("USER") or ""
    pw = f":{sd['PASSWORD']}" if sd.get("PASSWORD") else ""
    auth = f"{user}{pw}@" if user else ""
    return f"postgres://{auth}{sd.get('HOST') or '127.0.0.1'}:{sd.get('PORT') or 5432}/{sd['NAME']}"


class CeleryStack:
    """Worker and beat as child processes on the test database and a real broker."""

    def __init__(self, broker_url: str, env: dict, workdir: Path):
        self.broker_url = broker_url
        self.env = env
        self.workdir = workdir
        self.procs: list[subprocess.Popen] = []

    def _spawn(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def start_worker(self):
        return self._spawn("worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                           "--without-heartbeat", "-n", f"test-{os.getpid()}@%h", name="worker")

    def start_beat(self):
        return self._spawn("beat", "--loglevel=INFO", "-s", str(self.workdir / "beat-schedule"), name="beat")

    def logs(self) -> str:
        return "\n".join((p.read_text(errors="replace")[-4000:]) for p in self.workdir.glob("*.log"))

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


@pytest.fixture
def celery_stack(transactional_db, settings, tmp_path):
    """Yields a :class:`CeleryStack` wired to Redis (``REDIS_URL``) or, without it, to kombu's
    filesystem transport; this test process publishes to the same broker. Call ``start_worker()``
    and/or ``start_beat()``; the beat schedule runs every sweep every 2 s."""
    from config.celery import app
    from core import outbox

    redis_url = os.environ.get("REDIS_URL")
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SWEEP_INTERVAL": "2",
        "OUTBOX_RELAY_INTERVAL": "1",
        "PYTHONPATH": str(ROOT),
    })
    transport_options = dict(app.conf.broker_transport_options or {})
    if redis_url:
        broker = redis_url
        env["CELERY_BROKER_URL"] = broker
        # Drain what an earlier test may have left in the queue.
        import redis as redis_lib

        redis_lib.Redis.from_url(redis_url).delete("celery")
    else:
        broker = "filesystem://"
        fs = tmp_path / "broker"
        (fs / "out").mkdir(parents=True)
        (fs / "processed").mkdir()
        (fs / "control").mkdir()
        env["CELERY_BROKER_URL"] = broker
        env["CELERY_FS_BROKER_DIR"] = str(fs)
        transport_options = {"data_folder_in": str(fs / "out"), "data_folder_out": str(fs / "out"),
                             "processed_folder": str(fs / "processed"), "control_folder": str(fs / "control"), "store_processed": False}
    old = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.update(broker_url=broker, task_always_eager=False, broker_transport_options=transport_options)
    app._pool = None
    app.amqp._producer_pool = None  # the producer pool caches the previous broker's connections
    settings.CELERY_TASK_ALWAYS_EAGER = False
    outbox.outbox_reset_breaker()
    stack = CeleryStack(broker, env, tmp_path)
    try:
        yield stack
    finally:
        stack.stop()
        app.conf.update(broker_url=old[0], task_always_eager=old[1], broker_transport_options=old[2])
        app._pool = None
        app.amqp._producer_pool = None
        outbox.outbox_reset_breaker()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
