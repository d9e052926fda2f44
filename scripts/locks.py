"""The two dependency locks: `python scripts/locks.py write | check`.

`requirements-dev.lock` pins pyproject.toml's `dependencies` and its `dev` extra (make test, lint,
bench, messages and CI install it); `requirements-runtime.lock` pins the `dependencies` alone
(make install, make run and the app servers of docs/DEPLOY.md install it). The runtime lock is
compiled with the dev lock as its constraints, so production runs the very versions the tests ran.

`write` regenerates both in place (make lock). `check` regenerates them in a temporary folder from
copies of the committed ones and fails with the difference (CI): uv keeps every pin it finds in the
file it writes, so a new release elsewhere changes nothing, while a requirement added, dropped or
moved past its pin in pyproject.toml does. Both use the same uv command with the same relative
file names, so the files carry nothing of the machine that wrote them. uv resolves for Python 3.11
with this interpreter and never downloads a Python of its own.
"""

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV, RUNTIME = "requirements-dev.lock", "requirements-runtime.lock"
SOURCES = ["pyproject.toml", "README.md"]  # the project's metadata names its readme


def compile_locks(folder):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    common = ["--python", sys.executable, "--python-version", "3.11", "--generate-hashes"]
    common += ["--no-header", "--quiet"]
    for args in (["--extra", "dev", "-o", DEV], ["-c", DEV, "-o", RUNTIME]):
        subprocess.run(
            [uv, "pip", "compile", "pyproject.toml", *args, *common],
            cwd=folder,
            env=env,
            check=True,
        )


def lines(path):
    return path.read_text().splitlines(keepends=True) if path.exists() else []


def check():
    with tempfile.TemporaryDirectory() as tmp:
        for name in [*SOURCES, DEV, RUNTIME]:
            if (ROOT / name).exists():
                shutil.copy(ROOT / name, tmp)
        compile_locks(tmp)
        stale = []
        for name in (DEV, RUNTIME):
            diff = list(
                difflib.unified_diff(
                    lines(ROOT / name),
                    lines(Path(tmp) / name),
                    f"{name} (committed)",
                    f"{name} (from pyproject.toml)",
                )
            )
            if diff:
                stale.append(name)
                sys.stdout.writelines(diff)
    if stale:
        sys.exit(
            f"{', '.join(stale)} do not match pyproject.toml: run `make lock` and commit them."
        )
    print(f"{DEV} and {RUNTIME} match pyproject.toml.")


def main():
    command = sys.argv[1] if len(sys.argv) == 2 else ""
    if command == "write":
        compile_locks(ROOT)
    elif command == "check":
        check()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
