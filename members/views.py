"""Member-facing pages of the committee directory (phone first)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from core.params import parse_id
from core.scoping import user_scope

from . import selectors


@login_required
def my_points(request):
    """我的履职积分: this year's total (or ?year=), per rule, and every entry with its act."""
    s = user_scope(request.user)
    if not s.member_id:
        raise PermissionDenied("当前账号未关联委员。")
    this_year = timezone.localdate().year
    year = request.GET.get("year", "")
    year = parse_id(year)  # "²".isdigit() is true but int("²") fails; out of range: this year
    year = year if year and 2000 <= year <= this_year else this_year
    data = selectors.member_points(member_id=s.member_id, year=year)
    return render(request, "members/my_points.html", {
        **data, "years": range(this_year, this_year - 5, -1),
    })
