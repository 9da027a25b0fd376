# The two commands of the README: `make demo` and `make test`. Both build the
# virtualenv at .venv from the lock (constraints.txt) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install install-spark demo test test-fast bench clean

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

demo: $(STAMP)
	$(BIN)/juvonno-dq demo

test: $(SPARK_STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow"

# The benchmark (BENCHMARKS.md): minutes at 1M customers; see docs/notes/perf.md.
bench: $(STAMP)
	$(BIN)/juvonno-dq bench

clean:
	rm -rf $(VENV) target logs dq-output .pytest_cache dq-dev/*.duckdb dq-dev/*.duckdb.wal .bench
