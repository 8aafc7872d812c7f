"""Create-order that AWS enforces and moto does not: read from `terraform graph` of examples/complete.

API Gateway refuses a stage's access logging and a method's execution logging until the account setting names a
CloudWatch role, and creates the execution log group itself (with no retention) if logging starts first.
"""

from __future__ import annotations

import re

import pytest
from apigw_devkit.terraform import TerraformRunner

from tests.support.deployment import EXAMPLES

pytestmark = pytest.mark.integration

ACCOUNT_SETTING = "module.api_logging.module.apigateway_account.aws_api_gateway_account.this"
STAGE = "aws_api_gateway_stage.this"
METHOD_SETTINGS = "module.api_logging.module.stage_logging.aws_api_gateway_method_settings.this"
EXECUTION_LOG_GROUP = "module.api_logging.module.stage_logging.aws_cloudwatch_log_group.execution"


@pytest.fixture(scope="module")
def depends_on(terraform_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Each resource -> every resource it (transitively) waits for."""
    runner = TerraformRunner(EXAMPLES / "complete", tmp_path_factory.mktemp("graph"), terraform_env)
    runner.init()
    dot = runner.graph()
    direct: dict[str, set[str]] = {}
    for source, target in re.findall(r'"([^"]+)" -> "([^"]+)"', dot):
        direct.setdefault(source, set()).add(target)

    def closure(node: str, seen: set[str]) -> set[str]:
        for target in direct.get(node, set()) - seen:
            seen.add(target)
            closure(target, seen)
        return seen

    return {node: closure(node, set()) for node in direct}


def _strip_indexes(nodes: set[str]) -> set[str]:
    return {re.sub(r"\[[^\]]*\]", "", node) for node in nodes}


def test_stage_waits_for_the_account_setting(depends_on: dict[str, set[str]]) -> None:
    assert ACCOUNT_SETTING in _strip_indexes(depends_on[STAGE])


def test_method_settings_wait_for_stage_account_setting_and_log_group(depends_on: dict[str, set[str]]) -> None:
    assert {STAGE, ACCOUNT_SETTING, EXECUTION_LOG_GROUP} <= _strip_indexes(depends_on[METHOD_SETTINGS])


def test_account_setting_waits_for_the_managed_policy(depends_on: dict[str, set[str]]) -> None:
    attachment = "module.api_logging.module.apigateway_account.aws_iam_role_policy_attachment.push_to_cloudwatch_logs"
    assert attachment in _strip_indexes(depends_on[ACCOUNT_SETTING])


def test_notifier_function_waits_for_its_log_group_and_policy(depends_on: dict[str, set[str]]) -> None:
    function = _node(depends_on, "module.api_logging.module.notifier", "aws_lambda_function.this")
    waits_for = _strip_indexes(depends_on[function])
    assert "module.api_logging.module.notifier.aws_cloudwatch_log_group.this" in waits_for
    assert "module.api_logging.module.notifier.aws_iam_role_policy.this" in waits_for


def _node(depends_on: dict[str, set[str]], module: str, resource: str) -> str:
    [node] = [node for node in depends_on if _strip_indexes({node}) == {f"{module}.{resource}"}]
    return node
