"""The demo generator writes a history the workflow could have written."""

import random
from collections import defaultdict

import pytest
from django.db import models

from core.models import StateChange
from members.services import point_rules_ensure
from opinions import demo
from opinions.models import Bulletin, OpinionReport
from opinions.selectors import unit_inbox
from opinions.workflow import TRANSITIONS
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_demo_history_follows_the_transition_table_and_numbers_have_no_gaps(w):
    point_rules_ensure()
    for _ in range(10):
        MemberFactory(committee=w.committee)
    demo.county_generate(w.committee, n=150, rng=random.Random(7))
    reports = {r.pk: r for r in OpinionReport.objects.filter(committee=w.committee)}
    assert len(reports) == 150
    paths = defaultdict(list)
    for sc in StateChange.objects.filter(code__startswith="opinions.report.").exclude(to_state="instructed") \
            .order_by("at", "pk"):
        paths[sc.object_id].append((sc.from_state, sc.to_state))
    for pk, report in reports.items():
        steps = paths[pk]
        assert steps[0] == ("", "received")
        for a, b in steps[1:]:
            assert b in TRANSITIONS[a], (a, b)
        assert steps[-1][1] == report.status
    seqs = defaultdict(list)
    for r in reports.values():
        if r.registration_seq:
            seqs[r.registration_year].append(r.registration_seq)
    for values in seqs.values():
        assert sorted(values) == list(range(1, len(values) + 1))
    for year in set(Bulletin.objects.values_list("year", flat=True)):
        numbers = sorted(Bulletin.objects.filter(year=year).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    counts = OpinionReport.objects.outcome_counts()
    assert counts["resolved"] > counts["in_progress"] > counts["cannot_handle"]
    # The generator routes work to the county's units (with this seed, all of it to the first unit).
    assert unit_inbox(user=w.unit_user).exists()
    from opinions.models import UnitFeedback

    unit_answers = UnitFeedback.objects.filter(unit__isnull=False)
    assert unit_answers.exists() and not unit_answers.filter(forwarding__isnull=True).exists()
    assert not unit_answers.exclude(forwarding__unit_id=models.F("unit_id")).exists()
    waiting = OpinionReport.objects.filter(status__in=["received", "forwarded_unit", "fed_back"])
    assert not waiting.filter(due_at__isnull=True).exists()
