# anjian — the two commands: `make run` (platform + demo data) and `make test`.
# Everything they need is installed on first use; later runs reuse it (stamp files).

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.12 2>/dev/null || ls $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)
VENV := .venv
BIN := $(VENV)/bin
ANJIAN := $(BIN)/anjian
PYTEST_ARGS ?=
# Both cores; a test file stays on one worker (the browser tests share one server per file).
PYTEST_PARALLEL ?= -n 2 --dist loadfile
PG_URL ?= postgres://postgres@127.0.0.1:5432/anjian

.PHONY: help run test test-pg test-browser bench bench-registry bench-clearing bench-ingest bench-draw bench-dispatch bench-sources bench-smoke lint format deps deps-dev assets chromium services broker clean

help:
	@echo "make run      — 安装依赖、迁移、生成演示数据并启动 http://127.0.0.1:8000"
	@echo "make test     — 在 SQLite 上运行全部测试（含浏览器测试）"
	@echo "make test-pg  — 在 PostgreSQL 上运行全部测试（DATABASE_URL，默认 $(PG_URL)）"
	@echo "make test-browser — 只运行浏览器测试（无头 Chromium）"
	@echo "make bench    — 运行 bench/ 下的全部性能测试（需 PostgreSQL）"
	@echo "make bench-clearing — 只运行隐患动态清零数字的性能测试（500 万条隐患）"
	@echo "make bench-ingest — 只运行监测数据接入的性能测试（2 万台设备，NATS MQTT）"
	@echo "make bench-draw — 只运行双随机抽取的性能测试（20 万家对象库、500 名执法人员）"
	@echo "make bench-dispatch — 只运行最近资源查找的性能测试（10 万条应急资源）"
	@echo "make bench-sources — 只运行重大危险源辨识分级的性能测试（2 万个单元 × 10 种危险化学品）"
	@echo "make bench-smoke — 以极小规模跑一遍全部性能测试（CI 用，检验能否跑通）"
	@echo "make lint     — ruff check + ruff format --check + lint-imports（应用分层与无循环导入）"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12（pyenv install 3.12 或 apt-get install python3.12）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.deps: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.deps-dev: $(VENV)/.deps requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

deps: $(VENV)/.deps
deps-dev: $(VENV)/.deps-dev

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm（apt-get install nodejs npm）"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/static/vendor/.stamp: node_modules/.package-lock.json scripts/vendor.py $(VENV)/.deps
	$(BIN)/python scripts/vendor.py
	@touch $@

STATIC_SOURCES := $(shell find anjian -path '*/static/*' -type f 2>/dev/null)
build/collected/staticfiles.json: build/static/vendor/.stamp $(STATIC_SOURCES)
	$(ANJIAN) collectstatic --noinput -v0

assets: build/collected/staticfiles.json

run: deps assets
	$(ANJIAN) migrate --noinput -v0
	$(ANJIAN) demo --if-empty
	$(ANJIAN) run --simulate

chromium:
	@command -v chromium >/dev/null || { \
	  echo "安装 Debian 的 chromium（浏览器测试用）…"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; }

# SQLite even when the shell has a DATABASE_URL; the browser tests build their own database.
test: deps-dev assets chromium broker
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-browser: deps-dev assets chromium
	env -u DATABASE_URL $(BIN)/pytest -m browser $(PYTEST_ARGS)

services:
	@scripts/services.sh postgres

broker:  # the MQTT tests start their own NATS and Mosquitto: the programs must be installed
	@scripts/services.sh brokers

test-pg: deps-dev assets chromium services broker
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

BENCH_URL = $${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/anjian_bench}
# Each benchmark creates its database if missing; the registry's demo data needs the npm
# data packages, its page scenarios the collected static files, the ingest a broker.
BENCH_NEEDS = deps-dev services node_modules/.package-lock.json assets

bench: bench-registry bench-clearing bench-ingest bench-draw bench-dispatch bench-sources

bench-registry: $(BENCH_NEEDS)
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/registry.py

bench-clearing: $(BENCH_NEEDS)
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/clearing.py

bench-ingest: $(BENCH_NEEDS) broker
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/ingest.py

bench-draw: deps-dev
	$(BIN)/python bench/draw.py

bench-dispatch: $(BENCH_NEEDS)
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/dispatch.py

bench-sources: $(BENCH_NEEDS)
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/sources.py

# Every benchmark at tiny sizes in a throw-away database: do they still run? (CI)
SMOKE_URL = postgres://postgres@127.0.0.1:5432/anjian_bench_smoke_$$$$
bench-smoke: $(BENCH_NEEDS) broker
	@url=$(SMOKE_URL); status=0; \
	for bench in registry clearing ingest draw dispatch sources; do \
	  echo "=== bench/$$bench.py --smoke"; \
	  DATABASE_URL=$$url $(BIN)/python bench/$$bench.py --smoke > build/bench-smoke-$$bench.log 2>&1 \
	    || { status=1; echo "bench/$$bench.py --smoke FAILED:"; tail -40 build/bench-smoke-$$bench.log; }; \
	  tail -3 build/bench-smoke-$$bench.log; \
	done; \
	$(BIN)/python -c "import sys; from bench.common import drop_database; drop_database(sys.argv[1])" $$url; \
	exit $$status

# lint-imports checks the contracts in pyproject.toml [tool.importlinter]: apps depend
# downward only, domain apps only through declared edges, no import cycles.
lint: deps-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: deps-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf build .pytest_cache
