"""Reading what Logs Insights and API Gateway wrote: statuses, timestamps, access-log lines, and text made safe.

Everything here is defensive: log lines come from the internet and from any stage configuration. A value that is
not what it should be yields None (the caller counts it as a problem), never an exception. Digits are ASCII digits:
Python's int() and str.isdigit() also take other scripts' digits ('٤٠٤'), which no AWS service writes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accesslog_notifier.fields import (
    API_ID,
    ERROR_MESSAGE,
    INTEGRATION_ERROR,
    INTEGRATION_LATENCY,
    METHOD,
    PATH,
    REQUEST_ID,
    RESOURCE_PATH,
    RESPONSE_LATENCY,
    ROUTE_KEY,
    SOURCE_IP,
    STAGE,
    STATUS,
    XRAY_TRACE_ID,
)

MAX_FIELD_CHARS = 1000
NO_VALUE = "-"  # what API Gateway writes for a $context variable without a value
# Logs Insights' @timestamp (and bin() values): "2026-11-25 09:31:12.907", UTC. moto gives epoch ms digits.
_INSIGHTS_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?", re.ASCII)
_EPOCH_MS = re.compile(r"\d{1,15}", re.ASCII)
_STATUS = re.compile(r"\d{3}", re.ASCII)
# Characters that must not reach a Slack message or a log line as they are: controls (C0, C1), format characters
# (bidi overrides and isolates, zero-width joiners, the BOM), lone surrogates, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
REPLACEMENT = "\ufffd"


def parse_status(value: Any) -> int | None:
    """An HTTP status (100-599) from a JSON number or a string of three ASCII digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        status = value
    elif (isinstance(value, float) and value.is_integer()) or (isinstance(value, str) and _STATUS.fullmatch(value)):
        status = int(value)
    else:
        return None
    return status if 100 <= status <= 599 else None


def parse_timestamp_ms(value: Any) -> int | None:
    """Logs Insights' ``YYYY-MM-DD HH:MM:SS.mmm`` (UTC) or epoch-ms digits -> epoch ms; None when neither."""
    if not isinstance(value, str):
        return None
    if _EPOCH_MS.fullmatch(value):
        return int(value)
    match = _INSIGHTS_TIMESTAMP.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # month 13, year 0 ...
        return None
    millis = int((match.group(7) or "0").ljust(3, "0"))
    return int(moment.timestamp()) * 1000 + millis


def safe_text(value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    """Log text fit to show: at most ``limit`` characters, unsafe characters replaced by U+FFFD.

    Bidi overrides could make a path read backwards in Slack; zero-width characters could hide text; a lone
    surrogate would make the UTF-8 encoding of a message or log line fail.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
        except (ValueError, RecursionError):
            text = REPLACEMENT
    text = text[:limit]
    if text.isascii() and text.isprintable():
        return text
    return "".join(REPLACEMENT if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text)


def parse_line(message: Any) -> dict[str, Any] | None:
    """An access-log line's JSON object, or None when it is not one (plain text, cut short, too deeply nested)."""
    if not isinstance(message, str) or not message.lstrip().startswith("{"):
        return None
    try:
        # A JSON text whose first character is { can only be an object (white space before it is JSON's, or
        # json.loads refuses the text).
        return json.loads(message)
    except (ValueError, RecursionError):
        return None


def route_parts(method: Any, route: Any) -> tuple[str | None, str | None, str | None]:
    """(httpMethod, resourcePath, routeKey) from a routes-query group's httpMethod and coalesced ``route``.

    A REST resource path starts with / (or is "-"); an HTTP API route key starts with its method or is $default.
    """
    method_text = method if isinstance(method, str) else None
    if not isinstance(route, str) or route == "":
        return method_text, None, None
    if route.startswith("/") or route == NO_VALUE:
        return method_text, route, None
    return method_text, None, route


def route_label(method: Any, resource_path: Any, route_key: Any) -> str:
    """How the digest names a route: an HTTP API's route key, or a REST API's method and resource path."""
    if isinstance(route_key, str) and route_key not in ("", NO_VALUE):
        return safe_text(route_key, 300)
    method_text = safe_text(method, 16) if method not in (None, "") else NO_VALUE
    path_text = safe_text(resource_path, 300) if resource_path not in (None, "") else NO_VALUE
    return f"{method_text} {path_text}"


def xray_trace_id(value: Any) -> str:
    """``Root=1-5eb7...;Parent=...`` or ``1-5eb7...`` -> ``1-5eb7...`` ("" when absent)."""
    text = safe_text(value).strip()  # uncut within reason: other fields may come before Root
    for part in text.split(";"):
        key, separator, trace = part.partition("=")
        if separator and key.strip() == "Root":
            return trace.strip()
    return text if text.startswith("1-") else ""


@dataclass(frozen=True)
class Sample:
    """One error line as the digest shows it (values are safe_text, still to be escaped for Slack)."""

    timestamp_ms: int
    status: int
    route: str
    path: str
    request_id: str
    ip: str
    latency: str
    integration_error: str
    xray_trace_id: str
    api_id: str
    stage: str
    is_http_api: bool


def sample_from_line(timestamp_ms: int, line: dict[str, Any]) -> Sample | None:
    """The fields of an access-log line the digest shows, or None when the line has no usable status."""
    status = parse_status(line.get(STATUS))
    if status is None:
        return None
    route_key = line.get(ROUTE_KEY)
    error = line.get(INTEGRATION_ERROR)
    if error in (None, "", NO_VALUE):
        error = line.get(ERROR_MESSAGE)
    return Sample(
        timestamp_ms=timestamp_ms,
        status=status,
        route=route_label(line.get(METHOD), line.get(RESOURCE_PATH), route_key),
        path=safe_text(line.get(PATH), 300),
        request_id=safe_text(line.get(REQUEST_ID), 200),
        ip=safe_text(line.get(SOURCE_IP), 100),
        latency=safe_text(line.get(RESPONSE_LATENCY, line.get(INTEGRATION_LATENCY)), 20),
        integration_error=safe_text(error if error != NO_VALUE else "", 500),
        xray_trace_id=xray_trace_id(line.get(XRAY_TRACE_ID)),
        # Not shown, only linked: cut short, they would name another log group (links refuse any AWS would not write).
        api_id=safe_text(line.get(API_ID)),
        stage=safe_text(line.get(STAGE)),
        is_http_api=isinstance(route_key, str) and route_key not in ("", NO_VALUE),
    )
