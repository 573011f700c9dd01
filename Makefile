# Everything a fresh machine needs, from the project's own files: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test lint postgres poppler bench bench-full frozen lint-workflows

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,server]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fieldlog $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite and the benchmarks start a PostgreSQL server of their own
# (devtools/postgres_server.py) from these binaries.
postgres:
	.ci/install-postgres

# The PDF report's tests render its pages with pdftoppm (Debian's poppler-utils).
poppler:
	.ci/install-poppler

test: lint postgres poppler
	$(BIN)/python -m pytest

bench: $(STAMP) postgres
	$(BIN)/python -m benchmarks --quick

bench-full: $(STAMP) postgres
	$(BIN)/python -m benchmarks --full

frozen: $(STAMP)
	.ci/frozen-check

lint-workflows:
	.ci/lint-workflows
