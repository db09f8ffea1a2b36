"""菜单式履职 quotas (computed by the database) and performance points for consultations."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import selectors, services
from consultations.models import Consultation
from core.errors import DomainError
from members.models import Member, PointEntry
from tests.factories import MemberFactory
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    return make_env()


def _menu(env, topics=3):
    menu = services.menu_create(committee=env.committee, year=2026, by=env.staff)
    ts = [services.topic_create(committee=env.committee, title=f"菜单议题{i}", menu=menu, by=env.staff)
          for i in range(topics)]
    services.menu_publish(menu=menu, by=env.staff)
    return menu, ts


def test_menu_quota_two_for_standing_and_party_members_one_for_others(env):
    menu, (t1, t2, t3) = _menu(env)
    Member.objects.filter(committee=env.committee).update(party=Member.Party.NONE, is_standing=False)
    standing = MemberFactory(committee=env.committee, name="常委甲", is_standing=True)
    cpc = MemberFactory(committee=env.committee, name="党员乙", party=Member.Party.CPC)
    democratic = MemberFactory(committee=env.committee, name="民盟丙", party=Member.Party.DEMOCRATIC)
    plain = MemberFactory(committee=env.committee, name="无党派丁")
    for m, topics in ((standing, [t1, t2]), (cpc, [t1]), (democratic, []), (plain, [t3])):
        for t in topics:
            services.menu_claim(topic=t, member=m)
    under = {m.name: (m.claimed, m.quota) for m in selectors.menu_members_under_quota(menu=menu)}
    assert under["党员乙"] == (1, 2) and under["民盟丙"] == (0, 2)
    assert "常委甲" not in under and "无党派丁" not in under
    assert under["王主持"] == (0, 1) and under["李委员"] == (0, 1)


def test_claim_credits_points_once_and_cannot_repeat(env):
    _, (t1, *_rest) = _menu(env)
    services.menu_claim(topic=t1, member=env.member)
    with pytest.raises(DomainError, match="您已认领该议题"):
        services.menu_claim(topic=t1, member=env.member)
    assert PointEntry.objects.filter(member=env.member, rule__code="menu.claimed").count() == 1


def test_unpublished_menu_cannot_be_claimed(env):
    menu = services.menu_create(committee=env.committee, year=2025, by=env.staff)
    t = services.topic_create(committee=env.committee, title="x", menu=menu, by=env.staff)
    with pytest.raises(DomainError, match="不在已发布的履职菜单中"):
        services.menu_claim(topic=t, member=env.member)


def test_menu_page_member_claims_and_staff_sees_who_is_under_quota(client, env):
    _, (t1, *_rest) = _menu(env)
    client.force_login(env.member_user)
    client.post(reverse("consultations:menu-claim", args=[t1.pk]))
    html = client.get(reverse("consultations:menu")).content.decode()
    assert "我已认领 <strong>1</strong> 项" in html
    client.force_login(env.staff)
    html = client.get(reverse("consultations:menu")).content.decode()
    assert "未完成认领的委员" in html and "王主持" in html


def test_points_for_chairing_participating_and_follow_up(env):
    c = advance(env, make_consultation(env), S.FOLLOW_UP)
    services.follow_up_record(consultation=c, held_on=timezone.localdate(), findings="路灯已修好", satisfied=30,
                              basically_satisfied=4, unsatisfied=1, members=[env.member], by=env.staff)
    codes = lambda m: sorted(PointEntry.objects.filter(member=m).values_list("rule__code", flat=True))  # noqa: E731
    assert codes(env.chair) == ["consultation.chair"]
    assert codes(env.member) == ["consultation.follow_up", "consultation.participate"]
    services.consultation_close(consultation=c, by=env.staff)
    assert codes(env.chair) == ["consultation.chair"]
