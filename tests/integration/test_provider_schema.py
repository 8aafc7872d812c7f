"""Everything the bundle uses of hashicorp/aws exists in every major its versions.tf allow (">= 5.88, < 7.0").

The bundle's use (every argument, nested block and attribute it reads, in its modules, examples, tests and mocks:
tests/support/tf_usage.py) is checked against three schemas:

- hashicorp/aws 5.100.0, the release this machine installs: ``terraform providers schema -json``, live;
- hashicorp/aws 6.0.0 and 6.69.1, the first and a recent 6.x: extracts committed in
  tests/fixtures/provider-schemas/, written by ``make provider-schemas`` (tools/provider_schema.py) from the
  prebuilt CDK bindings published for those releases.

A name missing from one of them fails the test with the files and lines that use it. The extracts are checked
against facts from the provider's upgrade guide and registry docs, and the check is shown to catch the 6.0
removal of ``aws_api_gateway_account.reset_on_delete`` and the 6.0 addition of ``data.aws_region``'s ``region``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import tf_usage
from tests.support.tf_usage import PROVIDER, REFRESH_COMMAND, Usage, Use, bundle_usage, check, describe, file_usage
from tools import provider_schema

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALLED = "5.100.0"
EXTRACTS = {package.provider_version: package.output for package in provider_schema.PACKAGES}
ACCOUNT_MODULE = REPO_ROOT / "modules" / "apigateway-account" / "main.tf"


@pytest.fixture(scope="session")
def installed_schema(tmp_path_factory: pytest.TempPathFactory, terraform_env: dict[str, str]) -> dict[str, Any]:
    """``terraform providers schema -json`` of hashicorp/aws 5.100.0, through the project's CLI config.

    Run with subprocess: the python-terraform wrapper (devkit/apigw_devkit/terraform.py) has no ``providers schema``
    command, and its runner keeps its environment private."""
    work_dir = tmp_path_factory.mktemp("aws-schema")
    (work_dir / "main.tf").write_text(
        "terraform {\n"
        "  required_providers {\n"
        f'    aws = {{ source = "hashicorp/aws", version = "{INSTALLED}" }}\n'
        "  }\n"
        "}\n"
    )
    environment = {**os.environ, **terraform_env, "TF_DATA_DIR": str(work_dir / ".terraform")}
    outputs = []
    for arguments in (["init", "-input=false", "-no-color"], ["providers", "schema", "-json"]):
        result = subprocess.run(
            ["terraform", *arguments], cwd=work_dir, env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"terraform {' '.join(arguments)} failed:\n{result.stderr or result.stdout}"
        outputs.append(result.stdout)
    schema = json.loads(outputs[-1])
    assert PROVIDER in schema["provider_schemas"], f"no {PROVIDER} in the schema: {list(schema['provider_schemas'])}"
    return schema


@pytest.fixture(scope="module")
def usage() -> Usage:
    return bundle_usage(REPO_ROOT)


def load_extract(version: str) -> dict[str, Any]:
    path = EXTRACTS[version]
    assert path.is_file(), f"{path.relative_to(REPO_ROOT)} is missing: run `{REFRESH_COMMAND}`"
    return json.loads(path.read_text())


def schema_for(version: str, installed_schema: dict[str, Any]) -> dict[str, Any]:
    return installed_schema if version == INSTALLED else load_extract(version)


def problem_paths(problems: list[tf_usage.Problem]) -> set[tuple[str, str, str]]:
    return {(problem.use.kind, problem.use.type, ".".join(problem.use.path)) for problem in problems}


################################################################################
# The bundle
################################################################################


def test_the_usage_reads_every_aws_type_the_bundle_declares_or_mocks(usage: Usage) -> None:
    """An oracle of its own: every ``resource``/``data``/mock label naming an aws_ type, found by a plain pattern
    over the same files, is a type the usage holds (so an empty or partial read cannot pass the checks below)."""
    label = re.compile(r'^\s*(resource|data|mock_resource|mock_data)\s+"(aws_\w+)"', re.MULTILINE)
    declared = {
        ("data" if match[0].endswith("data") else "resource", match[1])
        for path in tf_usage.terraform_files(REPO_ROOT)
        for match in label.findall(path.read_text())
    }
    read = {(use.kind, use.type) for use in usage}
    assert declared, "the pattern found no aws_ type: the files moved?"
    assert declared <= read, f"types the usage missed: {sorted(declared - read)}"


def test_the_usage_holds_what_the_modules_are_known_to_use(usage: Usage) -> None:
    """Uses read off the modules by hand: one of each form, at each depth."""
    expected = {
        Use("resource", "aws_api_gateway_account", ("cloudwatch_role_arn",), "argument"),
        Use("resource", "aws_api_gateway_account", ("cloudwatch_role_arn",), "reference"),
        Use("resource", "aws_lambda_function", ("logging_config",), "block"),
        Use("resource", "aws_lambda_function", ("logging_config", "log_format"), "argument"),
        Use("resource", "aws_lambda_function", ("vpc_config",), "block"),  # a dynamic block
        Use("resource", "aws_ssm_parameter", ("value_wo",), "argument"),
        Use("resource", "aws_ssm_parameter", ("value_wo_version",), "argument"),
        Use("resource", "aws_cloudwatch_log_metric_filter", ("metric_transformation", "name"), "reference"),
        Use("data", "aws_region", ("id",), "reference"),
        Use("data", "aws_iam_policy_document", ("statement", "condition", "variable"), "argument"),
        Use("resource", "aws_cloudwatch_metric_alarm", ("arn",), "value"),  # tests/terraform/root.tftest.hcl
        Use("data", "aws_region", ("id",), "value"),  # tests/terraform/mocks/aws.tfmock.hcl
    }
    assert expected <= usage.keys(), f"missing: {sorted(expected - usage.keys())}"


@pytest.mark.parametrize("version", [INSTALLED, *EXTRACTS])
def test_everything_the_bundle_uses_exists_in_each_major(
    version: str, usage: Usage, installed_schema: dict[str, Any]
) -> None:
    problems = check(usage, schema_for(version, installed_schema))
    source = "installed" if version == INSTALLED else f"extract {EXTRACTS[version].relative_to(REPO_ROOT)}"
    assert problems == [], describe(problems, f"hashicorp/aws {version} ({source})")


################################################################################
# The check has teeth
################################################################################


def test_reset_on_delete_back_in_the_account_module_fails_on_6x_only(
    tmp_path: Path, usage: Usage, installed_schema: dict[str, Any]
) -> None:
    """provider 6.0 removed aws_api_gateway_account.reset_on_delete (upgrade guide); 5.x has it."""
    copy = tmp_path / "modules" / "apigateway-account" / "main.tf"
    copy.parent.mkdir(parents=True)
    shutil.copy2(ACCOUNT_MODULE, copy)
    text = copy.read_text()
    anchor = "  cloudwatch_role_arn = local.cloudwatch_role_arn\n"
    assert text.count(anchor) == 1, f"{ACCOUNT_MODULE.relative_to(REPO_ROOT)} changed: update this test's anchor"
    copy.write_text(text.replace(anchor, anchor + "  reset_on_delete     = true\n"))
    line = text[: text.index(anchor)].count("\n") + 2
    edited = tf_usage.merge([usage, file_usage(copy, tmp_path)])

    added = Use("resource", "aws_api_gateway_account", ("reset_on_delete",), "argument")
    assert edited[added] == {f"modules/apigateway-account/main.tf:{line}"}
    assert check(edited, installed_schema) == []
    for version in EXTRACTS:
        problems = check(edited, load_extract(version))
        assert [(problem.use, problem.reason) for problem in problems] == [
            (added, "no reset_on_delete in this schema")
        ], version
        assert "modules/apigateway-account/main.tf" in describe(problems, version)


def test_reading_the_region_data_sources_region_fails_on_5x(
    tmp_path: Path, usage: Usage, installed_schema: dict[str, Any]
) -> None:
    """data aws_region gained ``region`` in 6.0 (``name`` deprecated); 5.x has only ``id`` and ``name``, so the
    bundle keeps reading ``.id``."""
    snippet = tmp_path / "region.tf"
    snippet.write_text(
        'data "aws_region" "current" {}\n\noutput "region" {\n  value = data.aws_region.current.region\n}\n'
    )
    edited = tf_usage.merge([usage, file_usage(snippet, tmp_path)])

    assert problem_paths(check(edited, installed_schema)) == {("data", "aws_region", "region")}
    for version in EXTRACTS:
        assert check(edited, load_extract(version)) == [], version


def test_a_type_the_extracts_do_not_hold_fails_and_names_the_refresh_command(
    usage: Usage, installed_schema: dict[str, Any]
) -> None:
    outside = Use("resource", "aws_vpc", ("cidr_block",), "argument")
    assert not outside.type.startswith(provider_schema.PREFIXES), "pick a type outside the extracts' prefixes"
    edited = tf_usage.merge([usage, {outside: {"main.tf:1"}}])

    assert check(edited, installed_schema) == []
    for version in EXTRACTS:
        problems = check(edited, load_extract(version))
        assert [problem.use for problem in problems] == [outside], version
        assert f"run `{REFRESH_COMMAND}`" in describe(problems, version)


################################################################################
# The extracts
################################################################################


@pytest.mark.parametrize("version", EXTRACTS)
def test_each_extract_is_what_the_tool_writes_today(version: str) -> None:
    """The selection and the package recorded in each extract are the tool's: a prefix added to the tool, or a
    package bumped, without a refresh fails here."""
    source = load_extract(version)["source"]
    package = next(package for package in provider_schema.PACKAGES if package.provider_version == version)
    assert source["package"] == f"{package.name}=={package.version}", f"run `{REFRESH_COMMAND}`"
    assert source["provider_version"] == version
    assert source["selection"] == {
        "prefixes": list(provider_schema.PREFIXES),
        "data_sources": list(provider_schema.DATA_SOURCES),
    }, f"tools/provider_schema.py selects other types than the extract holds: run `{REFRESH_COMMAND}`"


def block_of(document: dict[str, Any], kind: str, type_name: str) -> dict[str, Any]:
    return document["provider_schemas"][PROVIDER][tf_usage.KIND_SCHEMAS[kind]][type_name]["block"]


@pytest.mark.parametrize("version", EXTRACTS)
def test_each_extract_agrees_with_the_providers_documentation(version: str) -> None:
    """Facts from the hashicorp/aws registry docs and its 6.0 upgrade guide, not from the extract's own code."""
    extract = load_extract(version)
    account = block_of(extract, "resource", "aws_api_gateway_account")
    assert account["attributes"]["cloudwatch_role_arn"] == {"computed": True, "optional": True}
    assert account["attributes"]["throttle_settings"] == {"computed": True}  # read-only, a list of objects
    assert "reset_on_delete" not in account.get("attributes", {})  # removed in 6.0

    function = block_of(extract, "resource", "aws_lambda_function")
    assert function["block_types"]["environment"]["nesting_mode"] == "list"
    assert function["block_types"]["environment"]["max_items"] == 1
    assert "tags" in function["attributes"] and "tags" not in function["block_types"]
    assert function["block_types"]["logging_config"]["block"]["attributes"]["log_format"] == {"required": True}
    assert function["attributes"]["function_name"] == {"required": True}
    assert function["attributes"]["region"] == {"computed": True, "optional": True}  # 6.0: per-resource region

    parameter = block_of(extract, "resource", "aws_ssm_parameter")
    assert {"value_wo", "value_wo_version"} <= parameter["attributes"].keys()

    region = block_of(extract, "data", "aws_region")
    assert {"id", "region", "name"} <= region["attributes"].keys()  # region added in 6.0, name deprecated

    policy_document = block_of(extract, "data", "aws_iam_policy_document")
    statement = policy_document["block_types"]["statement"]
    assert statement["nesting_mode"] == "list" and "max_items" not in statement
    assert {"condition", "principals", "not_principals"} <= statement["block"]["block_types"].keys()

    deployment = block_of(extract, "resource", "aws_api_gateway_deployment")
    assert {"stage_name", "stage_description", "canary_settings"}.isdisjoint(
        {*deployment.get("attributes", {}), *deployment.get("block_types", {})}
    )  # removed in 6.0
