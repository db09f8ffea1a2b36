"""The embedded default (SQLite) must not fail a save while the sweep loop writes.

Before WAL + IMMEDIATE transactions + a busy timeout, 31 of 42 page saves made beside
``runperiodic --loop 1`` on county demo data failed with "database is locked". This test runs the
same two processes against a fresh file database with the project's settings and expects none."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _env(db: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_FS_BROKER_DIR",
                        "CELERY_TASK_ALWAYS_EAGER", "DJANGO_DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    })
    return env


def test_page_saves_while_sweeps_run_never_fail(tmp_path):
    db = tmp_path / "portal.sqlite3"
    env = _env(db)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for cmd in (["migrate", "--noinput", "-v0"], ["seed_demo", "--scale", "county"]):
        subprocess.run(manage + cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=600)

    import sqlite3

    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    sweeps_log = (tmp_path / "sweeps.log").open("w")
    sweeps = subprocess.Popen(manage + ["runperiodic", "--loop", "1"], env=env, cwd=ROOT,
                              stdout=sweeps_log, stderr=subprocess.STDOUT)
    try:
        writer = subprocess.run([sys.executable, str(ROOT / "tests/core/sqlite_writer.py"), "30", "demo12345"],
                                env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        sweeps.terminate()
        sweeps.wait(timeout=60)
        sweeps_log.close()
    assert writer.returncode == 0, writer.stderr[-3000:]
    result = json.loads(writer.stdout.strip().splitlines()[-1])
    log = (tmp_path / "sweeps.log").read_text(errors="replace")
    assert result["failures"] == [], result["failures"][:10]
    assert result["saves"] >= 10, result  # the writer really wrote, page after page
    assert "locked" not in log and "periodic run failed" not in log, log[-3000:]
    assert log.count("relayed") >= 2, log[-3000:]  # the sweep loop really ran, more than once
