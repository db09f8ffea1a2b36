"""Turns routes into cells (route × method, and one cell per admin action) with their URL and body,
fills path parameters with county A's objects, runs a cell and classifies its answer."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlparse

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import connection, transaction
from django.core.exceptions import FieldError
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.matrix_routes import Route, all_routes

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Cell:
    route: Route
    method: str
    variant: str = ""  # admin changelist POST: the action's name

    @property
    def label(self) -> str:
        v = f" action={self.variant}" if self.variant else ""
        return f"{self.method} {self.route.key}{v}"

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS


def all_cells() -> list[Cell]:
    cells = []
    for route in all_routes():
        for method in route.methods:
            if route.kind == "admin" and method == "POST" and route.key.endswith("_changelist") and route.model:
                model_admin = admin.site._registry.get(route.model)
                custom_page = model_admin is not None and "changelist_view" in type(model_admin).__dict__
                names = [] if custom_page or model_admin is None else [
                    name for _func, name, _desc in model_admin._get_base_actions()]
                for name in names or [""]:
                    cells.append(Cell(route, method, name))
                continue
            cells.append(Cell(route, method))
    return cells


# --- path parameters --------------------------------------------------------------------------------

# Page and API routes: which object of county A each route names.
PAGE_OBJECTS = {
    "workstations:": "ws", "workstations:day-detail": "day", "workstations:visit-detail": "visit",
    "opinions:": "report", "opinions:from-visit": "visit", "opinions:instruction-acted": "instruction",
    "opinions:feedback-attachment": "feedback", "opinions:bulletin-detail": "bulletin",
    "opinions:unit-detail": "report",
    "consultations:": "consultation", "consultations:outcome-report": "outcome", "consultations:online": "online",
    "consultations:comment-moderate": "topic_comment", "consultations:menu-topic-add": "menu",
    "consultations:menu-publish": "menu", "consultations:menu-claim": "menu_topic", "consultations:menu-unclaim": "claim",
    "proposals:": "assigned", "proposals:edit": "draft", "proposals:cosigners-add": "draft",
    "proposals:cosigner-remove": "draft", "proposals:invite": "draft", "proposals:withdraw": "draft",
    "proposals:submit": "draft", "proposals:cosign": "draft", "proposals:evaluate": "proposal",
    "proposals:comment-moderate": "public_comment", "proposals:comment-reply": "public_comment",
    "proposals:answer-document": "answer", "proposals:public-detail": "opening",
    "proposals:review-class": "assigned", "proposals:countersign": "countersigned",
    "dashboards:": "rollup",
}
API_OBJECTS = {
    "committee": "A", "sector": "S1", "special-committee": "SC1", "township": "T1", "community": "c1",
    "handling-unit": "U1", "member": "m1", "assignment": "assignment", "point-entry": "point_entry",
    "workstation": "ws", "reception-day": "day", "visit": "visit", "opinion-report": "report",
    "opinion-bulletin": "bulletin", "consultation-topic": "topic", "consultation": "consultation",
    "consultation-outcome": "outcome", "consultation-follow-up": "follow_up", "menu-claim": "claim",
    "proposal": "assigned", "proposal-answer": "answer", "proposal-opening": "opening",
    "proposal-comment": "public_comment", "dashboard-rollup": "rollup",
}
API_ACTION_OBJECTS = {"proposal-submit": "draft", "proposal-withdraw": "draft", "proposal-invite": "draft",
                      "proposal-cosign": "draft", "proposal-evaluate": "proposal",
                      "proposal-countersign": "countersigned"}
OTHER_PARAMS = {
    ("workstations:public", "code"): lambda w: w.ws.public_code,
    ("workstations:qr-png", "code"): lambda w: w.ws.public_code,
    ("workstations:qr-svg", "code"): lambda w: w.ws.public_code,
    ("workstations:track", "code"): lambda w: w.visit.tracking_code,
    ("workstations-public-track", "code"): lambda w: w.visit.tracking_code,
    ("consultations:act", "action"): lambda w: "hold_session",
    ("consultation-act", "code"): lambda w: "hold_session",
    ("proposals:cosigner-remove", "cid"): lambda w: w.cosigner.pk,
    ("dashboards:drill", "metric"): lambda w: "members.active",
    ("admin:app_list", "app_label"): lambda w: "proposals",
    ("admin/(?P<url>.*)", "url"): lambda w: "no-such-page/",
    ("admin:view_on_site", "content_type_id"): lambda w: _ct(w.ws).pk,
    ("admin:view_on_site", "object_id"): lambda w: w.ws.pk,
}

# How a model's rows reach their committee, tried in order for the admin's object ids.
COMMITTEE_PATHS = (
    "committee", "workstation__committee", "report__committee", "proposal__committee", "consultation__committee",
    "member__committee", "township__committee", "term__committee", "topic__committee", "opening__proposal__committee",
    "answer__proposal__committee", "special_committee__committee", "session__term__committee", "profile__committee",
    "unit__committee", "handling_unit__committee", "recipient__profile__committee", "recipient__member__committee",
)
ADMIN_OBJECT_OVERRIDES = {
    "auth.User": lambda w: w.users["member"].pk,
    "auth.Group": lambda w: _group("staff").pk,
    "authtoken.TokenProxy": lambda w: w.users["member"].pk,
    "members.Committee": lambda w: w.A.pk,
    "workstations.Workstation": lambda w: w.ws.pk,
    "proposals.Proposal": lambda w: w.assigned.pk,
    "members.RosterImport": lambda w: w.roster_import.pk,
}


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def _group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


def admin_object_id(model, w):
    label = model._meta.label
    if label in ADMIN_OBJECT_OVERRIDES:
        return ADMIN_OBJECT_OVERRIDES[label](w)
    qs = model._base_manager.order_by("pk")
    for path in COMMITTEE_PATHS:
        try:
            obj = qs.filter(**{path: w.A}).first()
        except (FieldError, ValueError):
            continue
        if obj is not None:
            return obj.pk
    obj = qs.first()  # a global table (deadline policies, calendar, point rules, outbox…)
    if obj is None:
        raise LookupError(f"the matrix world has no {label} row for the admin routes")
    return obj.pk


def _object(w, attr):
    obj = getattr(w, attr, None)
    if obj is None:
        raise LookupError(f"the matrix world has no object '{attr}'")
    return obj.pk


def fill(route: Route, w) -> dict:
    kwargs = {}
    for param in route.params:
        special = OTHER_PARAMS.get((route.key, param))
        if special:
            kwargs[param] = special(w)
        elif route.kind == "admin":
            kwargs[param] = admin_object_id(route.model, w) if route.model else None
        elif route.kind == "api":
            if route.key in API_ACTION_OBJECTS:
                kwargs[param] = _object(w, API_ACTION_OBJECTS[route.key])
                continue
            base = max((b for b in API_OBJECTS if route.key.startswith(b + "-")), key=len, default=None)
            if base is None:
                raise LookupError(f"no object for API route {route.key}")
            kwargs[param] = _object(w, API_OBJECTS[base])
        else:
            attr = PAGE_OBJECTS.get(route.key) or PAGE_OBJECTS.get(route.key.split(":")[0] + ":")
            if attr is None:
                raise LookupError(f"no object for page route {route.key}")
            kwargs[param] = _object(w, attr)
        if kwargs[param] is None:
            raise LookupError(f"no value for {route.key} {param}")
    return kwargs


def url_for(route: Route, w) -> str:
    kwargs = fill(route, w)
    if route.key != route.pattern:  # a named route
        return reverse(route.key, kwargs=kwargs)
    path = route.pattern
    for param, value in kwargs.items():
        path = re.sub(r"<(?:\w+:)?%s>|\(\?P<%s>[^)]*\)" % (param, param), str(value), path)
    return "/" + path


# --- running one cell ---------------------------------------------------------------------------------

def body_for(cell: Cell, w):
    if cell.route.kind == "admin" and cell.variant:
        return {"action": cell.variant, "_selected_action": [str(admin_object_id(cell.route.model, w))], "index": "0"}
    return {}


def request(client, cell: Cell, url: str, data) -> object:
    method = cell.method.lower()
    if cell.route.kind == "api" and cell.route.key != "api-docs":
        if method == "get":
            return client.get(url, HTTP_ACCEPT="application/json")
        return client.generic(cell.method, url, json.dumps(data), content_type="application/json",
                              HTTP_ACCEPT="application/json")
    if method == "get":
        return client.get(url)
    return client.post(url, data)


LOGIN_PATHS = None


def _admin_action_ran(response, action: str) -> bool:
    """Django answers an action the user is not offered with the changelist again (200, or 302 with
    "no action selected"), as it may answer a run action: tell them apart by what was answered."""
    if response.status_code == 200:  # the changelist again, or the action's own page or file
        return not (response["Content-Type"].startswith("text/html") and b'id="changelist"' in response.content)
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    from django.utils.translation import gettext

    refused = {gettext("No action selected."), "No action selected."}
    return bool(queued) and not any(str(m.message) in refused for m in queued)


def classify(response, cell: Cell | None = None) -> str:
    """ok (2xx, 3xx other than to a login page), login, or the status code as text."""
    global LOGIN_PATHS
    if LOGIN_PATHS is None:
        LOGIN_PATHS = {resolve_url(settings.LOGIN_URL), reverse("admin:login")}
    status = response.status_code
    if 300 <= status < 400:
        path = urlparse(response["Location"]).path
        if path in LOGIN_PATHS:
            return "login"
        if path == reverse("admin:index") and cell is not None and cell.route.params:
            return "404"  # the admin's "object does not exist" redirect
        return "ok"
    if cell is not None and cell.route.kind == "admin" and cell.variant and status in (200, 302):
        return "ok" if _admin_action_ran(response, cell.variant) else "not run"
    if 200 <= status < 300:
        return "ok"
    if status == 401:
        return "login"
    return str(status)


def matches(expected: str, actual: str, cell: Cell, role: str) -> bool:
    if actual in expected.split("|"):
        return True
    if expected == "ok" and actual == "400" and cell.is_write:
        return True  # past the permission check, refused by validation of the empty body
    if expected == "login" and actual == "403" and role == "anonymous" and cell.route.kind == "api":
        return True
    return False


def run_cell(client, cookies: SimpleCookie, cell: Cell, w, baseline: dict | None):
    """Run a cell in a savepoint that is always rolled back; with ``baseline`` also return the
    tables the request changed."""
    from tests.matrix_world import changed_tables, snapshot

    url = url_for(cell.route, w)
    data = body_for(cell, w)
    client.cookies = copy.deepcopy(cookies)
    cache.clear()
    changed = []
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = request(client, cell, url, data)
        # Only a request that issued a write statement can have changed a row: compare the whole
        # portal's rows with the baseline then (a service may have written and rolled back).
        if baseline is not None and any(_is_write(q["sql"]) for q in queries.captured_queries):
            changed = changed_tables(baseline, snapshot())
        transaction.set_rollback(True)
    return response, url, changed


_WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _is_write(sql: str) -> bool:
    return bool(_WRITE_SQL.match(sql)) and "django_session" not in sql
