# FiveClear: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run test test-fast test-thorough test-clock lint typecheck format messages matrix-doc bench lock lock-check openapi openapi-check clean

# Two locks (scripts/locks.py): the runtime one holds only what the application runs (make
# install, make run, the app servers of docs/DEPLOY.md); the dev one adds the tools that test,
# lint, bench and translate it. Each install leaves its own stamp, so a venv that `make run` made
# gets the dev lock on top at the next `make test`, and either is redone when its lock changes.
install: $(VENV)/.installed-runtime

install-dev: $(VENV)/.installed-dev

PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

$(VENV)/.installed-runtime: requirements-runtime.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-runtime.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed-runtime
	$(PIP_INSTALL) -r requirements-dev.lock
	touch $@

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "FiveClear: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "Demo logins, password fiveclear-demo: admin, lanhdao, chutich (the ward's head: runs its month), truongphong, canbo"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite on both cores; prints its wall time and its 15 slowest tests.
test: install-dev
	$(PY) -m pytest -n 2 --durations=15

# Hypothesis properties with ten times the examples and fresh random draws.
test-thorough: install-dev
	HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -n 2 -m "not e2e" tests/scoring/test_engine.py tests/scoring/test_peers.py tests/security/test_import_fuzz.py

# The suite (no browser) with the whole process's clock moved to each of CLOCK_DATES in turn
# (libfaketime: apt-get install faketime): no test may depend on the day it runs.
CLOCK_DATES ?= 2027-01-01T00:10 2027-02-28T23:50 2027-03-15T09:00
test-clock: install-dev
	@for d in $(CLOCK_DATES); do \
	  echo "=== clock at $$d (Asia/Ho_Chi_Minh)"; \
	  TZ=Asia/Ho_Chi_Minh faketime -f "@$$(echo $$d | tr T ' '):00" $(PY) -m pytest -n 2 -m "not e2e" -q || exit 1; \
	done

test-fast: install-dev
	$(PY) -m pytest -m "not e2e" -x

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# mypy with django-stubs over the files listed under [tool.mypy] in pyproject.toml (CI runs it).
typecheck: install-dev
	$(VENV)/bin/mypy

# Benchmarks against floors measured in the same run (PostgreSQL at 127.0.0.1 and wrk needed):
# every figure with its floor, ratio and target; fails when a target is missed.
bench: install-dev
	$(PY) bench/run.py --size 2000

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The permission matrix of tests/security/matrix.py, rendered into docs/RULES.md §3.
matrix-doc: install-dev
	$(PY) scripts/matrix_doc.py

messages: install-dev
	$(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=scripts --ignore=staticfiles
	$(PY) scripts/i18n.py apply locale/pending/*.json
	$(PY) scripts/i18n.py fill-en
	$(PY) manage.py compilemessages --ignore=.venv
	$(PY) scripts/i18n.py check

# The API's OpenAPI description (docs/openapi.yaml): regenerate after changing the API; CI checks it.
openapi: install-dev
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

openapi-check: install-dev
	$(PY) manage.py spectacular --file /tmp/fiveclear-openapi.yaml --validate --fail-on-warn
	diff -u docs/openapi.yaml /tmp/fiveclear-openapi.yaml

# Regenerate both locks after changing dependencies in pyproject.toml (uv, from the dev lock).
lock: install-dev
	$(PY) scripts/locks.py write

# Fail when the committed locks no longer match pyproject.toml (CI runs it).
lock-check: install-dev
	$(PY) scripts/locks.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
