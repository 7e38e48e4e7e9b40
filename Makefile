# Veiviser: the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast install model ingest lint eval eval-gate bench browser-deps clean

# Create the virtualenv and install the project. torch comes first, from the CPU build on local
# disk, so that no dependency pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=25.1"
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e . --group dev
	touch $(STAMP)

install: $(STAMP)

model: install
	$(PY) -m index.e5_conversion build

ingest: model
	$(PY) app.py ingest

# First command: build the model and the index if missing or stale, then serve API + UI.
run: model
	$(PY) app.py serve

# Second command: the whole test suite (unit, integration, browser).
test: model browser-deps
	$(PY) -m pytest

# The inner loop: unit and API tests on the fake embedder (no model, no browser), well under 30 s.
test-fast: install
	$(PY) -m pytest -q tests/unit tests/api

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "WARNING: chromium could not be installed; browser tests will be skipped"; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

eval: ingest
	$(PY) app.py eval --split test

# CI gate: the test split in extractive mode must stay above the thresholds in eval/gate.toml.
# It shares the integration tests' passage-vector cache (keyed by text and model), so nothing unchanged is
# embedded twice in one CI run.
eval-gate: model
	VEIVISER_LLM__BACKEND=none VEIVISER_INDEX__EMBEDDING_CACHE=$(CURDIR)/.cache/test-embeddings.sqlite \
	  $(PY) app.py eval --split test --systems veiviser --gate eval/gate.toml
	VEIVISER_LLM__BACKEND=none VEIVISER_INDEX__EMBEDDING_CACHE=$(CURDIR)/.cache/test-embeddings.sqlite \
	  $(PY) app.py eval --dataset eval/datasets/questions-typos.jsonl --split test --systems veiviser \
	  --gate eval/gate-typos.toml
	VEIVISER_LLM__BACKEND=none VEIVISER_INDEX__EMBEDDING_CACHE=$(CURDIR)/.cache/test-embeddings.sqlite \
	  $(PY) app.py eval --dataset eval/datasets/measures.jsonl --split test --systems veiviser \
	  --gate eval/gate-catalog.toml

bench: ingest
	$(PY) -m eval.bench.pipeline
	$(PY) -m eval.bench.situations
	$(PY) -m eval.bench.api_throughput
	$(PY) -m eval.bench.scale

clean:
	rm -rf data results test-artifacts .pytest_cache
