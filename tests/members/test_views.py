import datetime as dt

from django.urls import reverse

from core.scoping import Role
from members import services
from members.models import PointEntry
from tests.factories import make_user


def test_my_points_shows_this_years_total_and_entries(client, county_a):
    me, other = county_a.member(), county_a.member()
    user = make_user("me", Role.MEMBER, member=me)
    c = county_a.communities["东城街道"][0]
    services.points_credit(member_ids=[me.pk, other.pk], rule_code="consultation.participate", source=c)
    services.points_credit(member_ids=[me.pk], rule_code="opinion.submitted", source=county_a.townships[0])
    services.points_credit(member_ids=[me.pk], rule_code="opinion.adopted", source=c, on=dt.date(2020, 5, 1))
    client.force_login(user)
    page = client.get(reverse("members:my-points")).content.decode()
    import re
    assert re.search(r"data-testid=\"points-total\"[^>]*>(\d+)<", page).group(1) == "6", page[page.find("points-total") - 50:page.find("points-total") + 120]  # 4 + 2 this year; not the 2020 entry
    assert "参加协商活动" in page and "报送社情民意信息" in page and "社情民意信息被采用" not in page
    assert "社区（村居）：东一社区" in page  # which act: the source's kind and title
    assert reverse("members:my-points") in page  # linked from the nav
    assert PointEntry.objects.filter(member=other).count() == 1


def test_my_points_is_for_members_only(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("members:my-points")).status_code == 403  # a role refusal


def test_my_points_query_count_is_constant(client, county_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = county_a.member()
    user = make_user("me", Role.MEMBER, member=me)
    client.force_login(user)
    towns = county_a.townships

    def credit(n, offset):
        for i in range(n):
            t = services.assignment_create(member=county_a.member(), township=towns[i % 2])
            services.points_credit(member_ids=[me.pk], rule_code="reception_day.duty", source=t)
    credit(5, 0)
    client.get(reverse("members:my-points"))
    with CaptureQueriesContext(connection) as q5:
        client.get(reverse("members:my-points"))
    credit(45, 5)
    with django_assert_num_queries(len(q5)):
        client.get(reverse("members:my-points"))
