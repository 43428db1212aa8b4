# Two commands: `make run` and `make test`. Everything they need is installed from here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-sqlite test-postgres lint migrate browser-deps node-deps clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

## Set everything up and serve the product on http://127.0.0.1:5000 (PORT overrides).
run: $(VENV)/.runtime
	$(PY) -m gateway.serve

## Install what the tests need, then lint and run the whole suite.
## DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL; unset, on a SQLite file.
test: $(VENV)/.dev browser-deps node-deps
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m devtools.import_cycles

## Headless Chromium for the browser tests (Debian packages; needs root or sudo).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; }

## newman (TM Forum conformance kits, tests/conformance), pinned in package-lock.json.
node-deps: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## After changing models: write a new migration (review it before committing).
migrate: $(VENV)/.dev
	$(VENV)/bin/flask --app wsgi db migrate -m "$(MSG)"

clean:
	rm -rf $(VENV) instance .pytest_cache
