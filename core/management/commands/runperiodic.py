"""Run every periodic job once (outbox relay + all sweeps), or keep running them with ``--loop``.

Tests and broker-less runs use this instead of Celery beat (pretix ``runperiodic``); the quick-start
run command keeps it looping beside the web server so the deadline loop runs without Redis.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core.outbox import outbox_relay
from core.sweeps import run_sweeps


class Command(BaseCommand):
    help = "运行全部定时任务（催办扫描、任务投递）一次；--loop N 表示每 N 秒循环一次。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="seconds between runs; 0 = run once")
        parser.add_argument("--group", default=None, help="only sweeps of this group (frequent/daily)")

    def handle(self, *args, loop: int, group: str | None, **options):
        while True:
            close_old_connections()
            try:
                relayed = outbox_relay()
                results = run_sweeps(group)
                self.stdout.write(f"relayed {relayed}; " + "; ".join(f"{k}={v}" for k, v in results.items()))
            except Exception as exc:  # keep the loop alive; the next run catches up
                self.stderr.write(f"periodic run failed: {exc!r}")
                if not loop:
                    raise
            if not loop:
                return
            time.sleep(loop)
