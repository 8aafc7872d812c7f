"""Settings from the environment the Terraform module sets, validated with messages that say what is allowed."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Lambda's own level names (the Terraform module passes WARN), mapped to Python's.
LOG_LEVEL_ALIASES = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}
MAX_TITLE_CHARS = 150
# CloudWatch Logs' own rule for log group names.
LOG_GROUP_NAME_PATTERN = re.compile(r"^[\.\-_/#A-Za-z0-9]{1,512}$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class ConfigError(ValueError):
    """The environment does not describe a runnable check; the message lists every problem found."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the event and its dependencies."""

    log_group_names: tuple[str, ...]
    webhook_parameter_name: str | None = None
    error_status_threshold: int = 400
    schedule_interval_seconds: int = 300
    ingestion_lag_seconds: int = 60
    query_limit: int = 10000
    sample_count: int = 5
    top_n: int = 10
    max_messages: int = 5
    message_title: str = "API Gateway errors"
    log_level: str = "INFO"
    region: str | None = None


# name -> (default, lowest allowed, highest allowed)
_INTEGER_SETTINGS: dict[str, tuple[int, int, int]] = {
    "ERROR_STATUS_THRESHOLD": (400, 100, 999),
    "SCHEDULE_INTERVAL_SECONDS": (300, 60, 366 * 86400),  # rate(1 minute) .. rate(366 days)
    "INGESTION_LAG_SECONDS": (60, 0, 3600),
    "QUERY_LIMIT": (10000, 1, 10000),
    "SAMPLE_COUNT": (5, 0, 50),
    "TOP_N": (10, 1, 50),
    "MAX_MESSAGES": (5, 1, 10),
}


def parse_log_group_names(raw: str | None) -> tuple[tuple[str, ...], list[str]]:
    """Parse ``LOG_GROUP_NAMES`` (a JSON array of names); returns the de-duplicated names and any problems."""
    if raw is None or not raw.strip():
        return (), ['LOG_GROUP_NAMES is required: a JSON array of log group names, e.g. ["/aws/apigateway/my-api"].']
    try:
        value = json.loads(raw)
    except ValueError:
        return (), [f"LOG_GROUP_NAMES must be a JSON array of log group names (got {_shorten(raw)!r})."]
    if not isinstance(value, list) or not value:
        return (), [f"LOG_GROUP_NAMES must be a non-empty JSON array of log group names (got {_shorten(raw)!r})."]
    problems = []
    names: list[str] = []
    for index, name in enumerate(value):
        if not isinstance(name, str) or not LOG_GROUP_NAME_PATTERN.match(name):
            problems.append(
                f"LOG_GROUP_NAMES[{index}] must be a log group name of 1-512 characters from "
                f"letters, digits and . - _ / # (got {_shorten(json.dumps(name))})."
            )
        elif name not in names:
            names.append(name)
    return tuple(names), problems


def load_settings(environ: Mapping[str, str], *, require_log_groups: bool = True) -> Settings:
    """Read and validate the notifier's environment variables.

    Raises :class:`ConfigError` naming every variable that is wrong, what it holds and what is allowed.
    ``require_log_groups=False`` lets the CLI supply log groups from its own arguments instead.
    """
    problems: list[str] = []
    log_group_names: tuple[str, ...] = ()
    if require_log_groups or environ.get("LOG_GROUP_NAMES"):
        log_group_names, group_problems = parse_log_group_names(environ.get("LOG_GROUP_NAMES"))
        problems.extend(group_problems)

    integers: dict[str, int] = {}
    for name, (default, lowest, highest) in _INTEGER_SETTINGS.items():
        raw = environ.get(name, "").strip()
        if not raw:
            integers[name] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not lowest <= value <= highest:
            problems.append(f"{name} must be an integer from {lowest} to {highest} (got {_shorten(raw)!r}).")
        else:
            integers[name] = value

    webhook_parameter_name = environ.get("WEBHOOK_PARAMETER_NAME", "").strip() or None
    if webhook_parameter_name is not None and len(webhook_parameter_name) > 2048:
        problems.append("WEBHOOK_PARAMETER_NAME must be an SSM parameter name or ARN of at most 2048 characters.")

    message_title = environ.get("MESSAGE_TITLE", "").strip() or Settings.message_title
    if len(message_title) > MAX_TITLE_CHARS:
        problems.append(f"MESSAGE_TITLE must be at most {MAX_TITLE_CHARS} characters (got {len(message_title)}).")

    log_level = (environ.get("LOG_LEVEL", "").strip() or Settings.log_level).upper()
    log_level = LOG_LEVEL_ALIASES.get(log_level, log_level)
    if log_level not in LOG_LEVELS:
        allowed = ", ".join([*LOG_LEVELS, *LOG_LEVEL_ALIASES])
        problems.append(f"LOG_LEVEL must be one of {allowed} (got {_shorten(log_level)!r}).")

    region = environ.get("AWS_REGION", "").strip() or environ.get("AWS_DEFAULT_REGION", "").strip() or None
    if region is not None and not REGION_PATTERN.match(region):
        problems.append(f"AWS_REGION must be a region name such as eu-west-1 (got {_shorten(region)!r}).")

    if problems:
        raise ConfigError("Invalid notifier configuration:\n- " + "\n- ".join(problems))
    return Settings(
        log_group_names=log_group_names,
        webhook_parameter_name=webhook_parameter_name,
        error_status_threshold=integers["ERROR_STATUS_THRESHOLD"],
        schedule_interval_seconds=integers["SCHEDULE_INTERVAL_SECONDS"],
        ingestion_lag_seconds=integers["INGESTION_LAG_SECONDS"],
        query_limit=integers["QUERY_LIMIT"],
        sample_count=integers["SAMPLE_COUNT"],
        top_n=integers["TOP_N"],
        max_messages=integers["MAX_MESSAGES"],
        message_title=message_title,
        log_level=log_level,
        region=region,
    )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
