"""The one place that drives Terraform through python-terraform.

python-terraform 0.10.1 predates Terraform 1.x: ``apply`` needs ``skip_plan=True`` (else it waits for a "yes"),
``destroy`` needs ``force=IsNotFlagged, auto_approve=IsFlagged`` (``-force`` no longer exists), ``output(name)``
is broken, and ``plan`` adds ``-detailed-exitcode``. This wrapper hides all of it, raises with Terraform's own
error text, and passes secrets as ``TF_VAR_*`` environment variables so they never reach a command line, a var
file or python-terraform's debug log.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from python_terraform import IsFlagged, IsNotFlagged, Terraform

# python-terraform logs every variable it writes to a var file at DEBUG; never let that through.
logging.getLogger("python_terraform").setLevel(logging.INFO)

PLAN_NO_CHANGES, PLAN_ERROR, PLAN_CHANGES = 0, 1, 2


class TerraformError(RuntimeError):
    def __init__(self, command: str, working_dir: Path, returncode: int, stderr: str, stdout: str) -> None:
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(f"terraform {command} in {working_dir} failed ({returncode}):\n{stderr or stdout}")


@contextlib.contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """python-terraform passes os.environ to terraform; set ours for the length of one command only."""
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class TerraformRunner:
    """Terraform in ``working_dir``, with its state and data directory kept in ``state_dir`` (not in the repo)."""

    working_dir: Path
    state_dir: Path
    environment: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    secret_variables: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._tf = Terraform(working_dir=str(self.working_dir), state=str(self.state_dir / "terraform.tfstate"))

    def _env(self) -> dict[str, str]:
        env = {**self.environment, "TF_DATA_DIR": str(self.state_dir / ".terraform")}
        env.update({f"TF_VAR_{name}": value for name, value in self.secret_variables.items()})
        return env

    def _call(
        self,
        command: str,
        method: Callable[..., tuple[int, str, str]],
        *,
        ok_codes: tuple[int, ...] = (0,),
        **options: Any,
    ) -> tuple[int, str]:
        """Run one python-terraform call in this runner's environment; raise with Terraform's text on failure."""
        with _environment(self._env()):
            returncode, stdout, stderr = method(**options)
        if returncode not in ok_codes:
            raise TerraformError(command, self.working_dir, returncode, stderr, stdout)
        return returncode, stdout

    def _var_options(self) -> dict[str, Any]:
        return {"var": self.variables or None, "no_color": IsFlagged, "input": False}

    def init(self) -> str:
        return self._call("init", partial(self._tf.cmd, "init"), no_color=IsFlagged, input=False)[1]

    def validate(self) -> str:
        return self._call("validate", partial(self._tf.cmd, "validate"), no_color=IsFlagged)[1]

    def test(self, test_file: str) -> tuple[int, str]:
        """``terraform test`` of one file (plan-time, mock provider): its exit code and everything it printed."""
        with _environment(self._env()):
            returncode, stdout, stderr = self._tf.cmd("test", no_color=IsFlagged, filter=test_file)
        return returncode, stdout + stderr

    def graph(self) -> str:
        """The dependency graph in DOT (resources and their edges)."""
        return self._call("graph", partial(self._tf.cmd, "graph"))[1]

    def apply(self) -> str:
        return self._call("apply", self._tf.apply, skip_plan=True, **self._var_options())[1]

    def plan(self, out: Path | None = None) -> tuple[int, str]:
        """Return (exit code, output): 0 means no changes, 2 means changes. ``out`` saves the plan file there."""
        options = self._var_options()
        if out is not None:
            options["out"] = str(out)
        return self._call("plan", self._tf.plan, ok_codes=(PLAN_NO_CHANGES, PLAN_CHANGES), **options)

    def show(self, plan_file: Path | None = None) -> str:
        """``terraform show -json`` of the state, or of a saved plan file."""
        arguments = [str(plan_file)] if plan_file is not None else []
        return self._call("show", partial(self._tf.cmd, "show", *arguments), json=IsFlagged, no_color=IsFlagged)[1]

    @property
    def state_path(self) -> Path:
        return self.state_dir / "terraform.tfstate"

    def destroy(self) -> str:
        return self._call(
            "destroy", self._tf.destroy, force=IsNotFlagged, auto_approve=IsFlagged, **self._var_options()
        )[1]

    def outputs(self) -> dict[str, Any]:
        """Every output's value (python-terraform's ``output(name)`` is broken on Terraform 1.x)."""
        with _environment(self._env()):
            raw = self._tf.output(state=str(self.state_dir / "terraform.tfstate"))
        if raw is None:
            raise TerraformError("output", self.working_dir, 1, "terraform output -json failed", "")
        return {name: entry["value"] for name, entry in raw.items()}
