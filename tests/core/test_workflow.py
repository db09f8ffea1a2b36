"""core.workflow.Workflow: the one writer of status fields. Exercised on a real model (the roster
import) with a table of its own, so these tests pin the engine, not any app's rules."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.models import StateChange
from core.timeline import timeline_for
from core.workflow import Workflow, always
from members.models import RosterImport
from tests.factories import CommitteeFactory, make_user

pytestmark = pytest.mark.django_db
S = RosterImport.Status


def _needs_rows(obj, **kwargs):
    return None if obj.total else "没有数据行，不能校验通过。"


def make_flow(**extra) -> Workflow:
    return Workflow(
        model=RosterImport,
        transitions={
            S.VALIDATING: {S.READY: _needs_rows, S.INVALID: always},
            S.READY: {S.IMPORTED: always},
            S.INVALID: {},
            S.IMPORTED: {},
        },
        code_prefix="test.roster",
        **extra,
    )


@pytest.fixture
def setup():
    committee = CommitteeFactory()
    user = make_user("wf-staff", "staff", committee=committee)
    item = RosterImport.objects.create(committee=committee, file_name="花名册.xlsx", total=3)
    return make_flow(), item, user


def test_a_move_sets_the_status_records_the_timeline_and_updates_the_callers_instance(setup):
    flow, item, user = setup
    returned = flow.transition(item, S.READY, by=user, note="校验通过")
    assert item.status == S.READY  # the caller's instance is in step with the row
    assert returned.status == S.READY
    assert RosterImport.objects.get(pk=item.pk).status == S.READY
    [change] = timeline_for(item)
    assert (change.code, change.from_state, change.to_state, change.actor, change.note) == (
        "test.roster.ready", S.VALIDATING, S.READY, user, "校验通过")
    assert RosterImport.objects.get(pk=item.pk).updated_by == user  # stamped by the engine


def test_a_move_not_in_the_table_is_refused_and_writes_nothing(setup):
    flow, item, user = setup
    with pytest.raises(DomainError) as exc:
        flow.transition(item, S.IMPORTED, by=user)
    assert exc.value.code == "invalid_transition"
    assert exc.value.message == "不允许从“校验中”变更为“已导入”。"
    assert RosterImport.objects.get(pk=item.pk).status == S.VALIDATING
    assert not StateChange.objects.exists()


def test_a_guard_refusal_carries_its_message_and_writes_nothing(setup):
    flow, item, user = setup
    RosterImport.objects.filter(pk=item.pk).update(total=0)
    with pytest.raises(DomainError) as exc:
        flow.transition(item, S.READY, by=user)
    assert (exc.value.code, exc.value.message) == ("guard_failed", "没有数据行，不能校验通过。")
    assert RosterImport.objects.get(pk=item.pk).status == S.VALIDATING
    assert not StateChange.objects.exists()


def test_the_engine_decides_from_the_row_not_from_a_stale_instance(setup):
    flow, item, user = setup
    stale = RosterImport.objects.get(pk=item.pk)
    flow.transition(item, S.INVALID, by=user)
    # ``stale`` still says "validating", where READY would be allowed; the row says "invalid".
    with pytest.raises(DomainError) as exc:
        flow.transition(stale, S.READY, by=user)
    assert exc.value.code == "invalid_transition"
    assert RosterImport.objects.get(pk=item.pk).status == S.INVALID
    assert StateChange.objects.count() == 1


def test_an_on_enter_hook_runs_in_the_same_transaction(setup):
    _, item, user = setup
    seen = []

    def hook(obj, from_state, to_state, by, kwargs):
        seen.append((from_state, to_state, by, kwargs))
        obj.imported_count = kwargs["count"]

    flow = make_flow(on_enter={S.READY: hook})
    flow.transition(item, S.READY, by=user, count=3)
    assert seen == [(S.VALIDATING, S.READY, user, {"count": 3})]
    assert RosterImport.objects.get(pk=item.pk).imported_count == 3


def test_a_failing_hook_rolls_the_whole_move_back(setup):
    _, item, user = setup

    def hook(obj, *args):
        raise DomainError("导入失败。")

    flow = make_flow(on_enter={S.READY: hook})
    with pytest.raises(DomainError):
        flow.transition(item, S.READY, by=user)
    assert RosterImport.objects.get(pk=item.pk).status == S.VALIDATING
    assert not StateChange.objects.exists()


def test_allowed_can_and_label(setup):
    flow, item, user = setup
    assert flow.allowed(item) == [S.READY, S.INVALID]
    assert flow.can(item, S.READY) is True
    assert flow.can(item, S.IMPORTED) is False
    item.total = 0
    assert flow.can(item, S.READY) is False  # the guard says no
    assert flow.label(S.READY) == "校验通过，待导入"
    assert flow.label("unknown") == "unknown"


def test_an_anonymous_actor_is_recorded_as_nobody(setup):
    from django.contrib.auth.models import AnonymousUser

    flow, item, _ = setup
    flow.transition(item, S.INVALID, by=AnonymousUser())
    assert timeline_for(item).get().actor is None
