# FiveClear: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format messages bench lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "FiveClear: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "Demo logins, password fiveclear-demo: admin, lanhdao, chutich (the ward's head: runs its month), truongphong, canbo"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n 2

test-fast: install
	$(PY) -m pytest -m "not e2e" -x

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Benchmarks against floors measured in the same run (PostgreSQL at 127.0.0.1 and wrk needed):
# every figure with its floor, ratio and target; fails when a target is missed.
bench: install
	$(PY) bench/run.py --size 2000

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=scripts --ignore=staticfiles
	$(PY) scripts/i18n.py apply locale/pending/*.json
	$(PY) scripts/i18n.py fill-en
	$(PY) manage.py compilemessages --ignore=.venv
	$(PY) scripts/i18n.py check

# Regenerate the lock after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --no-header -o requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
