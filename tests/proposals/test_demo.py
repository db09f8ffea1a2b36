"""Demo data: every status, consecutive numbers, work for the demo logins, idempotent."""

import random

import pytest

from core.scoping import Role
from proposals import demo
from proposals.models import Proposal, PublicComment, UnitAssignment
from proposals.sweeps import proposal_deadlines
from tests.factories import HandlingUnitFactory, MemberFactory, make_user
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db


def test_demo_makes_lively_consistent_data_once():
    w = f.proposal_world()
    f.make_session(w.committee, number=3, name="十届三次会议")
    for _ in range(6):
        MemberFactory(committee=w.committee)
    HandlingUnitFactory(committee=w.committee)
    make_user("member", Role.MEMBER, member=MemberFactory(committee=w.committee))
    unit_user = make_user("unit", Role.UNIT, unit=HandlingUnitFactory(committee=w.committee))
    ctx = {"scale": "county", "sizes": {"proposals": 120}, "rng": random.Random(7), "quiet": True}
    demo.generate(ctx)
    qs = Proposal.objects.filter(committee=w.committee)
    assert qs.count() == 120
    assert {"draft", "submitted", "assigned", "released", "closed", "not_filed"} <= set(qs.values_list("status", flat=True))
    for session_id in set(qs.values_list("session_id", flat=True)):
        numbers = sorted(qs.filter(session_id=session_id, number__isnull=False).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    assert qs.filter(member__user__username="member").exists()
    assert UnitAssignment.objects.filter(unit=unit_user.portal_profile.handling_unit, proposal__status="assigned").exists()
    assert PublicComment.objects.filter(status="approved").exists()
    assert qs.filter(is_key=True, supervision_records__isnull=False).exists()
    demo.generate(ctx)
    assert Proposal.objects.filter(committee=w.committee).count() == 120
    proposal_deadlines()  # the sweep runs over demo data without error
