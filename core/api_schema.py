"""The API's schema: every operation documents its error answers in one place (set as
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]). Kept apart from core.api, which DRF imports while it
defines its view classes."""

from __future__ import annotations

from drf_spectacular import openapi as spectacular_openapi
from drf_spectacular.utils import OpenApiResponse

from .api import ErrorSerializer


class AutoSchema(spectacular_openapi.AutoSchema):
    """Every operation documents its error answers once, here: 400 (validation or a refused step),
    401/403 (not logged in / the role may not), 404 (outside the scope), and 429 where the view
    names the action in ``rate_limited_actions``."""

    ERRORS = {
        "400": "输入有误或当前状态不允许此操作（字段错误为 {字段: [说明]}）",
        "401": "未登录或令牌无效",
        "403": "无权执行此操作",
        "404": "不存在或不在您的可见范围内",
        "429": "提交过于频繁",
    }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404"]
        action = getattr(self.view, "action", None) or self.method.lower()
        if action in getattr(self.view, "rate_limited_actions", ()):
            codes.append("429")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=self.ERRORS[code]), code, direction=direction)
        return responses
