# Steelyard: the same checks locally and in CI.  `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_FLAGS ?= -q

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed wheel-check test test-unit test-sqlite test-postgres test-browser fuzz fuzz-properties lint format bench bench-quick bench-compare bench-cutting bench-import bench-wrk clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed ## create .venv and install Steelyard with its dev tools

run: install ## migrate, seed the demo catalogue if empty, serve on http://127.0.0.1:8000 (SQLite ./steelyard.db; local development: the staff cookie is not Secure)
	$(BIN)/steelyard migrate
	$(BIN)/steelyard seed --demo --if-empty
	STEELYARD_SESSION_HTTPS_ONLY=$${STEELYARD_SESSION_HTTPS_ONLY:-false} $(BIN)/steelyard serve --host $(HOST) --port $(PORT)

migrate: install ## upgrade the database to the newest schema
	$(BIN)/steelyard migrate

test: install test-unit test-sqlite test-postgres test-browser ## the whole suite: unit, integration on SQLite and PostgreSQL, browser

test-unit: install ## pure tests (no database)
	$(BIN)/pytest tests/unit $(PYTEST_FLAGS)

test-sqlite: install ## integration tests on SQLite
	STEELYARD_TEST_DB=sqlite $(BIN)/pytest tests/integration $(PYTEST_FLAGS)

test-postgres: install ## integration tests on PostgreSQL ($(PG_TEST_URL))
	STEELYARD_TEST_DB=$(PG_TEST_URL) $(BIN)/pytest tests/integration $(PYTEST_FLAGS)

test-browser: install ## the web pages in Debian's Chromium (/usr/bin/chromium; apt-get install chromium)
	$(BIN)/pytest tests/browser $(PYTEST_FLAGS)

wheel-check: ## build the wheel, install it in a fresh venv elsewhere, migrate, seed, serve and quote from there
	PYTHON=$(PYTHON) bash .ci/wheel-check

FUZZ_MINUTES ?= 10

fuzz: install ## schemathesis, every check and phase, random, $(FUZZ_MINUTES) min on a demo SQLite server (FUZZ_DB=url for another database); not part of `make test`
	$(BIN)/python tests/fuzzing.py --minutes $(FUZZ_MINUTES) $(if $(FUZZ_DB),--database-url $(FUZZ_DB))

fuzz-properties: install ## the unit suite's property tests (hypothesis) with fresh random examples (1,000 a test unless it sets its own number); `make test` draws the same fixed ones every run
	$(BIN)/pytest tests/unit $(PYTEST_FLAGS) --hypothesis-profile=explore

lint: install ## ruff, mypy and the import contract (lint-imports: pyproject.toml [tool.importlinter])
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

format: install ## apply ruff's fixes
	$(BIN)/ruff check --fix src tests bench

BENCH_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test_bench
WRK := $(shell command -v wrk 2>/dev/null)

bench-wrk:
ifeq ($(WRK),)
	@echo "installing wrk (Debian) for the benchmarks"
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
endif

bench: install bench-wrk ## full benchmark (~20 min on a quiet machine): requests and SSE at 1k/10k/100k products on SQLite and PostgreSQL, the cutting planner, the 100k import; writes docs/benchmarks.md
	@# All three parts run even when one misses a goal or fails (each writes its own section); then the target fails.
	@status=0; \
	BENCH_PG_URL=$(BENCH_PG_URL) $(BIN)/python bench/run.py full || status=1; \
	$(BIN)/python bench/run.py cutting --write || status=1; \
	$(BIN)/python bench/import_bench.py --pg-url $(BENCH_PG_URL) --write || status=1; \
	exit $$status

bench-cutting: install ## the cutting planner alone (~1.5 min): BPPLIB optima, sheet bounds, plan times; writes docs/benchmarks.md
	$(BIN)/python bench/run.py cutting --write

bench-import: install ## import 100,000 products with prices on SQLite and PostgreSQL (~5 min): time, rows/s, peak memory; writes docs/benchmarks.md
	$(BIN)/python bench/import_bench.py --pg-url $(BENCH_PG_URL) --write

bench-quick: install bench-wrk ## quick benchmark (< 2 min, 1k products), results in bench/results/tmp/
	BENCH_PG_URL=$(BENCH_PG_URL) $(BIN)/python bench/run.py quick

bench-compare: install ## the change of every figure between the last two benchmark runs of the same kind
	$(BIN)/python bench/run.py compare

clean: ## remove the venv, caches and the local database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache steelyard.db steelyard.db-wal steelyard.db-shm
