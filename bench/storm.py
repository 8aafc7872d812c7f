"""Storm benchmark: N error lines in one window, the handler in-process, Slack rate-limited like the real one.

Starts moto's server and a SlackReceiver(rate_per_second=1, burst=3), writes N access-log lines (all 4xx/5xx) into
one five-minute window of a log group, stores the receiver's URL as an SSM SecureString, and runs
``lambda_handler`` with a fake 300 s Lambda context, the default dependencies and the real sleep. Prints, per N:
lines matched, lines counted in the delivered messages (read back from what the receiver got), messages sent,
wall seconds, handler CPU seconds (this process only: moto runs in a subprocess) and peak Python memory
(tracemalloc, measured in a second run because tracing slows Python down).

    .venv/bin/python bench/storm.py                  # N = 10,000 and 100,000
    .venv/bin/python bench/storm.py --lines 25000 --profile

This is a measurement, not a test: it asserts nothing and always prints its figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "source_code" / "notifier")]

import boto3  # noqa: E402

from tests.support.moto_server import MotoServer, aws_environment  # noqa: E402
from tests.support.slack_receiver import SlackReceiver  # noqa: E402

GROUP = "/aws/apigateway/storm-prod"
PARAMETER = "/bench/slack-webhook"
REGION = "us-east-1"
INTERVAL_MS = 300_000
LAG_MS = 60_000
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_000_000  # PutLogEvents allows 1,048,576 bytes, counting 26 bytes per event
STATUSES = (400, 403, 404, 429, 500, 502, 503, 504)
RESOURCES = ("/orders", "/orders/{id}", "/users/{id}", "/search", "/carts/{id}/items")


class FakeContext:
    """A Lambda context that counts down from 300 s of real time."""

    def __init__(self, budget_ms: int = 300_000) -> None:
        self.deadline = time.monotonic() + budget_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


def access_line(index: int) -> str:
    status = STATUSES[index % len(STATUSES)]
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
            "responseLength": 36,
            "responseLatency": 20 + index % 3000,
            "integrationStatus": "200",
            "integrationErrorMessage": "Lambda function timed out" if status == 504 else "-",
            "xrayTraceId": f"Root=1-5eb74f56-{index:024x}",
            "apiId": "a1b2c3d4e5",
            "stage": "prod",
        }
    )


def write_lines(logs: Any, count: int, start_ms: int, end_ms: int) -> None:
    """``count`` lines spread evenly over [start_ms, end_ms), in batches within PutLogEvents' limits."""
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="storm")
    step = (end_ms - start_ms) / count
    batch: list[dict[str, Any]] = []
    batch_bytes = 0
    for index in range(count):
        message = access_line(index)
        size = len(message.encode()) + 26
        if batch and (len(batch) == MAX_BATCH_EVENTS or batch_bytes + size > MAX_BATCH_BYTES):
            logs.put_log_events(logGroupName=GROUP, logStreamName="storm", logEvents=batch)
            batch, batch_bytes = [], 0
        batch.append({"timestamp": start_ms + int(index * step), "message": message})
        batch_bytes += size
    if batch:
        logs.put_log_events(logGroupName=GROUP, logStreamName="storm", logEvents=batch)


def counted_in_messages(posts: list[Any]) -> int | None:
    """The total the delivered digest states (its first message), read back from what the receiver got."""
    delivered = [post.payload for post in posts if post.answered_status == 200]
    if not delivered:
        return None
    match = re.search(r"([\d,]+) error responses?", delivered[0]["text"])
    return int(match.group(1).replace(",", "")) if match else None


def run_once(lines: int, scheduled_ms: int, *, profile: bool, trace_memory: bool) -> dict[str, Any]:
    from accesslog_notifier import handler

    with SlackReceiver(rate_per_second=1, burst=3) as receiver:
        boto3.client("ssm").put_parameter(
            Name=PARAMETER, Value=receiver.webhook_url, Type="SecureString", Overwrite=True
        )
        handler.reset_default_dependencies()
        handler.default_dependencies()  # a warm container: clients exist, the webhook URL is not read yet
        event = {"source": "aws.events", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(scheduled_ms / 1000))}
        profiler = cProfile.Profile() if profile else None
        if trace_memory:
            tracemalloc.start()
        wall_started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        try:
            summary = handler.lambda_handler(event, FakeContext())
            error = None
        except handler.NotifierError as failure:
            summary, error = failure.summary, str(failure)
        if profiler:
            profiler.disable()
        cpu_s, wall_s = time.process_time() - cpu_started, time.perf_counter() - wall_started
        peak_bytes = tracemalloc.get_traced_memory()[1] if trace_memory else None
        if trace_memory:
            tracemalloc.stop()
        posts = receiver.wait_for_posts(summary.get("messages_sent", 0))
        result = {
            "lines": lines,
            "matched": summary.get("matched"),
            "counted_in_messages": counted_in_messages(posts),
            "messages_sent": summary.get("messages_sent"),
            "posts_received": len(posts),
            "complete": summary.get("complete"),
            "queries": summary.get("queries"),
            "rows_read": summary.get("rows_read"),
            "wall_s": round(wall_s, 2),
            "handler_cpu_s": round(cpu_s, 3),
            "peak_mib": round(peak_bytes / 2**20, 1) if peak_bytes is not None else None,
            "error": error,
        }
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, action="append", help="lines to write (repeatable; default 10000, 100000)")
    parser.add_argument("--query-limit", type=int, default=10000)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the handler run")
    args = parser.parse_args()

    results = []
    with MotoServer() as server:
        os.environ.update(aws_environment(server.endpoint_url, REGION))
        os.environ.update(
            {
                "LOG_GROUP_NAMES": json.dumps([GROUP]),
                "WEBHOOK_PARAMETER_NAME": PARAMETER,
                "QUERY_LIMIT": str(args.query_limit),
                "LOG_LEVEL": "WARNING",
            }
        )
        for lines in args.lines or [10_000, 100_000]:
            server.reset()
            now_ms = time.time_ns() // 1_000_000
            scheduled_ms = (now_ms // INTERVAL_MS) * INTERVAL_MS - 3_600_000
            logs = boto3.client("logs")
            write_started = time.perf_counter()
            write_lines(logs, lines, scheduled_ms - INTERVAL_MS - LAG_MS, scheduled_ms - LAG_MS)
            write_s = time.perf_counter() - write_started
            timed = run_once(lines, scheduled_ms, profile=args.profile, trace_memory=False)
            traced = run_once(lines, scheduled_ms, profile=False, trace_memory=True)
            timed["peak_mib"] = traced["peak_mib"]
            timed["write_s"] = round(write_s, 1)
            results.append(timed)
            print(json.dumps(timed), flush=True)

    print()
    header = f"{'lines':>8} {'matched':>8} {'counted':>8} {'msgs':>4} {'queries':>7} {'rows':>7} {'wall s':>7} "
    header += f"{'cpu s':>6} {'peak MiB':>8} complete"
    print(header)
    for result in results:
        print(
            f"{result['lines']:>8} {result['matched']:>8} {result['counted_in_messages'] or 0:>8} "
            f"{result['messages_sent']:>4} {result['queries']:>7} {result['rows_read']:>7} {result['wall_s']:>7} "
            f"{result['handler_cpu_s']:>6} {result['peak_mib']:>8} {result['complete']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
