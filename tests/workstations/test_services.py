import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from core.models import OutboxMessage
from members.models import PointEntry
from tests.factories import MemberFactory
from tests.factories.workstations import make_team, make_workstation
from workstations import services
from workstations.models import ReceptionDay, StandardItem, Visit, WorkstationMembership

pytestmark = pytest.mark.django_db


def test_new_workstation_has_the_six_standards():
    ws = make_workstation()
    assert sorted(ws.standards.values_list("code", flat=True)) == sorted(StandardItem.Code.values)


def test_monthly_rule_plans_days_idempotently_and_clamps_short_months():
    ws = make_workstation(rule="15,31")
    start = dt.date(2027, 1, 10)
    n = services.reception_rule_generate(workstation=ws, months=3, start=start)
    dates = list(ReceptionDay.objects.filter(workstation=ws).order_by("date").values_list("date", flat=True))
    assert dates == [dt.date(2027, 1, 15), dt.date(2027, 1, 31), dt.date(2027, 2, 15), dt.date(2027, 2, 28),
                     dt.date(2027, 3, 15), dt.date(2027, 3, 31)]
    assert n == 6
    assert services.reception_rule_generate(workstation=ws, months=3, start=start) == 0
    assert ReceptionDay.objects.filter(workstation=ws).count() == 6


def test_cancelled_day_is_not_planned_again_by_the_rule():
    ws = make_workstation(rule="15")
    start = dt.date(2027, 1, 1)
    services.reception_rule_generate(workstation=ws, months=1, start=start)
    day = ReceptionDay.objects.get(workstation=ws)
    services.reception_day_cancel(day=day)
    assert services.reception_rule_generate(workstation=ws, months=1, start=start) == 0
    assert ReceptionDay.objects.get(workstation=ws).status == ReceptionDay.Status.CANCELLED


def test_rule_with_bad_day_is_refused_in_chinese():
    ws = make_workstation()
    with pytest.raises(DomainError, match="不是有效的日期"):
        services.reception_rule_generate(workstation=ws, days_of_month="15,40")


def test_only_one_active_membership_per_member_and_workstation():
    team = make_team()
    with pytest.raises(DomainError, match="已是本工作室的委员"):
        services.membership_add(workstation=team.ws, member=team.resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkstationMembership.objects.create(workstation=team.ws, member=team.resident)
    m = WorkstationMembership.objects.get(workstation=team.ws, member=team.resident)
    services.membership_end(membership=m)
    services.membership_add(workstation=team.ws, member=team.resident)  # may rejoin after leaving


def test_logging_a_held_day_records_members_visitors_and_queues_points(django_capture_on_commit_callbacks):
    team = make_team()
    with django_capture_on_commit_callbacks(execute=True):
        day = services.reception_day_log_held(
            workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk, team.resident.pk],
            visitors=[services.VisitorInput(issue="路灯不亮，夜间出行不安全", category=Visit.Category.MUNICIPAL,
                                            outcome=Visit.Outcome.HELPED),
                      services.VisitorInput(issue="建议优化公交线路", outcome=Visit.Outcome.OPINION, phone="13812345678")],
            log_key="k-1",
        )
    assert day.status == ReceptionDay.Status.HELD and day.held_logged_by == team.convenor_user
    assert set(day.duty_members.values_list("pk", flat=True)) == {team.convenor.pk, team.resident.pk}
    assert day.visits.count() == 2
    assert OutboxMessage.objects.filter(task_name="workstations.credit_duty_points", args=[day.pk]).count() == 1
    # Eager relay ran the task: each member on duty credited once.
    assert PointEntry.objects.filter(rule__code="reception_day.duty").count() == 2
    # Replaying the same form submission returns the same day and creates nothing.
    again = services.reception_day_log_held(workstation=team.ws, by=team.convenor_user,
                                            member_ids=[team.convenor.pk], log_key="k-1")
    assert again.pk == day.pk and Visit.objects.count() == 2


def test_a_day_cannot_be_logged_twice_or_in_the_future():
    team = make_team()
    services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk])
    with pytest.raises(DomainError, match="已登记"):
        services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk])
    with pytest.raises(DomainError, match="未来"):
        services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[team.convenor.pk],
                                        date=timezone.localdate() + dt.timedelta(days=1))


def test_only_the_workstations_members_can_be_on_duty():
    team = make_team()
    outsider = MemberFactory(committee=team.ws.committee)
    with pytest.raises(DomainError, match="只能选择本工作室的委员"):
        services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[outsider.pk])
    with pytest.raises(DomainError, match="至少勾选"):
        services.reception_day_log_held(workstation=team.ws, by=team.convenor_user, member_ids=[])


def test_logging_a_planned_day_uses_that_day():
    team = make_team()
    day = services.reception_day_plan(workstation=team.ws, date=timezone.localdate())
    services.reception_day_set_duty(day=day, member_ids=[team.resident.pk])
    logged = services.reception_day_log_held(workstation=team.ws, by=team.resident_user, day=day,
                                             member_ids=[team.resident.pk, team.convenor.pk])
    assert logged.pk == day.pk
    assert ReceptionDay.objects.filter(workstation=team.ws).count() == 1


def test_standard_marked_done_needs_evidence():
    ws = make_workstation()
    item = ws.standards.get(code=StandardItem.Code.SITE)
    with pytest.raises(DomainError, match="佐证"):
        services.standard_item_update(item=item, done=True, note="")
    services.standard_item_update(item=item, done=True, note="党群服务中心二楼 60 平方米")
    item.refresh_from_db()
    assert item.done and item.checked_on == timezone.localdate()


def test_visit_outcome_follows_the_workflow_table():
    team = make_team()
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="下水道堵塞，污水外溢", idempotency_key="x" * 10)
    with pytest.raises(DomainError):
        services.visit_handle(visit=visit, outcome=Visit.Outcome.REFERRED)  # no unit named
    services.visit_handle(visit=visit, outcome=Visit.Outcome.HELPED, note="已协调疏通")
    visit.refresh_from_db()
    assert visit.outcome == Visit.Outcome.HELPED and visit.outcome_note == "已协调疏通"
    with pytest.raises(DomainError, match="不允许"):
        services.visit_handle(visit=visit, outcome=Visit.Outcome.ANSWERED)


def test_parse_rate():
    assert services.parse_rate("10/10m") == (10, 600)
    assert services.parse_rate("5/h") == (5, 3600)
    with pytest.raises(ValueError):
        services.parse_rate("ten per minute")
