import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from members import services
from members.models import Assignment, Member

CHANGELIST = "admin:members_member_changelist"


def inline(prefix="assignments", rows=(), initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def member_form(county, **kw):
    data = {"committee": county.committee.pk, "name": "新委员", "party": "none", "sector": county.sector.pk,
            "special_committee": county.special_committee.pk, "phone": "13812345678", "is_active": "on"}
    data.update(kw)
    return data


def test_bulk_assign_action_with_its_intermediate_form(client, county_a, staff_a):
    east = county_a.townships[0]
    e1 = county_a.communities[east.name][0]
    a, b, c = county_a.member(name="甲"), county_a.member(name="乙"), county_a.member(name="丙")
    services.assignment_create(member=a, township=east, community=e1)
    client.force_login(staff_a)
    ids = [a.pk, b.pk, c.pk]
    resp = client.post(reverse(CHANGELIST), {"action": "assign_to_place", "_selected_action": ids})
    assert resp.status_code == 200 and "分配到乡镇/社区" in resp.content.decode()
    assert not Assignment.objects.filter(member__in=[b, c]).exists()
    # community of another township: a field error, nothing written
    resp = client.post(reverse(CHANGELIST), {
        "action": "assign_to_place", "_selected_action": ids, "apply": "1", "township": county_a.townships[1].pk,
        "community": e1.pk, "basis": "liaison", "start_date": "2026-01-05"})
    assert resp.status_code == 200 and "不属于" in resp.content.decode()
    assert Assignment.objects.count() == 1
    resp = client.post(reverse(CHANGELIST), {
        "action": "assign_to_place", "_selected_action": ids, "apply": "1", "township": east.pk,
        "community": e1.pk, "basis": "residence", "start_date": "2026-01-05"}, follow=True)
    text = resp.content.decode()
    assert "已将 2 名委员安排到" in text and "跳过 1 名" in text and "甲" in text
    new = Assignment.objects.filter(member__in=[b, c], community=e1)
    assert new.count() == 2 and {x.created_by for x in new} == {staff_a}
    assert {x.basis for x in new} == {"residence"}


def test_bulk_assign_refuses_a_township_of_another_committee(client, county_a, county_b, city_staff):
    m = county_a.member()
    client.force_login(city_staff)  # sees both counties, so both townships are offered
    resp = client.post(reverse(CHANGELIST), {
        "action": "assign_to_place", "_selected_action": [m.pk], "apply": "1", "township": county_b.townships[0].pk,
        "basis": "liaison", "start_date": "2026-01-05"})
    assert resp.status_code == 200 and "不属于同一政协组织" in resp.content.decode()
    assert not Assignment.objects.exists()


def test_staff_of_committee_a_gets_404_on_a_member_of_committee_b(client, county_a, county_b, staff_a):
    other = county_b.member()
    client.force_login(staff_a)
    assert client.get(reverse("admin:members_member_change", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:members_member_delete", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:members_township_change", args=[county_b.townships[0].pk])).status_code == 404
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert other.name not in page


def test_city_staff_see_their_counties_members(client, county_a, county_b, city_staff):
    a, b = county_a.member(name="甲县委员"), county_b.member(name="乙县委员")
    client.force_login(city_staff)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "甲县委员" in page and "乙县委员" in page
    assert client.get(reverse("admin:members_member_change", args=[b.pk])).status_code == 200


def test_leaders_read_but_cannot_change(client, county_a, leader_a):
    m = county_a.member()
    client.force_login(leader_a)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    page = client.get(reverse("admin:members_member_change", args=[m.pk])).content.decode()
    assert m.masked_phone in page and m.phone not in page
    resp = client.post(reverse("admin:members_member_change", args=[m.pk]), member_form(county_a) | inline())
    assert resp.status_code == 403


def test_admin_save_stamps_who_created_and_changed(client, county_a, staff_a):
    client.force_login(staff_a)
    resp = client.post(reverse("admin:members_member_add"), member_form(county_a) | inline(rows=[
        {"township": county_a.townships[0].pk, "community": "", "basis": "liaison", "start_date": "2026-01-05"}]))
    assert resp.status_code == 302, resp.content.decode()[:3000]
    m = Member.objects.get(name="新委员")
    assert m.created_by == staff_a and m.updated_by == staff_a
    assert m.assignments.get().created_by == staff_a


def test_admin_shows_rule_violations_as_chinese_field_errors(client, county_a, county_b, staff_a):
    m = county_a.member()
    east, west = county_a.townships
    services.assignment_create(member=m, township=east)
    client.force_login(staff_a)
    url = reverse("admin:members_member_change", args=[m.pk])
    existing = m.assignments.get()
    rows = [
        {"id": existing.pk, "member": m.pk, "township": east.pk, "community": "", "basis": "liaison",
         "start_date": "2026-01-05"},
        {"township": east.pk, "community": "", "basis": "liaison", "start_date": "2026-01-05"},   # duplicate
        {"township": west.pk, "community": county_a.communities[east.name][0].pk, "basis": "liaison",
         "start_date": "2026-01-05"},                                                          # wrong township
    ]
    resp = client.post(url, member_form(county_a, name=m.name, phone="123") | inline(rows=rows, initial=1))
    text = resp.content.decode()
    assert resp.status_code == 200
    assert "手机号码格式不正确" in text
    assert "不能重复安排" in text
    assert "不属于" in text
    assert m.assignments.count() == 1


def test_member_changelist_filters_and_pinyin_search(client, county_a, staff_a):
    east = county_a.townships[0]
    zhang = county_a.member(name="张三丰")
    li = county_a.member(name="李四")
    services.assignment_create(member=zhang, township=east)
    client.force_login(staff_a)
    page = client.get(reverse(CHANGELIST), {"q": "zsf"}).content.decode()
    assert "张三丰" in page and "李四" not in page
    page = client.get(reverse(CHANGELIST), {"township": east.pk}).content.decode()
    assert "张三丰" in page and "李四" not in page
    page = client.get(reverse(CHANGELIST), {"township": "none"}).content.decode()
    assert "李四" in page and "张三丰" not in page
    assert "138****" in page  # masked phones in the list


@pytest.mark.parametrize("path", ["admin:members_member_changelist", "admin:members_coveragereport_changelist",
                                  "admin:members_community_changelist", "admin:members_township_changelist"])
def test_admin_pages_query_count_does_not_grow(client, county_a, staff_a, django_assert_num_queries, path):
    client.force_login(staff_a)

    def grow(n):
        for i in range(n):
            m = county_a.member()
            t = county_a.townships[i % 2]
            services.assignment_create(member=m, township=t, community=county_a.communities[t.name][0])
    grow(5)
    ContentType.objects.clear_cache()
    client.get(reverse(path))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q5:
        assert client.get(reverse(path)).status_code == 200
    grow(45)
    with django_assert_num_queries(len(q5)):
        assert client.get(reverse(path)).status_code == 200


def test_coverage_page_lists_counts_and_uncovered_communities(client, county_a, staff_a):
    east = county_a.townships[0]
    services.assignment_create(member=county_a.member(), township=east, community=county_a.communities[east.name][0])
    client.force_login(staff_a)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:members_coveragereport_changelist") in index
    assert reverse("admin:members_coveragereport_changelist") in client.get(reverse(CHANGELIST)).content.decode()
    page = client.get(reverse("admin:members_coveragereport_changelist")).content.decode()
    assert 'data-testid="total-covered">1<' in page and 'data-testid="total-uncovered">2<' in page
    assert "东二社区" in page and "西山村" in page


def test_city_staff_see_a_rollup_per_county_then_the_detail(client, county_a, county_b, city_staff):
    client.force_login(city_staff)
    url = reverse("admin:members_coveragereport_changelist")
    page = client.get(url).content.decode()
    assert 'data-committee="甲县政协"' in page and 'data-committee="乙县政协"' in page
    assert "北岗村" not in page  # detail only after choosing a county
    page = client.get(url, {"committee": county_b.committee.pk}).content.decode()
    assert "北岗村" in page and "东一社区" not in page
    page = client.get(url, {"committee": 999999}).content.decode()  # not visible: ignored
    assert 'data-committee="甲县政协"' in page
