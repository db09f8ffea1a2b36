import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.scoping import Role
from members import services
from members.models import Assignment, Member
from tests.factories import make_user


@pytest.fixture
def api():
    return APIClient()


def test_staff_of_committee_a_gets_404_on_a_member_of_committee_b(api, county_a, county_b, staff_a):
    mine, other = county_a.member(), county_b.member()
    api.force_authenticate(staff_a)
    assert api.get(f"/api/v1/members/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/members/{mine.pk}/").status_code == 200
    ids = [r["id"] for r in api.get("/api/v1/members/").json()["results"]]
    assert ids == [mine.pk]
    assert api.patch(f"/api/v1/members/{other.pk}/", {"title": "x"}, format="json").status_code == 404


def test_city_staff_see_their_counties_members(api, county_a, county_b, city_staff):
    a, b = county_a.member(), county_b.member()
    api.force_authenticate(city_staff)
    ids = {r["id"] for r in api.get("/api/v1/members/").json()["results"]}
    assert ids == {a.pk, b.pk}
    assert {r["id"] for r in api.get("/api/v1/townships/").json()["results"]} == {
        t.pk for t in county_a.townships + county_b.townships}


def test_phone_is_masked_unless_the_user_manages(api, county_a, staff_a, leader_a):
    m = county_a.member(phone="13912345678")
    api.force_authenticate(leader_a)
    assert api.get(f"/api/v1/members/{m.pk}/").json()["phone"] == "139****5678"
    api.force_authenticate(staff_a)
    assert api.get(f"/api/v1/members/{m.pk}/").json()["phone"] == "13912345678"


def test_only_staff_write_and_leaders_get_403(api, county_a, leader_a, staff_a):
    body = {"committee": county_a.committee.pk, "name": "新界别"}
    api.force_authenticate(leader_a)
    assert api.post("/api/v1/sectors/", body, format="json").status_code == 403
    api.force_authenticate(staff_a)
    resp = api.post("/api/v1/sectors/", body, format="json")
    assert resp.status_code == 201


def test_assignment_create_goes_through_the_service_with_field_errors(api, county_a, county_b, staff_a):
    m = county_a.member()
    east, west = county_a.townships
    api.force_authenticate(staff_a)
    resp = api.post("/api/v1/assignments/", {"member": m.pk, "township": west.pk,
                                             "community": county_a.communities[east.name][0].pk}, format="json")
    assert resp.status_code == 400 and "不属于" in resp.json()["community"][0]
    resp = api.post("/api/v1/assignments/", {"member": m.pk, "township": county_b.townships[0].pk}, format="json")
    assert resp.status_code == 400 and "township" in resp.json()  # another committee's township: not visible
    resp = api.post("/api/v1/assignments/", {"member": m.pk, "township": east.pk, "basis": "residence"}, format="json")
    assert resp.status_code == 201, resp.json()
    a = Assignment.objects.get(pk=resp.json()["id"])
    assert a.created_by == staff_a and a.basis == "residence"
    resp = api.post("/api/v1/assignments/", {"member": m.pk, "township": east.pk}, format="json")
    assert resp.status_code == 400 and "不能重复安排" in resp.json()["township"][0]
    resp = api.post(f"/api/v1/assignments/{a.pk}/end/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["end_date"]


def test_member_create_validates_like_the_admin(api, county_a, county_b, staff_a):
    api.force_authenticate(staff_a)
    body = {"committee": county_a.committee.pk, "name": "赵六", "sector": county_a.sector.pk,
            "special_committee": county_a.special_committee.pk, "phone": "110"}
    resp = api.post("/api/v1/members/", body, format="json")
    assert resp.status_code == 400 and "手机号码格式不正确" in resp.json()["phone"][0]
    resp = api.post("/api/v1/members/", body | {"phone": "13611112222"}, format="json")
    assert resp.status_code == 201
    m = Member.objects.get(name="赵六")
    assert m.created_by == staff_a and resp.json()["name_initials"] == "zl"


@pytest.mark.parametrize("url", ["/api/v1/members/", "/api/v1/assignments/", "/api/v1/communities/",
                                 "/api/v1/point-entries/", "/api/v1/special-committees/", "/api/v1/handling-units/"])
def test_api_list_query_count_is_the_same_for_5_and_50_members(api, county_a, staff_a, django_assert_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SpecialCommitteeFactory, HandlingUnitFactory, CommunityFactory

    def grow(n):
        for i in range(n):
            m = county_a.member()
            t = county_a.townships[i % 2]
            c = CommunityFactory(township=t)
            services.assignment_create(member=m, township=t, community=c)
            services.points_credit(member_ids=[m.pk], rule_code="menu.claimed", source=c)
            SpecialCommitteeFactory(committee=county_a.committee)
            HandlingUnitFactory(committee=county_a.committee)
    grow(5)
    api.force_login(staff_a)  # a fresh user object (and scope) per request, as in production
    api.get(url)
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as q5:
        assert api.get(url).json()["count"] >= 5
    grow(45)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(len(q5)):
        assert api.get(url).json()["count"] >= 50


def test_filters_by_township_and_pinyin(api, county_a, staff_a):
    east = county_a.townships[0]
    zhang, li = county_a.member(name="张三"), county_a.member(name="李四")
    services.assignment_create(member=zhang, township=east)
    api.force_authenticate(staff_a)
    assert [r["name"] for r in api.get("/api/v1/members/", {"township": east.pk}).json()["results"]] == ["张三"]
    assert [r["name"] for r in api.get("/api/v1/members/", {"q": "ls"}).json()["results"]] == ["李四"]
    assert [r["name"] for r in api.get("/api/v1/members/", {"unassigned": "true"}).json()["results"]] == ["李四"]
    row = api.get(f"/api/v1/members/{zhang.pk}/").json()
    assert row["places"][0]["township_name"] == east.name


def test_token_auth_works(county_a, staff_a):
    client = APIClient()
    resp = client.post("/api/v1/auth/token/", {"username": "staff_a", "password": "pw"}, format="json")
    assert resp.status_code == 200
    token = resp.json()["token"]
    assert token == Token.objects.get(user=staff_a).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/members/").status_code == 200
    assert APIClient().get("/api/v1/members/").status_code in (401, 403)


def test_members_see_only_themselves(api, county_a):
    me, other = county_a.member(), county_a.member()
    user = make_user("m1", Role.MEMBER, member=me)
    api.force_authenticate(user)
    assert [r["id"] for r in api.get("/api/v1/members/").json()["results"]] == [me.pk]
    assert api.get(f"/api/v1/members/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/members/{me.pk}/").json()["phone"] == me.masked_phone


def test_openapi_schema_and_docs(client, staff_a):
    client.force_login(staff_a)
    resp = client.get("/api/schema/")
    assert resp.status_code == 200
    body = resp.content.decode()
    for p in ("/api/v1/members/", "/api/v1/assignments/", "/api/v1/townships/", "/api/v1/communities/",
              "/api/v1/point-entries/", "/api/v1/handling-units/", "/api/v1/special-committees/",
              "/api/v1/coverage/"):
        assert p in body
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_coverage_endpoint_for_office_users_only(api, county_a, county_b, staff_a, city_staff):
    east = county_a.townships[0]
    services.assignment_create(member=county_a.member(), township=east, community=county_a.communities[east.name][0])
    api.force_authenticate(staff_a)
    body = api.get("/api/v1/coverage/").json()
    assert body["totals"]["covered"] == 1 and body["totals"]["communities"] == 3
    assert api.get("/api/v1/coverage/", {"committee": county_b.committee.pk}).status_code == 404
    api.force_authenticate(city_staff)
    assert len(api.get("/api/v1/coverage/").json()["committees"]) == 2
    member_user = make_user("m2", Role.MEMBER, member=county_a.member())
    api.force_authenticate(member_user)
    assert api.get("/api/v1/coverage/").status_code == 403  # a role refusal, not "not found"
