# Two commands do all set-up: `make run` (start the app) and `make test` (run all checks).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser
LLM_STAMP := $(VENV)/.llm-test
# Never phone home, never try a model hub.
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run ingest test lint typecheck unit eval-gate bench browser llm-test-deps clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Start the app on http://127.0.0.1:7860 (ingests the bundled corpus first if needed).
run: setup
	$(VENV)/bin/kompetanse serve

ingest: setup
	$(VENV)/bin/kompetanse ingest

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
$(BROWSER_STAMP):
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi
	touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

# A real local LLM server for testing the optional LLM path (llama-cpp-python builds from source, ~5 min).
$(LLM_STAMP): requirements-llm.txt $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-llm.txt
	touch $(LLM_STAMP)

llm-test-deps: $(LLM_STAMP)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

## Lint, type-check, the whole test suite (unit, integration, e2e) and the evaluation gate.
test: setup browser llm-test-deps lint typecheck
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc
	$(MAKE) --no-print-directory eval-gate

eval-gate: setup
	$(VENV)/bin/kompetanse eval --gate --json .data/eval-latest.json

bench: setup
	$(PY) -m evals.bench

clean:
	rm -rf .data $(VENV)
