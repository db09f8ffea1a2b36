"""Read-side queries for the committee directory: the member list with what every list shows, the
coverage summary (就近就便全覆盖) and a member's points. All aggregates are computed by the
database; the number of queries does not depend on the data size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from .models import Assignment, Community, Member, PointEntry, Township


def _active_q(prefix: str = "", on: dt.date | None = None) -> Q:
    """Q for assignments active on ``on`` (today); ``prefix`` is the path to the assignment."""
    on = on or timezone.localdate()
    p = f"{prefix}__" if prefix else ""
    return (Q(**{f"{p}start_date__lte": on}) | Q(**{f"{p}start_date__isnull": True})) & (
        Q(**{f"{p}end_date__isnull": True}) | Q(**{f"{p}end_date__gte": on})
    )


def active_assignments_prefetch(on: dt.date | None = None) -> Prefetch:
    """Prefetch a member's active assignments into ``member.active_assignments`` (one query)."""
    qs = Assignment.objects.filter(_active_q(on=on)).select_related("township", "community").order_by(
        "township__order", "township_id", "community_id")
    return Prefetch("assignments", queryset=qs, to_attr="active_assignments")


def members_with_places(on: dt.date | None = None):
    """Members with everything the lists (admin, API, export) show; callers scope it."""
    return Member.objects.select_related("committee", "sector", "special_committee").prefetch_related(
        active_assignments_prefetch(on))


def member_list(*, user, on: dt.date | None = None):
    """Members the user may see, with everything the lists show."""
    return members_with_places(on).visible_to(user)


def coverage_summary(committee_ids: Iterable[int] | None, *, on: dt.date | None = None) -> dict:
    """How well each township and community is covered by active members on ``on`` (today).

    ``committee_ids``: the committees to include (``None``: all). Returns::

        {
          "on": date,
          "townships": [{
              "id", "name", "kind", "committee_id", "committee_name",
              "members": int,          # distinct active members assigned to the township (any community or none)
              "communities": int, "covered": int, "uncovered": int,
              "community_rows": [{"id", "name", "kind", "members": int}],   # members assigned to that community
              "uncovered_communities": [{"id", "name", "kind", "members": 0}],
          }],
          "committees": [{"committee_id", "committee_name", **the totals keys}],   # one per committee
          "totals": {"townships", "communities", "covered", "uncovered", "coverage_rate" (0..100, 1 decimal),
                     "members", "members_assigned", "members_unassigned"},
        }

    Four queries whatever the size: townships, communities with counts, township counts, member counts.
    """
    on = on or timezone.localdate()
    ids = sorted(set(committee_ids)) if committee_ids is not None else None
    townships = Township.objects.all()
    communities = Community.objects.all()
    assignments = Assignment.objects.filter(_active_q(on=on), member__is_active=True)
    members = Member.objects.filter(is_active=True)
    if ids is not None:
        townships = townships.filter(committee_id__in=ids)
        communities = communities.filter(township__committee_id__in=ids)
        assignments = assignments.filter(township__committee_id__in=ids)
        members = members.filter(committee_id__in=ids)

    t_rows = list(townships.order_by("committee_id", "order", "pk").values(
        "id", "name", "kind", "committee_id", "committee__name", "committee__short_name"))
    active_for_community = Q(assignments__member__is_active=True) & _active_q("assignments", on)
    c_rows = communities.order_by("township_id", "pk").values("id", "name", "kind", "township_id").annotate(
        members=Count("assignments__member", filter=active_for_community, distinct=True))
    t_counts = dict(assignments.values("township_id").annotate(n=Count("member", distinct=True))
                    .values_list("township_id", "n"))
    per_committee = {
        row["committee_id"]: row for row in members.values("committee_id").annotate(
            total=Count("pk"), assigned=Count("pk", filter=Q(pk__in=assignments.values("member_id"))))
    }

    by_township: dict[int, list[dict]] = {}
    for c in c_rows:
        by_township.setdefault(c["township_id"], []).append(
            {"id": c["id"], "name": c["name"], "kind": c["kind"], "members": c["members"]})
    result = []
    for t in t_rows:
        rows = by_township.get(t["id"], [])
        uncovered = [c for c in rows if c["members"] == 0]
        result.append({
            "id": t["id"], "name": t["name"], "kind": t["kind"], "committee_id": t["committee_id"],
            "committee_name": t["committee__short_name"] or t["committee__name"],
            "members": t_counts.get(t["id"], 0),
            "communities": len(rows), "covered": len(rows) - len(uncovered), "uncovered": len(uncovered),
            "community_rows": rows, "uncovered_communities": uncovered,
        })
    by_committee: dict[int, dict] = {}
    for t in result:
        row = by_committee.setdefault(t["committee_id"], {
            "committee_id": t["committee_id"], "committee_name": t["committee_name"], "townships": []})
        row["townships"].append(t)
    committees = [_totals(row["townships"], per_committee.get(cid, {}), committee_id=cid,
                          committee_name=row["committee_name"]) for cid, row in by_committee.items()]
    members_total = {"total": sum(r["total"] for r in per_committee.values()),
                     "assigned": sum(r["assigned"] for r in per_committee.values())}
    return {"on": on, "townships": result, "committees": committees, "totals": _totals(result, members_total)}


def _totals(townships: list[dict], members: dict, **extra) -> dict:
    n_comm = sum(t["communities"] for t in townships)
    n_cov = sum(t["covered"] for t in townships)
    total, assigned = members.get("total", 0), members.get("assigned", 0)
    return {
        **extra, "townships": len(townships), "communities": n_comm, "covered": n_cov, "uncovered": n_comm - n_cov,
        "coverage_rate": round(100 * n_cov / n_comm, 1) if n_comm else 0.0,
        "members": total, "members_assigned": assigned, "members_unassigned": total - assigned,
    }


def member_points(*, member_id: int, year: int) -> dict:
    """A member's points in ``year``: total, per rule, and the entries (with their source acts)."""
    entries = PointEntry.objects.filter(member_id=member_id, occurred_on__year=year)
    total = entries.aggregate(s=Sum("points"))["s"] or 0
    by_rule = list(entries.values("rule__name").annotate(points=Sum("points"), acts=Count("pk"))
                   .order_by("-points", "rule__name"))
    rows = list(entries.select_related("rule", "content_type").order_by("-occurred_on", "-pk"))
    _label_acts(rows)
    return {"year": year, "total": total, "by_rule": by_rule, "entries": rows}


ACT_LABEL_FIELDS = ("title", "name", "subject", "code")


def _label_acts(entries: list[PointEntry]) -> None:
    """Set ``entry.act_label`` ("提案：…") from the source's title-like field: one query per kind of
    source (a handful of models), not per entry — str(source) could follow foreign keys per row."""
    by_ct: dict = {}
    for e in entries:
        e.act_label = e.content_type.name if e.content_type_id else ""
        if e.content_type_id:
            by_ct.setdefault(e.content_type, set()).add(e.object_id)
    labels: dict[tuple[int, int], str] = {}
    for ct, ids in by_ct.items():
        model = ct.model_class()
        if model is None:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        field = next((f for f in ACT_LABEL_FIELDS if f in names), None)
        if field is None:
            continue
        for pk, value in model._default_manager.filter(pk__in=ids).values_list("pk", field):
            labels[(ct.pk, pk)] = f"{model._meta.verbose_name}：{value}"
    for e in entries:
        if e.content_type_id and (e.content_type_id, e.object_id) in labels:
            e.act_label = labels[(e.content_type_id, e.object_id)]
