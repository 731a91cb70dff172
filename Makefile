# Luukku: `make run` starts the demo on SQLite, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium (never a downloaded one).
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
MAIL_SINK_PORT ?= 1025
TEST_POSTGRES_URL ?=
ifeq ($(CI),true)
TEST_POSTGRES_URL := $(or $(TEST_POSTGRES_URL),postgresql://postgres@127.0.0.1:5432/test)
endif

# `make serve`: the production profile (docs/deployment.md); WEB_CONCURRENCY app processes and
# WORKER_CONCURRENCY workers against DATABASE_URL.
.PHONY: serve run test test-sqlite test-postgres lint audit bench migrate seed clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# Redoc and its fonts for /schema, served by Luukku itself (frontend/vendor/package-lock.json).
VENDOR := frontend/vendor/node_modules/.package-lock.json

$(VENDOR): frontend/vendor/package-lock.json
	npm ci --prefix frontend/vendor --no-audit --no-fund --ignore-scripts --omit=peer

migrate: $(STAMP) $(VENDOR)
	$(BIN)/piccolo migrations forwards all

seed: migrate
	$(BIN)/litestar --app app:app seed-demo

run: seed
	@echo "Luukku demo: http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/schema)"
	@echo "Demo mail: every message Luukku sends is written to var/mail/ (SMTP sink on 127.0.0.1:$(MAIL_SINK_PORT))"
	$(BIN)/python -m notifications.mail_sink --port $(MAIL_SINK_PORT) --folder var/mail & sink=$$!; \
	trap 'kill $$sink' EXIT INT TERM; \
	HOST=$(HOST) PORT=$(PORT) SMTP_PORT=$${SMTP_PORT:-$(MAIL_SINK_PORT)} \
	$(BIN)/litestar --app app:app run --host $(HOST) --port $(PORT)

serve: migrate
	$(BIN)/python -m luukku.serve

ICAL_JS := tests/ical/node_modules/.package-lock.json

# Mozilla's ical.js reads the feeds in the tests (tests/ical/package-lock.json).
$(ICAL_JS): tests/ical/package-lock.json
	npm ci --prefix tests/ical --no-audit --no-fund

OIDC_PROVIDER := tests/oidc/node_modules/.package-lock.json

# panva's oidc-provider, the real OpenID Provider of the sign-in tests (tests/oidc/).
$(OIDC_PROVIDER): tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund

test: test-sqlite test-postgres

$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

test-sqlite: $(STAMP) $(CHROMIUM) $(ICAL_JS) $(OIDC_PROVIDER) $(VENDOR)
	$(BIN)/python -m pytest

test-postgres: $(STAMP) $(CHROMIUM) $(ICAL_JS) $(OIDC_PROVIDER) $(VENDOR)
ifneq ($(TEST_POSTGRES_URL),)
	LUUKKU_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest
else
	@echo "TEST_POSTGRES_URL not set: PostgreSQL run skipped"
endif

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	PYTHONPATH=. $(BIN)/lint-imports

# Known vulnerabilities in the installed dependencies (pip-audit, PyPI's advisory data).
# Offline (PyPI unreachable) it says so and passes, so a network outage never fails CI;
# online, any finding fails. To accept one, add `--ignore-vuln ID` here with the reason.
AUDIT_IGNORE :=
audit: $(STAMP)
	@if $(BIN)/python -c "import socket; socket.create_connection(('pypi.org', 443), timeout=5).close()" 2>/dev/null; then \
		$(BIN)/pip-audit --skip-editable --progress-spinner off $(AUDIT_IGNORE); \
	else echo "pip-audit skipped: pypi.org is unreachable"; fi

# Page and mail texts: extract from the templates (messages) and notifications/texts.py (mail),
# merge into the fi/sv/en catalogues (then translate; the tests fail while a Finnish or Swedish text is missing, empty or fuzzy). The app compiles
# the .po files in memory when it starts, so there is no .mo step.
messages: $(STAMP)
	$(BIN)/pybabel extract -F frontend/babel.cfg -o frontend/locales/messages.pot \
		--no-location --sort-output .
	$(BIN)/pybabel update -i frontend/locales/messages.pot -d frontend/locales \
		--no-fuzzy-matching
	$(BIN)/pybabel extract -F notifications/babel.cfg -k N_ --no-default-keywords \
		-o notifications/locales/mail.pot --no-location --sort-output .
	$(BIN)/pybabel update -i notifications/locales/mail.pot -d notifications/locales -D mail \
		--no-fuzzy-matching

# The ratio bench measures with Debian's wrk (C): a Python load generator saturates first.
WRK := /usr/bin/wrk
$(WRK):
	apt-get install -y wrk || (apt-get update && apt-get install -y wrk)

bench: $(STAMP) $(WRK)
	$(BIN)/python -m bench.slots
	$(BIN)/python -m bench.feeds
	$(BIN)/python -m bench.joint
	$(BIN)/python -m bench.directory
	$(BIN)/python -m bench.holds
	$(BIN)/python -m bench.notifications
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.ratio
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) var/*.sqlite*
