# The front door. Needs only python3, pip and make; uv and the environment are bootstrapped.
SHELL := /bin/bash
PYTHON ?= python3
# Resolved at use, so a uv installed by the bootstrap below is found.
UV = $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
SYNCED := .venv/.synced
SOURCES := shared/src services/intake/src services/threat/src services/social/src services/followup/src
TESTS := tests shared/tests services/intake/tests services/threat/tests services/social/tests services/followup/tests conftest.py

.PHONY: run test lint bench ci fmt clean bootstrap schemas token verify-audit

bootstrap:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
	  $(PYTHON) -m pip install --quiet uv || $(PYTHON) -m pip install --quiet --user uv || \
	  $(PYTHON) -m pip install --quiet --user --break-system-packages uv

$(SYNCED): uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	@$(MAKE) --no-print-directory bootstrap
	$(UV) sync --frozen --all-packages
	@touch $@

run: $(SYNCED) ## all four services on embedded defaults: SQLite files under var/, in-process bus
	$(UV) run --frozen python -m avhopp_shared.platform

CLIENT ?= social-malmo
token: $(SYNCED) ## a bearer token for a demo client of the embedded issuer (CLIENT=police-syd; CLIENT=list)
	@if [ "$(CLIENT)" = list ]; then $(UV) run --frozen python -m avhopp_shared.auth.token_cli --list; \
	  else $(UV) run --frozen python -m avhopp_shared.auth.token_cli --client $(CLIENT); fi

verify-audit: $(SYNCED) ## check every service's audit chain; reports the first broken entry
	@status=0; for svc in intake threat social followup; do \
	  $(UV) run --frozen python -m avhopp_$$svc verify-audit || status=1; done; exit $$status

test: $(SYNCED) ## the suite, against real PostgreSQL and a real Kafka-protocol broker
	$(UV) run --frozen pytest

lint: $(SYNCED)
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy $(SOURCES) $(TESTS) bench

fmt: $(SYNCED)
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: $(SYNCED) ## side-by-side figures, printed and written to bench/results/
	$(UV) run --frozen python -m bench.run

schemas: $(SYNCED) ## regenerate the event contract (JSON Schema, AsyncAPI) under shared/schemas/
	$(UV) run --frozen python -m avhopp_shared.events.export shared/schemas

ci: lint test

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
