# Set-up and the two entry points. `make run` and `make test` each create .venv/ if missing,
# install torch 2.13.0 (CPU wheel on disk) first, then the project (with the dev and distributed
# extras: the Ray engine's tests run on a real local cluster), then build the encoder.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run sample test test-fast lint venv encoder corpus-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,distributed]"
	touch $@

venv: $(VENV)/.installed

encoder: venv
	$(BIN)/claims-triage encoder build

## The main job: the routing service on http://127.0.0.1:8000 with SQLite under var/ and the
## shipped model (README: "First claim" shows how to get a key and send a claim). Ctrl-C stops it.
run: encoder
	$(BIN)/claims-triage serve

## The batch path on the shipped sample: validate, anonymize and score (outputs in var/).
sample: encoder
	mkdir -p var
	$(BIN)/claims-triage data validate data/sample/claims.jsonl
	$(BIN)/claims-triage anonymize --input data/sample/claims.jsonl --output var/sample.anonymized.jsonl
	rm -f var/sample.scored.jsonl
	$(BIN)/claims-triage score --input data/sample/claims.jsonl --output var/sample.scored.jsonl
	head -n 3 var/sample.scored.jsonl

## Lint, type checks and all tests, the few `slow` ones (real encoder) included.
test: encoder
	$(BIN)/ruff check claims claims_runtime service triage_cli training tests benchmarks scripts
	$(BIN)/mypy claims claims_runtime service triage_cli training
	$(BIN)/python -m pytest

test-fast: venv
	$(BIN)/python -m pytest -m "not slow"

lint: venv
	$(BIN)/ruff check claims claims_runtime service triage_cli training tests benchmarks scripts
	$(BIN)/ruff format --check claims triage_cli tests
