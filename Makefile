# GTEC — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gtec
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

DEMO_DIR ?= var/demo

.PHONY: install browser pdf-libs demo demo-data serve serve-prod worker import test test-sqlite test-postgres quality bench bench-load backup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests and screenshots (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || echo "chromium indisponible : les tests navigateur seront ignorés"; }
	@test -f node_modules/axe-core/axe.min.js || { command -v npm >/dev/null && npm ci --no-audit --no-fund --loglevel=error || echo "npm indisponible : les contrôles axe-core seront ignorés"; }

# Pango and DejaVu fonts for the PDF diagnostic (WeasyPrint loads Pango at run time), from Debian.
pdf-libs:
	@python3 -c 'import ctypes.util as u; import sys; sys.exit(0 if u.find_library("pango-1.0") else 1)' || { (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) >/dev/null || echo "Pango indisponible : le diagnostic PDF ne pourra pas être généré"; }

import: install
	mkdir -p var/static
	$(BIN)/gtec migrate --noinput -v0
	$(BIN)/gtec import all

# The demo territory (Pays de Vannes): synthetic labour-market files in the official layouts, training offer,
# indicators and the survey campaign with one account per role. Idempotent.
demo-data: import pdf-libs
	$(BIN)/gtec demo load --out $(DEMO_DIR)

demo: demo-data
	@echo ""
	@echo "  GTEC est servi sur http://$(HOST):$(PORT)/  (Ctrl-C pour arrêter)"
	@echo ""
	$(BIN)/gtec serve $(HOST):$(PORT) --noreload

serve: install
	$(BIN)/gtec serve $(HOST):$(PORT)

# Production server (docs/deploiement.md): production settings, Redis, migrations, static files, the referentials
# on first run, then gunicorn on $(GTEC_BIND) with one job worker beside it. SECRET_KEY comes from the
# environment, else from var/secret-key (created once, readable by its owner only).
GTEC_BIND ?= 127.0.0.1:8000
PROD := DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret-key)}"

var/secret-key:
	mkdir -p var && (umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@)

redis-check: install
	@$(BIN)/python -c "import os, redis; redis.Redis.from_url(os.environ.get('REDIS_URL') or 'redis://127.0.0.1:6379/0').ping()" 2>/dev/null \
	  || { echo "Redis injoignable (REDIS_URL, par défaut redis://127.0.0.1:6379/0) : installez et démarrez redis-server"; exit 1; }

serve-prod: install var/secret-key redis-check
	$(PROD) $(BIN)/gtec migrate --noinput -v0
	@$(PROD) $(BIN)/gtec shell -v0 -c "import sys; from gtec.imports.models import ImportRun; sys.exit(0 if ImportRun.objects.filter(source='rome').exists() else 1)" \
	  || $(PROD) $(BIN)/gtec import all
	$(PROD) $(BIN)/gtec collectstatic --noinput -v0
	@echo ""
	@echo "  GTEC (production) écoute sur http://$(GTEC_BIND)/ — derrière un proxy HTTPS (Ctrl-C pour arrêter)"
	@echo ""
	$(PROD) GTEC_BIND=$(GTEC_BIND) bash -c '$(BIN)/gtec worker & worker=$$!; trap "kill $$worker" EXIT; $(BIN)/gunicorn -c config/gunicorn.conf.py config.wsgi'

worker: install var/secret-key redis-check
	$(PROD) $(BIN)/gtec worker

# `make backup` writes var/backups/gtec-DATE.(sqlite3|dump); `gtec restore FILE` puts one back.
backup: install
	$(BIN)/gtec backup

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install browser pdf-libs quality test-sqlite test-postgres

test-sqlite: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL= $(BIN)/pytest -q

test-postgres: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

# Performance figures, printed (never asserted in tests). BENCH_FRANCE=1 adds the France scale on PostgreSQL
# (24 months generated, imported and computed; BENCH_FRANCE_MONTHS=N generates N months instead, and below 24
# bench/labour.py extrapolates the 24-month figure and labels it so; BENCH_FRANCE_DATA=DIR reads files generated
# earlier by `gtec demo generate --scale france` instead of generating them).
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/labour.py --scale pays-de-vannes --reimport
	$(if $(BENCH_FRANCE),$(BIN)/python bench/labour.py --scale france --months $(or $(BENCH_FRANCE_MONTHS),24) --db postgres $(if $(BENCH_FRANCE_DATA),--data $(BENCH_FRANCE_DATA)))
	$(BIN)/python bench/lheo.py --sizes 10,100
	DJANGO_SETTINGS_MODULE=config.settings.test GTEC_TEST_DB=bench-needs $(BIN)/python bench/surveys.py
	$(BIN)/python bench/eval_paths.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/eval_text.py
	$(BIN)/python bench/prospective.py
	$(if $(BENCH_POSTGRES),$(BIN)/python bench/prospective.py --db postgres)
	$(MAKE) bench-load

# The two load tests alone (127.0.0.1 only, bounded): the site's pages on the development server and the
# production server side by side, then the API's indicator reads on the production server; and the CPU time
# of one request per page (bench/request_cpu.py). LOAD_SECONDS per server, 50 clients.
LOAD_SECONDS ?= 30
bench-load: install
	$(BIN)/python bench/request_cpu.py --repeat 10
	$(BIN)/python bench/load.py --clients 50 --seconds $(LOAD_SECONDS)
	BENCH_API_SECONDS=$(LOAD_SECONDS) BENCH_API_WARMUP=300 BENCH_API_REQUESTS=3000 $(BIN)/python bench/api_load.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
