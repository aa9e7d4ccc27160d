# eventwire: the two Quickstart commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= demo.db

.PHONY: setup demo test bench evaluate clean

$(BIN)/eventwire: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/eventwire

# Analyse the bundled corpus into a SQLite file, then print the most active
# relations and the latest quotes.
demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/eventwire ingest --quiet --db $(DB) "$$($(BIN)/python -m eventwire.corpus)"
	$(BIN)/eventwire report --db $(DB)

# Install what the tests need (Chromium, PostgreSQL), start PostgreSQL, run pytest.
test: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/run_tests.sh

bench: setup
	$(BIN)/python benchmarks/bench_pipeline.py --write BENCHMARKS.md

evaluate: setup
	for f in dev/*.gold.jsonl; do $(BIN)/eventwire evaluate $$f; done

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
