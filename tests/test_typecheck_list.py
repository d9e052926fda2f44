"""Every services and selectors module is type-checked: `make typecheck` (mypy, strict) covers
the files listed under [tool.mypy] in pyproject.toml, and a new module joins that list
(docs/ARCHITECTURE.md, "Tests")."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("units", "directives", "scoring")


def services_and_selectors() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if {"services", "selectors"} & {path.stem, path.parent.name}
    )


def test_every_services_and_selectors_module_is_type_checked():
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    checked = [entry.rstrip("/") for entry in listed["files"]]
    unchecked = [
        module
        for module in services_and_selectors()
        if not any(module == entry or module.startswith(f"{entry}/") for entry in checked)
    ]
    assert unchecked == []
