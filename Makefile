# Steelyard: the same checks locally and in CI.  `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_FLAGS ?= -q

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed test test-unit test-sqlite test-postgres lint format bench bench-quick clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed ## create .venv and install Steelyard with its dev tools

run: install ## migrate, seed the demo catalogue if empty, serve on http://127.0.0.1:8000 (SQLite ./steelyard.db)
	$(BIN)/steelyard migrate
	$(BIN)/steelyard seed --demo --if-empty
	$(BIN)/steelyard serve --host $(HOST) --port $(PORT)

migrate: install ## upgrade the database to the newest schema
	$(BIN)/steelyard migrate

test: install test-unit test-sqlite test-postgres ## the whole suite: unit tests, then integration on SQLite and on PostgreSQL

test-unit: install ## pure tests (no database)
	$(BIN)/pytest tests/unit $(PYTEST_FLAGS)

test-sqlite: install ## integration tests on SQLite
	STEELYARD_TEST_DB=sqlite $(BIN)/pytest tests/integration $(PYTEST_FLAGS)

test-postgres: install ## integration tests on PostgreSQL ($(PG_TEST_URL))
	STEELYARD_TEST_DB=$(PG_TEST_URL) $(BIN)/pytest tests/integration $(PYTEST_FLAGS)

lint: install ## ruff and mypy
	$(BIN)/ruff check src tests migrations
	$(BIN)/mypy

format: install ## apply ruff's fixes
	$(BIN)/ruff check --fix src tests migrations

clean: ## remove the venv, caches and the local database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache steelyard.db steelyard.db-wal steelyard.db-shm
