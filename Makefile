# Two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test test-slow lint bench clean

# khard, the terminal address book the benchmark compares against and the vdir sync is
# tested with, in its own virtualenv.
KHARD_VENV ?= .venv-khard
KHARD_EXE := $(KHARD_VENV)/bin/khard

# `make run` installs what crm needs to run, nothing more; `make test` adds the dev tools.
$(RUN_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "crm needs Python >= 3.11 (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/crm

lint: $(STAMP)
	$(BIN)/ruff check crm tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The sync tests run the real khard (tests/sync/test_khard.py): installed here, never skipped.
test: lint $(KHARD_EXE)
	KHARD=$(abspath $(KHARD_EXE)) $(BIN)/pytest -n auto -m "not slow"

test-slow: $(STAMP) $(KHARD_EXE)
	KHARD=$(abspath $(KHARD_EXE)) $(BIN)/pytest -n auto -m slow -rP  # -rP: the figures each slow test prints

BENCH_ARGS ?=

$(KHARD_EXE):
	$(PYTHON) -m venv $(KHARD_VENV)
	$(KHARD_VENV)/bin/python -m pip install -q --upgrade pip
	$(KHARD_VENV)/bin/python -m pip install -q khard

# Figures to stdout and bench/results/latest.md; BENCH_ARGS="--sizes 1000 --runs 3" etc.
bench: $(STAMP) $(KHARD_EXE)
	KHARD=$(abspath $(KHARD_EXE)) $(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(KHARD_VENV) .pytest_cache .mypy_cache .ruff_cache
