"""Demo data for workstations (called by ``manage.py seed_demo`` after members).

Per county committee: ``sizes["workstations"]`` workstations split over the county committees (26 for
the county scale: 14 township workstations, one per street/town as in Lucheng, and 12 sector,
individual, industry-chain and special ones), each with a lead, a convenor and resident members,
the 六有 checklist mostly done, one reception day a month over the past 12 months (some months
missed, some cancelled — those months carry the month-end flag the dashboard reads) and the next 2
months planned, and ``sizes["visits"]`` visits a year spread over the held days and the QR form.
Demo rows are written with ``bulk_create`` (seed data, not user actions: statuses are set directly).
Idempotent: a committee that already has workstations is left alone; the "convenor" login is
ensured every run.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.scoping import Role as UserRole
from members.models import Assignment, Committee, HandlingUnit, Member, PointEntry, PointRule, Sector, Township

from .models import ReceptionDay, StandardItem, Visit, Workstation, WorkstationMembership, WorkstationMonthFlag

K = Workstation.Kind
H = Workstation.HostKind
R = WorkstationMembership.Role
C = Visit.Category
O = Visit.Outcome

# Residents' issues as the seed reports give them (shared/data/domain.yaml resident_issues), with a category.
RESIDENT_ISSUES = [
    ("道路破损，雨天积水严重", C.TRAFFIC), ("路灯不亮，夜间出行不安全", C.MUNICIPAL),
    ("下水道堵塞，污水外溢", C.MUNICIPAL), ("建议优化公交线路，增加早晚班次", C.TRAFFIC),
    ("路口需要安装红绿灯", C.TRAFFIC), ("关爱留守儿童，暑期无人看管", C.EDUCATION),
    ("学校门口上放学时段交通混乱", C.TRAFFIC), ("老旧小区改造进度慢", C.HOUSING),
    ("小区消防通道被车辆占用", C.GOVERNANCE), ("独居老人就餐不便", C.ELDERLY),
    ("县人民医院门口交通堵塞，急救车辆进出困难", C.HEALTH), ("小区楼栋墙体长期漏水，物业不处理", C.HOUSING),
    ("新城区车辆违停现象严重", C.TRAFFIC), ("住宅小区新能源汽车充电设施不足", C.MUNICIPAL),
    ("湿地公园公共设施维护落后，缺少路灯和摄像头", C.MUNICIPAL), ("河面红浮萍泛滥，影响生态环境", C.ENVIRONMENT),
    ("校园周边零食摊位管理不到位", C.EDUCATION), ("公厕管理不到位", C.MUNICIPAL),
    ('搬迁群众"小库房、小菜园"问题', C.AGRICULTURE), ("朱鹮觅食损害秧苗", C.AGRICULTURE),
]
ISSUE_DETAILS = ["，希望尽快解决。", "，已经反映多次。", "，附近居民意见较大。", "，请委员帮忙协调。", "。", "，影响日常生活。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范"
TITLES = ["先生", "女士", "阿姨", "大伯", "师傅", "老师"]
INDUSTRY = ["瓯柑产业链", "鞋服产业链", "数字经济产业链", "眼镜产业链", "文旅融合产业链", "生物医药产业链"]
SPECIAL = ["法律服务", "健康服务", "侨务", "民营经济", "乡村振兴", "文化传承"]
SECTOR_HOSTS = {"医药卫生界": (H.HOSPITAL, "人民医院"), "教育界": (H.SCHOOL, "实验中学"),
                "经济界": (H.ENTERPRISE, "商会大厦"), "工商联": (H.ENTERPRISE, "工商联会员之家"),
                "农业界": (H.INDUSTRIAL_PARK, "现代农业园区"), "文化艺术界": (H.BOOKSTORE, "城市书房"),
                "社会福利和社会保障界": (H.COMMUNITY_CENTER, "社会福利中心"), "特邀人士": (H.COURT, "人民法院")}
STANDARD_NOTES = {
    StandardItem.Code.SITE: "依托{host}，设接待室一间，面积约{n}平方米",
    StandardItem.Code.SIGN: "门口悬挂统一标牌，室内上墙公示委员照片和联系方式",
    StandardItem.Code.RULES: "接待制度、议事规则、办理反馈制度上墙",
    StandardItem.Code.TEAM: "领衔委员1名、召集人1名、入驻委员{m}名，联络员1名",
    StandardItem.Code.PLAN: "{year}年度活动计划已制定，每月{day}日固定接待",
    StandardItem.Code.RECORDS: "接待台账、活动记录按月归档",
}


def _months_back(today: dt.date, n: int) -> dt.date:
    y, m = divmod(today.year * 12 + today.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def _on(month: dt.date, day: int) -> dt.date:
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def generate(ctx: dict) -> None:
    counties = [c for c in Committee.objects.filter(level=Committee.Level.COUNTY).order_by("pk")
                if Member.objects.filter(committee=c).exists()]
    if not counties:
        return
    sizes = ctx["sizes"]
    per_county = max(4, round(sizes["workstations"] / len(counties)))
    visits_per_county = max(50, sizes["visits"] // len(counties))
    seed = ctx.get("seed", 0)
    made = 0
    for county in counties:
        if Workstation.objects.filter(committee=county).exists():
            continue
        county_generate(county, n=per_county, visits=visits_per_county, rng=random.Random(f"{seed}:ws:{county.pk}"))
        made += 1
    convenor_login_ensure(ctx, county=counties[0])
    if not ctx.get("quiet") and ctx.get("stdout"):
        ctx["stdout"].write(f"    workstations: {made} committee(s) generated, {len(counties) - made} already present")


def county_generate(county: Committee, *, n: int, visits: int, rng: random.Random) -> None:
    today = timezone.localdate()
    townships = list(Township.objects.filter(committee=county).order_by("order", "pk"))
    sectors = list(Sector.objects.filter(committee=county).order_by("order", "pk"))
    members = list(Member.objects.filter(committee=county, is_active=True).select_related("sector").order_by("pk"))
    units = list(HandlingUnit.objects.filter(committee=county, is_active=True).values_list("pk", flat=True))
    by_township: dict[int, list[Member]] = defaultdict(list)
    members_by_pk = {m.pk: m for m in members}
    for mid, tid in Assignment.objects.filter(member__committee=county, end_date__isnull=True).values_list(
            "member_id", "township_id"):
        if mid in members_by_pk:
            by_township[tid].append(members_by_pk[mid])
    by_sector: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        by_sector[m.sector_id].append(m)

    n_township = min(len(townships), round(n * 14 / 26)) if townships else 0
    rest = n - n_township
    kinds = [K.SECTOR] * max(0, rest - 4) + [K.INDIVIDUAL, K.INDUSTRY_CHAIN, K.SPECIAL, K.INDIVIDUAL][:min(4, rest)]
    if n == 26 and len(townships) >= 14:
        kinds = [K.SECTOR] * 12  # as Lucheng: 14 township + 12 sector workstations

    # --- Workstations ------------------------------------------------------------------------------
    plans: list[tuple[Workstation, list[Member]]] = []
    used_names: set[str] = set()
    opened_base = today - dt.timedelta(days=900)
    for t in townships[:n_township]:
        used_names.add(f"{t.name}委员工作室")
        pool = by_township.get(t.pk) or rng.sample(members, min(8, len(members)))
        host_kind = rng.choice([H.PARTY_CENTER, H.PARTY_CENTER, H.COMMUNITY_CENTER, H.CULTURE_HALL])
        ws = Workstation(committee=county, name=f"{t.name}委员工作室", kind=K.TOWNSHIP, township=t, host_kind=host_kind,
                         host_name=f"{t.name}{H(host_kind).label}", address=f"{t.name}{rng.randint(1, 300)}号",
                         opened_on=opened_base + dt.timedelta(days=rng.randint(0, 300)),
                         reception_days_of_month=str(rng.choice([5, 10, 15, 15, 15, 20, 25])),
                         intro=f"{t.name}委员工作室立足基层，每月固定接待群众，收集社情民意，帮办民生实事。")
        plans.append((ws, pool))
    sector_cycle = [s for s in sectors if by_sector.get(s.pk)]
    rng.shuffle(sector_cycle)
    for i, kind in enumerate(kinds):
        township = rng.choice(townships) if townships else None
        if kind == K.SECTOR and sector_cycle:
            s = sector_cycle[i % len(sector_cycle)]
            host_kind, host = SECTOR_HOSTS.get(s.name, (H.ENTERPRISE, "会员之家"))
            name, sector, pool = f"{s.name}委员工作室", s, by_sector[s.pk]
        elif kind == K.INDIVIDUAL:
            lead = rng.choice(members)
            host_kind, host = H.ENTERPRISE, f"{lead.employer or '委员所在单位'}"
            name, sector, pool = f"{lead.name}委员工作室", lead.sector, [lead] + rng.sample(members, min(4, len(members)))
        elif kind == K.INDUSTRY_CHAIN:
            host_kind, host = H.INDUSTRIAL_PARK, "产业园区服务中心"
            name, sector, pool = f"{INDUSTRY[i % len(INDUSTRY)]}委员工作室", None, rng.sample(members, min(8, len(members)))
        else:
            kind = K.SPECIAL
            host_kind, host = H.OTHER, f"{SPECIAL[i % len(SPECIAL)]}服务站"
            name, sector, pool = f"{SPECIAL[i % len(SPECIAL)]}特色委员工作室", None, rng.sample(members, min(8, len(members)))
        if name in used_names:
            name = f"{name.removesuffix('委员工作室')}第{i + 1}委员工作室"
        used_names.add(name)
        ws = Workstation(committee=county, name=name, kind=kind, township=township, sector=sector, host_kind=host_kind,
                         host_name=host, address=f"{township.name if township else ''}{rng.randint(1, 300)}号",
                         opened_on=opened_base + dt.timedelta(days=rng.randint(0, 400)),
                         reception_days_of_month=str(rng.choice([8, 12, 18, 22, 28])),
                         intro=f"{name}发挥委员专业优势，定期接待群众、开展调研和帮办实事。")
        plans.append((ws, pool))
    Workstation.objects.bulk_create([ws for ws, _ in plans])  # sets pks (PostgreSQL, SQLite >= 3.35)

    # --- Memberships and the 六有 checklist ----------------------------------------------------------
    memberships: list = []
    standards: list = []
    team: dict[int, list[int]] = {}
    for ws, pool in plans:
        pool = list(dict.fromkeys(pool)) or members[:5]
        picked = rng.sample(pool, min(len(pool), rng.randint(4, 7)))
        lead, convenor = picked[0], picked[1] if len(picked) > 1 else picked[0]
        ws.lead_member = lead
        roles = [(lead, R.LEAD)] + ([(convenor, R.CONVENOR)] if convenor != lead else []) + \
            [(m, R.RESIDENT) for m in picked[2:]]
        started = ws.opened_on
        memberships += [WorkstationMembership(workstation=ws, member=m, role=role, started_on=started) for m, role in roles]
        team[ws.pk] = [m.pk for m, _ in roles]
        day = ws.reception_rule_days[0] if ws.reception_rule_days else 15
        for code in StandardItem.Code.values:
            done = rng.random() < 0.88
            note = STANDARD_NOTES[code].format(host=ws.host_name, n=rng.randint(40, 150), m=len(roles) - 2,
                                               year=today.year, day=day) if done else ""
            standards.append(StandardItem(workstation=ws, code=code, done=done, note=note,
                                          checked_on=today - dt.timedelta(days=rng.randint(10, 300)) if done else None))
    Workstation.objects.bulk_update([ws for ws, _ in plans], ["lead_member"])
    WorkstationMembership.objects.bulk_create(memberships)
    StandardItem.objects.bulk_create(standards)

    # --- Reception days: past 12 months, this month, the next 2 --------------------------------------
    days: list[ReceptionDay] = []
    duty: list[tuple[ReceptionDay, list[int]]] = []
    flags: list[WorkstationMonthFlag] = []
    convenor_users = dict(WorkstationMembership.objects.filter(workstation__committee=county, role=R.CONVENOR,
                                                               member__user__isnull=False)
                          .values_list("workstation_id", "member__user_id"))
    for ws, _ in plans:
        rule_day = ws.reception_rule_days[0] if ws.reception_rule_days else 15
        lazy = rng.random() < 0.2  # a few workstations miss months more often
        for back in range(12, -3, -1):
            month = _months_back(today, back)
            date = _on(month, rule_day)
            past_month = back > 0
            if date <= today:
                r = rng.random()
                if r < (0.7 if lazy else 0.9):
                    status = ReceptionDay.Status.HELD
                elif r < (0.8 if lazy else 0.94):
                    status = ReceptionDay.Status.CANCELLED
                else:
                    status = None  # missed: no reception day that month
            else:
                status = ReceptionDay.Status.PLANNED
            if status is None:
                if past_month:
                    flags.append(WorkstationMonthFlag(workstation=ws, month=month, held_count=0, required=1))
                continue
            if status == ReceptionDay.Status.CANCELLED and past_month:
                flags.append(WorkstationMonthFlag(workstation=ws, month=month, held_count=0, required=1))
            held = status == ReceptionDay.Status.HELD
            at = timezone.make_aware(dt.datetime.combine(date, dt.time(11, 30)))
            d = ReceptionDay(workstation=ws, date=date, status=status, from_rule=True,
                             notes="按计划接待群众，现场登记诉求并分类办理。" if held else "",
                             held_logged_by_id=convenor_users.get(ws.pk) if held else None,
                             held_logged_at=at if held else None, created_at=at - dt.timedelta(days=40))
            days.append(d)
            duty.append((d, rng.sample(team[ws.pk], min(len(team[ws.pk]), rng.randint(2, 3)))))
    ReceptionDay.objects.bulk_create(days, batch_size=1000)
    Through = ReceptionDay.duty_members.through
    Through.objects.bulk_create([Through(receptionday_id=d.pk, member_id=mid) for d, mids in duty for mid in mids],
                                batch_size=2000)
    WorkstationMonthFlag.objects.bulk_create(flags, ignore_conflicts=True)

    # Points for the members on duty (the duty-points task does the same for days logged in the app).
    rule = PointRule.objects.filter(code="reception_day.duty").first()
    if rule is not None:
        ct = ContentType.objects.get_for_model(ReceptionDay)
        PointEntry.objects.bulk_create([
            PointEntry(member_id=mid, rule=rule, points=rule.points, occurred_on=d.date, content_type=ct,
                       object_id=d.pk, note=f"{d.workstation.name}接待日值班")
            for d, mids in duty if d.status == ReceptionDay.Status.HELD for mid in mids
        ], ignore_conflicts=True, batch_size=2000)

    # --- Visits: ~85% on reception days, the rest through the QR form --------------------------------
    held_days = [d for d in days if d.status == ReceptionDay.Status.HELD]
    if not held_days:
        return
    n_reception = int(visits * 0.85)
    rows: list[Visit] = []

    def outcome_for(recent: bool) -> tuple[str, int | None]:
        r = rng.random()
        if recent and r < 0.35:
            return O.PENDING, None
        r = rng.random()
        if r < 0.42:
            return O.ANSWERED, None
        if r < 0.64:
            return O.HELPED, None
        if r < 0.84 and units:
            return O.REFERRED, rng.choice(units)
        if r < 0.95:
            return O.OPINION, None
        return O.PROPOSAL, None

    def person() -> tuple[str, str]:
        name = f"{rng.choice(SURNAMES)}{rng.choice(TITLES)}" if rng.random() < 0.45 else ""
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}" if rng.random() < 0.55 else ""
        return name, phone

    for _ in range(n_reception):
        d = rng.choice(held_days)
        issue, cat = rng.choice(RESIDENT_ISSUES)
        outcome, unit = outcome_for(False)
        if outcome == O.PENDING:
            outcome = O.ANSWERED
        name, phone = person()
        at = timezone.make_aware(dt.datetime.combine(d.date, dt.time(rng.randint(9, 11), rng.randint(0, 59))))
        rows.append(Visit(workstation_id=d.workstation_id, reception_day=d, source=Visit.Source.RECEPTION,
                          received_on=d.date, name=name, phone=phone, category=cat, issue=issue + rng.choice(ISSUE_DETAILS),
                          outcome=outcome, handling_unit_id=unit, created_at=at))
    ws_ids = [ws.pk for ws, _ in plans]
    for _ in range(visits - n_reception):
        date = today - dt.timedelta(days=rng.randint(0, 364))
        issue, cat = rng.choice(RESIDENT_ISSUES)
        outcome, unit = outcome_for((today - date).days < 30)
        name, phone = person()
        at = timezone.make_aware(dt.datetime.combine(date, dt.time(rng.randint(7, 22), rng.randint(0, 59))))
        rows.append(Visit(workstation_id=rng.choice(ws_ids), source=Visit.Source.QR, received_on=date, name=name,
                          phone=phone, category=cat, issue=issue + rng.choice(ISSUE_DETAILS), outcome=outcome,
                          handling_unit_id=unit, created_at=at))
    visits_insert(rows)


def visits_insert(rows: list[Visit]) -> None:
    """Insert demo visits with one ``executemany`` per batch: the ORM's per-field preparation in
    ``bulk_create`` costs ~1 ms a row, which at city scale (100,000 visits) is most of the run."""
    from django.db import connection

    fields = [f for f in Visit._meta.concrete_fields if not f.primary_key]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (f"INSERT INTO {connection.ops.quote_name(Visit._meta.db_table)} ({cols}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    now = timezone.now()
    prep = []
    for f in fields:
        if f.get_internal_type() == "DateTimeField":
            prep.append(lambda v, ops=connection.ops: ops.adapt_datetimefield_value(v or now))
        elif f.get_internal_type() == "DateField":
            prep.append(connection.ops.adapt_datefield_value)
        else:
            prep.append(None)
    attrs = [f.attname for f in fields]
    values = [tuple(p(getattr(r, a)) if p else getattr(r, a) for a, p in zip(attrs, prep)) for r in rows]
    with connection.cursor() as cursor:
        for i in range(0, len(values), 2000):
            cursor.executemany(sql, values[i:i + 2000])


def convenor_login_ensure(ctx: dict, *, county: Committee) -> None:
    """The demo login "convenor": a member who convenes a township workstation, with a planned day soon."""
    user = User.objects.filter(username="convenor").first()
    if user is None:
        user = User(username="convenor", first_name="工作室召集人", email="convenor@demo.cppcc.local")
        user.set_password(ctx["password"])
        user.save()
    for name in (UserRole.MEMBER, UserRole.CONVENOR):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    member = Member.objects.filter(user=user).first()
    if member is None:
        m = (WorkstationMembership.objects.filter(workstation__committee=county, role=R.CONVENOR, ended_on__isnull=True,
                                                  member__user__isnull=True, workstation__kind=K.TOWNSHIP)
             .select_related("member").order_by("workstation_id").first())
        if m is None:
            return
        member = m.member
        member.user = user
        member.save(update_fields=["user"])
        user.first_name = member.name
        user.save(update_fields=["first_name"])
        # Past held days of this workstation now show who logged them.
        ReceptionDay.objects.filter(workstation=m.workstation, status=ReceptionDay.Status.HELD).update(held_logged_by=user)
    ms = WorkstationMembership.objects.filter(member=member, role=R.CONVENOR, ended_on__isnull=True).select_related(
        "workstation").first()
    # The demo "member" login also sits in a workstation, so the member home is not empty.
    member_login = Member.objects.filter(user__username="member", committee=county).first()
    if member_login is not None and ms is not None and not WorkstationMembership.objects.filter(
            member=member_login, ended_on__isnull=True).exists():
        WorkstationMembership.objects.create(workstation=ms.workstation, member=member_login, role=R.RESIDENT)
    ctx.setdefault("logins", []).append(
        (UserRole.CONVENOR, "convenor", f"召集人{member.name}：{ms.workstation.name if ms else ''}接待日历、值班、六有"))
