"""Fixtures for the workstation integration tests: a private redis-server this test may stop and
restart (never the shared one), and a Celery worker/beat wired to it."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.conftest import CeleryStack, _free_port, _test_database_url

REDIS_SERVER = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")


class PrivateRedis:
    def __init__(self, workdir):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        import redis

        deadline = time.monotonic() + 15
        while True:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping():
                    return
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("private redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def private_redis(tmp_path):
    if not os.path.exists(REDIS_SERVER):
        pytest.skip(f"needs {REDIS_SERVER}")
    r = PrivateRedis(tmp_path)
    r.start()
    try:
        yield r
    finally:
        r.stop()


def _reset_pools(app) -> None:
    """Forget pooled broker connections *and* the producer pool built on them: otherwise publishing
    keeps going to the broker an earlier test used."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_celery_stack(private_redis, transactional_db, settings, tmp_path):
    """Like ``celery_stack`` but on the private Redis: this process publishes there, and the worker
    and beat started with ``start_worker()`` / ``start_beat()`` consume from there."""
    from config.celery import app
    from core import outbox

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_BROKER_URL": private_redis.url,
        "SWEEP_INTERVAL": "2",
        "OUTBOX_RELAY_INTERVAL": "1",
        "PYTHONPATH": str(tmp_path.parent),
    })
    from tests.conftest import ROOT

    env["PYTHONPATH"] = str(ROOT)
    env.pop("CELERY_FS_BROKER_DIR", None)
    old = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.update(broker_url=private_redis.url, task_always_eager=False,
                    broker_transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS))
    _reset_pools(app)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    outbox.outbox_reset_breaker()
    stack = CeleryStack(private_redis.url, env, tmp_path)
    try:
        yield stack
    finally:
        stack.stop()
        app.conf.update(broker_url=old[0], task_always_eager=old[1], broker_transport_options=old[2])
        _reset_pools(app)
        outbox.outbox_reset_breaker()
