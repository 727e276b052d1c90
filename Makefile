# The README's commands. Everything runs from the project's own virtual environment (.venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install sandbox test lint typecheck pytest run check bench clean

help:
	@echo "make sandbox   try the bot against a local Discord stand-in (no account needed)"
	@echo "make test      lint, type-check and run the whole test suite"
	@echo "make run       serve a real Discord server (needs DISCORD_TOKEN in .env)"
	@echo "make check     validate the content files in data/"
	@echo "make bench     run the benchmarks and print their figures"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

sandbox: $(STAMP)
	$(BIN)/python -m bot sandbox $(if $(SCRIPT),--script $(SCRIPT),)

test: $(STAMP)
	$(BIN)/ruff check bot cogs standin tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

run: $(STAMP)
	$(BIN)/python -m bot run

check: $(STAMP)
	$(BIN)/python -m bot check

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
