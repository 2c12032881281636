# protege — every target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := out/demo

.PHONY: demo test test-all lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

## demo: the part of the loop that exists: corpus -> regex baseline -> score.
demo: $(STAMP)
	mkdir -p $(DEMO)
	$(BIN)/protege corpus generate --n 500 --seed 1 --out $(DEMO)/corpus.jsonl
	$(BIN)/protege corpus stats $(DEMO)/corpus.jsonl
	$(BIN)/protege baseline regex --input $(DEMO)/corpus.jsonl --output $(DEMO)/regex.jsonl
	$(BIN)/protege score --truth $(DEMO)/corpus.jsonl --pred $(DEMO)/regex.jsonl

## test: the fast suite (slow model tests excluded).
test: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not slow and not gpu"

## test-all: everything, slow real-model tests included.
test-all: $(STAMP)
	$(BIN)/pytest -q -m "not gpu"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/corpus_generate.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
