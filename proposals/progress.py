"""What a resident's tracking page shows when their issue became a proposal (public-safe text
only: no names, no phone numbers, no unit officials). Registered with ``workstations.progress`` in
``ProposalsConfig.ready()``."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from core.timeline import timeline_for

PUBLIC_STEPS = {
    "submitted": "委员已将您反映的问题写成提案提交政协。",
    "filed": "提案已立案。",
    "not_filed": "提案未予立案，政协将以其他方式推动解决。",
    "converted": "已转为社情民意信息报送。",
    "assigned": "提案已交有关部门办理。",
    "released": "有关部门已答复提案。",
    "rehandling": "委员对答复不满意，有关部门正在重新办理。",
    "closed": "提案已办结。",
}


def visit_progress(visit) -> list[tuple[dt.datetime, str]]:
    """Steps for every proposal whose source is this visit."""
    from .models import Proposal

    ct = ContentType.objects.get_for_model(type(visit))
    steps: list[tuple[dt.datetime, str]] = []
    for p in Proposal.objects.filter(source_content_type=ct, source_object_id=visit.pk).only("pk", "created_at"):
        steps.append((p.created_at, "您反映的问题已由委员起草为政协提案。"))
        for entry in timeline_for(p).filter(code__startswith="proposals.proposal."):
            text = PUBLIC_STEPS.get(entry.to_state)
            if text and entry.from_state != entry.to_state:
                steps.append((entry.at, text))
    return steps
