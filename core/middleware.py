"""Bad input and role refusals, answered in one place for every page and API path.

``BadInputMiddleware`` (in ``settings.MIDDLEWARE`` before the session middleware):

- a NUL byte anywhere in the request (path, query string keys and values, form fields, uploaded file
  names, JSON body strings) answers 400 before any view or database sees it. PostgreSQL refuses NUL
  in text ("A string literal cannot contain NUL (0x00) characters"), which used to surface as a 500
  on the public ``/t/<code>/`` and ``/w/<code>/`` pages, look-ups, filters and search boxes. Cookies
  holding a NUL are dropped (they cannot be a session or CSRF cookie this site set);
- a ``core.errors.Forbidden`` raised by a view, or a service the view called, answers 403 with its
  Chinese message (pages: ``templates/403.html``; ``/api/`` paths: ``{"detail", "code"}``).

Pages and API answer the same way through ``core.views.bad_request`` / ``core.views.permission_denied``
(also ``handler400`` / ``handler403``), so ``django.core.exceptions.BadRequest`` raised with a Chinese
message (e.g. by ``core.params``) and ``PermissionDenied`` render the same Chinese pages.
"""

from __future__ import annotations

import json

from .errors import Forbidden

NUL = "\x00"
NUL_MESSAGE = "请求中含有无效字符（NUL），请检查输入后重试。"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _querydict_has_nul(qd) -> bool:
    return any(NUL in key or any(NUL in v for v in qd.getlist(key)) for key in qd)


def request_has_nul(request) -> bool:
    """True when the path, query string, form fields, file names or a JSON body hold a NUL byte."""
    if NUL in request.path_info or NUL in request.path:
        return True
    if _querydict_has_nul(request.GET):
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = (request.content_type or "").lower()
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _querydict_has_nul(request.POST):
                return True
            if any(NUL in key or any(NUL in (f.name or "") for f in request.FILES.getlist(key))
                   for key in request.FILES):
                return True
        elif content_type.endswith("json"):
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return False  # not JSON: the API's parser answers 400 for it
            return _has_nul(data)
    return False


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .views import bad_request

        for name in [k for k, v in request.COOKIES.items() if NUL in k or NUL in v]:
            del request.COOKIES[name]
        if request_has_nul(request):
            from django.core.exceptions import BadRequest

            return bad_request(request, BadRequest(NUL_MESSAGE))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Forbidden):
            from .views import permission_denied

            return permission_denied(request, exception)
        return None
