"""Terraform configurations the integration tests work on: an example applied to the emulator once per test
module, and scratch configurations that call this checkout's modules."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from apigw_devkit.terraform import PLAN_NO_CHANGES, TerraformRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
SCRATCH_PROVIDER = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {}
"""


@dataclass
class Deployment:
    """An example applied once per test module. A test that destroys it does not spoil the others: whichever test
    comes next, in any order, gets it applied again (``applied()``)."""

    runner: TerraformRunner
    outputs: dict[str, Any] = field(default_factory=dict)
    session: boto3.session.Session = field(default_factory=boto3.session.Session)
    apply_output: str = ""
    destroyed: bool = True

    def client(self, service: str) -> Any:
        return self.session.client(service)

    def applied(self) -> Deployment:
        """This deployment, applied (again, if a test destroyed it)."""
        if self.destroyed:
            self.apply_output = self.runner.apply()
            self.outputs = self.runner.outputs()
            self.destroyed = False
        return self

    def plan_exit_code(self) -> tuple[int, str]:
        return self.runner.plan()

    def destroy(self) -> None:
        if not self.destroyed:
            self.runner.destroy()
            self.destroyed = True


@contextmanager
def deployed_example(
    name: str,
    state_dir: Path,
    environment: dict[str, str],
    variables: dict[str, Any] | None = None,
    secret_variables: dict[str, str] | None = None,
) -> Iterator[Deployment]:
    """init + apply examples/<name>; destroy on exit unless it is destroyed already."""
    runner = TerraformRunner(
        working_dir=EXAMPLES / name,
        state_dir=state_dir,
        environment=environment,
        variables=variables or {},
        secret_variables=secret_variables or {},
    )
    runner.init()
    deployment = Deployment(runner).applied()
    try:
        yield deployment
    finally:
        deployment.destroy()


def scratch_runner(
    tmp_path: Path, body: str, environment: dict[str, str], secret_variables: dict[str, str] | None = None
) -> TerraformRunner:
    """An initialised runner for ``body`` (plus the provider), where ``REPO`` stands for this checkout.

    ``REPO`` becomes a relative path, as users write local sources: Terraform copies a module given by absolute
    path on its own, without the ``source_code/dist/`` it deploys from (a git source brings the whole repository).
    """
    config = tmp_path / "config"
    config.mkdir()
    (config / "main.tf").write_text(SCRATCH_PROVIDER + body.replace("REPO", os.path.relpath(REPO_ROOT, config)))
    runner = TerraformRunner(config, tmp_path / "state", environment, secret_variables=secret_variables or {})
    runner.init()
    return runner


__all__ = ["PLAN_NO_CHANGES", "Deployment", "deployed_example", "scratch_runner"]
