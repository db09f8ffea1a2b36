"""Demo proposals: ``sizes["proposals"]`` per scale, spread over each committee's current and previous
plenary sessions and over every status, with co-signers, units, answers (A/B/C), countersigns,
evaluations, key proposals under supervision, some overdue, and a few opened to the public with
moderated comments. The "member" and "unit" demo logins get work of their own.

Built with bulk_create (seconds at county scale); a committee that already has proposals is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from core.deadlines import compute_due
from core.models import StateChange
from core.scoping import Role

from .models import (
    Answer, Countersign, Evaluation, Proposal, ProposalCosigner, ProposalCounter, PublicComment, PublicOpening,
    Review, SupervisionRecord, UnitAssignment,
)

S = Proposal.Status

ISSUES = [
    ("道路破损，雨天积水严重", "society"), ("路灯不亮，夜间出行不安全", "society"),
    ("下水道堵塞，污水外溢", "ecology"), ("优化公交线路，增加早晚班次", "society"),
    ("路口安装红绿灯", "society"), ("关爱留守儿童暑期看护", "society"),
    ("学校门口上放学时段交通混乱", "society"), ("加快老旧小区改造进度", "society"),
    ("清理小区消防通道占用", "society"), ("解决独居老人就餐不便", "society"),
    ("县人民医院门口交通拥堵", "society"), ("新城区车辆违停治理", "politics"),
    ("增加住宅小区新能源汽车充电设施", "economy"), ("湿地公园公共设施维护", "ecology"),
    ("河面红浮萍治理", "ecology"), ("校园周边零食摊位管理", "society"), ("公厕管理", "society"),
    ("搬迁群众“小库房、小菜园”问题", "agriculture"), ("发展特色农产品产业链", "agriculture"),
    ("优化营商环境、减轻中小企业负担", "economy"), ("加强非物质文化遗产保护传承", "culture"),
    ("推进县域医共体建设", "society"), ("提升农村人居环境", "agriculture"),
    ("打造全域旅游精品线路", "culture"), ("规范物业服务收费", "society"), ("建设社区嵌入式养老服务设施", "society"),
]
SUGGESTIONS = [
    "建议由主管部门牵头，会同属地乡镇（街道）开展专项排查，建立问题清单和整改台账。",
    "建议将该项目纳入明年民生实事项目，统筹安排资金，分年度推进。",
    "建议建立长效管护机制，明确责任单位和管护经费，定期开展督查。",
    "建议借鉴周边县区经验，引入社会资本参与建设和运营。",
    "建议畅通群众反映渠道，办理结果及时向群众反馈。",
]
ANSWER_TEXT = {
    "A": "经研究，贵提案所提建议已全部采纳。我局已会同相关乡镇完成整改，并建立长效管理机制。",
    "B": "贵提案所提问题我局高度重视，已列入下一年度工作计划，将分步推进解决，并及时向您通报进展。",
    "C": "贵提案所提建议具有参考价值，但受资金和政策条件限制，目前暂不具备实施条件，我局将留作今后工作参考。",
}
SUPERVISION_TEXT = [
    "带队实地查看项目推进情况，要求承办单位倒排工期、按期办结。",
    "召开重点提案督办座谈会，听取承办单位办理情况汇报，与提案者面对面沟通。",
    "发出督办函，要求承办单位于月底前报送办理进展。",
]
COMMENTS = [
    "非常支持这个提案，希望尽快落实。", "建议同时考虑周边老旧小区的情况。", "我家就在附近，每天都遇到这个问题。",
    "希望办理结果能在网上公开。", "建议增加群众监督员，定期回访。", "可以参考邻县的做法，效果很好。",
]

# (status, weight, days ago of the last step: min, max) for the current session.
CURRENT = [
    (S.DRAFT, 3, 0, 20), (S.COSIGNING, 3, 0, 10), (S.SUBMITTED, 9, 0, 25), (S.FILED, 3, 0, 5),
    (S.ASSIGNED, 24, 0, 110), (S.ANSWERED, 5, 0, 8), (S.COUNTERSIGNED, 4, 0, 8), (S.CLASS_REVIEWED, 3, 0, 5),
    (S.RELEASED, 8, 0, 28), (S.CLOSED, 25, 0, 200), (S.REHANDLING, 3, 0, 60), (S.NOT_FILED, 6, 0, 200),
    (S.CONVERTED, 2, 0, 200),
]
PREVIOUS = [(S.CLOSED, 86, 250, 600), (S.NOT_FILED, 10, 300, 650), (S.CONVERTED, 4, 300, 650)]

PATHS = {
    S.DRAFT: [S.DRAFT],
    S.COSIGNING: [S.DRAFT, S.COSIGNING],
    S.SUBMITTED: [S.DRAFT, S.SUBMITTED],
    S.FILED: [S.DRAFT, S.SUBMITTED, S.FILED],
    S.ASSIGNED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED],
    S.ANSWERED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED],
    S.COUNTERSIGNED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED],
    S.CLASS_REVIEWED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED],
    S.RELEASED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED,
                 S.RELEASED],
    S.CLOSED: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED,
               S.RELEASED, S.EVALUATED, S.CLOSED],
    S.REHANDLING: [S.DRAFT, S.SUBMITTED, S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED,
                   S.RELEASED, S.EVALUATED, S.REHANDLING],
    S.NOT_FILED: [S.DRAFT, S.SUBMITTED, S.NOT_FILED],
    S.CONVERTED: [S.DRAFT, S.SUBMITTED, S.NOT_FILED, S.CONVERTED],
}
GAP_DAYS = {  # days spent before entering each state
    S.COSIGNING: (0, 2), S.SUBMITTED: (1, 4), S.FILED: (2, 13), S.NOT_FILED: (2, 13), S.CONVERTED: (1, 5),
    S.ASSIGNED: (1, 5), S.ANSWERED: (20, 80), S.COUNTERSIGNED: (1, 5), S.CLASS_REVIEWED: (1, 3),
    S.RELEASED: (1, 3), S.EVALUATED: (3, 25), S.CLOSED: (0, 0), S.REHANDLING: (0, 0),
}
AFTER_FILED = {S.FILED, S.ASSIGNED, S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED, S.RELEASED, S.CLOSED, S.REHANDLING}
ANSWERED_UP = {S.ANSWERED, S.COUNTERSIGNED, S.CLASS_REVIEWED, S.RELEASED, S.CLOSED, S.REHANDLING}


def _pick(rng: random.Random, table):
    status, _, lo, hi = rng.choices(table, weights=[t[1] for t in table])[0]
    return status, rng.uniform(lo, hi)


def _due(code: str, base: dt.datetime, cache: dict, days: int | None = None):
    """compute_due per (code, day): the same base day gives the same due date."""
    key = (code, timezone.localtime(base).date(), days)
    if key not in cache:
        cache[key] = compute_due(code, base, days=days)
    return cache[key]


def generate(ctx: dict) -> None:
    from members.models import Committee, HandlingUnit, Member, PlenarySession

    committees = list(Committee.objects.annotate(n=Count("members")).filter(n__gt=0).order_by("pk"))
    if not committees:
        return
    per_committee = max(ctx["sizes"]["proposals"] // len(committees), 20)
    for committee in committees:
        if Proposal.objects.filter(committee=committee).exists():
            continue
        sessions = list(PlenarySession.objects.filter(term__committee=committee)
                        .order_by("-term__number", "-number")[:2])
        members = list(Member.objects.filter(committee=committee, is_active=True).select_related("user", "sector")
                       .order_by("pk"))
        units = list(HandlingUnit.objects.filter(committee=committee, is_active=True).order_by("pk"))
        if not sessions or len(members) < 4 or len(units) < 3:
            continue
        _generate_committee(ctx, committee, sessions, members, units, per_committee)


def _generate_committee(ctx, committee, sessions, members, units, n_total):  # noqa: C901 - one linear recipe
    rng: random.Random = ctx["rng"]
    User = get_user_model()
    now = timezone.now()
    staff = User.objects.filter(groups__name=Role.STAFF, portal_profile__committee=committee).order_by("pk").first()
    leaders = list(User.objects.filter(groups__name=Role.LEADER, portal_profile__committee=committee).order_by("pk"))
    demo_member = next((m for m in members if m.user_id and m.user.username == "member"), None)
    demo_unit_id = (User.objects.filter(username="unit", portal_profile__handling_unit__committee=committee)
                    .values_list("portal_profile__handling_unit_id", flat=True).first())
    demo_unit = next((u for u in units if u.pk == demo_unit_id), None)
    due_cache: dict = {}

    current, previous = sessions[0], (sessions[1] if len(sessions) > 1 else sessions[0])
    n_prev = n_total * 2 // 5 if previous != current else 0
    plan = [(current, *_pick(rng, CURRENT)) for _ in range(n_total - n_prev)]
    plan += [(previous, *_pick(rng, PREVIOUS)) for _ in range(n_prev)]
    # The demo member's own proposals cover the statuses they act on.
    member_plan = [S.DRAFT, S.COSIGNING, S.SUBMITTED, S.ASSIGNED, S.RELEASED, S.CLOSED, S.CLOSED, S.REHANDLING]
    for i, st in enumerate(member_plan):
        plan[i] = (current, st, rng.uniform(1, 20))

    proposals, meta = [], []
    for i, (session, status, last_ago) in enumerate(plan):
        path = PATHS[status]
        stamps = [now - dt.timedelta(days=last_ago, hours=rng.uniform(0, 8))]
        for state in reversed(path[1:]):
            lo, hi = GAP_DAYS[state]
            stamps.insert(0, stamps[0] - dt.timedelta(days=rng.uniform(lo, hi), hours=rng.uniform(0, 6)))
        at = dict(zip(path, stamps))
        issue, category = rng.choice(ISSUES)
        group = rng.random() < 0.08 and status not in (S.DRAFT, S.COSIGNING)
        if i < len(member_plan) and demo_member:
            member = demo_member
            group = False
        else:
            member = rng.choice(members)
        p = Proposal(
            committee=committee, session=session, category=category, status=status,
            title=f"关于{issue}的提案" if not group else f"关于{issue}的集体提案",
            content=f"一、基本情况\n群众反映“{issue}”问题较为突出，影响群众生活。\n\n二、存在问题\n"
                    f"相关设施建设滞后，管理责任不够明确。\n\n三、具体建议\n{rng.choice(SUGGESTIONS)}\n{rng.choice(SUGGESTIONS)}",
            created_at=at[S.DRAFT], created_by=member.user if member.user_id and not group else staff,
            updated_by=staff,
        )
        if group:
            p.proposer_kind = rng.choice([Proposal.ProposerKind.PARTY, Proposal.ProposerKind.SECTOR,
                                          Proposal.ProposerKind.SPECIAL_COMMITTEE])
            p.group_name = {"party": rng.choice(["民革县委会", "民盟县委会", "民建县委会", "九三学社县支社"]),
                            "sector": member.sector.name if member.sector_id else "经济界",
                            "special_committee": "提案委员会"}[p.proposer_kind]
            p.member = None
        else:
            p.member = member
        p.submitted_at = at.get(S.SUBMITTED)
        p.filed_at = at.get(S.FILED)
        p.assigned_at = at.get(S.ASSIGNED)
        p.released_at = at.get(S.RELEASED)
        p.closed_at = at.get(S.CLOSED)
        p.round = 2 if status == S.REHANDLING else 1
        if status in AFTER_FILED and rng.random() < 0.1:
            p.is_key = True
            p.supervising_leader = rng.choice(leaders) if leaders else None
            p.key_answer_days = rng.choice([None, 60])
        due = None
        if status == S.SUBMITTED:
            due = _due("proposal.review", at[S.SUBMITTED], due_cache)
        elif status == S.ASSIGNED:
            due = _due("proposal.answer", at[S.ASSIGNED], due_cache, p.key_answer_days)
        elif status == S.REHANDLING:
            due = _due("proposal.answer", at[S.REHANDLING], due_cache, p.key_answer_days)
        elif status == S.ANSWERED:
            due = _due("proposal.countersign", at[S.ANSWERED], due_cache)
        elif status == S.COUNTERSIGNED:
            due = _due("proposal.class_review", at[S.COUNTERSIGNED], due_cache)
        elif status == S.RELEASED:
            due = _due("proposal.evaluation", at[S.RELEASED], due_cache)
        if due:
            p.due_at, p.due_explanation = due.at, due.explanation
        proposals.append(p)
        meta.append(at)

    # Numbers: filed proposals in each session, in filing order, with no gaps.
    for session in {current, previous}:
        filed = sorted([(m[S.FILED], p) for p, m in zip(proposals, meta) if p.session == session and S.FILED in m],
                       key=lambda t: t[0])
        for n, (_, p) in enumerate(filed, start=1):
            p.number = n
        ProposalCounter.objects.update_or_create(session=session, defaults={"last_number": len(filed)})
    Proposal.objects.bulk_create(proposals, batch_size=500)

    ct = ContentType.objects.get_for_model(Proposal)
    timeline, cosigners, reviews, assignments, supervisions, evaluations = [], [], [], [], [], []
    answer_plan = []  # (proposal, at, lead assignment, co assignments, separate assignments, round)
    assigned_seen = answered_seen = 0
    for p, at in zip(proposals, meta):
        path = PATHS[p.status]
        actor = p.member.user if p.member_id and p.member.user_id else staff
        timeline.append(StateChange(content_type=ct, object_id=p.pk, code="proposals.proposal.created",
                                    to_state=S.DRAFT, actor=actor, at=at[S.DRAFT]))
        for frm, to in zip(path, path[1:]):
            note = ""
            if to == S.NOT_FILED:
                note = rng.choice(["属于个人诉求，不符合立案标准。", "所提问题已在办理中，建议以社情民意信息反映。",
                                   "内容超出本级政协职责范围。"])
            elif to == S.EVALUATED:
                note = "不满意：仍未解决" if p.status == S.REHANDLING else ""
            who = actor if to in (S.COSIGNING, S.SUBMITTED, S.EVALUATED) else staff
            timeline.append(StateChange(content_type=ct, object_id=p.pk, code=f"proposals.proposal.{to}",
                                        from_state=frm, to_state=to, actor=who, note=note, at=at[to]))
        # Co-signers (member proposals only).
        if p.member_id:
            others = rng.sample([m for m in members if m.pk != p.member_id], k=rng.choice([0, 0, 1, 2, 3]))
            if p.member == demo_member and p.status == S.COSIGNING and not others:
                others = rng.sample([m for m in members if m.pk != p.member_id], k=2)
            for m in others:
                status = ProposalCosigner.Status.CONFIRMED
                if p.status == S.COSIGNING:
                    status = rng.choice([ProposalCosigner.Status.PENDING, ProposalCosigner.Status.CONFIRMED])
                elif p.status == S.DRAFT:
                    status = ProposalCosigner.Status.PENDING
                cosigners.append(ProposalCosigner(proposal=p, member=m, status=status, created_at=at[S.DRAFT],
                                                  responded_at=None if status == "pending" else at[S.DRAFT]))
        if S.FILED in at:
            reviews.append(Review(proposal=p, decision=Review.Decision.FILED, created_by=staff, created_at=at[S.FILED]))
        elif S.NOT_FILED in at:
            reviews.append(Review(proposal=p, decision=Review.Decision.NOT_FILED, created_by=staff,
                                  reason=timeline[-1].note if p.status == S.NOT_FILED else "建议以社情民意信息反映。",
                                  created_at=at[S.NOT_FILED]))
        if S.ASSIGNED not in at:
            continue
        # Units: the demo unit leads a share of open items and co-signs some answers.
        if p.status == S.ASSIGNED and demo_unit and (assigned_seen < 12 or rng.random() < 0.2):
            lead = demo_unit
            assigned_seen += 1
        else:
            lead = rng.choice(units)
        rest = [u for u in units if u.pk != lead.pk]
        co = rng.sample(rest, k=rng.choice([0, 1, 1, 2]))
        if p.status == S.ANSWERED and demo_unit and answered_seen < 3 and lead != demo_unit:
            co = [demo_unit] + [u for u in co if u.pk != demo_unit.pk][:1]
            answered_seen += 1
        rounds = [1, 2] if p.status == S.REHANDLING else [1]
        for rnd in rounds:
            base = at[S.ASSIGNED] if rnd == 1 else at[S.REHANDLING]
            due = _due("proposal.answer", base, due_cache, p.key_answer_days)
            la = UnitAssignment(proposal=p, unit=lead, role="lead", round=rnd, due_at=due.at,
                                due_explanation=due.explanation, created_by=staff, created_at=base)
            cas = [UnitAssignment(proposal=p, unit=u, role="co", round=rnd, due_at=due.at,
                                  due_explanation=due.explanation, created_by=staff, created_at=base) for u in co]
            assignments += [la, *cas]
            if rnd == 1 and p.status in ANSWERED_UP:
                answer_plan.append((p, at, la, cas))
        if p.is_key and p.supervising_leader_id:
            for k in range(rng.randint(1, 3)):
                on = at[S.ASSIGNED] + dt.timedelta(days=10 + 20 * k)
                if on < now:
                    supervisions.append(SupervisionRecord(
                        proposal=p, leader=p.supervising_leader, on=timezone.localtime(on).date(),
                        method=rng.choice(SupervisionRecord.Method.values), content=rng.choice(SUPERVISION_TEXT),
                        created_by=p.supervising_leader, created_at=on))
        if p.status in (S.CLOSED, S.REHANDLING):
            if p.status == S.REHANDLING:
                result = Evaluation.Result.UNSATISFIED
            else:
                result = rng.choices(["satisfied", "basically", "not_evaluated"], weights=[72, 22, 6])[0]
            evaluations.append(Evaluation(proposal=p, round=1, result=result, created_at=at[S.EVALUATED],
                                          comment="仍未解决，希望加快推进。" if result == "unsatisfied" else "",
                                          created_by=actor))
    ProposalCosigner.objects.bulk_create(cosigners, batch_size=500)
    Review.objects.bulk_create(reviews, batch_size=500)
    UnitAssignment.objects.bulk_create(assignments, batch_size=500)
    SupervisionRecord.objects.bulk_create(supervisions, batch_size=500)
    Evaluation.objects.bulk_create(evaluations, batch_size=500)

    answers, countersign_rows = [], []
    for p, at, la, cas in answer_plan:
        cls = rng.choices(["A", "B", "C"], weights=[55, 35, 10])[0]
        reviewed = S.CLASS_REVIEWED in at and p.status != S.COUNTERSIGNED and p.status != S.ANSWERED
        a = Answer(proposal=p, assignment=la, round=1, answer_class=cls, content=ANSWER_TEXT[cls],
                   status="submitted", submitted_at=at[S.ANSWERED], created_at=at[S.ANSWERED],
                   reviewed_class=(cls if rng.random() < 0.9 else {"A": "B", "B": "C", "C": "B"}[cls]) if reviewed else "",
                   class_reviewed_at=at.get(S.CLASS_REVIEWED) if reviewed else None)
        answers.append(a)
        countersign_rows.append((p, at, a, cas))
    Answer.objects.bulk_create(answers, batch_size=500)
    cs_due = {}
    countersigns = []
    for p, at, a, cas in countersign_rows:
        for ca in cas:
            due = cs_due.setdefault(timezone.localtime(at[S.ANSWERED]).date(),
                                    _due("proposal.countersign", at[S.ANSWERED], due_cache))
            pending = p.status == S.ANSWERED
            countersigns.append(Countersign(answer=a, assignment=ca, due_at=due.at, created_at=at[S.ANSWERED],
                                            status="pending" if pending else "confirmed",
                                            confirmed_at=None if pending else at.get(S.COUNTERSIGNED),
                                            opinion="" if pending else "同意主办单位答复意见。"))
    Countersign.objects.bulk_create(countersigns, batch_size=500)
    for a in answers:
        timeline.append(StateChange(content_type=ct, object_id=a.proposal_id, code="proposals.answer.submitted",
                                    to_state="answer_submitted", note=f"{a.assignment.unit.name}提交{a.answer_class}类答复",
                                    at=a.submitted_at))
    StateChange.objects.bulk_create(timeline, batch_size=1000)

    # Points for filing, key proposals and satisfied answers: the same ledger rows points_credit
    # writes, in one bulk insert (the unique constraint keeps it once per act).
    from members.models import PointEntry, PointRule
    from members.services import point_rules_ensure

    point_rules_ensure()
    rules = {r.code: r for r in PointRule.objects.filter(code__in=["proposal.filed", "proposal.key",
                                                                   "proposal.satisfied"], is_active=True)}
    by_id = {p.pk: p for p in proposals}
    credits = []

    def credit(p, code, when):
        if code in rules and p.member_id:
            credits.append(PointEntry(member_id=p.member_id, rule=rules[code], points=rules[code].points,
                                      occurred_on=timezone.localtime(when).date(), content_type=ct, object_id=p.pk))

    for p in proposals:
        if p.number:
            credit(p, "proposal.filed", p.filed_at)
            if p.is_key:
                credit(p, "proposal.key", p.filed_at)
    for e in evaluations:
        if e.result == "satisfied":
            credit(by_id[e.proposal_id], "proposal.satisfied", e.created_at)
    PointEntry.objects.bulk_create(credits, ignore_conflicts=True, batch_size=1000)

    # Public participation: a few filed proposals of the current session with comments.
    candidates = [p for p in proposals if p.session == current and p.status in AFTER_FILED]
    rng.shuffle(candidates)
    openings = [PublicOpening(proposal=p, summary=f"{p.title.removesuffix('的提案')}。{SUGGESTIONS[0]}",
                              opened_on=timezone.localtime(p.filed_at).date() + dt.timedelta(days=3),
                              closes_on=timezone.localdate() + dt.timedelta(days=rng.randint(10, 40)),
                              created_by=staff) for p in candidates[:max(3, n_total // 50)]]
    PublicOpening.objects.bulk_create(openings)
    lead_by_proposal = {a.proposal_id: a.unit for a in assignments if a.role == "lead" and a.round == 1}
    comments = []
    for o in openings:
        for _ in range(rng.randint(3, 8)):
            status = rng.choices(["approved", "pending", "rejected"], weights=[60, 30, 10])[0]
            created = now - dt.timedelta(days=rng.uniform(0, 20))
            reply_unit = lead_by_proposal.get(o.proposal_id) if status == "approved" and rng.random() < 0.5 else None
            comments.append(PublicComment(
                opening=o, body=rng.choice(COMMENTS), status=status, created_at=created,
                nickname=rng.choice(["", "王先生", "热心市民", "李阿姨"]),
                phone=rng.choice(["", f"139{rng.randint(10000000, 99999999)}"]),
                moderated_at=None if status == "pending" else created + dt.timedelta(hours=5),
                reply="感谢您的关注，我们将认真研究吸纳。" if reply_unit else "", reply_unit=reply_unit,
                replied_at=created + dt.timedelta(days=1) if reply_unit else None,
                idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex))
    PublicComment.objects.bulk_create(comments, batch_size=500)

    # The demo member is also asked to co-sign someone else's proposal.
    if demo_member:
        other = next((p for p in proposals if p.status == S.COSIGNING and p.member_id != demo_member.pk), None)
        if other and not ProposalCosigner.objects.filter(proposal=other, member=demo_member).exists():
            ProposalCosigner.objects.create(proposal=other, member=demo_member, created_at=other.created_at)

    if not ctx.get("quiet") and ctx.get("stdout"):
        ctx["stdout"].write(f"    proposals: {committee.short_name or committee.name} {len(proposals)}件"
                            f"（立案{sum(1 for p in proposals if p.number)}，公开{len(openings)}）")
