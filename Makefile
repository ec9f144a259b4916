# One task runner. `make run` and `make test` do all the set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test lint eval bench browser clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	# torch first and pinned: 2.13.0 is the CPU build (an unpinned torch pulls several GB of CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/policy-assistant serve

# Headless Chromium for the browser tests (Debian's package; playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) browser
	$(PY) -m pytest

lint: $(STAMP)
	$(BIN)/ruff check assistant index ui prompts tests
	$(BIN)/ruff format --check assistant index ui prompts tests

eval: $(STAMP)
	$(BIN)/policy-assistant eval

bench: $(STAMP)
	$(BIN)/policy-assistant bench

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
