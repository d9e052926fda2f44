"""The engine stays pure and readable: no Django, small modules, one public face."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import scoring.engine

ENGINE = Path(scoring.engine.__file__).parent
ALLOWED = {"scoring.engine", "directives.regulation_defaults"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_engine_imports_the_standard_library_and_the_regulation_defaults_only():
    for path in sorted(ENGINE.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or any(
                name == a or name.startswith(a + ".") for a in ALLOWED
            )
            assert allowed, f"{path.name} imports {name}"


def test_each_engine_module_reads_in_one_sitting():
    for path in ENGINE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_the_package_re_exports_every_public_name_of_its_modules():
    for path in ENGINE.glob("*.py"):
        if path.stem == "__init__":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        public = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
        }
        # Helpers that only build reasons or values stay inside the package.
        public -= {n for n in public if n.startswith("reason_") or n == "value_of"}
        missing = public - set(scoring.engine.__all__)
        assert not missing, f"{path.name}: {sorted(missing)}"
