"""Every route of ``config.urls`` with the methods it answers, for the permission matrix.

Walks ``django.urls.get_resolver()`` through every include (pages, the API router, the admin site and
each ModelAdmin's own URLs) so that a newly added URL shows up here without anyone listing it.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

API_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    key: str                 # "namespace:name", or the pattern for unnamed routes
    pattern: str             # the full pattern, e.g. "workstations/<int:pk>/"
    kind: str                # "page", "api" or "admin"
    params: tuple[str, ...]  # path parameters, in order
    methods: tuple[str, ...]  # upper-case HTTP methods this route answers
    callback: object = field(compare=False, repr=False)
    model: object = field(default=None, compare=False, repr=False)  # admin: the ModelAdmin's model


def _pattern_text(p) -> str:
    text = str(p.pattern)
    if text.startswith("^"):
        text = text[1:]
    if text.endswith("$"):
        text = text[:-1]
    return text


_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _params(pattern: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_REGEX_PARAM.findall(pattern) + _ROUTE_PARAM.findall(_REGEX_PARAM.sub("", pattern))))


def _declared_methods(func) -> tuple[str, ...] | None:
    """The list given to require_http_methods/require_GET/require_POST anywhere in the wrapper chain."""
    seen = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        try:
            nonlocals = inspect.getclosurevars(func).nonlocals
        except (TypeError, ValueError):
            nonlocals = {}
        methods = nonlocals.get("request_method_list")
        if methods:
            return tuple(m.upper() for m in methods)
        func = getattr(func, "__wrapped__", None)
    return None


def _innermost(func):
    seen = set()
    while hasattr(func, "__wrapped__") and id(func) not in seen:
        seen.add(id(func))
        func = func.__wrapped__
    return func


def _page_methods(callback) -> tuple[str, ...]:
    declared = _declared_methods(callback)
    if declared:
        return tuple(m for m in declared if m in ("GET", "POST"))
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(m.upper() for m in ("get", "post") if hasattr(view_class, m) and m in view_class.http_method_names)
    try:
        source = inspect.getsource(_innermost(callback))
    except (OSError, TypeError):
        source = ""
    return ("GET", "POST") if 'request.method == "POST"' in source else ("GET",)


def _api_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a ViewSet route: the router's method → action map
        return tuple(m.upper() for m in API_METHODS if m in actions)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return ("GET",)
    return tuple(m.upper() for m in API_METHODS if hasattr(cls, m))


def _walk(patterns, prefix: str, namespace: str, out: list, admin_model=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            model = admin_model
            # admin.site.get_urls() includes each ModelAdmin's urls; remember the model for filling ids.
            owner = getattr(p.urlconf_name, "__self__", None) if not isinstance(p.urlconf_name, (list, tuple)) else None
            if owner is not None and hasattr(owner, "model"):
                model = owner.model
            elif isinstance(p.urlconf_name, (list, tuple)) and p.urlconf_name:
                first = p.urlconf_name[0]
                cb = getattr(first, "callback", None)
                model_admin = getattr(getattr(cb, "__self__", None), "model", None) or getattr(
                    getattr(cb, "model_admin", None), "model", None)
                model = model_admin or admin_model
            _walk(p.url_patterns, prefix + _pattern_text(p), ns, out, model)
        elif isinstance(p, URLPattern):
            pattern = prefix + _pattern_text(p)
            name = f"{namespace}:{p.name}" if (namespace and p.name) else (p.name or "")
            out.append((pattern, name, p.callback, admin_model))


def _model_of_admin_callback(callback):
    """ModelAdmin views are bound methods wrapped by admin_view; find the ModelAdmin's model."""
    func = callback
    seen = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        owner = getattr(func, "__self__", None)
        if owner is not None and hasattr(owner, "model") and hasattr(owner, "admin_site"):
            return owner.model
        model_admin = getattr(func, "model_admin", None)
        if model_admin is not None:
            return model_admin.model
        try:
            cells = inspect.getclosurevars(func).nonlocals
        except (TypeError, ValueError):
            cells = {}
        for value in cells.values():
            owner = getattr(value, "__self__", None)
            if owner is not None and hasattr(owner, "model") and hasattr(owner, "admin_site"):
                return owner.model
            if callable(value) and getattr(value, "__wrapped__", None) is not None:
                inner = _model_of_admin_callback(value)
                if inner is not None:
                    return inner
        func = getattr(func, "__wrapped__", None)
    return None


def all_routes() -> list[Route]:
    raw: list = []
    _walk(get_resolver().url_patterns, "", "", raw)
    routes = []
    for pattern, name, callback, admin_model in raw:
        if pattern.startswith("api/v1/") or pattern.startswith("api/schema") or pattern.startswith("api/docs"):
            kind = "api"
            # DRF's format-suffix routes are the same views; the matrix calls the plain ones.
            if "format" in _params(pattern):
                continue
            methods = _api_methods(callback)
        elif pattern.startswith("admin/"):
            kind = "admin"
            methods = None
            admin_model = _model_of_admin_callback(callback) or admin_model
        else:
            kind = "page"
            methods = _page_methods(callback)
        if kind == "admin":
            methods = _admin_methods(name, pattern, callback)
        routes.append(Route(key=name or pattern, pattern=pattern, kind=kind, params=_params(pattern),
                            methods=methods, callback=callback, model=admin_model if kind == "admin" else None))
    return routes


def _admin_methods(name: str, pattern: str, callback) -> tuple[str, ...]:
    short = name.split(":", 1)[-1]
    declared = _declared_methods(callback)
    if declared:
        return tuple(m for m in declared if m in ("GET", "POST"))
    if short.endswith(("_changelist", "_add", "_change", "_delete")) or short in ("login", "password_change"):
        return ("GET", "POST")
    if short == "logout":
        return ("POST",)
    return ("GET",)
