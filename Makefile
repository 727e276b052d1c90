# The README's commands. Everything runs from the project's own virtual environment (.venv),
# installed from the lock files (requirements*.txt, with hashes) and then the project itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet --excludes lock-excludes.txt

.PHONY: help install sandbox test lint typecheck pytest run check bench lock lock-upgrade wheel clean

help:
	@echo "make sandbox       try the bot against a local Discord stand-in (no account needed)"
	@echo "make test          lint, type-check and run the whole test suite"
	@echo "make run           serve a real Discord server (needs DISCORD_TOKEN in .env)"
	@echo "make check         validate the content files in data/"
	@echo "make bench         run the benchmarks and print their figures"
	@echo "make lock          update requirements*.txt after editing pyproject.toml (keeps other pins)"
	@echo "make lock-upgrade  move every pinned dependency to its newest allowed version"
	@echo "make wheel         build the wheel into dist/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements-dev.txt pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

sandbox: $(STAMP)
	$(BIN)/python -m bot sandbox $(if $(SCRIPT),--script $(SCRIPT),)

test: $(STAMP)
	$(BIN)/ruff check bot cogs standin tests benchmarks
	$(BIN)/ruff format --check bot cogs standin tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

run: $(STAMP)
	$(BIN)/python -m bot run

check: $(STAMP)
	$(BIN)/python -m bot check

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# uv resolves for every platform and Python >= 3.11 at once; pip installs the result.
$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.5"

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements-dev.txt

lock-upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

wheel: $(STAMP)
	rm -rf build
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
