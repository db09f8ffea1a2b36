"""Every admin page of the committee directory renders for committee staff and for a superuser."""

import pytest
from django.urls import reverse

from core.scoping import Role
from members import services
from tests.factories import make_user

MODELS = ["assignment", "committee", "term", "plenarysession", "sector", "specialcommittee", "township", "community",
          "handlingunit", "member", "pointrule", "pointentry", "rosterimport"]


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_changelists_and_change_pages_render(client, county_a, staff_a, who):
    m = county_a.member()
    services.assignment_create(member=m, township=county_a.townships[0])
    services.points_credit(member_ids=[m.pk], rule_code="menu.claimed", source=county_a.townships[0])
    services.roles_ensure()
    user = staff_a if who == "staff" else make_user("root", superuser=True)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:app_list", args=["members"])).status_code == 200
    for model in MODELS:
        assert client.get(reverse(f"admin:members_{model}_changelist")).status_code == 200, model
    for name, obj in [("member", m), ("township", county_a.townships[0]), ("committee", county_a.committee),
                      ("sector", county_a.sector), ("specialcommittee", county_a.special_committee)]:
        assert client.get(reverse(f"admin:members_{name}_change", args=[obj.pk])).status_code == 200, name
    for name in ["member", "township", "sector", "community", "handlingunit", "rosterimport", "assignment"]:
        assert client.get(reverse(f"admin:members_{name}_add")).status_code == 200, name
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_change", args=[staff_a.pk])).status_code == 200


def test_staff_see_only_their_committees_logins_and_new_logins_join_their_committee(client, county_a, county_b,
                                                                                     staff_a, staff_b):
    client.force_login(staff_a)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "staff_a" in page and "staff_b" not in page
    assert client.get(reverse("admin:auth_user_change", args=[staff_b.pk])).status_code == 404
    resp = client.post(reverse("admin:auth_user_add"), {
        "username": "newstaff", "password1": "Secret-pass-123", "password2": "Secret-pass-123",
        "usable_password": "true",
        "portal_profile-TOTAL_FORMS": "0", "portal_profile-INITIAL_FORMS": "0",
        "portal_profile-MIN_NUM_FORMS": "0", "portal_profile-MAX_NUM_FORMS": "1"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    from django.contrib.auth.models import User

    assert User.objects.get(username="newstaff").portal_profile.committee == county_a.committee


def test_leaders_cannot_see_imports_and_nobody_else_sees_the_admin(client, county_a, leader_a):
    client.force_login(leader_a)
    assert client.get(reverse("admin:members_rosterimport_changelist")).status_code == 403
    unit_user = make_user("u1", Role.UNIT, committee=county_a.committee)
    client.force_login(unit_user)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 302  # not staff: to login


def test_assignment_admin_validates_through_the_service_and_ends_in_bulk(client, county_a, staff_a):
    from members.models import Assignment

    m = county_a.member()
    east, west = county_a.townships
    client.force_login(staff_a)
    data = {"member": m.pk, "township": west.pk, "community": county_a.communities[east.name][0].pk,
            "basis": "liaison", "start_date": "2026-01-05"}
    resp = client.post(reverse("admin:members_assignment_add"), data)
    assert resp.status_code == 200 and "不属于" in resp.content.decode()
    resp = client.post(reverse("admin:members_assignment_add"), data | {"township": east.pk})
    assert resp.status_code == 302
    a = Assignment.objects.get()
    assert a.created_by == staff_a
    resp = client.post(reverse("admin:members_assignment_changelist"),
                       {"action": "end_today", "_selected_action": [a.pk]}, follow=True)
    a.refresh_from_db()
    assert a.end_date is not None and "已结束 1 条" in resp.content.decode()
