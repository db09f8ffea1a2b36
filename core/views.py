from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .notifications import mark_read
from .params import parse_ids
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
    mark_read(request.user, parse_ids(ids) if ids else None)
    return redirect(request.POST.get("next") or "core:notifications")


def csrf_failure(request, reason=""):
    """A Chinese page instead of Django's English CSRF error (e.g. a form left open overnight)."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


# --- Error pages (handler400 / handler403, core.middleware) -------------------------------------

BAD_REQUEST_MESSAGE = "请求的内容无效，请检查输入后重试。"
FORBIDDEN_MESSAGE = "您没有权限执行此操作。"


def _user_message(exception, default: str) -> str:
    """The exception's own message when it is one of ours (Chinese); Django's internal English
    messages (SuspiciousOperation, bare PermissionDenied) are replaced by ``default``."""
    text = getattr(exception, "message", None) or (str(exception) if exception is not None else "")
    if isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return default


def _error_response(request, *, status: int, template: str, message: str, code: str):
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, template, {"message": message}, status=status)


def bad_request(request, exception=None, *args, **kwargs):
    """400 in Chinese: NUL bytes (core.middleware), ``BadRequest`` from page parameters
    (core.params), and Django's SuspiciousOperation (too many fields, malformed multipart)."""
    return _error_response(request, status=400, template="400.html", code="invalid",
                           message=_user_message(exception, BAD_REQUEST_MESSAGE))


def permission_denied(request, exception=None, *args, **kwargs):
    """403 in Chinese for a role refusal: ``core.errors.Forbidden`` from a view or service
    (core.middleware) and ``PermissionDenied`` raised by page views."""
    return _error_response(request, status=403, template="403.html", code="forbidden",
                           message=_user_message(exception, FORBIDDEN_MESSAGE))
