# Gemba: `make run` serves the demo plant, `make test` runs every check. Both bootstrap themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PWA_STAMP := pwa/node_modules/.installed-$(shell [ -f pwa/package-lock.json ] && sha1sum pwa/package-lock.json | cut -c1-12)
PWA_SOURCES := $(shell find pwa/src pwa/index.html pwa/vite.config.ts pwa/public -type f 2>/dev/null)
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run test lint typecheck pytest bench soak venv pwa system-deps clean

run: venv pwa
	$(BIN)/gemba run

venv: $(STAMP)

$(STAMP): pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# The PWA is built when pwa/ has a package.json; the API serves pwa/dist.
pwa: $(if $(wildcard pwa/package.json),pwa/dist/index.html)

$(PWA_STAMP): $(wildcard pwa/package.json pwa/package-lock.json)
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	@rm -f pwa/node_modules/.installed-*
	@touch $@

pwa/dist/index.html: $(PWA_STAMP) $(PWA_SOURCES)
	cd pwa && npm run --silent build

# Packages the tests need from Debian: Chromium for the PWA tests, librsvg for label sheets.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	fi

lint: venv
	$(BIN)/ruff check backend sync tests bench alembic
	$(BIN)/ruff format --check backend sync tests bench alembic
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy
	@if [ -f pwa/package.json ]; then $(MAKE) --no-print-directory pwa && cd pwa && npm run --silent typecheck; fi

# Browser tests run in a process of their own: Playwright's sync API owns its event loop.
pytest: venv pwa system-deps
	$(BIN)/pytest $(PYTEST_ARGS) -m "not e2e"
	$(BIN)/pytest -m e2e
	@if [ -f pwa/package.json ]; then cd pwa && npm run --silent test; fi

test: lint typecheck pytest

bench: venv pwa
	@for b in bench/*.py; do [ "$$(basename $$b)" = "_common.py" ] || $(BIN)/python $$b || exit 1; done

soak: venv
	GEMBA_SIM_SEEDS=200 $(BIN)/pytest -m "slow or not slow" tests -k simulation

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist var
