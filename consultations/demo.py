"""Demo consultations: ``sizes["consultations"]`` consultations (spread over the county committees)
held over the past three years in every format and at every step of the five-step loop, with
participants, research findings, minutes, outcome items assigned to handling units (some overdue),
follow-up visits with satisfaction counts (and a second round where people were not satisfied), the
year's duty menu with members' claims (some under quota), and an online consultation (码上协商)
collecting public comments, some approved and some waiting for moderation.

Idempotent: a committee that already has consultations is left alone. Rows are bulk-created; the
timeline of each consultation is written as the services would have written it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.deadlines import compute_due, end_of_day
from core.models import StateChange
from members.models import Committee, Community, HandlingUnit, Member, PointEntry, PointRule, Township
from members.services import point_rules_ensure

from .models import (
    Consultation, DutyMenu, FollowUpVisit, MenuClaim, Minutes, Outcome, Participant, ResearchTask, Topic,
    TopicComment,
)

S = Consultation.Step
F = Consultation.Format

TOPICS = [
    ("背街小巷路灯不亮，夜间出行不安全", "群众征题"), ("老旧小区改造进度慢", "委员荐题"),
    ("学校门口上放学时段交通混乱", "群众征题"), ("独居老人就餐不便，助餐点如何布局", "政府出题"),
    ("小区消防通道被车辆占用", "群众征题"), ("住宅小区新能源汽车充电设施不足", "委员荐题"),
    ("湿地公园公共设施维护落后", "委室找题"), ("河面红浮萍泛滥，影响生态环境", "委员荐题"),
    ("留守儿童暑期无人看管", "党委点题"), ("搬迁群众“小库房、小菜园”问题", "政府出题"),
    ("县人民医院门口交通堵塞，急救车辆进出困难", "群众征题"), ("农村生活垃圾分类收运", "党委点题"),
    ("村道破损，雨天积水严重", "群众征题"), ("农贸市场环境提升", "委室找题"),
    ("乡村民宿规范发展", "委员荐题"), ("优化公交线路，增加早晚班次", "群众征题"),
    ("校园周边零食摊位管理", "委员荐题"), ("公厕管理不到位", "群众征题"),
    ("农村饮水安全保障", "政府出题"), ("特色产业链延链补链", "党委点题"),
]
SOURCES = {label: value for value, label in Topic.Source.choices}
FINDINGS = ["走访沿街住户{n}户，{p}%反映问题突出", "召开座谈会{n}场，收集意见建议{p}条",
            "实地查看点位{n}处，发现隐患{p}处", "问卷调查{n}份，{p}%的受访群众希望尽快解决"]
OUTCOME_TEXTS = ["年内完成{t}整改，建立长效管护机制", "由属地牵头制定{t}专项方案并公示",
                 "将{t}纳入明年民生实事项目", "建立部门联动机制，每季度通报{t}进展",
                 "增设便民设施，{t}问题定期回访"]
COMMENTS = ["建议先在学校周边试点，再逐步推广。", "希望能听取老人的意见，助餐点要方便轮椅进出。",
            "晚上七点以后车位特别紧张，可以错时共享单位停车场。", "建议公开整改进度，让群众监督。",
            "小区充电桩最好统一规划，避免私拉乱接。", "可以请社区网格员每周巡查一次。",
            "村里老人多，协商时能不能安排在下午？", "支持！希望这次能真正解决。"]
FORMAT_WEIGHTS = [(F.LIVELIHOOD, 24), (F.COURTYARD, 26), (F.STATION, 10), (F.PLEASE_CONSULT, 6), (F.MICRO, 14),
                  (F.THEMATIC, 5), (F.COUNTERPART, 4), (F.SECTOR, 4), (F.PROPOSAL, 3), (F.ONLINE, 4)]
LEVEL_BY_FORMAT = {F.LIVELIHOOD: Consultation.Level.TOWNSHIP, F.COURTYARD: Consultation.Level.GROUP,
                   F.STATION: Consultation.Level.VILLAGE, F.MICRO: Consultation.Level.VILLAGE,
                   F.PLEASE_CONSULT: Consultation.Level.COUNTY, F.THEMATIC: Consultation.Level.COUNTY,
                   F.COUNTERPART: Consultation.Level.COUNTY, F.SECTOR: Consultation.Level.COUNTY,
                   F.PROPOSAL: Consultation.Level.COUNTY, F.ONLINE: Consultation.Level.TOWNSHIP}
ORDER = [S.TOPIC_SELECTED, S.RESEARCHING, S.HELD, S.OUTCOMES, S.CONVERTING, S.FOLLOW_UP, S.CLOSED]


def generate(ctx: dict) -> None:
    point_rules_ensure()
    counties = [c for c in Committee.objects.filter(level=Committee.Level.COUNTY).order_by("pk")
                if Member.objects.filter(committee=c).exists()]
    if not counties:
        return
    per = max(10, ctx["sizes"]["consultations"] // len(counties))
    made = 0
    for i, county in enumerate(counties):
        if Consultation.objects.filter(committee=county).exists():
            continue
        rng = random.Random(f"{ctx.get('seed', 0)}:consultations:{county.pk}")
        CountyDemo(county, rng, per, demo_logins=(i == 0)).run()
        made += 1
    if not ctx.get("quiet") and ctx.get("stdout"):
        ctx["stdout"].write(f"    consultations: {made} committee(s) generated, {len(counties) - made} already present")


class CountyDemo:
    def __init__(self, county: Committee, rng: random.Random, n: int, demo_logins: bool):
        self.county, self.rng, self.n, self.demo_logins = county, rng, n, demo_logins
        self.now = timezone.now()
        self.today = timezone.localdate()
        self._due_cache: dict = {}
        self.members = list(Member.objects.filter(committee=county, is_active=True).order_by("pk"))
        self.units = list(HandlingUnit.objects.filter(committee=county, is_active=True).order_by("pk"))
        self.townships = list(Township.objects.filter(committee=county).order_by("pk"))
        self.communities: dict[int, list[Community]] = {}
        for com in Community.objects.filter(township__committee=county).order_by("pk"):
            self.communities.setdefault(com.township_id, []).append(com)
        from workstations.models import Workstation, WorkstationMembership

        self.workstations = list(Workstation.objects.filter(committee=county).order_by("pk"))
        self.ws_township = {w.pk: w.township_id for w in self.workstations}
        self.ws_managers = dict(WorkstationMembership.objects.filter(
            workstation__committee=county, role__in=["lead", "convenor"], ended_on__isnull=True)
            .values_list("member_id", "workstation_id"))
        from django.contrib.auth.models import User

        self.staff_user_id = (User.objects.filter(portal_profile__committee=county, groups__name="staff")
                              .order_by("pk").values_list("pk", flat=True).first())

    def due(self, code: str, base: dt.date | dt.datetime):
        key = (code, base.date() if isinstance(base, dt.datetime) else base)
        if key not in self._due_cache:
            self._due_cache[key] = compute_due(code, base)
        return self._due_cache[key]

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59))))

    # --- the plan ---------------------------------------------------------------------------------
    def pick_step(self, held_on: dt.date) -> str:
        age = (self.today - held_on).days
        r = self.rng.random()
        if age < 0:  # planned
            return S.TOPIC_SELECTED if r < 0.5 else S.RESEARCHING
        if age < 10:
            return S.HELD if r < 0.6 else S.OUTCOMES
        if age < 120:
            return S.CONVERTING if r < 0.7 else (S.FOLLOW_UP if r < 0.9 else S.CLOSED)
        if age < 200:
            return S.FOLLOW_UP if r < 0.3 else S.CLOSED
        return S.CLOSED

    def run(self) -> None:
        rng, county = self.rng, self.county
        if not self.members or not self.units:
            return
        formats = [f for f, w in FORMAT_WEIGHTS for _ in range(w)]
        demo_member = Member.objects.filter(committee=county, user__username="member").first()
        convenor_member = Member.objects.filter(committee=county, user__username="convenor").first()
        demo_unit = HandlingUnit.objects.filter(committee=county, profiles__user__username="unit").first()

        plans = []
        for i in range(self.n):
            fmt = formats[i % len(formats)] if i < len(formats) else rng.choice(formats)
            # Spread over the past three years, a few still ahead.
            held_on = self.today - dt.timedelta(days=rng.randint(-25, 3 * 365))
            if i < 14:  # make sure every step is shown with recent items
                held_on = self.today - dt.timedelta(days=[-20, -10, 3, 6, 30, 45, 70, 100, 150, 190, 400, 500,
                                                          600, 800][i])
            plans.append({"format": fmt, "held_on": held_on, "step": self.pick_step(held_on)})
        # One online consultation collecting comments now, and one courtyard consultation the demo member chairs.
        plans[0].update(format=F.ONLINE, held_on=self.today + dt.timedelta(days=12), step=S.TOPIC_SELECTED,
                        online_open=True)
        plans[1].update(format=F.COURTYARD, step=S.HELD, held_on=self.today - dt.timedelta(days=3),
                        chair=demo_member)
        plans[2].update(step=S.CONVERTING, held_on=self.today - dt.timedelta(days=75), unit=demo_unit, overdue=True)
        plans[3].update(step=S.CONVERTING, held_on=self.today - dt.timedelta(days=20), unit=demo_unit)
        plans[4].update(step=S.FOLLOW_UP, held_on=self.today - dt.timedelta(days=160), unit=demo_unit, overdue=True)
        if convenor_member is not None and convenor_member.pk in self.ws_managers:
            plans[5].update(step=S.RESEARCHING, held_on=self.today + dt.timedelta(days=8), chair=convenor_member,
                            workstation=self.ws_managers[convenor_member.pk], format=F.STATION)
        for p in plans[6:20]:
            if demo_member is not None and rng.random() < 0.6:
                p["with_member"] = demo_member

        topics = []
        for p in plans:
            title, source_label = rng.choice(TOPICS)
            member = rng.choice(self.members)
            source = SOURCES[source_label]
            opens = closes = None
            if p["format"] == F.ONLINE:
                opens = p["held_on"] - dt.timedelta(days=20)
                closes = p["held_on"] - dt.timedelta(days=2)
            topics.append(Topic(
                committee=county, title=title, source=source, description=f"{title}，群众反映集中，需多方协商推动解决。",
                proposer_member=member if source == Topic.Source.MEMBER else None,
                proposer_unit=rng.choice(self.units) if source == Topic.Source.GOVERNMENT else None,
                proposer_text={"party": "县委办公室", "public": "群众来信来访", "office": "政协机关"}.get(source, ""),
                solicitation_opens_on=opens, solicitation_closes_on=closes,
                created_at=self.at(p["held_on"] - dt.timedelta(days=40))))
        Topic.objects.bulk_create(topics, batch_size=1000)

        consultations = []
        for p, topic in zip(plans, topics):
            fmt = p["format"]
            ws_id = p.get("workstation")
            if ws_id is None and fmt == F.STATION and self.workstations:
                ws_id = rng.choice(self.workstations).pk
            ws_township = self.ws_township.get(ws_id) if ws_id else None
            township = next((t for t in self.townships if t.pk == ws_township), None) or (
                rng.choice(self.townships) if self.townships else None)
            community = rng.choice(self.communities.get(township.pk, [None])) if township else None
            chair = p.get("chair") or rng.choice(self.members)
            selected_at = self.at(p["held_on"] - dt.timedelta(days=35))
            research_due = end_of_day(p["held_on"] - dt.timedelta(days=5))
            prefix = {F.COURTYARD: f"{community.name if community else ''}院坝协商",
                      F.LIVELIHOOD: f"{township.name if township else ''}民生议事堂",
                      F.STATION: "协商驿站", F.ONLINE: "码上协商"}.get(fmt, Consultation.Format(fmt).label)
            consultations.append(Consultation(
                committee=county, topic=topic, title=f"{prefix}：{topic.title}"[:200], format=fmt,
                level=LEVEL_BY_FORMAT[fmt], venue_township=township,
                venue_community=community if fmt in (F.COURTYARD, F.STATION, F.MICRO) else None,
                venue_workstation_id=ws_id, venue_text="村委会院坝" if fmt == F.COURTYARD else "",
                scheduled_on=p["held_on"], chair=chair, lead_member=chair,
                organiser=Consultation.Organiser.WORKSTATION if ws_id else Consultation.Organiser.OFFICE,
                organiser_workstation_id=ws_id, step=p["step"], research_due_at=research_due,
                created_at=selected_at, created_by_id=self.staff_user_id))
        Consultation.objects.bulk_create(consultations, batch_size=1000)

        self.children(consultations, plans)
        self.menu()

    def children(self, consultations: list[Consultation], plans: list[dict]) -> None:
        rng = self.rng
        participants, tasks, minutes, outcomes, visits, timeline, points = [], [], [], [], [], [], []
        ct = ContentType.objects.get_for_model(Consultation)
        rules = dict(PointRule.objects.values_list("code", "pk"))
        rule_points = dict(PointRule.objects.values_list("code", "points"))
        reconsult = []
        comments = []
        for c, p in zip(consultations, plans):
            idx = ORDER.index(c.step)
            held_on = p["held_on"]
            chair = c.chair
            members = {chair.pk: chair}
            for m in rng.sample(self.members, min(len(self.members), rng.randint(2, 5))):
                members.setdefault(m.pk, m)
            if p.get("with_member"):
                members.setdefault(p["with_member"].pk, p["with_member"])
            for m in members.values():
                participants.append(Participant(consultation=c, kind=Participant.Kind.MEMBER, member=m))
            participants += [
                Participant(consultation=c, kind=Participant.Kind.RESIDENT, name=f"群众代表{k + 1}",
                            organisation=c.venue_community.name if c.venue_community else "居民")
                for k in range(rng.randint(3, 8))]
            unit = p.get("unit") or rng.choice(self.units)
            participants.append(Participant(consultation=c, kind=Participant.Kind.UNIT, unit=unit, name="分管负责人",
                                            organisation=unit.name))
            if c.format in (F.THEMATIC, F.PLEASE_CONSULT, F.COUNTERPART):
                participants.append(Participant(consultation=c, kind=Participant.Kind.EXPERT, name="特邀专家",
                                                organisation="县委党校"))
            # Timeline rows as the services write them.
            selected_at = c.created_at
            events = [(selected_at, "topic_selected", "", S.TOPIC_SELECTED, f"议题：{c.topic.title}")]
            research_needed = c.format != F.MICRO or c.step == S.RESEARCHING
            open_visit = None
            if idx >= 1 and research_needed:
                events.append((selected_at + dt.timedelta(days=2), "researching", S.TOPIC_SELECTED, S.RESEARCHING, ""))
                tasks.append(ResearchTask(
                    consultation=c, title=f"实地调研：{c.topic.title}"[:200], lead=chair,
                    findings=rng.choice(FINDINGS).format(n=rng.randint(10, 60), p=rng.randint(40, 95))
                    if idx >= 2 else "",
                    completed_at=self.at(held_on - dt.timedelta(days=6)) if idx >= 2 else None))
            if idx >= 2:
                events.append((self.at(held_on, 15), "held", S.RESEARCHING if research_needed else S.TOPIC_SELECTED,
                               S.HELD, ""))
                c.held_on = held_on
                points.append((chair.pk, "consultation.chair", c, held_on))
                points += [(m, "consultation.participate", c, held_on) for m in members if m != chair.pk]
            if idx >= 3:
                minutes.append(Minutes(consultation=c, attendance=len(members) + rng.randint(5, 20),
                                       body=f"围绕“{c.topic.title}”，与会委员、部门代表和群众代表充分协商，形成共识{rng.randint(2, 5)}条。",
                                       consensus="明确责任单位和完成时限，定期回访。"))
                events.append((self.at(held_on + dt.timedelta(days=3)), "outcomes", S.HELD, S.OUTCOMES, ""))
            if idx >= 4:
                sent = self.at(held_on + dt.timedelta(days=5))
                c.outcomes_sent_at = sent
                fu = self.due("consultation.follow_up", sent)
                c.follow_up_due_at = fu.at
                events.append((sent, "converting", S.OUTCOMES, S.CONVERTING, ""))
            n_out = rng.randint(1, 3) if idx >= 3 else 0
            for k in range(n_out):
                u = unit if k == 0 else rng.choice(self.units)
                o = Outcome(consultation=c, handling_unit=u,
                            text=rng.choice(OUTCOME_TEXTS).format(t=c.topic.title[:12]))
                if idx >= 4:
                    o.assigned_at = c.outcomes_sent_at
                    due = self.due("consultation.outcome", o.assigned_at)
                    o.due_at, o.due_explanation = due.at, due.explanation
                    if p.get("overdue") and k == 0:
                        o.status = Outcome.Status.ASSIGNED
                    elif idx >= 5 or rng.random() < 0.45:
                        o.status = rng.choice([Outcome.Status.DONE] * 5 + [Outcome.Status.CANNOT])
                        o.reported_at = o.assigned_at + dt.timedelta(days=rng.randint(10, 55))
                        o.report = "已按协商意见完成整改，群众反映良好。" if o.status == Outcome.Status.DONE else \
                            "涉及上级审批和资金，已列入下一年度计划，先行采取临时措施。"
                    else:
                        o.status = rng.choice([Outcome.Status.ASSIGNED, Outcome.Status.IN_PROGRESS])
                        if o.status == Outcome.Status.IN_PROGRESS:
                            o.report = "已完成前期勘察，正在组织施工。"
                            o.reported_at = o.assigned_at + dt.timedelta(days=20)
                outcomes.append(o)
            if idx >= 5:
                trigger = FollowUpVisit.Trigger.DUE if rng.random() < 0.5 else FollowUpVisit.Trigger.ALL_DONE
                sched_base = c.follow_up_due_at if trigger == FollowUpVisit.Trigger.DUE else \
                    c.outcomes_sent_at + dt.timedelta(days=50)
                vdue = self.due("consultation.follow_up_visit", sched_base)
                v = FollowUpVisit(consultation=c, trigger=trigger, scheduled_on=vdue.on, due_at=vdue.at,
                                  due_explanation=vdue.explanation)
                events.append((sched_base, "follow_up", S.CONVERTING, S.FOLLOW_UP, v.get_trigger_display()))
                if p.get("overdue"):
                    v.scheduled_on = self.today - dt.timedelta(days=6)
                    v.due_at = end_of_day(v.scheduled_on)
                if idx >= 6:
                    v.held_on = min(vdue.on, self.today)
                    total = rng.randint(12, 45)
                    unhappy = rng.choice([0, 0, 0, 1, 2, int(total * 0.6)])
                    v.unsatisfied = unhappy
                    v.basically_satisfied = rng.randint(0, max(0, total - unhappy) // 3)
                    v.satisfied = max(0, total - unhappy - v.basically_satisfied)
                    v.findings = "走访群众，整改事项已落实。" if unhappy < total / 2 else "部分群众反映问题反弹，需再协商。"
                    closed_at = self.at(v.held_on + dt.timedelta(days=2))
                    c.closed_at = closed_at
                    if unhappy >= total / 2:
                        c.step = S.RECONSULTED
                        reconsult.append(c)
                        events.append((closed_at, "reconsulted", S.FOLLOW_UP, S.RECONSULTED, "群众不满意，发起再协商"))
                    else:
                        events.append((closed_at, "closed", S.FOLLOW_UP, S.CLOSED, ""))
                else:
                    open_visit = v
                visits.append((v, list(members)[:2]))
            # Where the consultation now waits, and until when.
            c.due_at, c.due_explanation = None, ""
            if c.step in (S.TOPIC_SELECTED, S.RESEARCHING):
                c.due_at, c.due_explanation = c.research_due_at, f"调研期限：{timezone.localtime(c.research_due_at):%Y-%m-%d}（遴选议题时确定）"
            elif c.step == S.HELD:
                d = self.due("consultation.minutes", held_on)
                c.due_at, c.due_explanation = d.at, d.explanation
            elif c.step == S.CONVERTING:
                c.due_at, c.due_explanation = c.follow_up_due_at, "回头看最迟安排"
            elif c.step == S.FOLLOW_UP and open_visit is not None:
                c.due_at, c.due_explanation = open_visit.due_at, open_visit.due_explanation
            for at, code, frm, to, note in events:
                timeline.append(StateChange(content_type=ct, object_id=c.pk, code=f"consultations.consultation.{code}",
                                            from_state=frm, to_state=to, note=note, at=at,
                                            actor_id=self.staff_user_id))
            if p.get("online_open"):
                for k, body in enumerate(COMMENTS):
                    comments.append(TopicComment(
                        topic=c.topic, body=body, author_name=rng.choice(["张女士", "李先生", "", "王阿姨"]),
                        author_phone=f"139{rng.randint(10000000, 99999999)}" if k % 2 else "",
                        status=TopicComment.Status.APPROVED if k < 5 else TopicComment.Status.PENDING,
                        moderated_at=self.now if k < 5 else None, moderated_by_id=self.staff_user_id if k < 5 else None,
                        idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
                        created_at=self.now - dt.timedelta(hours=rng.randint(1, 200))))
        Consultation.objects.bulk_update(
            consultations, ["held_on", "outcomes_sent_at", "follow_up_due_at", "closed_at", "step", "due_at",
                            "due_explanation"], batch_size=500)
        Participant.objects.bulk_create(participants, batch_size=2000)
        ResearchTask.objects.bulk_create(tasks, batch_size=2000)
        Minutes.objects.bulk_create(minutes, batch_size=2000)
        Outcome.objects.bulk_create(outcomes, batch_size=2000)
        FollowUpVisit.objects.bulk_create([v for v, _ in visits], batch_size=2000)
        through = FollowUpVisit.members.through
        through.objects.bulk_create([through(followupvisit_id=v.pk, member_id=m) for v, ms in visits if v.held_on
                                     for m in ms], batch_size=2000, ignore_conflicts=True)
        StateChange.objects.bulk_create(timeline, batch_size=2000)
        TopicComment.objects.bulk_create(comments)
        vct = ContentType.objects.get_for_model(FollowUpVisit)
        entries = [PointEntry(member_id=m, rule_id=rules[code], points=rule_points[code], occurred_on=on,
                              content_type=ct, object_id=c.pk) for m, code, c, on in points]
        entries += [PointEntry(member_id=m, rule_id=rules["consultation.follow_up"],
                               points=rule_points["consultation.follow_up"], occurred_on=v.held_on,
                               content_type=vct, object_id=v.pk) for v, ms in visits if v.held_on for m in ms]
        PointEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
        # A second round for every consultation where people were not satisfied.
        rounds = [Consultation(
            committee=c.committee, topic=c.topic, parent=c, round=c.round + 1, title=f"{c.title}（第2轮）"[:200],
            format=c.format, level=c.level, venue_township=c.venue_township, venue_community=c.venue_community,
            venue_workstation=c.venue_workstation, venue_text=c.venue_text, chair=c.chair, lead_member=c.lead_member,
            organiser=c.organiser, organiser_workstation=c.organiser_workstation, step=S.TOPIC_SELECTED,
            research_due_at=end_of_day(self.today + dt.timedelta(days=30)),
            due_at=end_of_day(self.today + dt.timedelta(days=30)), due_explanation="再协商：调研期限30天",
            scheduled_on=self.today + dt.timedelta(days=40), created_at=c.closed_at) for c in reconsult]
        Consultation.objects.bulk_create(rounds)
        Participant.objects.bulk_create([Participant(consultation=r, kind=Participant.Kind.MEMBER, member=r.chair)
                                         for r in rounds if r.chair_id])
        StateChange.objects.bulk_create([StateChange(
            content_type=ct, object_id=r.pk, code="consultations.consultation.topic_selected", to_state=S.TOPIC_SELECTED,
            note=f"再协商（上一轮：{r.parent.title}）", at=r.created_at) for r in rounds])

    def menu(self) -> None:
        rng, county = self.rng, self.county
        year = self.today.year
        menu = DutyMenu.objects.create(committee=county, year=year, title=f"{year}年度委员履职菜单", is_published=True,
                                       published_at=self.at(dt.date(year, 2, 20)),
                                       claim_closes_on=dt.date(year, 12, 31))
        topics = Topic.objects.bulk_create([
            Topic(committee=county, menu=menu, title=title, source=SOURCES[src],
                  description="委员可结合界别和联系地认领，开展调研、协商或提出提案。",
                  created_at=self.at(dt.date(year, 2, 15)))
            for title, src in TOPICS])
        claims = []
        for m in self.members:
            quota = 2 if (m.is_standing or m.party in (Member.Party.CPC, Member.Party.DEMOCRATIC)) else 1
            r = rng.random()
            k = 0 if r < 0.08 else (quota - 1 if r < 0.18 else quota + (1 if r > 0.8 else 0))
            for t in rng.sample(topics, min(max(k, 0), len(topics))):
                claims.append(MenuClaim(topic=t, member=m, created_at=self.at(dt.date(year, 3, rng.randint(1, 28)))))
        MenuClaim.objects.bulk_create(claims, batch_size=2000)
        rule = PointRule.objects.get(code="menu.claimed")
        ct = ContentType.objects.get_for_model(MenuClaim)
        PointEntry.objects.bulk_create([
            PointEntry(member_id=cl.member_id, rule=rule, points=rule.points, occurred_on=cl.created_at.date(),
                       content_type=ct, object_id=cl.pk) for cl in claims], batch_size=2000, ignore_conflicts=True)
