"""List pages and list APIs run the same number of queries for 5 rows as for 50."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from opinions import services
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db


def _make(w, n, status):
    for i in range(n):
        report_at(w, status, title=f"问题{status}{i}")


def _count(fn) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _pages(w):
    staff_client, member_client, unit_client, leader_client = (APIClient() for _ in range(4))
    staff_client.force_login(w.staff)
    member_client.force_login(w.member_user)
    unit_client.force_login(w.unit_user)
    leader_client.force_login(w.leader)
    return {
        "office": lambda: staff_client.get("/opinions/office/?page=1"),
        "my": lambda: member_client.get("/opinions/"),
        "unit": lambda: unit_client.get("/opinions/unit/"),
        "overdue": lambda: leader_client.get("/opinions/overdue/"),
        "bulletins": lambda: staff_client.get("/opinions/bulletins/"),
        "api-staff": lambda: staff_client.get("/api/v1/opinion-reports/"),
        "api-unit": lambda: unit_client.get("/api/v1/opinion-reports/"),
        "api-member": lambda: member_client.get("/api/v1/opinion-reports/"),
        "api-bulletins": lambda: staff_client.get("/api/v1/opinion-bulletins/"),
        "api-detail": None,
    }


def _overdue_all():
    from django.utils import timezone

    from opinions.models import OpinionReport

    OpinionReport.objects.filter(due_at__isnull=False).update(due_at=timezone.now() - timezone.timedelta(days=1))


@pytest.mark.parametrize("name", ["office", "my", "unit", "overdue", "bulletins", "api-staff", "api-unit",
                                  "api-member", "api-bulletins"])
def test_list_query_count_is_constant(w, name, django_assert_num_queries):
    def grow(n):
        _make(w, n, "forwarded_unit")
        services.opinion_report_instruct(report=report_at(w, "registered", title="批示"), by=w.leader, text="阅")
        if name == "bulletins" or name == "api-bulletins":
            for _ in range(n):
                services.bulletin_compose(committee=w.committee, title="专报",
                                          reports=[report_at(w, "registered", title="编报")], by=w.staff)
        _overdue_all()

    grow(5)
    call = _pages(w)[name]
    small = _count(call)
    assert call().status_code == 200
    grow(45)
    large = _count(call)
    assert small == large, f"{name}: {small} queries for 5 rows, {large} for 50"


@pytest.mark.parametrize("who", ["staff", "leader", "member_user", "unit_user"])
def test_report_page_query_count_does_not_grow_with_its_history(w, who):
    report = report_at(w, "fed_back")
    client = APIClient()
    client.force_login(getattr(w, who))
    url = f"/opinions/{report.pk}/"
    api_url = f"/api/v1/opinion-reports/{report.pk}/"

    def add(n):
        for i in range(n):
            services.opinion_report_instruct(report=report, by=w.leader, text=f"批示{i}")

    add(2)
    small = (_count(lambda: client.get(url)), _count(lambda: client.get(api_url)))
    add(20)
    large = (_count(lambda: client.get(url)), _count(lambda: client.get(api_url)))
    assert small == large
