"""API: same services, same scoping; refused transitions are 400 with the Chinese message."""

import uuid

import pytest
from rest_framework.test import APIClient

from proposals import services
from proposals.models import Countersign, Proposal, PublicComment
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db
S = Proposal.Status


@pytest.fixture
def w():
    return f.proposal_world()


def api(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_member_drafts_invites_and_submits_through_the_api(w):
    c = api(w.member_user)
    r = c.post("/api/v1/proposals/", {"title": "关于校园周边交通的提案", "content": "上放学时段拥堵。",
                                      "category": "society", "cosigner_ids": [w.cosigner.pk]}, format="json")
    assert r.status_code == 201, r.data
    pid = r.data["id"]
    assert r.data["cosigners"][0]["status"] == "pending"
    r = c.post(f"/api/v1/proposals/{pid}/submit/")
    assert r.status_code == 400 and "附议委员尚未全部确认" in r.data["detail"]
    assert c.post(f"/api/v1/proposals/{pid}/invite/").status_code == 200
    r = api(w.cosigner_user).post(f"/api/v1/proposals/{pid}/cosign/", {"accept": True}, format="json")
    assert r.status_code == 200 and r.data["cosigners"][0]["status"] == "confirmed"
    r = c.post(f"/api/v1/proposals/{pid}/submit/")
    assert r.status_code == 200 and r.data["status"] == "submitted"


def test_create_with_missing_title_is_a_field_error(w):
    r = api(w.member_user).post("/api/v1/proposals/", {"content": "x"}, format="json")
    assert r.status_code == 400 and "title" in r.data


def test_office_runs_the_lifecycle_through_the_api(w):
    p = f.submitted(w)
    staff = api(w.staff)
    r = staff.post(f"/api/v1/proposals/{p.pk}/file/", {"is_key": True, "supervising_leader": w.leader.pk,
                                                       "key_answer_days": 60}, format="json")
    assert r.status_code == 200 and r.data["number_label"] == "十届二次会议第0001号" and r.data["is_key"]
    r = staff.post(f"/api/v1/proposals/{p.pk}/assign/", {"lead_unit": w.lead_unit.pk, "co_units": [w.co_unit.pk]},
                   format="json")
    assert r.status_code == 200 and r.data["status"] == "assigned"
    lead = next(a for a in r.data["assignments"] if a["role"] == "lead")
    r = api(w.lead_user).post("/api/v1/proposal-answers/", {"assignment": lead["id"], "answer_class": "B",
                                                             "content": "已列入计划。", "submit": True}, format="json")
    assert r.status_code == 201 and r.data["status"] == "submitted"
    answer_id = r.data["id"]
    r = staff.post(f"/api/v1/proposals/{p.pk}/release/")
    assert r.status_code == 400 and "会办单位尚未全部会签" in r.data["detail"]
    assert api(w.co_user).post(f"/api/v1/proposals/{p.pk}/countersign/", {}, format="json").status_code == 200
    r = staff.post(f"/api/v1/proposals/{p.pk}/review-class/", {"classes": {str(answer_id): "A"}}, format="json")
    assert r.status_code == 200 and r.data["status"] == "class_reviewed"
    assert staff.post(f"/api/v1/proposals/{p.pk}/release/").status_code == 200
    r = api(w.member_user).post("/api/v1/proposal-evaluations/", {"proposal": p.pk, "result": "satisfied"},
                                format="json")
    assert r.status_code == 201 and r.data["result"] == "satisfied"
    assert Proposal.objects.get(pk=p.pk).status == S.CLOSED
    r = api(w.member_user).get("/api/v1/proposal-answers/", {"proposal": p.pk})
    assert [a["final_class"] for a in r.data["results"]] == ["A"]


def test_disallowed_transitions_are_400_with_chinese_messages(w):
    p = f.draft(w)
    staff = api(w.staff)
    r = staff.post(f"/api/v1/proposals/{p.pk}/file/", {}, format="json")
    assert r.status_code == 400 and r.data == {"detail": "不允许从“草稿”变更为“已立案”。", "code": "invalid_transition"}
    r = api(w.member_user).post(f"/api/v1/proposals/{p.pk}/evaluate/", {"result": "satisfied"}, format="json")
    assert r.status_code == 400 and "不允许从“草稿”变更为“已评价”" in r.data["detail"]
    p = f.submitted(w, title="另一件")
    r = staff.post(f"/api/v1/proposals/{p.pk}/not-file/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.data


def test_members_cannot_file_and_units_cannot_release(w):
    p = f.submitted(w)
    r = api(w.member_user).post(f"/api/v1/proposals/{p.pk}/file/", {}, format="json")
    assert r.status_code == 403 and r.data["code"] == "forbidden"
    assert Proposal.objects.get(pk=p.pk).status == S.SUBMITTED


def test_unit_sees_only_its_proposals_in_the_api(w):
    mine = f.assigned(w)
    other = f.proposal_world()
    theirs = f.assigned(other)
    c = api(w.lead_user)
    ids = [row["id"] for row in c.get("/api/v1/proposals/").data["results"]]
    assert ids == [mine.pk]
    assert c.get(f"/api/v1/proposals/{theirs.pk}/").status_code == 404
    assert c.post(f"/api/v1/proposals/{theirs.pk}/countersign/", {}, format="json").status_code == 404
    lead_other = theirs.assignments.get(role="lead").pk
    r = c.post("/api/v1/proposal-answers/", {"assignment": lead_other, "answer_class": "A", "content": "x"},
               format="json")
    assert r.status_code == 404


def test_public_comments_api_lists_approved_and_holds_new_ones(w):
    p = f.filed(w)
    opening = services.proposal_open_public(proposal=p, by=w.staff, summary="公开摘要")
    anon = api()
    key = uuid.uuid4().hex
    r = anon.post("/api/v1/proposal-comments/", {"opening": opening.pk, "body": "建议多设站点。", "phone": "13900001111",
                                                 "idempotency_key": key}, format="json")
    assert r.status_code == 201 and r.data["status"] == "pending" and "phone" not in r.data
    assert anon.post("/api/v1/proposal-comments/", {"opening": opening.pk, "body": "建议多设站点。",
                                                    "idempotency_key": key}, format="json").status_code == 200
    assert anon.get("/api/v1/proposal-comments/").data["results"] == []
    cid = PublicComment.objects.get().pk
    assert api(w.member_user).post(f"/api/v1/proposal-comments/{cid}/moderate/", {"approve": True},
                                   format="json").status_code == 404
    assert api(w.staff).post(f"/api/v1/proposal-comments/{cid}/moderate/", {"approve": True},
                             format="json").status_code == 200
    rows = anon.get("/api/v1/proposal-comments/").data["results"]
    assert [r["body"] for r in rows] == ["建议多设站点。"] and "13900001111" not in str(rows)
    assert anon.get("/api/v1/proposal-openings/").data["results"][0]["comments"] == 1


def test_countersign_api_refuses_a_unit_that_is_not_a_co_unit(w):
    p = f.answered(w)
    r = api(w.lead_user).post(f"/api/v1/proposals/{p.pk}/countersign/", {}, format="json")
    assert r.status_code == 403 and "不是该提案的会办单位" in r.data["detail"]
    assert Countersign.objects.get().status == "pending"
