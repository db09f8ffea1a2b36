"""Pages and API lists run the same number of queries for 5 rows as for 50."""

import datetime as dt
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from proposals.models import (
    Answer, Proposal, ProposalCosigner, PublicComment, PublicOpening, SupervisionRecord, UnitAssignment,
)
from tests.factories import MemberFactory
from tests.factories import proposals as f

pytestmark = pytest.mark.django_db


def add_rows(w, n: int, start: int):
    """``n`` proposals that show on every list: the member's, the office's, the unit's, key, public."""
    now = timezone.now()
    for i in range(start, start + n):
        p = Proposal.objects.create(committee=w.committee, session=w.session, member=w.proposer, title=f"提案{i}",
                                    content="内容", status=Proposal.Status.ASSIGNED, number=i + 1, is_key=True,
                                    supervising_leader=w.leader, due_at=now + dt.timedelta(days=30))
        ProposalCosigner.objects.create(proposal=p, member=MemberFactory(committee=w.committee), status="confirmed")
        lead = UnitAssignment.objects.create(proposal=p, unit=w.lead_unit, role="lead", due_at=p.due_at)
        UnitAssignment.objects.create(proposal=p, unit=w.co_unit, role="co", due_at=p.due_at)
        Answer.objects.create(proposal=p, assignment=lead, answer_class="A", content="答复", status="submitted")
        SupervisionRecord.objects.create(proposal=p, leader=w.leader, content="督办")
        o = PublicOpening.objects.create(proposal=p, summary="摘要")
        for status in ("approved", "pending"):
            PublicComment.objects.create(opening=o, body="意见内容", status=status, idempotency_key=uuid.uuid4().hex)


def assert_constant(client_get, grow, django_assert_num_queries):
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as small:
        r = client_get()
    assert r.status_code == 200
    grow()
    ContentType.objects.clear_cache()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client_get().status_code == 200


@pytest.fixture
def w():
    world = f.proposal_world()
    add_rows(world, 5, 0)
    return world


@pytest.mark.parametrize("url_name,who", [
    ("proposals:my", "member_user"),
    ("proposals:office", "staff"),
    ("proposals:unit", "lead_user"),
    ("proposals:key-list", "leader"),
    ("proposals:moderation", "staff"),
    ("proposals:public-list", None),
])
def test_list_pages_have_constant_query_counts(client, w, url_name, who, django_assert_num_queries):
    if who:
        client.force_login(getattr(w, who))
    url = reverse(url_name) + ("?status=" if url_name == "proposals:office" else "")  # office: every status
    assert_constant(lambda: client.get(url), lambda: add_rows(w, 45, 5), django_assert_num_queries)


def test_public_detail_has_constant_query_count(client, w, django_assert_num_queries):
    o = PublicOpening.objects.order_by("pk").first()

    def grow():
        for i in range(45):
            PublicComment.objects.create(opening=o, body=f"意见{i}", status="approved", idempotency_key=uuid.uuid4().hex)

    assert_constant(lambda: client.get(reverse("proposals:public-detail", args=[o.pk])), grow,
                    django_assert_num_queries)


def test_detail_page_has_constant_query_count(client, w, django_assert_num_queries):
    p = Proposal.objects.order_by("pk").first()
    client.force_login(w.staff)

    def grow():
        for _ in range(45):
            ProposalCosigner.objects.create(proposal=p, member=MemberFactory(committee=w.committee))

    assert_constant(lambda: client.get(reverse("proposals:detail", args=[p.pk])), grow, django_assert_num_queries)


@pytest.mark.parametrize("url,who", [
    ("/api/v1/proposals/", "staff"),
    ("/api/v1/proposals/", "lead_user"),
    ("/api/v1/proposal-answers/", "staff"),
    ("/api/v1/proposal-evaluations/", "member_user"),
    ("/api/v1/proposal-comments/", None),
    ("/api/v1/proposal-openings/", None),
])
def test_api_lists_have_constant_query_counts(w, url, who, django_assert_num_queries):
    from django.contrib.auth.models import User

    c = APIClient()

    def get():
        if who:  # a fresh user object per request, as authentication gives in real requests
            c.force_authenticate(User.objects.get(pk=getattr(w, who).pk))
        return c.get(url)

    assert_constant(get, lambda: add_rows(w, 45, 5), django_assert_num_queries)
