import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.selectors import coverage_summary
from tests.factories.members import make_county


def test_coverage_counts_members_per_township_and_community(county_a, county_b):
    east, west = county_a.townships
    e1, e2 = county_a.communities["东城街道"]
    (w1,) = county_a.communities["西山镇"]
    m1, m2, m3, m4 = (county_a.member(name=n) for n in "甲乙丙丁")
    services.assignment_create(member=m1, township=east, community=e1)
    services.assignment_create(member=m2, township=east, community=e1)
    services.assignment_create(member=m2, township=east)                        # township-level, no community
    services.assignment_create(member=m3, township=west, community=w1, start_date=dt.date(2024, 1, 1))
    ended = services.assignment_create(member=m4, township=east, community=e2, start_date=dt.date(2024, 1, 1))
    services.assignment_end(assignment=ended, end_date=dt.date(2024, 12, 31))    # no longer counts
    county_a.member(name="戊", is_active=False)                                   # not in office: not counted
    county_b.member(name="外")                                                    # other committee: not counted

    s = coverage_summary([county_a.committee.pk])
    rows = {t["name"]: t for t in s["townships"]}
    assert rows["东城街道"]["members"] == 2          # 甲, 乙 (乙 counted once)
    assert rows["西山镇"]["members"] == 1
    assert {c["name"]: c["members"] for c in rows["东城街道"]["community_rows"]} == {"东一社区": 2, "东二社区": 0}
    assert [c["name"] for c in rows["东城街道"]["uncovered_communities"]] == ["东二社区"]
    assert (rows["东城街道"]["covered"], rows["东城街道"]["uncovered"]) == (1, 1)
    assert s["totals"] == {"townships": 2, "communities": 3, "covered": 2, "uncovered": 1, "coverage_rate": 66.7,
                           "members": 4, "members_assigned": 3, "members_unassigned": 1}


def test_coverage_for_a_city_includes_its_counties(county_a, county_b):
    s = coverage_summary([county_a.committee.pk, county_b.committee.pk])
    assert s["totals"]["townships"] == 3 and s["totals"]["communities"] == 5
    assert {t["committee_name"] for t in s["townships"]} == {"甲县政协", "乙县政协"}


def test_coverage_query_count_does_not_grow(db):
    small = make_county("小县", townships={"一镇": ["一村"]})
    big = make_county("大县", townships={f"{i}镇": [f"{i}-{j}村" for j in range(6)] for i in range(8)})
    for t in big.townships:
        for c in big.communities[t.name]:
            services.assignment_create(member=big.member(), township=t, community=c)
    with CaptureQueriesContext(connection) as small_q:
        coverage_summary([small.committee.pk])
    with CaptureQueriesContext(connection) as big_q:
        coverage_summary([big.committee.pk])
    assert len(small_q) == len(big_q) <= 5


def test_coverage_rolls_up_per_committee(county_a, county_b):
    east = county_a.townships[0]
    services.assignment_create(member=county_a.member(), township=east, community=county_a.communities[east.name][0])
    county_b.member()
    s = coverage_summary([county_a.committee.pk, county_b.committee.pk])
    rows = {c["committee_name"]: c for c in s["committees"]}
    assert (rows["甲县政协"]["covered"], rows["甲县政协"]["uncovered"], rows["甲县政协"]["members_assigned"]) == (1, 2, 1)
    assert (rows["乙县政协"]["covered"], rows["乙县政协"]["members"], rows["乙县政协"]["members_unassigned"]) == (0, 1, 1)
    assert s["totals"]["members"] == 2 and s["totals"]["covered"] == 1
