"""The two dependency locks (scripts/locks.py): the runtime one carries only what the application
runs, the dev one adds the tools, both pin every requirement of pyproject.toml, and the runtime
pins are the dev lock's own (production runs what the tests ran).

Whether they still match pyproject.toml after an edit is CI's `make lock-check` (it needs uv and
the package index); these tests read the committed files only.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Test, load and browser tooling, and what only it pulls in (locust brings flask and gevent).
NEVER_IN_PRODUCTION = {"pytest", "locust", "gevent", "flask", "playwright", "hypothesis", "ruff"}

ENTRY = re.compile(r"^(?P<name>[a-z0-9][a-z0-9._-]*)==(?P<version>\S+) \\$")
HASH = re.compile(r"^    --hash=sha256:(?P<hash>[0-9a-f]{64})(?P<more> \\)?$")
COMMENT = re.compile(r"^    # ?(?P<text>.*)$")


@dataclass
class Pin:
    version: str
    hashes: list = field(default_factory=list)
    via: list = field(default_factory=list)


def parse_lock(text):
    """The pins of a lock written by `uv pip compile --generate-hashes`, and the lines that are
    not what that command writes (an index URL, a path, an unhashed pin...)."""
    pins, odd, pin = {}, [], None
    for number, line in enumerate(text.splitlines(), 1):
        if match := ENTRY.match(line):
            pin = pins[match["name"]] = Pin(match["version"])
        elif (match := HASH.match(line)) and pin is not None:
            pin.hashes.append(match["hash"])
        elif (match := COMMENT.match(line)) and pin is not None:
            note = match["text"].strip()
            if "/" in note or "\\" in note:
                odd.append(f"line {number}: a path in {line.strip()!r}")
            elif note not in ("via", ""):
                pin.via.append(note.removeprefix("via ").strip())
        elif line.strip():
            odd.append(f"line {number}: {line.strip()!r}")
    return pins, odd


def lock_problems(pyproject, runtime_text, dev_text):
    """Everything wrong with a pair of locks for this pyproject.toml, as sentences."""
    problems = []
    runtime, odd = parse_lock(runtime_text)
    problems += [f"runtime lock {line}" for line in odd]
    dev, odd = parse_lock(dev_text)
    problems += [f"dev lock {line}" for line in odd]
    for name, lock in (("runtime", runtime), ("dev", dev)):
        problems += [f"{name} lock: {p} has no hash" for p, pin in lock.items() if not pin.hashes]

    needs = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    tools = [Requirement(r) for r in pyproject["project"]["optional-dependencies"]["dev"]]
    for name, lock, requirements in (("runtime", runtime, needs), ("dev", dev, needs + tools)):
        for requirement in requirements:
            pin = lock.get(canonicalize_name(requirement.name))
            if pin is None:
                problems.append(f"{name} lock does not pin {requirement}")
            elif not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(
                    f"{name} lock pins {requirement.name}=={pin.version}: {requirement}"
                )

    dev_only = NEVER_IN_PRODUCTION | {canonicalize_name(r.name) for r in tools}
    problems += [f"runtime lock carries {p}, a dev tool" for p in sorted(dev_only & set(runtime))]
    for package, pin in runtime.items():
        other = dev.get(package)
        if other is None:
            problems.append(f"dev lock lacks {package}, which the runtime lock pins")
        elif (other.version, sorted(other.hashes)) != (pin.version, sorted(pin.hashes)):
            problems.append(
                f"runtime lock pins {package}=={pin.version}, the dev lock {other.version}"
                " (or other hashes)"
            )

    # What the application needs, read from the dev lock's own `via` notes: its dependencies
    # and everything they pull in. The runtime lock must hold exactly that.
    needed = {canonicalize_name(r.name) for r in needs}
    while grown := {p for p, pin in dev.items() if p not in needed and needed & set(pin.via)}:
        needed |= grown
    problems += [f"runtime lock lacks {p}" for p in sorted(needed - set(runtime))]
    problems += [
        f"runtime lock carries {p}, needed by no dependency" for p in sorted(set(runtime) - needed)
    ]
    return problems


def committed():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    runtime = (ROOT / "requirements-runtime.lock").read_text()
    dev = (ROOT / "requirements-dev.lock").read_text()
    return pyproject, runtime, dev


def test_the_committed_locks_are_sound():
    assert lock_problems(*committed()) == []


def test_the_runtime_lock_carries_no_test_load_or_browser_tool():
    _, runtime, dev = committed()
    runtime_pins, dev_pins = parse_lock(runtime)[0], parse_lock(dev)[0]
    assert set(dev_pins) >= NEVER_IN_PRODUCTION
    assert NEVER_IN_PRODUCTION.isdisjoint(runtime_pins)
    assert {"django", "gunicorn", "psycopg", "psycopg-binary"} <= set(runtime_pins)


def doctored(runtime="", dev="", drop_from_runtime=None, bump=None):
    pyproject, runtime_text, dev_text = committed()
    if drop_from_runtime:
        runtime_text = re.sub(
            rf"^{drop_from_runtime}==.*?(?=^\S|\Z)", "", runtime_text, flags=re.M | re.S
        )
    if bump:
        runtime_text = re.sub(rf"^{bump}==\S+", f"{bump}==0.0.1", runtime_text, flags=re.M)
    return pyproject, runtime_text + runtime, dev_text + dev


PYTEST_ENTRY = "pytest==9.9.9 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via fiveclear\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"runtime": PYTEST_ENTRY}, "runtime lock carries pytest, a dev tool", id="tool"
        ),
        pytest.param(
            {"runtime": PYTEST_ENTRY}, "runtime lock carries pytest, needed by no", id="unneeded"
        ),
        pytest.param(
            {"drop_from_runtime": "gunicorn"}, "runtime lock does not pin gunicorn>=23", id="dep"
        ),
        pytest.param(
            {"drop_from_runtime": "sqlparse"}, "runtime lock lacks sqlparse", id="sub-dep"
        ),
        pytest.param(
            {"bump": "whitenoise"},
            "runtime lock pins whitenoise==0.0.1: whitenoise>=6.9",
            id="spec",
        ),
        pytest.param(
            {"bump": "sqlparse"}, "runtime lock pins sqlparse==0.0.1, the dev lock", id="differs"
        ),
        pytest.param(
            {"dev": "--extra-index-url file:///opt/pypi/simple\n"}, "--extra-index-url", id="index"
        ),
        pytest.param(
            {"runtime": "    # via -c /tmp/x/requirements-dev.lock\n"}, "a path in", id="path"
        ),
        pytest.param({"runtime": "polib==1.2.0\n"}, "'polib==1.2.0'", id="unhashed"),
    ],
)
def test_a_doctored_lock_is_refused(changes, expected):
    problems = lock_problems(*doctored(**changes))
    assert any(expected in problem for problem in problems), problems
