# strokesim: the two commands of the quick start are `make demo` and `make test`.
#
# The virtual environment (.venv) is created with the system's python3 if missing;
# the package is (re)installed, editable with its dev extras, whenever
# pyproject.toml is newer than the stamp file .venv/.installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# benchmarks/ is linted once it exists (git does not keep empty folders); calibration/
# holds the calibration and study scripts.
LINT_PATHS := src tests calibration $(wildcard benchmarks)

.PHONY: install demo test lint format validate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Four representative patients, 180 days of usual care; report in out/demo/report.html.
demo: $(STAMP)
	$(BIN)/strokesim demo

# The default test suite (not the slow validation battery) and the linter.
test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check $(LINT_PATHS)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# The slow checks: slow-marked tests, then the validation battery at n = 1000
# (about 20 minutes on 2 cores; report in out/validation.html), then the held-out
# published trials (out/external_trials.md).
validate: $(STAMP)
	$(BIN)/python -m pytest -m slow
	$(BIN)/strokesim validate --n 1000 --report out/validation.html
	$(BIN)/strokesim external-trials --n 1000 --markdown out/external_trials.md

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf out build dist .pytest_cache .ruff_cache
