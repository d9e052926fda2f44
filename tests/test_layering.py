"""Imports and templates point one way, `scoring → directives → units` (docs/ARCHITECTURE.md):
nothing in units reaches directives or scoring, nothing in directives reaches scoring, in Python
and in templates; the engine imports no Django."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BELOW = {"units": ("directives", "scoring"), "directives": ("scoring",)}
INCLUDE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth (also inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def upward_imports(app: str) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / app).rglob("*.py")
        for name in imported(path) & set(BELOW[app])
    )


def upward_includes(app: str) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)} includes {name}"
        for path in (ROOT / "templates" / app).rglob("*.html")
        for name in INCLUDE.findall(path.read_text(encoding="utf-8"))
        if name.split("/")[0] in BELOW[app]
    )


@pytest.mark.parametrize("app", sorted(BELOW))
def test_no_module_imports_an_app_above_it(app):
    assert upward_imports(app) == []


@pytest.mark.parametrize("app", sorted(BELOW))
def test_no_template_includes_a_template_of_an_app_above_it(app):
    assert upward_includes(app) == []


ENGINE_MAY_IMPORT = ("scoring.engine", "directives.regulation_defaults")


def modules_imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_engine_imports_no_django_and_nothing_of_ours_but_the_defaults():
    """The engine is pure: the standard library, itself, and a regulation's default figures."""
    found = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "scoring" / "engine").rglob("*.py")
        for name in modules_imported(path)
        if name.split(".")[0] in {"django", "units", "directives", "scoring"}
        and not name.startswith(ENGINE_MAY_IMPORT)
    )
    assert found == []


def test_the_checks_see_an_upward_import(tmp_path, monkeypatch):
    """The checks can fail: a module and a template that point up are found."""
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "bad.py").write_text("def f():\n    from scoring.models import Result\n")
    (tmp_path / "templates" / "units").mkdir(parents=True)
    (tmp_path / "templates" / "units" / "bad.html").write_text('{% include "scoring/x.html" %}')
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports("units") == ["units/bad.py imports scoring"]
    assert upward_includes("units") == ["templates/units/bad.html includes scoring/x.html"]


# The scoring app is laid out by capability (docs/ARCHITECTURE.md): at its top only what every
# capability shares; each module small enough to read in one sitting. The engine is held by its
# own tests; models.py stays one module (the migrations follow it).
SCORING_TOP = {
    "__init__.py",
    "admin.py",
    "apps.py",
    "errors.py",
    "events.py",
    "models.py",
    "reasons.py",
    "signals.py",
}
MODULE_LINES = 500
LONG_ALLOWED = {"scoring/models.py"}


def long_modules(root: Path) -> list[str]:
    return sorted(
        f"{path.relative_to(root)}: {lines} lines"
        for path in (root / "scoring").rglob("*.py")
        if "engine" not in path.relative_to(root / "scoring").parts
        and "migrations" not in path.parts
        and str(path.relative_to(root)) not in LONG_ALLOWED
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    )


def test_no_scoring_module_is_longer_than_500_lines():
    assert long_modules(ROOT) == []


def test_the_scoring_app_has_no_flat_modules_named_by_suffix():
    """A page, service or export belongs to its capability's package (scoring/month/,
    scoring/dashboards/, scoring/io/, ...), not beside models.py."""
    assert sorted(p.name for p in (ROOT / "scoring").glob("*.py")) == sorted(SCORING_TOP)


def test_the_size_check_can_fail(tmp_path):
    (tmp_path / "scoring" / "month").mkdir(parents=True)
    (tmp_path / "scoring" / "month" / "long.py").write_text("x = 1\n" * 501)
    (tmp_path / "scoring" / "month" / "short.py").write_text("x = 1\n" * 500)
    assert long_modules(tmp_path) == ["scoring/month/long.py: 501 lines"]
