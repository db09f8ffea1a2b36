"""core.scoping: who sees what (SPEC section 5), pinned on the Scope itself and on one real
ScopedQuerySet (members)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from core.scoping import NOBODY, Role, descendant_committee_ids, get_visible_or_404, user_scope
from members.models import Committee, Member
from tests.factories import CommitteeFactory, HandlingUnitFactory, MemberFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = CommitteeFactory(name="省政协", level=Committee.Level.PROVINCE)
    city = CommitteeFactory(name="市政协", level=Committee.Level.CITY, parent=province)
    county_a = CommitteeFactory(name="甲县政协", parent=city)
    county_b = CommitteeFactory(name="乙县政协", parent=city)
    other_city = CommitteeFactory(name="别市政协", level=Committee.Level.CITY, parent=province)
    county_c = CommitteeFactory(name="丙县政协", parent=other_city)
    return province, city, county_a, county_b, county_c


def test_descendants_reach_three_levels_down_and_never_sideways(tree):
    province, city, a, b, c = tree
    assert descendant_committee_ids(province.pk) == {province.pk, city.pk, a.pk, b.pk, c.pk, c.parent_id}
    assert descendant_committee_ids(city.pk) == {city.pk, a.pk, b.pk}
    assert descendant_committee_ids(a.pk) == {a.pk}


def test_anonymous_and_none_get_nobody(tree):
    MemberFactory(committee=tree[2])
    assert user_scope(None) is NOBODY
    assert user_scope(AnonymousUser()) is NOBODY
    assert not NOBODY.is_office and not NOBODY.can_manage
    assert Member.objects.count() == 1
    assert Member.objects.visible_to(AnonymousUser()).count() == 0


def test_roles_and_committees_of_each_kind_of_user(tree):
    _, city, a, b, _ = tree
    staff = user_scope(make_user("s", Role.STAFF, committee=a))
    assert staff.is_office and staff.can_manage and staff.committee_ids == {a.pk}
    leader = user_scope(make_user("l", Role.LEADER, committee=a))
    assert leader.is_office and not leader.can_manage
    city_staff = user_scope(make_user("cs", Role.STAFF, committee=city))
    assert city_staff.committee_ids == {city.pk, a.pk, b.pk}
    member = MemberFactory(committee=a)
    m = user_scope(make_user("m", Role.MEMBER, member=member))
    assert (m.member_id, m.committee_id, m.is_office) == (member.pk, a.pk, False)
    unit = HandlingUnitFactory(committee=a)
    u = user_scope(make_user("u", Role.UNIT, unit=unit))
    assert (u.unit_id, u.committee_id, u.is_office, u.has(Role.UNIT), u.has(Role.STAFF)) == (
        unit.pk, a.pk, False, True, False)
    root = user_scope(make_user("root", superuser=True))
    assert root.is_superuser and root.is_office and root.can_manage and root.has(Role.UNIT)


def test_the_scope_is_computed_once_per_user_object(tree, django_assert_num_queries):
    _, _, a, _, _ = tree
    user = make_user("once", Role.STAFF, committee=a)
    first = user_scope(user)
    with django_assert_num_queries(0):
        assert user_scope(user) is first


def test_committee_q_gives_non_office_users_nothing(tree):
    _, _, a, _, _ = tree
    member = MemberFactory(committee=a)
    scope = user_scope(make_user("m2", Role.MEMBER, member=member))
    assert Member.objects.filter(scope.committee_q()).count() == 0


def test_visible_to_keeps_counties_apart_and_rolls_up_to_the_city(tree):
    province, city, a, b, c = tree
    in_a, in_b, in_c = MemberFactory(committee=a), MemberFactory(committee=b), MemberFactory(committee=c)
    staff_a = make_user("sa", Role.STAFF, committee=a)
    assert set(Member.objects.visible_to(staff_a)) == {in_a}
    assert set(Member.objects.visible_to(make_user("ca", Role.STAFF, committee=city))) == {in_a, in_b}
    assert set(Member.objects.visible_to(make_user("pa", Role.LEADER, committee=province))) == {in_a, in_b, in_c}
    assert set(Member.objects.visible_to(make_user("su", superuser=True))) == {in_a, in_b, in_c}
    # A member sees their own row (the model's scope_q), nobody else's.
    me = make_user("me", Role.MEMBER, member=in_b)
    assert set(Member.objects.visible_to(me)) == {in_b}
    # A unit sees no member rows at all.
    assert not Member.objects.visible_to(make_user("un", Role.UNIT, unit=HandlingUnitFactory(committee=a))).exists()


def test_outside_the_scope_is_indistinguishable_from_missing(tree):
    _, _, a, b, _ = tree
    theirs = MemberFactory(committee=b)
    staff_a = make_user("sa2", Role.STAFF, committee=a)
    with pytest.raises(Http404):
        get_visible_or_404(Member.objects, staff_a, pk=theirs.pk)
    with pytest.raises(Http404):
        get_visible_or_404(Member.objects, staff_a, pk=theirs.pk + 10_000)
    mine = MemberFactory(committee=a)
    assert get_visible_or_404(Member.objects, staff_a, pk=mine.pk) == mine
