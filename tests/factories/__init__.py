"""Factories for the committee directory, shared by every app's tests. Domain apps add their own
modules here (``tests/factories/workstations.py`` …) and build workflow state through services."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from core.scoping import Role
from members.models import (
    ActivityGroup, Committee, Community, HandlingUnit, Member, Profile, Sector, SpecialCommittee, Township,
)

PASSWORD = "pw"


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"政协测试县{n}委员会")
    short_name = factory.Sequence(lambda n: f"测试县{n}")
    level = Committee.Level.COUNTY


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"界别{n}")


class SpecialCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialCommittee

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"专委会{n}")


class ActivityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityGroup

    special_committee = factory.SubFactory(SpecialCommitteeFactory)
    name = factory.Sequence(lambda n: f"活动小组{n}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"县测试局{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员{n:03d}")
    sector = factory.SubFactory(SectorFactory, committee=factory.SelfAttribute("..committee"))
    special_committee = factory.SubFactory(SpecialCommitteeFactory, committee=factory.SelfAttribute("..committee"))
    phone = factory.Sequence(lambda n: f"138{n:08d}")


def make_user(username: str, *roles: str, committee: Committee | None = None, unit: HandlingUnit | None = None,
              member: Member | None = None, email: str = "", superuser: bool = False) -> User:
    """A login with the given roles (Role.STAFF …), attached to a committee, a unit or a member."""
    user = User.objects.create_user(username, email=email or f"{username}@example.com", password=PASSWORD,
                                    is_staff=Role.STAFF in roles or superuser, is_superuser=superuser)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if committee is not None or unit is not None:
        Profile.objects.create(user=user, committee=committee or (unit.committee if unit else None), handling_unit=unit)
    if member is not None:
        member.user = user
        member.save(update_fields=["user"])
    return user
