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

.PHONY: install browser demo demo-data serve import test test-sqlite test-postgres quality bench clean

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

import: install
	mkdir -p var/static
	$(BIN)/gtec migrate --noinput -v0
	$(BIN)/gtec import all

# The demo territory (Pays de Vannes): synthetic labour-market files in the official layouts, training offer,
# indicators and the survey campaign with one account per role. Idempotent.
demo-data: import
	$(BIN)/gtec demo load --out $(DEMO_DIR)

demo: demo-data
	@echo ""
	@echo "  GTEC est servi sur http://$(HOST):$(PORT)/  (Ctrl-C pour arrêter)"
	@echo ""
	$(BIN)/gtec serve $(HOST):$(PORT) --noreload

serve: install
	$(BIN)/gtec serve $(HOST):$(PORT)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install browser quality test-sqlite test-postgres

test-sqlite: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL= $(BIN)/pytest -q

test-postgres: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

# Performance figures, printed (never asserted in tests). BENCH_FRANCE=1 adds the France scale on PostgreSQL
# (1 month generated, about 6 minutes; the 24-month figure is extrapolated and labelled so).
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/labour.py --scale pays-de-vannes --reimport
	$(if $(BENCH_FRANCE),$(BIN)/python bench/labour.py --scale france --months 1 --db postgres)
	$(BIN)/python bench/lheo.py --sizes 10,100
	DJANGO_SETTINGS_MODULE=config.settings.test GTEC_TEST_DB=bench-needs $(BIN)/python bench/surveys.py
	$(BIN)/python bench/eval_paths.py
	$(BIN)/python bench/eval_matching.py
	$(BIN)/python bench/prospective.py
	$(if $(BENCH_POSTGRES),$(BIN)/python bench/prospective.py --db postgres)
	$(BIN)/python bench/api_load.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
