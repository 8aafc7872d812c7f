"""State-table benchmark: what the incident state costs in DynamoDB, per run and per month.

The notifier's handler runs in-process over an hour of five-minute windows (twelve runs) on moto's server: the
access-log lines in moto's CloudWatch Logs (its Logs Insights runs the real query strings through the project's
engine), the state in moto's DynamoDB, Slack as the Web API stand-in (app delivery) or the webhook receiver, both
real HTTP servers on 127.0.0.1. The hour holds a storm that starts, grows, calms and ends, so the runs cover every
incident step (nothing, opens, updates, quiet, resolves).

Every DynamoDB call the notifier makes is seen by a botocore hook on its client, and priced as AWS documents
on-demand capacity ("Read/write capacity mode", DynamoDB Developer Guide): a strongly consistent read (the notifier
reads with ConsistentRead) is 1 read request unit per 4 KB of item; a write 1 write request unit per 1 KB of the
larger of the item before and after, also when its condition fails; each item of TransactWriteItems 2 units per
1 KB. Item sizes follow "Item sizes and formats" (attribute names plus values). The price per million units is
us-east-1's on-demand price (a parameter). It prints one line per run, then the month at the default schedule.

    .venv/bin/python bench/state_cost.py
    .venv/bin/python bench/state_cost.py --delivery webhook --read-price 0.125 --write-price 0.625

It is a measurement, not a test: it asserts nothing and always prints its figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from apigw_devkit.lambda_events import scheduled_event, window_of
from apigw_devkit.moto_server import MotoServer, aws_environment
from apigw_devkit.slack_api import DEFAULT_CHANNEL, DEFAULT_TOKEN, SlackApiStandIn
from apigw_devkit.slack_receiver import SlackReceiver
from apigw_devkit.state_table import create_state_table

REGION = "us-east-1"
GROUP = "/aws/apigateway/orders-prod"
TABLE = "orders-api-accesslog-notifier-state"
PARAMETER = "/orders-api/accesslog-notifier/slack-secret"
INTERVAL_MS = 5 * 60_000
STORM = [0, 5, 30, 80, 60, 20, 0, 0, 0, 0, 0, 0]  # errors per window: starts, grows, calms, ends
RUNS_PER_MONTH = 8_640  # every 5 minutes, 30 days
# On-demand, us-east-1, per million request units (aws.amazon.com/dynamodb/pricing/on-demand, since 2024-11-01).
READ_PRICE = 0.125
WRITE_PRICE = 0.625
READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


def attribute_bytes(value: dict[str, Any]) -> int:
    """An attribute value's size as "Item sizes and formats" counts it (numbers: about 1 byte per 2 digits + 1)."""
    [(kind, inner)] = value.items()
    if kind in ("S", "B"):
        return len(inner.encode()) if isinstance(inner, str) else len(inner)
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode()) + 1 + attribute_bytes(item) for name, item in inner.items())
    if kind == "L":
        return 3 + sum(1 + attribute_bytes(item) for item in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(item).encode()) for item in inner)
    raise ValueError(f"attribute type {kind} is not sized here")


def item_bytes(item: dict[str, Any] | None) -> int:
    return sum(len(name.encode()) + attribute_bytes(value) for name, value in (item or {}).items())


@dataclass
class Meter:
    """DynamoDB calls and request units, by operation; reads an item's size before a write with its own client."""

    peek: Any
    calls: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    largest_item: int = 0

    def _size_before_and_after(self, table: str, key: dict[str, Any] | None, item: dict[str, Any] | None) -> int:
        key = key or {name: item[name] for name in ("pk", "sk")}  # type: ignore[index]
        before = self.peek.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        size = max(item_bytes(before), item_bytes(item), 1)
        self.largest_item = max(self.largest_item, size)
        return size

    def before_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        self.calls[operation] += 1
        if operation == "GetItem":
            answer = self.peek.get_item(TableName=params["TableName"], Key=params["Key"], ConsistentRead=True)
            size = max(item_bytes(answer.get("Item")), 1)
            self.largest_item = max(self.largest_item, size)
            self.read_units += math.ceil(size / READ_UNIT_BYTES) * (1 if params.get("ConsistentRead") else 0.5)
        elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
            size = self._size_before_and_after(params["TableName"], params.get("Key"), params.get("Item"))
            self.write_units += math.ceil(size / WRITE_UNIT_BYTES)
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                [(_, body)] = entry.items()
                size = self._size_before_and_after(body["TableName"], body.get("Key"), body.get("Item"))
                self.write_units += 2 * math.ceil(size / WRITE_UNIT_BYTES)
        else:
            self.calls[f"{operation} (not priced here)"] += 1


def access_line(request_id: str, status: int) -> str:
    return json.dumps(
        {
            "requestId": request_id,
            "httpMethod": "POST",
            "resourcePath": "/orders",
            "path": "/prod/orders",
            "status": status,
            "responseLatency": 42,
            "integrationErrorMessage": "-",
            "apiId": "a1b2c3d4e5",
            "stage": "prod",
        }
    )


def write_hour(logs: Any, first_minute: int) -> None:
    """Per window: the storm's errors (503) and 20 successful requests, spread over its five minutes."""
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="hour")
    events = []
    for index, errors in enumerate(STORM):
        start, end = window_of(first_minute + index * INTERVAL_MS)
        statuses = [503] * errors + [200] * 20
        for offset, status in enumerate(statuses):
            events.append(
                {
                    "timestamp": start + offset * (end - start) // len(statuses),
                    "message": access_line(f"w{index}-{offset}", status),
                }
            )
    logs.put_log_events(
        logGroupName=GROUP, logStreamName="hour", logEvents=sorted(events, key=lambda e: e["timestamp"])
    )


def environment(delivery: str, slack_api_url: str | None) -> dict[str, str]:
    env = {
        "LOG_GROUP_NAMES": json.dumps([GROUP]),
        "AWS_LAMBDA_FUNCTION_NAME": "orders-api-accesslog-notifier",
        "STATE_TABLE_NAME": TABLE,
        "SLACK_DELIVERY": delivery,
        "MESSAGE_TITLE": "orders-api: API Gateway errors",
        "CRITICAL_5XX_COUNT": "50",
        "CRITICAL_MENTION": "here",
    }
    if delivery == "app":
        env.update(
            BOT_TOKEN_PARAMETER_NAME=PARAMETER, SLACK_CHANNEL_ID=DEFAULT_CHANNEL, SLACK_API_URL=slack_api_url or ""
        )
    else:
        env["WEBHOOK_PARAMETER_NAME"] = PARAMETER
    return env


class Context:
    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def run_hour(delivery: str, first_minute: int, secret: str, slack_api_url: str | None) -> tuple[list[dict], Meter]:
    from accesslog_notifier.handler import Dependencies, NotifierError, lambda_handler

    dynamodb = boto3.client("dynamodb")
    create_state_table(dynamodb, TABLE)
    meter = Meter(peek=boto3.client("dynamodb"))
    dynamodb.meta.events.register("before-parameter-build.dynamodb.*", meter.before_call)
    logs = boto3.client("logs")
    write_hour(logs, first_minute)
    rows = []
    for index, errors in enumerate(STORM):
        minute = first_minute + index * INTERVAL_MS
        now_ms = minute + 20_000  # EventBridge fires the rule about 20 s into its minute
        dependencies = Dependencies(
            logs, lambda _name: secret, now_ms=lambda now_ms=now_ms: now_ms, dynamodb_client=lambda: dynamodb
        )
        reads, writes, calls = meter.read_units, meter.write_units, sum(meter.calls.values())
        try:
            summary = lambda_handler(
                scheduled_event(minute),
                Context(f"run-{index}"),
                dependencies=dependencies,
                environ=environment(delivery, slack_api_url),
            )
        except NotifierError as failure:
            summary = failure.summary
        rows.append(
            {
                "window": index,
                "errors_written": errors,
                "errors": summary.get("errors"),
                "incident": summary.get("incident"),
                "messages": summary.get("messages_sent"),
                "dynamodb_calls": sum(meter.calls.values()) - calls,
                "read_units": meter.read_units - reads,
                "write_units": meter.write_units - writes,
            }
        )
    return rows, meter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delivery", choices=["app", "webhook"], action="append", help="repeatable; default: both")
    parser.add_argument("--read-price", type=float, default=READ_PRICE, help="$ per million read request units")
    parser.add_argument("--write-price", type=float, default=WRITE_PRICE, help="$ per million write request units")
    args = parser.parse_args()
    # The coming hour on the five-minute schedule: Logs Insights (and the engine behind moto) refuses a window that
    # ends before the log group was created, and CloudWatch Logs takes events up to 2 hours ahead.
    first_minute = (time.time_ns() // 1_000_000 // INTERVAL_MS + 2) * INTERVAL_MS

    for delivery in args.delivery or ["app", "webhook"]:
        with MotoServer() as server:
            os.environ.update(aws_environment(server.endpoint_url, REGION))
            if delivery == "app":
                with SlackApiStandIn() as slack:
                    rows, meter = run_hour(delivery, first_minute, DEFAULT_TOKEN, slack.base_url)
                    posted = len(slack.calls_to("chat.postMessage")) + len(slack.calls_to("chat.update"))
            else:
                with SlackReceiver() as receiver:
                    rows, meter = run_hour(delivery, first_minute, receiver.webhook_url, None)
                    posted = len(receiver.posts)
        print(f"\n{delivery} delivery: one hour, twelve runs ({posted} Slack calls)")
        print(
            f"{'window':>6} {'errors':>6} {'counted':>7} {'incident':>9} {'msgs':>4} {'calls':>5} {'RRU':>4} {'WRU':>4}"
        )
        for row in rows:
            print(
                f"{row['window']:>6} {row['errors_written']:>6} {row['errors']!s:>7} {row['incident']!s:>9} "
                f"{row['messages']!s:>4} {row['dynamodb_calls']:>5} {row['read_units']:>4g} {row['write_units']:>4g}"
            )
        quiet = [row for row in rows if row["incident"] == "nothing"]
        busy = [row for row in rows if row["incident"] != "nothing"]
        per_quiet = (quiet[-1]["read_units"], quiet[-1]["write_units"]) if quiet else (0.0, 0.0)
        month_reads, month_writes = per_quiet[0] * RUNS_PER_MONTH, per_quiet[1] * RUNS_PER_MONTH
        month = month_reads / 1e6 * args.read_price + month_writes / 1e6 * args.write_price
        print(
            json.dumps(
                {
                    "delivery": delivery,
                    "calls_by_operation": dict(meter.calls),
                    "largest_item_bytes": meter.largest_item,
                    "quiet_run_units": {"read": per_quiet[0], "write": per_quiet[1]},
                    "incident_run_units_max": {
                        "read": max((row["read_units"] for row in busy), default=0),
                        "write": max((row["write_units"] for row in busy), default=0),
                    },
                    "month_all_quiet_usd": round(month, 4),
                    "month_incident_every_run_usd": round(
                        RUNS_PER_MONTH
                        * (
                            max((row["read_units"] for row in busy), default=0) / 1e6 * args.read_price
                            + max((row["write_units"] for row in busy), default=0) / 1e6 * args.write_price
                        ),
                        4,
                    ),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
