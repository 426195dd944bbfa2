# EnforceLink: two commands do everything — `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
EL := $(BIN)/enforcelink
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CASES ?= 2000
# `make demo REQUEST_LOG=1`: a console line per request served (off: the simulators poll every few seconds).
REQUEST_LOG ?= 0
ECHARTS_VERSION := 6.1.0
ECHARTS := var/npm/node_modules/echarts/dist/echarts.min.js
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps demo test lint typecheck migrations-check pytest-sqlite pytest-postgres clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-install only when the dependency list changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Apache ECharts for the figures pages, from the npm registry at set-up (never copied into the repo).
$(ECHARTS):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm install --prefix var/npm --no-audit --no-fund --no-package-lock --silent echarts@$(ECHARTS_VERSION)

install: $(VENV)/.installed $(ECHARTS)
	@# gettext compiles the translations; pango is what WeasyPrint typesets PDF documents with.
	@if ! command -v msgfmt >/dev/null || ! ldconfig -p | grep -q libpangoft2-1.0; then \
	  echo "Installing Debian packages: gettext libpango-1.0-0 libpangoft2-1.0-0"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi
	ENFORCELINK_SECRET_KEY=build $(EL) compilemessages --ignore=.venv -v 0

# Debian's chromium drives the browser tests; Noto CJK renders Chinese documents.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  echo "Installing Debian packages: chromium fonts-noto-cjk poppler-utils"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	fi

demo: install
	ENFORCELINK_DEBUG=1 $(EL) migrate -v 0
	ENFORCELINK_DEBUG=1 $(EL) demo-data --cases $(DEMO_CASES) --seed 1 --if-empty
	@# Beside the server: a task worker (batches, checks), webhook deliveries, the daily sweeps (reminders,
	@# escalation, overdue nodes), and the agency simulators
	@# answering requests through the machine API; all stop with the server. The logins come last,
	@# once the server answers, so that no start-up line pushes them off the screen.
	@export ENFORCELINK_DEBUG=1 ENFORCELINK_REQUEST_LOG=$(REQUEST_LOG); \
	$(EL) db_worker --queue-name '*' --no-reload -v 0 & worker=$$!; \
	$(EL) deliver --loop --interval 5 >/dev/null & deliver=$$!; \
	$(EL) sweep --loop --interval 600 >/dev/null & sweep=$$!; \
	$(EL) simulate agencies --base-url http://127.0.0.1:$(PORT) --interval 5 --webhooks & sim=$$!; \
	$(EL) demo-logins --wait-for http://$(HOST):$(PORT)/ & logins=$$!; \
	trap 'kill $$worker $$deliver $$sweep $$sim $$logins 2>/dev/null' EXIT INT TERM; \
	$(EL) serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	ENFORCELINK_SECRET_KEY=check $(BIN)/mypy

migrations-check: install
	ENFORCELINK_SECRET_KEY=check $(EL) makemigrations --check --dry-run

pytest-sqlite: install system-deps
	ENFORCELINK_SECRET_KEY=test ENFORCELINK_HTTPS=0 DATABASE_URL=sqlite:///:memory: $(BIN)/pytest

pytest-postgres: install system-deps
	@# testdb says why it skipped; with CI=true an unreachable PostgreSQL fails here instead of skipping.
	@mkdir -p var; url=$$($(BIN)/python -m enforcelink.config.testdb) || exit 1; \
	if [ -z "$$url" ]; then echo skipped > var/pg-run; \
	else echo "PostgreSQL run against $$url"; ENFORCELINK_SECRET_KEY=test ENFORCELINK_HTTPS=0 DATABASE_URL=$$url $(BIN)/pytest && echo ran > var/pg-run; fi

test: lint typecheck migrations-check pytest-sqlite pytest-postgres
	@echo "== make test: ruff, mypy, makemigrations --check, pytest on SQLite: passed; pytest on PostgreSQL: $$(cat var/pg-run)"

clean:
	rm -rf $(VENV) var build src/*.egg-info
