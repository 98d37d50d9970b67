"""The apps depend one way (docs/ARCHITECTURE.md): seller_portal ← performance ← appeals.

Every module of the three apps is parsed (imports at the top and inside functions alike):
performance never imports appeals, the portal app imports neither, and no circle appears
among the apps. The project-level modules of `seller_portal` that assemble the apps (root
urls, the job schedule, the template context, the demo seed) are the one exemption.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("seller_portal", "performance", "appeals")
# The project, not the portal app: they wire every app together, so they may import any.
PROJECT_MODULES = {
    "seller_portal/urls.py",  # the root URLconf includes each app's urls and views
    "seller_portal/schedule.py",  # the periodic jobs of performance
    "seller_portal/context_processors.py",  # holiday mode and unread notices on every page
    "seller_portal/management/commands/seed_demo.py",  # ingests the demo's events
}
ALLOWED = {
    ("performance", "seller_portal"),
    ("appeals", "seller_portal"),
    ("appeals", "performance"),
}


def imported_apps(source: str) -> list[tuple[int, str, str]]:
    """(line, module, app) of every absolute import of one of APPS in the source, at any
    depth (functions, methods, `if TYPE_CHECKING:` blocks)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, n, n.split(".")[0]) for n in names if n.split(".")[0] in APPS)
    return found


def modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def app_imports(*, exempt=PROJECT_MODULES) -> list[tuple[str, str, str, int, str]]:
    """(importing app, imported app, file, line, module) across the three apps."""
    edges = []
    for app in APPS:
        for path in modules(app):
            name = path.relative_to(ROOT).as_posix()
            if name in exempt:
                continue
            for line, module, target in imported_apps(path.read_text(encoding="utf-8")):
                if target != app:
                    edges.append((app, target, name, line, module))
    return edges


def test_the_parser_sees_imports_inside_functions_and_every_form():
    source = (
        "import appeals\n"
        "from appeals.models import AbuseTicket\n"
        "import os, performance.models as pm\n"
        "from . import sibling\n"
        "def f():\n"
        "    from appeals.services import ticket_verify\n"
        "class C:\n"
        "    def m(self):\n"
        "        import seller_portal.models\n"
    )

    assert imported_apps(source) == [
        (1, "appeals", "appeals"),
        (2, "appeals.models", "appeals"),
        (3, "performance.models", "performance"),
        (6, "appeals.services", "appeals"),
        (9, "seller_portal.models", "seller_portal"),
    ]


def test_performance_never_imports_appeals():
    assert [edge[2:] for edge in app_imports() if edge[:2] == ("performance", "appeals")] == []


def test_the_portal_app_imports_no_other_app():
    assert [edge[1:] for edge in app_imports() if edge[0] == "seller_portal"] == []


def test_every_exempt_project_module_exists():
    assert {m for m in PROJECT_MODULES if not (ROOT / m).is_file()} == set()


def test_apps_depend_one_way_without_a_circle():
    edges = {(source, target) for source, target, *_ in app_imports()}

    assert edges - ALLOWED == set()
    # A general check too, should ALLOWED ever grow: a depth-first search finds no cycle.
    graph = {app: {t for s, t in edges if s == app} for app in APPS}
    state: dict[str, str] = {}

    def visit(app: str, path: list[str]) -> None:
        state[app] = "open"
        for target in graph[app]:
            if state.get(target) == "open":
                pytest.fail(f"import circle: {' -> '.join([*path, app, target])}")
            if target not in state:
                visit(target, [*path, app])
        state[app] = "done"

    for app in APPS:
        if app not in state:
            visit(app, [])


def test_performance_names_no_appeals_model_either():
    """A lazy model reference ("appeals.AbuseTicket", apps.get_model("appeals", ...)) is a
    dependency too. Migrations are history (performance 0005 pointed at appeals' record) and
    stay out; so does the reverse accessor `penalty.appeals`, which appeals' foreign key
    defines (the penalties page lists a penalty's appeals through it)."""
    found = []
    for path in modules("performance"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            lazy = isinstance(node, ast.Constant) and str(node.value).startswith("appeals.")
            by_label = (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model"
                and any(isinstance(a, ast.Constant) and a.value == "appeals" for a in node.args)
            )
            if lazy or by_label:
                found.append((path.relative_to(ROOT).as_posix(), node.lineno))
    assert found == []
