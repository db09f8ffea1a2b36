#!/usr/bin/env python3
"""Bootstrap and run the portal, or its tests, on a machine that has only Python 3.11+.

    python3 dev.py run     # venv + install, migrate, demo data, demo logins, the deadline loop, web server
    python3 dev.py test    # venv + install (+ Chromium where apt-get can), then every test
    python3 dev.py bench   # time dashboards, lists and API on city-scale demo data (docs/benchmarks.md)

Embedded defaults: SQLite in var/, Celery eager with ``manage.py runperiodic --loop`` driving the
deadline loop. With DATABASE_URL / REDIS_URL set, PostgreSQL and Redis are used, and ``run`` starts
a real Celery worker and beat beside the web server. PORT changes the port (default 8000).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed"


def sh(*cmd, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def bootstrap() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed.")
    if not PY.exists():
        print(f"creating virtualenv in {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        sh(PY, "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.write_text(digest)
    (ROOT / "var").mkdir(exist_ok=True)


def ensure_chromium() -> None:
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(chromium).exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        sh("apt-get", "update", "-qq", env=env)
        sh("apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk", env=env)
    else:
        print(f"warning: no Chromium at {chromium}; browser tests will be skipped "
              "(install Debian's chromium, or set CHROMIUM_PATH)", flush=True)


def manage(*args: str) -> None:
    sh(PY, "manage.py", *args)


def run() -> None:
    bootstrap()
    # The local demo: DEBUG on (static files from the app, detailed errors on this machine only).
    # Production leaves DJANGO_DEBUG unset, so DEBUG is off and a real DJANGO_SECRET_KEY is required.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # Reminder e-mails go to files in var/mail/ rather than flooding the console.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    manage("migrate", "--noinput")
    manage("seed_demo", "--scale", os.environ.get("DEMO_SCALE", "county"))
    port = os.environ.get("PORT", "8000")
    background: list[subprocess.Popen] = []
    if os.environ.get("REDIS_URL"):
        for args in (["worker", "--loglevel=INFO"], ["beat", "--loglevel=INFO", "-s", "var/celerybeat-schedule"]):
            background.append(subprocess.Popen([str(PY), "-m", "celery", "-A", "config", *args], cwd=ROOT))
    else:
        # No broker: run the beat schedule in-process every 60 s (tasks execute eagerly).
        background.append(subprocess.Popen([str(PY), "manage.py", "runperiodic", "--loop", "60"], cwd=ROOT))
    print(f"\n政协委员履职服务平台: http://127.0.0.1:{port}/  (Ctrl+C to stop)\n", flush=True)
    try:
        subprocess.run([str(PY), "manage.py", "runserver", f"127.0.0.1:{port}"], cwd=ROOT)
    except KeyboardInterrupt:
        pass
    finally:
        for p in background:
            p.send_signal(signal.SIGTERM)
        for p in background:
            p.wait(timeout=20)


def test(args: list[str]) -> int:
    bootstrap()
    ensure_chromium()
    return subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "bootstrap", "bench"}:
        sys.exit(__doc__)
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "run":
        run()
    elif cmd == "bootstrap":
        bootstrap()
    elif cmd == "bench":  # dashboards benchmark on city-scale demo data → docs/benchmarks.md
        bootstrap()
        sys.exit(subprocess.run([str(PY), "scripts/bench.py", *rest], cwd=ROOT).returncode)
    else:
        sys.exit(test(rest))


if __name__ == "__main__":
    main()
