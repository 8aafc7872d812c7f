"""examples/slack-app applied to moto: the notifier posting as a Slack app, with its state table.

What is checked is what Terraform made and AWS (the emulator) holds: the table's keys, TTL and billing, the bot token
in an SSM SecureString and nowhere in Terraform's files, the function's environment (read back by the function's own
settings loader), and the role's policy evaluated for the requests the function makes. The token goes in as
TF_VAR_slack_bot_token, as the webhook URL does; slack_api_url points at a local stand-in for Slack's Web API, so a
test can run the deployed notifier's handler in-process in app mode (moto does not run Lambda code) with
``app_notifier_environment`` and ``slack_app_api``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from apigw_devkit.slack_api import SlackApiStandIn

from tests.support.deployment import PLAN_NO_CHANGES, Deployment, deployed_example
from tests.support.iam_policy import ALLOW, IMPLICIT_DENY, Request, evaluate

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

NAME = "example-slack-app"  # the example's default name
BOT_TOKEN = "xoxb-4242424242-4242424242424-ExampleSlackAppBotToken"
CHANNEL_ID = "C0EXAMPLE12"
# One minute a week, far from where tests run most: a handler test is not silenced by chance (drop QUIET_HOURS from
# the environment, or give your own clock, to test quiet hours themselves).
QUIET_HOURS = ["Sun 03:17-03:18 Pacific/Chatham"]
# The items the function reads and writes, and the ones a TransactWriteItems is authorised as (DynamoDB Developer
# Guide, "Using IAM with DynamoDB transactions": Put as PutItem, Update as UpdateItem, Delete as DeleteItem,
# ConditionCheck as ConditionCheckItem).
ITEM_ACTIONS = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"]


@pytest.fixture(scope="module")
def slack_app_api() -> Iterator[SlackApiStandIn]:
    """Slack's Web API, standing in on 127.0.0.1, knowing the example's bot token and channel (its base_url is the
    deployment's slack_api_url)."""
    with SlackApiStandIn(token=BOT_TOKEN, channels=[CHANNEL_ID]) as api:
        yield api


@pytest.fixture(scope="module")
def applied_once(module_aws, terraform_env, slack_app_api, tmp_path_factory) -> Iterator[Deployment]:
    with deployed_example(
        "slack-app",
        tmp_path_factory.mktemp("slack-app"),
        {**module_aws, **terraform_env},
        variables={"slack_channel_id": CHANNEL_ID, "slack_api_url": slack_app_api.base_url, "quiet_hours": QUIET_HOURS},
        secret_variables={"slack_bot_token": BOT_TOKEN},
    ) as deployment:
        yield deployment


@pytest.fixture
def slack_app(applied_once: Deployment) -> Deployment:
    """The example, applied (again if a test destroyed it): each test runs alone or in any order."""
    return applied_once.applied()


def deployed_environment(deployment: Deployment) -> dict[str, str]:
    """The deployed notifier's environment as Lambda hands it to the function, with the region Lambda adds."""
    configuration = deployment.client("lambda").get_function_configuration(
        FunctionName=deployment.outputs["notifier_function_name"]
    )
    return {**configuration["Environment"]["Variables"], "AWS_REGION": deployment.session.region_name or "us-east-1"}


@pytest.fixture
def app_notifier_environment(slack_app: Deployment) -> dict[str, str]:
    """For running the deployed handler in-process in app mode: its environment (SLACK_API_URL is slack_app_api's
    base_url, BOT_TOKEN_PARAMETER_NAME a real SecureString on the emulator holding BOT_TOKEN, STATE_TABLE_NAME a real
    table on the emulator)."""
    return deployed_environment(slack_app)


def _role_policy(deployment: Deployment) -> dict[str, Any]:
    iam = deployment.client("iam")
    [role] = [role for role in iam.list_roles()["Roles"] if role["RoleName"].startswith(f"{NAME}-notifier-")]
    [name] = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
    document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
    return json.loads(document) if isinstance(document, str) else document


def test_the_state_table_has_the_keys_ttl_and_billing_the_function_uses(slack_app: Deployment) -> None:
    dynamodb = slack_app.client("dynamodb")
    table = dynamodb.describe_table(TableName=slack_app.outputs["state_table_name"])["Table"]
    assert table["TableName"] == f"{NAME}-accesslog-notifier-state"  # the module's documented name
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TableArn"] == slack_app.outputs["state_table_arn"]
    ttl = dynamodb.describe_time_to_live(TableName=table["TableName"])["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    # An item as the function writes one: string keys, a conditional put, an epoch-seconds expiry.
    key = {"pk": {"S": "notifier#test"}, "sk": {"S": "mute"}}
    dynamodb.put_item(
        TableName=table["TableName"],
        Item={**key, "expires_at": {"N": "4102444800"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    assert dynamodb.get_item(TableName=table["TableName"], Key=key, ConsistentRead=True)["Item"]["expires_at"] == {
        "N": "4102444800"
    }
    dynamodb.delete_item(TableName=table["TableName"], Key=key)


def test_the_bot_token_is_a_secure_string_and_in_no_file_terraform_wrote(slack_app: Deployment) -> None:
    ssm = slack_app.client("ssm")
    name = slack_app.outputs["bot_token_parameter_name"]
    parameter = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("SecureString", BOT_TOKEN)
    # The app delivery makes no webhook parameter: the token's is the only one.
    assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == [name]
    runner = slack_app.runner
    for text in [slack_app.apply_output, runner.state_path.read_text(), json.dumps(slack_app.outputs), runner.show()]:
        assert BOT_TOKEN not in text
        assert BOT_TOKEN.split("-")[-1] not in text  # not even its last part


def test_the_function_environment_names_the_channel_the_api_the_table_and_the_parameter(
    slack_app: Deployment, slack_app_api: SlackApiStandIn
) -> None:
    environment = deployed_environment(slack_app)
    assert {
        name: environment[name]
        for name in [
            "SLACK_DELIVERY",
            "SLACK_CHANNEL_ID",
            "SLACK_API_URL",
            "BOT_TOKEN_PARAMETER_NAME",
            "WEBHOOK_PARAMETER_NAME",
            "STATE_TABLE_NAME",
            "CRITICAL_MENTION",
            "CRITICAL_5XX_RATE_PERCENT",
            "INCIDENT_QUIET_WINDOWS",
        ]
    } == {
        "SLACK_DELIVERY": "app",
        "SLACK_CHANNEL_ID": CHANNEL_ID,
        "SLACK_API_URL": slack_app_api.base_url,
        "BOT_TOKEN_PARAMETER_NAME": slack_app.outputs["bot_token_parameter_name"],
        "WEBHOOK_PARAMETER_NAME": "",
        "STATE_TABLE_NAME": slack_app.outputs["state_table_name"],
        "CRITICAL_MENTION": "here",  # the example's settings
        "CRITICAL_5XX_RATE_PERCENT": "5",
        "INCIDENT_QUIET_WINDOWS": "3",
    }
    assert json.loads(environment["QUIET_HOURS"]) == QUIET_HOURS
    assert not any("xoxb-" in value for value in environment.values())


def test_the_function_accepts_the_environment_the_module_rendered(slack_app: Deployment) -> None:
    # The other side of the contract: the function's own loader reads what Terraform deployed, app delivery included.
    from accesslog_notifier.config import load_settings

    settings = load_settings(deployed_environment(slack_app))
    assert (settings.slack_delivery, settings.slack_channel_id, settings.state_table_name) == (
        "app",
        CHANNEL_ID,
        slack_app.outputs["state_table_name"],
    )
    assert [window.text for window in settings.quiet_hours] == QUIET_HOURS


def test_the_role_may_read_the_token_and_use_the_table_and_nothing_else_of_them(slack_app: Deployment) -> None:
    # moto enforces no identity policy: evaluate the role's policy for the requests the function makes, on the ARNs
    # the emulator reports for the table and the parameter.
    policy = _role_policy(slack_app)
    table_arn = slack_app.client("dynamodb").describe_table(TableName=slack_app.outputs["state_table_name"])["Table"][
        "TableArn"
    ]
    parameter_arn = slack_app.client("ssm").get_parameter(Name=slack_app.outputs["bot_token_parameter_name"])[
        "Parameter"
    ]["ARN"]
    for action in ITEM_ACTIONS:
        assert evaluate(policy, Request(f"dynamodb:{action}", table_arn)) == ALLOW, action
    assert evaluate(policy, Request("ssm:GetParameter", parameter_arn)) == ALLOW
    # Not the rest of DynamoDB, another table, the table's indexes, another parameter, a webhook's.
    for action in ["Query", "Scan", "DeleteTable", "UpdateTable", "BatchWriteItem", "PartiQLUpdate"]:
        assert evaluate(policy, Request(f"dynamodb:{action}", table_arn)) == IMPLICIT_DENY, action
    for other in [table_arn + "-other", table_arn + "/index/by-time", table_arn.replace(NAME, "someone-else")]:
        assert evaluate(policy, Request("dynamodb:PutItem", other)) == IMPLICIT_DENY, other
    webhook = parameter_arn.replace("slack-bot-token", "slack-webhook-url")
    assert evaluate(policy, Request("ssm:GetParameter", webhook)) == IMPLICIT_DENY
    assert evaluate(policy, Request("ssm:GetParameter", parameter_arn + "-old")) == IMPLICIT_DENY
    sids = {statement.get("Sid", "") for statement in policy["Statement"]}
    assert not any("webhook" in sid.lower() for sid in sids)
    assert not any(action.startswith("kms:") for s in policy["Statement"] for action in _actions(s))  # no CMK here


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def test_second_plan_shows_no_changes(slack_app: Deployment) -> None:
    exit_code, output = slack_app.plan_exit_code()
    assert exit_code == PLAN_NO_CHANGES, output


def test_destroy_removes_the_table_the_parameter_and_the_function(slack_app: Deployment) -> None:
    slack_app.destroy()
    assert slack_app.client("dynamodb").list_tables()["TableNames"] == []
    assert slack_app.client("ssm").describe_parameters()["Parameters"] == []
    assert slack_app.client("lambda").list_functions()["Functions"] == []
