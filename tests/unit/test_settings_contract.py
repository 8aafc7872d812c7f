"""The notifier's settings contract (contract.json) as the function applies it: every rule at both edges.

The cases are generated from the declaration itself, so a setting added there is tested here without editing this
file; the module's side of the same declaration is tested by modules/notifier/tests (terraform test). The last test
runs the committed zip, so what Lambda runs accepts exactly what the module can render.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accesslog_notifier.config import PYTHON_LOG_LEVELS, ConfigError, contract, load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTIFIER_ZIP = REPO_ROOT / "source_code" / "dist" / "notifier.zip"
SPECS: dict[str, dict[str, Any]] = contract()["settings"]
REQUIRED = {"LOG_GROUP_NAMES": json.dumps(["/aws/apigateway/a"]), "WEBHOOK_PARAMETER_NAME": "/a/webhook"}


STRING_EXAMPLES = {
    "ssm_parameter_name": ("/a", "x"),
    "slack_channel_id": ("C0", "A"),
    "dynamodb_table_name": ("abc", "x"),
    "webhook_url": ("https://slack.com/api", "x"),
    "slack_mention": ("S00000000", "0"),
}
# What a setting needs beside it to be accepted (quiet hours are kept in the state table until they end).
NEEDS = {
    "QUIET_HOURS": {"STATE_TABLE_NAME": "incidents"},
    "SLACK_DELIVERY": {"SLACK_CHANNEL_ID": "C07EZ1ABC23", "BOT_TOKEN_PARAMETER_NAME": "/a/token"},
}


def edges(spec: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(raw environment value, accepted?) at every edge of one rule."""
    kind = spec["type"]
    if kind == "integer" and "allowed" in spec:
        allowed = spec["allowed"]
        for value in allowed:
            yield str(value), True
        for value in {value + step for value in allowed for step in (-1, 1)} - set(allowed):
            yield str(value), False
    elif kind == "integer":
        low, high = spec["minimum"], spec["maximum"]
        yield from ((str(low - 1), False), (str(low), True), (str(high), True), (str(high + 1), False))
        yield from ((f"{low}.5", False), (f" {low}", False), ("\uff11", False), ("1_0", False), ("ten", False))
    elif kind == "number":
        low, high = spec["minimum"], spec["maximum"]
        yield from ((str(low - 0.5), False), (str(low), True), (f"{high - 0.25}", True), (str(high), True))
        yield from ((f"{high}.01", False), ("1e2", False), ("nan", False), ("inf", False), (f" {low}", False))
    elif kind == "string" and "allowed" in spec:
        for value in spec["allowed"]:
            yield value, True
            yield value.lower() if value != value.lower() else value.upper(), False
            yield f"{value} ", False
    elif kind == "string":
        low, high = spec["min_length"], spec["max_length"]
        # A value of each pattern, and a character that keeps it matching when repeated (from the documented
        # formats: SSM names, Slack channel and user group ids, DynamoDB table names, URLs).
        base, pad = STRING_EXAMPLES.get(spec.get("pattern"), ("t", "x"))
        yield base.ljust(max(low, len(base)), pad), True
        yield base.ljust(high, pad), True
        yield base.ljust(high + 1, pad), False
        if low > 1:
            yield base[: low - 1], False
        if "pattern" in spec:
            yield "/has space", False
    elif kind == "list(string)":
        low, high = spec["min_items"], spec["max_items"]
        example = {
            "log_group_name": "/aws/apigateway/g{}",
            "route": "GET /items/{}",
            "alarm_name": "orders-5xx-{}",
            "quiet_window": "Mon 0{}:00-07:30 UTC",
        }
        names = [example[spec["item_pattern"]].format(index) for index in range(high + 1)]
        yield json.dumps(names[: max(low, 1)]), True
        yield json.dumps(names[:high]), True
        yield json.dumps(names[: high + 1]), False
        if low > 0:
            yield json.dumps(names[: low - 1]), False
        yield json.dumps([names[0], "has space and\nnewline"]), False
        yield json.dumps(names[0]), False
        yield "not json", False
    elif kind == "list(integer)":
        low, high = spec["min_items"], spec["max_items"]
        lowest, highest = spec["minimum"], spec["maximum"]
        yield json.dumps([lowest]), True
        yield json.dumps([highest]), True
        yield json.dumps(list(range(lowest, lowest + high))), True
        yield json.dumps(list(range(lowest, lowest + high + 1))), False
        yield from ((json.dumps([lowest - 1]), False), (json.dumps([highest + 1]), False))
        yield from (("[true]", False), ('["404"]', False), ("[404.5]", False), ("404", False))
    else:
        raise AssertionError(f"no edges for type {kind}")


CASES = [
    pytest.param(spec["env"], raw, accepted, id=f"{key}={raw[:24]!r}-{'ok' if accepted else 'refused'}")
    for key, spec in SPECS.items()
    for raw, accepted in edges(spec)
]


@pytest.mark.parametrize(("env", "raw", "accepted"), CASES)
def test_each_setting_at_its_edges(env: str, raw: str, accepted: bool) -> None:
    environ = {**REQUIRED, **NEEDS.get(env, {}), env: raw}
    if accepted:
        load_settings(environ)
    else:
        with pytest.raises(ConfigError) as refused:
            load_settings(environ)
        # The message names the variable and says what is allowed.
        assert f"{env} must be " in str(refused.value)


@pytest.mark.parametrize("key", [key for key, spec in SPECS.items() if "default" in spec])
def test_a_missing_or_empty_setting_takes_its_declared_default(key: str) -> None:
    spec = SPECS[key]
    others = {env: value for env, value in REQUIRED.items() if env != spec["env"]}
    for environ in (others, {**others, spec["env"]: ""}):
        # The webhook's parameter has a default only where no webhook is needed: a dry run.
        value = getattr(load_settings(environ, require_webhook=key != "webhook_parameter_name"), key)
        default = spec["default"]
        expected = (
            PYTHON_LOG_LEVELS[default]
            if key == "log_level"
            else tuple(default)
            if isinstance(default, list)
            else default
        )
        assert value == expected


@pytest.mark.parametrize("key", [key for key, spec in SPECS.items() if "default" not in spec])
def test_a_setting_without_a_default_is_required(key: str) -> None:
    env = SPECS[key]["env"]
    with pytest.raises(ConfigError, match=f"{env} is required"):
        load_settings({name: value for name, value in REQUIRED.items() if name != env})


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({**REQUIRED, "TOP_N": "-1", "SAMPLE_COUNT": "many", "LOG_LEVEL": "LOUD"})
    assert str(refused.value).count("\n- ") == 3


def test_every_setting_is_a_field_of_the_settings() -> None:
    settings = load_settings(REQUIRED)
    assert set(SPECS) <= set(vars(settings))


def extremes(pick: str) -> dict[str, str]:
    """Every setting at its lowest or highest accepted value."""
    environ = {}
    for spec in SPECS.values():
        accepted = [raw for raw, ok in edges(spec) if ok]  # lowest first, highest last
        environ[spec["env"]] = accepted[0] if pick == "lowest" else accepted[-1]
    return environ


@pytest.mark.parametrize("pick", ["lowest", "highest"])
def test_the_committed_zip_accepts_the_extremes(pick: str) -> None:
    script = (
        f"import sys; sys.path.insert(0, {str(NOTIFIER_ZIP)!r})\n"
        "import json, os\n"
        "from accesslog_notifier import config\n"
        "config.load_settings(os.environ)\n"
        "print(json.dumps(config.__file__))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        env={**extremes(pick), "AWS_REGION": "eu-west-1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout).startswith(str(NOTIFIER_ZIP))  # the zip's code, not source_code/


# Names as the AWS documentation defines them, not as contract.json writes them: CloudWatch Logs API Reference,
# CreateLogGroup, logGroupName (1 to 512 characters of [\.\-_/#A-Za-z0-9]); SSM API Reference, PutParameter, Name
# (a-z, A-Z, 0-9, and _ . - /; at most 1011 characters here, the parameter's full name less its ARN prefix).
DOCUMENTED_NAMES = [
    ("LOG_GROUP_NAMES", json.dumps(["/aws/apigateway/a#b"]), True),
    ("LOG_GROUP_NAMES", json.dumps(["a.b-c_d/e#f"]), True),
    ("LOG_GROUP_NAMES", json.dumps(["g" * 512]), True),
    ("LOG_GROUP_NAMES", json.dumps(["g" * 513]), False),
    ("LOG_GROUP_NAMES", json.dumps(["a:b"]), False),
    ("LOG_GROUP_NAMES", json.dumps(["a b"]), False),
    ("LOG_GROUP_NAMES", json.dumps(["caf\u00e9"]), False),
    ("WEBHOOK_PARAMETER_NAME", "/team/slack_webhook.v-1", True),
    ("WEBHOOK_PARAMETER_NAME", "/" + "p" * 1010, True),
    ("WEBHOOK_PARAMETER_NAME", "/" + "p" * 1011, False),
    ("WEBHOOK_PARAMETER_NAME", "/team/slack webhook", False),
    ("WEBHOOK_PARAMETER_NAME", "/team/slack#webhook", False),
]


@pytest.mark.parametrize(("env", "raw", "accepted"), DOCUMENTED_NAMES)
def test_names_follow_the_aws_documentation(env: str, raw: str, accepted: bool) -> None:
    environ = {**REQUIRED, env: raw}
    if accepted:
        load_settings(environ)
    else:
        with pytest.raises(ConfigError, match=env):
            load_settings(environ)
