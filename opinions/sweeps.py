"""Deadline sweeps for opinion reports (SPEC section 3). Set-based: one query per stage for the items,
one for their recipients, then one bulk insert of notifications. The notification's ``day`` is the
item's due date, so each item gets one reminder and one escalation per stage and deadline however
often the sweep runs (the unique constraint drops repeats)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.notifications import notify_rows
from core.scoping import Role
from core.sweeps import sweep

from .models import OpinionReport
from .services import committee_user_ids, unit_user_ids

S = OpinionReport.Status


def _member_users(report_ids) -> dict[int, list[int]]:
    through = OpinionReport.members.through
    out: dict[int, list[int]] = {}
    for rid, uid in through.objects.filter(opinionreport_id__in=list(report_ids), member__user__isnull=False) \
            .values_list("opinionreport_id", "member__user_id"):
        out.setdefault(rid, []).append(uid)
    return out


def _rows(items, recipients_for, *, stage: str, title: str, ct, url_name: str = "opinions:detail"):
    rows = []
    for pk, committee_id, unit_id, text, due_at, explanation in items:
        day = timezone.localtime(due_at).date()
        for uid in set(recipients_for(pk, committee_id, unit_id)):
            rows.append(Notification(
                recipient_id=uid, content_type=ct, object_id=pk, stage=stage, day=day,
                title=f"{title}：{text}"[:200], body=explanation, url=reverse(url_name, args=[pk]),
            ))
    return rows


@sweep("opinions.deadlines", group="frequent")
def opinion_deadlines(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    lead = getattr(settings, "OPINION_REMINDER_DAYS_BEFORE", {})
    ct = ContentType.objects.get_for_model(OpinionReport)
    fields = ("pk", "committee_id", "unit_id", "title", "due_at", "due_explanation")
    # "Due soon" and "overdue" are the queryset's reads (core.deadlines), the same as pages and dashboards.
    def soon(status, days):
        return list(OpinionReport.objects.filter(status=status).due_soon(days, now).values_list(*fields))

    def late(status):
        return list(OpinionReport.objects.filter(status=status).overdue(now).values_list(*fields))

    reg_soon = soon(S.RECEIVED, lead.get("registration", 1))
    reg_late = late(S.RECEIVED)
    fb_soon = soon(S.FORWARDED_UNIT, lead.get("feedback", 7))
    fb_late = late(S.FORWARDED_UNIT)
    cb_soon = soon(S.FED_BACK, lead.get("carry_back", 2))
    cb_late = late(S.FED_BACK)

    committees = {i[1] for group in (reg_soon, reg_late, fb_late, cb_late) for i in group}
    staff = committee_user_ids(committees, Role.STAFF) if committees else {}
    leaders = committee_user_ids(committees, Role.LEADER) if committees else {}
    units = unit_user_ids({i[2] for i in fb_soon + fb_late if i[2]})
    members = _member_users([i[0] for i in cb_soon])

    rows = []
    rows += _rows(reg_soon, lambda pk, c, u: staff.get(c, []), stage="opinion.registration.due_soon",
                  title="社情民意信息即将到登记期限", ct=ct)
    rows += _rows(reg_late, lambda pk, c, u: leaders.get(c, []), stage="opinion.registration.overdue",
                  title="社情民意信息逾期未登记", ct=ct)
    rows += _rows(fb_soon, lambda pk, c, u: units.get(u, []), stage="opinion.feedback.due_soon",
                  title="请按期反馈社情民意信息办理情况", ct=ct, url_name="opinions:unit-detail")
    rows += _rows(fb_late, lambda pk, c, u: units.get(u, []), stage="opinion.feedback.overdue.unit",
                  title="社情民意信息已逾期未反馈", ct=ct, url_name="opinions:unit-detail")
    rows += _rows(fb_late, lambda pk, c, u: leaders.get(c, []), stage="opinion.feedback.overdue",
                  title="承办单位逾期未反馈", ct=ct)
    rows += _rows(cb_soon, lambda pk, c, u: members.get(pk, []), stage="opinion.carry_back.due_soon",
                  title="请将办理情况带下去告知群众", ct=ct)
    rows += _rows(cb_late, lambda pk, c, u: staff.get(c, []), stage="opinion.carry_back.overdue",
                  title="委员逾期未带下去", ct=ct)
    created = notify_rows(rows)
    return {"candidates": len(rows), "created": created, "overdue": len(reg_late) + len(fb_late) + len(cb_late)}
