"""One overdue rule (core.deadlines): the leaders' page, the API filter, the deadline sweep, the
dashboard figure and its drill list, the unit workbench and the model property name the same items
for a mixed set — due yesterday, due today, due tomorrow, and reported done though past due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from consultations import services, sweeps
from consultations.models import Consultation, Outcome
from core.deadlines import end_of_day
from core.models import Notification
from dashboards import metrics as M
from dashboards.models import DailyStat
from dashboards.refresh import stats_refresh
from dashboards.selectors import drill_queryset
from dashboards.workbench import Kind, Urgency, unit_workbench
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step
SH = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=SH)
TEXTS = {"yesterday": "昨天到期的成果事项", "today": "今天到期的成果事项", "tomorrow": "明天到期的成果事项",
         "done_late": "逾期后已办结的成果事项"}


@pytest.fixture
def mixed():
    """Four outcome items of one consultation, sent to the same unit, built at noon on 10 June."""
    with time_machine.travel(NOON, tick=False):
        env = make_env(prefix="od")
        c = advance(env, make_consultation(env), S.CONVERTING)
        c.outcomes.update(text=TEXTS["yesterday"])
        items = {"yesterday": c.outcomes.get()}
        for key in ("today", "tomorrow", "done_late"):
            items[key] = services.outcome_add(consultation=c, text=TEXTS[key], handling_unit=env.unit, by=env.staff)
        today = NOON.date()
        due = {"yesterday": today - dt.timedelta(days=1), "today": today, "tomorrow": today + dt.timedelta(days=1),
               "done_late": today - dt.timedelta(days=3)}
        for key, day in due.items():
            Outcome.objects.filter(pk=items[key].pk).update(due_at=end_of_day(day))
        services.outcome_report(outcome=items["done_late"], result=Outcome.Status.DONE, report="已办结",
                                by=env.unit_user)
    return env, c, {k: o.pk for k, o in items.items()}


def _every_reading(env, c, pks) -> dict[str, set[int]]:
    names = {pk: key for key, pk in pks.items()}
    got = {}
    got["queryset"] = {names[pk] for pk in Outcome.objects.overdue().values_list("pk", flat=True)}
    got["model"] = {names[o.pk] for o in Outcome.objects.filter(pk__in=pks.values()) if o.is_overdue}

    browser = Client()
    browser.force_login(env.leader)
    html = browser.get(reverse("consultations:overdue")).content.decode()
    table = html.split('data-testid="overdue-outcomes"', 1)[1].split("</table>", 1)[0]
    got["page"] = {key for key, text in TEXTS.items() if text in table}

    api = APIClient()
    api.force_authenticate(env.leader)
    rows = api.get("/api/v1/consultation-outcomes/", {"overdue": "true"}).json()["results"]
    got["api"] = {names[r["id"]] for r in rows}
    every = api.get("/api/v1/consultation-outcomes/").json()["results"]
    got["api_field"] = {names[r["id"]] for r in every if r["is_overdue"]}

    sweeps.outcome_deadlines()
    got["sweep"] = {names[pk] for pk in Notification.objects.filter(stage="consultation.outcome.overdue")
                    .values_list("object_id", flat=True)}

    stats_refresh(committee_ids=[env.committee.pk], codes=["cons.outcomes_overdue"])
    total = sum(DailyStat.objects.filter(metric="cons.outcomes_overdue", committee=env.committee)
                .values_list("value", flat=True))
    drill = drill_queryset(user=env.leader, metric=M.get("cons.outcomes_overdue"), committee_ids=[env.committee.pk],
                           start=None, end=None, dims={}, key=None)
    got["dashboard"] = {names[pk] for pk in drill.values_list("pk", flat=True)}
    assert total == len(got["dashboard"])

    bench = unit_workbench(user=env.unit_user)
    got["workbench"] = {names[i.pk] for i in bench["items"] if i.kind == Kind.OUTCOME and i.urgency == Urgency.OVERDUE}
    return got


def test_page_api_sweep_dashboard_and_workbench_agree_at_noon(mixed):
    env, c, pks = mixed
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        got = _every_reading(env, c, pks)
    assert got == dict.fromkeys(got, {"yesterday"})


def test_an_item_due_today_becomes_overdue_everywhere_after_its_due_day(mixed):
    env, c, pks = mixed
    just_after = dt.datetime(2026, 6, 11, 0, 0, 30, tzinfo=SH)
    with time_machine.travel(just_after, tick=False):
        got = _every_reading(env, c, pks)
    assert got == dict.fromkeys(got, {"yesterday", "today"})


def test_items_due_soon_are_the_same_for_sweep_and_workbench(mixed):
    env, c, pks = mixed
    names = {pk: key for key, pk in pks.items()}
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        soon = {names[pk] for pk in Outcome.objects.due_soon().values_list("pk", flat=True)}
        bench = unit_workbench(user=env.unit_user)
        bench_soon = {names[i.pk] for i in bench["items"] if i.kind == Kind.OUTCOME and i.urgency == Urgency.SOON}
        waiting = {names[pk] for pk in Outcome.objects.waiting_on_unit(env.unit).values_list("pk", flat=True)}
    assert soon == bench_soon == {"today", "tomorrow"}
    assert waiting == {"yesterday", "today", "tomorrow"}


def test_opinion_reports_past_due_count_as_overdue_only_while_they_wait_on_someone():
    """The dashboard's op.overdue used to count every report past due but closed/rejected/merged (a
    report registered and waiting to be edited, put in a bulletin or carried back waits on no deadline); now the leaders'
    list, the API filter, the sweep and the dashboard all count the same waiting reports."""
    from opinions import sweeps as opinion_sweeps
    from opinions.models import OpinionReport
    from tests.factories.opinions import make_world, report_at

    with time_machine.travel(NOON, tick=False):
        w = make_world(prefix="odo")
        reports = {status: report_at(w, status, title=f"逾期核对{status}")
                   for status in ("received", "forwarded_unit", "registered", "in_bulletin", "carried_back")}
        OpinionReport.objects.filter(pk__in=[r.pk for r in reports.values()]).update(
            due_at=end_of_day(NOON.date() - dt.timedelta(days=2)))
    names = {r.pk: status for status, r in reports.items()}
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        got = {"queryset": {names[pk] for pk in OpinionReport.objects.overdue().values_list("pk", flat=True)},
               "model": {names[r.pk] for r in OpinionReport.objects.filter(pk__in=names) if r.is_overdue}}
        browser = Client()
        browser.force_login(w.leader)
        html = browser.get(reverse("opinions:overdue")).content.decode()
        got["page"] = {status for status in reports if f"逾期核对{status}" in html}
        api = APIClient()
        api.force_authenticate(w.leader)
        got["api"] = {names[r["id"]] for r in api.get("/api/v1/opinion-reports/", {"overdue": "true"}).json()["results"]}
        opinion_sweeps.opinion_deadlines()
        got["sweep"] = {names[pk] for pk in Notification.objects.filter(stage__contains="overdue")
                        .values_list("object_id", flat=True)}
        drill = drill_queryset(user=w.leader, metric=M.get("op.overdue"), committee_ids=[w.committee.pk],
                               start=None, end=None, dims={}, key=None)
        got["dashboard"] = {names[pk] for pk in drill.values_list("pk", flat=True)}
    assert got == dict.fromkeys(got, {"received", "forwarded_unit"})
