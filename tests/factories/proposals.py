"""Proposal test data, built through the real services (tests run the code users do)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from core.scoping import Role
from members.models import PlenarySession, Term
from proposals import services
from proposals.models import Proposal

from . import CommitteeFactory, HandlingUnitFactory, MemberFactory, make_user

_seq = itertools.count(1)


def make_session(committee, *, term_number: int = 10, number: int = 2, name: str = "十届二次会议") -> PlenarySession:
    term, _ = Term.objects.get_or_create(committee=committee, number=term_number, defaults={"name": f"第{term_number}届"})
    return PlenarySession.objects.create(term=term, number=number, name=name)


def proposal_world(prefix: str = "") -> SimpleNamespace:
    """A committee with a plenary session, a proposer and a co-signer, lead and co units, and logins
    for staff, a leader, both members and both units."""
    n = next(_seq)
    p = prefix or f"w{n}"
    committee = CommitteeFactory()
    session = make_session(committee)
    proposer = MemberFactory(committee=committee, name=f"张{p}")
    cosigner = MemberFactory(committee=committee, name=f"李{p}")
    lead_unit = HandlingUnitFactory(committee=committee, name=f"县交通运输局{p}")
    co_unit = HandlingUnitFactory(committee=committee, name=f"县财政局{p}")
    w = SimpleNamespace(
        committee=committee, session=session, proposer=proposer, cosigner=cosigner,
        lead_unit=lead_unit, co_unit=co_unit,
        staff=make_user(f"{p}-staff", Role.STAFF, committee=committee),
        leader=make_user(f"{p}-leader", Role.LEADER, committee=committee),
        member_user=make_user(f"{p}-member", Role.MEMBER, member=proposer),
        cosigner_user=make_user(f"{p}-cosigner", Role.MEMBER, member=cosigner),
        lead_user=make_user(f"{p}-lead", Role.UNIT, unit=lead_unit),
        co_user=make_user(f"{p}-co", Role.UNIT, unit=co_unit),
    )
    return w


def draft(w, *, title: str = "关于优化县城公交线路的提案", cosign: bool = False) -> Proposal:
    p = services.proposal_create_draft(member=w.proposer, title=title, content="早晚高峰公交班次不足，建议增开。",
                                       by=w.member_user)
    if cosign:
        services.proposal_cosigners_add(proposal=p, members=[w.cosigner], by=w.member_user)
    return p


def submitted(w, **kw) -> Proposal:
    p = draft(w, **kw)
    if kw.get("cosign"):
        services.proposal_invite(proposal=p, by=w.member_user)
        services.proposal_cosign_respond(cosigner=p.cosigners.get(), accept=True, by=w.cosigner_user)
    return services.proposal_submit(proposal=p, by=w.member_user)


def filed(w, **kw) -> Proposal:
    return services.proposal_file(proposal=submitted(w, **kw), by=w.staff)


def assigned(w, *, co: bool = True, **kw) -> Proposal:
    return services.proposal_assign(proposal=filed(w, **kw), by=w.staff, lead_unit=w.lead_unit,
                                    co_units=[w.co_unit] if co else [])


def answered(w, *, answer_class: str = "A", co: bool = True, **kw) -> Proposal:
    p = assigned(w, co=co, **kw)
    services.answer_save(assignment=p.assignments.get(role="lead"), by=w.lead_user, content="已增开早晚班次。",
                         answer_class=answer_class, submit=True)
    p.refresh_from_db()
    return p


def released(w, **kw) -> Proposal:
    p = answered(w, **kw)
    if p.status == Proposal.Status.ANSWERED:
        from proposals.models import Countersign

        services.countersign_confirm(countersign=Countersign.objects.get(answer__proposal=p), by=w.co_user)
    services.answer_review_class(proposal=p, by=w.staff)
    return services.proposal_release(proposal=p, by=w.staff)
