"""What a user of the root module sees when a module refuses a value the root forwarded.

Each rule lives only in the module that owns the setting. Terraform reports a refusal at the root's call site, in
the root's main.tf, quoting the forwarding line (``alarm_period = var.alarm_period``) and the value, then the
module's message: the user learns which root variable was wrong and what is allowed. A real plan against the
emulator shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apigw_devkit.terraform import TerraformError

from tests.support.deployment import scratch_runner

pytestmark = [pytest.mark.integration, pytest.mark.moto]

BAD_VALUES = """
module "api" {
  source            = "REPO"
  name              = "orders-api"
  rest_api_id       = "a1b2c3d4e5"
  stage_name        = "prod"
  logging_level     = "DEBUG"
  alarm_period      = 45
  create_notifier   = true
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXX"
  notifier_settings = { sample_count = 25 }
}
"""


def test_a_refused_value_is_reported_at_the_root_call_site_with_the_root_variable(
    aws: dict[str, str], terraform_env: dict[str, str], tmp_path: Path
) -> None:
    runner = scratch_runner(tmp_path, BAD_VALUES, {**aws, **terraform_env})

    with pytest.raises(TerraformError) as refused:
        runner.plan()

    shown = refused.value.stderr + refused.value.stdout
    blocks = [block for block in re.split(r"\n(?=Error: )", shown) if block.startswith("Error: Invalid value")]
    by_variable = {re.search(r"\n\s*\d+:\s+(\w+)\s+=", block).group(1): block for block in blocks}
    assert set(by_variable) == {"logging_level", "alarm_period", "notifier_settings"}

    # Where: the root's own main.tf, the forwarding line naming the root variable; what: the value given.
    logging_level = by_variable["logging_level"]
    assert re.search(r'main\.tf line \d+, in module "stage_logging"', logging_level)
    assert "logging_level                   = var.logging_level" in logging_level
    assert 'var.logging_level is "DEBUG"' in logging_level
    assert 'logging_level must be one of OFF, ERROR, INFO (got "DEBUG")' in logging_level

    alarm_period = by_variable["alarm_period"]
    assert re.search(r'main\.tf line \d+, in module "error_alarm"', alarm_period)
    assert "var.alarm_period is 45" in alarm_period
    assert "alarm_period must be a multiple of 60 seconds" in alarm_period

    settings = by_variable["notifier_settings"]
    assert re.search(r'main\.tf line \d+, in module "notifier"', settings)
    assert "var.notifier_settings" in settings
    assert "notifier_settings.sample_count must be a whole number from 0 to 20 (got 25)." in settings
