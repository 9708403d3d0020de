# Two commands: `make run` and `make test`. Everything else is a building block of those.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: each has its own test database (and Redis key prefix); about 3 min here.
PYTEST_ARGS ?= -n 2

.PHONY: run test install lint check-migrations imports security audit-deps pytest messages worker beat serve clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate messages
	$(MANAGE) collectstatic --noinput --verbosity 0

messages: $(BIN)/activate
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

serve: install
	$(BIN)/gunicorn portal.wsgi:application --bind $(HOST):$(PORT) --workers 2

worker: install
	$(BIN)/celery -A portal worker -l info

beat: install
	$(BIN)/celery -A portal beat -l info

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(BIN)/activate
	$(MANAGE) makemigrations --check --dry-run

imports: $(BIN)/activate
	$(BIN)/lint-imports

# Static security checks of our code (configured in pyproject.toml).
security: $(BIN)/activate
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive .

# Known vulnerabilities in the pinned dependencies; needs the PyPI advisory service.
audit-deps: $(BIN)/activate
	$(BIN)/pip-audit --requirement requirements.txt --progress-spinner off

# axe-core for the browser tests' accessibility checks (tests/e2e), when npm is available.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

pytest: install node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint check-migrations imports security pytest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Load test (benchmarks/load.py, docs/performance.md): gunicorn + PostgreSQL + Redis + a Celery
# worker on loopback, a realistic mix for LOAD_DURATION seconds per phase with LOAD_CASES cases
# in the database (generated first). LOAD_DATABASE_URL names a new database (its name starts
# with bench_load; created and dropped by the script) and LOAD_REDIS_URL a Redis database of the
# run's own (emptied); LOAD_ARGS adds options, e.g. "--concurrency 16 --keep". Exits 1 on any
# error response. `load-smoke` is CI's short run (2,000 cases, 10 s per phase).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_load
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/11
LOAD_CASES ?= 1000000
LOAD_DURATION ?= 60
LOAD_ARGS ?=
LOAD_SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_load_smoke
LOAD_SMOKE_REDIS_URL ?= redis://127.0.0.1:6379/12

.PHONY: load load-smoke
load: install
	$(BIN)/python benchmarks/load.py --database-url $(LOAD_DATABASE_URL) \
		--redis-url $(LOAD_REDIS_URL) --cases $(LOAD_CASES) --duration $(LOAD_DURATION) $(LOAD_ARGS)

load-smoke: install
	$(BIN)/python benchmarks/load.py --smoke --database-url $(LOAD_SMOKE_DATABASE_URL) \
		--redis-url $(LOAD_SMOKE_REDIS_URL)
