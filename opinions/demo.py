"""Demo opinion reports: ``sizes["opinions"]`` reports spread over the past year in every state, in
the proportions of Fenggang's account ("40 received, 28 resolved, 10 in progress, 2 beyond our
remit"), with bulletins, forwardings (some overdue), unit answers, carry-backs, leader instructions,
points and a consistent timeline. Written with bulk_create; the history goes straight in as
StateChange rows that follow the workflow table."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.deadlines import compute_due
from core.models import StateChange
from core.scoping import Role
from members.models import Committee, HandlingUnit, Member, PointEntry, PointRule

from .models import (
    Bulletin, CarryBack, Category, Forwarding, LeaderInstruction, OpinionReport, Outcome, UnitFeedback,
)
from .workflow import TRANSITIONS

S = OpinionReport.Status

ISSUES = [
    ("道路破损，雨天积水严重", Category.TRANSPORT, "县交通运输局"),
    ("路灯不亮，夜间出行不安全", Category.URBAN, "县住房和城乡建设局"),
    ("下水道堵塞，污水外溢", Category.URBAN, "县住房和城乡建设局"),
    ("建议优化公交线路，增加早晚班次", Category.TRANSPORT, "县交通运输局"),
    ("路口需要安装红绿灯", Category.TRANSPORT, "县公安局交通警察大队"),
    ("关爱留守儿童，暑期无人看管", Category.EDUCATION, "县教育局"),
    ("学校门口上放学时段交通混乱", Category.TRANSPORT, "县公安局交通警察大队"),
    ("老旧小区改造进度慢", Category.URBAN, "县住房和城乡建设局"),
    ("小区消防通道被车辆占用", Category.GOVERNANCE, "县应急管理局"),
    ("独居老人就餐不便", Category.SOCIAL, "县民政局"),
    ("县人民医院门口交通堵塞，急救车辆进出困难", Category.HEALTH, "县公安局交通警察大队"),
    ("小区楼栋墙体长期漏水，物业不处理", Category.URBAN, "县住房和城乡建设局"),
    ("新城区车辆违停现象严重", Category.GOVERNANCE, "县综合行政执法局"),
    ("住宅小区新能源汽车充电设施不足", Category.URBAN, "县发展和改革局"),
    ("湿地公园公共设施维护落后，缺少路灯和摄像头", Category.URBAN, "县文化广电旅游体育局"),
    ("河面红浮萍泛滥，影响生态环境", Category.ENVIRONMENT, "县生态环境分局"),
    ("校园周边零食摊位管理不到位", Category.EDUCATION, "县市场监督管理局"),
    ("公厕管理不到位", Category.URBAN, "县综合行政执法局"),
    ("搬迁群众“小库房、小菜园”问题", Category.SOCIAL, "县自然资源和规划局"),
    ("朱鹮觅食损害秧苗", Category.AGRICULTURE, "县农业农村局"),
    ("城乡居民医保缴费渠道不够便捷", Category.SOCIAL, "县医疗保障局"),
    ("农村饮水工程管网老化", Category.AGRICULTURE, "县水利局"),
]
DOWN_TOPICS = ["宣讲城乡居民医保缴费政策", "宣传反诈防骗知识", "解读粮食安全和耕地保护政策",
               "转达老旧小区改造计划", "宣讲疫苗接种和健康知识", "以案说法，普及《民法典》"]
ANSWERS = {
    Outcome.RESOLVED: "经现场核实，已安排专人整改完毕，并建立日常巡查机制。",
    Outcome.IN_PROGRESS: "已列入本年度工作计划，正在组织实施，预计年底前完成。",
    Outcome.BEYOND_REMIT: "该事项不属于县级事权，已向上级主管部门反映。",
    Outcome.POLICY: "受现行政策限制暂无法办理，已向群众做好解释工作。",
}


def _raw_insert(model, fields: list[str], rows: list[tuple], batch: int = 5000) -> None:
    """Plain INSERTs for the big history tables (timeline, points): the ORM's per-object work is what
    makes city scale slow, and these rows need no model logic."""
    import json

    from django.db import connection

    ops, qn = connection.ops, connection.ops.quote_name
    convert = []
    for name in fields:
        kind = model._meta.get_field(name).get_internal_type()
        convert.append(ops.adapt_datetimefield_value if kind == "DateTimeField"
                       else ops.adapt_datefield_value if kind == "DateField"
                       else json.dumps if kind == "JSONField" else None)
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            cur.executemany(sql, [tuple(c(v) if c and v is not None else v for c, v in zip(convert, row))
                                  for row in rows[i:i + batch]])


def generate(ctx: dict) -> None:
    counties = [c for c in Committee.objects.filter(level=Committee.Level.COUNTY).order_by("pk")
                if Member.objects.filter(committee=c).exists()]
    if not counties:
        return
    per_county = max(40, ctx["sizes"]["opinions"] // len(counties))
    seed = ctx.get("seed", 0)
    made = 0
    for county in counties:
        if OpinionReport.objects.filter(committee=county).exists():
            continue
        county_generate(county, n=per_county, rng=random.Random(f"{seed}:op:{county.pk}"))
        made += 1
    if not ctx.get("quiet") and ctx.get("stdout"):
        ctx["stdout"].write(f"    opinions: {made} committee(s) generated, {len(counties) - made} already present")


def _plan(age: int, rng: random.Random) -> tuple[list[str], str]:
    """The path of states a report of this age has walked, and its outcome."""
    up = [S.RECEIVED, S.REGISTERED]
    routed = up + [S.FORWARDED_UNIT]
    if rng.random() < 0.12:
        routed = up + [S.IN_BULLETIN, S.FORWARDED_UNIT]
    if age < 4:
        return ([S.RECEIVED] if rng.random() < 0.7 else up), ""
    if age < 45:
        r = rng.random()
        if r < 0.08:
            return up, ""
        if r < 0.48:
            return routed, ""
        if r < 0.56:
            return up + [S.IN_BULLETIN], ""
        if r < 0.78:
            return routed + [S.FED_BACK], ""
        return routed + [S.FED_BACK, S.CARRIED_BACK], ""
    r = rng.random()
    if r < 0.04:
        return [S.RECEIVED, S.REJECTED], ""
    if r < 0.08:
        return routed, ""  # the unit is late: overdue
    if r < 0.10:
        return routed + [S.FED_BACK], ""  # the member is late
    if r < 0.13:
        return up + [S.FORWARDED_UP, S.FED_BACK, S.CARRIED_BACK, S.CLOSED], Outcome.RESOLVED
    # Fenggang: of 40 received, 28 resolved, 10 in progress, 2 beyond remit / policy.
    o = rng.random()
    outcome = (Outcome.RESOLVED if o < 0.70 else Outcome.IN_PROGRESS if o < 0.95
               else Outcome.BEYOND_REMIT if o < 0.975 else Outcome.POLICY)
    return routed + [S.FED_BACK, S.CARRIED_BACK, S.CLOSED], outcome


def _check_path(path: list[str]) -> None:
    for a, b in zip(path, path[1:]):
        assert b in TRANSITIONS[a], (a, b)


def county_generate(county: Committee, *, n: int, rng: random.Random) -> None:
    now = timezone.now()
    User = get_user_model()
    members = list(Member.objects.filter(committee=county, is_active=True).values_list("pk", "user_id"))
    if not members:
        return
    units = {u.name: u for u in HandlingUnit.objects.filter(committee=county, is_active=True)}
    unit_list = list(units.values())
    if not unit_list:
        return
    staff = User.objects.filter(groups__name=Role.STAFF, portal_profile__committee=county).order_by("pk").first()
    leader = User.objects.filter(groups__name=Role.LEADER, portal_profile__committee=county).order_by("pk").first()
    unit_users = dict(User.objects.filter(portal_profile__handling_unit__committee=county)
                      .values_list("portal_profile__handling_unit_id", "pk"))
    member_login = Member.objects.filter(committee=county, user__username="member").values_list("pk", flat=True).first()
    from workstations.models import Visit, Workstation

    workstations = list(Workstation.objects.filter(committee=county).values_list("pk", flat=True))
    opinion_visits = list(Visit.objects.filter(workstation__committee=county, outcome=Visit.Outcome.OPINION,
                                               opinion_report__isnull=True)
                          .values_list("pk", "workstation_id", "issue", "source", "created_at")[: int(n * 0.4)])
    rng.shuffle(opinion_visits)
    due_cache: dict = {}

    def due(code: str, at: dt.datetime):
        key = (code, timezone.localtime(at).date())
        if key not in due_cache:
            due_cache[key] = compute_due(code, at)
        return due_cache[key]

    reports: list[OpinionReport] = []
    plans: list[dict] = []
    for i in range(n):
        age = int(rng.random() ** 1.3 * 364)
        received = now - dt.timedelta(days=age, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        visit = opinion_visits.pop() if opinion_visits and i > 0 and rng.random() < 0.45 else None
        down = visit is None and rng.random() < 0.07
        if visit is not None and i > 0:
            received = max(visit[4], now - dt.timedelta(days=364)) + dt.timedelta(hours=rng.randint(1, 30))
            received = min(received, now - dt.timedelta(minutes=5))
            age = (now - received).days
        path, outcome = _plan(age, rng)
        if member_login and i == 0:
            # The demo member has an answer waiting to be carried back.
            received, age = now - dt.timedelta(days=12), 12
            path, outcome = [S.RECEIVED, S.REGISTERED, S.FORWARDED_UNIT, S.FED_BACK], ""
        if S.FORWARDED_UP in path and county.parent_id is None:
            path = [S.FORWARDED_UNIT if s == S.FORWARDED_UP else s for s in path]
        if down:
            path = [S.RECEIVED] if age < 4 else ([S.RECEIVED, S.REGISTERED, S.CARRIED_BACK] if age < 30 else
                                                [S.RECEIVED, S.REGISTERED, S.CARRIED_BACK, S.CLOSED])
            outcome = Outcome.RESOLVED if S.CLOSED in path else ""
        _check_path(path)
        issue, category, unit_name = rng.choice(ISSUES)
        unit = units.get(unit_name) or rng.choice(unit_list)
        if visit is not None:
            title = visit[2].split("，")[0][:40]
            content = visit[2]
            source = OpinionReport.Source.PUBLIC if visit[3] == "qr" else OpinionReport.Source.VISIT
        elif down:
            title = rng.choice(DOWN_TOPICS)
            content = f"{title}，覆盖群众约{rng.randint(10, 120)}人。"
            source = OpinionReport.Source.MEMBER
        else:
            title = issue
            content = f"{issue}。群众反映较为集中，建议有关部门实地调查，尽快研究解决。"
            source = rng.choices([OpinionReport.Source.MEMBER, OpinionReport.Source.WORKSTATION,
                                  OpinionReport.Source.CONSULTATION], [6, 3, 1])[0]
        n_members = 1 if rng.random() < 0.85 else 2
        reporters = rng.sample(members, n_members)
        if member_login and i < 12:
            reporters = [(member_login, None)] + [m for m in reporters if m[0] != member_login][:1]
        # Times of each step.
        t = {S.RECEIVED: received}
        gaps = [rng.uniform(*{S.REGISTERED: (0.2, 2.5), S.FORWARDED_UNIT: (0.1, 2), S.FORWARDED_UP: (0.5, 3),
                              S.IN_BULLETIN: (1, 6), S.FED_BACK: (5, 34), S.CARRIED_BACK: (1, 9),
                              S.CLOSED: (0.1, 3), S.REJECTED: (0.5, 2)}[step]) for step in path[1:]]
        room = (now - received).total_seconds() / 86400 * 0.95
        if sum(gaps) > room:  # a young report walked its path faster
            gaps = [g * room / sum(gaps) for g in gaps]
        cursor = received
        for step, gap in zip(path[1:], gaps):
            cursor = cursor + dt.timedelta(days=gap)
            t[step] = cursor
        last = path[-1]
        r = OpinionReport(
            committee=county, title=title, content=content, category=category if not down else Category.SOCIAL,
            source=source, direction=OpinionReport.Direction.DOWN if down else OpinionReport.Direction.UP,
            workstation_id=(visit[1] if visit else (rng.choice(workstations) if workstations and source == "workstation" else None)),
            visit_id=visit[0] if visit else None, status=last, outcome=outcome, received_at=received,
            registered_at=t.get(S.REGISTERED), forwarded_at=t.get(S.FORWARDED_UNIT) or t.get(S.FORWARDED_UP),
            fed_back_at=t.get(S.FED_BACK), carried_back_at=t.get(S.CARRIED_BACK), closed_at=t.get(S.CLOSED),
            adopted_at=t.get(S.IN_BULLETIN) or t.get(S.FORWARDED_UNIT) or t.get(S.FORWARDED_UP),
            created_at=received, created_by_id=reporters[0][1], updated_by_id=staff.pk if staff else None,
        )
        if last == S.RECEIVED:
            d = due("opinion.registration", received)
            r.due_at, r.due_stage, r.due_explanation = d.at, "registration", d.explanation
        elif last == S.FORWARDED_UNIT:
            d = due("opinion.feedback", t[S.FORWARDED_UNIT])
            r.due_at, r.due_stage, r.due_explanation = d.at, "feedback", d.explanation
        elif last == S.FED_BACK:
            d = due("opinion.carry_back", t[S.FED_BACK])
            r.due_at, r.due_stage, r.due_explanation = d.at, "carry_back", d.explanation
        if S.FORWARDED_UNIT in path and last != S.REGISTERED:
            r.unit = unit
        reports.append(r)
        plans.append({"path": path, "t": t, "unit": unit, "reporters": [m[0] for m in reporters],
                      "outcome": outcome or rng.choice([Outcome.RESOLVED, Outcome.RESOLVED, Outcome.IN_PROGRESS])})

    # The demo unit login gets a lively inbox: a few fresh and a few overdue items of its own.
    unit_user_unit = [u for u in unit_list if u.pk in unit_users]
    if unit_user_unit:
        demo_unit = unit_user_unit[0]
        waiting = [k for k, r in enumerate(reports) if r.status == S.FORWARDED_UNIT]
        for k in waiting[: max(8, len(waiting) // 6)]:
            reports[k].unit = demo_unit
            plans[k]["unit"] = demo_unit

    # Registration numbers: per committee and year, in registration order, without gaps.
    seq: dict[int, int] = defaultdict(int)
    for r in sorted((r for r in reports if r.registered_at), key=lambda r: r.registered_at):
        year = timezone.localtime(r.registered_at).year
        seq[year] += 1
        r.registration_year, r.registration_seq = year, seq[year]
        r.number = f"社情〔{year}〕{seq[year]:04d}号"
    OpinionReport.objects.bulk_create(reports, batch_size=1000)

    # Bulletins: issues of 3–6 reports in the order they were edited in, numbered per year.
    bulletin_items = sorted(((r, p) for r, p in zip(reports, plans) if S.IN_BULLETIN in p["path"]),
                            key=lambda rp: rp[1]["t"][S.IN_BULLETIN])
    bulletins, groups, k = [], [], 0
    numbers: dict[int, int] = defaultdict(int)
    while k < len(bulletin_items):
        size = rng.randint(3, 6)
        group = bulletin_items[k:k + size]
        k += size
        issued = timezone.localtime(max(p["t"][S.IN_BULLETIN] for _, p in group)).date()
        numbers[issued.year] += 1
        bulletins.append(Bulletin(committee=county, year=issued.year, number=numbers[issued.year],
                                  title=f"关于{group[0][0].title[:16]}等{len(group)}条社情民意的专报",
                                  issued_on=issued, sent_to="县委、县政府", created_by=staff))
        groups.append(group)
    Bulletin.objects.bulk_create(bulletins)
    to_update = []
    for b, group in zip(bulletins, groups):
        for r, _ in group:
            r.bulletin = b
            to_update.append(r)
    OpinionReport.objects.bulk_update(to_update, ["bulletin"], batch_size=1000)

    through = OpinionReport.members.through
    _raw_insert(through, ["opinionreport", "member"],
                [(r.pk, mid) for r, p in zip(reports, plans) for mid in dict.fromkeys(p["reporters"])])

    parent = county.parent
    forwardings, feedbacks, carry_backs, instructions, changes = [], [], [], [], []
    ct = ContentType.objects.get_for_model(OpinionReport)
    staff_id = staff.pk if staff else None
    member_users = dict(members)
    for r, p in zip(reports, plans):
        path, t, unit = p["path"], p["t"], p["unit"]
        unit_fw = None
        if S.FORWARDED_UNIT in path:
            d = due("opinion.feedback", t[S.FORWARDED_UNIT])
            unit_fw = Forwarding(report=r, kind="unit", unit=unit, forwarded_at=t[S.FORWARDED_UNIT],
                                 due_at=d.at, due_explanation=d.explanation, note="请研究办理，按期反馈。",
                                 answered_at=t.get(S.FED_BACK), created_by_id=staff_id)
            forwardings.append(unit_fw)
        if S.FORWARDED_UP in path and parent is not None:
            forwardings.append(Forwarding(report=r, kind="upper", to_committee=parent, forwarded_at=t[S.FORWARDED_UP],
                                          note="报送上级政协", created_by_id=staff_id))
        if S.FED_BACK in path:
            by_unit = S.FORWARDED_UNIT in path
            feedbacks.append(UnitFeedback(report=r, unit=unit if by_unit else None, forwarding=unit_fw,
                                          content=ANSWERS[p["outcome"]],
                                          proposed_outcome=p["outcome"], answered_at=t[S.FED_BACK],
                                          created_by_id=unit_users.get(unit.pk) if by_unit else staff_id))
        if S.CARRIED_BACK in path:
            sat = rng.choices(["satisfied", "basic", "partly", "unsatisfied"], [60, 25, 10, 5])[0]
            carry_backs.append(CarryBack(
                report=r, member_id=p["reporters"][0], carried_on=timezone.localtime(t[S.CARRIED_BACK]).date(),
                method=rng.choice(CarryBack.Method.values), people_reached=rng.randint(1, 60), satisfaction=sat,
                member_rating="" if r.direction == "down" else rng.choices(["satisfied", "basic", "unsatisfied"],
                                                                           [65, 28, 7])[0],
                created_by_id=member_users.get(p["reporters"][0])))
        if leader is not None and S.REGISTERED in path and rng.random() < 0.05:
            on = timezone.localtime(t[S.REGISTERED]).date() + dt.timedelta(days=rng.randint(1, 10))
            if on <= timezone.localdate():
                acted = rng.random() < 0.6
                instructions.append(LeaderInstruction(
                    report=r, leader=leader, leader_title="县政协主席", instructed_on=on,
                    text=rng.choice(["请有关部门抓紧研究，切实解决群众急难愁盼。", "此件反映的问题具有普遍性，请举一反三。",
                                     "请县政府分管领导阅处。"]),
                    status="acted" if acted else "open", acted_note="已转有关部门落实并反馈。" if acted else "",
                    acted_at=timezone.make_aware(dt.datetime.combine(on, dt.time(16))) + dt.timedelta(days=5) if acted else None,
                    created_by=leader))
        prev = ""
        for step in path:
            actor = {S.RECEIVED: member_users.get(p["reporters"][0]), S.FED_BACK: unit_users.get(unit.pk),
                     S.CARRIED_BACK: member_users.get(p["reporters"][0])}.get(step, staff_id)
            note = {S.FORWARDED_UNIT: f"转交{unit.name}", S.FORWARDED_UP: "报送上级政协",
                    S.IN_BULLETIN: f"编入{r.bulletin}" if r.bulletin_id else "编入专报",
                    S.CLOSED: f"办结：{Outcome(r.outcome).label}" if r.outcome else "办结",
                    S.REJECTED: "内容与已登记信息重复"}.get(step, "")
            changes.append((ct.pk, r.pk, f"opinions.report.{step}", prev, step, actor, note, {}, t[step]))
            prev = step
    Forwarding.objects.bulk_create(forwardings, batch_size=2000)
    # Only the last forwarding of a report is active (one report may be sent up and to a unit).
    seen: set[int] = set()
    stale = []
    for f in sorted(forwardings, key=lambda f: f.forwarded_at, reverse=True):
        if f.report_id in seen:
            stale.append(f.pk)
        seen.add(f.report_id)
    Forwarding.objects.filter(pk__in=stale).update(is_active=False)
    Forwarding.objects.filter(report__committee=county, report__status__in=[S.CLOSED, S.CARRIED_BACK]).update(
        is_active=False)
    UnitFeedback.objects.bulk_create(feedbacks, batch_size=2000)
    CarryBack.objects.bulk_create(carry_backs, batch_size=2000)
    LeaderInstruction.objects.bulk_create(instructions)
    for ins in instructions:
        changes.append((ct.pk, ins.report_id, "opinions.report.instructed", "", "instructed", leader.pk,
                        f"领导批示：{ins.text}", {},
                        timezone.make_aware(dt.datetime.combine(ins.instructed_on, dt.time(10)))))
    _raw_insert(StateChange, ["content_type", "object_id", "code", "from_state", "to_state", "actor", "note", "data",
                              "at"], changes)
    _points(reports, plans, instructions)


def _points(reports, plans, instructions) -> None:
    rules = dict(PointRule.objects.filter(code__startswith="opinion.").values_list("code", "pk"))
    points = dict(PointRule.objects.filter(code__startswith="opinion.").values_list("code", "points"))
    if len(rules) < 4:
        return
    ct = ContentType.objects.get_for_model(OpinionReport)
    ins_ct = ContentType.objects.get_for_model(LeaderInstruction)
    rows = []

    created = timezone.now()

    def add(mid, code, on, obj_ct, obj_id):
        rows.append((mid, rules[code], points[code],
                     timezone.localtime(on).date() if isinstance(on, dt.datetime) else on, obj_ct.pk, obj_id, "",
                     created))

    by_report = {}
    for r, p in zip(reports, plans):
        by_report[r.pk] = p
        t = p["t"]
        for mid in p["reporters"]:
            if S.REGISTERED in t:
                add(mid, "opinion.submitted", t[S.REGISTERED], ct, r.pk)
            adopted = t.get(S.IN_BULLETIN) or t.get(S.FORWARDED_UNIT) or t.get(S.FORWARDED_UP)
            if adopted:
                add(mid, "opinion.adopted", adopted, ct, r.pk)
        if S.CARRIED_BACK in t:
            add(p["reporters"][0], "opinion.carried_back", t[S.CARRIED_BACK], ct, r.pk)
    for ins in instructions:
        for mid in by_report[ins.report_id]["reporters"]:
            add(mid, "opinion.instructed", ins.instructed_on, ins_ct, ins.pk)
    # Each (member, rule, act) once: the reports are new, and reporters are distinct per report.
    _raw_insert(PointEntry, ["member", "rule", "points", "occurred_on", "content_type", "object_id", "note",
                             "created_at"], list(dict.fromkeys(rows)))
