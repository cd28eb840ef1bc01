# Make targets for the Docker stack. Included by the top-level Makefile (`include ops/make/stack.mk`);
# also usable alone: `make -f ops/make/stack.mk stack-check`. Recipes are thin: the work is in
# ops/scripts/, which says what to do next when something fails.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

STACK_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
STACK_SCRIPTS := $(STACK_ROOT)/ops/scripts
# Profiles to start on top of core, e.g. `make up PROFILES="streaming bi"` (default: ONERING_PROFILES in .env).
PROFILES ?=
SERVICE ?=
STACK_PYTHON ?= python3

.PHONY: init preflight up down status logs smoke reset-data airbyte stack-check

init: ## Write .env with generated passwords and keys (keeps existing values)
	@$(STACK_SCRIPTS)/init-env.sh

preflight: ## Check Docker, memory/CPU/disk for PROFILES, free ports, .env
	@$(STACK_SCRIPTS)/preflight.sh $(PROFILES)

up: ## Start the stack: core plus PROFILES="streaming ml bi governance ci secrets", wait until healthy
	@$(STACK_SCRIPTS)/up.sh $(PROFILES)

down: ## Stop every profile's containers (data volumes are kept)
	@cd $(STACK_ROOT) && COMPOSE_PROFILES=core,streaming,ml,bi,governance,ci,secrets,tools \
	  $$(source $(STACK_SCRIPTS)/functions.sh && compose_cmd) down --remove-orphans

status: ## Every service with its health, UI URL and API probe
	@$(STACK_PYTHON) $(STACK_SCRIPTS)/stack.py status

logs: ## Follow the logs of all services, or of SERVICE=name
	@cd $(STACK_ROOT) && COMPOSE_PROFILES=core,streaming,ml,bi,governance,ci,secrets \
	  $$(source $(STACK_SCRIPTS)/functions.sh && compose_cmd) logs --follow --tail=200 $(SERVICE)

smoke: ## Against the running stack: health, one Bronze-to-Gold run via Airflow's API, counts, quality
	@$(STACK_PYTHON) $(STACK_SCRIPTS)/stack.py smoke

reset-data: ## Delete the stack's volumes (lake, databases, logs) but keep images; FORCE=1 skips the prompt
	@$(STACK_SCRIPTS)/reset-data.sh

airbyte: ## Optional: install Airbyte with abctl and apply the CSV-to-MinIO connection as code
	@$(STACK_SCRIPTS)/airbyte.sh

stack-check: ## Static checks of the stack (compose config per profile, invariants, DAGs, promtool, Grafana)
	@$(STACK_SCRIPTS)/stack-check.sh
