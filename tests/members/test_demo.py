import random

from django.contrib.auth.models import User

from core.management.commands.seed_demo import SCALES
from core.scoping import user_scope
from members import demo
from members.models import Assignment, Committee, Community, HandlingUnit, Member, PlenarySession, PointRule, Township
from members.selectors import coverage_summary


def ctx(scale="county"):
    return {"scale": scale, "sizes": SCALES[scale], "rng": random.Random(7), "seed": 7, "password": "pw",
            "logins": [], "quiet": True}


def counts():
    return tuple(m.objects.count() for m in (Committee, Member, Township, Community, Assignment, HandlingUnit,
                                             PlenarySession, PointRule, User))


def test_demo_generator_is_idempotent_and_covers_all_but_a_few_communities(db):
    first = ctx()
    demo.generate(first)
    after_one = counts()
    demo.generate(ctx())
    assert counts() == after_one
    lucheng = Committee.objects.get(name="政协温州市鹿城区委员会")
    assert lucheng.parent.level == Committee.Level.CITY
    assert Member.objects.filter(committee=lucheng).count() == 305
    assert list(Township.objects.filter(committee=lucheng).values_list("name", flat=True)[:2]) == ["五马街道", "松台街道"]
    assert HandlingUnit.objects.filter(committee=lucheng, name="县住房和城乡建设局").exists()
    standing = Member.objects.filter(committee=lucheng, is_standing=True).count()
    assert 0.10 * 305 < standing < 0.25 * 305
    totals = coverage_summary([lucheng.pk])["totals"]
    assert 1 <= totals["uncovered"] <= 4 and totals["covered"] >= totals["communities"] - 4
    assert {r[1] for r in first["logins"]} >= {"admin", "staff", "leader", "member", "unit"}


def test_demo_logins_have_their_roles_and_scopes(db):
    demo.generate(ctx())
    lucheng = Committee.objects.get(name="政协温州市鹿城区委员会")
    staff = user_scope(User.objects.get(username="staff"))
    assert staff.can_manage and staff.committee_id == lucheng.pk
    leader = user_scope(User.objects.get(username="leader"))
    assert leader.is_office and not leader.can_manage
    member = user_scope(User.objects.get(username="member"))
    assert member.member_id and Member.objects.get(pk=member.member_id).committee_id == lucheng.pk
    unit = user_scope(User.objects.get(username="unit"))
    assert HandlingUnit.objects.get(pk=unit.unit_id).name == "县住房和城乡建设局"
    city = user_scope(User.objects.get(username="citystaff"))
    assert lucheng.pk in city.committee_ids
    assert User.objects.get(username="admin").is_superuser


def test_demo_logins_command_prints_one_login_per_role(db):
    from io import StringIO

    from django.core.management import call_command

    demo.generate(ctx())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username in ("admin", "staff", "leader", "member", "unit"):
        assert f" {username} " in text
    assert User.objects.filter(username="staff").count() == 1
