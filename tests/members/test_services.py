import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.errors import DomainError
from members import services
from members.models import Assignment, Member


def test_community_must_belong_to_the_township(county_a):
    m = county_a.member()
    east, west = county_a.townships
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(member=m, township=east, community=county_a.communities["西山镇"][0])
    assert "不属于" in exc.value.message_dict["community"][0]
    assert not Assignment.objects.exists()


def test_no_second_active_assignment_to_the_same_community(county_a):
    m = county_a.member()
    t = county_a.townships[0]
    c = county_a.communities[t.name][0]
    services.assignment_create(member=m, township=t, community=c)
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(member=m, township=t, community=c)
    assert "不能重复安排" in exc.value.message_dict["community"][0]
    assert Assignment.objects.count() == 1


def test_an_ended_assignment_does_not_block_a_new_one(county_a):
    m = county_a.member()
    t = county_a.townships[0]
    a = services.assignment_create(member=m, township=t, start_date=dt.date(2024, 1, 1))
    services.assignment_end(assignment=a, end_date=dt.date(2024, 6, 30))
    services.assignment_create(member=m, township=t)
    assert Assignment.objects.filter(member=m).count() == 2
    assert Assignment.objects.active().filter(member=m).count() == 1


def test_member_and_places_must_belong_to_the_same_committee(county_a, county_b):
    m = county_a.member()
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(member=m, township=county_b.townships[0])
    assert "township" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.assignments_bulk_create(members=[m], township=county_b.townships[0])


def test_bulk_assignment_skips_members_already_there(county_a, staff_a):
    t = county_a.townships[0]
    a, b = county_a.member(name="甲"), county_a.member(name="乙")
    services.assignment_create(member=a, township=t)
    created, skipped = services.assignments_bulk_create(members=[a, b], township=t, by=staff_a)
    assert (created, skipped) == (1, ["甲"])
    new = Assignment.objects.get(member=b)
    assert new.created_by == staff_a and new.updated_by == staff_a


def test_assignment_end_cannot_precede_start(county_a):
    a = services.assignment_create(member=county_a.member(), township=county_a.townships[0],
                                   start_date=dt.date(2025, 5, 1))
    with pytest.raises(DomainError):
        services.assignment_end(assignment=a, end_date=dt.date(2025, 4, 1))


def test_member_rules_phone_and_same_committee_sector(county_a, county_b, staff_a):
    with pytest.raises(ValidationError) as exc:
        services.member_create(committee=county_a.committee, name="王五", phone="12345", sector=county_b.sector,
                               special_committee=county_a.special_committee, by=staff_a)
    errors = exc.value.message_dict
    assert "手机号码格式不正确" in errors["phone"][0]
    assert "界别不属于" in errors["sector"][0]
    m = services.member_create(committee=county_a.committee, name="王五", phone="13912345678",
                               sector=county_a.sector, special_committee=county_a.special_committee, by=staff_a)
    assert m.created_by == staff_a and m.name_initials == "ww"
    with pytest.raises(ValidationError):  # same name and phone in the same committee
        services.member_create(committee=county_a.committee, name="王五", phone="13912345678",
                               sector=county_a.sector, special_committee=county_a.special_committee)
    assert Member.objects.filter(name="王五").count() == 1


def test_roles_ensure_creates_the_five_groups_with_staff_permissions(db):
    groups = services.roles_ensure()
    assert set(groups) == {"staff", "leader", "member", "convenor", "unit"}
    assert groups["staff"].permissions.filter(codename="change_member").exists()
    assert groups["leader"].permissions.filter(codename="view_member").exists()
    assert not groups["leader"].permissions.filter(codename="change_member").exists()
    services.roles_ensure()  # idempotent


@pytest.mark.django_db
def test_only_staff_of_the_members_committee_tree_change_the_roster():
    """members.rules: the one rule the API, the admin and imports go through."""
    import datetime as dt

    from core.errors import Forbidden
    from members import services
    from members.models import Committee
    from tests.factories import CommitteeFactory, MemberFactory, TownshipFactory, make_user

    city = CommitteeFactory(level=Committee.Level.CITY)
    mine, theirs = CommitteeFactory(parent=city), CommitteeFactory(parent=city)
    member, foreign = MemberFactory(committee=mine), MemberFactory(committee=theirs)
    township = TownshipFactory(committee=mine)
    staff = make_user("roster-staff", "staff", committee=mine)
    leader = make_user("roster-leader", "leader", committee=mine)
    for who, target in ((leader, member), (staff, foreign)):
        with pytest.raises(Forbidden):
            services.member_update(member=target, by=who, employer="某单位")
        with pytest.raises(Forbidden):
            services.assignment_create(member=target, township=township, by=who)
    with pytest.raises(Forbidden):  # and staff cannot move their member out of their reach
        services.member_update(member=member, by=staff, committee=theirs)
    member.refresh_from_db()
    assert member.committee == mine and not member.assignments.exists()
    a = services.assignment_create(member=member, township=township, by=staff, start_date=dt.date(2026, 1, 5))
    assert services.assignment_end(assignment=a, by=staff, end_date=dt.date(2026, 6, 30)).end_date
    city_staff = make_user("roster-city", "staff", committee=city)
    assert services.member_update(member=foreign, by=city_staff, employer="市直单位").employer == "市直单位"
