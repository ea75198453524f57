# contacts_admin — `make run` and `make test` are all a fresh machine with Python 3.11 needs (see README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
# Reinstall only when pyproject.toml is newer than the last install.
INSTALLED := $(VENV)/.installed
PORT ?= 8000
export PORT
# Extra arguments for pytest / the benchmark, e.g. `make test ARGS="-k api_key -x"`.
ARGS ?=

.PHONY: help install run test test-all bench lint fmt

help:
	@echo "make run        set up (venv, install, migrate, demo admin + API key) and serve web + worker on PORT ($(PORT))"
	@echo "make test       run the test suite, without the slow tests (ARGS=... passes pytest options)"
	@echo "make test-all   run every test, the slow ones (real gunicorn + Celery worker) included"
	@echo "make bench      run the ingest benchmark (python -m bench)"
	@echo "make lint       ruff check, ruff format --check, mypy apps"
	@echo "make fmt        ruff format and ruff check --fix"

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(INSTALLED)

# Development defaults: DEBUG on (so no SECRET_KEY is needed); any of them can be overridden from the environment.
run: export DEBUG ?= true
run: $(INSTALLED)
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap_demo
	$(PY) manage.py serve --port $(PORT)

test: $(INSTALLED)
	$(PY) -m pytest -m "not slow" $(ARGS)

test-all: $(INSTALLED)
	$(PY) -m pytest $(ARGS)

bench: $(INSTALLED)
	$(PY) -m bench $(ARGS)

# mypy's Django plugin imports the settings, which insist on SECRET_KEY unless DEBUG is on.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy apps

fmt: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
