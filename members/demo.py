"""Demo data for the committee directory (called by ``manage.py seed_demo``).

County scale: 政协温州市鹿城区委员会 (its 14 real townships) under 政协温州市委员会; city scale: the
city and nine counties; province scale: the province, nine cities and ninety counties. Each county
gets a term with five plenary sessions, 15–30 sectors, 5–8 special committees with activity
groups, townships with 8–15 communities each, handling units (one government per township), members
with real-looking names, and assignments that cover every community except a few. Idempotent: a
county that already has members is left alone; logins are created once.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.db.models import Count

from core.scoping import Role
from core.utils import pinyin_initials

from . import demo_vocab as V
from .models import (
    ActivityGroup, Assignment, Committee, Community, HandlingUnit, Member, PlenarySession, Profile, Sector,
    SpecialCommittee, Term, Township,
)
from .services import point_rules_ensure, roles_ensure

CN_NUM = "零一二三四五六七八九十"


def generate(ctx: dict) -> None:
    roles_ensure()
    point_rules_ensure()
    counties = committee_tree(ctx["scale"], ctx["sizes"]["committees"])
    per_county = max(20, ctx["sizes"]["members"] // len(counties))
    seed = ctx.get("seed", 0)
    made = 0
    for i, county in enumerate(counties):
        if Member.objects.filter(committee=county).exists():
            continue
        rng = random.Random(f"{seed}:{county.name}")
        townships = V.LUCHENG["townships"] if i == 0 else None
        county_generate(county, members=305 if i == 0 and ctx["scale"] == "county" else per_county, rng=rng,
                        township_names=townships)
        made += 1
    logins_ensure(ctx, county=counties[0])
    if not ctx.get("quiet") and ctx.get("stdout"):
        ctx["stdout"].write(f"    members: {made} committee(s) generated, {len(counties) - made} already present")


# --- Committees ------------------------------------------------------------------------------------

def _committee(name: str, short: str, level: str, parent: Committee | None) -> Committee:
    c, _ = Committee.objects.get_or_create(name=name, defaults={"short_name": short, "level": level, "parent": parent})
    return c


def committee_tree(scale: str, n_committees: int) -> list[Committee]:
    """The committee tree for a scale; returns its county-level committees, Lucheng first."""
    L = Committee.Level
    if scale == "province":
        top = _committee(V.PROVINCE["name"], V.PROVINCE["short_name"], L.PROVINCE, None)
        n_cities = 9
    else:
        top, n_cities = None, 1
    city = _committee(V.CITY["name"], V.CITY["short_name"], L.CITY, top)
    cities = [("温州市", city)]
    for name in V.ZHEJIANG_CITIES[: n_cities - 1]:
        cities.append((name, _committee(f"政协{name}委员会", f"{name}政协", L.CITY, top)))
    if scale == "county":
        return [_committee(V.LUCHENG["name"], V.LUCHENG["short_name"], L.COUNTY, city)]
    n_counties = n_committees - 1 - (n_cities if scale == "province" else 0)
    per_city = max(1, n_counties // len(cities))
    counties = [_committee(V.LUCHENG["name"], V.LUCHENG["short_name"], L.COUNTY, city)]
    rng = random.Random("counties")
    used = {"鹿城区"}
    for city_name, parent in cities:
        names = list(V.WENZHOU_COUNTIES) if parent == city else []
        while len(names) < per_city:
            n = rng.choice(V.PLACE_HEADS) + rng.choice(V.PLACE_TAILS) + rng.choice(V.COUNTY_SUFFIX)
            if n not in used and n not in names:
                names.append(n)
        want = per_city - (1 if parent == city else 0)
        for n in names[:want]:
            used.add(n)
            counties.append(_committee(f"政协{city_name}{n}委员会", f"{n}政协", L.COUNTY, parent))
    return counties


# --- One county --------------------------------------------------------------------------------------

def _place_name(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        n = rng.choice(V.PLACE_HEADS) + rng.choice(V.PLACE_TAILS) + suffix
        if n not in used:
            used.add(n)
            return n


def _person(rng: random.Random) -> tuple[str, str]:
    surname = rng.choices(V.SURNAMES, weights=V.SURNAME_WEIGHTS)[0]
    gender = "F" if rng.random() < 0.38 else "M"
    pool = V.GIVEN_FEMALE if gender == "F" else V.GIVEN_MALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
    return surname + given, gender


def county_generate(county: Committee, *, members: int, rng: random.Random,
                    township_names: list[str] | None = None) -> None:
    short = (county.short_name or county.name).removesuffix("政协")
    # Term and plenary sessions: 第十届, 十届一次…五次会议 (one a year from 2022).
    term, _ = Term.objects.get_or_create(committee=county, number=10, defaults={
        "name": "第十届", "start_date": dt.date(2022, 1, 10), "end_date": dt.date(2027, 1, 9)})
    PlenarySession.objects.bulk_create([
        PlenarySession(term=term, number=n, name=f"十届{CN_NUM[n]}次会议", opened_on=dt.date(2021 + n, 1, 10 + n))
        for n in range(1, 6)
    ], ignore_conflicts=True)

    k_sectors = len(V.SECTORS) if township_names else rng.randint(15, 30)
    sector_names = [V.SECTORS[i] for i in sorted([0, *rng.sample(range(1, len(V.SECTORS)), k_sectors - 1)])]
    Sector.objects.bulk_create([Sector(committee=county, name=n, order=i) for i, n in enumerate(sector_names)],
                               ignore_conflicts=True)
    k_sc = len(V.SPECIAL_COMMITTEES) if township_names else rng.randint(5, 8)
    sc_names = V.SPECIAL_COMMITTEES[:k_sc]
    SpecialCommittee.objects.bulk_create(
        [SpecialCommittee(committee=county, name=n, order=i) for i, n in enumerate(sc_names)], ignore_conflicts=True)
    scs = list(SpecialCommittee.objects.filter(committee=county))
    ActivityGroup.objects.bulk_create([
        ActivityGroup(special_committee=sc, name=g) for sc in scs for g in V.ACTIVITY_GROUPS[: rng.randint(2, 3)]
    ], ignore_conflicts=True)
    sectors = list(Sector.objects.filter(committee=county))
    groups_by_sc: dict[int, list[ActivityGroup]] = {}
    for g in ActivityGroup.objects.filter(special_committee__committee=county):
        groups_by_sc.setdefault(g.special_committee_id, []).append(g)

    used: set[str] = set()
    if township_names is None:
        township_names = [_place_name(rng, used, "街道" if rng.random() < 0.35 else rng.choice(["镇", "镇", "乡"]))
                          for _ in range(rng.randint(12, 20))]
    Township.objects.bulk_create([
        Township(committee=county, name=n, order=i,
                 kind=Township.Kind.STREET if n.endswith("街道") else Township.Kind.TOWN)
        for i, n in enumerate(township_names)
    ], ignore_conflicts=True)
    townships = list(Township.objects.filter(committee=county).order_by("order", "pk"))
    comm_rows = []
    for t in townships:
        names: set[str] = set()
        street = t.kind == Township.Kind.STREET
        for _ in range(rng.randint(8, 15)):
            village = not street and rng.random() < 0.7
            comm_rows.append(Community(township=t, name=_place_name(rng, names, "村" if village else "社区"),
                                       kind=Community.Kind.VILLAGE if village else Community.Kind.COMMUNITY))
    Community.objects.bulk_create(comm_rows, ignore_conflicts=True)
    communities = list(Community.objects.filter(township__committee=county).select_related("township"))

    unit_rows = [HandlingUnit(committee=county, name=n, kind=HandlingUnit.Kind.DEPARTMENT,
                              contact_name=_person(rng)[0], contact_phone=f"0577-8{rng.randint(1000000, 9999999)}")
                 for n in V.HANDLING_UNITS]
    unit_rows += [HandlingUnit(committee=county, township=t, kind=HandlingUnit.Kind.TOWNSHIP,
                               name=f"{t.name}{'办事处' if t.kind == Township.Kind.STREET else '人民政府'}",
                               contact_name=_person(rng)[0])
                  for t in townships]
    HandlingUnit.objects.bulk_create(unit_rows, ignore_conflicts=True)

    # Members.
    phones: set[str] = set()
    sector_weights = [6 if s.name == "中国共产党" else 3 if s.name in V.SECTOR_PARTY else 2 for s in sectors]
    rows = []
    for _ in range(members):
        name, gender = _person(rng)
        while True:
            phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            if phone not in phones:
                phones.add(phone)
                break
        sector = rng.choices(sectors, weights=sector_weights)[0]
        if sector.name == "中国共产党":
            party, party_name = Member.Party.CPC, ""
        elif sector.name in V.SECTOR_PARTY:
            party, party_name = Member.Party.DEMOCRATIC, V.SECTOR_PARTY[sector.name]
        elif sector.name == "无党派人士" or rng.random() < 0.35:
            party, party_name = Member.Party.NONE, ""
        else:
            party, party_name = Member.Party.CPC, ""
        sc = rng.choice(scs)
        employer, titles = rng.choice(V.EMPLOYERS)
        employer = employer.format(county=short, place=_place_name(rng, set(), ""))
        rows.append(Member(
            committee=county, term=term, name=name, name_initials=pinyin_initials(name), gender=gender,
            party=party, party_name=party_name, sector=sector, special_committee=sc,
            activity_group=rng.choice(groups_by_sc.get(sc.pk) or [None]), is_standing=rng.random() < 0.17,
            employer=employer, title=rng.choice(titles), phone=phone,
        ))
    Member.objects.bulk_create(rows, batch_size=1000)
    member_list = list(Member.objects.filter(committee=county).order_by("pk"))
    assignments_generate(member_list, communities, rng=rng)


def assignments_generate(members: list[Member], communities: list[Community], *, rng: random.Random) -> None:
    """Every community gets at least one member except a few; most members get one or two places."""
    comms = communities[:]
    rng.shuffle(comms)
    n_uncovered = min(len(comms), rng.randint(2, 4))
    covered = comms[n_uncovered:]
    pool = members[:]
    rng.shuffle(pool)
    unassigned = max(1, len(pool) // 25)
    pool = pool[unassigned:]
    if not pool or not covered:
        return
    bases = [Assignment.Basis.RESIDENCE, Assignment.Basis.WORKPLACE, Assignment.Basis.LIAISON, Assignment.Basis.AID]
    taken: set[tuple] = set()
    rows: list[Assignment] = []

    def add(m: Member, c: Community | None, t: Township) -> None:
        key = (m.pk, c.pk if c else None, t.pk)
        if key in taken:
            return
        taken.add(key)
        start = dt.date(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 900))
        rows.append(Assignment(member=m, township=t, community=c, start_date=start,
                               basis=rng.choices(bases, weights=[4, 3, 2, 1])[0]))

    for i, c in enumerate(covered):
        add(pool[i % len(pool)], c, c.township)
    for m in pool[len(covered):]:
        c = rng.choice(covered)
        if rng.random() < 0.25:
            add(m, None, c.township)
        else:
            add(m, c, c.township)
    for m in rng.sample(pool, len(pool) // 5):  # a second place (workplace and residence differ)
        c = rng.choice(covered)
        add(m, c, c.township)
    Assignment.objects.bulk_create(rows, batch_size=1000)
    # A little history: some members moved on from an earlier place (ended assignments).
    history = []
    for m in rng.sample(pool, max(1, len(pool) // 20)):
        c = rng.choice(comms)
        history.append(Assignment(member=m, township=c.township, community=c, basis=Assignment.Basis.LIAISON,
                                  start_date=dt.date(2022, 2, 1), end_date=dt.date(2023, 12, 31)))
    Assignment.objects.bulk_create(history)


# --- Logins -------------------------------------------------------------------------------------------

def _login(ctx: dict, username: str, *, roles: tuple[str, ...] = (), first_name: str = "", is_staff: bool = False,
           superuser: bool = False) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, first_name=first_name, is_staff=is_staff or superuser, is_superuser=superuser,
                    email=f"{username}@demo.cppcc.local")
        user.set_password(ctx["password"])
        user.save()
    if roles:
        from django.contrib.auth.models import Group

        user.groups.add(*Group.objects.filter(name__in=roles))
    return user, created


def logins_ensure(ctx: dict, *, county: Committee) -> None:
    """The demo logins (one per role), created once; appended to ctx["logins"] for printing."""
    roles_ensure()
    out = ctx.setdefault("logins", [])
    admin, _ = _login(ctx, "admin", superuser=True, first_name="系统管理员")
    out.append(("superuser", "admin", "系统管理员（全部数据）"))

    staff, _ = _login(ctx, "staff", roles=(Role.STAFF,), first_name="机关工作人员", is_staff=True)
    Profile.objects.get_or_create(user=staff, defaults={"committee": county})
    out.append((Role.STAFF, "staff", f"{county.short_name}机关：后台、花名册、覆盖情况"))

    leader, _ = _login(ctx, "leader", roles=(Role.LEADER,), first_name="主席会议成员", is_staff=True)
    Profile.objects.get_or_create(user=leader, defaults={"committee": county})
    out.append((Role.LEADER, "leader", f"{county.short_name}领导：看板与批示（后台只读）"))

    if county.parent_id:
        city_staff, _ = _login(ctx, "citystaff", roles=(Role.STAFF,), first_name="市政协机关", is_staff=True)
        Profile.objects.get_or_create(user=city_staff, defaults={"committee_id": county.parent_id})
        out.append((Role.STAFF, "citystaff", f"{county.parent.short_name}机关：查看下辖县（区）汇总"))

    member_user, _ = _login(ctx, "member", roles=(Role.MEMBER,), first_name="委员")
    if not Member.objects.filter(user=member_user).exists():
        m = (Member.objects.filter(committee=county, user__isnull=True, is_standing=True)
             .annotate(n=Count("assignments")).filter(n__gt=0).order_by("pk").first()
             or Member.objects.filter(committee=county, user__isnull=True).order_by("pk").first())
        if m is not None:
            m.user = member_user
            m.save(update_fields=["user"])
            member_user.first_name = m.name
            member_user.save(update_fields=["first_name"])
    linked = Member.objects.filter(user=member_user).first()
    out.append((Role.MEMBER, "member", f"委员{linked.name if linked else ''}：手机端履职、我的积分"))

    unit = HandlingUnit.objects.filter(committee=county, name="县住房和城乡建设局").first() or \
        HandlingUnit.objects.filter(committee=county).order_by("pk").first()
    unit_user, _ = _login(ctx, "unit", roles=(Role.UNIT,), first_name="承办单位")
    if unit is not None:
        Profile.objects.get_or_create(user=unit_user, defaults={"committee": county, "handling_unit": unit})
    out.append((Role.UNIT, "unit", f"承办单位：{unit.name if unit else ''}"))
