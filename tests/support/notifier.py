"""Test helpers for the notifier: a controllable clock, events and lines as AWS writes them, Slack-safety checks.

No servers here: the moto and Slack receiver fixtures live in tests/conftest.py. Everything is written from the AWS
and Slack documentation (and tests/fixtures), never from the notifier's code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from accesslog_notifier.insights import Clock


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


def http_access_line(**fields: Any) -> str:
    """An HTTP API access-log line in this project's format (route key, numeric status), ``fields`` overriding."""
    line = {
        "requestId": "Kx9mZgHxIAMEbXQ=",
        "ip": "198.51.100.40",
        "requestTime": "25/Nov/2026:09:31:12 +0000",
        "httpMethod": "GET",
        "routeKey": "GET /items/{id}",
        "path": "/items/42",
        "status": 500,
        "protocol": "HTTP/1.1",
        "responseLength": "35",
        "responseLatency": "48",
        "integrationLatency": "45",
        "integrationErrorMessage": "The Lambda function returned the following error: Boom",
        "apiId": "h1t2p3a4p5",
        "stage": "$default",
    }
    line.update(fields)
    return json.dumps({key: value for key, value in line.items() if value is not None})


def alarm_event(message: dict, topic_arn: str = "arn:aws:sns:us-east-1:123456789012:orders-api-api-errors") -> dict:
    """What SNS hands a Lambda subscriber for one message (Lambda Developer Guide, "Using Lambda with Amazon SNS")."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "TopicArn": topic_arn,
                    "Subject": "ALARM",
                    "Message": json.dumps(message),
                    "Timestamp": "2026-11-25T09:32:05.023Z",
                },
            }
        ]
    }


def put_events(logs: Any, group: str, events: list[tuple[int, str]], stream: str = "s") -> None:
    """PutLogEvents in batches within AWS's limits (10,000 events, 1 MB), creating the group and stream."""
    with suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    batch: list[dict] = []
    size = 0
    for timestamp, message in sorted(events):
        event_size = len(message.encode()) + 26  # AWS counts 26 bytes per event
        if len(batch) == 10_000 or size + event_size > 1_000_000:
            _put(logs, group, stream, batch)
            batch, size = [], 0
        batch.append({"timestamp": timestamp, "message": message})
        size += event_size
    if batch:
        _put(logs, group, stream, batch)


def _put(logs: Any, group: str, stream: str, batch: list[dict]) -> None:
    response = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
    assert "rejectedLogEventsInfo" not in response, response


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


# The console domains of the partitions (aws, aws-cn, aws-us-gov), as the AWS documentation gives them.
_OWN_LINK = re.compile(
    r"<https://(console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com)/[^<>|\s]*\|[^<>|]*>"
)
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
        # JSURL escapes UTF-16 code units (it comes from JavaScript): a character beyond U+FFFF arrives as a
        # surrogate pair, which a JavaScript string would join.
        return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le")

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
