"""推动转化: an outcome item becomes a proposal draft or an opinion report through their apps'
services, linked both ways (their generic source link, our converted link)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from consultations import services
from consultations.models import Consultation, Outcome
from core.errors import DomainError
from members.models import PlenarySession, Term
from tests.factories.consultations import advance, make_consultation, make_env

pytestmark = pytest.mark.django_db
S = Consultation.Step


@pytest.fixture
def env():
    env = make_env()
    term = Term.objects.create(committee=env.committee, number=10, name="第十届")
    PlenarySession.objects.create(term=term, number=2, name="十届二次会议")
    return env


def test_outcome_becomes_a_proposal_draft_by_the_chair(env):
    from proposals.models import Proposal

    c = advance(env, make_consultation(env), S.CONVERTING)
    o = services.outcome_convert(outcome=c.outcomes.get(), kind="proposal", by=env.staff)
    p = Proposal.objects.get()
    assert p.member_id == env.chair.pk and p.status == "draft"
    assert (p.source_content_type, p.source_object_id) == (ContentType.objects.get_for_model(Outcome), o.pk)
    assert o.converted_item == p and o.converted_kind == "proposal"
    with pytest.raises(DomainError, match="已转化为提案"):
        services.outcome_convert(outcome=o, kind="opinion", by=env.staff)


def test_outcome_becomes_an_opinion_report(env):
    from opinions.models import OpinionReport

    c = advance(env, make_consultation(env), S.CONVERTING)
    o = services.outcome_convert(outcome=c.outcomes.get(), kind="opinion", by=env.staff)
    r = OpinionReport.objects.get()
    assert r.source == OpinionReport.Source.CONSULTATION and r.source_object == o
    assert list(r.members.all()) == [env.chair]
    assert o.converted_item == r


def test_conversion_is_refused_before_outcomes_are_sent(env):
    c = advance(env, make_consultation(env), S.HELD)
    o = services.outcome_add(consultation=c, text="x", handling_unit=env.unit, by=env.staff)
    with pytest.raises(DomainError, match="不能成果转化为提案或社情民意信息"):
        services.outcome_convert(outcome=o, kind="proposal", by=env.staff)
