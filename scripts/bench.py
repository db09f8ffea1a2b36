#!/usr/bin/env python3
"""Benchmark the dashboards, key list pages and API calls on city-scale demo data.

    python3 dev.py bench                       # or: .venv/bin/python scripts/bench.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench python3 dev.py bench
    python3 dev.py bench --scale county --runs 5 --no-write

The data goes into a separate database (BENCH_DATABASE_URL; default: a database named
``cppcc_bench`` on the PostgreSQL server of DATABASE_URL when that is PostgreSQL, otherwise
var/bench.sqlite3), generated once with ``seed_demo`` (idempotent, so later runs reuse it). Each URL
is requested RUNS times through Django's test client after one warm-up; the median and the SQL
query count are written to docs/benchmarks.md. Keeps well under ten minutes at city scale.
"""

from __future__ import annotations

import argparse
import os
import secrets
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith("postgres"):
        return current.rsplit("/", 1)[0] + "/cppcc_bench"
    return f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    conn = psycopg2.connect(dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
                            host=cfg["HOST"] or None, port=cfg["PORT"] or None)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="city", choices=["county", "city", "province"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    args = parser.parse_args()

    url = bench_database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    # Production settings over plain HTTP on loopback: a throwaway key, no HTTPS redirect.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_HTTPS", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    (ROOT / "var").mkdir(exist_ok=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DASHBOARD_REFRESH_ON_WRITE = False  # the generator's own writes: one full refresh below
    engine = connection.vendor
    print(f"bench database: {engine} {settings.DATABASES['default']['NAME']}", flush=True)
    started = time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    t0 = time.monotonic()
    call_command("seed_demo", "--scale", args.scale, "--quiet")
    seed_seconds = time.monotonic() - t0

    from dashboards.refresh import stats_refresh

    t0 = time.monotonic()
    stats_refresh(full=True)
    refresh_full = time.monotonic() - t0
    t0 = time.monotonic()
    stats_refresh()
    refresh_recent = time.monotonic() - t0

    sizes = data_sizes()
    live = live_aggregate_timings(args.runs)
    results = measure(args.runs)
    total = time.monotonic() - started
    text = render(args, engine, sizes, seed_seconds, refresh_full, refresh_recent, live, results, total)
    print(text)
    if not args.no_write:
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "benchmarks.md").write_text(text, encoding="utf-8")
        print(f"written to {ROOT / 'docs' / 'benchmarks.md'}")
    return 0


def data_sizes() -> list[tuple[str, int]]:
    from django.apps import apps

    out = []
    for label, name in [("members.Committee", "政协组织"), ("members.Member", "委员"), ("members.PointEntry", "积分记录"),
                        ("workstations.Workstation", "工作室"), ("workstations.ReceptionDay", "接待日"),
                        ("workstations.Visit", "来访"), ("opinions.OpinionReport", "社情民意"),
                        ("consultations.Consultation", "协商活动"), ("proposals.Proposal", "提案"),
                        ("dashboards.DailyStat", "统计汇总行")]:
        try:
            out.append((f"{name} `{label}`", apps.get_model(label).objects.count()))
        except LookupError:
            continue
    return out


def _median_ms(fn, runs: int) -> tuple[float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        reset_queries()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def live_aggregate_timings(runs: int) -> list[tuple[str, float, int]]:
    """What the summary tables save: the visits-per-month aggregate live vs from DailyStat."""
    from django.apps import apps
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from dashboards.models import DailyStat

    out = []
    try:
        Visit = apps.get_model("workstations", "Visit")
    except LookupError:
        return out
    out.append(("实时聚合：全部来访按月计数（Visit 表）", *_median_ms(
        lambda: list(Visit.objects.values(m=TruncMonth("received_on")).annotate(n=Count("pk")).order_by()), runs)))
    out.append(("汇总表：同一数字（DailyStat）", *_median_ms(
        lambda: list(DailyStat.objects.filter(metric="ws.visits").values(m=TruncMonth("day"))
                     .annotate(n=Sum("value")).order_by()), runs)))
    return out


def measure(runs: int) -> list[tuple[str, str, int, float, int]]:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    year = timezone.localdate().year
    targets = [
        ("leader", "dashboards:home", f"?period={year}", "驾驶舱（县级领导，本年）"),
        ("leader", "dashboards:home", f"?period={timezone.localdate():%Y-%m}", "驾驶舱（县级领导，本月）"),
        ("citystaff", "dashboards:home", f"?period={year}", "驾驶舱（市级，各县对比合计）"),
        ("citystaff", "dashboards:units", f"?period={year}", "承办单位公平榜（市级）"),
        ("leader", "dashboards:drill:ws.visits", f"?period={year}", "指标明细：接待群众"),
        ("leader", "dashboards:rollups", "", "月报/季报/年报列表"),
        ("leader", "/api/v1/dashboard/summary/", f"?period={year}", "API 驾驶舱指标"),
        ("citystaff", "/api/v1/dashboard/summary/", f"?period={year}", "API 驾驶舱指标（市级）"),
        ("leader", "/api/v1/dashboard/units/", f"?period={year}", "API 承办单位公平榜"),
        ("staff", "workstations:list", "", "工作室列表"),
        ("staff", "opinions:office", "", "社情民意（机关）"),
        ("staff", "proposals:office", "", "提案（机关）"),
        ("staff", "consultations:list", "", "协商活动列表"),
        ("staff", "members:list", "", "委员名册"),
        ("staff", "/api/v1/members/", "", "API 委员"),
        ("staff", "/api/v1/workstations/", "", "API 工作室"),
        ("staff", "/api/v1/proposals/", "", "API 提案"),
        ("staff", "/api/v1/opinion-reports/", "", "API 社情民意"),
        ("staff", "/api/v1/consultations/", "", "API 协商"),
    ]
    clients: dict[str, Client] = {}
    out = []
    for username, name, query, label in targets:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        if name.startswith("/"):
            path = name
        else:
            try:
                if name.count(":") == 2:
                    ns, view, arg = name.split(":")
                    path = reverse(f"{ns}:{view}", args=[arg])
                else:
                    path = reverse(name)
            except NoReverseMatch:
                continue
        client = clients.setdefault(username, Client())
        client.force_login(user)
        status = client.get(path + query).status_code
        if status != 200:
            print(f"skip {path}{query}: HTTP {status}", flush=True)
            continue
        ms, queries = _median_ms(lambda: client.get(path + query), runs)
        out.append((label, path + query, status, ms, queries))
        print(f"{label:<28} {ms:8.1f} ms {queries:4d} queries  {path}{query}", flush=True)
    return out


def render(args, engine, sizes, seed_seconds, refresh_full, refresh_recent, live, results, total) -> str:
    from django.utils import timezone

    lines = [
        "# Benchmarks",
        "",
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M} by `python3 dev.py bench` (scripts/bench.py) on "
        f"{args.scale} scale demo data: {engine}, Python {platform.python_version()}, {os.cpu_count()} CPU cores "
        f"(shared with other work while measuring). Each figure is the median of {args.runs} requests through "
        "Django's test client after one warm-up (rendering included, no network); the query count is per request "
        "and does not grow with the data (see the query-count tests).",
        "",
        "## Data",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {name} | {n:,} |" for name, n in sizes],
        "",
        f"Generating the data (`seed_demo --scale {args.scale}`, skipped when present): {seed_seconds:.1f} s. "
        f"Refreshing the dashboard summary tables: full {refresh_full:.2f} s, recent window "
        f"(the frequent sweep) {refresh_recent:.2f} s.",
        "",
        "## Pages and API calls",
        "",
        "| what | URL | median ms | SQL queries |",
        "|---|---|---:|---:|",
        *[f"| {label} | `{url}` | {ms:.1f} | {q} |" for label, url, _, ms, q in results],
        "",
    ]
    if live:
        lines += [
            "## Why summary tables",
            "",
            "| query | median ms | SQL queries |",
            "|---|---:|---:|",
            *[f"| {label} | {ms:.1f} | {q} |" for label, ms, q in live],
            "",
            "The live aggregate grows with the visits table (SPEC: 0.2–0.4 s at province scale on 2 cores); the "
            "summary read grows only with months × metric classes × dimension values (flow rows are monthly).",
            "",
        ]
    lines.append(f"Whole benchmark run: {total:.0f} s.")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
