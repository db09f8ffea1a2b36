"""The handling unit's workbench (/unit/): every open item of the unit across opinions, proposals and
consultations, one table sorted by due date; units only; constant queries; the unit's home page."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Outcome
from opinions.models import OpinionReport
from proposals.models import Countersign, Proposal, UnitAssignment
from tests.factories import TownshipFactory
from tests.factories import consultations as cf
from tests.factories import opinions as of
from tests.factories import proposals as pf

pytestmark = pytest.mark.django_db

URL = "/unit/"


def _swap(pw) -> SimpleNamespace:
    """The same proposal world with the lead and co units exchanged."""
    return SimpleNamespace(**{**vars(pw), "lead_unit": pw.co_unit, "co_unit": pw.lead_unit,
                              "lead_user": pw.co_user, "co_user": pw.lead_user})


@pytest.fixture
def world():
    """One committee whose unit A (``a_user``) and unit B (``b_user``) both get work from all three apps."""
    pw = pf.proposal_world("ub")
    ow = of.World(committee=pw.committee, staff=pw.staff, leader=pw.leader, member=pw.proposer,
                  member_user=pw.member_user, other_member=pw.cosigner, other_member_user=pw.cosigner_user,
                  unit=pw.lead_unit, unit_user=pw.lead_user, other_unit=pw.co_unit, other_unit_user=pw.co_user)
    env = cf.Env(pw.committee, pw.staff, pw.leader, pw.proposer, pw.member_user, pw.cosigner, pw.cosigner_user,
                 pw.lead_unit, pw.lead_user, pw.co_unit, pw.co_user, TownshipFactory(committee=pw.committee))
    ow_b = of.World(**{**vars(ow), "unit": pw.co_unit, "unit_user": pw.co_user,
                       "other_unit": pw.lead_unit, "other_unit_user": pw.lead_user})
    return SimpleNamespace(pw=pw, ow=ow, ow_b=ow_b, env=env, a=pw.lead_unit, b=pw.co_unit,
                           a_user=pw.lead_user, b_user=pw.co_user)


def _add_items(w, n: int, tag: str = "") -> None:
    """``n`` open items of each kind for unit A (opinion, proposal answer, countersign, outcome)."""
    for i in range(n):
        of.report_at(w.ow, "forwarded_unit", title=f"A社情{tag}{i}")
        pf.assigned(w.pw, title=f"A答复提案{tag}{i}")  # A leads: answer owed
        pf.answered(_swap(w.pw), title=f"A会签提案{tag}{i}")  # B led and answered: A countersigns
    c = cf.make_consultation(w.env, title=f"A协商{tag}")
    cf.advance(w.env, c, Consultation.Step.CONVERTING, units=[w.a] * n)


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-kind="([a-z_]+)" data-pk="(\d+)">', html)


def test_unit_sees_its_own_items_of_every_kind_sorted_by_due_date(world, client):
    w, now = world, timezone.now()
    report = of.report_at(w.ow, "forwarded_unit", title="A路灯不亮")
    answer_p = pf.assigned(w.pw, title="A关于公交线路的提案")
    countersign_p = pf.answered(_swap(w.pw), title="A关于县城停车的提案")
    c = cf.make_consultation(w.env, title="A背街小巷协商")
    cf.advance(w.env, c, Consultation.Step.CONVERTING, units=[w.a, w.b])
    outcome = Outcome.objects.get(consultation=c, handling_unit=w.a)
    # Unit B's own work, which A must never see.
    theirs = of.report_at(w.ow_b, "forwarded_unit", title="B井盖缺失")
    their_p = pf.assigned(_swap(w.pw), co=False, title="B关于渣土车的提案")
    # Work A has finished is not on the list.
    done = of.report_at(w.ow, "fed_back", title="A已反馈的事")

    OpinionReport.objects.filter(pk=report.pk).update(due_at=now + dt.timedelta(days=20))
    UnitAssignment.objects.filter(proposal=answer_p, unit=w.a).update(due_at=now - dt.timedelta(days=2))
    cs = Countersign.objects.get(answer__proposal=countersign_p, assignment__unit=w.a)
    Countersign.objects.filter(pk=cs.pk).update(due_at=now + dt.timedelta(days=3))
    Outcome.objects.filter(pk=outcome.pk).update(due_at=now + dt.timedelta(days=40))

    client.force_login(w.a_user)
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    a_assignment = UnitAssignment.objects.get(proposal=answer_p, unit=w.a)
    assert _rows(html) == [("proposal_answer", str(a_assignment.pk)), ("proposal_countersign", str(cs.pk)),
                           ("opinion", str(report.pk)), ("outcome", str(outcome.pk))]
    # Status badges: overdue in red, due within 7 days, later.
    assert re.search(r'data-kind="proposal_answer".*?<span class="status overdue">已逾期', html, re.S)
    assert re.search(r'data-kind="proposal_countersign".*?<span class="status soon">7日内到期', html, re.S)
    assert re.search(r'data-kind="opinion".*?<span class="status later">未到期', html, re.S)
    # Each row links to the existing answer page of its item.
    for url in (reverse("opinions:unit-detail", args=[report.pk]), reverse("proposals:answer", args=[answer_p.pk]),
                reverse("proposals:detail", args=[countersign_p.pk]), reverse("consultations:unit-outcomes")):
        assert f'href="{url}' in html
    assert client.get(reverse("opinions:unit-detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("proposals:answer", args=[answer_p.pk])).status_code == 200
    # Counts per kind at the top.
    counts = re.findall(r'data-kind="([a-z_]+)"><div class="muted">[^<]+</div><strong>(\d+)</strong>', html)
    assert dict(counts) == {"opinion": "1", "proposal_answer": "1", "proposal_countersign": "1", "outcome": "1"}
    # Never another unit's items, nor finished ones.
    for title in ("B井盖缺失", "B关于渣土车的提案", "A已反馈的事", "由县财政局ub负责"):
        assert title not in html
    assert theirs.pk and their_p.pk and done.pk


def test_other_unit_sees_only_its_own_items(world, client):
    w = world
    of.report_at(w.ow, "forwarded_unit", title="A路灯不亮")
    pf.assigned(w.pw, title="A关于公交线路的提案")
    theirs = of.report_at(w.ow_b, "forwarded_unit", title="B井盖缺失")
    client.force_login(w.b_user)
    html = client.get(URL).content.decode()
    # B is the co-unit of A's proposal, but nothing is owed before A answers.
    assert _rows(html) == [("opinion", str(theirs.pk))]
    assert "A路灯不亮" not in html and "A关于公交线路的提案" not in html


def test_answered_countersign_leaves_the_list(world, client):
    w = world
    p = pf.answered(_swap(w.pw), title="A关于县城停车的提案")
    client.force_login(w.a_user)
    assert [k for k, _ in _rows(client.get(URL).content.decode())] == ["proposal_countersign"]
    from proposals import services

    services.countersign_confirm(countersign=Countersign.objects.get(answer__proposal=p), by=w.a_user)
    assert Proposal.objects.get(pk=p.pk).status != Proposal.Status.ANSWERED
    assert "本单位暂无待办事项" in client.get(URL).content.decode()


def test_non_unit_users_get_403_and_anonymous_users_log_in(world, client):
    w = world
    for user in (w.pw.staff, w.pw.leader, w.pw.member_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403  # a page of another role: refused, not "not found"
    client.logout()
    r = client.get(URL)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_query_count_is_the_same_for_2_and_10_items_per_kind(world, client, django_assert_num_queries):
    w = world
    client.force_login(w.a_user)
    _add_items(w, 2, "x")
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as small:
        html = client.get(URL).content.decode()
    assert len(_rows(html)) == 8
    # One query per kind (plus the unit's name): the domain reads do not grow with the data.
    domain = [q["sql"] for q in small.captured_queries
              if re.search(r'FROM "(opinions|proposals|consultations)_', q["sql"])]
    assert 3 <= len(domain) <= 6, domain

    _add_items(w, 8, "y")
    ContentType.objects.clear_cache()
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(URL).content.decode()
    assert len(_rows(html)) == 40
    dues = [d for d in re.findall(r"<td>(\d{4}-\d{2}-\d{2})</td>", html)]
    assert dues == sorted(dues) and len(dues) == 40


def test_home_sends_a_unit_to_its_workbench(world, client):
    client.force_login(world.a_user)
    r = client.get("/")
    assert r.status_code == 302 and r["Location"] == reverse("dashboards:unit-home") == URL
    assert 'href="/unit/"' in client.get(URL).content.decode()  # the nav link for units
