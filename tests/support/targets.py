"""Where the end-to-end test runs: the local emulator (always) or a real AWS account (``make test-aws``).

tests/integration/test_end_to_end.py is written once against :class:`Target`; only the setup differs:

=====================  ==========================================  ===============================================
step                   emulator (moto's server)                     real AWS account
=====================  ==========================================  ===============================================
credentials            fake, AWS_ENDPOINT_URL at moto               the standard AWS environment (profile, SSO...)
Slack                  a real HTTP receiver on 127.0.0.1            the webhook in APIGW_TEST_SLACK_WEBHOOK_URL
requests to the stage  access-log lines written as API Gateway      real HTTPS requests to the stage's invoke URL
                       would (moto serves no invoke URL), in the
                       next window (Logs Insights refuses a range
                       before the group existed)
ingestion              immediate                                    polled with Logs Insights until every line is
                                                                    there (bounded)
the notifier           the deployed zip's handler, in-process       Lambda Invoke of the deployed function
                       (moto runs no Lambda code)
alarms                 not evaluated by moto: skipped               polled until the 5xx alarm is in ALARM
=====================  ==========================================  ===============================================

The AWS target runs only when ``APIGW_TEST_AWS=1`` and credentials resolve; it prints what the run cost.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from apigw_devkit.lambda_events import WallClockContext

from tests.support.deployment import REPO_ROOT, Deployment

NOTIFIER_ZIP = REPO_ROOT / "source_code" / "dist" / "notifier.zip"
MINUTE_S = 60
# Access logs usually arrive within a minute or two; wait longer before calling it a failure.
INGESTION_TIMEOUT_S = 600
ALARM_TIMEOUT_S = 600
POLL_S = 10


@dataclass(frozen=True)
class Request:
    """One request to the example API: the path after the stage, and the status its backend answers."""

    path: str
    status: int
    method: str = "GET"


@dataclass(frozen=True)
class Window:
    """The scheduled minute a run reports and its window [start, end), epoch ms."""

    scheduled_s: int
    start_ms: int
    end_ms: int

    def event(self, rule_arn: str) -> dict[str, Any]:
        """What EventBridge hands the function for that minute (tests/fixtures/eventbridge-scheduled-event.json)."""
        _, _, _, region, account, _ = rule_arn.split(":", 5)
        return {
            "version": "0",
            "id": f"end-to-end-{self.scheduled_s}",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": account,
            "time": datetime.fromtimestamp(self.scheduled_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": region,
            "resources": [rule_arn],
            "detail": {},
        }


def window_for(scheduled_s: int, interval_s: int, lag_s: int) -> Window:
    """The documented window of the run scheduled at ``scheduled_s``: [minute - interval - lag, minute - lag)."""
    end_s = scheduled_s // MINUTE_S * MINUTE_S - lag_s
    return Window(scheduled_s, (end_s - interval_s) * 1000, end_s * 1000)


def function_settings(deployment: Deployment) -> tuple[int, int]:
    """(interval s, lag s) from the deployed function's environment."""
    environment = deployment.client("lambda").get_function_configuration(
        FunctionName=deployment.outputs["notifier_function_name"]
    )["Environment"]["Variables"]
    return int(environment["SCHEDULE_INTERVAL_MINUTES"]) * MINUTE_S, int(environment["INGESTION_LAG_SECONDS"])


class Target:
    name = "?"
    evaluates_alarms = False

    def window_for_traffic(self, deployment: Deployment) -> Window:
        raise NotImplementedError

    def send(self, deployment: Deployment, requests: list[Request], window: Window) -> None:
        raise NotImplementedError

    def wait_for_lines(self, deployment: Deployment, window: Window, count: int) -> None:
        raise NotImplementedError

    def invoke_notifier(self, deployment: Deployment, event: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def alarm_state(self, deployment: Deployment, alarm_arn: str, wanted: str) -> str:
        raise NotImplementedError

    def slack_messages(self) -> list[dict[str, Any]] | None:
        """The Slack messages delivered, where the target can see them (None on AWS: a real channel)."""
        return None


class EmulatorTarget(Target):
    name = "emulator"

    def __init__(self, receiver: Any) -> None:
        self.receiver = receiver

    def window_for_traffic(self, deployment: Deployment) -> Window:
        # The next run whose window starts after now: moto's group was created by apply a moment ago.
        interval_s, lag_s = function_settings(deployment)
        scheduled_s = (int(time.time()) + lag_s + interval_s) // interval_s * interval_s + interval_s
        return window_for(scheduled_s, interval_s, lag_s)

    def send(self, deployment: Deployment, requests: list[Request], window: Window) -> None:
        from tools.demo import render_access_log_line

        stage = deployment.client("apigateway").get_stage(
            restApiId=deployment.outputs["rest_api_id"], stageName=deployment.outputs["stage_name"]
        )
        access_format = stage["accessLogSettings"]["format"]
        span = window.end_ms - window.start_ms
        events = []
        for index, request in enumerate(requests):
            timestamp = window.start_ms + index * span // len(requests)
            path = "/" + request.path.lstrip("/").split("?", 1)[0]
            values = {
                "$context.requestId": f"end-to-end-{index}",
                "$context.requestTime": datetime.fromtimestamp(timestamp / 1000, UTC).strftime(
                    "%d/%b/%Y:%H:%M:%S +0000"
                ),
                "$context.httpMethod": request.method,
                "$context.resourcePath": path,
                "$context.path": f"/{deployment.outputs['stage_name']}{path}",
                "$context.status": request.status,
                "$context.apiId": deployment.outputs["rest_api_id"],
                "$context.stage": deployment.outputs["stage_name"],
            }
            events.append((timestamp, render_access_log_line(access_format, values)))
        logs = deployment.client("logs")
        group = deployment.outputs["access_log_group_name"]
        logs.create_log_stream(logGroupName=group, logStreamName="end-to-end")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="end-to-end",
            logEvents=[{"timestamp": timestamp, "message": message} for timestamp, message in events],
        )

    def wait_for_lines(self, deployment: Deployment, window: Window, count: int) -> None:
        """Written synchronously: nothing to wait for."""

    def invoke_notifier(self, deployment: Deployment, event: dict[str, Any]) -> dict[str, Any]:
        """The handler of the very zip Terraform deployed, in-process, in the function's environment."""
        lambda_client = deployment.client("lambda")
        configuration = lambda_client.get_function_configuration(
            FunctionName=deployment.outputs["notifier_function_name"]
        )
        import base64
        import hashlib
        import tempfile

        package = NOTIFIER_ZIP.read_bytes()
        assert configuration["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
        code_dir = Path(tempfile.mkdtemp(prefix="notifier-code-"))
        with zipfile.ZipFile(NOTIFIER_ZIP) as archive:
            archive.extractall(code_dir)
        return _run_handler_from(code_dir, event, configuration["Environment"]["Variables"])

    def slack_messages(self) -> list[dict[str, Any]] | None:
        return [post.payload for post in self.receiver.delivered]


def _run_handler_from(code_dir: Path, event: dict[str, Any], environment: dict[str, str]) -> dict[str, Any]:
    """Import accesslog_notifier from ``code_dir`` (not the checkout) and call its handler with ``environment``."""
    saved_path, saved_modules = (
        list(sys.path),
        {name: module for name, module in sys.modules.items() if name.split(".")[0] == "accesslog_notifier"},
    )
    saved_environ = dict(os.environ)
    for name in saved_modules:
        del sys.modules[name]
    sys.path.insert(0, str(code_dir))
    os.environ.update(environment)
    try:
        handler = importlib.import_module("accesslog_notifier.handler")
        assert Path(handler.__file__).is_relative_to(code_dir), "the handler must come from the deployed zip"
        return handler.lambda_handler(event, WallClockContext(300_000))
    finally:
        sys.path[:] = saved_path
        os.environ.clear()
        os.environ.update(saved_environ)
        for name in [name for name in sys.modules if name.split(".")[0] == "accesslog_notifier"]:
            del sys.modules[name]
        sys.modules.update(saved_modules)


class AwsTarget(Target):
    """A real account. Everything it creates is destroyed by the deployment fixture; it prints what the run cost."""

    name = "aws"
    evaluates_alarms = True

    def __init__(self, session: boto3.session.Session, sleep: Callable[[float], None] = time.sleep) -> None:
        self.session = session
        self.sleep = sleep
        self.bytes_scanned = 0.0

    def window_for_traffic(self, deployment: Deployment) -> Window:
        # The run whose window holds the next minute: requests go out now, the run is invoked after ingestion.
        interval_s, lag_s = function_settings(deployment)
        now_s = int(time.time())
        scheduled_s = (now_s + lag_s) // interval_s * interval_s + interval_s
        window = window_for(scheduled_s, interval_s, lag_s)
        if window.end_ms - now_s * 1000 < 60_000:  # too close to the end: use the next window
            window = window_for(scheduled_s + interval_s, interval_s, lag_s)
        while time.time() * 1000 < window.start_ms:
            self.sleep(1)
        return window

    def send(self, deployment: Deployment, requests: list[Request], window: Window) -> None:
        base = deployment.outputs["invoke_url"].rstrip("/")
        for request in requests:
            try:
                sent = urllib.request.Request(f"{base}/{request.path.lstrip('/')}", method=request.method)
                with urllib.request.urlopen(sent, timeout=30) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            assert status == request.status, f"{request.path} answered {status}, expected {request.status}"
        assert time.time() * 1000 < window.end_ms, "the requests took longer than the window: rerun"

    def wait_for_lines(self, deployment: Deployment, window: Window, count: int) -> None:
        logs = deployment.client("logs")
        group = deployment.outputs["access_log_group_name"]
        deadline = time.monotonic() + INGESTION_TIMEOUT_S
        while True:
            query_id = logs.start_query(
                logGroupNames=[group],
                startTime=window.start_ms // 1000,
                endTime=window.end_ms // 1000,
                queryString="stats count(*) as lines",
            )["queryId"]
            while (result := logs.get_query_results(queryId=query_id))["status"] in ("Scheduled", "Running"):
                self.sleep(1)
            self.bytes_scanned += float(result.get("statistics", {}).get("bytesScanned", 0))
            rows = result.get("results") or []
            seen = int(float(rows[0][0]["value"])) if rows else 0
            if seen >= count:
                return
            assert time.monotonic() < deadline, f"only {seen} of {count} access-log lines arrived in time"
            self.sleep(POLL_S)

    def invoke_notifier(self, deployment: Deployment, event: dict[str, Any]) -> dict[str, Any]:
        answer = deployment.client("lambda").invoke(
            FunctionName=deployment.outputs["notifier_function_name"],
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode(),
        )
        payload = json.loads(answer["Payload"].read())
        assert "FunctionError" not in answer, f"the notifier failed: {payload}"
        self.bytes_scanned += float(payload.get("bytes_scanned", 0))
        return payload

    def alarm_state(self, deployment: Deployment, alarm_arn: str, wanted: str) -> str:
        cloudwatch = deployment.client("cloudwatch")
        name = alarm_arn.rsplit(":alarm:", 1)[1]
        deadline = time.monotonic() + ALARM_TIMEOUT_S
        while True:
            state = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
            if state == wanted or time.monotonic() > deadline:
                return state
            self.sleep(POLL_S)

    def cost_report(self, minutes: float) -> str:
        """What the run cost at us-east-1 list prices (README, "What it costs"): a rough upper bound."""
        insights = self.bytes_scanned / 1e9 * 0.005
        alarms_and_metrics = (0.10 * 5 + 0.30 * 2) * minutes / (30 * 24 * 60)
        return (
            f"Logs Insights {self.bytes_scanned / 1e6:.2f} MB scanned (${insights:.6f}); alarms, metrics for "
            f"{minutes:.0f} min (${alarms_and_metrics:.6f}); requests, Lambda and ingestion within the free tier "
            f"or under $0.01. Total under ${insights + alarms_and_metrics + 0.01:.2f}."
        )


def aws_target_or_reason() -> tuple[AwsTarget | None, str]:
    """The AWS target when asked for and credentials resolve, else why not."""
    if os.environ.get("APIGW_TEST_AWS") != "1":
        return None, "real-AWS run not requested (make test-aws sets APIGW_TEST_AWS=1)"
    if os.environ.get("AWS_ENDPOINT_URL"):
        return None, "AWS_ENDPOINT_URL is set: that is an emulator, not AWS"
    session = boto3.session.Session()
    if session.get_credentials() is None or session.region_name is None:
        return None, "no AWS credentials or region in the environment"
    if not os.environ.get("APIGW_TEST_SLACK_WEBHOOK_URL"):
        return None, "APIGW_TEST_SLACK_WEBHOOK_URL (a Slack incoming webhook for the test channel) is not set"
    return AwsTarget(session), ""
