# The two commands of the README: `make demo` and `make test`. Both build the
# virtualenv at .venv from the lock (constraints.txt) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install install-spark install-lint demo lint lint-fix test test-fast bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "juvonno-dq needs Python 3.11, and $(PYTHON) is " + sys.version.split()[0] + ": run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# The Spark target's extra (pyspark, dbt-spark; Java 17 from the system): `make test`
# (the Spark parity tests) and whoever runs --target spark. `make demo` does not need it.
SPARK_STAMP := $(VENV)/.installed-spark
install-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,spark]'
	touch $(SPARK_STAMP)

# The lint tools' own environment (lint/requirements.txt, locked by constraints-lint.txt):
# sqlfluff pins click<8.5, the project click==8.5.1. ruff comes with .venv (the test extra).
LINT_VENV  := .venv-lint
LINT_STAMP := $(LINT_VENV)/.installed
install-lint: $(LINT_STAMP)

$(LINT_STAMP): lint/requirements.txt constraints-lint.txt
	$(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints-lint.txt -r lint/requirements.txt
	touch $(LINT_STAMP)

# sqlfluff's dbt templater compiles the project with lint/profiles.yml (an in-memory
# DuckDB); its target/ and logs/ stay inside .venv-lint, away from dbt's own.
SQL_PATHS := models tests snapshots
SQLFLUFF  := DBT_TARGET_PATH=$(LINT_VENV)/target DBT_LOG_PATH=$(LINT_VENV)/logs $(LINT_VENV)/bin/sqlfluff

# What CI checks (`make test` runs it first): Python lint and format, then SQL.
lint: $(STAMP) $(LINT_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(SQLFLUFF) lint $(SQL_PATHS)

# Fix what the tools can: everything, or only some files:
# `make lint-fix FILES="models/x.sql runner/y.py"`.
lint-fix: $(STAMP) $(LINT_STAMP)
	@py="$(filter %.py,$(FILES))"; sql="$(filter %.sql,$(FILES))"; \
	if [ -z "$(FILES)" ]; then py=.; sql="$(SQL_PATHS)"; fi; \
	if [ -n "$$py" ]; then $(BIN)/ruff check --fix $$py && $(BIN)/ruff format $$py; fi; \
	if [ -n "$$sql" ]; then $(SQLFLUFF) fix $$sql; fi

demo: $(STAMP)
	$(BIN)/juvonno-dq demo

test: lint $(SPARK_STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow"

# The benchmark (BENCHMARKS.md): minutes at 1M customers; see docs/notes/perf.md.
bench: $(STAMP)
	$(BIN)/juvonno-dq bench

clean:
	rm -rf $(VENV) $(LINT_VENV) target logs dq-output .pytest_cache dq-dev/*.duckdb dq-dev/*.duckdb.wal .bench
