"""The notifier's environment as an operator meets it: what a refused value is told, dry runs, the region.

Every rule at both edges is tested by test_settings_contract.py; here, what the messages say. The rules are worded as
the notifier module's validation words them (modules/notifier/main.tf, ``rules``), the bounds read from contract.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from accesslog_notifier.config import ConfigError, contract, load_settings

SETTINGS_JSON = Path(__file__).resolve().parents[2] / "contract" / "contract.json"
PATTERNS: dict[str, str] = json.loads(SETTINGS_JSON.read_text())["patterns"]
REQUIRED = {"LOG_GROUP_NAMES": json.dumps(["/aws/apigateway/a"]), "WEBHOOK_PARAMETER_NAME": "/a/webhook"}


def refusal(environ: dict[str, str], **options: bool) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ, **options)
    return str(refused.value).split("\n")


@pytest.mark.parametrize(
    ("env", "raw", "rule"),
    [
        ("TOP_N", "many", "a whole number from 1 to 50"),
        ("MIN_ERROR_RATE_PERCENT", "1e2", "a number from 0 to 100"),
        ("LOG_LEVEL", "LOUD", "one of DEBUG, INFO, WARN, ERROR"),
        (
            "SCHEDULE_INTERVAL_MINUTES",
            "7",
            "one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440",
        ),
        (
            "WEBHOOK_PARAMETER_NAME",
            "/has space",
            f"a string of 1 to 1011 characters matching {PATTERNS['ssm_parameter_name']}",
        ),
        ("LOG_GROUP_NAMES", '["a b"]', f"a JSON array of 1 to 100 strings matching {PATTERNS['log_group_name']}"),
        ("IGNORE_STATUSES", "[99]", "a JSON array of 0 to 20 whole numbers from 100 to 599"),
    ],
)
def test_a_refused_value_is_quoted_with_the_rule_in_the_modules_words(env: str, raw: str, rule: str):
    assert f"- {env} must be {rule} (got {raw!r})." in refusal({**REQUIRED, env: raw})


def test_a_missing_setting_is_required_with_its_rule():
    lines = refusal({"WEBHOOK_PARAMETER_NAME": "/a/webhook"})
    assert (
        f"- LOG_GROUP_NAMES is required: a JSON array of 1 to 100 strings matching {PATTERNS['log_group_name']}."
        in lines
    )


def test_the_refusal_lists_each_problem_on_a_line_of_its_own():
    lines = refusal({**REQUIRED, "TOP_N": "-1", "SAMPLE_COUNT": "many", "AWS_REGION": "Mars"})
    assert lines[0] == "Invalid notifier configuration:"
    assert [re.match(r"- ([A-Z_]+) must be ", line).group(1) for line in lines[1:]] == [
        "SAMPLE_COUNT",
        "TOP_N",
        "AWS_REGION",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1" * 80, "1" * 80),  # up to 80 characters: shown whole
        ("1" * 81, "1" * 79 + "…"),  # beyond: its first 79 and an ellipsis, 80 in all
    ],
)
def test_a_refused_value_is_shown_in_at_most_80_characters(raw: str, shown: str):
    assert f"- TOP_N must be a whole number from 1 to 50 (got {shown!r})." in refusal({**REQUIRED, "TOP_N": raw})


def test_a_long_refused_value_is_shortened_with_an_ellipsis():
    raw = "t" * 5000
    [line] = [line for line in refusal({**REQUIRED, "MESSAGE_TITLE": raw}) if "MESSAGE_TITLE" in line]
    assert re.search(r"\(got 't+…'\)\.$", line) is not None and len(line) < 300


@pytest.mark.parametrize(
    ("env", "raw", "key", "value"),
    [
        ("IGNORE_STATUSES", "[404, 403, 404]", "ignore_statuses", (404, 403)),
        ("IGNORE_ROUTES", '["GET /b", "GET /a", "GET /b"]', "ignore_routes", ("GET /b", "GET /a")),
        ("LOG_GROUP_NAMES", '["/g/2", "/g/1"]', "log_group_names", ("/g/2", "/g/1")),
    ],
)
def test_a_list_setting_keeps_its_order_and_drops_repeats(env: str, raw: str, key: str, value: tuple):
    assert getattr(load_settings({**REQUIRED, env: raw}), key) == value


def test_a_dry_run_needs_no_webhook_and_reads_every_other_setting():
    settings = load_settings({"LOG_GROUP_NAMES": REQUIRED["LOG_GROUP_NAMES"], "TOP_N": "7"}, require_webhook=False)
    assert settings.webhook_parameter_name == ""
    assert (settings.log_group_names, settings.top_n, settings.log_level) == (("/aws/apigateway/a",), 7, "INFO")


def test_a_dry_run_still_reads_and_checks_a_webhook_it_is_given():
    assert load_settings(REQUIRED, require_webhook=False).webhook_parameter_name == "/a/webhook"
    lines = refusal({**REQUIRED, "WEBHOOK_PARAMETER_NAME": "/has space", "TOP_N": "0"}, require_webhook=False)
    assert [line.split(" ")[1] for line in lines[1:]] == ["WEBHOOK_PARAMETER_NAME", "TOP_N"]


@pytest.mark.parametrize(
    ("environment", "region"),
    [
        ({"AWS_REGION": "eu-west-1"}, "eu-west-1"),  # what Lambda sets
        ({"AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"),  # what the AWS CLI reads too
        ({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}, "eu-west-1"),
        ({"AWS_REGION": "  ", "AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"),
        ({"AWS_REGION": " ap-southeast-5\n"}, "ap-southeast-5"),
        ({}, None),
    ],
)
def test_the_region_is_aws_region_else_aws_default_region(environment: dict[str, str], region: str | None):
    assert load_settings({**REQUIRED, **environment}).region == region


@pytest.mark.parametrize("raw", ["EU-WEST-1", "eu-west", "eu_west_1"])
def test_a_region_that_is_not_a_region_name_is_refused(raw: str):
    assert f"- AWS_REGION must be a region name such as eu-west-1 (got {raw!r})." in refusal(
        {**REQUIRED, "AWS_REGION": raw}
    )


@pytest.mark.parametrize(
    ("env", "raw"),
    [
        ("WEBHOOK_PARAMETER_NAME", "/a/webhook\n"),
        ("LOG_GROUP_NAMES", json.dumps(["/aws/apigateway/a\n"])),
        ("IGNORE_ROUTES", json.dumps(["GET /health\n"])),
        ("ALARM_NAMES", json.dumps(["orders-5xx\n"])),  # the alarm_name pattern excludes every control character
    ],
)
def test_a_value_ending_in_a_newline_is_refused_as_the_module_refuses_it(env: str, raw: str):
    with pytest.raises(ConfigError, match=env):
        load_settings({**REQUIRED, env: raw})


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ("WEBHOOK_PARAMETER_NAME", "(got '[hidden]')."),
        ("AWS_REGION", "(got '[hidden]')."),
        ("LOG_GROUP_NAMES", "(got '[\"[hidden]')."),  # hidden up to the next space
    ],
)
def test_a_webhook_url_pasted_into_the_wrong_setting_is_not_repeated(env: str, shown: str):
    secret = "https://hooks.slack.com/services/T0SECRET/B0SECRET/s3cr3tT0k3nValue"
    raw = json.dumps([secret]) if env == "LOG_GROUP_NAMES" else secret
    with pytest.raises(ConfigError, match=env) as refused:
        load_settings({**REQUIRED, env: raw})
    text = str(refused.value)
    assert next(line for line in text.split("\n") if env in line).endswith(shown)
    assert "hooks.slack.com" not in text and "T0SECRET" not in text and "s3cr3t" not in text


def test_a_setting_of_a_type_the_notifier_does_not_know_is_refused_naming_the_type(monkeypatch: pytest.MonkeyPatch):
    # contract.json and this package ship together; a type added to one and not the other must fail loudly.
    monkeypatch.setitem(contract()["settings"]["top_n"], "type", "duration")
    with pytest.raises(ValueError, match=r"^contract\.json: unknown type 'duration'$") as refused:
        load_settings({**REQUIRED, "TOP_N": "7"})
    assert not isinstance(refused.value, ConfigError)  # a packaging error, not the operator's


# 18 "* /path" rules of 44 characters and two tuned ones: the longest query is then 10,000 characters (accepted),
# one more character of the last path makes it 10,002 (refused). The notifier module refuses the same combination at
# plan time (modules/notifier/tests/query_length.tftest.hcl, generated from the same renderer).
AT_THE_LIMIT = [f"* /{letter * 44}" for letter in "abcdefghijklmnopqr"] + [f"* /{'y' * 27}", f"GET /{'z' * 298}"]


def test_ignored_routes_whose_longest_query_fits_startquerys_limit_are_accepted():
    settings = load_settings({**REQUIRED, "IGNORE_ROUTES": json.dumps(AT_THE_LIMIT)})
    assert settings.ignore_routes == tuple(AT_THE_LIMIT)


def test_ignored_routes_whose_longest_query_would_not_fit_are_refused_naming_the_setting():
    routes = [*AT_THE_LIMIT[:-1], f"GET /{'z' * 299}"]
    [_, problem] = refusal({**REQUIRED, "IGNORE_ROUTES": json.dumps(routes)})
    assert problem == (
        "- IGNORE_ROUTES makes the longest Logs Insights query 10,002 characters; StartQuery takes at most 10,000: "
        'ignore fewer routes, or shorter ones (a "* /path" rule names its path 9 times).'
    )


def test_the_query_limit_counts_the_samples_query_too():
    # With 20 ignored statuses the samples query (which lists them) is the longest: over the limit with samples,
    # within it (the counts query's 10,000) without.
    statuses = json.dumps(list(range(400, 420)))
    environ = {**REQUIRED, "IGNORE_ROUTES": json.dumps(AT_THE_LIMIT), "IGNORE_STATUSES": statuses}
    [_, problem] = refusal(environ)
    assert problem.startswith("- IGNORE_ROUTES makes the longest Logs Insights query 10,116 characters")
    assert load_settings({**environ, "SAMPLE_COUNT": "0"}).sample_count == 0


APP = {**REQUIRED, "SLACK_DELIVERY": "app", "SLACK_CHANNEL_ID": "C07EZ1ABC23", "BOT_TOKEN_PARAMETER_NAME": "/a/token"}


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0SECRET/B0SECRET/s3cr3tT0k3nValue",
        "https://slack.com/api?token=xoxb-123456789012-s3cr3tT0k3nValue",
        "https://hooks.slack.com/api",
    ],
)
def test_the_api_url_refuses_a_webhook_or_a_token_without_repeating_it(url: str) -> None:
    # The module refuses the same at plan (slack_api_url's second validation): the URL sits in the environment.
    with pytest.raises(ConfigError, match="SLACK_API_URL must not hold a URL or a Slack token") as refused:
        load_settings({**APP, "SLACK_API_URL": url})
    assert "s3cr3t" not in str(refused.value) and "hooks.slack.com" not in str(refused.value)


@pytest.mark.parametrize("url", ["https://slack.com/api", "https://slack-gov.com/api", "http://127.0.0.1:8080/api"])
def test_the_api_url_accepts_slack_govslack_and_a_local_stand_in(url: str) -> None:
    assert load_settings({**APP, "SLACK_API_URL": url}).slack_api_url == url
