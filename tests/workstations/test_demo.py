"""The demo generator makes a county look alive, fast and idempotently."""

import random

import pytest
from django.db.models import Count

from workstations.models import ReceptionDay, StandardItem, Visit, Workstation, WorkstationMembership

pytestmark = pytest.mark.django_db

SIZES = dict(committees=1, members=300, workstations=26, proposals=300, opinions=1000, visits=10000, consultations=150)


def test_demo_makes_26_workstations_with_convenors_days_and_visits_once():
    from members import demo as members_demo
    from workstations import demo

    ctx = {"scale": "county", "sizes": SIZES, "rng": random.Random(1), "seed": 1, "password": "pw", "logins": [],
           "quiet": True}
    members_demo.generate(ctx)
    demo.generate(ctx)
    kinds = dict(Workstation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"township": 14, "sector": 12}
    assert not Workstation.objects.exclude(memberships__role="convenor").exists()
    assert Visit.objects.count() == 10000
    assert ReceptionDay.objects.filter(status="held").count() > 200
    assert ReceptionDay.objects.filter(status="planned").count() >= 26
    assert StandardItem.objects.filter(done=True).count() > 0.7 * StandardItem.objects.count()
    assert ("convenor", "convenor") in [(r, u) for r, u, _ in ctx["logins"]]
    assert WorkstationMembership.objects.filter(member__user__username="convenor", role="convenor").exists()
    counts = (Workstation.objects.count(), Visit.objects.count(), ReceptionDay.objects.count())
    demo.generate({**ctx, "logins": []})
    assert (Workstation.objects.count(), Visit.objects.count(), ReceptionDay.objects.count()) == counts
