"""The EXPECTED table of the permission matrix, written as data (SPEC section 5, issue 10).

Each answer is one of ``ok`` (2xx, or 3xx other than to a login page; for a write, a 400 from the
validation of the empty body also counts: the request got past the permission check), ``login``
(a redirect to a login page, or 401/403 for an anonymous API call), ``403`` (the role may not do
this) and ``404`` (the object is outside the role's scope: the role may not learn it exists). ``403|404``
is written for an object outside the scope of a role that may never do this: a refusal by role
before the lookup (403) leaks nothing either.

Pages and API are written as rules per route: which roles may (``allow``), and which object of county
A the route names (``obj``). A role that may not is answered 403 when it can see that object (or
when the route names no object), 404 when it cannot. Roles of county B act in their own county on
routes that name no object, so they get what the same role of A gets; on A's objects they get 404
(403 where the object is public, as an approved public comment is).
The admin is written per model, by the kind of table (county rows, global tables, append-only
records, superuser-only tables) and per admin operation.

A route missing from these rules fails the matrix: a new URL must be classified here.
"""

from __future__ import annotations

import fnmatch

from tests.matrix_world import ROLES

# --- roles ------------------------------------------------------------------------------------------

MEMBERS = {"member", "convenor"}
OFFICE = {"staff", "leader", "city_staff", "superuser"}
MANAGERS = {"staff", "city_staff", "superuser"}
EVERYONE = {"member", "convenor", "unit"} | OFFICE
PUBLIC = "public"

# Which roles of county A (and the city, and the superuser) can see each object the routes name.
VISIBLE = {
    "ws": MEMBERS | OFFICE,            # W1: m1 resident, m2 convenor
    "day": MEMBERS | OFFICE,
    "visit": MEMBERS | OFFICE,
    "report": {"member", "unit"} | OFFICE,   # by m1, forwarded to U1
    "instruction": {"unit"} | OFFICE,        # on R1, which U1 answered
    "feedback": {"unit"} | OFFICE,
    "bulletin": OFFICE,
    "consultation": {"unit"} | OFFICE,       # K2: U1 handles one of its outcomes
    "outcome": {"unit"} | OFFICE,
    "topic_comment": OFFICE,
    "menu": MEMBERS | OFFICE,                # published: a menu of duties for members
    "menu_topic": MEMBERS | OFFICE,
    "claim": {"member"} | OFFICE,            # m1's claim
    "assigned": {"member", "unit"} | OFFICE,  # by m1; U1 leads, U2 co-handles
    "draft": MEMBERS | OFFICE,               # by m1; m2 invited to co-sign
    "proposal": {"member", "unit"} | OFFICE,  # P1: by m1, answered by U1, opened to the public
    "public_comment": set(ROLES) - {"anonymous"},  # approved (so public), on P1 which U1 answered
    "answer": {"member", "unit"} | OFFICE,
    "countersigned": {"member", "unit"} | OFFICE,  # by m1; U2 leads, U1 countersigns
    "rollup": OFFICE,
    "directory": EVERYONE,                   # committee A, its sectors, townships, units
    "m1": {"member"} | OFFICE,
    "own": {"member"} | OFFICE,              # m1's assignments and point entries
    "topic": OFFICE,
    "follow_up": OFFICE,
}


class R:
    """A rule for page and API routes: ``key`` (an fnmatch pattern on the route's name), the
    methods it covers, the roles that may, and the object the route names."""

    def __init__(self, key: str, methods: str, allow, obj: str | None = None, **override):
        self.key = key
        self.methods = set(methods.split())
        self.allow = allow if allow == PUBLIC else set(allow)
        self.obj = obj
        self.override = override  # role → answer, for the few cells the rule above does not say

    def matches(self, key: str, method: str) -> bool:
        return fnmatch.fnmatchcase(key, self.key) and method in self.methods

    def expected(self, role: str) -> str:
        if role in self.override:
            return self.override[role]
        if self.allow == PUBLIC:
            return "ok"
        if role == "anonymous":
            return "login"
        base = role[2:] if role.startswith("b_") else role
        if self.obj is None:
            return "ok" if base in self.allow else "403"
        sees = role in VISIBLE[self.obj]
        if role in self.allow:  # (never a role of B: A's objects are not theirs to act on)
            return "ok"
        if sees:
            return "403"
        # Outside the role's scope. A role that may do this in its own scope must not learn the
        # object exists (404); a role that may never do it may be refused before the lookup (403).
        return "404" if base in self.allow else "403|404"


ALL = "GET POST PUT PATCH DELETE"
W = "POST PUT PATCH DELETE"

PAGES = [
    # the front door, login, language
    R("home", "GET", PUBLIC),
    R("login", "GET POST", PUBLIC),
    R("logout", "POST", PUBLIC),
    R("set_language", "GET POST", PUBLIC),
    # notifications and points
    R("core:notifications", "GET", EVERYONE),
    R("core:notifications-read", "POST", EVERYONE),
    R("members:my-points", "GET", MEMBERS),
    # workstations
    R("workstations:list", "GET", EVERYONE),
    R("workstations:my", "GET", MEMBERS | OFFICE),  # the office is sent on to the list
    R("workstations:my-history", "GET", MEMBERS),
    R("workstations:detail", "GET", MEMBERS | OFFICE, "ws"),
    R("workstations:log", "GET POST", MEMBERS | MANAGERS, "ws"),
    R("workstations:calendar", "GET POST", {"convenor"} | MANAGERS, "ws"),
    R("workstations:roster", "GET POST", {"convenor"} | MANAGERS, "ws"),
    R("workstations:standards", "GET POST", {"convenor"} | MANAGERS, "ws"),
    R("workstations:visits", "GET", {"convenor"} | MANAGERS, "ws"),
    R("workstations:poster", "GET", {"convenor"} | MANAGERS, "ws"),
    R("workstations:day-detail", "GET", MEMBERS | OFFICE, "day"),
    R("workstations:visit-detail", "GET", MEMBERS | OFFICE, "visit"),
    R("workstations:visit-detail", "POST", {"convenor"} | MANAGERS, "visit"),
    R("workstations:public", "GET POST", PUBLIC),
    R("workstations:qr-*", "GET", PUBLIC),
    R("workstations:track*", "GET", PUBLIC),
    # opinion reports
    R("opinions:my", "GET", EVERYONE),
    R("opinions:create", "GET POST", MEMBERS | MANAGERS),
    R("opinions:from-visit", "POST", MEMBERS | MANAGERS, "visit"),
    R("opinions:detail", "GET", VISIBLE["report"], "report"),
    R("opinions:register", "POST", MANAGERS, "report"),
    R("opinions:reject", "POST", MANAGERS, "report"),
    R("opinions:forward", "POST", MANAGERS, "report"),
    R("opinions:return", "POST", MANAGERS | {"unit"}, "report"),
    R("opinions:feedback", "POST", MANAGERS | {"unit"}, "report"),
    R("opinions:carry-back", "GET POST", {"member"} | MANAGERS, "report"),
    R("opinions:close", "POST", MANAGERS, "report"),
    R("opinions:instruct", "POST", {"leader", "superuser"}, "report"),
    R("opinions:instruction-acted", "POST", MANAGERS, "instruction"),  # the office records it
    R("opinions:feedback-attachment", "GET", VISIBLE["feedback"], "feedback"),
    R("opinions:office", "GET", OFFICE),
    R("opinions:overdue", "GET", OFFICE),
    R("opinions:bulletins", "GET", OFFICE),
    R("opinions:bulletin-create", "GET POST", MANAGERS),
    R("opinions:bulletin-detail", "GET", OFFICE, "bulletin"),
    R("opinions:unit-inbox", "GET", {"unit"}),
    R("opinions:unit-detail", "GET", {"unit"}, "report"),
    R("opinions:calendar", "GET", OFFICE),
    R("opinions:calendar", "POST", MANAGERS),
    # consultations
    R("consultations:list", "GET", EVERYONE),
    R("consultations:create", "GET POST", {"convenor"} | MANAGERS),
    R("consultations:mine", "GET", MEMBERS),
    R("consultations:detail", "GET", VISIBLE["consultation"], "consultation"),
    R("consultations:act", "POST", MANAGERS, "consultation"),
    R("consultations:unit-outcomes", "GET", {"unit"}),
    R("consultations:outcome-report", "POST", {"unit", "superuser"}, "outcome"),
    R("consultations:online", "GET POST", PUBLIC),
    R("consultations:moderation", "GET", MANAGERS),
    R("consultations:comment-moderate", "POST", MANAGERS, "topic_comment"),
    R("consultations:menu", "GET", EVERYONE),
    R("consultations:menu-create", "POST", {"staff", "city_staff"}),  # for their own committee
    R("consultations:menu-topic-add", "POST", MANAGERS, "menu"),
    R("consultations:menu-publish", "POST", MANAGERS, "menu"),
    R("consultations:menu-claim", "POST", MEMBERS, "menu_topic"),
    R("consultations:menu-unclaim", "POST", {"member", "superuser"}, "claim"),
    R("consultations:overdue", "GET", OFFICE),
    # proposals: members
    R("proposals:my", "GET", MEMBERS),
    R("proposals:create", "GET POST", MEMBERS),
    R("proposals:detail", "GET", VISIBLE["assigned"], "assigned"),
    R("proposals:edit", "GET POST", {"member"} | MANAGERS, "draft"),
    R("proposals:cosigners-add", "POST", {"member"} | MANAGERS, "draft"),
    R("proposals:cosigner-remove", "POST", {"member"} | MANAGERS, "draft"),
    R("proposals:invite", "POST", {"member"} | MANAGERS, "draft"),
    R("proposals:withdraw", "POST", {"member"} | MANAGERS, "draft"),
    R("proposals:submit", "POST", {"member"} | MANAGERS, "draft"),
    R("proposals:cosign", "POST", {"convenor"}, "draft"),
    R("proposals:evaluate", "POST", {"member"} | MANAGERS, "proposal"),  # staff record a phoned-in one
    # proposals: office
    R("proposals:office", "GET POST", MANAGERS),
    R("proposals:office-create", "GET POST", {"staff", "city_staff"}),  # for their own committee
    R("proposals:moderation", "GET", MANAGERS),
    R("proposals:comment-moderate", "POST", MANAGERS, "public_comment"),
    R("proposals:comment-reply", "POST", MANAGERS | {"unit"}, "public_comment"),
    R("proposals:file", "POST", MANAGERS, "assigned"),
    R("proposals:not-file", "POST", MANAGERS, "assigned"),
    R("proposals:convert", "POST", MANAGERS, "assigned"),
    R("proposals:assign", "POST", MANAGERS, "assigned"),
    R("proposals:key", "POST", MANAGERS, "assigned"),
    R("proposals:review-class", "POST", MANAGERS, "assigned"),
    R("proposals:release", "POST", MANAGERS, "assigned"),
    R("proposals:open-public", "POST", MANAGERS, "assigned"),
    # proposals: units and leaders
    R("proposals:unit", "GET", {"unit"}),
    R("proposals:unit-comments", "GET", {"unit"}),
    R("proposals:answer", "GET POST", {"unit"}, "assigned"),
    R("proposals:answer-document", "GET", VISIBLE["answer"], "answer"),  # P1 is evaluated: m1 reads it
    R("proposals:countersign", "POST", {"unit"}, "countersigned"),
    R("proposals:key-list", "GET", OFFICE),
    R("proposals:supervise", "POST", MANAGERS, "assigned"),  # not a key proposal: no supervising leader
    R("proposals:public-list", "GET", PUBLIC),
    R("proposals:public-detail", "GET POST", PUBLIC),
    # dashboards
    R("dashboards:home", "GET", OFFICE),
    R("dashboards:units", "GET", OFFICE),
    R("dashboards:drill", "GET", OFFICE),
    R("dashboards:refresh", "POST", MANAGERS),
    R("dashboards:rollups", "GET", OFFICE),
    R("dashboards:rollup-create", "POST", MANAGERS),  # leaders read roll-ups, staff order them
    R("dashboards:rollup-status", "GET", OFFICE, "rollup"),
    R("dashboards:rollup-download", "GET", OFFICE, "rollup"),
    R("dashboards:unit-home", "GET", {"unit"}),
]

DIRECTORY = ("sector", "special-committee", "township", "community", "handling-unit")
API = [
    R("schema", "GET", PUBLIC),
    R("api-docs", "GET", PUBLIC),
    R("api-token", "POST", PUBLIC),
    R("members-coverage", "GET", OFFICE),
    R("committee-list", "GET", EVERYONE),
    R("committee-detail", "GET", EVERYONE, "directory"),
    *[R(f"{b}-list", "GET", EVERYONE) for b in DIRECTORY],
    *[R(f"{b}-list", "POST", MANAGERS) for b in DIRECTORY],
    *[R(f"{b}-detail", "GET", EVERYONE, "directory") for b in DIRECTORY],
    *[R(f"{b}-detail", W, MANAGERS, "directory") for b in DIRECTORY],
    R("member-list", "GET", EVERYONE),
    R("member-list", "POST", MANAGERS),
    R("member-detail", "GET", VISIBLE["m1"], "m1"),
    R("member-detail", W, MANAGERS, "m1"),
    R("assignment-list", "GET", EVERYONE),
    R("assignment-list", "POST", MANAGERS),
    R("assignment-detail", "GET", VISIBLE["own"], "own"),
    R("assignment-end", "POST", MANAGERS, "own"),
    R("point-entry-list", "GET", EVERYONE),
    R("point-entry-detail", "GET", VISIBLE["own"], "own"),
    R("workstation-list", "GET", EVERYONE),
    R("workstation-detail", "GET", VISIBLE["ws"], "ws"),
    R("workstation-log-reception", "POST", MEMBERS | MANAGERS, "ws"),
    R("reception-day-list", "GET", EVERYONE),
    R("reception-day-detail", "GET", VISIBLE["day"], "day"),
    R("visit-list", "GET", EVERYONE),
    R("visit-detail", "GET", VISIBLE["visit"], "visit"),
    R("workstations-public-intake", "POST", PUBLIC),
    R("workstations-public-track", "GET", PUBLIC),
    R("opinion-report-list", "GET", EVERYONE),
    R("opinion-report-list", "POST", MEMBERS | MANAGERS),
    R("opinion-report-from-visit", "POST", MEMBERS | MANAGERS),
    R("opinion-report-detail", "GET", VISIBLE["report"], "report"),
    R("opinion-report-carry-back", "POST", {"member"} | MANAGERS, "report"),
    R("opinion-report-close", "POST", MANAGERS, "report"),
    R("opinion-report-feedback", "POST", MANAGERS | {"unit"}, "report"),
    R("opinion-report-forward", "POST", MANAGERS, "report"),
    R("opinion-report-instruct", "POST", {"leader", "superuser"}, "report"),
    R("opinion-report-register", "POST", MANAGERS, "report"),
    R("opinion-report-reject", "POST", MANAGERS, "report"),
    R("opinion-report-return*", "POST", MANAGERS | {"unit"}, "report"),
    R("opinion-bulletin-list", "GET", EVERYONE),
    R("opinion-bulletin-list", "POST", MANAGERS),
    R("opinion-bulletin-detail", "GET", OFFICE, "bulletin"),
    R("consultation-topic-list", "GET", EVERYONE),
    R("consultation-topic-list", "POST", MANAGERS),
    R("consultation-topic-detail", "GET", OFFICE, "topic"),
    R("consultation-list", "GET", EVERYONE),
    R("consultation-list", "POST", {"convenor"} | MANAGERS),
    R("consultation-detail", "GET", VISIBLE["consultation"], "consultation"),
    R("consultation-act", "POST", MANAGERS, "consultation"),
    R("consultation-outcome-list", "GET", EVERYONE),
    R("consultation-outcome-detail", "GET", VISIBLE["outcome"], "outcome"),
    R("consultation-outcome-report", "POST", {"unit", "superuser"}, "outcome"),
    R("consultation-follow-up-list", "GET", EVERYONE),
    R("consultation-follow-up-detail", "GET", OFFICE, "follow_up"),
    R("menu-claim-list", "GET", EVERYONE),
    R("menu-claim-list", "POST", MEMBERS),
    R("menu-claim-detail", "GET", VISIBLE["claim"], "claim"),
    R("menu-claim-detail", "DELETE", {"member", "superuser"}, "claim"),
    R("proposal-list", "GET", EVERYONE),
    R("proposal-list", "POST", MEMBERS | MANAGERS),
    R("proposal-detail", "GET", VISIBLE["assigned"], "assigned"),
    R("proposal-assign", "POST", MANAGERS, "assigned"),
    R("proposal-convert", "POST", MANAGERS, "assigned"),
    R("proposal-file", "POST", MANAGERS, "assigned"),
    R("proposal-not-file", "POST", MANAGERS, "assigned"),
    R("proposal-open-public", "POST", MANAGERS, "assigned"),
    R("proposal-release", "POST", MANAGERS, "assigned"),
    R("proposal-review-class", "POST", MANAGERS, "assigned"),
    R("proposal-supervise", "POST", MANAGERS, "assigned"),
    R("proposal-countersign", "POST", {"unit"}, "countersigned"),
    R("proposal-cosign", "POST", {"convenor"}, "draft"),
    R("proposal-invite", "POST", {"member"} | MANAGERS, "draft"),
    R("proposal-submit", "POST", {"member"} | MANAGERS, "draft"),
    R("proposal-withdraw", "POST", {"member"} | MANAGERS, "draft"),
    R("proposal-evaluate", "POST", {"member"} | MANAGERS, "proposal"),
    R("proposal-answer-list", "GET", EVERYONE),
    R("proposal-answer-list", "POST", {"unit", "superuser"}),
    R("proposal-answer-detail", "GET", VISIBLE["answer"], "answer"),
    R("proposal-evaluation-list", "GET", EVERYONE),
    R("proposal-evaluation-list", "POST", MEMBERS | MANAGERS),  # staff record a phoned-in one
    R("proposal-opening-*", "GET", PUBLIC),
    R("proposal-comment-list", "GET POST", PUBLIC),
    R("proposal-comment-moderate", "POST", MANAGERS, "public_comment"),
    R("proposal-comment-reply", "POST", MANAGERS | {"unit"}, "public_comment"),
    R("dashboard-rollup-list", "GET", OFFICE),
    R("dashboard-rollup-list", "POST", MANAGERS),
    R("dashboard-rollup-detail", "GET", OFFICE, "rollup"),
    R("dashboard-rollup-download", "GET", OFFICE, "rollup"),
    R("dashboard-summary", "GET", OFFICE),
    R("dashboard-units", "GET", OFFICE),
]

# --- the admin ------------------------------------------------------------------------------------

ADMIN_USERS = {"staff", "leader", "city_staff", "superuser", "b_staff", "b_leader"}

# county: rows of a committee; the office reads, staff write.  global: shared tables; the office
# reads, superusers write.  records: written only by the workflow (timeline, answers, statistics …);
# the office reads, nobody writes.  superuser: operations tables only superusers see.
ADMIN_MODELS = {
    "county": [
        "members.Committee", "members.Term", "members.PlenarySession", "members.Sector", "members.SpecialCommittee",
        "members.Township", "members.Community", "members.HandlingUnit", "members.Member", "members.Assignment",
        "auth.User", "workstations.WorkstationMonthFlag",
        "workstations.Workstation", "workstations.ReceptionDay", "workstations.Visit",
        "opinions.OpinionReport", "opinions.Bulletin", "opinions.LeaderInstruction", "opinions.CarryBack",
        "consultations.Topic", "consultations.Consultation", "consultations.TopicComment", "consultations.DutyMenu",
        "consultations.MenuClaim", "consultations.FollowUpVisit", "consultations.Outcome",
        "proposals.Proposal", "proposals.PublicComment", "proposals.PublicOpening",
        "dashboards.RollupReport",
    ],
    "global": ["core.DeadlinePolicy", "core.CalendarDay", "auth.Group", "members.PointRule"],
    "records": [
        "core.StateChange", "dashboards.DailyStat", "members.CoverageReport", "members.PointEntry",
        "proposals.Answer", "proposals.Countersign", "proposals.Evaluation", "proposals.SupervisionRecord",
        "proposals.Review",
    ],
    # scoped rows that only superusers change
    "county_superuser": ["core.Notification", "proposals.ProposalCounter"],
    "superuser": ["authtoken.TokenProxy"],
    # the outbox: only superusers look at it, and nobody edits it (the relay owns it)
    "superuser_records": ["core.OutboxMessage"],
    # the roster import is staff's tool: leaders do not see it
    "staff": ["members.RosterImport"],
}
# Rows the workflow creates: staff do not add them by hand in the admin (the services do).
ADMIN_NO_ADD = {"proposals.Proposal", "proposals.PublicOpening", "dashboards.RollupReport", "opinions.OpinionReport",
                "opinions.Bulletin", "opinions.LeaderInstruction", "opinions.CarryBack"}
# Numbered bulletins are never deleted; committees are added and removed by superusers.
ADMIN_NO_DELETE = {"opinions.Bulletin"}
ADMIN_SUPERUSER_ADD_DELETE = {"members.Committee"}
# Actions are run by those who may change the rows; read-only ones by those who may see them. The bulk
# delete is the superusers' only, and not for the rows below.
ADMIN_READ_ACTIONS = {"export_selected"}
ADMIN_NO_BULK_DELETE = {"opinions.Bulletin", "authtoken.TokenProxy"}
ADMIN_SITE = {
    "admin:index": "view", "admin:app_list": "view", "admin:jsi18n": "view", "admin:password_change": "view",
    "admin:password_change_done": "view",
}


def _admin_kind(label: str) -> str | None:
    for kind, labels in ADMIN_MODELS.items():
        if label in labels:
            return kind
    return None


def admin_expected(route, method: str, variant: str, role: str) -> str | None:
    """The admin's answer; None when the route is not classified."""
    key = route.key
    if key == "admin:login":
        return "ok"
    if key == "admin:logout":
        return "ok"
    if role not in ADMIN_USERS:
        return "login"
    base_role = role[2:] if role.startswith("b_") else role
    if key in ADMIN_SITE:
        return "ok"
    if key == "admin:autocomplete":
        return "403"  # called without its field parameters
    if key in ("admin:view_on_site", "admin/(?P<url>.*)"):
        return "404"  # no "view on site" link for a workstation; no such admin page
    if route.model is None:
        return None
    label = route.model._meta.label
    kind = _admin_kind(label)
    if kind is None:
        return None
    op = _admin_op(route, method, variant)
    if op is None:
        return None
    can_view = {"county": OFFICE, "global": OFFICE, "records": OFFICE, "county_superuser": OFFICE,
                "superuser": {"superuser"}, "superuser_records": {"superuser"}, "staff": MANAGERS}[kind]
    can_write = {"county": MANAGERS, "global": {"superuser"}, "records": set(), "county_superuser": {"superuser"},
                 "superuser": {"superuser"}, "superuser_records": set(), "staff": MANAGERS}[kind]
    if (op == "add" and label in ADMIN_NO_ADD) or (op == "delete" and label in ADMIN_NO_DELETE):
        can_write = set()
    if op in ("add", "delete") and label in ADMIN_SUPERUSER_ADD_DELETE:
        can_write = {"superuser"}
    if op == "redirect":
        return "ok"  # the bare object URL only redirects to its change page, checked there
    if base_role not in can_view:
        # a table the role may not see at all: refused, or its rows are simply not found
        return "403" if op in ("list", "custom_list", "add", "action") else "403|404"
    in_scope = not role.startswith("b_") or kind == "global"
    if op in ("list", "custom_list"):
        return "ok"
    if op == "add":
        return "ok" if base_role in can_write else "403"
    if op == "action":
        if variant == "delete_selected":  # one at a time for staff; never for append-only rows
            allowed = base_role == "superuser" and base_role in can_write and label not in ADMIN_NO_BULK_DELETE
        elif variant in ADMIN_READ_ACTIONS:
            allowed = True
        else:
            allowed = base_role in can_write
        return "ok" if allowed else "403"
    if op == "object_custom":  # roster import steps
        if base_role not in can_view:
            return "403|404"
        if not in_scope:
            return "404"
        return "ok" if base_role in MANAGERS else "403"
    # object pages: view, history, change (POST), delete (GET and POST)
    if base_role not in can_write and op in ("change", "delete"):
        return "404" if not in_scope else "403"
    if not in_scope:
        return "404"
    return "ok"


def _admin_op(route, method: str, variant: str) -> str | None:
    short = route.key.split(":", 1)[-1]
    if route.key == route.pattern:
        return "redirect" if route.pattern.endswith("<path:object_id>/") else None
    if short.endswith("_changelist"):
        return "action" if method == "POST" and variant else "list"
    if short == "auth_user_password_change":
        return "change"
    if short.endswith("_add"):
        return "add"
    if short.endswith("_history"):
        return "view"
    if short.endswith("_delete"):
        return "delete"
    if short.endswith("_change"):
        return "change" if method == "POST" else "view"
    if short in ("members_member_export", "members_rosterimport_template"):
        return "custom_list"
    if short in ("members_rosterimport_step", "members_rosterimport_confirm"):
        return "object_custom"
    return None


# --- lookup -----------------------------------------------------------------------------------------

def expected(cell, role: str) -> str | None:
    route = cell.route
    if route.kind == "admin":
        return admin_expected(route, cell.method, cell.variant, role)
    rules = PAGES if route.kind == "page" else API
    for rule in rules:
        if rule.matches(route.key, cell.method):
            return rule.expected(role)
    return None


assert set(ROLES) >= {"anonymous", "member", "convenor", "unit", "staff", "leader", "city_staff", "superuser"}
