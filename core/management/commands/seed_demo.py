"""Generate demo data at county, city or province scale (SPEC section 7) from a seed.

Each domain app contributes through ``<app>/demo.py`` with ``generate(ctx)``; they run in
dependency order and share ``ctx`` (a dict: scale, rng, committees, logins …). Running it again on a
database that already has demo data changes nothing (idempotent), so the quick start can always
call it.
"""

import importlib
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = ["members", "workstations", "opinions", "consultations", "proposals", "dashboards"]

SCALES = {
    # committees, members, workstations, proposals/yr, opinion reports/yr, visits/yr, consultations/yr
    "county": dict(committees=1, members=300, workstations=26, proposals=300, opinions=1000, visits=10000, consultations=150),
    "city": dict(committees=10, members=2500, workstations=250, proposals=3000, opinions=10000, visits=100000, consultations=1500),
    "province": dict(committees=100, members=25000, workstations=2500, proposals=30000, opinions=100000, visits=1000000, consultations=15000),
}
DEMO_PASSWORD = "demo12345"


class Command(BaseCommand):
    help = "生成演示数据（county/city/province 规模），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county")
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument("--password", default=DEMO_PASSWORD, help="password of every demo login")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale: str, seed: int, password: str, quiet: bool, **options):
        ctx = {"scale": scale, "sizes": SCALES[scale], "rng": random.Random(seed), "seed": seed,
               "password": password, "logins": [], "stdout": self.stdout, "quiet": quiet}
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo" and exc.name != app:
                    raise
                continue
            started = time.monotonic()
            with transaction.atomic():
                module.generate(ctx)
            if not quiet:
                self.stdout.write(f"  {app}: {time.monotonic() - started:.1f}s")
        if ctx["logins"]:
            self.stdout.write(self.style.SUCCESS("演示账号（密码均为 %s）：" % password))
            for role, username, note in ctx["logins"]:
                self.stdout.write(f"  {role:<12} {username:<16} {note}")
