# Relais ASE — a newcomer needs two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
STAGE ?= prod
PORT ?= 8000
AWS_PORT ?= 4566

.PHONY: run test test-fast bench lint format deploy package clean browser

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet checkov==3.3.30

## run: embedded AWS + provisioning + demo data + API on http://127.0.0.1:$(PORT) (Ctrl-C stops all);
## beside another checkout: make run PORT=8100 AWS_PORT=4600
run: $(STAMP)
	$(PY) -m chalicelib.local.run --port $(PORT) --aws-port $(AWS_PORT)

## browser: Debian's Chromium for the browser tests, installed when missing (root + apt-get);
## elsewhere the browser tests are skipped, with the reason
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	      || echo "chromium could not be installed: the browser tests will be skipped"; \
	  else echo "chromium absent and not installable here: the browser tests will be skipped"; fi; }

## test: everything CI checks (lint, unit, integration, infra, browser)
test: lint $(CHECKOV) browser
	CHECKOV_BIN=$(abspath $(CHECKOV)) $(PY) -m pytest -n 2 --dist loadfile

## test-fast: the dev loop — lint and the unit tests (no browser, no AWS endpoint, no slow runs)
test-fast: lint
	$(PY) -m pytest tests/unit -q -m "not browser and not slow"

## bench: the performance budgets of SPEC §10 and the national cost model
bench: package
	$(PY) -m bench

## lint: ruff (style, complexity ≤ 12), mypy on chalicelib/, import contracts (no cycle, layers),
## no function over 50 lines in chalicelib/
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) tools/function_length.py

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

package: $(STAMP)
	rm -rf build/$(STAGE)
	RELAIS_STAGE=$(STAGE) AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} \
		$(VENV)/bin/chalice package \
		--stage $(STAGE) --merge-template infra/resources.yaml build/$(STAGE)
	$(PY) tools/slim_package.py build/$(STAGE)/deployment.zip

## deploy: package and deploy to AWS (needs AWS credentials; see docs/DEPLOY.md)
deploy: $(STAMP)
	STAGE=$(STAGE) CHALICE=$(VENV)/bin/chalice infra/deploy.sh

clean:
	rm -rf build artifacts .pytest_cache .ruff_cache
