"""The dashboard's figures, each defined once.

A :class:`Metric` names a source model, the rows that count, the path to their committee, their date
(flow metrics) and the dimensions they split by. The same definition gives

* the set-based refresh (``refresh.py``): ``values(committee, day, dims…).annotate(value=…)`` folded
  into ``DailyStat`` rows; and
* the drill-down list behind every figure (``selectors.drill_queryset``): the same rows, filtered by
  the figure's period, dimensions and key, so the list a figure links to counts what the figure says.

Flow metrics count events on their day (visits received, answers given). Snapshot metrics count the
current state (open consultations by step, overdue items) and are kept for the refresh day only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import (
    Count, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate, TruncMonth
from django.utils import timezone

FLOW = "flow"
SNAPSHOT = "snapshot"
DIMS = ("township", "sector", "special_committee", "unit", "ref")


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    model: str  # "app_label.ModelName"
    kind: str = FLOW
    committee: str = "committee_id"
    day: str | None = None  # path to a DateField or DateTimeField (flow metrics)
    dims: dict = field(default_factory=dict)  # dim name -> path or expression
    key: object = None  # path or expression giving the row's class ("A", "held" …)
    key_labels: dict | None = None
    bucket: Callable | None = None  # () -> expression: a numeric class (working days)
    value: Callable | None = None  # () -> aggregate; default Count("pk", distinct=True)
    where: Callable | None = None  # () -> Q  (evaluated at refresh / drill time: "now" moves)
    annotate: Callable | None = None  # (qs) -> qs, before ``where``
    related: tuple = ()  # select_related for the drill list
    distinct: bool = False  # the where-clause crosses a to-many relation
    unit_label: str = ""

    @property
    def available(self) -> bool:
        try:
            model = self.get_model()
        except LookupError:
            return False
        return model is not None

    def get_model(self):
        app_label, name = self.model.split(".")
        return apps.get_model(app_label, name)

    def day_is_datetime(self) -> bool:
        if not self.day:
            return False
        model = self.get_model()
        for part in self.day.split("__")[:-1]:
            model = model._meta.get_field(part).related_model
        return model._meta.get_field(self.day.split("__")[-1]).get_internal_type() == "DateTimeField"

    def day_expr(self):
        return TruncDate(self.day) if self.day_is_datetime() else F(self.day)

    def month_expr(self):
        """The grain of the summary rows: the first day of the event's (local) month."""
        return TruncMonth(self.day_expr(), output_field=DateField())

    def base(self):
        """The counted rows (no scoping, no period): the one definition of the figure."""
        qs = self.get_model()._default_manager.all()
        if self.annotate:
            qs = self.annotate(qs)
        if self.where:
            qs = qs.filter(self.where())
        return qs

    def in_period(self, qs, start: dt.date | None, end: dt.date | None):
        """Rows whose event day lies in [start, end] (local dates)."""
        if self.kind != FLOW or not self.day:
            return qs
        if self.day_is_datetime():
            if start:
                qs = qs.filter(**{f"{self.day}__gte": _start_of(start)})
            if end:
                qs = qs.filter(**{f"{self.day}__lt": _start_of(end + dt.timedelta(days=1))})
        else:
            if start:
                qs = qs.filter(**{f"{self.day}__gte": start})
            if end:
                qs = qs.filter(**{f"{self.day}__lte": end})
        return qs

    def dim_expr(self, name: str):
        spec = self.dims.get(name)
        if spec is None:
            return Value(0)
        return Coalesce(F(spec) if isinstance(spec, str) else spec, Value(0), output_field=IntegerField())

    def key_expr(self):
        if self.key is None:
            return Value("")
        return Coalesce(F(self.key) if isinstance(self.key, str) else self.key, Value(""))

    def value_expr(self):
        return self.value() if self.value else Count("pk", distinct=True)

    def drill_filter(self, qs, *, dims: dict, key: str | None, bucket: int | None = None):
        """Narrow the drill list to one figure's dimension values and key."""
        annotations = {}
        lookups = {}
        for name, wanted in dims.items():
            if wanted and name in self.dims:
                annotations[f"_d_{name}"] = self.dim_expr(name)
                lookups[f"_d_{name}"] = wanted
        if key is not None and key != "" and self.key is not None:
            annotations["_d_key"] = self.key_expr()
            lookups["_d_key"] = key
        if bucket is not None and self.bucket is not None:
            annotations["_d_bucket"] = self.bucket()
            lookups["_d_bucket"] = bucket
        if annotations:
            qs = qs.annotate(**annotations).filter(**lookups)
        return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _today() -> dt.date:
    return timezone.localdate()


def _now() -> dt.datetime:
    return timezone.now()


# --- helpers used in definitions --------------------------------------------------------------------

def _active_assignment_q(prefix: str = "") -> Q:
    today = _today()
    return (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})) & Q(
        **{f"{prefix}start_date__lte": today}
    )


def _member_has_assignment():
    Assignment = apps.get_model("members", "Assignment")
    return Exists(Assignment.objects.filter(_active_assignment_q(), member_id=OuterRef("pk")))


def _community_covered():
    Assignment = apps.get_model("members", "Assignment")
    return Exists(Assignment.objects.filter(_active_assignment_q(), community_id=OuterRef("pk"),
                                            member__is_active=True))


def _year_points(qs):
    PointEntry = apps.get_model("members", "PointEntry")
    today = _today()
    points = (PointEntry.objects.filter(member_id=OuterRef("pk"), occurred_on__year=today.year)
              .order_by().values("member_id").annotate(t=Sum("points")).values("t"))
    return qs.annotate(year_points=Coalesce(Subquery(points, output_field=IntegerField()), Value(0)))


def _workdays_annotate(assigned: str, answered: str):
    """Local dates of assignment and answer, for the working-day subtraction in ``_workdays``."""
    def annotate(qs):
        return qs.annotate(_wd_from=TruncDate(assigned), _wd_to=TruncDate(answered))

    return annotate


def _workdays():
    """Working days from ``_wd_from`` to ``_wd_to`` via the WorkdayIndex table (-1: unknown)."""
    WorkdayIndex = apps.get_model("dashboards", "WorkdayIndex")

    def ordinal(name):
        return Subquery(WorkdayIndex.objects.filter(day=OuterRef(name)).values("ordinal")[:1],
                        output_field=IntegerField())

    return Coalesce(ordinal("_wd_to") - ordinal("_wd_from"), Value(-1), output_field=IntegerField())


def _proposal_answer_class():
    return Coalesce(NullIf(F("reviewed_class"), Value("")), F("answer_class"))


def _held_reception_in_current_month():
    ReceptionDay = apps.get_model("workstations", "ReceptionDay")
    today = _today()
    return Exists(ReceptionDay.objects.filter(workstation_id=OuterRef("pk"), status="held",
                                              date__gte=today.replace(day=1), date__lte=today))


def _proposal_member_dim(name: str):
    return Coalesce(F(f"member__{name}_id"), F(f"{name}_id"))


def _open(label: str) -> Callable[[], Q]:
    """The model's own "open" read (core.deadlines.DeadlineQuerySetMixin.open_q)."""
    return lambda: apps.get_model(label).objects.open_q()


def _overdue(label: str) -> Callable[[], Q]:
    """The model's own "overdue" read, the one rule the pages, API and sweeps use too."""
    return lambda: apps.get_model(label).objects.overdue_q(_now())

REGISTRY: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for m in metrics:
        REGISTRY[m.code] = m


register(
    # --- members: coverage and performance ---------------------------------------------------------
    Metric("members.active", "在任委员", "members.Member", SNAPSHOT,
           dims={"sector": "sector_id", "special_committee": "special_committee_id"},
           where=lambda: Q(is_active=True), related=("sector", "special_committee"), unit_label="人"),
    Metric("coverage.township_members", "联系乡镇的委员", "members.Member", SNAPSHOT,
           dims={"township": "assignments__township_id", "sector": "sector_id",
                 "special_committee": "special_committee_id"},
           where=lambda: Q(is_active=True) & _active_assignment_q("assignments__"), distinct=True,
           related=("sector", "special_committee"), unit_label="人"),
    Metric("coverage.assigned", "已安排联系的委员", "members.Member", SNAPSHOT,
           dims={"sector": "sector_id", "special_committee": "special_committee_id"},
           where=lambda: Q(is_active=True) & Q(_member_has_assignment()), related=("sector", "special_committee"),
           unit_label="人"),
    Metric("coverage.unassigned", "未安排联系的委员", "members.Member", SNAPSHOT,
           dims={"sector": "sector_id", "special_committee": "special_committee_id"},
           where=lambda: Q(is_active=True) & ~Q(_member_has_assignment()), related=("sector", "special_committee"),
           unit_label="人"),
    Metric("coverage.communities", "社区（村居）", "members.Community", SNAPSHOT,
           committee="township__committee_id", dims={"township": "township_id"}, related=("township",),
           unit_label="个"),
    Metric("coverage.uncovered", "无委员联系的社区（村居）", "members.Community", SNAPSHOT,
           committee="township__committee_id", dims={"township": "township_id"},
           where=lambda: ~Q(_community_covered()), related=("township",), unit_label="个"),
    Metric("points", "履职积分", "members.PointEntry", FLOW, committee="member__committee_id", day="occurred_on",
           dims={"sector": "member__sector_id", "special_committee": "member__special_committee_id"},
           value=lambda: Sum("points"), related=("member", "rule"), unit_label="分"),
    # The same points per member, only for the ranking (kept apart: many rows, read by one query).
    Metric("points.member", "委员履职积分", "members.PointEntry", FLOW, committee="member__committee_id",
           day="occurred_on",
           dims={"sector": "member__sector_id", "special_committee": "member__special_committee_id",
                 "ref": "member_id"},
           value=lambda: Sum("points"), related=("member", "rule"), unit_label="分"),
    Metric("members.under_threshold", "年度积分未达标委员", "members.Member", SNAPSHOT,
           dims={"sector": "sector_id", "special_committee": "special_committee_id"},
           annotate=_year_points,
           where=lambda: Q(is_active=True) & Q(year_points__lt=settings.MEMBER_POINTS_THRESHOLD),
           related=("sector", "special_committee"), unit_label="人"),
    # --- workstations ------------------------------------------------------------------------------
    Metric("ws.active", "运行中的委员工作室", "workstations.Workstation", SNAPSHOT,
           dims={"township": "township_id"}, where=lambda: Q(is_active=True), related=("township",),
           unit_label="个"),
    Metric("ws.idle_month", "本月未开展接待日的工作室", "workstations.Workstation", SNAPSHOT,
           dims={"township": "township_id"},
           where=lambda: Q(is_active=True) & ~Q(_held_reception_in_current_month()), related=("township",),
           unit_label="个"),
    Metric("ws.reception_days", "委员接待日", "workstations.ReceptionDay", FLOW,
           committee="workstation__committee_id", day="date",
           dims={"township": "workstation__township_id"},
           where=lambda: Q(status="held"), related=("workstation",), unit_label="次"),
    Metric("ws.visits", "接待群众", "workstations.Visit", FLOW, committee="workstation__committee_id",
           day="received_on", dims={"township": "workstation__township_id"},
           key="outcome", related=("workstation",), unit_label="人次"),
    Metric("ws.month_flags", "接待日不足的工作室（月）", "workstations.WorkstationMonthFlag", FLOW,
           committee="workstation__committee_id", day="month", dims={"township": "workstation__township_id"},
           related=("workstation",), unit_label="个·月"),
    # --- consultations ----------------------------------------------------------------------------
    Metric("cons.open", "进行中的协商", "consultations.Consultation", SNAPSHOT,
           dims={"township": "venue_township_id"}, key="step",
           where=_open("consultations.Consultation"),
           related=("topic", "venue_township"), unit_label="项"),
    Metric("cons.overdue", "超期的协商环节", "consultations.Consultation", SNAPSHOT,
           dims={"township": "venue_township_id"}, key="step",
           where=_overdue("consultations.Consultation"),
           related=("topic", "venue_township"), unit_label="项"),
    Metric("cons.held", "召开协商活动", "consultations.Consultation", FLOW, day="held_on",
           dims={"township": "venue_township_id"}, key="format", where=lambda: Q(held_on__isnull=False),
           related=("topic", "venue_township"), unit_label="场"),
    Metric("cons.outcomes_assigned", "交办协商成果", "consultations.Outcome", FLOW,
           committee="consultation__committee_id", day="assigned_at",
           dims={"township": "consultation__venue_township_id", "unit": "handling_unit_id"},
           where=lambda: Q(assigned_at__isnull=False), related=("consultation", "handling_unit"), unit_label="项"),
    Metric("cons.outcomes_reported", "办结协商成果", "consultations.Outcome", FLOW,
           committee="consultation__committee_id", day="reported_at",
           dims={"township": "consultation__venue_township_id", "unit": "handling_unit_id"}, key="status",
           where=lambda: Q(status__in=["done", "cannot"], reported_at__isnull=False),
           related=("consultation", "handling_unit"), unit_label="项"),
    Metric("cons.outcomes_overdue", "超期未办结的协商成果", "consultations.Outcome", SNAPSHOT,
           committee="consultation__committee_id",
           dims={"township": "consultation__venue_township_id", "unit": "handling_unit_id"},
           where=_overdue("consultations.Outcome"),
           related=("consultation", "handling_unit"), unit_label="项"),
    Metric("cons.follow_ups", "回头看", "consultations.FollowUpVisit", FLOW,
           committee="consultation__committee_id", day="held_on",
           dims={"township": "consultation__venue_township_id"}, where=lambda: Q(held_on__isnull=False),
           related=("consultation",), unit_label="次"),
    Metric("cons.fu_satisfied", "回头看·满意", "consultations.FollowUpVisit", FLOW,
           committee="consultation__committee_id", day="held_on",
           dims={"township": "consultation__venue_township_id"}, where=lambda: Q(held_on__isnull=False),
           value=lambda: Sum("satisfied"), related=("consultation",), unit_label="人"),
    Metric("cons.fu_basic", "回头看·基本满意", "consultations.FollowUpVisit", FLOW,
           committee="consultation__committee_id", day="held_on",
           dims={"township": "consultation__venue_township_id"}, where=lambda: Q(held_on__isnull=False),
           value=lambda: Sum("basically_satisfied"), related=("consultation",), unit_label="人"),
    Metric("cons.fu_unsatisfied", "回头看·不满意", "consultations.FollowUpVisit", FLOW,
           committee="consultation__committee_id", day="held_on",
           dims={"township": "consultation__venue_township_id"}, where=lambda: Q(held_on__isnull=False),
           value=lambda: Sum("unsatisfied"), related=("consultation",), unit_label="人"),
    # --- proposals --------------------------------------------------------------------------------
    Metric("prop.submitted", "提交提案", "proposals.Proposal", FLOW, day="submitted_at",
           dims={"sector": _proposal_member_dim("sector"),
                 "special_committee": _proposal_member_dim("special_committee")},
           where=lambda: Q(submitted_at__isnull=False), related=("member", "session"), unit_label="件"),
    Metric("prop.filed", "立案提案", "proposals.Proposal", FLOW, day="filed_at",
           dims={"sector": _proposal_member_dim("sector"),
                 "special_committee": _proposal_member_dim("special_committee")},
           where=lambda: Q(filed_at__isnull=False), related=("member", "session"), unit_label="件"),
    Metric("prop.answered", "提案答复", "proposals.Answer", FLOW, committee="proposal__committee_id",
           day="submitted_at",
           dims={"sector": Coalesce(F("proposal__member__sector_id"), F("proposal__sector_id")),
                 "special_committee": Coalesce(F("proposal__member__special_committee_id"),
                                               F("proposal__special_committee_id")),
                 "unit": "assignment__unit_id"},
           key=_proposal_answer_class(), key_labels={"A": "A类", "B": "B类", "C": "C类"},
           where=lambda: Q(status="submitted", submitted_at__isnull=False),
           related=("proposal", "assignment__unit"), unit_label="件"),
    Metric("prop.evaluated", "委员评价", "proposals.Evaluation", FLOW, committee="proposal__committee_id",
           day="created_at",
           dims={"sector": Coalesce(F("proposal__member__sector_id"), F("proposal__sector_id")),
                 "special_committee": Coalesce(F("proposal__member__special_committee_id"),
                                               F("proposal__special_committee_id"))},
           key="result",
           key_labels={"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意",
                       "not_evaluated": "逾期未评价"},
           related=("proposal",), unit_label="件"),
    Metric("prop.open", "办理中的提案", "proposals.Proposal", SNAPSHOT,
           dims={"sector": _proposal_member_dim("sector"),
                 "special_committee": _proposal_member_dim("special_committee")},
           key="status",
           where=lambda: Q(status__in=["submitted", "filed", "assigned", "answered", "countersigned",
                                       "class_reviewed", "released", "rehandling"]),
           related=("member", "session"), unit_label="件"),
    Metric("prop.overdue", "超期未答复的提案交办", "proposals.UnitAssignment", SNAPSHOT,
           committee="proposal__committee_id",
           dims={"sector": Coalesce(F("proposal__member__sector_id"), F("proposal__sector_id")),
                 "special_committee": Coalesce(F("proposal__member__special_committee_id"),
                                               F("proposal__special_committee_id")),
                 "unit": "unit_id"},
           where=_overdue("proposals.UnitAssignment"), related=("proposal", "unit"), unit_label="件"),
    # --- opinion reports ----------------------------------------------------------------------------
    Metric("op.received", "收到社情民意信息", "opinions.OpinionReport", FLOW, day="received_at",
           dims={"township": "workstation__township_id"}, key="source", related=("workstation",), unit_label="条"),
    Metric("op.forwarded", "转办", "opinions.Forwarding", FLOW, committee="report__committee_id",
           day="forwarded_at", dims={"township": "report__workstation__township_id", "unit": "unit_id"},
           key="kind", related=("report", "unit"), unit_label="条"),
    Metric("op.adopted", "采用", "opinions.OpinionReport", FLOW, day="adopted_at",
           dims={"township": "workstation__township_id"}, where=lambda: Q(adopted_at__isnull=False),
           related=("workstation",), unit_label="条"),
    Metric("op.answered", "承办单位反馈", "opinions.UnitFeedback", FLOW, committee="report__committee_id",
           day="answered_at", dims={"township": "report__workstation__township_id", "unit": "unit_id"},
           key="proposed_outcome", related=("report", "unit"), unit_label="条"),
    Metric("op.carried_back", "带下去", "opinions.CarryBack", FLOW, committee="report__committee_id",
           day="carried_on", dims={"township": "report__workstation__township_id",
                                   "sector": "member__sector_id",
                                   "special_committee": "member__special_committee_id"},
           key="satisfaction", related=("report", "member"), unit_label="次"),
    Metric("op.people_reached", "带下去告知群众", "opinions.CarryBack", FLOW, committee="report__committee_id",
           day="carried_on", dims={"township": "report__workstation__township_id",
                                   "sector": "member__sector_id",
                                   "special_committee": "member__special_committee_id"},
           value=lambda: Sum("people_reached"), related=("report", "member"), unit_label="人"),
    Metric("op.instructions", "领导批示", "opinions.LeaderInstruction", FLOW, committee="report__committee_id",
           day="instructed_on", dims={"township": "report__workstation__township_id"}, key="status",
           related=("report", "leader"), unit_label="件"),
    Metric("op.overdue", "超期的社情民意", "opinions.OpinionReport", SNAPSHOT,
           dims={"township": "workstation__township_id", "unit": "unit_id"}, key="due_stage",
           where=_overdue("opinions.OpinionReport"),
           related=("unit", "workstation"), unit_label="条"),
    # --- handling units: the fair table (dated by the answer) -------------------------------------
    Metric("unit.answered.proposal", "答复提案", "proposals.Answer", FLOW, committee="proposal__committee_id",
           day="submitted_at", dims={"unit": "assignment__unit_id"},
           key=Coalesce(NullIf(F("reviewed_class"), Value("")), F("answer_class")),
           annotate=_workdays_annotate("assignment__created_at", "submitted_at"), bucket=_workdays,
           where=lambda: Q(status="submitted", submitted_at__isnull=False),
           related=("proposal", "assignment__unit"), unit_label="件"),
    Metric("unit.ontime.proposal", "按期答复提案", "proposals.Answer", FLOW, committee="proposal__committee_id",
           day="submitted_at", dims={"unit": "assignment__unit_id"},
           where=lambda: Q(status="submitted", submitted_at__isnull=False,
                           submitted_at__lte=F("assignment__due_at")),
           related=("proposal", "assignment__unit"), unit_label="件"),
    Metric("unit.rehandled.proposal", "重新办理的提案答复", "proposals.Answer", FLOW,
           committee="proposal__committee_id", day="submitted_at", dims={"unit": "assignment__unit_id"},
           where=lambda: Q(status="submitted", submitted_at__isnull=False, round__gt=1),
           related=("proposal", "assignment__unit"), unit_label="件"),
    Metric("unit.evaluated", "提案评价（主办单位）", "proposals.Evaluation", FLOW,
           committee="proposal__committee_id", day="created_at", dims={"unit": "proposal__assignments__unit_id"},
           key="result", where=lambda: Q(proposal__assignments__role="lead",
                                         proposal__assignments__round=F("round")),
           distinct=True, related=("proposal",), unit_label="件"),
    Metric("unit.answered.opinion", "反馈社情民意", "opinions.UnitFeedback", FLOW,
           committee="report__committee_id", day="answered_at", dims={"unit": "unit_id"},
           annotate=_workdays_annotate("forwarding__forwarded_at", "answered_at"), bucket=_workdays,
           where=lambda: Q(unit__isnull=False, forwarding__isnull=False), related=("report", "unit"),
           unit_label="条"),
    Metric("unit.ontime.opinion", "按期反馈社情民意", "opinions.UnitFeedback", FLOW,
           committee="report__committee_id", day="answered_at", dims={"unit": "unit_id"},
           where=lambda: Q(unit__isnull=False, forwarding__isnull=False)
           & (Q(forwarding__due_at__isnull=True) | Q(answered_at__lte=F("forwarding__due_at"))),
           related=("report", "unit"), unit_label="条"),
    Metric("unit.answered.outcome", "办结协商成果", "consultations.Outcome", FLOW,
           committee="consultation__committee_id", day="reported_at", dims={"unit": "handling_unit_id"},
           annotate=_workdays_annotate("assigned_at", "reported_at"), bucket=_workdays,
           where=lambda: Q(status__in=["done", "cannot"], reported_at__isnull=False, assigned_at__isnull=False,
                           handling_unit__isnull=False),
           related=("consultation", "handling_unit"), unit_label="项"),
    Metric("unit.ontime.outcome", "按期办结协商成果", "consultations.Outcome", FLOW,
           committee="consultation__committee_id", day="reported_at", dims={"unit": "handling_unit_id"},
           where=lambda: Q(status__in=["done", "cannot"], reported_at__isnull=False, assigned_at__isnull=False,
                           handling_unit__isnull=False)
           & (Q(due_at__isnull=True) | Q(reported_at__lte=F("due_at"))),
           related=("consultation", "handling_unit"), unit_label="项"),
)

UNIT_SOURCES = {"proposal": "提案", "opinion": "社情民意", "outcome": "协商成果"}


def available() -> dict[str, Metric]:
    """Metrics whose source models exist in this installation."""
    return {code: m for code, m in REGISTRY.items() if m.available}


def get(code: str) -> Metric | None:
    m = REGISTRY.get(code)
    return m if m is not None and m.available else None
