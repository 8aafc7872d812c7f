# The one entry point for people. Each target runs one command; the venv (.venv) is created or updated first
# whenever pyproject.toml changed. `make help` lists the targets.
.PHONY: help demo test test-aws package docs edges fmt bench scan mutation provider-schemas

VENV := .venv/.installed

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/'

$(VENV): pyproject.toml
	tools/bootstrap

demo: $(VENV)  ## Apply examples/complete to a local AWS emulator and show the Slack message the notifier sends
	.venv/bin/python -m tools.demo

test: $(VENV)  ## Every check: ruff, terraform fmt/validate/test, pytest (units, emulator, examples, the demo)
	tools/check

test-aws: $(VENV)  ## Opt-in: the end-to-end test on a real AWS account (credentials, APIGW_TEST_SLACK_WEBHOOK_URL; costs cents)
	APIGW_TEST_AWS=1 .venv/bin/python -m pytest tests/integration/test_end_to_end.py -k aws -p no:randomly -s -rs

package: $(VENV)  ## Rebuild the committed Lambda zips under source_code/dist/ from source_code/
	.venv/bin/python -m tools.package_lambdas

docs: $(VENV)  ## Regenerate the generated parts of the READMEs (inputs/outputs tables)
	.venv/bin/python -m tools.docs

edges: $(VENV)  ## Regenerate each module's edges.tftest.hcl from its edges.json, and the notifier's query-length cases
	.venv/bin/python -m tools.edges && .venv/bin/python -m tools.query_cases

fmt: $(VENV)  ## Format Terraform and Python
	tools/fmt

bench: $(VENV)  ## The notifier storm benchmark (prints figures)
	.venv/bin/python bench/storm.py

scan: $(VENV)  ## checkov over every module, as security teams run it (0 failed checks expected)
	tools/scan

mutation: $(VENV)  ## Mutation score of the notifier package under its unit tests (mutmut; ~10 min on 2 cores)
	tools/mutation

provider-schemas: $(VENV)  ## Refresh tests/fixtures/provider-schemas/ (hashicorp/aws 6.x names) from the CDK bindings on PyPI (~130 MB download)
	.venv/bin/python -m tools.provider_schema
