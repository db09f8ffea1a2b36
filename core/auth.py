"""Login doors (the page and the API token endpoint) slowed down per client.

Failed attempts are counted per client (``core.clientid``, the one client identity) by
``core.ratelimit.FailureLimiter``; past ``settings.LOGIN_FAILURE_RATE`` the client gets 429 with a
Chinese message until the window ends, whatever username it tries. Successful logins are not
counted, so an office behind one NAT address is never locked out by its own colleagues. Every
failure is logged with the client address.
"""

from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from .clientid import client_ip
from .ratelimit import FailureLimiter, RateLimited

log = logging.getLogger("portal.security")
login_limiter = FailureLimiter("login", "LOGIN_FAILURE_RATE", what="次登录失败", refusal="登录失败次数过多")


def login_failed(request, username: str) -> None:
    log.warning("login failed for %r from %s", (username or "")[:150], client_ip(request))
    login_limiter.failed(request)


class LoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        try:
            login_limiter.check(request)
        except RateLimited as exc:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, exc.message + "如忘记密码，请联系政协办公室重置。")
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)


class TokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/`` with the same slow-down as the login page (the API's exception
    handler answers :class:`RateLimited` with 429)."""

    rate_limited_actions = ("post",)  # core.api_schema documents the 429

    def post(self, request, *args, **kwargs):
        login_limiter.check(request)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            data = request.data if hasattr(request.data, "get") else {}
            login_failed(request, str(data.get("username", "")))
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
