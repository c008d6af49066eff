# notifyadmin: `make run` brings the whole system up locally; `make test` runs every test.
# Targets explain themselves: `make help`.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP) ## Install Python (into .venv) and front-end (npm) dependencies

var:
	mkdir -p var var/celery-broker/queue var/celery-broker/processed var/celery-broker/control

setup: install var ## Install, migrate the local database and seed the demo
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_schedules
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py cis2_local_setup

run: setup ## Start web app (http://127.0.0.1:8000), worker, scheduler and local sandboxes; Ctrl-C stops all
	$(BIN)/honcho start -f Procfile

test: install ## Run the whole test suite (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=notifyadmin.settings.test
	$(BIN)/pytest -n 2 --dist loadgroup

lint: install ## ruff lint and format check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy notifyadmin audit templates_app preferences

bench: install ## Benchmarks: one line per figure (not part of make test)
	$(BIN)/python -m tests.benchmarks

clean: ## Remove the local database, broker files and installed dependencies
	rm -rf $(VENV) node_modules var staticfiles

.PHONY: help install setup run test lint bench clean

safety-case: $(STAMP) ## Clinical safety case (HTML and PDF) in var/safety-case/, from the hazard log and the latest test results
	$(BIN)/python -m notifyadmin.safety render --out var/safety-case

.PHONY: safety-case
