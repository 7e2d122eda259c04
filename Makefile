# Fupin's single entry point. `make demo` and `make test` work on a fresh machine with
# only Python 3.11, pip and make present.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := FUPIN_DEMO=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo serve serve-prod load-test test lint typecheck check-messages messages pytest pytest-sqlite pytest-postgres browser-deps clean help

help:
	@echo "make demo   - set up and run the demo on http://$(HOST):$(PORT) (SQLite under var/)"
	@echo "make test   - set up and run every check and the tests (SQLite, and PostgreSQL when FUPIN_TEST_POSTGRES is set)"
	@echo "make serve-prod - gunicorn and the job worker on PostgreSQL, as on a server (see README)"
	@echo "make messages - extract and compile translations"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/fupin migrate --no-input
	$(DEMO_ENV) $(BIN)/fupin setup_demo --url http://$(HOST):$(PORT)/
	$(MAKE) --no-print-directory serve

# The job worker and the re-assessment of changed households (ADR 0016) run beside the
# web server and stop with it.
serve: $(VENV)/.installed
	@$(DEMO_ENV) $(BIN)/fupin db_worker --interval 1 --no-reload & worker=$$!; \
	$(DEMO_ENV) $(BIN)/fupin assess_changed --follow & reassess=$$!; \
	trap 'kill $$worker $$reassess 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/fupin runserver --noreload $(HOST):$(PORT)

# As on a server: PostgreSQL, gunicorn (config/gunicorn.py) and the worker, collected static
# files served by WhiteNoise, production settings. Locally it listens on plain HTTP, so the
# HTTPS redirect is off unless FUPIN_SECURE_SSL_REDIRECT says otherwise; behind nginx
# (deploy/nginx.conf) the proxy redirects.
PROD_ENV := FUPIN_ALLOWED_HOSTS="$${FUPIN_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	FUPIN_SECURE_SSL_REDIRECT="$${FUPIN_SECURE_SSL_REDIRECT:-0}" \
	FUPIN_DATABASE_CONN_MAX_AGE="$${FUPIN_DATABASE_CONN_MAX_AGE:-60}" \
	FUPIN_WEB_BIND="$${FUPIN_WEB_BIND:-$(HOST):$(PORT)}"

serve-prod: $(VENV)/.installed
	@case "$$FUPIN_DATABASE_URL" in postgres*) ;; \
	  *) echo "make serve-prod: set FUPIN_DATABASE_URL=postgresql://USER@HOST:5432/NAME (README, Production)"; exit 2;; esac
	@if [ -z "$$FUPIN_SECRET_KEY" ]; then \
	  echo "make serve-prod: set FUPIN_SECRET_KEY to a long random value (README, Production)"; exit 2; fi
	$(PROD_ENV) $(BIN)/fupin migrate --no-input -v 0
	$(PROD_ENV) $(BIN)/fupin collectstatic --no-input -v 0
	@$(PROD_ENV) $(BIN)/fupin db_worker --interval 1 --no-reload & worker=$$!; \
	$(PROD_ENV) $(BIN)/fupin assess_changed --follow & reassess=$$!; \
	trap 'kill $$worker $$reassess 2>/dev/null' EXIT INT TERM; \
	$(PROD_ENV) $(BIN)/gunicorn -c python:config.gunicorn

$(VENV)/.installed-load: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[load]'
	@touch $@ $(VENV)/.installed

# benchmarks/load_test.py: 50 signed-in users against make serve-prod on 1,000,000 households.
load-test: $(VENV)/.installed-load
	$(BIN)/python benchmarks/load_test.py

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		echo "Installing Debian's chromium, fonts-noto-cjk and gettext"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint fupin --lint
	$(BIN)/lint-imports
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	FUPIN_SECRET_KEY=deploy-check-$$RANDOM$$RANDOM$$RANDOM$$RANDOM-not-used-for-anything-else \
	  FUPIN_ALLOWED_HOSTS=fupin.example.org FUPIN_DATABASE_URL=sqlite:///:memory: \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

typecheck: $(VENV)/.installed-test
	$(DEMO_ENV) $(BIN)/mypy

# Fails when a user-facing string has no English translation or the compiled catalogue is stale.
check-messages: $(VENV)/.installed-test browser-deps
	$(BIN)/python scripts/check_translations.py --extract

messages: $(VENV)/.installed-test
	$(DEMO_ENV) $(BIN)/python manage.py makemessages --locale en --no-location --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python scripts/check_translations.py --compile

pytest-sqlite: $(VENV)/.installed-test browser-deps
	@echo "=== pytest on SQLite ==="
	$(BIN)/pytest

# Tests marked slow (the whole-country region load) run once per CI run, in the SQLite run.
pytest-postgres: $(VENV)/.installed-test browser-deps
	@echo "=== pytest on PostgreSQL ($(FUPIN_TEST_POSTGRES)), without the slow tests ==="
	FUPIN_DATABASE_URL="$(FUPIN_TEST_POSTGRES)" $(BIN)/pytest -m "not slow"

pytest: pytest-sqlite
	@if [ -n "$(FUPIN_TEST_POSTGRES)" ]; then $(MAKE) --no-print-directory pytest-postgres; \
	else echo "FUPIN_TEST_POSTGRES is not set: skipping the PostgreSQL run"; fi

test: lint typecheck check-messages pytest

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
