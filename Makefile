# Brugwijzer — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` and `make test-fast`: auto is one per CPU; 0 runs the tests in
# pytest's own process, one after another (PYTEST_WORKERS=0 make test).
PYTEST_WORKERS ?= auto
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: run test test-fast lint format venv setup browser messages vendor clean bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python_bin="$$(bin/find-python)" && echo "Using $$python_bin" && \
	  { [ -x $(PY) ] || "$$python_bin" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

## Set up the SQLite database with reference data and the demo region (idempotent).
setup: venv
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_reference_data
	DEBUG=1 $(PY) manage.py seed_demo

## Install, migrate, load reference data and the demo region, serve on http://127.0.0.1:8000
run: setup
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

## Lighthouse for tests/browser/test_lighthouse.py, exactly as package-lock.json pins it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## The whole suite (unit, database and browser tests). Set DATABASE_URL to run on PostgreSQL.
test: venv browser node_modules/.installed
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

## Everything but the browser tests.
test-fast: venv
	$(PY) -m pytest $(PYTEST_XDIST) -m "not browser" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Performance at Flanders scale on PostgreSQL (127.0.0.1:5432): writes docs/performance.md (bench/README.md).
bench: venv
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "Throughput needs wrk: sudo apt-get install wrk (measuring latency only)" >&2; fi; \
	fi
	$(PY) bench/run.py $(BENCH_ARGS)

## Regenerate and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l nl_BE -l en -l fr --ignore=.venv --ignore=node_modules --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

## Refresh the vendored front-end libraries from the npm registry (committed in static/).
vendor:
	npm install --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css static/vendor/leaflet/
	cp -r node_modules/leaflet/dist/images static/vendor/leaflet/
	mkdir -p static/vendor/leaflet.markercluster
	cp node_modules/leaflet.markercluster/dist/{leaflet.markercluster.js,leaflet.markercluster.js.map,MarkerCluster.css,MarkerCluster.Default.css} static/vendor/leaflet.markercluster/
	cp node_modules/leaflet.markercluster/MIT-LICENCE.txt static/vendor/leaflet.markercluster/LICENSE
	cp node_modules/axe-core/axe.min.js tests/browser/vendor/

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
