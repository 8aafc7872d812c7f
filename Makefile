# The one entry point for people. Each target runs one command, after installing the pyproject.toml list it needs
# (tools/bootstrap LIST; again only when pyproject.toml changed): the demo and the benchmark only the "demo" list, so
# a first `make demo` is quick; make mutation adds mutmut; checkov has a venv of its own (.venv-checkov), for make
# scan and make test; everything else uses the "dev" list. `make help` lists the targets.
.PHONY: help demo test test-aws package docs edges fmt bench scan mutation provider-schemas

DEMO := .venv/.installed-demo
DEV := .venv/.installed-dev
MUTATION := .venv/.installed-mutation
SCAN := .venv-checkov/.installed-scan

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/'

.venv/.installed-%: pyproject.toml
	tools/bootstrap $*

$(SCAN): pyproject.toml
	tools/bootstrap scan

demo: $(DEMO)  ## Apply examples/complete to a local AWS emulator and show the Slack message the notifier sends
	.venv/bin/python -m tools.demo

test: $(DEV) $(SCAN)  ## Every check: ruff, terraform fmt/validate/test, pytest (units, emulator, examples, the demo)
	tools/check

test-aws: $(DEV)  ## Opt-in: the end-to-end test on a real AWS account (credentials, APIGW_TEST_SLACK_WEBHOOK_URL; costs cents)
	APIGW_TEST_AWS=1 .venv/bin/python -m pytest tests/integration/test_end_to_end.py -k aws -p no:randomly -s -rs

package: $(DEV)  ## Rebuild the committed Lambda zips under source_code/dist/ from source_code/
	.venv/bin/python -m tools.package_lambdas

docs: $(DEV)  ## Regenerate the generated parts of the READMEs (inputs/outputs tables)
	.venv/bin/python -m tools.docs

edges: $(DEV)  ## Regenerate each module's edges.tftest.hcl from its edges.json, and the notifier's query-length cases
	.venv/bin/python -m tools.edges && .venv/bin/python -m tools.query_cases

fmt: $(DEV)  ## Format Terraform and Python
	tools/fmt

bench: $(DEMO)  ## The notifier storm benchmark (prints figures)
	.venv/bin/python bench/storm.py

scan: $(SCAN)  ## checkov over every module, as security teams run it (0 failed checks expected)
	tools/scan

mutation: $(MUTATION)  ## Mutation score of the notifier package under its unit tests (mutmut; ~10 min on 2 cores)
	tools/mutation

provider-schemas: $(DEV)  ## Refresh tests/fixtures/provider-schemas/ (hashicorp/aws 6.x names) from the CDK bindings on PyPI (~130 MB download)
	.venv/bin/python -m tools.provider_schema
