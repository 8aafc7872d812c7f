"""Settings from the environment, checked against the contract (contract.py): the one declaration the modules use too.

Every rule a setting has (type, bounds, allowed values, pattern, default) is read from the contract, so the
function accepts exactly what the module can pass it; :func:`describe_rule` words a rule the way the module's
validation messages do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accesslog_notifier.contract import contract, pattern
from accesslog_notifier.queries import longest_query_chars, max_query_chars, route_methods, sample_rows_for
from accesslog_notifier.quiet import QuietWindow, parse_quiet_window
from accesslog_notifier.redaction import looks_like_a_secret, looks_like_a_webhook, redact

# Lambda's level names (the contract's) -> Python's.
PYTHON_LOG_LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR"}
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class ConfigError(ValueError):
    """The environment does not describe a runnable check; the message lists every problem found."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the event and its dependencies."""

    log_group_names: tuple[str, ...]
    webhook_parameter_name: str
    slack_delivery: str
    bot_token_parameter_name: str
    slack_channel_id: str
    slack_api_url: str
    state_table_name: str
    error_status_threshold: int
    schedule_interval_minutes: int
    ignore_statuses: tuple[int, ...]
    ignore_routes: tuple[str, ...]
    alarm_names: tuple[str, ...]
    ingestion_lag_seconds: int
    query_concurrency: int
    min_errors: int
    min_error_rate_percent: float
    sample_count: int
    top_n: int
    max_messages: int
    message_title: str
    log_level: str  # Python's name (WARNING, not WARN)
    incident_quiet_windows: int = 2
    critical_5xx_count: int = 0
    critical_5xx_rate_percent: float = 0.0
    critical_mention: str = ""
    quiet_hours: tuple[QuietWindow, ...] = ()
    region: str | None = None

    @property
    def app_delivery(self) -> bool:
        return self.slack_delivery == "app"

    @property
    def schedule_interval_seconds(self) -> int:
        return self.schedule_interval_minutes * 60


def pattern_rule(name: str) -> str:
    """A pattern in a rule: the contract's words for it where it has some, else ``matching <regex>``."""
    words = contract().get("pattern_words", {})
    return words[name] if name in words else f"matching {contract()['patterns'][name]}"


def describe_rule(spec: Mapping[str, Any]) -> str:
    """What a setting accepts, in words: ``a whole number from 0 to 20``, ``one of DEBUG, INFO``..."""
    kind = spec["type"]
    if "allowed" in spec:
        return "one of " + ", ".join(str(value) for value in spec["allowed"])
    if kind == "integer":
        return f"a whole number from {spec['minimum']} to {spec['maximum']}"
    if kind == "number":
        return f"a number from {spec['minimum']} to {spec['maximum']}"
    if kind == "string" and "pattern" in spec:
        return f"a string of {spec['min_length']} to {spec['max_length']} characters {pattern_rule(spec['pattern'])}"
    if kind == "string":
        return f"a string of {spec['min_length']} to {spec['max_length']} characters"
    if kind == "list(string)":
        item = pattern_rule(spec["item_pattern"])
        return f"a JSON array of {spec['min_items']} to {spec['max_items']} strings {item}"
    if kind == "list(integer)":
        return (
            f"a JSON array of {spec['min_items']} to {spec['max_items']} whole numbers "
            f"from {spec['minimum']} to {spec['maximum']}"
        )
    raise ValueError(f"contract.json: unknown type {kind!r}")


def parse_setting(name: str, raw: str | None) -> tuple[Any, str | None]:
    """(value, problem) for one environment variable; a missing or empty one takes the default, if it has one.

    Values are taken as they are, not stripped: the module renders exactly what it validated, so anything else
    (stray spaces included) did not come from it.
    """
    spec = contract()["settings"][name]
    env = spec["env"]
    if raw is None or raw == "":
        if "default" in spec:
            default = spec["default"]
            return (tuple(default) if isinstance(default, list) else default), None
        return None, f"{env} is required: {describe_rule(spec)}."
    text = raw
    shown = _shorten(text)
    problem = f"{env} must be {describe_rule(spec)} (got {shown!r})."
    kind = spec["type"]
    if kind == "integer":
        # ASCII digits only: int() would also take other scripts' digits and underscores.
        if not re.fullmatch(r"-?[0-9]{1,12}", text):
            return None, problem
        value: Any = int(text)
        ok = value in spec["allowed"] if "allowed" in spec else spec["minimum"] <= value <= spec["maximum"]
    elif kind == "number":
        # What Terraform's tostring() writes for a number: digits, an optional fraction, no exponent.
        if not re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]{1,12})?", text):
            return None, problem
        value = float(text)
        ok = spec["minimum"] <= value <= spec["maximum"]
    elif kind == "string":
        value = text
        if "allowed" in spec:
            ok = value in spec["allowed"]
        else:
            ok = spec["min_length"] <= len(value) <= spec["max_length"]
            if "pattern" in spec:
                # fullmatch: re's "$" also matches before a final newline, RE2's (Terraform's regex) does not.
                ok = ok and pattern(spec["pattern"]).fullmatch(value) is not None
    else:  # list(string) or list(integer): describe_rule, above, refused any other type
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return None, problem
        ok = isinstance(value, list) and spec["min_items"] <= len(value) <= spec["max_items"]
        if ok and kind == "list(string)":
            item_pattern = pattern(spec["item_pattern"])
            ok = all(isinstance(item, str) and item_pattern.fullmatch(item) is not None for item in value)
        elif ok:
            ok = all(
                type(item) is int and spec["minimum"] <= item <= spec["maximum"]  # bool is an int: not accepted
                for item in value
            )
        if ok:
            value = tuple(dict.fromkeys(value))  # de-duplicated, order kept
    # URL settings (the Slack API's base) are URLs by design, but never a webhook or a token; every other text must
    # not look like a URL or a secret at all.
    if ok and kind in ("string", "list(string)") and "allowed" not in spec:
        texts = [value] if kind == "string" else list(value)
        check = looks_like_a_webhook if spec.get("pattern") == "webhook_url" else looks_like_a_secret
        if any(check(item) for item in texts):
            return None, (
                f"{env} must not hold a URL or a Slack token (the value is not shown): it reaches log lines and "
                "Slack messages, where a webhook URL or token would leak."
            )
    return (value, None) if ok else (None, problem)


def load_settings(environ: Mapping[str, str], *, require_webhook: bool = True) -> Settings:
    """Read and validate the notifier's environment variables.

    Raises :class:`ConfigError` naming every variable that is wrong, what it holds and what is allowed.
    ``require_webhook=False`` is for dry runs, which post nothing.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, spec in contract()["settings"].items():
        values[name], problem = parse_setting(name, environ.get(spec["env"]))
        if problem:
            problems.append(problem)
    problems += _delivery_problems(values, require_webhook)
    quiet_hours, quiet_problems = _quiet_hours(values)
    problems += quiet_problems

    region = environ.get("AWS_REGION", "").strip() or environ.get("AWS_DEFAULT_REGION", "").strip() or None
    if region is not None and REGION_PATTERN.fullmatch(region) is None:
        problems.append(f"AWS_REGION must be a region name such as eu-west-1 (got {_shorten(region)!r}).")

    if not problems:
        problems += _limit_problems(values)
    if problems:
        raise ConfigError("Invalid notifier configuration:\n- " + "\n- ".join(problems))
    values["log_level"] = PYTHON_LOG_LEVELS[values["log_level"]]
    values["quiet_hours"] = quiet_hours
    return Settings(**values, region=region)


def _env(name: str) -> str:
    return str(contract()["settings"][name]["env"])


def _delivery_problems(values: Mapping[str, Any], require_secret: bool) -> list[str]:
    """What each delivery needs (the module passes exactly that): webhook: its parameter; app: the bot token's
    parameter and a channel. A dry run posts nothing, so it needs no secret."""
    if values.get("slack_delivery") == "app":
        needed = ["slack_channel_id"] + (["bot_token_parameter_name"] if require_secret else [])
    else:
        needed = ["webhook_parameter_name"] if require_secret else []
    delivery = values.get("slack_delivery") or "webhook"
    return [
        f"{_env(name)} is required with {delivery} delivery: {describe_rule(contract()['settings'][name])}."
        for name in needed
        if values.get(name) == ""
    ]


def _quiet_hours(values: Mapping[str, Any]) -> tuple[tuple[QuietWindow, ...], list[str]]:
    """The quiet windows, parsed (time zones included), and what is wrong with them."""
    windows, problems = [], []
    for text in values.get("quiet_hours") or ():
        try:
            windows.append(parse_quiet_window(text))
        except ValueError as error:
            problems.append(f"{_env('quiet_hours')}: {_shorten(text)!r}: {error}.")
    if windows and not values.get("state_table_name"):
        problems.append(
            f"{_env('quiet_hours')} needs {_env('state_table_name')}: what quiet hours hold is kept there until they "
            "end."
        )
    return tuple(windows), problems


def _limit_problems(values: Mapping[str, Any]) -> list[str]:
    """Documented limits the settings together can pass (the notifier module refuses the same at plan time)."""
    longest = longest_query_chars(
        threshold=values["error_status_threshold"],
        ignore_statuses=values["ignore_statuses"],
        ignore_routes=values["ignore_routes"],
        sample_rows=sample_rows_for(values["sample_count"]),
    )
    if longest <= max_query_chars():
        return []
    env = contract()["settings"]["ignore_routes"]["env"]
    return [
        f"{env} makes the longest Logs Insights query {longest:,} characters; StartQuery takes at most "
        f'{max_query_chars():,}: ignore fewer routes, or shorter ones (a "* /path" rule names its path '
        f"{len(route_methods()) + 1} times)."
    ]


def _shorten(text: str, limit: int = 80) -> str:
    """A value as an error message may show it: URLs hidden, at most ``limit`` characters."""
    text = redact(text)  # a webhook URL pasted into the wrong setting must not be echoed into the logs
    return text if len(text) <= limit else text[: limit - 1] + "…"
