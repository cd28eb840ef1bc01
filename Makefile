# OneRing: `make demo` runs the pipeline on this machine, `make test` proves it; `make up` starts
# the Docker stack (targets in ops/make/stack.mk). `make` alone lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

MVN ?= mvn -B -ntp
ONERING := ops/scripts/onering
# Extra options for `make demo`, e.g. DEMO_ARGS="--days 90 --defect-scale 20".
DEMO_ARGS ?=
# Options for `make demo-ml`, e.g. DEMO_ML_ARGS="--lake data/lake --work data/ml".
DEMO_ML_ARGS ?=
# Extra options for `make demo-stream`, e.g. STREAM_ARGS="--days 1 --rate 20000".
STREAM_ARGS ?=

# Python services to set up, e.g. PY_SERVICES="airflow mlflow" (default: every platform/*/requirements.lock).
PY_SERVICES ?=

.PHONY: help setup py-setup py-lock build flink-jar demo demo-stream demo-ml test test-java test-ml bench bench-stream clean clean-data
# Sizes for `make bench`, e.g. BENCH_ARGS="--sizes 1M,5M --runs 5".
BENCH_ARGS ?=
# Options for the streaming benchmark, e.g. STREAM_BENCH_ARGS="--ticks-per-day 40000 --pace 20000".
STREAM_BENCH_ARGS ?=

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Install what the embedded runtime needs beyond Java and Maven: the ClickHouse engine library (npm)
	@ops/scripts/install-chdb.sh

py-setup: ## One virtualenv per Python service (.cache/venvs/<service>) from its committed lock, with uv
	@ops/scripts/py-setup.sh $(PY_SERVICES)

py-lock: ## Re-resolve platform/<service>/requirements.in into requirements.lock (PY_SERVICES to pick)
	@ops/scripts/py-setup.sh --lock $(PY_SERVICES)

build: setup ## Build the pipelines and the onering CLI (tests and the Flink job jar skipped), and the CLI's class-data-sharing archive
	cd pipelines && $(MVN) -q install -DskipTests -Dflink-jar.skip
	@ops/scripts/cds-archive.sh

flink-jar: ## Build pipelines/streaming/target/onering-flink.jar, the job the stack's Flink cluster runs, and check it
	cd pipelines && $(MVN) -q -pl streaming -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false

# The virtualenvs `make demo` needs: the drift step's Evidently (when this checkout has its lock).
DEMO_VENVS := $(patsubst platform/%/requirements.lock,%,$(wildcard platform/evidently/requirements.lock))

demo: build ## Run every step on the default dataset and write out/runs/<run-id>/report.html
	@$(if $(DEMO_VENVS),ops/scripts/py-setup.sh $(DEMO_VENVS),true)
	$(ONERING) run $(DEMO_ARGS)

demo-stream: build ## Live half: embedded Pulsar, the Flink job on a MiniCluster, ticks published, live counts; writes out/stream/<id>/report.html
	$(ONERING) stream demo $(STREAM_ARGS)

demo-ml: py-setup ## ML path natively: Redis, Feast, MLflow, BentoML and Streamlit on the demo's feature table; URLs printed, Ctrl-C stops all
	PYTHONPATH=platform/ml .cache/venvs/featurestore/bin/python -m onering_ml.demo $(DEMO_ML_ARGS)

test: setup ## Run all tests: Java on real engines (Spark, chDB, Postgres, Liquibase), the ML services, the stack checks, the native stack
	@ops/scripts/install-ci-tools.sh
	@ops/scripts/py-setup.sh
	$(MAKE) --no-print-directory test-java
	$(MAKE) --no-print-directory test-ml
	$(MAKE) --no-print-directory stack-check
	$(MAKE) --no-print-directory native-test

test-java: ## Only the Java tests
	cd pipelines && $(MVN) install

test-ml: py-setup ## Only the ML path's Python tests: Feast, drift, the model service and the app, on the real servers
	@ops/scripts/ml-test.sh

bench: build ## Benchmark the batch path against DuckDB at 1M, 5M and 20M ticks (about an hour), then the streaming path; out/bench/
	ONERING_HEAP=2g $(ONERING) bench $(BENCH_ARGS)
	$(ONERING) stream bench $(STREAM_BENCH_ARGS)

bench-stream: build ## Only the streaming benchmark: the job against the broker alone on the same ticks, bar delay at a paced rate (5 min)
	$(ONERING) stream bench $(STREAM_BENCH_ARGS)

clean: ## Remove build output
	cd pipelines && $(MVN) -q clean

clean-data: ## Remove the local lake, the embedded stores and the run reports (data/, out/)
	rm -rf data out

include ops/make/stack.mk
include ops/make/native.mk
