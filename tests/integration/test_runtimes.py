"""The notifier's runtimes are those the pinned AWS provider accepts, read from the provider itself.

`terraform validate` of a function with an impossible runtime makes the provider list every runtime it accepts; the
notifier offers the Python ones Lambda still supports (3.12 and newer), no more and no fewer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from accesslog_notifier.config import contract
from apigw_devkit.terraform import TerraformError

from tests.support.deployment import scratch_runner

pytestmark = pytest.mark.integration

PROBE = """
resource "aws_lambda_function" "probe" {
  function_name = "probe"
  role          = "arn:aws:iam::123456789012:role/probe"
  handler       = "probe.handler"
  filename      = "probe.zip"
  runtime       = "python3.99"
}
"""


def test_the_notifier_offers_every_supported_python_runtime_the_provider_accepts(
    terraform_env: dict[str, str], tmp_path: Path
) -> None:
    runner = scratch_runner(tmp_path, PROBE, terraform_env)
    with pytest.raises(TerraformError) as refused:
        runner.validate()
    message = refused.value.stderr + refused.value.stdout
    listed = re.search(r"expected runtime to be one of \[([^\]]*)\]", message).group(1)
    accepted = set(re.findall(r'"(python3\.\d+)"', listed))
    assert "python3.99" not in accepted and "python3.12" in accepted
    supported = {runtime for runtime in accepted if int(runtime.split(".")[1]) >= 12}
    assert supported == set(contract()["notifier_runtimes"])
