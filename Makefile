# RIJM — every command a person or CI runs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RIJM := node dist/pipelines/cli.js
DEMO_SCALE ?= 0.05
DEMO_SEED ?= 20261122

.PHONY: help install build demo test check typecheck lint format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## install the dependencies (npm ci)

build: install ## compile TypeScript to dist/
	npm run --silent build

# The demo's deliveries carry planted faults, so the nightly run ends with exit code 3 ("completed, but
# rows or files were rejected"): that is the expected outcome here, any other non-zero code fails.
demo: build ## install, generate the demo region and run the nightly job on it
	rm -rf demo
	$(RIJM) generate --out demo/inbox --scale $(DEMO_SCALE) --seed $(DEMO_SEED)
	$(RIJM) nightly --demo --inbox demo/inbox --data-dir demo/data || [ $$? -eq 3 ]
	@echo "Reports: demo/data/published/reports/index.html (planted faults: demo/manifest.json)"

test: install ## run everything CI runs: types, lint, format, tests
	npm run --silent typecheck
	npx biome ci .
	npm run --silent build
	npx vitest run

check: test ## the same as make test

typecheck: install ## type-check only
	npm run --silent typecheck

lint: install ## lint only
	npx biome lint .

format: install ## format every file in place
	npx biome format --write .

bench: build ## benchmark the nightly run (SCALE=1, or SCALES=1,2,5,10); writes docs/benchmarks.md
	node dist/bench/run.js --scales $${SCALES:-$${SCALE:-1}}

clean: ## remove build output, demo data and local warehouses
	rm -rf dist demo data test-results
