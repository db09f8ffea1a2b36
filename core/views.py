from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import mark_read
from .scoping import Role, user_scope


def home(request):
    """Send each kind of user to the page they use most; the public sees the portal's front page."""
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    s = user_scope(request.user)
    if s.has(Role.STAFF) or s.has(Role.LEADER):
        target = "dashboards:home" if _has_url("dashboards:home") else "admin:index"
        return redirect(target)
    if s.unit_id:
        for target in ("dashboards:unit-home", "opinions:unit-inbox"):
            if _has_url(target):
                return redirect(target)
    if s.member_id and _has_url("workstations:my"):
        return redirect("workstations:my")
    return render(request, "core/home.html")


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
        return True
    except NoReverseMatch:
        return False


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    ids = request.POST.getlist("id")
    mark_read(request.user, [int(i) for i in ids if i.isdigit()] if ids else None)
    return redirect(request.POST.get("next") or "core:notifications")


def csrf_failure(request, reason=""):
    """A Chinese page instead of Django's English CSRF error (e.g. a form left open overnight)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
