"""Logs Insights rows and API Gateway access-log lines -> bounded counters and a few samples.

Everything here is defensive: log lines come from the internet and from any stage configuration. A line that is not
JSON, is truncated, or has no usable ``status`` is counted as *unparsed* (never dropped silently, never a crash).
The error threshold is re-checked here because the query's ``filter`` is only a pre-selection (moto ignores it).
Memory stays bounded whatever the volume: counters, ``sample_count`` samples and two unparsed examples.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from accesslog_notifier.window import Window

Row = Sequence[dict[str, str]]

# Longest raw value kept from a log line; the digest shortens further for display.
MAX_FIELD_CHARS = 1000
MAX_METHOD_CHARS = 16
MAX_RESOURCE_CHARS = 300
UNPARSED_EXAMPLE_CHARS = 300
UNPARSED_EXAMPLE_COUNT = 2
# Distinct method+resource keys counted individually; later new keys go to `other_routes` so that a scan over
# random paths cannot grow memory without bound.
MAX_ROUTE_KEYS = 5000
NO_RESOURCE = "-"


@dataclass(frozen=True)
class Sample:
    """One error line, as shown in the digest (all values are raw log text: escape before display)."""

    timestamp_ms: int
    status: int
    method: str
    resource_path: str
    path: str
    request_id: str
    ip: str
    latency: str
    integration_error: str
    xray_trace_id: str
    api_id: str
    stage: str


def parse_timestamp_ms(value: str | None) -> int | None:
    """``@timestamp`` -> epoch ms: ``YYYY-MM-DD HH:MM:SS.mmm`` (UTC) on AWS, epoch ms digits on moto."""
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        if len(value) == 23 and value[10] == " " and value[19] == "." and value[20:].isdigit():
            return _epoch_second_ms(value[:19]) + int(value[20:])
        moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


@lru_cache(maxsize=4096)
def _epoch_second_ms(text: str) -> int:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) -> epoch ms; cached because a storm has thousands of rows per second."""
    moment = datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        tzinfo=UTC,
    )
    return int(moment.timestamp()) * 1000


def row_timestamp_ms(row: Row) -> int | None:
    """The ``@timestamp`` of a GetQueryResults row (fields come in any order), or None."""
    for cell in row:
        if cell.get("field") == "@timestamp":
            return parse_timestamp_ms(cell.get("value"))
    return None


def parse_status(value: Any) -> int | None:
    """A usable HTTP status (100-999) from a number or a digit string such as ``"403"``; otherwise None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        status = value
    elif isinstance(value, float) and value.is_integer():
        status = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        status = int(value.strip())
    else:
        return None
    return status if 100 <= status <= 999 else None


def parse_access_log_line(message: str | None) -> tuple[dict[str, Any] | None, int | None]:
    """An access-log line -> (its JSON object, its status); (None, None) when it is not a usable line."""
    if not message or not message.lstrip().startswith("{"):
        return None, None
    try:
        line = json.loads(message)
    except (ValueError, RecursionError):  # RecursionError: hostile, deeply nested JSON
        return None, None
    if not isinstance(line, dict):
        return None, None
    return line, parse_status(line.get("status"))


def _text(value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)
    return text[:limit]


def xray_trace_id(value: Any) -> str:
    """``Root=1-5eb7...;Parent=...`` or ``1-5eb7...`` -> ``1-5eb7...`` ("" when absent)."""
    text = _text(value, 300).strip()
    for part in text.split(";"):
        key, separator, trace = part.partition("=")
        if separator and key.strip() == "Root":
            return trace.strip()
    return text if text.startswith("1-") else ""


def sample_from_line(timestamp_ms: int, status: int, line: dict[str, Any]) -> Sample:
    """The fields of an access-log line that the digest shows."""
    latency = line.get("responseLatency", line.get("integrationLatency"))
    return Sample(
        timestamp_ms=timestamp_ms,
        status=status,
        method=_text(line.get("httpMethod"), MAX_METHOD_CHARS * 4),
        resource_path=_text(line.get("resourcePath")),
        path=_text(line.get("path")),
        request_id=_text(line.get("requestId"), 200),
        ip=_text(line.get("ip"), 200),
        latency=_text(latency, 50),
        integration_error=_text(line.get("integrationErrorMessage", line.get("errorMessage"))),
        xray_trace_id=xray_trace_id(line.get("xrayTraceId")),
        api_id=_text(line.get("apiId"), 100),
        stage=_text(line.get("stage"), 200),
    )


class Tally:
    """Counts error lines by status and by method + resource, keeps a few samples and unparsed examples.

    Feed it rows with :meth:`add_rows`; only rows whose ``@timestamp`` lies inside the given window are counted,
    which is what keeps overlapping whole-second query ranges from counting a record twice.
    """

    def __init__(self, threshold: int, sample_count: int) -> None:
        self.threshold = threshold
        self.sample_count = sample_count
        self.matched = 0
        self.unparsed = 0
        self.below_threshold = 0
        self.by_status: Counter[int] = Counter()
        self.by_route: Counter[tuple[str, str]] = Counter()
        self.other_routes = 0
        self.unparsed_examples: list[str] = []
        # Samples: first the earliest lines of distinct (status, method, resource), then the earliest others.
        self._distinct_samples: list[Sample] = []
        self._sample_keys: set[tuple[int, str, str]] = set()
        self._other_samples: list[Sample] = []

    def add_rows(self, rows: Iterable[Row], window: Window) -> int:
        """Count the rows inside ``window``; returns how many were inside (errors, others and unparsed)."""
        inside = 0
        start_ms, end_ms = window.start_ms, window.end_ms
        for row in rows:
            timestamp_text = message = None
            for cell in row:
                field = cell.get("field")
                if field == "@timestamp":
                    timestamp_text = cell.get("value")
                elif field == "@message":
                    message = cell.get("value")
            timestamp_ms = parse_timestamp_ms(timestamp_text)
            if timestamp_ms is None:
                # Cannot be placed in a window: count it rather than lose it.
                inside += 1
                self._add_unparsed(message if message is not None else f"(row without @timestamp) {row!r}")
                continue
            if not start_ms <= timestamp_ms < end_ms:
                continue
            inside += 1
            self.add_message(timestamp_ms, message)
        return inside

    def add_message(self, timestamp_ms: int, message: str | None) -> None:
        """Count one access-log line that is inside the window."""
        line, status = parse_access_log_line(message)
        if line is None or status is None:
            self._add_unparsed(message or "")
            return
        if status < self.threshold:
            self.below_threshold += 1
            return
        self.matched += 1
        self.by_status[status] += 1
        route = (_text(line.get("httpMethod"), MAX_METHOD_CHARS), _text(line.get("resourcePath"), MAX_RESOURCE_CHARS))
        if route in self.by_route or len(self.by_route) < MAX_ROUTE_KEYS:
            self.by_route[route] += 1
        else:
            self.other_routes += 1
        if self.sample_count:
            self._consider_sample(timestamp_ms, status, route, line)

    def _consider_sample(self, timestamp_ms: int, status: int, route: tuple[str, str], line: dict[str, Any]) -> None:
        key = (status, *route)
        if len(self._distinct_samples) < self.sample_count and key not in self._sample_keys:
            self._sample_keys.add(key)
            self._distinct_samples.append(sample_from_line(timestamp_ms, status, line))
        elif len(self._other_samples) < self.sample_count:
            self._other_samples.append(sample_from_line(timestamp_ms, status, line))

    def _add_unparsed(self, message: str) -> None:
        self.unparsed += 1
        if len(self.unparsed_examples) < UNPARSED_EXAMPLE_COUNT:
            self.unparsed_examples.append(message[:UNPARSED_EXAMPLE_CHARS])

    @property
    def samples(self) -> list[Sample]:
        """Up to ``sample_count`` samples, oldest first."""
        chosen = self._distinct_samples + self._other_samples[: self.sample_count - len(self._distinct_samples)]
        return sorted(chosen, key=lambda sample: sample.timestamp_ms)

    @property
    def has_findings(self) -> bool:
        """Whether there is anything to report (errors or unparsed lines)."""
        return bool(self.matched or self.unparsed)
