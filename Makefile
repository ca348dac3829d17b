PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE ?= examples/two_chapters.md
DEMO_OUT ?= demo.m4b

.PHONY: install test test-fast demo lint docs clean

install: $(STAMP)

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=24" "setuptools<81" wheel
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

test: install
	TQDM_DISABLE=1 $(PY) -m pytest -q

test-fast: install
	TQDM_DISABLE=1 $(PY) -m pytest -q -m "not slow"

demo: install
	$(VENV)/bin/ttsgen $(EXAMPLE) -o $(DEMO_OUT)

lint: install
	$(PY) -m ruff check tts_cli tests
	$(PY) -m ruff format --check tts_cli tests
	$(PY) -m tts_cli.docs --check README.md

docs: install
	$(PY) -m tts_cli.docs --write README.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
