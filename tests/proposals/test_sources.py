"""Proposals keep their link to where they came from; a resident's QR issue shows the proposal's
progress on the public tracking page, with no personal data."""

import pytest
from django.urls import reverse

from proposals import services  # noqa: E402
from proposals.models import Proposal  # noqa: E402
from tests.factories import HandlingUnitFactory, make_user  # noqa: E402
from tests.factories import proposals as f  # noqa: E402
from tests.factories.workstations import make_team  # noqa: E402
from workstations.services import visit_submit_public  # noqa: E402

pytestmark = pytest.mark.django_db


def test_a_qr_issue_turned_into_a_proposal_shows_its_progress_publicly(client):
    team = make_team(prefix="src")
    committee = team.ws.committee
    session = f.make_session(committee)
    staff = make_user("src-staff", "staff", committee=committee)
    unit = HandlingUnitFactory(committee=committee, name="县住房和城乡建设局")
    visit, _ = visit_submit_public(workstation=team.ws, issue="小区楼栋墙体长期漏水，物业不处理", name="赵小明",
                                   phone="13700001234")

    # The convenor handles the workstation's QR issues (workstations.rules.require_handle_visit).
    client.force_login(team.convenor_user)
    page = client.get(reverse("proposals:create") + f"?visit={visit.pk}").content.decode()
    assert "小区楼栋墙体长期漏水" in page
    client.post(reverse("proposals:create") + f"?visit={visit.pk}", {
        "title": "关于解决老旧小区墙体漏水问题的提案", "category": "society", "content": "群众反映墙体漏水。建议纳入改造。",
        "visit": visit.pk})
    p = Proposal.objects.get(title="关于解决老旧小区墙体漏水问题的提案")
    assert p.source == visit and p.session == session
    visit.refresh_from_db()
    assert visit.outcome == "proposal"

    p = services.proposal_submit(proposal=p, by=team.convenor_user)
    p = services.proposal_file(proposal=p, by=staff)
    services.proposal_assign(proposal=p, by=staff, lead_unit=unit)

    client.logout()
    page = client.get(reverse("workstations:track", args=[visit.tracking_code])).content.decode()
    assert "已由委员起草为政协提案" in page and "提案已立案" in page and "提案已交有关部门办理" in page
    for private in ("赵小明", "13700001234", team.convenor.name):
        assert private not in page


def test_another_members_visit_cannot_be_used_as_a_source(client):
    w = f.proposal_world()
    team = make_team(prefix="src2")
    visit, _ = visit_submit_public(workstation=team.ws, issue="路灯不亮，夜间出行不安全")
    client.force_login(w.member_user)  # not a member of that workstation
    page = client.get(reverse("proposals:create") + f"?visit={visit.pk}").content.decode()
    assert "路灯不亮" not in page
