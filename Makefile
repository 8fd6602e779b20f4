# The two commands that do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REGION := eu-west-3
STACK := caaartoons-prod

.PHONY: run test test-year-ahead fuzz lint browser bench package deploy secrets restart clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m local.server

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

# axe-core, the accessibility checker the browser tests load into each page (package-lock.json).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) browser $(NODE_STAMP) lint package
	$(PY) -m pytest
	@$(MAKE) --no-print-directory test-year-ahead

# The tests that touch the clock, again with the clock a year ahead: a test that passes only on
# certain dates fails today, not on the day the calendar passes it (tests/support/clock_shift.py).
test-year-ahead: $(STAMP)
	CLOCK_AHEAD_DAYS=365 $(PY) -m pytest --ignore=tests/browser --ignore=tests/test_fuzz.py

# The fuzz suite of `make test` (tests/test_fuzz.py), with many more examples: FUZZ_EXAMPLES
# examples a test (default here 5000; `make test` runs 400). Seeded, so a failure repeats.
# Then Schemathesis, every check, against the local stack (`make run`) and its OpenAPI document,
# signed out and signed in: FUZZ_API_EXAMPLES examples an operation (local/schemathesis_run.py).
FUZZ_EXAMPLES ?= 5000
FUZZ_API_EXAMPLES ?= 20
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz.py
	$(PY) -m local.schemathesis_run --examples $(FUZZ_API_EXAMPLES)

# The prod stack, offline and without an AWS account: the Chalice deployment package and the SAM
# template (merged with infra/build.py's) and the edge stack's (WAF, us-east-1), linted. Prints the
# package's size. See infra/README.md.
package: $(STAMP)
	$(PY) -m infra.build dist
	$(VENV)/bin/cfn-lint --regions $(REGION) --include-checks I -- dist/package/sam.json
	$(VENV)/bin/cfn-lint --regions us-east-1 --include-checks I -- dist/edge-template.json

# With the operator's AWS credentials, never in CI: settings in infra/prod.env.
deploy: package
	infra/deploy.sh

secrets: $(STAMP)
	$(PY) -m infra.put_secrets $(if $(ROTATE),--rotate $(ROTATE))

# New execution environments, which read the secrets again at start.
restart:
	@for name in $$(aws cloudformation describe-stack-resources --region $(REGION) \
	    --stack-name $(STACK) --output text --query \
	    "StackResources[?ResourceType=='AWS::Lambda::Function'].PhysicalResourceId"); do \
	  aws lambda update-function-configuration --region $(REGION) --function-name $$name \
	    --description "restarted $$(date -u +%FT%TZ)" >/dev/null && echo "restarted $$name"; \
	done

bench: $(STAMP)
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .local dist .pytest_cache .ruff_cache
