"""Test helpers for the notifier: a controllable clock, row and line builders, and Slack-safety checks.

No servers here: the moto and Slack receiver fixtures live in tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

from accesslog_notifier.query import Clock


@dataclass
class FakeClock:
    """Monotonic time that only moves when the code sleeps (or a test advances it); records every sleep."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    wall_ms: int = 1_795_000_000_000

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def now_ms(self) -> int:
        return self.wall_ms

    def as_clock(self) -> Clock:
        return Clock(monotonic=self.monotonic, sleep=self.sleep)


@dataclass
class FakeContext:
    """The part of the Lambda context the handler uses, counting down with a clock."""

    clock: Any
    budget_ms: int = 300_000

    def __post_init__(self) -> None:
        self._started = self.clock.monotonic()

    def get_remaining_time_in_millis(self) -> int:
        return int(self.budget_ms - (self.clock.monotonic() - self._started) * 1000)


def iso_ms(text: str) -> int:
    """``2026-11-25T12:05:00.000Z`` -> epoch ms (independent of the code under test)."""
    moment = datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(moment.timestamp()) * 1000 + moment.microsecond // 1000


def aws_timestamp(timestamp_ms: int) -> str:
    """The ``@timestamp`` format real Logs Insights returns."""
    moment = datetime.fromtimestamp(timestamp_ms // 1000, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + f".{timestamp_ms % 1000:03d}"


def aws_row(timestamp_ms: int, message: str) -> list[dict[str, str]]:
    """A GetQueryResults row as AWS sends it: fields in ``fields`` order, ``@ptr`` last."""
    return [
        {"field": "@timestamp", "value": aws_timestamp(timestamp_ms)},
        {"field": "@message", "value": message},
        {"field": "@ptr", "value": f"ptr-{timestamp_ms}"},
    ]


def moto_row(timestamp_ms: int, message: str) -> list[dict[str, str]]:
    """A GetQueryResults row as moto sends it: ``@ptr`` first, ``@timestamp`` as epoch-ms digits."""
    return [
        {"field": "@ptr", "value": "7"},
        {"field": "@timestamp", "value": str(timestamp_ms)},
        {"field": "@message", "value": message},
    ]


def access_line(**fields: Any) -> str:
    """An access-log line in this project's format, with ``fields`` overriding the defaults."""
    line = {
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "ip": "203.0.113.7",
        "requestTime": "25/Nov/2026:12:01:00 +0000",
        "httpMethod": "POST",
        "resourcePath": "/orders",
        "path": "/prod/orders",
        "status": 502,
        "protocol": "HTTP/1.1",
        "responseLength": 36,
        "responseLatency": 29012,
        "integrationErrorMessage": "Lambda function timed out",
        "xrayTraceId": "Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
        "apiId": "a1b2c3d4e5",
        "stage": "prod",
    }
    line.update(fields)
    return json.dumps({key: value for key, value in line.items() if value is not None})


class FakeInsights:
    """A tiny in-memory Logs Insights client: whole-second inclusive ranges, ``sort @timestamp asc | limit N``.

    ``events`` are epoch-ms timestamps (each becomes a 503 line whose requestId is its timestamp) or
    (timestamp, message) pairs. Every StartQuery is recorded in ``started``; ``seconds_per_query`` advances
    ``clock`` on each GetQueryResults, to let deadlines pass.
    """

    meta = SimpleNamespace(region_name="eu-west-1")

    def __init__(
        self,
        events: Iterable[int | tuple[int, str]] = (),
        clock: FakeClock | None = None,
        seconds_per_query: float = 0.0,
        end_second_whole: bool = True,
    ) -> None:
        pairs = [(e, access_line(status=503, requestId=str(e))) if isinstance(e, int) else e for e in events]
        self.events = sorted(pairs)
        self.clock = clock
        self.seconds_per_query = seconds_per_query
        # AWS may include the whole end second; moto includes only its first millisecond.
        self.end_second_whole = end_second_whole
        self.started: list[dict[str, Any]] = []
        self.queries: dict[str, list] = {}

    def start_query(self, **kwargs: Any) -> dict[str, str]:
        self.started.append(kwargs)
        limit = int(re.search(r"limit (\d+)", kwargs["queryString"]).group(1))
        first_ms = kwargs["startTime"] * 1000
        last_ms = kwargs["endTime"] * 1000 + (999 if self.end_second_whole else 0)
        selected = [(ts, message) for ts, message in self.events if first_ms <= ts <= last_ms][:limit]
        query_id = f"q-{len(self.queries)}"
        self.queries[query_id] = [aws_row(ts, message) for ts, message in selected]
        return {"queryId": query_id}

    def get_query_results(self, queryId: str) -> dict[str, Any]:  # boto3's parameter name
        if self.clock is not None:
            self.clock.advance(self.seconds_per_query)
        return {"results": self.queries[queryId], "status": "Complete"}


def iter_strings(value: Any) -> Iterator[str]:
    """Every string anywhere inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)


_OWN_LINK = re.compile(r"<https://[a-z0-9-]+\.console\.aws\.amazon\.com/[^<>|\s]*\|[^<>|]*>")
_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def unsafe_markup(text: str) -> list[str]:
    """What in a Slack text could be a control sequence: ``<``/``>`` outside our console links, bare ``&``."""
    without_links = _OWN_LINK.sub("", text)
    problems = [match for match in re.findall(r"<[^>]*>?|>", without_links)]
    problems += [f"bare & at {match.start()}" for match in _ENTITY.finditer(without_links)]
    return problems


def slack_links(text: str) -> list[tuple[str, str]]:
    """(url, label) of every ``<url|label>`` link in a mrkdwn text."""
    return [(url, label) for url, label in re.findall(r"<([^<>|]+)\|([^<>]*)>", text)]


# --- an independent JSURL decoder, to check the console links the digest builds --------------------------------------


def jsurl_decode(text: str) -> Any:
    """Decode JSURL (``~(key~'value~list~(~'a~'b))``) written from the format's description, not from the code."""
    position = 0

    def read_text() -> str:
        nonlocal position
        out = []
        while position < len(text) and text[position] not in "~()'":
            character = text[position]
            if character == "*":
                if text[position + 1] == "*":
                    out.append(chr(int(text[position + 2 : position + 6], 16)))
                    position += 6
                else:
                    out.append(chr(int(text[position + 1 : position + 3], 16)))
                    position += 3
            elif character == "!":
                out.append("$")
                position += 1
            else:
                out.append(character)
                position += 1
        return "".join(out)

    def read_value() -> Any:
        nonlocal position
        assert text[position] == "~", f"expected ~ at {position}: {text[position : position + 20]}"
        position += 1
        character = text[position]
        if character == "'":
            position += 1
            return read_text()
        if character == "(":
            position += 1
            if text[position] == "~":  # a list: values follow directly
                if text[position : position + 2] == "~)":
                    position += 2
                    return []
                items = []
                while text[position] != ")":
                    items.append(read_value())
                position += 1
                return items
            result = {}
            while True:
                key = read_text()
                result[key] = read_value()
                if text[position] == ")":
                    position += 1
                    return result
                assert text[position] == "~"
                position += 1
        word = read_text()
        constants = {"true": True, "false": False, "null": None}
        if word in constants:
            return constants[word]
        return float(word) if "." in word else int(word)

    value = read_value()
    assert position == len(text), f"trailing text: {text[position:]}"
    return value


def console_fragment_value(fragment_part: str) -> str:
    """Undo the console's fragment encoding (``$`` stands for ``%``)."""
    return unquote(fragment_part.replace("$", "%"))
