"""The generated edge tests fail when a rule is loosened: each case copies the modules, widens one rule the way a
careless edit would, and runs that module's edges.tftest.hcl with real terraform.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apigw_devkit.terraform import TerraformRunner

from tests.support.files import REPO_ROOT, project_files

pytestmark = pytest.mark.integration

CONTRACT = "contract/contract.json"

# (module, file, text, loosened text, the variable whose refusal must now be missed)
LOOSENED = [
    pytest.param(
        "error-alarm",
        CONTRACT,
        '"maximum": 599,',
        '"maximum": 999,',
        "var.error_status_threshold",
        id="threshold-599-to-999",
    ),
    pytest.param(
        "stage-logging",
        "modules/stage-logging/variables.tf",
        '"^[A-Za-z0-9_-]{1,128}$"',
        '"^[A-Za-z0-9_-]{1,256}$"',
        "var.stage_name",
        id="stage-name-128-to-256",
    ),
    pytest.param(
        "notifier",
        "modules/notifier/variables.tf",
        "var.notifier_memory_size >= 128",
        "var.notifier_memory_size >= 64",
        "var.notifier_memory_size",
        id="memory-minimum-128-to-64",
    ),
]


def _tracked_copy(destination: Path) -> None:
    for name in project_files("modules", "source_code", "contract", "tests/terraform"):
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, destination / name)


@pytest.mark.parametrize(("module", "path", "text", "loosened", "variable"), LOOSENED)
def test_a_loosened_rule_fails_its_edges(
    module: str, path: str, text: str, loosened: str, variable: str, tmp_path: Path, terraform_env: dict[str, str]
) -> None:
    _tracked_copy(tmp_path)
    target = tmp_path / path
    original = target.read_text()
    assert text in original, f"{path} no longer contains {text!r}: update this case"
    target.write_text(original.replace(text, loosened, 1))

    runner = TerraformRunner(tmp_path / "modules" / module, tmp_path / "state", environment=terraform_env)
    runner.init()
    returncode, output = runner.test("tests/edges.tftest.hcl")

    assert returncode != 0
    assert "Missing expected failure" in output and variable in output
