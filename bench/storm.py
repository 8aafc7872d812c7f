"""Storm benchmark: the notifier's handler in-process over one five-minute window on moto's server, whose Logs
Insights runs the real query strings (devkit/apigw_devkit/logs_insights.py), Slack rate-limited like the real one.

For each case it writes the lines (all of one log group, or spread over several), stores the receiver's URL as an
SSM SecureString, runs ``lambda_handler`` on the scheduled event of that window with a 300 s context, the default
dependencies and the real sleep, and prints one JSON line, then a table:

- exact: every count in the summary equals what was written (errors, requests, unreadable lines), and the
  delivered digest says the same number;
- msgs, queries, rows (result rows read back), bytes scanned (summed over the queries, as Logs Insights reports
  it), the same as a number of scans of the window (bytes scanned / the window's bytes), beside the previous
  design's figure, and their cost per run and per month (8,640 runs at the default schedule, $0.005 per GB);
- wall seconds, handler CPU seconds (this process: moto runs in a subprocess), peak Python memory (tracemalloc, in a
  second run: tracing slows Python down);
- ``--rss`` also runs one 10,000-line window in a fresh interpreter, from the committed zip, and prints its peak
  resident set (boto3 included): what sizes the Lambda's memory.

    .venv/bin/python bench/storm.py                 # the four cases of bench/README.md
    .venv/bin/python bench/storm.py --case 10k --rss

It is a measurement, not a test: it asserts nothing and always prints its figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from apigw_devkit.lambda_events import WallClockContext, next_scheduled_minutes, scheduled_event, window_of
from apigw_devkit.moto_server import MotoServer, aws_environment
from apigw_devkit.slack_receiver import SlackReceiver

REPO_ROOT = Path(__file__).resolve().parent.parent
PARAMETER = "/bench/slack-webhook"
REGION = "us-east-1"
RUNS_PER_MONTH = 30 * 24 * 12  # every 5 minutes
PRICE_PER_GB = 0.005
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_000_000  # PutLogEvents allows 1,048,576 bytes, counting 26 bytes per event
ERROR_STATUSES = (400, 403, 404, 429, 500, 502, 503, 504)
# Scans of the window per run before the counts query (bench/README.md, 2026-11-26: four queries each reading every
# line, 2,083 MB scanned for a window of about 520 MB).
PREVIOUS_SCANS_PER_RUN = 4.0
RESOURCES = ("/orders", "/orders/{id}", "/users/{id}", "/search", "/carts/{id}/items")


@dataclass(frozen=True)
class Case:
    name: str
    lines: int
    error_every: int  # every nth line is an error (1: all)
    log_groups: int = 1


CASES = {
    "10k": Case("10,000 error lines", 10_000, 1),
    "1m": Case("1,000,000 error lines", 1_000_000, 1),
    "busy": Case("busy API: 1,000,000 requests, 0.1 % errors", 1_000_000, 1000),
    "50groups": Case("50 log groups, 2,000 lines each", 100_000, 10, log_groups=50),
}


def access_line(index: int, error: bool) -> str:
    status = ERROR_STATUSES[index % len(ERROR_STATUSES)] if error else 200
    resource = RESOURCES[index % len(RESOURCES)]
    return json.dumps(
        {
            "requestId": f"{index:08x}-7b61-11e6-9a41-93e8deadbeef",
            "extendedRequestId": "MSlVjFtztjMFe2A=",
            "ip": f"203.0.113.{index % 250}",
            "caller": "-",
            "user": "-",
            "requestTime": "25/Nov/2026:12:01:00 +0000",
            "httpMethod": "POST" if index % 3 else "GET",
            "resourcePath": resource,
            "path": "/prod" + resource.replace("{id}", str(index % 1000)),
            "status": status,
            "protocol": "HTTP/1.1",
            "responseLength": "36",
            "responseLatency": str(20 + index % 3000),
            "integrationStatus": "200",
            "integrationErrorMessage": "Lambda function timed out" if status == 504 else "-",
            "xrayTraceId": f"Root=1-5eb74f56-{index:024x}",
            "apiId": "a1b2c3d4e5",
            "stage": "prod",
        }
    )


def write(logs: Any, case: Case, start_ms: int, end_ms: int) -> dict[str, int]:
    """Write the case's lines evenly over [start_ms, end_ms); return what was written, counted here."""
    per_group = case.lines // case.log_groups
    written = {"lines": 0, "errors": 0, "bytes": 0}
    step = (end_ms - start_ms) / per_group
    for group_index in range(case.log_groups):
        group = f"/aws/apigateway/bench-{group_index:02d}"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="storm")
        batch: list[dict[str, Any]] = []
        batch_bytes = 0
        for index in range(per_group):
            error = index % case.error_every == 0
            message = access_line(index, error)
            size = len(message) + 26
            if batch and (len(batch) == MAX_BATCH_EVENTS or batch_bytes + size > MAX_BATCH_BYTES):
                logs.put_log_events(logGroupName=group, logStreamName="storm", logEvents=batch)
                batch, batch_bytes = [], 0
            batch.append({"timestamp": start_ms + int(index * step), "message": message})
            batch_bytes += size
            written["lines"] += 1
            written["errors"] += error
            written["bytes"] += len(message.encode())  # what Insights charges for the event (the engine: its message)
        if batch:
            logs.put_log_events(logGroupName=group, logStreamName="storm", logEvents=batch)
    return written


def digest_errors(posts: list[Any]) -> int | None:
    """The error count the delivered digest states, read back from what the receiver got."""
    delivered = [post.payload for post in posts if post.answered_status == 200]
    match = re.search(r"([\d,]+) errors? in", delivered[0]["text"]) if delivered else None
    return int(match.group(1).replace(",", "")) if match else None


def run_handler(minute: int, trace_memory: bool) -> tuple[dict[str, Any], float, float, float | None, list[Any]]:
    from accesslog_notifier import handler

    with SlackReceiver(rate_per_second=1, burst=3) as receiver:
        boto3.client("ssm").put_parameter(
            Name=PARAMETER, Value=receiver.webhook_url, Type="SecureString", Overwrite=True
        )
        handler._default_dependencies = None
        handler.default_dependencies()  # a warm container: clients exist, the webhook URL is not read yet
        if trace_memory:
            tracemalloc.start()
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        try:
            summary = handler.lambda_handler(scheduled_event(minute), WallClockContext())
        except handler.NotifierError as failure:
            summary = failure.summary
        cpu_s, wall_s = time.process_time() - cpu_started, time.perf_counter() - wall_started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else None
        if trace_memory:
            tracemalloc.stop()
        posts = receiver.wait_for_posts(summary.get("messages_sent", 0))
    return summary, wall_s, cpu_s, peak, posts


RSS_SCRIPT = """
import json, os, resource, sys, time
from accesslog_notifier import handler

class Context:
    def get_remaining_time_in_millis(self):
        return 300_000

summary = handler.lambda_handler(json.loads(sys.argv[2]), Context())
print(json.dumps({"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "errors": summary["errors"]}))
"""


def measure_rss(minute: int) -> dict[str, Any]:
    """Peak RSS of one run in a fresh interpreter, from the committed zip (boto3 and all)."""
    with SlackReceiver() as receiver:
        boto3.client("ssm").put_parameter(
            Name=PARAMETER, Value=receiver.webhook_url, Type="SecureString", Overwrite=True
        )
        zip_path = str(REPO_ROOT / "source_code" / "dist" / "notifier.zip")
        completed = subprocess.run(
            [sys.executable, "-c", RSS_SCRIPT, zip_path, json.dumps(scheduled_event(minute))],
            # The zip first on the child's path, ahead of .venv's packages (as /var/task is on Lambda's).
            env={**os.environ, "PYTHONPATH": zip_path},
            capture_output=True,
            text=True,
            check=False,
        )
    return json.loads(completed.stdout) if completed.returncode == 0 else {"error": completed.stderr[-500:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable; default: all four")
    parser.add_argument("--rss", action="store_true", help="also measure a 10,000-line run's peak RSS from the zip")
    args = parser.parse_args()

    results = []
    with MotoServer() as server:
        os.environ.update(aws_environment(server.endpoint_url, REGION))
        os.environ.update({"WEBHOOK_PARAMETER_NAME": PARAMETER, "LOG_LEVEL": "WARN"})
        # The run summary is logged at WARN then (never below the function's level); the figures below say it all.
        logging.getLogger("accesslog_notifier").addHandler(logging.NullHandler())
        for key in args.case or list(CASES):
            case = CASES[key]
            server.reset()
            groups = [f"/aws/apigateway/bench-{index:02d}" for index in range(case.log_groups)]
            os.environ["LOG_GROUP_NAMES"] = json.dumps(groups)
            [minute] = next_scheduled_minutes(1)
            start_ms, end_ms = window_of(minute)
            write_started = time.perf_counter()
            written = write(boto3.client("logs"), case, start_ms, end_ms)
            write_s = time.perf_counter() - write_started
            summary, wall_s, cpu_s, _, posts = run_handler(minute, trace_memory=False)
            _, _, _, peak_mib, _ = run_handler(minute, trace_memory=True)
            scanned = summary.get("bytes_scanned", 0)
            result = {
                "case": case.name,
                "exact": (summary.get("errors"), summary.get("requests"), summary.get("unparsed"), digest_errors(posts))
                == (written["errors"], written["lines"], 0, written["errors"]),
                "errors": summary.get("errors"),
                "requests": summary.get("requests"),
                "messages": summary.get("messages_sent"),
                "queries": summary.get("queries"),
                "rows_read": summary.get("rows_read"),
                "bytes_scanned": scanned,
                "window_bytes": written["bytes"],
                "scans_per_run": round(scanned / written["bytes"], 3),
                "previous_scans_per_run": PREVIOUS_SCANS_PER_RUN,
                "cost_per_run_usd": round(scanned / 1e9 * PRICE_PER_GB, 7),
                "cost_per_month_usd": round(scanned / 1e9 * PRICE_PER_GB * RUNS_PER_MONTH, 2),
                "wall_s": round(wall_s, 2),
                "handler_cpu_s": round(cpu_s, 3),
                "peak_mib": round(peak_mib, 1) if peak_mib is not None else None,
                "write_s": round(write_s, 1),
            }
            if args.rss and key == "10k":
                result.update(measure_rss(minute))
            results.append(result)
            print(json.dumps(result), flush=True)
        print(f"bench process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    print()
    columns = (
        "case",
        "exact",
        "msgs",
        "queries",
        "rows",
        "scanned MB",
        "scans",
        "before",
        "$/run",
        "$/month",
        "wall s",
        "cpu s",
        "peak MiB",
    )
    widths = (44, 5, 4, 7, 5, 10, 6, 6, 10, 8, 7, 6, 8)

    def row(values: tuple[Any, ...]) -> str:
        cells = [f"{values[0]!s:<{widths[0]}}"] + [
            f"{value!s:>{width}}" for value, width in zip(values[1:], widths[1:], strict=True)
        ]
        return " ".join(cells)

    print(row(columns))
    for result in results:
        print(
            row(
                (
                    result["case"],
                    "yes" if result["exact"] else "NO",
                    result["messages"],
                    result["queries"],
                    result["rows_read"],
                    f"{result['bytes_scanned'] / 1e6:.1f}",
                    f"{result['scans_per_run']:.2f}",
                    f"{result['previous_scans_per_run']:.2f}",
                    f"{result['cost_per_run_usd']:.7f}",
                    f"{result['cost_per_month_usd']:.2f}",
                    result["wall_s"],
                    result["handler_cpu_s"],
                    result["peak_mib"],
                )
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
