# Make targets for the native stack: compose.yaml's core, streaming and ml services as processes on
# 127.0.0.1, no Docker (ops/scripts/native.py; docs/stack.md "The native stack"). Included by the
# top-level Makefile. They run from the build: `make build` and `make py-setup` first.
# Debian's python3: ops/scripts/install-ci-tools.sh gives it the PyYAML native.py reads compose.yaml with.
NATIVE_PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
NATIVE := $(NATIVE_PYTHON) $(STACK_SCRIPTS)/native.py

.PHONY: native-up native-down native-status native-smoke native-test

native-up: ## Start the native stack (Airflow, Spark, Flink, Pulsar, Postgres, S3Proxy, chDB, Redis, MLflow, Feast, BentoML) on free loopback ports
	@$(NATIVE) up

native-down: ## Stop every process of the native stack and check that none is left
	@$(NATIVE) down

native-status: ## Each native service with its pid, URL and log
	@$(NATIVE) status

native-smoke: ## `make smoke` on the native stack: starts it if needed, one Airflow-driven Bronze-to-Gold run, then the ML DAG and a prediction, stops what it started
	@$(NATIVE) smoke

native-test: ## The native tier of make test: up, the medallion smoke, then the ML smoke with the DAG tests (DagBag, Flink deploy) beside it, down
	@$(NATIVE) test
