"""The handling unit's workbench page (/unit/): one table of everything waiting on the unit across
opinions, proposals and consultations. Units only; everyone else gets 404 (as on the apps' unit pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.scoping import user_scope
from members.models import HandlingUnit

from .workbench import unit_workbench


@login_required
def unit_home(request):
    s = user_scope(request.user)
    if not s.unit_id:
        raise PermissionDenied("仅限承办单位。")
    ctx = unit_workbench(user=request.user)
    ctx["unit"] = HandlingUnit.objects.filter(pk=s.unit_id).only("pk", "name").first()
    return render(request, "dashboards/unit_home.html", ctx)
