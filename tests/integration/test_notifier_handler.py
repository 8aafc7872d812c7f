"""The handler in-process against moto's server (its Logs Insights answered by the query-language engine of
devkit/apigw_devkit/logs_insights.py) and a real HTTP receiver for Slack.

Expected numbers are counted here from the lines each test writes. Windows lie a little in the future: Logs
Insights refuses a range that ends before the log group was created (moto's groups are created by the test), and
PutLogEvents takes events up to two hours ahead.
"""

from __future__ import annotations

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
from accesslog_notifier.__main__ import replay_main
from accesslog_notifier.config import ConfigError
from accesslog_notifier.handler import Dependencies, NotifierError, lambda_handler
from accesslog_notifier.slack import urllib_post
from accesslog_notifier.webhook import WebhookUrlCache
from accesslog_notifier.window import format_iso
from apigw_devkit.lambda_events import next_scheduled_minutes, scheduled_event, window_of
from apigw_devkit.slack_receiver import Answer

from tests.support.notifier import (
    FakeClock,
    FakeContext,
    access_line,
    alarm_event,
    http_access_line,
    iter_strings,
    put_events,
)

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

REPO_ROOT = Path(__file__).resolve().parents[2]
GROUP = "/aws/apigateway/orders-prod"
PARAMETER = "/accesslog-notifier/slack-webhook"


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


def environment(**overrides) -> dict[str, str]:
    env = {
        "AWS_REGION": "us-east-1",
        "LOG_GROUP_NAMES": json.dumps([GROUP]),
        "WEBHOOK_PARAMETER_NAME": PARAMETER,
        "LOG_LEVEL": "DEBUG",
        "AWS_LAMBDA_FUNCTION_NAME": "orders-api-accesslog-notifier",
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def dependencies(logs_client, clock: FakeClock, *, webhook_url=None, ssm_client=None) -> Dependencies:
    """The webhook URL straight from a dict, or read through WebhookUrlCache from SSM."""
    fetch = {PARAMETER: webhook_url}.__getitem__ if webhook_url is not None else WebhookUrlCache(lambda: ssm_client)
    return Dependencies(logs_client, fetch, urllib_post, clock.as_clock(), clock.now_ms)


def run(event, logs_client, clock, *, webhook_url=None, ssm_client=None, **overrides) -> dict:
    return lambda_handler(
        event,
        FakeContext(clock, 300_000),
        dependencies=dependencies(logs_client, clock, webhook_url=webhook_url, ssm_client=ssm_client),
        environ=environment(**overrides),
    )


def request_ids(posts) -> list[str]:
    return [rid for post in posts for rid in re.findall(r"requestId `([^`]+)`", json.dumps(post.payload))]


def summary_block(post) -> str:
    return post.payload["blocks"][0]["text"]["text"]


def test_consecutive_runs_jittered_in_their_minute_report_every_line_exactly_once(
    aws, boto_session, slack_receiver, clock
):
    runs = next_scheduled_minutes(3)
    (w1_start, w1_end), (_, w2_end), (_, w3_end) = [window_of(minute) for minute in runs]
    placed = {
        "w1-start": w1_start,
        "w1-last-ms": w1_end - 1,
        "w2-start": w1_end,
        "w2-last-ms": w2_end - 1,
        "w3-start": w2_end,
        "w3-last-ms": w3_end - 1,
        "after-all": w3_end,
        "before-all": w1_start - 1,
    }
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(at, access_line(status=500, requestId=name)) for name, at in placed.items()])

    jitter = [47_000, 3_000, 59_999]  # EventBridge fires anywhere inside the minute
    summaries = []
    for number, (minute, late) in enumerate(zip(runs, jitter, strict=True), start=1):
        summaries.append(
            run(scheduled_event(minute + late), logs, clock, webhook_url=slack_receiver.webhook_url, SAMPLE_COUNT=20)
        )
        slack_receiver.wait_for_posts(number)

    assert [summary["errors"] for summary in summaries] == [2, 2, 2]
    assert [summary["window_start"] for summary in summaries] == [format_iso(window_of(m)[0]) for m in runs]
    # Samples come from each window's latest minute with errors: its last millisecond, never a neighbour's line.
    per_run = [sorted(request_ids([post])) for post in slack_receiver.wait_for_posts(3)]
    assert per_run == [["w1-last-ms"], ["w2-last-ms"], ["w3-last-ms"]]
    assert all(summary["queries"] == 3 and summary["complete"] for summary in summaries)


def test_lines_of_every_kind_are_counted_and_one_summary_with_its_metrics_is_logged(
    aws, boto_session, slack_receiver, clock, fixtures_dir, caplog
):
    [minute] = next_scheduled_minutes(1)
    start, _ = window_of(minute)
    lines = (fixtures_dir / "access-log-lines.jsonl").read_text().splitlines()  # 200, 503, "409", "-", cut, text
    lines += [access_line(status=204), access_line(status="503"), http_access_line(status=404)]
    lines.append(access_line(status=500, resourcePath="/<!channel>", integrationErrorMessage="<http://evil.example|x>"))
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(start + 1000 * index, line) for index, line in enumerate(lines)])

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"):
        summary = run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url)

    # 10 lines: 7 with a usable status (200, 503, 409, 204, 503, 404, 500), 5 of them errors; 3 unreadable.
    assert (summary["lines"], summary["requests"], summary["errors"], summary["unparsed"]) == (10, 7, 5, 3)
    [post] = slack_receiver.wait_for_posts(1)
    assert "*5* errors in 7 requests (71 %)" in summary_block(post)
    assert "*3 lines* could not be read" in summary_block(post)
    assert b"<!channel>" not in post.raw_body and b"<http://evil" not in post.raw_body
    assert b"/&lt;!channel&gt;" in post.raw_body
    [line] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert json.loads(line.getMessage().removeprefix("run summary ")) == summary == line.summary
    # Embedded metric format at the root of the record (Lambda's JSON format writes extra fields there).
    [directive] = line._aws["CloudWatchMetrics"]
    assert directive["Namespace"] == "AccessLogNotifier" and directive["Dimensions"] == [["FunctionName"]]
    assert (line.Errors, line.UnparsedLines, line.FunctionName) == (5.0, 3.0, "orders-api-accesslog-notifier")


def test_a_storm_is_counted_exactly_by_three_queries_in_one_message(aws, boto_session, slack_receiver, clock):
    [minute] = next_scheduled_minutes(1)
    start, end = window_of(minute)
    count = 30_000
    statuses = [500, 502, 503, 504, 429]
    events = [
        (start + index * (end - start) // count, access_line(status=statuses[index % 5], requestId=f"r{index}"))
        for index in range(count)
    ]
    logs = boto_session.client("logs")
    put_events(logs, GROUP, events)

    summary = run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url)

    assert (summary["errors"], summary["requests"], summary["queries"], summary["complete"]) == (count, count, 3, True)
    [post] = slack_receiver.wait_for_posts(1)
    by_status = post.payload["blocks"][1]["text"]["text"].splitlines()[1:]
    assert sorted(line.split("  ")[0] for line in by_status) == sorted(f"`{status}`" for status in statuses)
    assert all("  6,000 (20 % of requests)" in line for line in by_status)


def test_the_webhook_url_never_reaches_logs_errors_or_summaries(
    aws, boto_session, ssm_webhook, slack_receiver, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "boto3", "urllib3", "botocore.parsers", "botocore.endpoint"):
        caplog.set_level(logging.DEBUG, logger=name)  # what a careless debugging session would do
    first, second = next_scheduled_minutes(2)
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(window_of(first)[0], access_line()), (window_of(second)[0], access_line())])
    ssm = boto_session.client("ssm")

    summary = run(scheduled_event(first), logs, clock, ssm_client=ssm)
    slack_receiver.script(Answer(410, f"channel_is_archived {ssm_webhook}"))
    with pytest.raises(NotifierError) as failed:
        run(scheduled_event(second), logs, clock, ssm_client=ssm)

    assert summary["messages_sent"] == 1
    assert "could not be delivered" in str(failed.value)
    secret_path = ssm_webhook.split("127.0.0.1", 1)[1].split("/", 1)[1]
    texts = [caplog.text, json.dumps(summary), json.dumps(failed.value.summary), str(failed.value), repr(failed.value)]
    texts += [record.getMessage() for record in caplog.records] + list(iter_strings(failed.value.summary))
    for text in texts:
        assert ssm_webhook not in text and secret_path not in text
    assert logging.getLogger("botocore").getEffectiveLevel() >= logging.WARNING


def test_55_log_groups_are_queried_in_two_batches_and_added_up(aws, boto_session, slack_receiver, clock):
    groups = [f"/aws/apigateway/api-{index:02d}" for index in range(55)]
    [minute] = next_scheduled_minutes(1)
    logs = boto_session.client("logs")
    for index, group in enumerate(groups):
        logs.create_log_group(logGroupName=group)
        if index in (0, 54):
            put_events(logs, group, [(window_of(minute)[0] + index, access_line(requestId=f"from-{index}"))])

    summary = run(
        scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url, LOG_GROUP_NAMES=json.dumps(groups)
    )

    assert (summary["errors"], summary["queries"], summary["log_groups"]) == (2, 6, 55)
    [post] = slack_receiver.wait_for_posts(1)
    assert "(+52 more)" in summary_block(post)


def test_the_first_window_after_a_deploy_is_empty_not_a_failure(aws, boto_session, slack_receiver, clock):
    # A window that ended before the log group existed: Logs Insights refuses the range (MalformedQueryException).
    logs = boto_session.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    past_minute = (time.time_ns() // 1_000_000) // 60_000 * 60_000 - 3_600_000

    summary = run(scheduled_event(past_minute), logs, clock, webhook_url=slack_receiver.webhook_url)

    assert (summary["lines"], summary["errors"], summary["messages_sent"], summary["problems"]) == (0, 0, 0, [])
    assert summary["complete"] is True and slack_receiver.posts == []


def test_a_window_that_cannot_be_counted_fails_after_logging_its_summary(
    aws, boto_session, slack_receiver, clock, caplog
):
    [minute] = next_scheduled_minutes(1)

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"), pytest.raises(NotifierError) as failed:
        run(
            scheduled_event(minute),
            boto_session.client("logs"),
            clock,
            webhook_url=slack_receiver.webhook_url,
            LOG_GROUP_NAMES=json.dumps(["/does/not/exist"]),
        )

    assert "no counting query answered" in str(failed.value)
    assert failed.value.summary["reported"] is False and failed.value.summary["query_failures"] == 4
    assert caplog.records[-1].getMessage().startswith("run summary") and caplog.records[-1].levelno == logging.ERROR
    assert slack_receiver.posts == []


class FailingQueries:
    """The real Logs client, but StartQuery fails for queries containing ``text`` (a throttled or broken query)."""

    def __init__(self, client, text: str) -> None:
        self.client, self.text, self.meta = client, text, client.meta

    def start_query(self, **kwargs):
        if self.text in kwargs["queryString"]:
            raise self.client.exceptions.ServiceUnavailableException(
                {"Error": {"Code": "ServiceUnavailableException", "Message": "try later"}}, "StartQuery"
            )
        return self.client.start_query(**kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


def test_a_delivered_digest_is_final_even_when_its_counts_are_lower_bounds(aws, boto_session, slack_receiver, clock):
    [minute] = next_scheduled_minutes(1)
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(window_of(minute)[0] + index, access_line(status=503)) for index in range(6)])

    summary = run(
        scheduled_event(minute), FailingQueries(logs, "bin(1m)"), clock, webhook_url=slack_receiver.webhook_url
    )

    # No exception: Lambda will not retry, so the window is not reported twice.
    assert (summary["complete"], summary["incomplete"], summary["messages_sent"], summary["errors"]) == (False, 1, 1, 6)
    [post] = slack_receiver.wait_for_posts(1)
    assert "*at least 6* errors" in summary_block(post) and ":warning: The counts are lower bounds" in summary_block(
        post
    )


def test_a_run_that_could_not_deliver_fails_and_its_retry_delivers_once(aws, boto_session, slack_receiver, clock):
    [minute] = next_scheduled_minutes(1)
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(window_of(minute)[0], access_line(status=502, requestId="only-once"))])
    slack_receiver.script(*[Answer(500, "rollup_error")] * 4)

    with pytest.raises(NotifierError, match="could not be delivered"):
        run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url)
    retried = run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url)  # Lambda's retry

    assert retried["messages_sent"] == 1
    assert request_ids(slack_receiver.delivered) == ["only-once"]


def test_an_alarm_digest_reports_the_alarms_period_and_names_the_scheduled_digest(
    aws, boto_session, slack_receiver, clock, load_fixture
):
    [minute] = next_scheduled_minutes(1)
    change_ms = window_of(minute)[0] + 150_000
    logs = boto_session.client("logs")
    put_events(
        logs,
        GROUP,
        [
            (change_ms - 30_000, access_line(status=503, requestId="in-period")),
            (change_ms - 600_000, access_line(status=503)),
        ],
    )
    message = load_fixture("cloudwatch-alarm-message.json")
    message["StateChangeTime"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(change_ms // 1000)) + ".000+0000"

    summary = run(
        alarm_event(message),
        logs,
        clock,
        webhook_url=slack_receiver.webhook_url,
        ALARM_NAMES=json.dumps(["orders-api-5xx"]),
    )

    assert (summary["kind"], summary["alarm"], summary["errors"]) == ("alarm", "orders-api-5xx", 1)
    [post] = slack_receiver.wait_for_posts(1)
    assert "alarm `orders-api-5xx` went to ALARM" in summary_block(post)
    assert time.strftime("at %H:%M UTC", time.gmtime(minute // 1000)) in summary_block(post)  # the scheduled digest
    assert request_ids([post]) == ["in-period"]


def test_an_unexpected_sns_message_is_logged_and_ignored(
    aws, boto_session, slack_receiver, clock, load_fixture, caplog
):
    message = {**load_fixture("cloudwatch-alarm-message.json"), "AlarmName": "orders-api-accesslog-notifier-unreported"}

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"):
        summary = run(
            alarm_event(message),
            boto_session.client("logs"),
            clock,
            webhook_url=slack_receiver.webhook_url,
            ALARM_NAMES='["orders-api-5xx"]',
        )

    assert summary["kind"] == "ignored" and "is not one the digest follows" in summary["problems"][0]
    assert slack_receiver.posts == [] and "run summary" in caplog.text


def test_ignored_statuses_and_routes_never_reach_the_digest(aws, boto_session, slack_receiver, clock):
    [minute] = next_scheduled_minutes(1)
    start, _ = window_of(minute)
    lines = [access_line(status=404, requestId="scanner")] * 3 + [
        access_line(status=503, resourcePath="/health", httpMethod="GET", requestId="health")
    ]
    lines += [http_access_line(status=500, routeKey="GET /ping"), access_line(status=502, requestId="real")]
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(start + index, line) for index, line in enumerate(lines)])

    summary = run(
        scheduled_event(minute),
        logs,
        clock,
        webhook_url=slack_receiver.webhook_url,
        IGNORE_STATUSES="[404]",
        IGNORE_ROUTES='["GET /health", "* /ping"]',
    )

    assert (summary["errors"], summary["ignored"], summary["requests"]) == (1, 3, 4)
    [post] = slack_receiver.wait_for_posts(1)
    assert request_ids([post]) == ["real"]
    assert "/health" not in json.dumps(post.payload["blocks"][1:]) and "GET /ping" not in json.dumps(
        post.payload["blocks"][1:]
    )


@pytest.mark.parametrize(
    ("overrides", "sent"),
    [({}, 1), ({"MIN_ERRORS": "3"}, 0), ({"MIN_ERROR_RATE_PERCENT": "50"}, 0), ({"MIN_ERROR_RATE_PERCENT": "10"}, 1)],
)
def test_a_window_below_the_noise_thresholds_logs_its_summary_but_sends_nothing(
    aws, boto_session, slack_receiver, clock, overrides, sent
):
    [minute] = next_scheduled_minutes(1)
    start, _ = window_of(minute)
    lines = [access_line(status=500)] * 2 + [access_line(status=200)] * 8  # 2 errors, 20 %
    logs = boto_session.client("logs")
    put_events(logs, GROUP, [(start + index, line) for index, line in enumerate(lines)])

    summary = run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url, **overrides)

    assert (summary["errors"], summary["messages_sent"]) == (2, sent)


def test_http_api_routes_are_named_by_route_key_without_execution_log_links(aws, boto_session, slack_receiver, clock):
    [minute] = next_scheduled_minutes(1)
    logs = boto_session.client("logs")
    put_events(
        logs,
        GROUP,
        [
            (window_of(minute)[0] + index, http_access_line(status=502, routeKey="POST /carts/{id}"))
            for index in range(4)
        ],
    )

    run(scheduled_event(minute), logs, clock, webhook_url=slack_receiver.webhook_url)

    [post] = slack_receiver.wait_for_posts(1)
    assert "`POST /carts/{id}`  4 of 4 requests (100 %)" in post.payload["blocks"][2]["text"]["text"]
    assert "Execution log" not in json.dumps(post.payload) and "X-Ray trace" not in json.dumps(post.payload)


def test_replay_reports_exactly_the_window_of_each_failed_run_and_deletes_what_succeeded(
    aws, boto_session, slack_receiver, clock, load_fixture
):
    first, second = next_scheduled_minutes(2)
    logs = boto_session.client("logs")
    put_events(
        logs,
        GROUP,
        [
            (window_of(first)[0], access_line(requestId="first")),
            (window_of(second)[0], access_line(requestId="second")),
        ],
    )
    sqs = boto_session.client("sqs")
    queue_url = sqs.create_queue(QueueName="orders-api-accesslog-notifier-failures")["QueueUrl"]
    record = load_fixture("lambda-destination-record.json")
    for minute in (first, second):
        sqs.send_message(
            QueueUrl=queue_url, MessageBody=json.dumps({**record, "requestPayload": scheduled_event(minute)})
        )
    sqs.send_message(QueueUrl=queue_url, MessageBody="not a record")
    invoked = []

    def invoke(function_name, event):  # moto cannot run Lambda code: the handler, in-process, as the function would
        invoked.append((function_name, event["time"]))
        try:
            return True, json.dumps(run(event, logs, clock, webhook_url=slack_receiver.webhook_url))
        except NotifierError as error:
            return False, str(error)

    status = replay_main(
        ["--queue-url", queue_url, "--function-name", "orders-api-accesslog-notifier"], sqs=sqs, invoke=invoke
    )

    assert status == 1  # the message that is not a record was not replayed
    assert sorted(request_ids(slack_receiver.wait_for_posts(2))) == ["first", "second"]
    assert [name for name, _ in invoked] == ["orders-api-accesslog-notifier"] * 2
    left = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    assert [message["Body"] for message in left] == ["not a record"]


def test_default_dependencies_work_against_the_emulator(aws, boto_session, ssm_webhook, slack_receiver, monkeypatch):
    [minute] = next_scheduled_minutes(1)
    put_events(boto_session.client("logs"), GROUP, [(window_of(minute)[0], access_line())])
    for name, value in {**aws, **environment()}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler, "_default_dependencies", None)

    summary = lambda_handler(scheduled_event(minute), FakeContext(SimpleNamespace(monotonic=time.monotonic)))

    assert handler.default_dependencies() is handler.default_dependencies()  # once per container
    assert summary["messages_sent"] == 1
    assert [post.answered_status for post in slack_receiver.wait_for_posts(1)] == [200]


def test_the_cli_dry_run_prints_the_payloads_and_posts_nothing(aws, boto_session, slack_receiver):
    logs = boto_session.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    # After the group's creation: StartQuery refuses a range that ends before it (the samples query reads only
    # the error's minute).
    now_ms = time.time_ns() // 1_000_000
    put_events(
        logs, GROUP, [(now_ms - 120_000, access_line(status=404)), (now_ms, access_line(status=503, requestId="cli-1"))]
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
    assert "*1* error in 2 requests (50 %), status ≥ 500" in payload["blocks"][0]["text"]["text"]
    assert "requestId `cli-1`" in json.dumps(payload), completed.stderr
    assert json.loads(completed.stderr.strip().splitlines()[-1])["errors"] == 1
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


def test_the_lambda_runtimes_log_level_is_left_alone(aws, boto_session, slack_receiver, clock):
    package_logger = logging.getLogger("accesslog_notifier")
    before = package_logger.level
    logs = boto_session.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    try:
        package_logger.setLevel(logging.WARNING)
        run({}, logs, clock, webhook_url=slack_receiver.webhook_url, AWS_LAMBDA_LOG_LEVEL="WARN")
        assert package_logger.level == logging.WARNING
        run({}, logs, clock, webhook_url=slack_receiver.webhook_url, LOG_LEVEL="ERROR")
        assert package_logger.level == logging.ERROR
    finally:
        package_logger.setLevel(before)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"LOG_GROUP_NAMES": ""}, "LOG_GROUP_NAMES is required: a JSON array of 1 to 100 strings matching"),
        ({"LOG_GROUP_NAMES": '["ok", "bad name!"]'}, "LOG_GROUP_NAMES must be a JSON array of 1 to 100 strings"),
        ({"ERROR_STATUS_THRESHOLD": "4xx"}, "ERROR_STATUS_THRESHOLD must be a whole number from 400 to 599"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR (got 'LOUD')."),
        ({"SCHEDULE_INTERVAL_MINUTES": "7"}, "SCHEDULE_INTERVAL_MINUTES must be one of 1, 2, 3, 4, 5, 6, 10, 12"),
        ({"AWS_REGION": "mars"}, "AWS_REGION must be a region name such as eu-west-1 (got 'mars')."),
        (
            {"WEBHOOK_PARAMETER_NAME": ""},
            "WEBHOOK_PARAMETER_NAME is required with webhook delivery: a string of 1 to 1011 characters",
        ),
    ],
)
def test_configuration_errors_say_what_is_wrong_and_what_is_allowed(overrides, message):
    with pytest.raises(ConfigError) as raised:
        lambda_handler({}, None, dependencies=SimpleNamespace(), environ=environment(**overrides))

    assert message in str(raised.value)


def test_a_scheduled_event_whose_time_cannot_be_read_fails_after_its_summary(aws, boto_session, clock, caplog):
    with (
        caplog.at_level(logging.INFO, logger="accesslog_notifier"),
        pytest.raises(NotifierError, match="time cannot be used"),
    ):
        run(
            {"source": "aws.events", "detail-type": "Scheduled Event", "time": "99999-01-01T00:00:00Z"},
            boto_session.client("logs"),
            clock,
            webhook_url="https://hooks.slack.com/services/x",
        )
    assert "run summary" in caplog.text
