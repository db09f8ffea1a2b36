"""Members-area helpers on top of the shared factories: a small county with geography."""

from __future__ import annotations

from dataclasses import dataclass, field

from members.models import Committee, Community, Sector, SpecialCommittee, Township

from . import CommitteeFactory, CommunityFactory, MemberFactory, SectorFactory, SpecialCommitteeFactory, TownshipFactory


@dataclass
class County:
    committee: Committee
    sector: Sector
    special_committee: SpecialCommittee
    townships: list[Township] = field(default_factory=list)
    communities: dict[str, list[Community]] = field(default_factory=dict)

    def member(self, **kw):
        kw.setdefault("committee", self.committee)
        kw.setdefault("sector", self.sector)
        kw.setdefault("special_committee", self.special_committee)
        return MemberFactory(**kw)


def make_county(name: str = "", *, parent: Committee | None = None, townships: dict[str, list[str]] | None = None) -> County:
    """A county committee with one sector, one special committee and the given townships/communities."""
    kw = {"parent": parent} if parent else {}
    if name:
        kw.update(name=f"政协{name}委员会", short_name=f"{name}政协")
    c = CommitteeFactory(**kw)
    county = County(committee=c, sector=SectorFactory(committee=c, name="教育界"),
                    special_committee=SpecialCommitteeFactory(committee=c, name="提案委员会"))
    for tname, cnames in (townships or {"东城街道": ["东一社区", "东二社区"], "西山镇": ["西山村"]}).items():
        t = TownshipFactory(committee=c, name=tname)
        county.townships.append(t)
        county.communities[tname] = [CommunityFactory(township=t, name=n) for n in cnames]
    return county
