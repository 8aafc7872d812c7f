"""The handler in-process against moto's server and the Slack receiver: exactly-once windows, storms, secrets, CLI.

Times are relative to now because moto (like AWS) refuses log events older than 14 days. Each emulator test pays
for moto re-creating its Logs (and SSM) backend after the per-test reset, so behaviours that need no emulator run
against FakeInsights, a small in-memory stand-in, with the same handler and the same real Slack receiver.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from accesslog_notifier import handler
from accesslog_notifier.__main__ import main as cli_main
from accesslog_notifier.config import ConfigError
from accesslog_notifier.handler import Dependencies, NotifierError, WebhookUrlCache, lambda_handler
from accesslog_notifier.slack import urllib_post
from accesslog_notifier.window import format_iso

from tests.support.notifier import FakeClock, FakeContext, FakeInsights, access_line
from tests.support.slack_receiver import Answer

REPO_ROOT = Path(__file__).resolve().parents[2]
GROUP = "/aws/apigateway/orders-prod"
PARAMETER = "/accesslog-notifier/slack-webhook"
INTERVAL_MS = 300_000
LAG_MS = 60_000
BATCH = 5000  # events per PutLogEvents: within AWS's 10,000 events and 1 MB


def scheduled_times(count: int) -> list[int]:
    """EventBridge-like scheduled times (whole 5 minutes), ending an hour ago."""
    base = (time.time_ns() // 1_000_000 // INTERVAL_MS) * INTERVAL_MS - 3_600_000
    return [base + index * INTERVAL_MS for index in range(1, count + 1)]


def window_of(scheduled_ms: int) -> tuple[int, int]:
    return scheduled_ms - INTERVAL_MS - LAG_MS, scheduled_ms - LAG_MS


def event_for(scheduled_ms: int) -> dict:
    return {"detail-type": "Scheduled Event", "source": "aws.events", "time": format_iso(scheduled_ms)[:19] + "Z"}


def put_events(logs, group: str, events: list[tuple[int, str]], stream: str = "s") -> None:
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    ordered = sorted(events)
    for index in range(0, len(ordered), BATCH):
        batch = [{"timestamp": ts, "message": message} for ts, message in ordered[index : index + BATCH]]
        response = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
        assert "rejectedLogEventsInfo" not in response, response


@pytest.fixture
def ssm_webhook(boto_session, slack_receiver) -> str:
    """The receiver's URL stored the real way, as an SSM SecureString."""
    boto_session.client("ssm").put_parameter(
        Name=PARAMETER, Value=slack_receiver.webhook_url, Type="SecureString", Overwrite=True
    )
    return slack_receiver.webhook_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall_ms=time.time_ns() // 1_000_000)


def environment(base: dict | None = None, **overrides) -> dict[str, str]:
    env = {
        "AWS_REGION": "us-east-1",
        **(base or {}),
        "LOG_GROUP_NAMES": json.dumps([GROUP]),
        "WEBHOOK_PARAMETER_NAME": PARAMETER,
        "LOG_LEVEL": "DEBUG",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class CountingSsm:
    """An SSM client stand-in that serves one parameter and counts the reads."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.reads = 0

    def get_parameter(self, Name, WithDecryption):  # boto3's parameter names
        assert WithDecryption is True
        self.reads += 1
        return {"Parameter": {"Name": Name, "Type": "SecureString", "Value": self.value}}


def dependencies(logs_client, clock: FakeClock, *, webhook_url: str | None = None, ssm_client=None) -> Dependencies:
    """Dependencies for a run: the webhook URL straight from a dict, or read through WebhookUrlCache from SSM."""
    fetch = {PARAMETER: webhook_url}.__getitem__ if webhook_url is not None else WebhookUrlCache(lambda: ssm_client)
    return Dependencies(
        logs_client=logs_client, fetch_webhook_url=fetch, post=urllib_post, clock=clock.as_clock(), now_ms=clock.now_ms
    )


def run(event, logs_client, clock, *, webhook_url=None, ssm_client=None, base_env=None, **overrides) -> dict:
    return lambda_handler(
        event,
        FakeContext(clock, 300_000),
        dependencies=dependencies(logs_client, clock, webhook_url=webhook_url, ssm_client=ssm_client),
        environ=environment(base_env, **overrides),
    )


def request_ids(posts) -> list[str]:
    return [rid for post in posts for rid in re.findall(r"requestId `([^`]+)`", json.dumps(post.payload))]


# --- against moto's server --------------------------------------------------------------------------------------------


def test_consecutive_scheduled_runs_report_every_event_exactly_once(aws, boto_session, slack_receiver, clock):
    runs = scheduled_times(3)  # like 12:05, 12:10, 12:15
    windows = [window_of(run_ms) for run_ms in runs]
    (w1_start, w1_end), (w2_start, w2_end), (w3_start, w3_end) = windows
    placed = {
        "w1-start": w1_start,  # start included
        "w1-last-ms": w1_end - 1,
        "w2-start": w1_end,  # the end of one window is the start of the next
        "late-in-lag": runs[0] - 30_000,  # written after run 1's window closed: run 2 reports it
        "w2-last-ms": w2_end - 1,
        "w3-start": w2_end,
        "w3-last-ms": w3_end - 1,
        "after-all": w3_end,  # end excluded
        "before-all": w1_start - 1,
    }
    events = [(ts, access_line(status=500, requestId=name)) for name, ts in placed.items()]
    events.append((w1_start + 10, access_line(status=200, requestId="success")))
    logs = boto_session.client("logs")
    put_events(logs, GROUP, events)

    summaries = []
    for number, run_ms in enumerate(runs, start=1):
        summaries.append(run(event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url, SAMPLE_COUNT=20))
        slack_receiver.wait_for_posts(number)

    assert [summary["matched"] for summary in summaries] == [2, 3, 2]
    assert [summary["window_start"] for summary in summaries] == [format_iso(start) for start, _ in windows]
    assert all(summary["complete"] and summary["messages_sent"] == 1 for summary in summaries)
    per_run = [sorted(request_ids([post])) for post in slack_receiver.wait_for_posts(3)]
    assert per_run == [
        ["w1-last-ms", "w1-start"],
        ["late-in-lag", "w2-last-ms", "w2-start"],
        ["w3-last-ms", "w3-start"],
    ]
    assert w2_start <= placed["late-in-lag"] < w2_end and w3_start == w2_end


def test_mixed_lines_are_counted_unparsed_lines_reported_and_one_summary_logged(
    aws, boto_session, slack_receiver, clock, fixtures_dir, caplog
):
    [run_ms] = scheduled_times(1)
    start_ms, end_ms = window_of(run_ms)
    lines = (fixtures_dir / "access-log-lines.jsonl").read_text().splitlines()
    lines += [access_line(status=204), access_line(status="503"), access_line(status=404)]
    lines.append(access_line(status=500, resourcePath="/<!channel>", integrationErrorMessage="<http://evil.example|x>"))
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(start_ms + 1000 * i, line) for i, line in enumerate(lines)])

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"):
        summary = run(event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url)

    assert (summary["matched"], summary["unparsed"], summary["reported"]) == (5, 3, 5)
    [post] = slack_receiver.wait_for_posts(1)
    message = post.payload
    assert "5 error responses" in message["text"] and "3 unparsed lines" in message["text"]
    by_status = message["blocks"][1]["text"]["text"].splitlines()[1:]
    assert by_status == ["`503`  2", "`409`  1", "`404`  1", "`500`  1"]
    # what reached the webhook, byte for byte: the hostile line arrived escaped
    assert b"<!channel>" not in post.raw_body and b"<http://evil" not in post.raw_body
    assert b"/&lt;!channel&gt;" in post.raw_body
    assert "*3 unparsed lines*" in message["blocks"][3]["text"]["text"]
    assert "API Gateway could not deliver this line as JSON" not in json.dumps(message)  # only two examples
    # one summary line, the same dict the handler returns
    [line] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert json.loads(line.getMessage().removeprefix("run summary ")) == summary
    assert line.summary == summary
    assert (summary["window_start"], summary["window_end"]) == (format_iso(start_ms), format_iso(end_ms))
    assert summary["messages_sent"] == 1 and summary["complete"] is True and summary["elapsed_ms"] >= 0


def test_a_storm_of_25000_lines_is_counted_exactly_in_at_most_five_messages(aws, boto_session, slack_receiver, clock):
    [run_ms] = scheduled_times(1)
    start_ms, end_ms = window_of(run_ms)
    step_ms = (end_ms - start_ms) / 25_000
    events = [
        (
            start_ms + int(index * step_ms),
            access_line(status=500 + index % 4, requestId=f"r{index}", integrationErrorMessage=None, xrayTraceId=None),
        )
        for index in range(25_000)
    ]
    logs = boto_session.client("logs")
    put_events(logs, GROUP, events)

    summary = run(event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url, QUERY_LIMIT=10000)

    assert summary["matched"] == summary["reported"] == 25_000
    assert summary["complete"] is True
    assert summary["queries"] >= 3  # the limit was hit, so the window was queried in parts
    assert summary["rows_read"] < 26_000  # full results were used as far as they reach, not read again
    assert 1 <= summary["messages_sent"] <= 5
    posts = slack_receiver.wait_for_posts(summary["messages_sent"])
    assert len(posts) == summary["messages_sent"] and all(post.answered_status == 200 for post in posts)
    first = posts[0].payload
    assert "25,000 error responses" in first["text"]
    by_status = first["blocks"][1]["text"]["text"].splitlines()[1:]
    assert by_status == [f"`{status}`  6,250" for status in (500, 501, 502, 503)]


def test_the_webhook_url_never_reaches_logs_errors_or_return_values(
    aws, boto_session, ssm_webhook, slack_receiver, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "boto3", "urllib3", "botocore.parsers", "botocore.endpoint"):
        caplog.set_level(logging.DEBUG, logger=name)  # what a careless debugging session would do
    [first_run, second_run] = scheduled_times(2)
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(window_of(first_run)[0], access_line()), (window_of(second_run)[0], access_line())])
    ssm = boto_session.client("ssm")  # the real SecureString read, decrypted

    summary = run(event_for(first_run), logs, clock, ssm_client=ssm)
    slack_receiver.script(Answer(410, "channel_is_archived"))
    with pytest.raises(NotifierError) as failed:
        run(event_for(second_run), logs, clock, ssm_client=ssm)

    assert summary["messages_sent"] == 1
    assert "channel_is_archived" in str(failed.value)
    assert failed.value.summary["messages_sent"] == 0 and failed.value.summary["reported"] == 0
    secret_path = ssm_webhook.split("127.0.0.1", 1)[1].split("/", 1)[1]
    texts = [caplog.text, json.dumps(summary), json.dumps(failed.value.summary), str(failed.value), repr(failed.value)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [json.dumps(getattr(record, "summary", {})) for record in caplog.records]
    for text in texts:
        assert ssm_webhook not in text and secret_path not in text
    assert any("run summary" in record.getMessage() for record in caplog.records)
    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("botocore.parsers").getEffectiveLevel() >= logging.WARNING


def test_many_log_groups_are_queried_in_batches_of_fifty(aws, boto_session, slack_receiver, clock):
    groups = [f"/aws/apigateway/api-{index:02d}" for index in range(55)]
    [run_ms] = scheduled_times(1)
    logs = boto_session.client("logs")
    for index, group in enumerate(groups):
        logs.create_log_group(logGroupName=group)
        if index in (0, 54):
            put_events(logs, group, [(window_of(run_ms)[0] + index, access_line(requestId=f"from-{index}"))])

    summary = run(
        event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url, LOG_GROUP_NAMES=json.dumps(groups)
    )

    assert (summary["matched"], summary["queries"], summary["log_groups"]) == (2, 2, 55)
    [post] = slack_receiver.wait_for_posts(1)
    assert sorted(request_ids([post])) == ["from-0", "from-54"]
    assert "(+52 more)" in post.payload["blocks"][0]["text"]["text"]


def test_a_failed_query_is_raised_after_the_summary_is_logged(aws, boto_session, slack_receiver, clock, caplog):
    [run_ms] = scheduled_times(1)

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"), pytest.raises(NotifierError) as failed:
        run(
            event_for(run_ms),
            boto_session.client("logs"),
            clock,
            webhook_url=slack_receiver.webhook_url,
            LOG_GROUP_NAMES=json.dumps(["/does/not/exist"]),
        )

    assert "could not start a query over log groups /does/not/exist" in str(failed.value)
    assert "ResourceNotFoundException" in str(failed.value)
    assert failed.value.summary["complete"] is False
    assert caplog.records[-1].getMessage().startswith("run summary")
    assert caplog.records[-1].levelno == logging.ERROR


def test_incomplete_totals_are_sent_as_lower_bounds_and_the_run_fails(aws, boto_session, slack_receiver, clock):
    [run_ms] = scheduled_times(1)
    start_ms, _ = window_of(run_ms)
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(start_ms + 100 + i, access_line()) for i in range(8)])  # 8 lines in one second

    with pytest.raises(NotifierError, match="lower bounds") as failed:
        run(event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url, QUERY_LIMIT=5)

    [post] = slack_receiver.wait_for_posts(1)  # sent first, so the gap is visible
    assert "at least 5 error responses" in post.payload["text"]
    assert failed.value.summary["complete"] is False and failed.value.summary["messages_sent"] == 1


def test_default_dependencies_work_against_the_emulator(aws, boto_session, ssm_webhook, slack_receiver, monkeypatch):
    [run_ms] = scheduled_times(1)
    put_events(boto_session.client("logs"), GROUP, [(window_of(run_ms)[0], access_line())])
    for name, value in environment(aws).items():
        monkeypatch.setenv(name, value)
    handler.reset_default_dependencies()
    try:
        summary = lambda_handler(event_for(run_ms), FakeContext(SimpleNamespace(monotonic=time.monotonic)))
        assert handler.default_dependencies() is handler.default_dependencies()  # once per container
    finally:
        handler.reset_default_dependencies()

    assert summary["messages_sent"] == 1
    assert [post.answered_status for post in slack_receiver.wait_for_posts(1)] == [200]


def test_the_cli_dry_run_against_the_emulator_prints_the_payloads_and_posts_nothing(aws, boto_session, slack_receiver):
    now_ms = time.time_ns() // 1_000_000
    put_events(
        boto_session.client("logs"),
        GROUP,
        [(now_ms - 120_000, access_line(status=404)), (now_ms - 60_000, access_line(status=503, requestId="cli-1"))],
    )
    env = {**os.environ, **aws, "PYTHONPATH": str(REPO_ROOT / "source_code" / "notifier")}
    env.pop("WEBHOOK_PARAMETER_NAME", None)
    command = [
        sys.executable,
        "-m",
        "accesslog_notifier",
        "--log-group",
        GROUP,
        "--since",
        "10m",
        "--threshold",
        "500",
        "--dry-run",
    ]

    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert completed.returncode == 0, completed.stderr
    [payload] = json.loads(completed.stdout)
    assert "1 error response in" in payload["text"]
    assert "*1* error response (status ≥ 500)" in payload["blocks"][0]["text"]["text"]
    assert "requestId `cli-1`" in json.dumps(payload)
    assert json.loads(completed.stderr.strip().splitlines()[-1])["matched"] == 1
    assert slack_receiver.posts == []


# --- the same handler against an in-memory Logs Insights --------------------------------------------------------------


def test_a_quiet_window_sends_nothing(slack_receiver, clock):
    [run_ms] = scheduled_times(1)
    logs = FakeInsights([(window_of(run_ms)[0], access_line(status=200))])

    summary = run(event_for(run_ms), logs, clock, webhook_url=slack_receiver.webhook_url)

    assert (summary["matched"], summary["unparsed"], summary["messages_sent"]) == (0, 0, 0)
    assert slack_receiver.posts == []


def test_a_manual_invocation_uses_the_current_time(slack_receiver, clock):
    clock.wall_ms = scheduled_times(1)[0] + 1234
    logs = FakeInsights([clock.wall_ms - LAG_MS - 1, clock.wall_ms - LAG_MS])

    summary = run({"source": "console test"}, logs, clock, webhook_url=slack_receiver.webhook_url)

    assert summary["window_end"] == format_iso(clock.wall_ms - LAG_MS)
    assert logs.started[0]["endTime"] == (clock.wall_ms - LAG_MS) // 1000 + 1  # ms window -> ceiled seconds
    assert summary["matched"] == 1


def test_a_refused_webhook_is_read_again_on_the_next_run(slack_receiver, clock):
    [first_run, second_run] = scheduled_times(2)
    logs = FakeInsights([window_of(first_run)[0], window_of(second_run)[0]])
    ssm = CountingSsm(slack_receiver.webhook_url)
    deps = dependencies(logs, clock, ssm_client=ssm)
    env = environment()
    slack_receiver.script(Answer(404, "no_service"))

    with pytest.raises(NotifierError, match="no_service"):
        lambda_handler(event_for(first_run), FakeContext(clock), dependencies=deps, environ=env)
    summary = lambda_handler(event_for(second_run), FakeContext(clock), dependencies=deps, environ=env)
    lambda_handler(event_for(second_run), FakeContext(clock), dependencies=deps, environ=env)

    assert summary["messages_sent"] == 1
    assert ssm.reads == 2  # read, refused -> forgotten, read again; then cached


def test_the_query_deadline_leaves_time_for_slack(slack_receiver, clock):
    [run_ms] = scheduled_times(1)
    start_ms, end_ms = window_of(run_ms)
    logs = FakeInsights(range(start_ms, end_ms, 10), clock=clock, seconds_per_query=20.0)

    with pytest.raises(NotifierError, match="deadline") as failed:
        lambda_handler(
            event_for(run_ms),
            FakeContext(clock, budget_ms=120_000),
            dependencies=dependencies(logs, clock, webhook_url=slack_receiver.webhook_url),
            environ=environment(QUERY_LIMIT=1000),
        )

    summary = failed.value.summary
    assert summary["complete"] is False and summary["messages_sent"] == 1
    assert "at least" in slack_receiver.wait_for_posts(1)[0].payload["text"]
    assert summary["elapsed_ms"] <= 120_000


def test_the_cli_takes_an_explicit_range(slack_receiver, clock, capsys, monkeypatch):
    [run_ms] = scheduled_times(1)
    start_ms, end_ms = window_of(run_ms)
    logs = FakeInsights([start_ms - 1, start_ms, end_ms - 1, end_ms])
    monkeypatch.delenv("WEBHOOK_PARAMETER_NAME", raising=False)

    status = cli_main(
        ["--log-group", GROUP, "--start", format_iso(start_ms), "--end", format_iso(end_ms), "--dry-run"],
        dependencies=dependencies(logs, clock, webhook_url=slack_receiver.webhook_url),
    )

    assert status == 0
    [payload] = json.loads(capsys.readouterr().out)
    assert "*2* error responses" in payload["blocks"][0]["text"]["text"]
    assert logs.started[0]["startTime"] == start_ms // 1000
    assert slack_receiver.posts == []


def test_the_cli_needs_a_webhook_parameter_unless_dry_run_and_never_takes_a_url(capsys, monkeypatch):
    monkeypatch.delenv("WEBHOOK_PARAMETER_NAME", raising=False)

    assert cli_main(["--log-group", GROUP]) == 2
    assert "--webhook-parameter (or WEBHOOK_PARAMETER_NAME) is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["--log-group", GROUP, "--webhook-url", "https://hooks.slack.com/services/x"])
    with pytest.raises(SystemExit):
        cli_main(["--log-group", GROUP, "--start", "2026-11-25T11:59:00Z", "--dry-run"])  # --start needs --end
    assert cli_main(["--log-group", "bad name!", "--dry-run"]) == 2
    assert "LOG_GROUP_NAMES must be a JSON array" in capsys.readouterr().err


def test_the_lambda_runtimes_log_level_is_left_alone(slack_receiver, clock):
    package_logger = logging.getLogger("accesslog_notifier")
    before = package_logger.level
    try:
        package_logger.setLevel(logging.WARNING)
        run({}, FakeInsights(), clock, webhook_url=slack_receiver.webhook_url, AWS_LAMBDA_LOG_LEVEL="WARN")
        assert package_logger.level == logging.WARNING
        run({}, FakeInsights(), clock, webhook_url=slack_receiver.webhook_url, LOG_LEVEL="ERROR")
        assert package_logger.level == logging.ERROR
    finally:
        package_logger.setLevel(before)


# --- configuration ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"LOG_GROUP_NAMES": ""}, "LOG_GROUP_NAMES is required: a JSON array of 1 to 1000 strings matching"),
        ({"LOG_GROUP_NAMES": "/aws/apigateway/x"}, "LOG_GROUP_NAMES must be a JSON array of 1 to 1000 strings"),
        ({"LOG_GROUP_NAMES": '["ok", "bad name!"]'}, "LOG_GROUP_NAMES must be a JSON array of 1 to 1000 strings"),
        ({"QUERY_LIMIT": "0"}, "QUERY_LIMIT must be a whole number from 1 to 10000 (got '0')."),
        ({"ERROR_STATUS_THRESHOLD": "4xx"}, "ERROR_STATUS_THRESHOLD must be a whole number from 400 to 599"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR (got 'LOUD')."),
        ({"MESSAGE_TITLE": "t" * 151}, "MESSAGE_TITLE must be a string of 1 to 150 characters"),
        ({"SCHEDULE_INTERVAL_MINUTES": "7"}, "SCHEDULE_INTERVAL_MINUTES must be one of 1, 2, 3, 4, 5, 6, 10, 12"),
        ({"AWS_REGION": "mars"}, "AWS_REGION must be a region name such as eu-west-1 (got 'mars')."),
        ({"WEBHOOK_PARAMETER_NAME": ""}, "WEBHOOK_PARAMETER_NAME is required: a string of 1 to 1011 characters"),
    ],
)
def test_configuration_errors_say_what_is_wrong_and_what_is_allowed(overrides, message):
    env = {"LOG_GROUP_NAMES": json.dumps([GROUP]), "WEBHOOK_PARAMETER_NAME": PARAMETER, "AWS_REGION": "eu-west-1"}
    env.update(overrides)

    with pytest.raises(ConfigError) as raised:
        lambda_handler({}, None, dependencies=SimpleNamespace(), environ=env)

    assert message in str(raised.value)


def test_an_event_time_that_is_not_a_timestamp_fails_the_invocation(clock):
    with pytest.raises(NotifierError, match="cannot determine the window: not an ISO 8601 timestamp"):
        run({"time": "tomorrow"}, FakeInsights(), clock, webhook_url="https://hooks.slack.com/services/x")
