"""Page saves for tests/core/test_sqlite_concurrency.py, run as a separate process against a file
SQLite database while the sweep loop runs in another: a member files opinion reports through the
page and the office registers them (a read-then-write transaction with a row lock and numbering).
Prints one JSON line: how many saves were made and every failure."""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from opinions.models import OpinionReport  # noqa: E402


def main(seconds: float, password: str) -> None:
    member, staff = Client(), Client()
    assert member.login(username="member", password=password)
    assert staff.login(username="staff", password=password)
    saves, failures = 0, []
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop:
        i += 1
        title = f"并发保存测试第{i}条：路灯损坏"
        try:
            r = member.post("/opinions/new/", {"title": title, "content": "村口路灯损坏三个月，夜间出行不便。",
                                               "category": "urban", "direction": "up"})
            if r.status_code != 302:
                failures.append(f"create {i}: HTTP {r.status_code}")
                continue
            saves += 1
            report = OpinionReport.objects.filter(title=title).order_by("-pk").first()
            r = staff.post(f"/opinions/{report.pk}/register/", {"category": "urban", "title": "", "note": ""})
            if r.status_code != 302:
                failures.append(f"register {i}: HTTP {r.status_code}")
                continue
            report.refresh_from_db()
            if report.status != OpinionReport.Status.REGISTERED:
                failures.append(f"register {i}: still {report.status}")
                continue
            saves += 1
        except Exception as exc:  # noqa: BLE001 - every failure is what the test counts
            failures.append(f"{i}: {exc!r}"[:300])
    print(json.dumps({"saves": saves, "failures": failures}, ensure_ascii=False))


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2])
