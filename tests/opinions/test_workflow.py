"""The opinion-report workflow: the happy path, the timeline, points, and every refused move."""

import pytest

from core.errors import DomainError, Forbidden
from core.timeline import timeline_for
from members.models import PointEntry
from opinions import services
from opinions.models import CarryBack, Forwarding, OpinionReport, Outcome
from opinions.workflow import TRANSITIONS
from tests.factories import CommitteeFactory
from tests.factories.opinions import report_at

pytestmark = pytest.mark.django_db
S = OpinionReport.Status


def test_report_walks_from_receipt_to_closure_with_every_step_on_the_timeline(w):
    report = report_at(w, "closed")
    assert report.status == S.CLOSED and report.outcome == Outcome.RESOLVED
    codes = [e.code for e in timeline_for(report)]
    assert codes == ["opinions.report.received", "opinions.report.registered", "opinions.report.forwarded_unit",
                     "opinions.report.fed_back", "opinions.report.carried_back", "opinions.report.closed"]
    entries = list(timeline_for(report))
    assert entries[1].actor == w.staff and entries[3].actor == w.unit_user and entries[4].actor == w.member_user
    assert [(e.from_state, e.to_state) for e in entries[1:]] == [
        ("received", "registered"), ("registered", "forwarded_unit"), ("forwarded_unit", "fed_back"),
        ("fed_back", "carried_back"), ("carried_back", "closed")]
    assert report.number.startswith("社情〔") and report.registered_at and report.closed_at
    assert report.due_at is None
    cb = CarryBack.objects.get(report=report)
    assert (cb.people_reached, cb.satisfaction, cb.member_rating) == (5, "satisfied", "satisfied")


def test_points_are_credited_once_per_act(w):
    report = report_at(w, "carried_back")
    services.opinion_report_instruct(report=report, by=w.leader, text="请住建局举一反三。")
    codes = sorted(PointEntry.objects.filter(member=w.member).values_list("rule__code", flat=True))
    assert codes == ["opinion.adopted", "opinion.carried_back", "opinion.instructed", "opinion.submitted"]
    # Forwarding again (re-handling) does not credit adoption twice.
    assert PointEntry.objects.filter(member=w.member, rule__code="opinion.adopted").count() == 1


def test_registration_numbers_run_without_gaps(w):
    numbers = [report_at(w, "registered", title=f"问题{i}").registration_seq for i in range(3)]
    assert numbers == [1, 2, 3]


def test_bulletin_issues_are_numbered_per_committee_and_year(w):
    a, b, c = (report_at(w, "registered", title=f"问题{i}") for i in range(3))
    first = services.bulletin_compose(committee=w.committee, title="第一期", reports=[a, b], by=w.staff)
    second = services.bulletin_compose(committee=w.committee, title="第二期", reports=[c], by=w.staff)
    assert (first.number, second.number) == (1, 2)
    a.refresh_from_db()
    assert a.status == S.IN_BULLETIN and a.bulletin == first and a.adopted_at


def test_bulletin_with_an_unregistered_report_is_refused_and_takes_no_number(w):
    fresh = report_at(w, "received")
    with pytest.raises(DomainError, match="不允许从“已接收”变更为“已编入专报”"):
        services.bulletin_compose(committee=w.committee, title="x", reports=[fresh], by=w.staff)
    ok = report_at(w, "registered", title="另一条")
    assert services.bulletin_compose(committee=w.committee, title="y", reports=[ok], by=w.staff).number == 1


def test_forward_up_needs_a_parent_committee(w):
    report = report_at(w, "registered")
    with pytest.raises(DomainError, match="没有上级政协"):
        services.opinion_report_forward(report=report, by=w.staff, upward=True)
    parent = CommitteeFactory()
    w.committee.parent = parent
    w.committee.save()
    fw = services.opinion_report_forward(report=report, by=w.staff, upward=True)
    assert fw.to_committee == parent and report.status == S.FORWARDED_UP
    services.opinion_report_feedback(report=report, by=w.staff, content="市政协已采用并报送", outcome="in_progress")
    assert report.status == S.FED_BACK


def test_unit_returns_a_report_that_is_not_its_remit_and_the_office_routes_it_again(w):
    report = report_at(w, "forwarded_unit")
    with pytest.raises(DomainError, match="退回须说明理由"):
        services.opinion_report_return(report=report, by=w.unit_user, note="")
    services.opinion_report_return(report=report, by=w.unit_user, note="不属于本单位职责")
    assert report.status == S.REGISTERED and report.unit is None and report.due_at is None
    services.opinion_report_forward(report=report, by=w.staff, unit=w.other_unit)
    assert report.unit == w.other_unit
    assert Forwarding.objects.filter(report=report, is_active=True).count() == 1


def test_rehandling_after_feedback_needs_a_reason(w):
    report = report_at(w, "fed_back")
    with pytest.raises(DomainError, match="重新办理须说明理由"):
        services.opinion_report_forward(report=report, by=w.staff, unit=w.unit)
    services.opinion_report_forward(report=report, by=w.staff, unit=w.unit, note="群众不满意，请重新办理")
    assert report.status == S.FORWARDED_UNIT


def test_merge_keeps_the_reporting_members_on_the_surviving_report(w):
    keep = report_at(w, "registered")
    dup = services.opinion_report_submit(committee=w.committee, title="同一路灯", content="同上", members=[w.other_member],
                                         by=w.other_member_user)
    services.opinion_report_merge(report=dup, into=keep, by=w.staff)
    assert dup.status == S.MERGED and dup.merged_into == keep
    assert set(keep.members.values_list("pk", flat=True)) == {w.member.pk, w.other_member.pk}


def test_words_carried_down_are_recorded_without_routing(w):
    down = services.opinion_report_submit(committee=w.committee, title="宣讲医保新政策",
                                          content="在社区宣讲城乡居民医保缴费政策", members=[w.member],
                                          by=w.member_user, direction="down")
    services.opinion_report_register(report=down, by=w.staff)
    with pytest.raises(DomainError, match="无需转办"):
        services.opinion_report_forward(report=down, by=w.staff, unit=w.unit)
    services.opinion_report_carry_back(report=down, by=w.member_user, member=w.member, method="meeting",
                                       satisfaction="satisfied", people_reached=40)
    assert down.status == S.CARRIED_BACK
    up = report_at(w, "registered", title="向上反映")
    with pytest.raises(DomainError, match="须先转办并收到反馈"):
        services.opinion_report_carry_back(report=up, by=w.member_user, member=w.member, method="phone",
                                           satisfaction="satisfied")


def test_leader_instruction_is_tracked_until_acted_on(w):
    report = report_at(w, "registered")
    with pytest.raises(DomainError, match="只有领导可以作出批示"):
        services.opinion_report_instruct(report=report, by=w.staff, text="x")
    ins = services.opinion_report_instruct(report=report, by=w.leader, text="请县住建局牵头解决。")
    with pytest.raises(DomainError, match="只有政协机关工作人员"):
        services.leader_instruction_act(instruction=ins, by=w.leader, note="done")
    services.leader_instruction_act(instruction=ins, by=w.staff, note="已转住建局办理")
    assert ins.status == "acted"
    with pytest.raises(DomainError, match="已登记落实"):
        services.leader_instruction_act(instruction=ins, by=w.staff, note="again")
    assert "opinions.report.instructed" in [e.code for e in timeline_for(report)]


@pytest.mark.parametrize("actor,action,message", [
    ("member_user", "register", "只有政协机关工作人员可以分类登记。"),
    ("leader", "register", "只有政协机关工作人员可以分类登记。"),
    ("unit_user", "close", "只有政协机关工作人员可以办结。"),
])
def test_role_guards_refuse_with_a_chinese_message(w, actor, action, message):
    report = report_at(w, "received" if action == "register" else "carried_back")
    call = {
        "register": lambda u: services.opinion_report_register(report=report, by=u, category="urban"),
        "close": lambda u: services.opinion_report_close(report=report, by=u, outcome="resolved"),
    }[action]
    with pytest.raises(DomainError) as exc:
        call(getattr(w, actor))
    assert exc.value.message == message
    report.refresh_from_db()
    assert report.status == ("received" if action == "register" else "carried_back")


def test_other_unit_cannot_answer_and_member_cannot_carry_back_someone_elses_report(w):
    report = report_at(w, "forwarded_unit")
    with pytest.raises(Forbidden, match="只有承办该信息的单位可以答复"):
        services.opinion_report_feedback(report=report, by=w.other_unit_user, content="x", outcome="resolved")
    services.opinion_report_feedback(report=report, by=w.unit_user, content="已办", outcome="resolved")
    with pytest.raises(Forbidden, match="只有反映该信息的委员"):
        services.opinion_report_carry_back(report=report, by=w.other_member_user, member=w.other_member,
                                           method="phone", satisfaction="satisfied")


def test_the_transition_table_is_closed_for_final_states():
    for final in (S.CLOSED, S.REJECTED, S.MERGED):
        assert TRANSITIONS[final] == {}
    every = {s for s in S.values}
    assert set(TRANSITIONS) == every


def test_office_records_a_leaders_written_instruction_on_their_behalf(w, client):
    report = report_at(w, "registered")
    client.force_login(w.staff)
    r = client.post(f"/opinions/{report.pk}/instruct/", {"leader": w.leader.pk, "text": "请抓紧办理。",
                                                         "instructed_on": "2026-01-05", "leader_title": "主席"},
                    follow=True)
    assert "已登记领导批示。" in r.content.decode()
    ins = report.instructions.get()
    assert ins.leader == w.leader and ins.created_by == w.staff
    with pytest.raises(DomainError, match="不是本政协组织的领导"):
        services.opinion_report_instruct(report=report, by=w.staff, text="x", leader=w.member_user)
    with pytest.raises(DomainError, match="只有政协机关工作人员可以代为登记"):
        services.opinion_report_instruct(report=report, by=w.member_user, text="x", leader=w.leader)


def test_admin_action_registers_through_the_service_and_reports_refusals(w, client):
    from django.contrib.messages import get_messages

    from members.services import roles_ensure

    roles_ensure()  # staff hold the portal's model permissions, as in production
    fresh = report_at(w, "received", title="待登记")
    done = report_at(w, "closed", title="已办结")
    client.force_login(w.staff)
    r = client.post("/admin/opinions/opinionreport/", {"action": "register_selected",
                                                       "_selected_action": [fresh.pk, done.pk]})
    msgs = [str(m) for m in get_messages(r.wsgi_request)]
    assert "已登记1条。" in msgs and any("不允许从“已办结”变更为“已分类登记”" in m for m in msgs)
    fresh.refresh_from_db()
    assert fresh.status == S.REGISTERED
    assert [e.actor for e in timeline_for(fresh)][-1] == w.staff


def test_admin_lists_only_the_users_committee(w, client):
    from members.services import roles_ensure
    from tests.factories.opinions import make_world

    roles_ensure()
    mine = report_at(w, "received", title="本县的信息")
    other = make_world("o")
    theirs = report_at(other, "received", title="外县的信息")
    client.force_login(w.staff)
    page = client.get("/admin/opinions/opinionreport/").content.decode()
    assert "本县的信息" in page and "外县的信息" not in page
    assert client.get(f"/admin/opinions/opinionreport/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/opinions/opinionreport/{mine.pk}/change/").status_code == 200
