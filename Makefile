# The two commands of the README:
#   make run   - set up and run the portal with demo data at http://127.0.0.1:8000
#   make test  - run the whole test suite (lint, unit, integration, browser)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format lock messages worker cron clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the lock file changes.
$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

# The local settings every command of this checkout shares (DJANGO_DEBUG=true and a generated
# secret key; git-ignored, written once, never overwritten; seller_portal/local_env.py).
.env: | $(VENV)/.base-installed
	$(PY) -m seller_portal.local_env $@

run: export DJANGO_DEBUG ?= true
run: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		$(PY) manage.py rqworker default --with-scheduler & worker=$$!; \
		$(PY) manage.py rqcron seller_portal.schedule & cron=$$!; \
		echo "REDIS_URL is set: started an RQ worker (manage.py rqworker default --with-scheduler, pid $$worker) and the cron scheduler (manage.py rqcron seller_portal.schedule, pid $$cron); the web server (manage.py runserver $(HOST):$(PORT)) follows. Ctrl-C stops all three."; \
		trap 'kill -TERM $$worker $$cron 2>/dev/null; wait $$worker $$cron 2>/dev/null; exit 0' EXIT; \
		trap 'exit 0' INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		$(PY) manage.py runserver $(HOST):$(PORT); \
	fi

# Tests need a Redis server (REDIS_URL, default below: database 15 of the local server) and,
# for the browser tests, Debian's Chromium. DATABASE_URL defaults to a SQLite file; CI points it
# at PostgreSQL (.ci/run).
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/15}" $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Compile translations after editing locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

worker: install
	$(PY) manage.py rqworker default --with-scheduler

cron: install
	$(PY) manage.py rqcron seller_portal.schedule

# Re-resolve the pinned versions from pyproject.toml's ranges.
lock:
	rm -rf /tmp/seller-portal-lock
	$(PYTHON) -m venv /tmp/seller-portal-lock
	/tmp/seller-portal-lock/bin/pip install --quiet .
	( echo "# Locked by 'make lock' from pyproject.toml. Do not edit by hand."; \
	  /tmp/seller-portal-lock/bin/pip freeze --exclude seller-portal ) > requirements/base.txt
	/tmp/seller-portal-lock/bin/pip install --quiet '.[dev]'
	( echo "# Locked by 'make lock' from pyproject.toml [dev]. Do not edit by hand."; \
	  /tmp/seller-portal-lock/bin/pip freeze --exclude seller-portal ) > requirements/dev.txt
	rm -rf /tmp/seller-portal-lock build *.egg-info

clean:
	rm -rf $(VENV) db.sqlite3 media
