# Two commands set everything up on a fresh machine:
#   make demo   create .venv, install, create the embedded database, seed it, print the status report
#   make test   create .venv with the test dependencies and run the whole suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Two stamps: the demo (and the benchmark) need tracker alone; the tests,
# lint and format need the test extra too. Each is redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/tracker db upgrade
	$(BIN)/tracker seed
	$(BIN)/tracker report status

# pytest-xdist workers, one per core (2 on the project's machines);
# TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

test: $(VENV)/.installed-test
	$(BIN)/ruff check tracker tests migrations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check tracker tests migrations
	$(BIN)/ruff format --check tracker tests migrations

# The benchmark (see bench/run.py); BENCH_ARGS=--quick for a smaller run.
bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet sqlite-utils sqlmodel
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
