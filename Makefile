PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/two_chapters.md
DEMO_OUT ?= demo.m4b

.PHONY: install test test-fast demo lint docs clean gpu-check

install: $(STAMP)

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24" "setuptools<81" wheel
	$(PY) -m pip install -q -e ".[dev,ray]"
	touch $(STAMP)

test: install
	TQDM_DISABLE=1 $(PY) -m pytest -q

test-fast: install
	TQDM_DISABLE=1 $(PY) -m pytest -q -m "not slow"

demo: install
	$(VENV)/bin/ttsgen $(EXAMPLE) -o $(DEMO_OUT)

# The gpu-marked tests, then the fast engine on full-size random weights at batch sizes
# 1, 8, 32 and auto in bfloat16 and float32: one JSON report (GPU_CHECK_OUT). Needs no
# network, so it uses the venv when there is one and the machine's python3 otherwise.
GPU_CHECK_OUT ?= gpu-check.json
GPU_PY := $(if $(wildcard $(PY)),$(PY),$(PYTHON))

gpu-check:
	TQDM_DISABLE=1 $(GPU_PY) -m tts_cli.benchmarks.gpu_check --out $(GPU_CHECK_OUT)

lint: install
	$(PY) -m ruff check tts_cli tests
	$(PY) -m ruff format --check tts_cli tests
	$(PY) -m tts_cli.docs --check README.md

docs: install
	$(PY) -m tts_cli.docs --write README.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
