"""Every `hcl` block in the READMEs is valid Terraform: `terraform validate` with the git sources pointed at this
checkout and stubs for what a snippet refers to but leaves to the reader (the REST API, a deployment, a variable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apigw_devkit.terraform import TerraformError

from tests.support.deployment import REPO_ROOT, scratch_runner

pytestmark = pytest.mark.integration

READMES = [REPO_ROOT / "README.md", *sorted(REPO_ROOT.glob("modules/*/README.md"))]
GIT_SOURCE = re.compile(r'"git::https://github\.com/<org>/<repo>\.git(//[^?"]+)?\?ref=[^"]+"')
STUBS = {
    "aws_api_gateway_rest_api": 'name = "{name}"',
    "aws_api_gateway_deployment": 'rest_api_id = "a1b2c3d4e5"',
    "aws_api_gateway_stage": 'rest_api_id = "a1b2c3d4e5"\n  deployment_id = "abc123"\n  stage_name = "{name}"',
    "aws_apigatewayv2_api": 'name = "{name}"\n  protocol_type = "HTTP"',
}


def hcl_blocks() -> list[tuple[str, str]]:
    blocks = []
    for readme in READMES:
        for number, block in enumerate(re.findall(r"```hcl\n(.*?)```", readme.read_text(), flags=re.DOTALL), 1):
            blocks.append((f"{readme.relative_to(REPO_ROOT)}#{number}", block))
    return blocks


def stubs_for(snippet: str) -> str:
    """Declarations for the resources, variables and modules the snippet uses without declaring them."""
    declared = set(re.findall(r'resource "(\w+)" "(\w+)"', snippet))
    lines = []
    for kind, name in sorted(set(re.findall(r"\b(aws_[a-z0-9_]+)\.([a-z0-9_]+)\b", snippet)) - declared):
        assert kind in STUBS, f"add a stub for {kind}"
        lines.append(f'resource "{kind}" "{name}" {{\n  {STUBS[kind].format(name=name)}\n}}')
    declared_variables = set(re.findall(r'variable "(\w+)"', snippet))
    for name in sorted(set(re.findall(r"\bvar\.(\w+)", snippet)) - declared_variables):
        lines.append(f'variable "{name}" {{\n  type      = string\n  sensitive = true\n}}')
    declared_modules = set(re.findall(r'module "(\w+)"', snippet))
    for name in sorted(set(re.findall(r"\bmodule\.(\w+)", snippet)) - declared_modules):
        lines.append(f'module "{name}" {{\n  source = "REPO/modules/apigateway-account"\n}}')
    return "\n\n".join(lines)


@pytest.mark.parametrize(("where", "snippet"), hcl_blocks(), ids=[where for where, _ in hcl_blocks()])
def test_readme_snippet_is_valid_terraform(where: str, snippet: str, terraform_env: dict[str, str], tmp_path: Path):
    # git::https://github.com/<org>/<repo>.git//modules/x?ref=v1 -> REPO/modules/x (this checkout)
    main = GIT_SOURCE.sub(lambda match: '"REPO' + (match.group(1) or "")[1:] + '"', snippet)
    runner = scratch_runner(tmp_path, main + "\n" + stubs_for(snippet), terraform_env)
    try:
        runner.validate()
    except TerraformError as error:
        pytest.fail(f"{where} is not valid Terraform:\n{error}\n{main}")
