"""Status fields are written only by the workflow engine (core.workflow.Workflow.transition).

A static check over the project source, in the spirit of Zulip's custom_check linter: an AST walk of
every ``.py`` outside tests/ and migrations/ finds writes to the state field of a workflow model —
``obj.status = …``, ``setattr(obj, "status", …)``, ``qs.update(status=…)``,
``bulk_update(objs, ["status"])``, and ``Model(status=…)`` / ``Model.objects.create(status=…)`` /
``get_or_create`` / ``update_or_create`` with anything but the model's initial state. The workflow
models and their fields are read from the ``Workflow`` objects themselves, so a new workflow is
covered without touching this file.

The writer's type is inferred from the function it appears in (``x = Model(...)``,
``x = Model.objects....get()``, ``for x in Model.objects...``, ``x: Model``); a write on another model
(a co-signer's or a comment's own status) is not a workflow write. A write whose type is unknown
counts — the check errs on the side of failing. Legitimate exceptions are the short allow-list below.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from core.workflow import Workflow

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {"tests", "migrations", ".venv", "venv", "node_modules", "static", "media", "var", "templates",
             "docs", "test-artifacts", "__pycache__", ".git"}

# Files allowed to write state fields directly, each with its reason.
ALLOWED_FILES = {
    "core/workflow.py": "the workflow engine itself",
    "proposals/demo.py": "demo data generator: builds rows in their historical states",
    "opinions/demo.py": "demo data generator: builds rows in their historical states",
    "consultations/demo.py": "demo data generator: builds rows in their historical states",
    "workstations/demo.py": "demo data generator: builds rows in their historical states",
}
# Single writes allowed: (path, function, field) -> reason. Keep this short.
ALLOWED_WRITES: dict[tuple[str, str, str], str] = {}


# --- what the workflows are ------------------------------------------------------------------------

def workflow_fields() -> dict[type, str]:
    """{model: state field} for every Workflow declared in an app's ``workflow.py``."""
    found: dict[type, str] = {}
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(ROOT):
            continue
        try:
            module = importlib.import_module(f"{config.name}.workflow")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.workflow":
                continue
            raise
        for value in vars(module).values():
            if isinstance(value, Workflow):
                found[value.model] = value.field
    return found


@dataclass(frozen=True)
class Rules:
    fields: dict[str, str]  # workflow model name -> state field
    initial: dict[str, str]  # workflow model name -> initial state (field default)
    other_models: frozenset[str]  # every other model name in the project
    relations: dict[str, dict[str, str]] | None = None  # model -> {accessor: related model}

    @property
    def field_names(self) -> set[str]:
        return set(self.fields.values())


def project_rules() -> Rules:
    flows = workflow_fields()
    fields = {m.__name__: f for m, f in flows.items()}
    initial = {}
    for m, f in flows.items():
        default = m._meta.get_field(f).default
        initial[m.__name__] = "" if default is models.NOT_PROVIDED else str(default)
    others = frozenset(m.__name__ for m in apps.get_models() if m.__name__ not in fields)
    relations: dict[str, dict[str, str]] = {}
    for m in apps.get_models():
        for f in m._meta.get_fields():
            if f.is_relation and f.related_model is not None and not isinstance(f.related_model, str):
                accessor = f.get_accessor_name() if f.auto_created and not f.concrete else f.name
                if accessor:
                    relations.setdefault(m.__name__, {})[accessor] = f.related_model.__name__
    return Rules(fields=fields, initial=initial, other_models=others, relations=relations)


# --- the checker ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    function: str
    field: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}(): {self.what}"


def _chain(node: ast.AST) -> tuple[ast.AST, list[tuple[str, bool]]]:
    """``p.cosigners.filter(x).first()`` -> (``p``, [("cosigners", False), ("filter", True), ("first", True)])."""
    parts: list[tuple[str, bool]] = []
    called = False
    while True:
        if isinstance(node, ast.Call):
            node, called = node.func, True
        elif isinstance(node, ast.Attribute):
            parts.append((node.attr, called))
            node, called = node.value, False
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node, parts[::-1]


def _model_of_expr(node: ast.AST, known: dict[str, str], rules: Rules) -> str | None:
    """The model an expression evaluates to (an instance or a queryset of it), if we can tell:
    ``Model(...)``, ``Model.objects.<queryset methods>``, a variable of known model, and relations
    followed through the models' own accessors (``cosigner.proposal`` is a Proposal)."""
    root, parts = _chain(node)
    if not isinstance(root, ast.Name):
        return None
    models_ = set(rules.fields) | set(rules.other_models)
    model = root.id if root.id in models_ else known.get(root.id)
    if model is None and parts and parts[0][0] in models_:  # module.Model
        model, parts = parts[0][0], parts[1:]
    if model is None:
        return None
    relations = (rules.relations or {})
    for attr, called in parts:
        if attr in relations.get(model, {}):
            model = relations[model][attr]
        elif attr == "objects" or called:
            continue  # a manager or a queryset method: still this model
        else:
            return None  # a plain attribute we cannot type
    return model


def _annotation_model(ann: ast.AST | None, rules: Rules) -> str | None:
    if ann is None:
        return None
    text = ast.unparse(ann).strip("\"'")
    for part in text.replace("|", " ").replace("[", " ").replace("]", " ").split():
        name = part.split(".")[-1]
        if name in rules.fields or name in rules.other_models:
            return name
    return None


def _is_initial(value: ast.AST, model: str, rules: Rules) -> bool:
    initial = rules.initial.get(model, "")
    if isinstance(value, ast.Constant):
        return value.value == initial
    if isinstance(value, ast.Attribute):  # Model.Status.DRAFT / S.DRAFT
        return value.attr.lower() == initial.lower()
    return False


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, rules: Rules):
        self.path, self.rules = path, rules
        self.scopes: list[tuple[str, dict[str, str]]] = [("<module>", {})]
        self.found: list[Violation] = []

    # scopes and type inference
    @property
    def known(self) -> dict[str, str]:
        return self.scopes[-1][1]

    def _function(self, node):
        known = dict(self.known)
        for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
            model = _annotation_model(arg.annotation, self.rules)
            if model:
                known[arg.arg] = model
        self.scopes.append((node.name, known))
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _bind(self, target: ast.AST, model: str | None) -> None:
        if isinstance(target, ast.Name):
            if model:
                self.known[target.id] = model
            else:
                self.known.pop(target.id, None)
        elif isinstance(target, ast.Tuple) and target.elts:
            # x, created = Model.objects.get_or_create(...)
            self._bind(target.elts[0], model)
            for extra in target.elts[1:]:
                self._bind(extra, None)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, _model_of_expr(node.iter, self.known, self.rules))
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_targets([node.target], node)
        if isinstance(node.target, ast.Name):
            self._bind(node.target, _annotation_model(node.annotation, self.rules)
                       or (node.value is not None and _model_of_expr(node.value, self.known, self.rules)) or None)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._check_targets(node.targets, node)
        self.generic_visit(node)
        value_model = _model_of_expr(node.value, self.known, self.rules) if isinstance(
            node.value, (ast.Call, ast.Name, ast.Attribute, ast.Subscript)) else None
        for target in node.targets:
            self._bind(target, value_model)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_targets([node.target], node)
        self.generic_visit(node)

    # the writes
    def _report(self, node: ast.AST, field: str, what: str) -> None:
        function = self.scopes[-1][0]
        if (self.path, function, field) in ALLOWED_WRITES:
            return
        self.found.append(Violation(self.path, node.lineno, function, field, what))

    def _flag_for(self, model: str | None, field: str) -> bool:
        """True when a write of ``field`` on ``model`` (None: unknown) may be a workflow write."""
        if model is None:
            return field in self.rules.field_names
        return self.rules.fields.get(model) == field

    def _check_targets(self, targets, node) -> None:
        for target in targets:
            elts = target.elts if isinstance(target, ast.Tuple) else [target]
            for t in elts:
                if isinstance(t, ast.Attribute) and t.attr in self.rules.field_names:
                    model = _model_of_expr(t.value, self.known, self.rules)
                    if self._flag_for(model, t.attr):
                        self._report(node, t.attr, f"assigns {ast.unparse(t)} (type {model or 'unknown'})")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            field = node.args[1].value
            model = _model_of_expr(node.args[0], self.known, self.rules)
            if isinstance(field, str) and self._flag_for(model, field):
                self._report(node, field, f"setattr(..., {field!r}, ...)")
        elif name == "update" and isinstance(func, ast.Attribute):
            model = _model_of_expr(func.value, self.known, self.rules)
            for field in set(kwargs) & self.rules.field_names:
                if self._flag_for(model, field):
                    self._report(node, field, f"update({field}=...) on {model or 'an unknown queryset'}")
        elif name == "bulk_update" and isinstance(func, ast.Attribute):
            model = _model_of_expr(func.value, self.known, self.rules)
            listed = node.args[1] if len(node.args) > 1 else kwargs.get("fields")
            names = {e.value for e in getattr(listed, "elts", []) if isinstance(e, ast.Constant)}
            for field in names & self.rules.field_names:
                if self._flag_for(model, field):
                    self._report(node, field, f"bulk_update(..., [{field!r}]) on {model or 'unknown'}")
        elif name in ("create", "get_or_create", "update_or_create") or name in self.rules.fields:
            model = name if name in self.rules.fields else _model_of_expr(func.value, self.known, self.rules) \
                if isinstance(func, ast.Attribute) else None
            if model in self.rules.fields:
                field = self.rules.fields[model]
                values = [kwargs[field]] if field in kwargs else []
                for key in ("defaults", "create_defaults"):
                    d = kwargs.get(key)
                    if isinstance(d, ast.Dict):
                        values += [v for k, v in zip(d.keys, d.values)
                                   if isinstance(k, ast.Constant) and k.value == field]
                for value in values:
                    if not _is_initial(value, model, self.rules):
                        self._report(node, field, f"{name}({field}={ast.unparse(value)}) is not the initial state")
        self.generic_visit(node)


def check_source(source: str, path: str, rules: Rules) -> list[Violation]:
    checker = _Checker(path, rules)
    checker.visit(ast.parse(source, filename=path))
    return checker.found


def project_files() -> list[Path]:
    out = []
    for p in sorted(ROOT.rglob("*.py")):
        rel = p.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts[:-1]) or rel.parts[0].endswith(".egg-info"):
            continue
        out.append(p)
    return out


# --- the tests ------------------------------------------------------------------------------------

def test_every_workflow_is_found():
    rules = project_rules()
    assert {"Proposal": "status", "OpinionReport": "status", "Consultation": "step", "Outcome": "status",
            "ReceptionDay": "status", "Visit": "outcome"}.items() <= rules.fields.items()


def test_no_state_field_is_written_outside_the_workflow_engine():
    rules = project_rules()
    violations = []
    for p in project_files():
        rel = p.relative_to(ROOT).as_posix()
        if rel in ALLOWED_FILES:
            continue
        violations += check_source(p.read_text(encoding="utf-8"), rel, rules)
    assert not violations, "State fields written outside core.workflow (use the app's workflow.transition):\n" + \
        "\n".join(map(str, violations))


def test_allow_list_stays_small_and_current():
    """Each allowed file exists and still needs its exception (the engine itself excepted)."""
    rules = project_rules()
    for rel in ALLOWED_FILES:
        assert (ROOT / rel).exists(), rel
        if rel != "core/workflow.py":
            assert check_source((ROOT / rel).read_text(encoding="utf-8"), rel, rules), f"{rel} no longer needs it"


# The checker itself: each kind of write is caught, and the legitimate ones are not.
SAMPLE_RULES = Rules(fields={"Proposal": "status", "Consultation": "step"},
                     initial={"Proposal": "draft", "Consultation": "topic_selected"},
                     other_models=frozenset({"ProposalCosigner", "PublicComment"}))


@pytest.mark.parametrize("source", [
    "def f(p: Proposal):\n    p.status = 'filed'\n",
    "def f(pk):\n    p = Proposal.objects.select_for_update().get(pk=pk)\n    p.status, p.note = 'filed', ''\n",
    "def f(x):\n    x.status = 'filed'\n",  # unknown type: counts
    "def f():\n    for c in Consultation.objects.all():\n        c.step = 'held'\n",
    "def f(p):\n    setattr(p, 'status', 'filed')\n",
    "def f():\n    Proposal.objects.filter(pk=1).update(status='filed')\n",
    "def f(queryset):\n    queryset.update(step='held')\n",
    "def f(objs):\n    Proposal.objects.bulk_update(objs, ['status', 'title'])\n",
    "def f():\n    Proposal.objects.create(title='x', status=Proposal.Status.FILED)\n",
    "def f():\n    Proposal(title='x', status='closed').save()\n",
    "def f():\n    Consultation.objects.update_or_create(pk=1, defaults={'step': 'held'})\n",
])
def test_the_check_catches_each_kind_of_state_write(source):
    found = check_source(source, "x.py", SAMPLE_RULES)
    assert len(found) == 1, found


@pytest.mark.parametrize("source", [
    "def f(pk):\n    c = ProposalCosigner.objects.get(pk=pk)\n    c.status = 'confirmed'\n",
    "def f(c: PublicComment):\n    c.status = 'approved'\n",
    "def f():\n    Proposal.objects.create(title='x', status=Proposal.Status.DRAFT)\n",
    "def f():\n    Consultation(step='topic_selected')\n",
    "def f():\n    ProposalCosigner.objects.filter(pk=1).update(status='declined')\n",
    "def f(p):\n    p.title = 'x'\n    p.stamp(None)\n",
])
def test_the_check_lets_other_writes_through(source):
    assert check_source(source, "x.py", SAMPLE_RULES) == []
