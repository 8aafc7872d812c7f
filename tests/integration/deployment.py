"""Applying an example to the emulator once per test module, shared by the example tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from tools.terraform import PLAN_NO_CHANGES, TerraformRunner

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"


@dataclass
class Deployment:
    runner: TerraformRunner
    outputs: dict[str, Any]
    session: boto3.session.Session
    apply_output: str = ""
    destroyed: bool = field(default=False)

    def client(self, service: str) -> Any:
        return self.session.client(service)

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
    """init + apply examples/<name>; destroy on exit unless a test already did."""
    runner = TerraformRunner(
        working_dir=EXAMPLES / name,
        state_dir=state_dir,
        environment=environment,
        variables=variables or {},
        secret_variables=secret_variables or {},
    )
    runner.init()
    apply_output = runner.apply()
    deployment = Deployment(runner, runner.outputs(), boto3.session.Session(), apply_output)
    try:
        yield deployment
    finally:
        deployment.destroy()


__all__ = ["PLAN_NO_CHANGES", "Deployment", "deployed_example"]
