"""The committed notifier.zip accepts every environment the notifier module can give it.

Terraform validates the module's inputs; the function validates its environment again. If the function were
stricter than the module, a setting Terraform accepts would make every run fail. This runs the zip itself (Python
imports straight from it) with the extremes the module allows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTIFIER_ZIP = REPO_ROOT / "source_code" / "dist" / "notifier.zip"

# The bounds of modules/notifier/variables.tf, as the module renders them into the environment.
LOWEST = {
    "ERROR_STATUS_THRESHOLD": "400",
    "SCHEDULE_INTERVAL_SECONDS": "60",  # rate(1 minute)
    "INGESTION_LAG_SECONDS": "0",
    "QUERY_LIMIT": "1",
    "SAMPLE_COUNT": "0",
    "TOP_N": "1",
    "MAX_MESSAGES": "1",
    "MESSAGE_TITLE": "x",
    "LOG_GROUP_NAMES": json.dumps(["/a"]),
}
HIGHEST = {
    "ERROR_STATUS_THRESHOLD": "599",
    "SCHEDULE_INTERVAL_SECONDS": "86400",  # rate(1 day)
    "INGESTION_LAG_SECONDS": "900",
    "QUERY_LIMIT": "10000",
    "SAMPLE_COUNT": "20",
    "TOP_N": "50",
    "MAX_MESSAGES": "10",
    "MESSAGE_TITLE": "t" * 150,
    "LOG_GROUP_NAMES": json.dumps([f"/aws/apigateway/{index:03d}-" + "x" * 490 for index in range(120)]),
}
LOAD = """
import json, os, sys
from accesslog_notifier.config import load_settings
settings = load_settings(os.environ)
print(json.dumps({"module": sys.modules["accesslog_notifier.config"].__file__, "level": settings.log_level}))
"""


@pytest.mark.parametrize("bounds", [LOWEST, HIGHEST], ids=["lowest", "highest"])
@pytest.mark.parametrize("log_level", ["DEBUG", "INFO", "WARN", "ERROR"])
def test_the_zip_loads_what_the_module_allows(bounds: dict[str, str], log_level: str) -> None:
    environment = {
        **bounds,
        "LOG_LEVEL": log_level,
        "WEBHOOK_PARAMETER_NAME": "/x/accesslog-notifier/slack-webhook-url",
        "AWS_REGION": "eu-west-1",
    }
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(NOTIFIER_ZIP)!r})\n{LOAD}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["module"].startswith(str(NOTIFIER_ZIP))  # the zip's code, not source_code/
