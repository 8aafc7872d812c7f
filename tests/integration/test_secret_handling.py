"""The Slack webhook URL, and the Slack app's bot token, never reach Terraform's output, plan files or state.

Each is an ephemeral variable written to SSM through the parameter's write-only ``value_wo``, so Terraform keeps it
nowhere; a value the notifier module refuses is explained without being shown. Real terraform against the
emulator: plan (saved), show, apply, state.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from apigw_devkit.terraform import PLAN_CHANGES, TerraformError

from tests.support.deployment import scratch_runner

pytestmark = [pytest.mark.integration, pytest.mark.moto]

SECRET = "T0SECRET/B0SECRET/DoNotLeakThisToken"

WEBHOOK_VARIABLE = """
variable "webhook" {
  type      = string
  sensitive = true
  ephemeral = true
}
"""

NOTIFIER = """
module "notifier" {
  source            = "REPO/modules/notifier"
  name              = "ok"
  log_group_names   = ["/aws/apigateway/a-accesslog"]
  slack_webhook_url = var.webhook
}

output "parameter" {
  value = module.notifier.webhook_parameter_name
}
"""


def test_rejected_urls_are_explained_without_being_shown(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    body = """
module "plain_http" {
  source            = "REPO/modules/notifier"
  name              = "plain-http"
  log_group_names   = ["/aws/apigateway/a-accesslog"]
  slack_webhook_url = var.webhook
}

module "through_the_root" {
  source                  = "REPO"
  name                    = "root"
  create_account_setting  = false
  create_cloudwatch_role  = false
  create_method_settings  = false
  create_access_log_group = false
  access_log_group_name   = "/aws/apigateway/a-accesslog"
  create_alarms           = false
  create_notifier         = true
  slack_webhook_url       = var.webhook
}
"""
    runner = scratch_runner(
        tmp_path,
        WEBHOOK_VARIABLE + body,
        {**aws, **terraform_env},
        {"webhook": f"http://hooks.slack.com/services/{SECRET}"},
    )
    with pytest.raises(TerraformError) as failure:
        runner.plan()
    shown = failure.value.stdout + failure.value.stderr
    assert shown.count("slack_webhook_url must be an https:// URL") == 2  # plain_http and through_the_root
    assert SECRET not in shown


def test_the_url_is_in_no_plan_plan_file_output_or_state(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    url = f"https://hooks.slack.com/services/{SECRET}"
    runner = scratch_runner(tmp_path, WEBHOOK_VARIABLE + NOTIFIER, {**aws, **terraform_env}, {"webhook": url})
    plan_file = tmp_path / "saved.tfplan"

    exit_code, plan_output = runner.plan(out=plan_file)
    assert exit_code == PLAN_CHANGES
    assert "aws_ssm_parameter.webhook[0]" in plan_output and "value_wo" in plan_output
    saved_plan = runner.show(plan_file)
    apply_output = runner.apply()
    state_shown = runner.show()

    everything = [plan_output, saved_plan, apply_output, state_shown, runner.state_path.read_text()]
    everything.append(plan_file.read_bytes().decode("latin-1"))  # a zip: the raw bytes, searched as text
    for text in everything:
        assert SECRET not in text
    # ...and yet the parameter holds it: write-only means written, not lost.
    parameter = boto3.client("ssm").get_parameter(Name="/ok/accesslog-notifier/slack-webhook-url", WithDecryption=True)
    assert parameter["Parameter"]["Value"] == url
    assert parameter["Parameter"]["Type"] == "SecureString"


EXISTING_PARAMETER = {
    "webhook": (
        """
  create_webhook_parameter = false
  webhook_parameter_name   = "/team/slack-webhook"
""",
        {"WEBHOOK_PARAMETER_NAME": "/team/slack-webhook"},
    ),
    "app": (
        """
  slack_delivery             = "app"
  slack_channel_id           = "C0SECRET12"
  create_bot_token_parameter = false
  bot_token_parameter_name   = "/team/slack-bot-token"
""",
        {"BOT_TOKEN_PARAMETER_NAME": "/team/slack-bot-token", "WEBHOOK_PARAMETER_NAME": ""},
    ),
}


@pytest.mark.parametrize("delivery", sorted(EXISTING_PARAMETER))
def test_an_existing_parameter_is_read_not_written(
    delivery: str, aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    settings, expected = EXISTING_PARAMETER[delivery]
    body = f"""
module "notifier" {{
  source          = "REPO/modules/notifier"
  name            = "byo-{delivery}"
  log_group_names = ["/aws/apigateway/a-accesslog"]
{settings}}}
"""
    runner = scratch_runner(tmp_path, body, {**aws, **terraform_env})
    plan_file = tmp_path / "saved.tfplan"

    runner.plan(out=plan_file)
    planned = json.loads(runner.show(plan_file))

    created = {change["address"] for change in planned["resource_changes"] if "create" in change["change"]["actions"]}
    assert not any("aws_ssm_parameter" in address for address in created)
    [function] = [c for c in planned["resource_changes"] if c["address"] == "module.notifier.aws_lambda_function.this"]
    variables = function["change"]["after"]["environment"][0]["variables"]
    assert {name: variables[name] for name in expected} == expected


################################################################################
# The Slack app's bot token: the same guarantees as the webhook URL
################################################################################

TOKEN_SECRET = "9191919191-9191919191919-DoNotLeakThisBotToken"

TOKEN_VARIABLE = """
variable "token" {
  type      = string
  sensitive = true
  ephemeral = true
}
"""

APP_NOTIFIER = """
module "notifier" {
  source           = "REPO/modules/notifier"
  name             = "app"
  log_group_names  = ["/aws/apigateway/a-accesslog"]
  slack_delivery   = "app"
  slack_channel_id = "C0SECRET12"
  slack_bot_token  = var.token
}

output "parameter" {
  value = module.notifier.bot_token_parameter_name
}

output "environment" {
  value = module.notifier.environment
}
"""


def test_rejected_tokens_are_explained_without_being_shown(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    body = """
module "user_token" {
  source           = "REPO/modules/notifier"
  name             = "user-token"
  log_group_names  = ["/aws/apigateway/a-accesslog"]
  slack_delivery   = "app"
  slack_channel_id = "C0SECRET12"
  slack_bot_token  = var.token
}

module "through_the_root" {
  source                  = "REPO"
  name                    = "root"
  create_account_setting  = false
  create_cloudwatch_role  = false
  create_method_settings  = false
  create_access_log_group = false
  access_log_group_name   = "/aws/apigateway/a-accesslog"
  create_alarms           = false
  create_notifier         = true
  slack_delivery          = "app"
  slack_channel_id        = "C0SECRET12"
  slack_bot_token         = var.token
}
"""
    # A user token (xoxp-) where the bot token belongs: refused, and not echoed.
    runner = scratch_runner(
        tmp_path, TOKEN_VARIABLE + body, {**aws, **terraform_env}, {"token": f"xoxp-{TOKEN_SECRET}"}
    )
    with pytest.raises(TerraformError) as failure:
        runner.plan()
    shown = failure.value.stdout + failure.value.stderr
    assert shown.count("slack_bot_token must be a Slack bot token") == 2  # user_token and through_the_root
    assert TOKEN_SECRET not in shown and "xoxp-" not in shown


def test_the_token_is_in_no_plan_plan_file_output_or_state(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    token = f"xoxb-{TOKEN_SECRET}"
    runner = scratch_runner(tmp_path, TOKEN_VARIABLE + APP_NOTIFIER, {**aws, **terraform_env}, {"token": token})
    plan_file = tmp_path / "saved.tfplan"

    exit_code, plan_output = runner.plan(out=plan_file)
    assert exit_code == PLAN_CHANGES
    assert "aws_ssm_parameter.bot_token[0]" in plan_output and "value_wo" in plan_output
    assert "aws_ssm_parameter.webhook" not in plan_output  # the app delivery writes no webhook parameter
    saved_plan = runner.show(plan_file)
    apply_output = runner.apply()
    state_shown = runner.show()
    outputs = json.dumps(runner.outputs())

    everything = [plan_output, saved_plan, apply_output, state_shown, outputs, runner.state_path.read_text()]
    everything.append(plan_file.read_bytes().decode("latin-1"))  # a zip: the raw bytes, searched as text
    for text in everything:
        assert TOKEN_SECRET not in text
    # ...and yet the parameter holds it: write-only means written, not lost.
    parameter = boto3.client("ssm").get_parameter(Name="/app/accesslog-notifier/slack-bot-token", WithDecryption=True)
    assert parameter["Parameter"]["Value"] == token
    assert parameter["Parameter"]["Type"] == "SecureString"
    assert json.loads(outputs)["environment"]["BOT_TOKEN_PARAMETER_NAME"] == "/app/accesslog-notifier/slack-bot-token"
