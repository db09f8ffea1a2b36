"""The five-step loop: the literal table, its guards and their Chinese refusals, the timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, FollowUpVisit, Outcome
from consultations.workflow import STEP_ACTIONS, TRANSITIONS, action_refusal, consultation_workflow
from core.errors import DomainError
from core.models import StateChange
from tests.factories.consultations import advance, make_consultation, make_env, report_all

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env()


def test_transition_table_is_the_five_step_loop():
    assert TRANSITIONS[S.TOPIC_SELECTED].keys() == {S.RESEARCHING, S.HELD}
    assert TRANSITIONS[S.RESEARCHING].keys() == {S.HELD}
    assert TRANSITIONS[S.HELD].keys() == {S.OUTCOMES}
    assert TRANSITIONS[S.OUTCOMES].keys() == {S.CONVERTING}
    assert TRANSITIONS[S.CONVERTING].keys() == {S.FOLLOW_UP}
    assert TRANSITIONS[S.FOLLOW_UP].keys() == {S.CLOSED, S.RECONSULTED}
    assert TRANSITIONS[S.CLOSED] == {} and TRANSITIONS[S.RECONSULTED] == {}
    assert set(STEP_ACTIONS) == set(S.values)


def test_courtyard_consultation_cannot_skip_research(env):
    c = make_consultation(env)
    with pytest.raises(DomainError, match="只有微协商可以跳过组织调研环节"):
        services.consultation_hold_session(consultation=c, by=env.staff)
    c.refresh_from_db()
    assert c.step == S.TOPIC_SELECTED


def test_micro_consultation_may_skip_research(env):
    c = make_consultation(env, format=Consultation.Format.MICRO)
    services.consultation_hold_session(consultation=c, by=env.staff)
    c.refresh_from_db()
    assert c.step == S.HELD and c.held_on == timezone.localdate()


def test_session_needs_a_chair(env):
    c = make_consultation(env, format=Consultation.Format.MICRO, chair=False)
    with pytest.raises(DomainError, match="请先确定主持委员"):
        services.consultation_hold_session(consultation=c, by=env.staff)


def test_research_needs_a_lead(env):
    c = make_consultation(env, chair=False)
    with pytest.raises(DomainError, match="调研牵头委员"):
        services.consultation_start_research(consultation=c, by=env.staff)


def test_session_cannot_be_held_before_research_findings(env):
    c = make_consultation(env)
    services.consultation_start_research(consultation=c, by=env.staff)
    services.research_task_add(consultation=c, title="入户调查", by=env.staff)
    with pytest.raises(DomainError, match="调研尚未形成调研发现"):
        services.consultation_hold_session(consultation=c, by=env.staff)


def test_session_cannot_close_without_minutes(env):
    c = advance(env, make_consultation(env), S.HELD)
    services.outcome_add(consultation=c, text="修路灯", handling_unit=env.unit, by=env.staff)
    with pytest.raises(DomainError, match="尚未形成会议纪要"):
        services.consultation_finish_session(consultation=c, by=env.staff)
    assert Consultation.objects.get(pk=c.pk).step == S.HELD


def test_outcomes_cannot_be_sent_without_an_item_assigned_to_a_unit(env):
    c = advance(env, make_consultation(env), S.HELD)
    services.minutes_record(consultation=c, body="纪要", by=env.staff)
    services.outcome_add(consultation=c, text="尚未确定承办单位的事项", by=env.staff)
    services.consultation_finish_session(consultation=c, by=env.staff)
    with pytest.raises(DomainError, match="至少要有一项成果事项指定了承办单位"):
        services.consultation_send_outcomes(consultation=c, by=env.staff)


def test_follow_up_cannot_be_recorded_before_it_is_scheduled(env):
    c = advance(env, make_consultation(env), S.CONVERTING)
    with pytest.raises(DomainError, match="回头看尚未安排，不能登记走访情况"):
        services.follow_up_record(consultation=c, held_on=timezone.localdate(), findings="x", satisfied=1,
                                  basically_satisfied=0, unsatisfied=0, by=env.staff)


def test_cannot_close_before_the_follow_up_visit_is_held(env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    with pytest.raises(DomainError, match="回头看尚未开展，不能办结"):
        services.consultation_close(consultation=c, by=env.staff)


def test_reconsult_only_when_someone_is_unsatisfied(env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    services.follow_up_record(consultation=c, held_on=timezone.localdate(), findings="都满意", satisfied=5,
                              basically_satisfied=0, unsatisfied=0, by=env.staff)
    with pytest.raises(DomainError, match="无需再协商"):
        services.consultation_reconsult(consultation=c, by=env.staff)


def test_unsatisfied_follow_up_opens_a_new_linked_round(env):
    c = advance(env, make_consultation(env, title="老旧小区改造院坝协商"), S.FOLLOW_UP)
    services.follow_up_record(consultation=c, held_on=timezone.localdate(), findings="仍有积水", satisfied=2,
                              basically_satisfied=1, unsatisfied=9, by=env.staff)
    child = services.consultation_reconsult(consultation=c, by=env.staff)
    c.refresh_from_db()
    assert c.step == S.RECONSULTED
    assert child.parent_id == c.pk and child.round == 2 and child.step == S.TOPIC_SELECTED
    assert child.topic_id == c.topic_id and child.title == "老旧小区改造院坝协商（第2轮）"


@pytest.mark.parametrize("step,action,label", [
    (S.TOPIC_SELECTED, "minutes", "形成会议纪要"),
    (S.TOPIC_SELECTED, "send_outcomes", "交办成果"),
    (S.RESEARCHING, "finish_session", "结束活动，形成成果"),
    (S.HELD, "start_research", "开始组织调研"),
    (S.OUTCOMES, "hold_session", "开展协商活动"),
    (S.CONVERTING, "close", "办结"),
    (S.FOLLOW_UP, "send_outcomes", "交办成果"),
])
def test_each_step_refuses_actions_it_does_not_allow(env, step, action, label):
    c = advance(env, make_consultation(env), step)
    message = action_refusal(c, action)
    assert message == f"协商活动处于“{c.get_step_display()}”环节，不能{label}。"
    service = {
        "minutes": lambda: services.minutes_record(consultation=c, body="x", by=env.staff),
        "send_outcomes": lambda: services.consultation_send_outcomes(consultation=c, by=env.staff),
        "finish_session": lambda: services.consultation_finish_session(consultation=c, by=env.staff),
        "start_research": lambda: services.consultation_start_research(consultation=c, by=env.staff),
        "hold_session": lambda: services.consultation_hold_session(consultation=c, by=env.staff),
        "close": lambda: services.consultation_close(consultation=c, by=env.staff),
    }[action]
    with pytest.raises(DomainError) as exc:
        service()
    assert exc.value.message == message
    assert Consultation.objects.get(pk=c.pk).step == step


def test_workflow_itself_refuses_moves_outside_the_table(env):
    c = make_consultation(env)
    with pytest.raises(DomainError, match="不允许从“遴选议题”变更为“推动转化”"):
        consultation_workflow.transition(c, S.CONVERTING, by=env.staff)


def test_every_step_change_is_on_the_timeline(env):
    c = advance(env, make_consultation(env), S.CLOSED)
    steps = list(StateChange.objects.filter(object_id=c.pk, code__startswith="consultations.consultation.")
                 .exclude(to_state="").values_list("to_state", flat=True))
    assert steps == [S.TOPIC_SELECTED, S.RESEARCHING, S.HELD, S.OUTCOMES, S.CONVERTING, S.FOLLOW_UP, S.CLOSED]


def test_deadlines_are_set_on_entering_waiting_steps(env):
    c = make_consultation(env, research_due_on=timezone.localdate() + dt.timedelta(days=20))
    assert c.due_at == c.research_due_at and "遴选议题时确定" in c.due_explanation
    c = advance(env, c, S.HELD)
    assert timezone.localtime(c.due_at).date() == c.held_on + dt.timedelta(days=7)
    c = advance(env, c, S.CONVERTING)
    o = c.outcomes.get()
    assert o.status == Outcome.Status.ASSIGNED
    assert timezone.localtime(o.due_at).date() == timezone.localdate() + dt.timedelta(days=60)
    assert timezone.localtime(c.follow_up_due_at).date() == timezone.localdate() + dt.timedelta(days=90)


def test_unit_report_needs_text_and_final_reports_schedule_follow_up_once(env, django_capture_on_commit_callbacks):
    c = advance(env, make_consultation(env), S.CONVERTING, units=[env.unit, env.other_unit])
    o = c.outcomes.get(handling_unit=env.unit)
    with pytest.raises(DomainError, match="请填写办理情况"):
        services.outcome_report(outcome=o, result="done", report=" ", by=env.unit_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_report(outcome=o, result="done", report="已完成", by=env.unit_user)
    c.refresh_from_db()
    assert c.step == S.CONVERTING and not c.follow_ups.exists()  # one item still open
    with django_capture_on_commit_callbacks(execute=True):
        report_all(env, c)
    c.refresh_from_db()
    assert c.step == S.FOLLOW_UP
    visit = c.follow_ups.get()
    assert visit.trigger == FollowUpVisit.Trigger.ALL_DONE
    # Asking again (a redelivered task or the sweep) schedules nothing more.
    assert services.follow_up_schedule(consultation=c, trigger=FollowUpVisit.Trigger.ALL_DONE) is None
    assert c.follow_ups.count() == 1
