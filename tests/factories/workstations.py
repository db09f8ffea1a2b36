"""Workstation test data, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from core.scoping import Role as UserRole
from tests.factories import CommitteeFactory, MemberFactory, TownshipFactory, make_user
from workstations import services
from workstations.models import Workstation, WorkstationMembership

Role = WorkstationMembership.Role


@dataclass
class Team:
    ws: Workstation
    convenor: object  # Member
    convenor_user: object
    resident: object
    resident_user: object


def make_workstation(committee=None, *, name: str | None = None, rule: str = "15", **kwargs) -> Workstation:
    committee = committee or CommitteeFactory()
    township = kwargs.pop("township", None) or TownshipFactory(committee=committee)
    n = Workstation.objects.count() + 1
    return services.workstation_create(committee=committee, name=name or f"测试委员工作室{n}", township=township,
                                       reception_days_of_month=rule, **kwargs)


def make_team(committee=None, *, prefix: str = "ws", **kwargs) -> Team:
    """A workstation with a convenor and a resident member, each with a login (password "pw")."""
    ws = make_workstation(committee, **kwargs)
    convenor = MemberFactory(committee=ws.committee)
    resident = MemberFactory(committee=ws.committee)
    services.membership_add(workstation=ws, member=convenor, role=Role.CONVENOR)
    services.membership_add(workstation=ws, member=resident, role=Role.RESIDENT)
    cu = make_user(f"{prefix}_convenor", UserRole.MEMBER, UserRole.CONVENOR, member=convenor,
                   email=f"{prefix}_convenor@example.com")
    ru = make_user(f"{prefix}_resident", UserRole.MEMBER, member=resident)
    return Team(ws=ws, convenor=convenor, convenor_user=cu, resident=resident, resident_user=ru)
