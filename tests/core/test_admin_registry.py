"""The admin registry walk: every registered model, one row of county A, and what the others get.

For every model in ``admin.site._registry`` a builder below makes a row owned by county A (a model
without a builder fails, so a newly registered model cannot slip by). Then:

- staff of county B (another committee) get nothing: the row is not in the changelist, its change,
  history and delete pages answer 404 (or 403), POSTing a change or a delete changes nothing and
  every admin action run on the row's pk changes nothing;
- a leader of county A reads (view only): no change, no delete, no change action;
- global tables (deadline policies, the calendar, point rules, roles) are read by every office but
  added, changed and deleted only by superusers; superuser-only tables answer 403 to office users;
- every registered ModelAdmin and inline is built on ``core.admin_base`` and every action declares its
  permission.

All rows are built once for the module (one atomic block rolled back at the end); each test runs in
a savepoint inside it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.admin_base import ScopedInlineMixin, ScopedModelAdmin
from core.scoping import Role
from tests.factories import (
    CommitteeFactory, CommunityFactory, HandlingUnitFactory, MemberFactory, TownshipFactory, make_user,
)

# Every test runs in its own savepoint inside the module's world (and tells pytest-django to set up
# the test database before the module fixture builds it).
pytestmark = pytest.mark.django_db

REGISTRY = admin.site._registry
LABELS = sorted(m._meta.label for m in REGISTRY)
MODELS = {m._meta.label: m for m in REGISTRY}

# Tables every committee shares: the office reads them, superusers write them.
GLOBAL = {"core.DeadlinePolicy", "core.CalendarDay", "members.PointRule", "auth.Group"}
# Tables only superusers see at all.
SUPERUSER_ONLY = {"core.OutboxMessage", "authtoken.TokenProxy"}


# --- builders: one row of county A per registered model -----------------------------------------------

def _proposals(w):
    from proposals import services
    from proposals.models import PublicComment, SupervisionRecord
    from tests.factories import proposals as pf

    ns = pf.proposal_world("adm")
    w.committee = ns.committee
    w.pw = ns
    p = pf.released(ns)
    services.proposal_evaluate(proposal=p, by=ns.member_user, result="satisfied")
    SupervisionRecord.objects.create(proposal=p, leader=ns.leader, content="实地督办")
    opening = services.proposal_open_public(proposal=p, by=ns.staff, summary="公交线路优化")
    w.proposal = p
    w.opening = opening
    w.public_comment = PublicComment.objects.create(opening=opening, body="建议增开夜班车", idempotency_key="adm-1")


def _rows(w):
    """Everything else on the same committee, plainly (the services are tested in their apps)."""
    from consultations.models import Consultation, DutyMenu, FollowUpVisit, MenuClaim, Outcome, Topic, TopicComment
    from core.models import Notification, OutboxMessage
    from dashboards.models import DailyStat, RollupReport
    from members.models import Assignment, PointEntry, PointRule, RosterImport, Term
    from opinions.models import Bulletin, CarryBack, LeaderInstruction, OpinionReport
    from rest_framework.authtoken.models import Token
    from workstations.models import ReceptionDay, Visit, Workstation, WorkstationMonthFlag

    c = w.committee
    today = timezone.localdate()
    w.term = Term.objects.get(committee=c)
    w.township = TownshipFactory(committee=c, name="甲县东城街道")
    w.community = CommunityFactory(township=w.township, name="甲县东一社区")
    w.member = MemberFactory(committee=c, name="甲县委员")
    w.member_user = make_user("adm-a-member", Role.MEMBER, member=w.member)
    w.unit = HandlingUnitFactory(committee=c, name="甲县住建局")
    w.assignment = Assignment.objects.create(member=w.member, township=w.township, start_date=today)
    w.roster = RosterImport.objects.create(committee=c, file_name="甲县名单.xlsx")
    w.point_rule = PointRule.objects.get_or_create(code="adm_rule", defaults={"name": "测试事项", "points": 1})[0]
    w.point_entry = PointEntry.objects.create(member=w.member, rule=w.point_rule, points=1, occurred_on=today)
    w.ws = Workstation.objects.create(committee=c, name="甲县委员工作室", township=w.township)
    w.reception_day = ReceptionDay.objects.create(workstation=w.ws, date=today + dt.timedelta(days=7))
    w.visit = Visit.objects.create(workstation=w.ws, issue="路灯不亮")
    w.month_flag = WorkstationMonthFlag.objects.create(workstation=w.ws, month=today.replace(day=1), held_count=0,
                                                      required=1)
    w.report = OpinionReport.objects.create(committee=c, title="路灯不亮", content="夜间出行不安全")
    w.bulletin = Bulletin.objects.create(committee=c, year=today.year, number=1, title="第1期")
    w.instruction = LeaderInstruction.objects.create(report=w.report, leader=w.pw.leader, text="请住建局办理")
    w.carry_back = CarryBack.objects.create(report=w.report, member=w.member, carried_on=today)
    w.menu = DutyMenu.objects.create(committee=c, year=today.year, title="年度履职菜单")
    w.topic = Topic.objects.create(committee=c, title="背街小巷路灯改造", menu=w.menu)
    w.topic_comment = TopicComment.objects.create(topic=w.topic, body="建议加装太阳能灯", idempotency_key="adm-tc")
    w.claim = MenuClaim.objects.create(topic=w.topic, member=w.member)
    w.consultation = Consultation.objects.create(committee=c, topic=w.topic, title="院坝协商", format="courtyard")
    w.outcome = Outcome.objects.create(consultation=w.consultation, text="增设路灯")
    w.follow_up = FollowUpVisit.objects.create(consultation=w.consultation, scheduled_on=today)
    w.notification = Notification.objects.create(recipient=w.member_user, stage="adm", day=today, title="甲县通知")
    w.outbox = OutboxMessage.objects.create(task_name="adm.task", key="adm-outbox")
    w.token = Token.objects.create(user=w.member_user)
    w.daily_stat = DailyStat.objects.create(committee=c, day=today, metric="adm_metric", value=1)
    w.rollup = RollupReport.objects.create(committee=c, kind="month", period_start=today.replace(day=1),
                                           period_end=today, label="本月")


def _first(model, **kw):
    obj = model._default_manager.filter(**kw).order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} row for {kw}"
    return obj


def _statechange(w):
    from core.models import StateChange

    return _first(StateChange, content_type=ContentType.objects.get_for_model(w.proposal), object_id=w.proposal.pk)


def _deadline_policy(w):
    from core.models import DeadlinePolicy

    return DeadlinePolicy.objects.get_or_create(code="adm_policy", defaults={"name": "测试期限", "days": 5})[0]


def _calendar_day(w):
    from core.models import CalendarDay

    return CalendarDay.objects.get_or_create(date=dt.date(2031, 10, 1), defaults={"is_working_day": False})[0]


def _group(w):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=Role.STAFF)


def _token(w):
    from rest_framework.authtoken.models import TokenProxy

    return TokenProxy.objects.get(pk=w.token.pk)


def _coverage(w):
    from members.models import CoverageReport

    return CoverageReport.objects.get(pk=w.township.pk)


def _model(label):
    return lambda w: _first(MODELS[label], **_FILTERS[label](w))


# Rows reached through the proposal built by the real services.
_FILTERS = {
    "proposals.Proposal": lambda w: {"pk": w.proposal.pk},
    "proposals.Answer": lambda w: {"proposal": w.proposal},
    "proposals.Countersign": lambda w: {"answer__proposal": w.proposal},
    "proposals.Evaluation": lambda w: {"proposal": w.proposal},
    "proposals.SupervisionRecord": lambda w: {"proposal": w.proposal},
    "proposals.Review": lambda w: {"proposal": w.proposal},
    "proposals.ProposalCounter": lambda w: {"session": w.proposal.session},
    "members.Committee": lambda w: {"pk": w.committee.pk},
    "members.Term": lambda w: {"committee": w.committee},
    "members.PlenarySession": lambda w: {"term__committee": w.committee},
    "members.Sector": lambda w: {"committee": w.committee},
    "members.SpecialCommittee": lambda w: {"committee": w.committee},
    "members.HandlingUnit": lambda w: {"pk": w.unit.pk},
}

BUILDERS = {
    **{label: _model(label) for label in _FILTERS},
    "proposals.PublicOpening": lambda w: w.opening,
    "proposals.PublicComment": lambda w: w.public_comment,
    "core.StateChange": _statechange,
    "core.Notification": lambda w: w.notification,
    "core.OutboxMessage": lambda w: w.outbox,
    "core.DeadlinePolicy": _deadline_policy,
    "core.CalendarDay": _calendar_day,
    "auth.Group": _group,
    "auth.User": lambda w: w.member_user,
    "authtoken.TokenProxy": _token,
    "members.Township": lambda w: w.township,
    "members.Community": lambda w: w.community,
    "members.Member": lambda w: w.member,
    "members.Assignment": lambda w: w.assignment,
    "members.CoverageReport": _coverage,
    "members.RosterImport": lambda w: w.roster,
    "members.PointRule": lambda w: w.point_rule,
    "members.PointEntry": lambda w: w.point_entry,
    "workstations.Workstation": lambda w: w.ws,
    "workstations.ReceptionDay": lambda w: w.reception_day,
    "workstations.Visit": lambda w: w.visit,
    "workstations.WorkstationMonthFlag": lambda w: w.month_flag,
    "opinions.OpinionReport": lambda w: w.report,
    "opinions.Bulletin": lambda w: w.bulletin,
    "opinions.LeaderInstruction": lambda w: w.instruction,
    "opinions.CarryBack": lambda w: w.carry_back,
    "consultations.Topic": lambda w: w.topic,
    "consultations.Consultation": lambda w: w.consultation,
    "consultations.TopicComment": lambda w: w.topic_comment,
    "consultations.DutyMenu": lambda w: w.menu,
    "consultations.MenuClaim": lambda w: w.claim,
    "consultations.FollowUpVisit": lambda w: w.follow_up,
    "consultations.Outcome": lambda w: w.outcome,
    "dashboards.RollupReport": lambda w: w.rollup,
    "dashboards.DailyStat": lambda w: w.daily_stat,
}


class World:
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = World()
        _proposals(w)
        _rows(w)
        w.rows = {label: BUILDERS[label](w) for label in LABELS if label in BUILDERS}
        w.staff_a = w.pw.staff
        w.leader_a = w.pw.leader
        w.leader_a.is_staff = True  # leaders read the admin, as the demo leader does
        w.leader_a.save(update_fields=["is_staff"])
        w.county_b = CommitteeFactory(name="政协乙县委员会", short_name="乙县政协")
        w.staff_b = make_user("adm-staff-b", Role.STAFF, committee=w.county_b)
        w.superuser = make_user("adm-root", superuser=True)
        yield w
        transaction.set_rollback(True)


# --- helpers ------------------------------------------------------------------------------------------

def _url(obj, view, *args):
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def _snapshot(obj):
    from core.models import OutboxMessage, StateChange

    model = type(obj)
    return (list(model._base_manager.filter(pk=obj.pk).values()), model._base_manager.count(),
            StateChange.objects.count(), OutboxMessage.objects.count())


def _form_data(obj):
    data = {}
    for k, v in model_to_dict(obj).items():
        if v is None or isinstance(v, FieldFile):
            continue
        if isinstance(v, (list, tuple)):
            data[k] = [getattr(x, "pk", x) for x in v]
        elif isinstance(v, str):
            data[k] = v + "（改）"
        else:
            data[k] = v
    return data


def _request(user):
    req = RequestFactory().get("/admin/")
    req.user = user
    return req


def _all_actions(model_admin, superuser):
    return sorted(model_admin.get_actions(_request(superuser)))


def _run_actions(client, obj, model_admin, superuser):
    url = _url(obj, "changelist")
    for name in _all_actions(model_admin, superuser):
        before = _snapshot(obj)
        client.post(url, {"action": name, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0, "post": "yes", "apply": "1"})
        assert _snapshot(obj) == before, f"action {name} changed {obj._meta.label} {obj.pk}"


def _assert_refused(resp, what):
    assert resp.status_code in (403, 404), f"{what}: {resp.status_code}"


# --- the registry is built on the one base -----------------------------------------------------------

def test_every_registered_model_has_a_builder():
    missing = sorted(set(LABELS) - set(BUILDERS))
    assert not missing, f"registered in the admin without a row builder here: {missing}"


def test_every_modeladmin_and_inline_is_built_on_the_scoped_base():
    wrong = [f"{label}: {type(ma).__name__}" for label, ma in ((m._meta.label, ma) for m, ma in REGISTRY.items())
             if not isinstance(ma, ScopedModelAdmin)]
    wrong += [f"{m._meta.label} inline {inline.__name__}" for m, ma in REGISTRY.items() for inline in ma.inlines
              if not issubclass(inline, ScopedInlineMixin)]
    assert not wrong, wrong


def test_every_action_declares_its_permission():
    undeclared = []
    for m, ma in REGISTRY.items():
        for action in ma.actions or ():
            func = getattr(ma, action) if isinstance(action, str) else action
            perms = getattr(func, "allowed_permissions", None)
            if not perms or any(not hasattr(ma, f"has_{p}_permission") for p in perms):
                undeclared.append(f"{m._meta.label}.{getattr(func, '__name__', action)}")
    assert not undeclared, undeclared


def test_leaders_do_not_get_change_actions_and_nobody_but_superusers_gets_bulk_delete(world):
    for m, ma in REGISTRY.items():
        staff_actions = ma.get_actions(_request(world.staff_a))
        assert "delete_selected" not in staff_actions, m._meta.label
        for name, (func, *_rest) in ma.get_actions(_request(world.leader_a)).items():
            assert set(func.allowed_permissions) <= {"view"}, f"{m._meta.label}.{name} offered to a leader"


# --- per model ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label", LABELS)
def test_staff_of_another_county_get_nothing(label, world, client):
    assert label in world.rows, f"{label} has no builder"
    obj = world.rows[label]
    ma = REGISTRY[MODELS[label]]
    client.force_login(world.staff_b)
    req = _request(world.staff_b)

    in_scope = ma.get_queryset(req).filter(pk=obj.pk).exists()
    if label in GLOBAL:
        assert in_scope, "global tables are read by every office"
    else:
        assert not in_scope, "another county's row in the admin queryset"

    resp = client.get(_url(obj, "changelist"))
    if label in SUPERUSER_ONLY:
        assert resp.status_code == 403
    else:
        assert resp.status_code == 200
        if resp.context and "cl" in resp.context:
            listed = resp.context["cl"].queryset.filter(pk=obj.pk).exists()
            assert listed == (label in GLOBAL)
        else:  # a page of its own (the coverage report): the other county's names do not show
            assert world.committee.name not in resp.content.decode()
            assert obj.name not in resp.content.decode()

    for view in ("change", "history", "delete"):
        url = _url(obj, view, obj.pk)
        if url is None:
            continue
        resp = client.get(url)
        if label in GLOBAL and view in ("change", "history"):
            assert resp.status_code == 200  # read only
        else:
            _assert_refused(resp, f"GET {view}")

    before = _snapshot(obj)
    if (url := _url(obj, "change", obj.pk)) is not None:
        resp = client.post(url, _form_data(obj))
        _assert_refused(resp, "POST change")
    if (url := _url(obj, "delete", obj.pk)) is not None:
        _assert_refused(client.post(url, {"post": "yes"}), "POST delete")
    if (url := _url(obj, "add")) is not None and label in GLOBAL:
        _assert_refused(client.post(url, _form_data(obj)), "POST add")
    assert _snapshot(obj) == before
    _run_actions(client, obj, ma, world.superuser)


@pytest.mark.parametrize("label", LABELS)
def test_a_leader_of_the_county_reads_only(label, world, client):
    obj = world.rows[label]
    ma = REGISTRY[MODELS[label]]
    client.force_login(world.leader_a)
    req = _request(world.leader_a)
    for perm in ("add", "change", "delete"):
        assert not getattr(ma, f"has_{perm}_permission")(req, *([obj] if perm != "add" else [])), perm
    can_view = ma.has_view_permission(req, obj)
    assert can_view == (label not in SUPERUSER_ONLY and label != "members.RosterImport")
    resp = client.get(_url(obj, "changelist"))
    assert resp.status_code == (200 if can_view else 403)
    if can_view and resp.context and "cl" in resp.context:
        assert resp.context["cl"].queryset.filter(pk=obj.pk).exists(), "a leader reads the county's rows"

    before = _snapshot(obj)
    if (url := _url(obj, "change", obj.pk)) is not None:
        _assert_refused(client.post(url, _form_data(obj)), "POST change")
    if (url := _url(obj, "delete", obj.pk)) is not None:
        _assert_refused(client.get(url), "GET delete")
        _assert_refused(client.post(url, {"post": "yes"}), "POST delete")
    assert _snapshot(obj) == before
    _run_actions(client, obj, ma, world.superuser)


@pytest.mark.parametrize("label", LABELS)
def test_staff_of_the_county_see_their_row_and_do_not_write_global_tables(label, world, client):
    obj = world.rows[label]
    ma = REGISTRY[MODELS[label]]
    client.force_login(world.staff_a)
    req = _request(world.staff_a)
    if label in SUPERUSER_ONLY:
        assert client.get(_url(obj, "changelist")).status_code == 403
        return
    assert ma.get_queryset(req).filter(pk=obj.pk).exists(), "the county's own row is missing: the test would be vacuous"
    if (url := _url(obj, "change", obj.pk)) is not None:
        assert client.get(url).status_code == 200
    if label in GLOBAL:
        assert not ma.has_add_permission(req) and not ma.has_change_permission(req, obj)
        assert not ma.has_delete_permission(req, obj)
        before = _snapshot(obj)
        _assert_refused(client.post(_url(obj, "add"), _form_data(obj)), "POST add")
        _assert_refused(client.post(_url(obj, "change", obj.pk), _form_data(obj)), "POST change")
        _assert_refused(client.post(_url(obj, "delete", obj.pk), {"post": "yes"}), "POST delete")
        assert _snapshot(obj) == before


@pytest.mark.parametrize("label", [label for label in LABELS if label not in GLOBAL | SUPERUSER_ONLY])
def test_state_fields_are_read_only_for_staff(label, world):
    from core.admin_base import state_field_names

    ma = REGISTRY[MODELS[label]]
    obj = world.rows[label]
    req = _request(world.staff_a)
    readonly = set(ma.get_readonly_fields(req, obj))
    assert set(state_field_names(MODELS[label])) <= readonly
    for inline in ma.get_inline_instances(req, obj):
        assert set(state_field_names(inline.model)) <= set(inline.get_readonly_fields(req, obj)), inline


@pytest.mark.parametrize("label", [label for label in LABELS if label not in SUPERUSER_ONLY])
def test_form_choices_of_another_county_offer_nothing_of_county_a(label, world):
    """Foreign-key and many-to-many choices, in the form and in every inline, come from the user's
    scope: staff of county B cannot point a row at county A's members, units, proposals or logins."""
    ma = REGISTRY[MODELS[label]]
    req = _request(world.staff_b)
    forms = [ma.get_form(req)]
    forms += [inline.get_formset(req).form for inline in ma.get_inline_instances(req)]
    offered = []
    for form in forms:
        for name, field in form.base_fields.items():
            qs = getattr(field, "queryset", None)
            if qs is None:
                continue
            target = qs.model._meta.label
            row = world.rows.get(target)
            if row is not None and target not in GLOBAL and qs.filter(pk=row.pk).exists():
                offered.append(f"{form.__name__}.{name} offers {target} {row.pk}")
    assert not offered, offered


def test_an_admin_for_a_model_without_office_scope_fails_closed(world):
    """A model whose queryset cannot say which committee owns a row is refused (not shown unscoped),
    unless its admin marks it a global table."""
    from django.core.exceptions import ImproperlyConfigured

    from core.admin_base import GlobalTableAdmin
    from core.models import TaskRun

    TaskRun.objects.create(key="adm-taskrun")
    scoped = ScopedModelAdmin(TaskRun, admin.site)
    assert scoped.get_queryset(_request(world.superuser)).filter(key="adm-taskrun").exists()
    with pytest.raises(ImproperlyConfigured):
        scoped.get_queryset(_request(world.staff_b))
    assert not scoped.get_queryset(_request(world.member_user)).exists()  # not office: nothing, no error
    shared = GlobalTableAdmin(TaskRun, admin.site)
    assert shared.get_queryset(_request(world.staff_b)).filter(key="adm-taskrun").exists()
    assert not shared.has_change_permission(_request(world.staff_b))
