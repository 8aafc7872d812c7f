"""The Slack webhook URL never shows in Terraform's output: not in a plan, not in an error about the URL itself.

Terraform prints a variable's value when its validation fails, even for a sensitive variable, so the URL is
checked by preconditions in the notifier module instead. These plans run real terraform against moto's server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.deployment import scratch_runner
from tests.support.terraform import PLAN_CHANGES, TerraformError

pytestmark = pytest.mark.integration

SECRET = "T0SECRET/B0SECRET/DoNotLeakThisToken"

WEBHOOK_VARIABLE = """
variable "webhook" {
  type      = string
  sensitive = true
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

module "url_and_parameter" {
  source                 = "REPO/modules/notifier"
  name                   = "both"
  log_group_names        = ["/aws/apigateway/a-accesslog"]
  slack_webhook_url      = replace(var.webhook, "http://", "https://")
  webhook_parameter_name = "/team/slack-webhook"
}

module "through_the_root" {
  source                   = "REPO"
  name                     = "root"
  manage_account_setting   = false
  enable_execution_logging = false
  create_access_log_group  = false
  access_log_group_name    = "/aws/apigateway/a-accesslog"
  enable_alarm             = false
  enable_notifier          = true
  slack_webhook_url        = var.webhook
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
    assert "Give exactly one of slack_webhook_url" in shown
    assert SECRET not in shown


def test_a_plan_with_the_webhook_does_not_show_it(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    body = """
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
    runner = scratch_runner(
        tmp_path,
        WEBHOOK_VARIABLE + body,
        {**aws, **terraform_env},
        {"webhook": f"https://hooks.slack.com/services/{SECRET}"},
    )
    exit_code, shown = runner.plan()
    assert exit_code == PLAN_CHANGES
    assert "aws_ssm_parameter.webhook[0]" in shown and "(sensitive value)" in shown
    assert SECRET not in shown
