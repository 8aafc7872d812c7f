# Entry points. Each target bootstraps .venv (once) through the scripts it calls.
.PHONY: demo test package docs fmt bench

demo:  ## Apply examples/complete to a local AWS emulator and show the Slack message the notifier sends
	./scripts/demo

test:  ## Every check: ruff, terraform fmt/validate/test, pytest (units, moto, examples, demo)
	./scripts/test

package:  ## Rebuild the committed Lambda zips under source_code/dist/ from source_code/
	./scripts/bootstrap && .venv/bin/python -m tools.package_lambdas

docs:  ## Regenerate the inputs/outputs tables in every module README
	./scripts/bootstrap && .venv/bin/python -m tools.docs

fmt:  ## Format Terraform and Python
	terraform fmt -recursive . && ./scripts/bootstrap && .venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:  ## The notifier storm benchmark (prints figures)
	./scripts/bootstrap && .venv/bin/python bench/storm.py
