"""The whole system on a laptop: examples/complete applied to moto's server, traffic, the notifier's Slack message,
then an incident as a Slack app's thread.

    python -m tools.demo [--report FILE] [--no-color]

Seven steps, each with a progress line and the elapsed time; whatever happens (a failed step, Ctrl-C), everything
applied is destroyed and the servers are stopped. No AWS account, Slack workspace or internet is needed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import os
import random
import re
import signal
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from apigw_devkit.deployed import import_deployed
from apigw_devkit.moto_server import MotoServer, aws_environment
from apigw_devkit.slack_api import DEFAULT_TOKEN as STANDIN_TOKEN
from apigw_devkit.slack_api import SlackApiStandIn
from apigw_devkit.slack_receiver import SlackReceiver
from apigw_devkit.state_table import create_state_table
from apigw_devkit.terraform import TerraformRunner
from apigw_devkit.tfcli import terraform_environment

from tools.slack_render import render_message

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = REPO_ROOT / "examples" / "complete"
NOTIFIER_ZIP = REPO_ROOT / "source_code" / "dist" / "notifier.zip"
REGION = "us-east-1"
CONTEXT_VARIABLE = re.compile(r"\$context\.[A-Za-z0-9_.]+")

# Routes of the demo traffic: (method, resource path, concrete path template).
ROUTES = {
    "list_orders": ("GET", "/orders", "/orders"),
    "create_order": ("POST", "/orders", "/orders"),
    "get_order": ("GET", "/orders/{orderId}", "/orders/{id}"),
    "get_customer": ("GET", "/customers/{customerId}", "/customers/{id}"),
    "admin_reports": ("GET", "/admin/reports", "/admin/reports"),
}


class StepFailed(Exception):
    pass


@dataclass
class Traffic:
    """Access-log events written by the demo, and what the notifier should find in them."""

    events: list[tuple[int, str]]
    errors: int
    errors_by_status: dict[int, int]
    unparsed: int


@dataclass
class DemoState:
    color: bool
    started: float = field(default_factory=time.monotonic)
    moto: MotoServer | None = None
    receiver: SlackReceiver | None = None
    runner: TerraformRunner | None = None
    applied: bool = False
    destroyed: bool = False
    outputs: dict[str, Any] = field(default_factory=dict)
    function: dict[str, Any] = field(default_factory=dict)  # the deployed notifier's configuration
    scheduled_s: int = 0  # the EventBridge scheduled time the notifier is run for
    traffic: Traffic | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)
    handler_module: Any = None  # the deployed function's code, imported from its zip
    slack_api: SlackApiStandIn | None = None
    incident: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------------
# Pure parts: the traffic and the access-log lines


def render_access_log_line(access_log_format: str, values: dict[str, Any]) -> str:
    """Fill an access-log format the way API Gateway does: each $context variable replaced by its value."""

    def value_for(match: re.Match[str]) -> str:
        value = values.get(match.group(0), "-")
        # Inside the format's quotes a value is JSON string content; numbers (status) stand bare.
        return str(value) if isinstance(value, int) else json.dumps(str(value))[1:-1]

    return CONTEXT_VARIABLE.sub(value_for, access_log_format)


def _request_time(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def demo_traffic(
    access_log_format: str, api_id: str, stage: str, window_start_ms: int, window_end_ms: int, seed: int = 7
) -> Traffic:
    """A few minutes of realistic traffic: mostly 2xx, some 4xx and 5xx, a 502 burst, two broken lines."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    span_ms = window_end_ms - window_start_ms
    plan: list[tuple[int, str, int, str]] = []  # (timestamp, route, status, integration error)

    def spread(count: int, route: str, status: int, error: str = "-", start: float = 0.0, end: float = 1.0) -> None:
        for _ in range(count):
            offset = rng.uniform(start, end) * (span_ms - 1)
            plan.append((window_start_ms + int(offset), route, status, error))

    spread(120, "list_orders", 200)
    spread(45, "create_order", 201)
    spread(60, "get_order", 200)
    spread(20, "get_customer", 200)
    spread(12, "get_order", 404)
    spread(5, "admin_reports", 403)
    spread(4, "create_order", 429)
    spread(3, "get_customer", 500, "Internal server error")
    # The burst: the order backend times out for about twenty seconds.
    spread(25, "create_order", 502, "Lambda function timed out", start=0.55, end=0.62)

    events: list[tuple[int, str]] = []
    for timestamp_ms, route, status, error in plan:
        method, resource_path, path_template = ROUTES[route]
        request_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        values = {
            "$context.requestId": request_id,
            "$context.extendedRequestId": base64.b64encode(rng.randbytes(9)).decode(),
            "$context.identity.sourceIp": f"203.0.113.{rng.randint(1, 254)}",
            "$context.identity.caller": "-",
            "$context.identity.user": "-",
            "$context.requestTime": _request_time(timestamp_ms),
            "$context.httpMethod": method,
            "$context.resourcePath": resource_path,
            "$context.path": f"/{stage}" + path_template.replace("{id}", str(rng.randint(1000, 9999))),
            "$context.status": status,
            "$context.protocol": "HTTP/1.1",
            "$context.responseLength": str(rng.randint(20, 4000)),
            "$context.responseLatency": str(29000 + rng.randint(0, 50) if status == 502 else rng.randint(8, 400)),
            "$context.integrationStatus": "200" if status < 500 else "-",
            "$context.integrationErrorMessage": error,
            "$context.error.message": "-" if status < 400 else "Request failed",
            "$context.xrayTraceId": f"Root=1-{timestamp_ms // 1000:08x}-{rng.getrandbits(96):024x}",
            "$context.apiId": api_id,
            "$context.stage": stage,
        }
        events.append((timestamp_ms, render_access_log_line(access_log_format, values)))

    # Lines a real access-log group also holds: a line cut short, and one that is not JSON at all.
    broken = [
        events[10][1][: len(events[10][1]) // 2],
        "API Gateway could not deliver this line as JSON",
    ]
    for index, line in enumerate(broken):
        events.append((window_start_ms + span_ms // 3 + index * 1000, line))

    events.sort(key=lambda event: event[0])
    errors_by_status: dict[int, int] = {}
    for _, _, status, _ in plan:
        if status >= 400:
            errors_by_status[status] = errors_by_status.get(status, 0) + 1
    return Traffic(events, sum(errors_by_status.values()), dict(sorted(errors_by_status.items())), len(broken))


def scheduled_event(rule_arn: str, scheduled_s: int) -> dict[str, Any]:
    """What EventBridge hands a scheduled rule's target (see tests/fixtures/eventbridge-scheduled-event.json)."""
    _, _, _, region, account, _ = rule_arn.split(":", 5)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": datetime.fromtimestamp(scheduled_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def base64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


class FakeLambdaContext:
    """The parts of Lambda's context object the handler uses."""

    def __init__(self, function_name: str, function_arn: str, timeout_s: int) -> None:
        self.function_name = function_name
        self.invoked_function_arn = function_arn
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LambdaJsonFormatter(logging.Formatter):
    """Roughly Lambda's JSON log format, so the demo shows the function's log lines as CloudWatch would."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
            }
        )


# --------------------------------------------------------------------------------------------------------------
# The steps


def step_start_servers(state: DemoState) -> str:
    state.moto = MotoServer()
    endpoint = state.moto.start()
    state.receiver = SlackReceiver().start()
    os.environ.update(aws_environment(endpoint, REGION))
    return f"moto at {endpoint}, Slack webhook receiver at {state.receiver.webhook_url.split('/services')[0]}"


def step_apply(state: DemoState) -> str:
    assert state.moto is not None and state.receiver is not None
    state.runner = TerraformRunner(
        working_dir=EXAMPLE,
        state_dir=Path(tempfile.mkdtemp(prefix="apigw-demo-")),
        environment={**aws_environment(state.moto.endpoint_url, REGION), **terraform_environment()},
        secret_variables={"slack_webhook_url": state.receiver.webhook_url},
    )
    state.runner.init()
    state.applied = True  # from here on, clean-up destroys (even a half-finished apply)
    output = state.runner.apply()
    state.outputs = state.runner.outputs()
    state.function = boto3.client("lambda").get_function_configuration(
        FunctionName=state.outputs["notifier_function_name"]
    )
    created = re.search(r"Resources: (\d+) added", output)
    return f"{created.group(1) if created else '?'} resources created; API {state.outputs['rest_api_id']}, stage prod"


def step_write_traffic(state: DemoState) -> str:
    logs = boto3.client("logs")
    apigateway = boto3.client("apigateway")
    stage = apigateway.get_stage(restApiId=state.outputs["rest_api_id"], stageName=state.outputs["stage_name"])
    # The window the deployed function will report, from its own settings. Logs Insights refuses a range that ends
    # before the log group was created, and apply created it a moment ago: so the demo writes into the window of
    # the next scheduled run whose window starts after now (PutLogEvents takes events up to two hours ahead).
    environment = state.function["Environment"]["Variables"]
    interval_s = int(environment["SCHEDULE_INTERVAL_MINUTES"]) * 60
    lag_s = int(environment.get("INGESTION_LAG_SECONDS") or 60)
    state.scheduled_s = (int(time.time()) + lag_s + interval_s) // interval_s * interval_s + interval_s
    window_end_ms = (state.scheduled_s - lag_s) * 1000
    window_start_ms = window_end_ms - interval_s * 1000
    state.traffic = demo_traffic(
        stage["accessLogSettings"]["format"],
        state.outputs["rest_api_id"],
        state.outputs["stage_name"],
        window_start_ms,
        window_end_ms,
    )
    group = state.outputs["access_log_group_name"]
    logs.create_log_stream(logGroupName=group, logStreamName="demo-traffic")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="demo-traffic",
        logEvents=[{"timestamp": timestamp, "message": message} for timestamp, message in state.traffic.events],
    )
    by_status = ", ".join(f"{count} x {status}" for status, count in state.traffic.errors_by_status.items())
    return (
        f"{len(state.traffic.events)} lines into {group}: {state.traffic.errors} errors ({by_status}) "
        f"and {state.traffic.unparsed} broken lines"
    )


def step_run_notifier(state: DemoState) -> str:
    assert state.receiver is not None
    configuration = state.function
    package = NOTIFIER_ZIP.read_bytes()
    if configuration["CodeSha256"] != base64_sha256(package):
        raise StepFailed("the deployed function's code is not source_code/dist/notifier.zip")
    code_dir = Path(tempfile.mkdtemp(prefix="notifier-code-"))
    with zipfile.ZipFile(NOTIFIER_ZIP) as archive:
        archive.extractall(code_dir)
    handler_module = import_deployed(code_dir, "accesslog_notifier.handler")
    state.handler_module = handler_module

    os.environ.update(configuration["Environment"]["Variables"])
    # The function's own log lines, shown as Lambda's JSON log format would write them to CloudWatch.
    function_log = logging.getLogger("accesslog_notifier")
    log_handler = logging.StreamHandler(sys.stdout)
    log_handler.setFormatter(LambdaJsonFormatter())
    function_log.addHandler(log_handler)
    function_log.setLevel(logging.INFO)
    function_log.propagate = False

    rule_arn = boto3.client("events").describe_rule(Name=state.outputs["notifier_rule_name"])["Arn"]
    event = scheduled_event(rule_arn, state.scheduled_s)
    print(f"  scheduled event: time {event['time']}, rule {rule_arn}")
    context = FakeLambdaContext(configuration["FunctionName"], configuration["FunctionArn"], configuration["Timeout"])
    try:
        state.summary = handler_module.lambda_handler(event, context)
    finally:
        function_log.removeHandler(log_handler)
        function_log.propagate = True
    state.messages = [post.payload for post in state.receiver.delivered]

    print()
    for index, message in enumerate(state.messages, start=1):
        print(f"  ---- Slack message {index} of {len(state.messages)} (as the channel shows it) ----")
        for line in render_message(message, color=state.color).splitlines():
            print(f"  | {line}")
    print()
    assert state.traffic is not None
    if state.summary.get("errors") != state.traffic.errors or state.summary.get("unparsed") != state.traffic.unparsed:
        raise StepFailed(
            f"the digest counted {state.summary.get('errors')} errors and {state.summary.get('unparsed')} unparsed "
            f"lines; the traffic had {state.traffic.errors} and {state.traffic.unparsed}"
        )
    return (
        f"{state.summary['errors']} errors in {state.summary['requests']} requests and {state.summary['unparsed']} "
        f"unreadable lines reported in {len(state.messages)} Slack message(s) by {state.summary['queries']} "
        f"Logs Insights queries, {state.summary['elapsed_ms']} ms"
    )


# An incident over five windows after the demo's: it starts, grows, calms and ends (errors per window).
INCIDENT_STORM = (12, 60, 25, 0, 0)
INCIDENT_CHANNEL = "C07DEMOCHAN"
INCIDENT_TABLE = "demo-incidents"


def step_incident_thread(state: DemoState) -> str:
    """The same deployed code with Slack app delivery: one thread per incident, its parent edited in place."""
    assert state.handler_module is not None and state.traffic is not None
    state.slack_api = SlackApiStandIn(channels=[INCIDENT_CHANNEL]).start()
    ssm, dynamodb, logs = boto3.client("ssm"), boto3.client("dynamodb"), boto3.client("logs")
    parameter_name = "/demo/accesslog-notifier/slack-bot-token"
    ssm.put_parameter(Name=parameter_name, Value=STANDIN_TOKEN, Type="SecureString", Overwrite=True)
    create_state_table(dynamodb, INCIDENT_TABLE)
    environment = state.function["Environment"]["Variables"]
    interval_s = int(environment["SCHEDULE_INTERVAL_MINUTES"]) * 60
    lag_s = int(environment.get("INGESTION_LAG_SECONDS") or 60)
    stage = boto3.client("apigateway").get_stage(
        restApiId=state.outputs["rest_api_id"], stageName=state.outputs["stage_name"]
    )
    group = state.outputs["access_log_group_name"]
    logs.create_log_stream(logGroupName=group, logStreamName="demo-incident")
    scheduled = [state.scheduled_s + (index + 1) * interval_s for index in range(len(INCIDENT_STORM))]
    events = []
    for count, scheduled_s in zip(INCIDENT_STORM, scheduled, strict=True):
        end_ms = (scheduled_s - lag_s) * 1000
        for offset in range(count):
            values = {
                "$context.requestId": f"incident-{scheduled_s}-{offset}",
                "$context.requestTime": _request_time(end_ms - interval_s * 1000 + offset * 1000),
                "$context.httpMethod": "POST",
                "$context.resourcePath": "/orders",
                "$context.path": f"/{state.outputs['stage_name']}/orders",
                "$context.status": 503,
                "$context.integrationErrorMessage": "Lambda function timed out",
                "$context.apiId": state.outputs["rest_api_id"],
                "$context.stage": state.outputs["stage_name"],
            }
            line = render_access_log_line(stage["accessLogSettings"]["format"], values)
            events.append({"timestamp": end_ms - interval_s * 1000 + offset * 1000, "message": line})
    logs.put_log_events(logGroupName=group, logStreamName="demo-incident", logEvents=events)

    os.environ.update(
        {
            "SLACK_DELIVERY": "app",
            "SLACK_CHANNEL_ID": INCIDENT_CHANNEL,
            "SLACK_API_URL": state.slack_api.base_url,
            "BOT_TOKEN_PARAMETER_NAME": parameter_name,
            "STATE_TABLE_NAME": INCIDENT_TABLE,
            "CRITICAL_5XX_COUNT": "50",
            "CRITICAL_MENTION": "here",
        }
    )
    rule_arn = boto3.client("events").describe_rule(Name=state.outputs["notifier_rule_name"])["Arn"]
    configuration = state.function
    steps = []
    for number, scheduled_s in enumerate(scheduled, start=1):
        context = FakeLambdaContext(
            configuration["FunctionName"], configuration["FunctionArn"], configuration["Timeout"]
        )
        # The run's clock reads its scheduled minute, 20 s in (when EventBridge fires): these windows lie in the
        # emulator's near future (Logs Insights refuses a window that ends before its log group was created), and
        # the parent's "Updated" and "Resolved at" then read as they would on AWS.
        dependencies = replace(
            state.handler_module.default_dependencies(), now_ms=lambda at=scheduled_s: at * 1000 + 20_000
        )
        summary = state.handler_module.lambda_handler(
            scheduled_event(rule_arn, scheduled_s), context, dependencies=dependencies
        )
        steps.append(summary.get("incident"))
        if number == 1:
            print("  ---- the channel after the first window with errors (the incident opens) ----")
            for line in state.slack_api.render(INCIDENT_CHANNEL).splitlines():
                print(f"  | {line}")
    print("  ---- the channel at the end: one parent, edited in place, and its thread ----")
    rendered = state.slack_api.render(INCIDENT_CHANNEL)
    for line in rendered.splitlines():
        print(f"  | {line}")
    parents = state.slack_api.messages(INCIDENT_CHANNEL)
    state.incident = {
        "steps": steps,
        "parents": len(parents),
        "replies": [len(parent.replies) for parent in parents],
        "edits": [parent.edits for parent in parents],
        "mentions": sum(len(message.mentions()) > 0 for parent in parents for message in (parent, *parent.replies)),
        "render": rendered,
    }
    if len(parents) != 1:
        raise StepFailed(f"the incident made {len(parents)} top-level messages, not one")
    storm = " -> ".join(str(count) for count in INCIDENT_STORM)
    return (
        f"{len(INCIDENT_STORM)} windows ({storm} errors): one thread, {len(parents[0].replies)} replies, "
        f"the parent edited {parents[0].edits} times ({' -> '.join(map(str, steps))})"
    )


def step_show_method_one(state: DemoState) -> str:
    logs, cloudwatch, sns = boto3.client("logs"), boto3.client("cloudwatch"), boto3.client("sns")
    events, lambda_client = boto3.client("events"), boto3.client("lambda")
    group = state.outputs["access_log_group_name"]
    print("  Method 1 - metric filter -> alarm -> SNS:")
    filters = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    for metric_filter in filters:
        transformation = metric_filter["metricTransformations"][0]
        print(
            f"    filter {metric_filter['filterName']}: {metric_filter['filterPattern']} -> "
            f"{transformation['metricNamespace']}/{transformation['metricName']} += {transformation['metricValue']}"
        )
    every_alarm = cloudwatch.describe_alarms()["MetricAlarms"]
    error_alarms = [alarm for alarm in every_alarm if alarm["Namespace"] == "LogMetrics"]
    for alarm in error_alarms:
        print(f"    alarm  {_describe_alarm(alarm)}")
    topic = state.outputs["sns_topic_arn"]
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    publishers = [s["Principal"] for s in policy["Statement"] if s.get("Sid") == "CloudWatchAlarmsPublish"]
    print(f"    topic  {topic}: publish allowed to {publishers} for these alarms only (aws:SourceArn)")
    print("  Method 2 - schedule:")
    rule = events.describe_rule(Name=state.outputs["notifier_rule_name"])
    targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    print(f"    rule   {rule['Name']}: {rule['ScheduleExpression']} -> {[target['Arn'] for target in targets]}")
    permission = json.loads(lambda_client.get_policy(FunctionName=state.outputs["notifier_function_name"])["Policy"])
    for statement in permission["Statement"]:
        source = statement.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
        print(f"    permission {statement['Sid']}: {statement['Principal']} may invoke, from {source}")
    for alarm in every_alarm:
        if alarm["Namespace"] in ("AWS/Lambda", "AWS/SQS"):
            print(f"    alarm  {_describe_alarm(alarm)} (windows the notifier could not report)")
    print(
        "  Note: the emulator stores metric filters and alarms but does not evaluate them. On AWS, the "
        f"{state.traffic.errors_by_status.get(502, 0) if state.traffic else 0} 502s above would put the 5xx alarm "
        "in ALARM and notify the topic (and Chatbot)."
    )
    state.resources["metric_filters"] = [f["filterPattern"] for f in filters]
    state.resources["alarms"] = sorted(alarm["AlarmName"] for alarm in every_alarm)
    state.resources["rule_schedule"] = rule["ScheduleExpression"]
    return f"{len(filters)} metric filters, {len(every_alarm)} alarms, rule {rule['ScheduleExpression']}"


def _describe_alarm(alarm: dict[str, Any]) -> str:
    topics = sorted({arn.rsplit(":", 1)[-1] for arn in alarm["AlarmActions"] + alarm["OKActions"]})
    return (
        f"{alarm['AlarmName']}: {alarm['MetricName']} {alarm['Statistic']} >= {alarm['Threshold']:g} in "
        f"{alarm['Period']} s, missing data {alarm['TreatMissingData']}; ALARM and OK -> topic {', '.join(topics)}"
    )


def step_destroy(state: DemoState) -> str:
    destroy(state)
    stop_servers(state)
    return "everything destroyed, servers stopped"


def destroy(state: DemoState) -> None:
    if state.applied and not state.destroyed and state.runner is not None:
        state.runner.destroy()
        state.destroyed = True


def stop_servers(state: DemoState) -> None:
    if state.slack_api is not None:
        state.slack_api.stop()
        state.slack_api = None
    if state.receiver is not None:
        state.receiver.stop()
        state.receiver = None
    if state.moto is not None:
        state.moto.stop()
        state.moto = None


STEPS = (
    ("Start moto's server and a Slack webhook receiver", step_start_servers),
    ("Apply examples/complete to the emulator", step_apply),
    ("Write a few minutes of access-log traffic", step_write_traffic),
    ("Run the deployed notifier on a scheduled event", step_run_notifier),
    ("An incident as a Slack app's thread (the same code, app delivery)", step_incident_thread),
    ("Show method 1 and the notifier's schedule", step_show_method_one),
    ("Destroy everything and stop the servers", step_destroy),
)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", type=Path, help="write the results as JSON to this file (used by the tests)")
    parser.add_argument("--no-color", action="store_true", help="plain text output")
    args = parser.parse_args(argv)
    state = DemoState(color=sys.stdout.isatty() and not args.no_color)
    signal.signal(signal.SIGTERM, _raise_interrupt)

    failed: dict[str, str] | None = None
    for number, (title, step) in enumerate(STEPS, start=1):
        print(f"[{number}/{len(STEPS)}] {title} ...  (at {time.monotonic() - state.started:.1f} s)", flush=True)
        step_started = time.monotonic()
        try:
            result = step(state)
        except (Exception, KeyboardInterrupt) as error:
            reason = str(error).strip() or type(error).__name__
            failed = {"step": f"{number}/{len(STEPS)} {title}", "reason": reason}
            print(f"FAILED at step {number} ({title}): {reason}", file=sys.stderr, flush=True)
            break
        print(f"      {result}  [{time.monotonic() - step_started:.1f} s]", flush=True)

    if failed:
        print("Cleaning up ...", file=sys.stderr, flush=True)
        try:
            destroy(state)
        except Exception as error:
            print(f"  destroy failed: {error}", file=sys.stderr)
        stop_servers(state)

    elapsed = time.monotonic() - state.started
    print(f"{'Demo failed' if failed else 'Demo finished'} in {elapsed:.1f} s.", flush=True)
    if args.report:
        args.report.write_text(
            json.dumps(
                {
                    "ok": failed is None,
                    "failed": failed,
                    "elapsed_s": round(elapsed, 1),
                    "summary": state.summary,
                    "messages": state.messages,
                    "traffic": {
                        "lines": len(state.traffic.events) if state.traffic else 0,
                        "errors": state.traffic.errors if state.traffic else 0,
                        "errors_by_status": state.traffic.errors_by_status if state.traffic else {},
                        "unparsed": state.traffic.unparsed if state.traffic else 0,
                    },
                    "resources": state.resources,
                    "incident": {key: value for key, value in state.incident.items() if key != "render"},
                    "destroyed": state.destroyed,
                },
                indent=2,
                default=str,
            )
        )
    return 0 if failed is None else 1


if __name__ == "__main__":
    sys.exit(main())
