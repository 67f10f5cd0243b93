# Attune: `make demo` serves a seeded demo on http://127.0.0.1:8000 with its background worker; `make serve` runs
# it production-like (gunicorn, the worker, DEBUG off, compressed static files); `make test` runs the whole suite.
# Only `make test` needs Chromium and poppler (browser tests, PDF checks); the demo and serve do not install them.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_WORKERS ?= 2
PY_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# No byte-compiling at install: Python compiles the modules it imports on first use, and a fresh clone's demo
# imports a fraction of what it installs.
PIP := $(BIN)/pip install --quiet --no-compile --disable-pip-version-check
NODE_STAMP := node_modules/.installed
NODE_DEV_STAMP := node_modules/.installed-dev
CHROMIUM ?= /usr/bin/chromium

.PHONY: install install-app demo serve test lint imports types test-suite test-unit test-browser clean

install: $(NODE_DEV_STAMP) install-app $(DEV_STAMP) $(CHROMIUM)

# What the app itself needs (the demo and serve): the runtime packages only (requirements/prod.txt), Pango for
# PDFs, htmx from npm. The test and lint tools (requirements/dev.txt) come with `make install` / `make test`.
install-app: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml requirements/prod.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) --require-hashes --no-deps -r requirements/prod.txt
	$(PIP) --no-deps -e .
	@# WeasyPrint (PDFs) loads Pango from the system; Debian ships it as two small packages.
	$(BIN)/python -c "import weasyprint" 2>/dev/null || { command -v apt-get >/dev/null && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; }
	$(BIN)/python -c "import weasyprint"
	touch $@

$(DEV_STAMP): $(PY_STAMP) requirements/dev.txt
	$(PIP) --require-hashes --no-deps -r requirements/dev.txt
	touch $@

# The app serves htmx only; the test tools (axe-core, LHC-Forms: over 200 MB) come with `make install` / `make test`.
# A full install already holds what the app needs, so the app's install never strips one back.
$(NODE_STAMP): package.json package-lock.json
	$(MAKE) --no-print-directory -q $(NODE_DEV_STAMP) || npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

$(NODE_DEV_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ $(NODE_STAMP)

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work here.
$(CHROMIUM):
	command -v apt-get >/dev/null || { echo "Install Chromium at $(CHROMIUM) to run browser tests"; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils

demo: install-app
	$(BIN)/attune migrate --no-input -v 0
	$(BIN)/attune demo
	@echo ""
	@echo "Serving Attune on http://127.0.0.1:$(PORT) with a background worker  (Ctrl-C stops both)"
	@echo "Mail the demo sends is written to var/mail/ and shown to staff at http://127.0.0.1:$(PORT)/demo/mail/"
	@# honcho gives each process its own PORT (the worker's is PORT+100), so links are pinned to the web one.
	PORT=$(PORT) ATTUNE_SITE_URL=$${ATTUNE_SITE_URL:-http://127.0.0.1:$(PORT)} PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile start

lint: install-app $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# The house's layers (docs/architecture.md): no app imports a layer above it or a sibling capability.
imports: install-app $(DEV_STAMP)
	$(BIN)/lint-imports pyproject.toml

types: install-app $(DEV_STAMP)
	$(BIN)/mypy

# Production-like on this machine: gunicorn and the worker (Procfile.serve), DEBUG off, static files collected,
# compressed (gzip, Brotli) and served by WhiteNoise with long cache lifetimes for hashed names, JSON logs.
serve: install-app
	ATTUNE_DEBUG=0 ATTUNE_STATIC_MANIFEST=1 $(BIN)/attune collectstatic --no-input -v 0
	$(BIN)/attune migrate --no-input -v 0
	@echo "Serving Attune (production-like) on http://127.0.0.1:$(PORT) with a background worker  (Ctrl-C stops both)"
	PORT=$(PORT) ATTUNE_DEBUG=0 ATTUNE_STATIC_MANIFEST=1 ATTUNE_LOG_FORMAT=json ATTUNE_SITE_URL=$${ATTUNE_SITE_URL:-http://127.0.0.1:$(PORT)} \
		PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.serve start

# The pytest suite alone (CI runs it a second time against PostgreSQL).
test-suite: install
	$(BIN)/attune makemigrations --check --dry-run -v 0
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser"
	@# Browser tests in parallel too: each worker starts its own server on its own scratch database, and a file's
	@# tests stay together on one worker (--dist loadfile), as they share that server's demo.
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile -m browser

test: lint imports types test-suite

clean:
	rm -rf $(VENV) node_modules var test-artifacts
