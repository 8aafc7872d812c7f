"""An hour of a notifier, simulated against real parts: the handler in-process, its state in DynamoDB on moto's
server, Slack as a real HTTP server on 127.0.0.1 (the webhook receiver or the Web API stand-in); access-log lines
answered by the Logs Insights engine in memory (tests/support/fake_logs.py), so twelve windows run in seconds.

``IncidentHour`` writes lines into windows, runs the scheduled event of each (or an alarm's), with Lambda's
retries (same request id), replays (a new one) and runs side by side, and returns the summaries; the test then
asserts on what Slack received and what the table holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.handler import Dependencies, NotifierError, lambda_handler
from accesslog_notifier.slack import urllib_post
from accesslog_notifier.slack_api import api_post
from apigw_devkit.lambda_events import scheduled_event, window_of
from apigw_devkit.state_table import create_state_table as devkit_create_state_table

from tests.support.fake_logs import InMemoryLogs
from tests.support.notifier import FakeClock, access_line

GROUP = "/aws/apigateway/orders-prod"
TABLE = "orders-api-accesslog-notifier-state"
WEBHOOK_PARAMETER = "/orders-api/accesslog-notifier/slack-webhook-url"
TOKEN_PARAMETER = "/orders-api/accesslog-notifier/slack-bot-token"
MINUTE_MS = 60_000
INTERVAL_MS = 5 * MINUTE_MS


def create_state_table(dynamodb: Any, name: str = TABLE) -> None:
    """The table as the notifier module creates it: pk/sk strings, on demand (TTL is AWS's, not needed here)."""
    devkit_create_state_table(dynamodb, name)


@dataclass
class Context:
    """The Lambda context the handler reads: a request id (the same on Lambda's retries) and the time left."""

    aws_request_id: str
    clock: FakeClock
    budget_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.budget_ms


@dataclass
class IncidentHour:
    """Twelve five-minute windows starting at ``first_minute`` (a scheduled minute), and the notifier's parts."""

    dynamodb: Any
    secrets: Mapping[str, str]  # parameter name -> value (webhook URL or bot token), as SSM would hold them
    first_minute: int
    environment: dict[str, str] = field(default_factory=dict)
    logs: InMemoryLogs = field(default_factory=InMemoryLogs)
    summaries: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.logs.put(GROUP, [])
        self.fetched: list[str] = []

    def minute(self, index: int) -> int:
        """The scheduled minute of window ``index`` (0 = the first)."""
        return self.first_minute + index * INTERVAL_MS

    def window(self, index: int) -> tuple[int, int]:
        return window_of(self.minute(index))

    def write(self, index: int, count: int, status: int = 503, *, request_prefix: str = "r", **fields: Any) -> None:
        """``count`` lines of ``status`` spread over window ``index``."""
        start, end = self.window(index)
        self.logs.put(
            GROUP,
            [
                (
                    start + offset * (end - start) // max(count, 1),
                    access_line(status=status, requestId=f"{request_prefix}{index}-{offset}", **fields),
                )
                for offset in range(count)
            ],
        )

    def fetch(self, name: str) -> str:
        self.fetched.append(name)
        return self.secrets[name]

    def dependencies(self, clock: FakeClock) -> Dependencies:
        return Dependencies(
            self.logs,
            self.fetch,
            urllib_post,
            clock.as_clock(),
            clock.now_ms,
            api_post=api_post,
            dynamodb_client=lambda: self.dynamodb,
        )

    def run_event(self, event: dict[str, Any], *, request_id: str, now_ms: int, **overrides: str) -> dict[str, Any]:
        """Run the handler on ``event``; the summary (also when it raised NotifierError, with ``raised`` set)."""
        clock = FakeClock(wall_ms=now_ms)
        environment = {**self.environment, **overrides}
        try:
            summary = lambda_handler(
                event, Context(request_id, clock), dependencies=self.dependencies(clock), environ=environment
            )
        except NotifierError as failure:
            summary = {**failure.summary, "raised": str(failure)}
        self.summaries.append(summary)
        return summary

    def run(self, index: int, *, request_id: str | None = None, **overrides: str) -> dict[str, Any]:
        """Run window ``index`` as EventBridge would (20 s into its minute), with its own request id."""
        minute = self.minute(index)
        return self.run_event(
            scheduled_event(minute), request_id=request_id or f"request-{index}", now_ms=minute + 20_000, **overrides
        )


def environment(delivery: str, **extra: Any) -> dict[str, str]:
    """The function's environment as the notifier module renders it (contract names)."""
    env = {
        "LOG_GROUP_NAMES": json.dumps([GROUP]),
        "AWS_LAMBDA_FUNCTION_NAME": "orders-api-accesslog-notifier",
        "STATE_TABLE_NAME": TABLE,
        "SLACK_DELIVERY": delivery,
        "MESSAGE_TITLE": "orders-api: API Gateway errors",
    }
    if delivery == "app":
        env.update(BOT_TOKEN_PARAMETER_NAME=TOKEN_PARAMETER, SLACK_CHANNEL_ID="C07EZ1ABC23")
    else:
        env.update(WEBHOOK_PARAMETER_NAME=WEBHOOK_PARAMETER)
    env.update({key: value if isinstance(value, str) else json.dumps(value) for key, value in extra.items()})
    return env
