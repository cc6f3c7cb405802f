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

.PHONY: install demo test lint format validate bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,web]'
	touch $(STAMP)

# The browser tests of the clinician's page (tests/web) drive Debian's chromium through
# Playwright's Python driver (never `playwright install`). Installed here when missing and
# we are root or have sudo; otherwise those tests skip and say why.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get install -y --no-install-recommends chromium \
		|| { apt-get update && apt-get install -y --no-install-recommends chromium; } \
		|| echo "chromium not installed: the browser tests will skip"; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
		sudo -n apt-get install -y --no-install-recommends chromium \
		|| echo "chromium not installed: the browser tests will skip"; \
	else echo "no /usr/bin/chromium and not root: the browser tests will skip"; fi

install: $(STAMP)

# Four representative patients, 180 days of usual care; report in out/demo/report.html.
demo: $(STAMP)
	$(BIN)/strokesim demo

# The default test suite (not the slow validation battery) and the linter.
test: $(STAMP) chromium
	$(BIN)/python -m pytest
	$(BIN)/ruff check $(LINT_PATHS)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: $(STAMP)
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

# The slow checks, each run even if an earlier one fails: the slow-marked tests (among
# them the regression test against docs/validation_results.md), the validation battery
# at seeds 0–4, n = 1000 each (roughly 20 minutes a seed on 2 cores; seeds already
# saved in out/validation_seeds with the same n, parameters and code are reused; table in
# out/validation_seeds.html and .md), then the held-out published trials
# (out/external_trials.md). A summary line per step at the end; the target fails if any
# step failed.
VALIDATE_LOG := out/validate_steps.log
validate: $(STAMP)
	@mkdir -p out && rm -f $(VALIDATE_LOG)
	-$(BIN)/python -m pytest -m slow; echo "slow tests: exit $$?" >> $(VALIDATE_LOG)
	-$(BIN)/strokesim validate --n 1000 --seeds 0,1,2,3,4 --resume \
		--results-dir out/validation_seeds --report out/validation_seeds.html \
		--markdown out/validation_seeds.md; \
		echo "validation battery (seeds 0-4): exit $$?" >> $(VALIDATE_LOG)
	-$(BIN)/strokesim external-trials --n 1000 --markdown out/external_trials.md; \
		echo "external trials: exit $$?" >> $(VALIDATE_LOG)
	@echo "make validate summary:"; sed 's/^/  /' $(VALIDATE_LOG)
	@! grep -qv ': exit 0$$' $(VALIDATE_LOG) || { echo "make validate: a step failed"; exit 1; }
	@echo "make validate: every step passed"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf out build dist .pytest_cache .ruff_cache
