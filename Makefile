# Zvonar: `make run` starts the product, `make test` runs every test. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test test-sqlite test-postgres lint venv frontend system-test-deps lock messages clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Install python3-venv (apt-get install python3-venv)"; exit 1; fi; }
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

frontend: node_modules/.installed src/zvonar/static/vendor/.copied

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/zvonar/static/vendor/.copied: node_modules/.installed package.json scripts/vendor_static.py
	$(PYTHON) scripts/vendor_static.py
	@touch $@

run: venv frontend
	$(BIN)/zvonar migrate --noinput
	$(BIN)/zvonar demo
	$(BIN)/zvonar run --host $(HOST) --port $(PORT)

# Debian packages the tests drive for real: PostgreSQL, Redis, Chromium, gettext.
system-test-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (the tests that need them say so)"; fi; \
	fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: venv frontend
	@echo "=== test suite on SQLite ==="
	ZVONAR_TEST_DATABASE=sqlite $(BIN)/python -m pytest -p no:cacheprovider

test-postgres: venv frontend
	@echo "=== test suite on PostgreSQL ==="
	$(BIN)/python scripts/with_services.py --postgres --redis -- $(BIN)/python -m pytest -p no:cacheprovider

test: system-test-deps lint test-sqlite test-postgres

lock:
	uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements.lock

messages: venv
	cd src/zvonar && ../../$(BIN)/zvonar makemessages -l ru -l en --no-obsolete --ignore 'dialer/core/*' --ignore 'dialer/sim/*' --ignore 'static/vendor/*'
	cd src/zvonar && ../../$(BIN)/zvonar compilemessages

clean:
	rm -rf $(VENV) node_modules src/zvonar/static/vendor
