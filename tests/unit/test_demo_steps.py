"""The demo's clean-up on failure and interrupt, and its pure parts (traffic, access-log lines, scheduled event)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools import demo

# The access-log-group module's format has these fields (the example test checks the real one on the stage).
FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "responseLatency": "$context.responseLatency",
    "integrationErrorMessage": "$context.integrationErrorMessage",
    "xrayTraceId": "$context.xrayTraceId",
    "apiId": "$context.apiId",
    "stage": "$context.stage",
}
FORMAT = "{" + ",".join(f'"{name}":"{variable}"' for name, variable in FIELDS.items()) + ',"status":$context.status}'


class FakeRunner:
    def __init__(self) -> None:
        self.destroyed = 0

    def destroy(self) -> str:
        self.destroyed += 1
        return ""


class FakeServer:
    def __init__(self) -> None:
        self.stopped = 0

    def stop(self) -> None:
        self.stopped += 1


def _steps(failure: BaseException, runner: FakeRunner, servers: list[FakeServer]) -> tuple:
    def start(state: demo.DemoState) -> str:
        state.moto, state.receiver = servers  # type: ignore[assignment]
        return "started"

    def apply(state: demo.DemoState) -> str:
        state.runner = runner  # type: ignore[assignment]
        state.applied = True
        return "applied"

    def broken(state: demo.DemoState) -> str:
        raise failure

    def never(state: demo.DemoState) -> str:
        raise AssertionError("steps after a failure must not run")

    return (("start", start), ("apply", apply), ("traffic", broken), ("notifier", never))


@pytest.mark.parametrize("failure", [RuntimeError("moto refused the log events"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_step_is_named_and_everything_is_cleaned_up(
    failure: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    runner, servers = FakeRunner(), [FakeServer(), FakeServer()]
    monkeypatch.setattr(demo, "STEPS", _steps(failure, runner, servers))
    report = tmp_path / "report.json"

    assert demo.main(["--report", str(report), "--no-color"]) == 1

    err = capsys.readouterr().err
    assert "FAILED at step 3 (traffic)" in err
    if isinstance(failure, RuntimeError):
        assert "moto refused the log events" in err
    assert runner.destroyed == 1 and [server.stopped for server in servers] == [1, 1]
    written = json.loads(report.read_text())
    assert written["ok"] is False and written["failed"]["step"] == "3/4 traffic" and written["destroyed"] is True


def test_traffic_lines_follow_the_stage_format_and_the_counts_match() -> None:
    traffic = demo.demo_traffic(FORMAT, "a1b2c3d4e5", "prod", 1_000_000, 1_300_000)
    parsed: list[dict[str, Any]] = []
    broken = 0
    for timestamp_ms, line in traffic.events:
        assert 1_000_000 <= timestamp_ms < 1_300_000
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            broken += 1
    assert broken == traffic.unparsed == 2
    statuses = [line["status"] for line in parsed]
    assert all(isinstance(status, int) for status in statuses)
    assert sum(1 for status in statuses if status >= 400) == traffic.errors
    assert {status: statuses.count(status) for status in traffic.errors_by_status} == traffic.errors_by_status
    assert traffic.errors_by_status[502] >= 20  # the burst
    assert all(line["apiId"] == "a1b2c3d4e5" and line["stage"] == "prod" for line in parsed)


def test_rendered_line_escapes_values_inside_the_json_strings() -> None:
    line = demo.render_access_log_line(
        '{"path":"$context.path","status":$context.status}', {"$context.path": 'a"b\\c', "$context.status": 404}
    )
    assert json.loads(line) == {"path": 'a"b\\c', "status": 404}


def test_scheduled_event_has_the_eventbridge_shape(load_fixture) -> None:
    reference = load_fixture("eventbridge-scheduled-event.json")
    event = demo.scheduled_event("arn:aws:events:us-east-1:123456789012:rule/x", 1_795_600_200)
    assert set(event) == set(reference)
    assert (event["detail-type"], event["source"], event["time"]) == (
        "Scheduled Event",
        "aws.events",
        "2026-11-25T09:50:00Z",
    )
    assert (event["region"], event["account"], event["resources"]) == (
        "us-east-1",
        "123456789012",
        ["arn:aws:events:us-east-1:123456789012:rule/x"],
    )
