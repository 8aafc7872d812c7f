"""The command line (``python -m accesslog_notifier``), in-process and offline.

The range check runs against tests/support/fake_logs.py (Logs Insights answered in memory), a recording Slack
poster and a fake clock, injected through ``main(dependencies=...)``. ``replay`` runs against an in-memory SQS
queue with the semantics the replay relies on (ReceiveMessage hides what it returns for VisibilityTimeout seconds
and takes at most 10 messages; DeleteMessage and ChangeMessageVisibility take a receipt handle) and against a real
boto3 Lambda client under botocore's Stubber. ``boto3.client`` and the handler's default dependencies are replaced
by guards, so nothing here can reach AWS or Slack. Expected windows, counts and exit statuses are worked out here
from each test's inputs, the module docstring and the AWS shapes of tests/fixtures.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from accesslog_notifier import __main__ as cli
from accesslog_notifier import handler
from accesslog_notifier.config import contract
from accesslog_notifier.handler import Dependencies
from accesslog_notifier.slack import HttpAnswer
from apigw_devkit.lambda_events import scheduled_event
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from tests.support.fake_logs import InMemoryLogs
from tests.support.notifier import FakeClock, access_line, alarm_event, iso_ms

PROG = "python -m accesslog_notifier"  # the module docstring's command
GROUP = "/aws/apigateway/orders-prod"
OTHER_GROUP = "/aws/apigateway/payments-prod"
PARAMETER = "/accesslog-notifier/slack-webhook"
WEBHOOK = "https://hooks.example.invalid/services/not-a-secret"  # what the fake SSM parameter holds
FUNCTION = "orders-api-accesslog-notifier"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-api-accesslog-notifier-failures"
NOW = datetime(2026, 11, 25, 9, 35, 20, tzinfo=UTC)
NOW_MS = int(NOW.timestamp()) * 1000
MINUTE_MS = 60_000
LAMBDA_MAX_TIMEOUT_S = 900  # a function runs at most 15 minutes (Lambda quotas)


def ms(moment: datetime) -> int:
    return int(moment.timestamp()) * 1000 + moment.microsecond // 1000


# ----------------------------------------------------------------------------------------------------------------
# Fakes: Slack, the SSM parameter, SQS
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class RecordingPoster:
    """Slack's side: answers in order (then 200 ok), and every body it was sent."""

    answers: list[HttpAnswer] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float) -> HttpAnswer:
        assert url == WEBHOOK
        self.bodies.append(json.loads(body))
        return self.answers.pop(0) if self.answers else HttpAnswer(200, "ok")


@dataclass
class WebhookSource:
    """The SSM parameter holding the webhook URL; records the names asked for."""

    fetched: list[str] = field(default_factory=list)

    def __call__(self, name: str) -> str:
        self.fetched.append(name)
        return WEBHOOK


@dataclass
class Offline:
    """What a CLI run talks to, and what it printed."""

    logs: InMemoryLogs
    clock: FakeClock
    poster: RecordingPoster
    webhook: WebhookSource
    capsys: pytest.CaptureFixture[str]

    @property
    def dependencies(self) -> Dependencies:
        return Dependencies(self.logs, self.webhook, self.poster, self.clock.as_clock(), self.clock.now_ms)

    def main(self, *argv: str) -> CliRun:
        status = cli.main(list(argv), dependencies=self.dependencies)
        out, err = self.capsys.readouterr()
        return CliRun(status, out, err)

    def usage_error(self, *argv: str) -> str:
        """Run a command line that must be refused as a usage error (exit 2); its error line."""
        with pytest.raises(SystemExit) as exited:
            cli.main(list(argv), dependencies=self.dependencies)
        assert exited.value.code == 2
        err = self.capsys.readouterr().err
        assert err.startswith(f"usage: {PROG}")
        return err.strip().splitlines()[-1]

    def nothing_ran(self) -> bool:
        return self.logs.calls == [] and self.webhook.fetched == [] and self.poster.bodies == []


@dataclass
class CliRun:
    status: int
    out: str
    err: str

    @property
    def summary(self) -> dict[str, Any]:
        """The run summary: the last line on stderr, one JSON object."""
        return json.loads(self.err.strip().splitlines()[-1])


@dataclass
class _Message:
    message_id: str
    body: str
    visible_at: float = 0.0
    receipt: str | None = None


@dataclass
class FakeQueue:
    """An SQS standard queue as ``replay`` uses it, with its own clock (seconds) that only a test moves.

    ReceiveMessage returns up to MaxNumberOfMessages (1 to 10, as SQS enforces) visible messages, oldest first,
    and hides them for VisibilityTimeout seconds (the queue's default, 30 s, when none is given); a response with
    nothing in it has no ``Messages`` key, as boto3 returns it. ``short_poll_misses``: how many short polls (no
    WaitTimeSeconds) answer nothing although messages are visible, which SQS documents for small queues.
    """

    url: str = QUEUE_URL
    now: float = 0.0
    short_poll_misses: int = 0
    messages: list[_Message] = field(default_factory=list)
    receives: list[dict[str, Any]] = field(default_factory=list)
    _handles: int = 0

    def send(self, body: str) -> str:
        message_id = f"msg-{len(self.messages) + 1:03d}"
        self.messages.append(_Message(message_id, body))
        return message_id

    def _check_url(self, url: Any) -> None:
        if url != self.url:
            raise ClientError(
                {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "no such queue"}}, "SQS"
            )

    def _find(self, receipt: Any, operation: str) -> _Message:
        for message in self.messages:
            if message.receipt is not None and message.receipt == receipt:
                return message
        raise ClientError({"Error": {"Code": "ReceiptHandleIsInvalid", "Message": str(receipt)}}, operation)

    def receive_message(self, **request: Any) -> dict[str, Any]:
        self.receives.append(request)
        self._check_url(request.get("QueueUrl"))
        wanted = request.get("MaxNumberOfMessages", 1)
        if not (type(wanted) is int and 1 <= wanted <= 10):
            raise ClientError(
                {
                    "Error": {
                        "Code": "InvalidParameterValue",
                        "Message": f"Value {wanted} for parameter MaxNumberOfMessages is invalid. "
                        "Reason: Must be between 1 and 10, if provided.",
                    }
                },
                "ReceiveMessage",
            )
        if not request.get("WaitTimeSeconds") and self.short_poll_misses:
            self.short_poll_misses -= 1
            return {}
        hide_for = request.get("VisibilityTimeout", 30)
        taken = [message for message in self.messages if message.visible_at <= self.now][:wanted]
        for message in taken:
            self._handles += 1
            message.receipt = f"{message.message_id}-receipt-{self._handles}"
            message.visible_at = self.now + hide_for
        if not taken:
            return {}
        return {
            "Messages": [
                {"MessageId": message.message_id, "ReceiptHandle": message.receipt, "Body": message.body}
                for message in taken
            ]
        }

    def delete_message(self, **request: Any) -> dict[str, Any]:
        self._check_url(request.get("QueueUrl"))
        self.messages.remove(self._find(request.get("ReceiptHandle"), "DeleteMessage"))
        return {}

    def change_message_visibility(self, **request: Any) -> dict[str, Any]:
        self._check_url(request.get("QueueUrl"))
        message = self._find(request.get("ReceiptHandle"), "ChangeMessageVisibility")
        message.visible_at = self.now + request["VisibilityTimeout"]
        return {}

    def bodies(self) -> list[str]:
        return [message.body for message in self.messages]

    def visible_bodies(self) -> list[str]:
        return [message.body for message in self.messages if message.visible_at <= self.now]


@dataclass
class FakeFunction:
    """The deployed function as an Invoker: answers by the event's ``time`` (or ``id``), records every call."""

    failing: set[str] = field(default_factory=set)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answer: str = '{"reported": true}'

    def __call__(self, function_name: str, event: dict[str, Any]) -> tuple[bool, str]:
        self.calls.append((function_name, event))
        if event.get("time") in self.failing:
            return False, '{"errorType": "NotifierError"}'
        return True, self.answer


class JsonOf:
    """Equal to any JSON text that decodes to ``value`` (a Stubber expectation for a JSON Payload)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str | bytes) and json.loads(other) == self.value

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"JsonOf({self.value!r})"


# ----------------------------------------------------------------------------------------------------------------
# Fixtures
# ----------------------------------------------------------------------------------------------------------------


class _NoDefaultDependencies:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError("the CLI used the real AWS dependencies in a unit test")


@pytest.fixture(autouse=True)
def offline_environment(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """No notifier settings from the developer's shell, fake credentials, and no real AWS clients.

    Returns the clients ``boto3.client(service)`` hands out in this test (none unless the test adds them).
    """
    for spec in contract()["settings"].values():
        monkeypatch.delenv(spec["env"], raising=False)
    for name in ("AWS_REGION", "AWS_PROFILE", "AWS_LAMBDA_LOG_LEVEL", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    clients: dict[str, Any] = {}

    def client(service: str, *args: Any, **kwargs: Any) -> Any:
        if service not in clients:
            raise AssertionError(f"unexpected boto3.client({service!r}) in a unit test")
        return clients[service]

    class Session:
        region_name = "us-east-1"

        def get_credentials(self) -> object:
            return object()

        def client(self, service: str, *args: Any, **kwargs: Any) -> Any:
            return client(service)

    monkeypatch.setattr(boto3, "client", client)
    monkeypatch.setattr(cli, "aws_session", Session)
    guard = _NoDefaultDependencies()
    monkeypatch.setattr(handler, "_default_dependencies", Dependencies(guard, guard, guard, guard, guard))
    return clients


@pytest.fixture(autouse=True)
def package_log_level() -> Iterator[None]:
    """The CLI sets the package logger's level (LOG_LEVEL); put it back for the other tests."""
    package_logger = logging.getLogger("accesslog_notifier")
    before = package_logger.level
    yield
    package_logger.setLevel(before)


@pytest.fixture
def offline(capsys: pytest.CaptureFixture[str]) -> Offline:
    return Offline(
        InMemoryLogs(region_name="us-east-1"), FakeClock(wall_ms=NOW_MS), RecordingPoster(), WebhookSource(), capsys
    )


@contextlib.contextmanager
def bare_root_logger() -> Iterator[logging.Logger]:
    """The root logger as a fresh ``python -m`` process has it: no handlers (pytest's own are put back after)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []
    try:
        yield root
    finally:
        for added in root.handlers:
            added.close()
        root.handlers = handlers
        root.setLevel(level)


@pytest.fixture
def record(load_fixture: Any) -> dict[str, Any]:
    """The record Lambda sends to an on-failure destination (AWS's documented shape)."""
    return load_fixture("lambda-destination-record.json")


def failure_record(record: dict[str, Any], event: Any) -> str:
    """The SQS body Lambda sends for a run of ``event`` that failed for good."""
    return json.dumps({**record, "requestPayload": event})


def scheduled_at(minute: int) -> dict[str, Any]:
    """The EventBridge event of the run scheduled ``minute`` minutes after 09:00 on 2026-11-25."""
    return scheduled_event(ms(datetime(2026, 11, 25, 9, 0, tzinfo=UTC) + timedelta(minutes=minute)))


def lines_between(start_ms: int, end_ms: int, count: int, **fields: Any) -> list[tuple[int, str]]:
    return [(start_ms + i * (end_ms - start_ms) // count, access_line(**fields)) for i in range(count)]


# ----------------------------------------------------------------------------------------------------------------
# The range check: which window, which settings, what is printed, the exit status
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ([], NOW - timedelta(minutes=15), NOW),  # the documented default: the 15 minutes ending now
        (["--since", "2h"], NOW - timedelta(hours=2), NOW),
        (["--since", "90s"], NOW - timedelta(seconds=90), NOW),
        (
            ["--start", "2026-11-24T23:59:00Z", "--end", "2026-11-25T01:30:00.250+01:00"],
            datetime(2026, 11, 24, 23, 59, tzinfo=UTC),
            datetime(2026, 11, 25, 0, 30, 0, 250_000, tzinfo=UTC),
        ),
    ],
)
def test_the_range_is_the_since_duration_ending_now_or_exactly_start_to_end(
    offline: Offline, when: list[str], start: datetime, end: datetime
) -> None:
    offline.logs.put(GROUP, [])

    run = offline.main("--log-group", GROUP, *when, "--dry-run")

    assert run.status == 0, run.err
    assert (iso_ms(run.summary["window_start"]), iso_ms(run.summary["window_end"])) == (ms(start), ms(end))
    assert run.summary["kind"] == "manual"
    # StartQuery takes whole epoch seconds: the start's second and the second after the (excluded) end.
    assert {(request["startTime"], request["endTime"]) for request in offline.logs.started()} == {
        (ms(start) // 1000, -(-ms(end) // 1000))
    }


def test_a_dry_run_prints_the_digest_as_json_counts_the_log_groups_and_posts_nothing(offline: Offline) -> None:
    start = NOW_MS - 15 * MINUTE_MS
    # The errors in the range's last minutes, which the samples query reads.
    offline.logs.put(GROUP, lines_between(NOW_MS - MINUTE_MS, NOW_MS, 3, status=503, requestId="err-orders"))
    offline.logs.put(OTHER_GROUP, lines_between(NOW_MS - MINUTE_MS, NOW_MS, 2, status=502, requestId="err-payments"))
    offline.logs.put(OTHER_GROUP, lines_between(start + 1, NOW_MS, 5, status=200))

    run = offline.main("--log-group", GROUP, "--log-group", OTHER_GROUP, "--dry-run")

    assert run.status == 0, run.err
    payloads = json.loads(run.out)
    assert isinstance(payloads, list) and len(payloads) == 1
    text = json.dumps(payloads)
    assert "requestId `err-orders`" in text and "requestId `err-payments`" in text
    assert "≥" in run.out  # non-ASCII text is printed as itself, not as \u escapes
    assert run.out.splitlines()[1].startswith("  {")  # pretty-printed, two spaces a level
    assert (run.summary["errors"], run.summary["requests"], run.summary["log_groups"]) == (5, 10, 2)
    assert run.summary["messages_sent"] == 0
    assert list(run.summary) == sorted(run.summary)  # a stable line to grep and diff
    assert offline.poster.bodies == [] and offline.webhook.fetched == []


@pytest.mark.parametrize(
    ("threshold_flag", "environment", "errors"),
    [
        ([], {}, 2),  # both the 404 and the 503 count by default (status >= 400)
        (["--threshold", "500"], {}, 1),
        (["--threshold", "500"], {"ERROR_STATUS_THRESHOLD": "400"}, 1),  # the flag wins
        ([], {"ERROR_STATUS_THRESHOLD": "500"}, 1),  # the Lambda's environment variable still applies
    ],
)
def test_the_threshold_flag_wins_over_the_environment(
    offline: Offline,
    monkeypatch: pytest.MonkeyPatch,
    threshold_flag: list[str],
    environment: dict[str, str],
    errors: int,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    offline.logs.put(GROUP, [(NOW_MS - 120_000, access_line(status=404)), (NOW_MS - 60_000, access_line(status=503))])

    run = offline.main("--log-group", GROUP, *threshold_flag, "--dry-run")

    assert run.status == 0, run.err
    assert (run.summary["errors"], run.summary["requests"]) == (errors, 2)


@pytest.mark.parametrize(
    ("flag", "environment", "fetched"),
    [
        (["--webhook-parameter", PARAMETER], {}, PARAMETER),
        ([], {"WEBHOOK_PARAMETER_NAME": "/from/the/environment"}, "/from/the/environment"),
        (["--webhook-parameter", PARAMETER], {"WEBHOOK_PARAMETER_NAME": "/from/the/environment"}, PARAMETER),
    ],
)
def test_without_dry_run_the_digest_goes_to_the_webhook_the_named_parameter_holds(
    offline: Offline, monkeypatch: pytest.MonkeyPatch, flag: list[str], environment: dict[str, str], fetched: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 4, status=500))

    run = offline.main("--log-group", GROUP, *flag)

    assert run.status == 0, run.err
    assert offline.webhook.fetched == [fetched]
    assert len(offline.poster.bodies) == 1 and "*4* errors" in json.dumps(offline.poster.bodies[0])
    assert run.out == ""  # the payloads are printed only by a dry run
    assert run.summary["messages_sent"] == 1 and run.summary["errors"] == 4


def test_without_dry_run_a_webhook_parameter_is_required(offline: Offline) -> None:
    run = offline.main("--log-group", GROUP)

    assert run.status == 2
    assert run.err == "--webhook-parameter (or WEBHOOK_PARAMETER_NAME) is required unless --dry-run\n"
    assert run.out == "" and offline.nothing_ran()


@pytest.mark.parametrize(
    "argv",
    [
        ["--log-group", "bad name!", "--dry-run"],
        ["--log-group", GROUP, "--threshold", "600", "--dry-run"],
        # a URL where the parameter's name belongs (even through the abbreviation --webhook) is refused
        ["--log-group", GROUP, "--webhook", WEBHOOK],
        ["--log-group", GROUP, "--webhook-parameter", WEBHOOK, "--dry-run"],
    ],
)
def test_a_setting_the_lambda_would_refuse_exits_2_before_anything_runs(offline: Offline, argv: list[str]) -> None:
    run = offline.main(*argv)

    assert run.status == 2
    assert run.err.startswith("Invalid notifier configuration:")
    assert run.out == "" and offline.nothing_ran()


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        ([], f"{PROG}: error: --log-group is required"),
        (["--dry-run"], f"{PROG}: error: --log-group is required"),
        (["--log-group", GROUP, "--start", "2026-11-25T09:00:00Z"], f"{PROG}: error: --start and --end go together"),
        (["--log-group", GROUP, "--end", "2026-11-25T09:00:00Z"], f"{PROG}: error: --start and --end go together"),
        (
            ["--log-group", GROUP, "--since", "1h", "--start", "2026-11-25T08:00:00Z", "--end", "2026-11-25T09:00:00Z"],
            "argument --start: not allowed with argument --since",
        ),
        (["--log-group", GROUP, "--threshold", "4xx"], "argument --threshold: invalid int value: '4xx'"),
        (["--log-group", GROUP, "--time-budget", "soon"], "argument --time-budget: not a number of seconds: 'soon'"),
        (
            ["--log-group", GROUP, "--time-budget", "0"],
            "argument --time-budget: must be a positive number of seconds, got '0'",
        ),
        (
            ["--log-group", GROUP, "--time-budget", "inf"],
            "argument --time-budget: must be a positive number of seconds, got 'inf'",
        ),
        (["--log-group", GROUP, "--webhook-url", WEBHOOK], "unrecognized arguments: --webhook-url"),
        (["--log-group"], "argument --log-group: expected one argument"),
    ],
)
def test_usage_errors_exit_2_naming_the_problem_and_run_nothing(offline: Offline, argv: list[str], error: str) -> None:
    line = offline.usage_error(*argv)

    if error.startswith(PROG):  # the CLI's own message: the whole error line
        assert line == error
    else:  # argparse's wording around the option it names
        assert error in line
    assert offline.nothing_ran()


@pytest.mark.parametrize(
    ("when", "quoted"),
    [
        (["--since", "0m"], "'0m'"),
        (["--since", "15 minutes"], "'15 minutes'"),
        (["--start", "yesterday", "--end", "2026-11-25T09:00:00Z"], "'yesterday'"),
        (["--start", "2026-11-25T09:00:00Z", "--end", "2026-11-25T08:00:00Z"], "must end after it starts"),
    ],
)
def test_a_range_that_cannot_be_read_is_a_usage_error_that_says_why(
    offline: Offline, when: list[str], quoted: str
) -> None:
    offline.logs.put(GROUP, [])

    line = offline.usage_error("--log-group", GROUP, *when, "--dry-run")

    assert line.startswith(f"{PROG}: error: ") and quoted in line
    assert offline.logs.calls == []


@pytest.mark.parametrize(
    ("refusals", "reported"),
    [
        (["AccessDeniedException"] * 4, False),  # no query could count: the range went unreported
        (["AccessDeniedException"], True),  # one query failed: reported, but as a lower bound with a problem
    ],
)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_range_not_fully_reported_exits_1(
    offline: Offline, refusals: list[str], reported: bool, dry_run: bool
) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 2, status=500))
    offline.logs.refuse_starts = list(refusals)

    run = offline.main("--log-group", GROUP, "--webhook-parameter", PARAMETER, *(["--dry-run"] if dry_run else []))

    assert run.status == 1
    assert run.summary["reported"] is reported and run.summary["problems"]


def test_an_undeliverable_digest_exits_1(offline: Offline) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 2, status=500))
    offline.poster.answers = [HttpAnswer(404, "no_service")]  # Slack: the webhook is gone

    run = offline.main("--log-group", GROUP, "--webhook-parameter", PARAMETER)

    assert run.status == 1 and run.summary["reported"] is False


@pytest.mark.parametrize(("flag", "budget_s"), [([], 300.0), (["--time-budget", "40"], 40.0)])
def test_queries_that_never_finish_are_given_up_within_the_time_budget(
    offline: Offline, flag: list[str], budget_s: float
) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 2, status=500))
    offline.logs.running_polls = 10**6

    run = offline.main("--log-group", GROUP, *flag, "--dry-run")

    assert run.status == 1 and run.summary["reported"] is False
    assert budget_s / 2 * 1000 < run.summary["elapsed_ms"] <= budget_s * 1000  # most of the budget, never more


def test_a_time_budget_under_a_second_is_accepted_and_never_overrun(offline: Offline) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 2, status=500))
    offline.logs.running_polls = 10**6

    run = offline.main("--log-group", GROUP, "--time-budget", "0.5", "--dry-run")

    assert run.status == 1 and run.summary["reported"] is False
    assert run.summary["elapsed_ms"] <= 500


def test_the_arguments_default_to_the_process_command_line(offline: Offline, monkeypatch: pytest.MonkeyPatch) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 1, status=500))
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "/opt/venv/lib/python3.12/site-packages/accesslog_notifier/__main__.py",
            "--log-group",
            GROUP,
            "--since",
            "1h",
            "--dry-run",
        ],
    )

    status = cli.main(dependencies=offline.dependencies)

    run = CliRun(status, *offline.capsys.readouterr())
    assert run.status == 0, run.err
    assert iso_ms(run.summary["window_start"]) == NOW_MS - 60 * MINUTE_MS and run.summary["errors"] == 1


def test_progress_is_logged_to_stderr_as_level_logger_and_message(offline: Offline) -> None:
    offline.logs.put(GROUP, lines_between(NOW_MS - 10 * MINUTE_MS, NOW_MS, 1, status=500))

    with bare_root_logger():
        run = offline.main("--log-group", GROUP, "--webhook-parameter", PARAMETER)

    assert run.status == 0
    assert re.search(r"^INFO accesslog_notifier\.slack: delivered ", run.err, re.MULTILINE), run.err


def test_the_help_names_every_option_and_takes_the_webhook_only_from_ssm(offline: Offline) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"], dependencies=offline.dependencies)
    text = offline.capsys.readouterr().out

    assert exited.value.code == 0
    assert text.startswith(f"usage: {PROG} ")
    description = help_description(text)
    assert "Slack" in description and "digest" in description  # what the command does, as a sentence
    usage = " ".join(text.split("\n\n", 1)[0].split())
    for option in (
        "[--log-group NAME]",
        "[--since DURATION | --start ISO]",
        "[--end ISO]",
        "[--threshold THRESHOLD]",
        "[--webhook-parameter NAME]",
        "[--dry-run]",
        "[--time-budget SECONDS]",
    ):
        assert option in usage
    entries = option_entries(text)
    assert says(entries["--log-group"], "repeatable")
    assert says(entries["--since"], "the range ending now (default 15m)")
    assert says(entries["--start"], "e.g. 2026-11-25T11:59:00Z") and says(entries["--start"], "needs --end")
    assert says(entries["--end"], "(excluded)") and says(entries["--end"], "needs --start")
    assert says(entries["--threshold"], "status >=") and says(
        entries["--threshold"], "(default ERROR_STATUS_THRESHOLD)"
    )
    assert says(entries["--webhook-parameter"], "SSM SecureString holding the webhook URL")
    assert says(entries["--dry-run"], "print the Slack payloads as JSON")
    assert [option for option in entries if "url" in option.lower()] == []  # none takes the webhook URL itself


def test_the_replay_help_names_its_options(offline: Offline) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["replay", "--help"], dependencies=offline.dependencies)
    text = offline.capsys.readouterr().out

    assert exited.value.code == 0
    assert text.startswith(f"usage: {PROG} replay ")
    description = help_description(text)
    assert "failure queue" in description and "succeeded" in description  # what the command does, as a sentence
    usage = " ".join(text.split("\n\n", 1)[0].split())
    assert "--queue-url QUEUE_URL --function-name FUNCTION_NAME [--max MAX]" in usage
    entries = option_entries(text)
    assert says(entries["--queue-url"], "failure queue (output notifier_failure_queue_url)")
    assert says(entries["--function-name"], "(output notifier_function_name)")
    assert says(entries["--max"], "(default 100)")


def help_description(help_text: str) -> str:
    """The description paragraph of a --help text (between the usage and the options), checked to be a sentence."""
    description = " ".join(help_text.split("\n\n")[1].split())
    assert description[0].isupper() and description.endswith("."), description
    return description


def says(entry: str, phrase: str) -> bool:
    """Whether a help entry has ``phrase`` as words of its own (not glued to other letters)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", entry) is not None


def option_entries(help_text: str) -> dict[str, str]:
    """``--option`` -> the text of its entry in the options section (its help, however argparse wrapped it)."""
    entries: dict[str, str] = {}
    current = None
    for line in help_text.split("options:", 1)[1].splitlines():
        match = re.match(r"^  (-\S+)", line)
        if match:
            current = match.group(1).rstrip(",")
            entries[current] = line
        elif current is not None:
            entries[current] += " " + line.strip()
    return {name: " ".join(text.split()) for name, text in entries.items()}


# ----------------------------------------------------------------------------------------------------------------
# replay: re-invoke each failed run with its original event; delete what succeeded, keep (visible) the rest
# ----------------------------------------------------------------------------------------------------------------


def replay_cli(
    queue: FakeQueue, function: FakeFunction, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[dict[str, Any]], str]:
    status = cli.replay_main(
        ["--queue-url", queue.url, "--function-name", FUNCTION, *extra], sqs=queue, invoke=function
    )
    out, err = capsys.readouterr()
    lines = out.splitlines()
    for line in lines:
        assert list(json.loads(line)) == sorted(json.loads(line))  # keys in a stable order
    return status, [json.loads(line) for line in lines], err


def test_replay_invokes_each_original_event_deletes_what_succeeded_and_keeps_the_rest_visible(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    succeeds, fails, also_succeeds = scheduled_at(40), scheduled_at(45), scheduled_at(50)
    bodies = {
        "succeeds": failure_record(record, succeeds),
        "not json": "not a record",
        "fails": failure_record(record, fails),
        "no event": json.dumps({key: value for key, value in record.items() if key != "requestPayload"}),
        "event is a list": failure_record(record, ["not", "an", "event"]),
        "record is a string": json.dumps("just text"),
        "also succeeds": failure_record(record, also_succeeds),
    }
    queue = FakeQueue()
    ids = {name: queue.send(body) for name, body in bodies.items()}
    function = FakeFunction(failing={fails["time"]}, answer='{"errors": 3, "reported": true}')

    status, results, err = replay_cli(queue, function, capsys)

    assert status == 1
    assert err == "2 of 7 window(s) replayed\n"
    assert function.calls == [(FUNCTION, succeeds), (FUNCTION, fails), (FUNCTION, also_succeeds)]
    assert [result["message_id"] for result in results] == list(ids.values())
    by_name = dict(zip(ids, results, strict=True))
    assert by_name["succeeds"] == {
        "message_id": ids["succeeds"],
        "event_time": succeeds["time"],
        "replayed": True,
        "answer": '{"errors": 3, "reported": true}',
    }
    assert by_name["fails"] == {
        "message_id": ids["fails"],
        "event_time": fails["time"],
        "replayed": False,
        "answer": '{"errorType": "NotifierError"}',
    }
    unreadable = ["not json", "no event", "event is a list", "record is a string"]
    for name in unreadable:
        assert set(by_name[name]) == {"message_id", "replayed", "problem"} and by_name[name]["replayed"] is False
        assert by_name[name]["problem"].startswith("not a Lambda failure record: ")
    assert "requestPayload" in by_name["no event"]["problem"]
    assert by_name["event is a list"]["problem"] == "not a Lambda failure record: requestPayload is not an event"
    # What did not replay is still in the queue, and visible again at once (for the next replay and the alarm).
    kept = [bodies[name] for name in ["fails", *unreadable]]
    assert sorted(queue.bodies()) == sorted(queue.visible_bodies()) == sorted(kept)


def test_while_a_window_is_replayed_its_message_stays_hidden_as_long_as_the_function_can_run(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue()
    queue.send(failure_record(record, scheduled_at(40)))
    queue.send(failure_record(record, scheduled_at(45)))
    hidden_while_running: list[bool] = []

    def invoke(function_name: str, event: dict[str, Any]) -> tuple[bool, str]:
        body = failure_record(record, event)
        queue.now += LAMBDA_MAX_TIMEOUT_S - 1  # the function runs (almost) as long as Lambda lets it
        hidden_while_running.append(body not in queue.visible_bodies())
        queue.now -= LAMBDA_MAX_TIMEOUT_S - 1
        return False, "timed out"

    status = cli.replay_main(["--queue-url", queue.url, "--function-name", FUNCTION], sqs=queue, invoke=invoke)

    assert status == 1 and hidden_while_running == [True, True]
    assert all(request["VisibilityTimeout"] == LAMBDA_MAX_TIMEOUT_S for request in queue.receives)
    assert len(queue.visible_bodies()) == 2


@pytest.mark.parametrize(
    ("event", "event_time"),
    [
        (scheduled_event(ms(datetime(2026, 11, 25, 9, 40, tzinfo=UTC))), "2026-11-25T09:40:00Z"),
        # an alarm's SNS notification: the time SNS published it
        (alarm_event({"AlarmName": "orders-api-errors", "NewStateValue": "ALARM"}), "2026-11-25T09:32:05.023Z"),
        ({}, None),  # a manual invocation's event has no time
        ({"Records": [{"EventSource": "aws:sqs"}]}, None),
    ],
)
def test_each_result_names_the_time_of_the_event_it_replayed(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str], event: dict[str, Any], event_time: str | None
) -> None:
    queue = FakeQueue()
    message_id = queue.send(failure_record(record, event))

    status, results, _ = replay_cli(queue, FakeFunction(), capsys)

    assert status == 0
    assert results == [
        {"message_id": message_id, "event_time": event_time, "replayed": True, "answer": '{"reported": true}'}
    ]


def test_a_long_answer_is_shortened_to_500_characters(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue()
    queue.send(failure_record(record, scheduled_at(40)))
    answer = json.dumps({"problems": ["x" * 100] * 20})

    _, [result], _ = replay_cli(queue, FakeFunction(answer=answer), capsys)

    assert result["answer"] == answer[:500]


@pytest.mark.parametrize(
    ("queued", "max_flag", "replayed"),
    [
        (0, [], 0),
        (3, [], 3),
        (3, ["--max", "2"], 2),
        (15, ["--max", "12"], 12),  # more than one ReceiveMessage (at most 10 a call)
        (25, ["--max", "20"], 20),
        (105, [], 100),  # the documented default: at most 100 windows
    ],
)
def test_replay_replays_at_most_max_windows_and_leaves_the_others_untouched(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str], queued: int, max_flag: list[str], replayed: int
) -> None:
    queue = FakeQueue()
    for number in range(queued):
        queue.send(failure_record(record, {**scheduled_at(0), "id": f"event-{number}"}))
    function = FakeFunction()

    status, results, err = replay_cli(queue, function, capsys, *max_flag)

    assert status == 0
    assert err == f"{replayed} of {replayed} window(s) replayed\n"
    assert [event["id"] for _, event in function.calls] == [f"event-{number}" for number in range(replayed)]
    assert [result["replayed"] for result in results] == [True] * replayed
    # The windows beyond --max were never taken from the queue: still there, and visible right away.
    left = [json.loads(body)["requestPayload"]["id"] for body in queue.visible_bodies()]
    assert left == [f"event-{number}" for number in range(replayed, queued)]
    assert len(queue.messages) == queued - replayed
    # It reads the queue in batches (SQS gives at most 10 a call), not one message at a time.
    assert len(queue.receives) <= replayed // 10 + 2


def test_an_unreadable_message_does_not_stop_the_others_in_its_batch(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue()
    queue.send("{ not json")
    for minute in (40, 45, 50):
        queue.send(failure_record(record, scheduled_at(minute)))
    function = FakeFunction()

    status, _, err = replay_cli(queue, function, capsys)

    assert status == 1 and err == "3 of 4 window(s) replayed\n"
    assert [event["time"] for _, event in function.calls] == [scheduled_at(m)["time"] for m in (40, 45, 50)]
    assert queue.visible_bodies() == queue.bodies() == ["{ not json"]


@pytest.mark.parametrize(
    ("argv", "missing"),
    [
        (["--function-name", FUNCTION], "--queue-url"),
        (["--queue-url", QUEUE_URL], "--function-name"),
        (["--queue-url", QUEUE_URL, "--function-name", FUNCTION, "--max", "many"], "--max"),
    ],
)
def test_replay_without_its_queue_and_function_is_a_usage_error(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str], argv: list[str], missing: str
) -> None:
    queue = FakeQueue()
    queue.send(failure_record(record, scheduled_at(40)))
    function = FakeFunction()

    with pytest.raises(SystemExit) as exited:
        cli.replay_main(argv, sqs=queue, invoke=function)

    assert exited.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"{PROG} replay: error: ") and missing in error
    assert queue.receives == [] and function.calls == []


# ----------------------------------------------------------------------------------------------------------------
# The Lambda invoker, on a real boto3 client under Stubber
# ----------------------------------------------------------------------------------------------------------------


def stubbed_lambda() -> tuple[Any, Stubber]:
    client = boto3.session.Session(region_name="us-east-1").client("lambda")
    return client, Stubber(client)


def payload(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"StatusCode": 200, "ExecutedVersion": "$LATEST"}, True),
        # The function raised: Invoke still answers 200, and says so in FunctionError (Lambda API reference).
        ({"StatusCode": 200, "FunctionError": "Unhandled", "ExecutedVersion": "$LATEST"}, False),
    ],
)
def test_the_invoker_runs_the_function_synchronously_with_the_event_and_says_whether_it_failed(
    response: dict[str, Any], expected: bool
) -> None:
    client, stubber = stubbed_lambda()
    event = scheduled_at(40)
    answer = '{"errorMessage": "window 2026-11-25T09:34:00.000Z went unreported", "errorType": "NotifierError"}'
    stubber.add_response(
        "invoke",
        {**response, "Payload": payload(answer.encode())},
        {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": JsonOf(event)},
    )

    with stubber:
        result = cli.lambda_invoker(client)(FUNCTION, event)

    assert result == (expected, answer)
    stubber.assert_no_pending_responses()


def test_the_invoker_shows_an_answer_that_is_not_utf8_with_replacement_characters() -> None:
    client, stubber = stubbed_lambda()
    stubber.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": payload(b'"caf\xe9"')},
        {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": ANY},
    )

    with stubber:
        result = cli.lambda_invoker(client)(FUNCTION, {})

    assert result == (True, '"caf\ufffd"')


def test_replay_from_the_command_line_uses_the_standard_aws_clients(
    offline_environment: dict[str, Any], record: dict[str, Any], offline: Offline
) -> None:
    queue = FakeQueue()
    queue.send(failure_record(record, scheduled_at(40)))
    client, stubber = stubbed_lambda()
    stubber.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": payload(b'{"reported": true}')},
        {"FunctionName": FUNCTION, "InvocationType": "RequestResponse", "Payload": JsonOf(scheduled_at(40))},
    )
    offline_environment.update(sqs=queue, **{"lambda": client})

    with stubber:
        run = offline.main("replay", "--queue-url", QUEUE_URL, "--function-name", FUNCTION)

    assert run.status == 0 and run.err == "1 of 1 window(s) replayed\n"
    assert json.loads(run.out)["replayed"] is True
    assert queue.bodies() == []
    stubber.assert_no_pending_responses()


# ----------------------------------------------------------------------------------------------------------------
# Bugs found while writing these tests, now fixed: a short poll is not an empty queue, a failed invoke leaves
# the messages visible, odd events are reported, a time budget must be a positive number
# ----------------------------------------------------------------------------------------------------------------


def test_replay_does_not_take_an_empty_short_poll_for_an_empty_queue(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue(short_poll_misses=1)
    queue.send(failure_record(record, scheduled_at(40)))

    status, results, _ = replay_cli(queue, FakeFunction(), capsys)

    assert [result["replayed"] for result in results] == [True] and queue.bodies() == []
    assert status == 0


def test_an_invoker_that_breaks_stops_the_replay_and_leaves_every_message_visible_again(
    record: dict[str, Any],
) -> None:
    queue = FakeQueue()
    queue.send("not a record")
    queue.send(failure_record(record, scheduled_at(40)))

    def broken(function_name: str, event: dict[str, Any]) -> tuple[bool, str]:
        raise RuntimeError("a bug in the invoker, not an AWS answer")

    with pytest.raises(RuntimeError, match="a bug in the invoker"):  # a bug is not reported as a failed window
        cli.replay(queue.url, FUNCTION, sqs=queue, invoke=broken, limit=10)

    assert sorted(queue.visible_bodies()) == sorted(queue.bodies()) and len(queue.bodies()) == 2


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (
            ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Rate Exceeded."}}, "Invoke"),
            "invoke failed: An error occurred (TooManyRequestsException) when calling the Invoke operation: "
            "Rate Exceeded.",
        ),
        (
            EndpointConnectionError(endpoint_url="https://lambda.us-east-1.amazonaws.com/"),
            'invoke failed: Could not connect to the endpoint URL: "https://lambda.us-east-1.amazonaws.com/"',
        ),
    ],
)
def test_an_aws_error_on_one_invocation_is_reported_and_the_other_windows_are_still_replayed(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str], error: Exception, problem: str
) -> None:
    queue = FakeQueue()
    ids = [queue.send(failure_record(record, scheduled_at(minute))) for minute in (40, 45, 50)]
    function = FakeFunction()

    def invoke(function_name: str, event: dict[str, Any]) -> tuple[bool, str]:
        if event == scheduled_at(45):
            raise error
        return function(function_name, event)

    status = cli.replay_main(["--queue-url", queue.url, "--function-name", FUNCTION], sqs=queue, invoke=invoke)
    out, err = capsys.readouterr()

    assert status == 1 and err == "2 of 3 window(s) replayed\n"
    assert json.loads(out.splitlines()[1]) == {
        "message_id": ids[1],
        "event_time": scheduled_at(45)["time"],
        "replayed": False,
        "problem": problem,
    }
    assert [event for _, event in function.calls] == [scheduled_at(40), scheduled_at(50)]
    assert queue.bodies() == queue.visible_bodies() == [failure_record(record, scheduled_at(45))]


def test_a_long_aws_error_is_shortened_to_300_characters(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue()
    queue.send(failure_record(record, scheduled_at(40)))
    detail = "The function's role is not allowed to assume itself. " * 20

    def denied(function_name: str, event: dict[str, Any]) -> tuple[bool, str]:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": detail}}, "Invoke")

    status = cli.replay_main(["--queue-url", queue.url, "--function-name", FUNCTION], sqs=queue, invoke=denied)

    said = "An error occurred (AccessDeniedException) when calling the Invoke operation: " + detail
    assert status == 1
    assert json.loads(capsys.readouterr().out)["problem"] == "invoke failed: " + said[:300]


def test_a_window_not_replayed_in_an_earlier_batch_is_visible_again_after_the_replay(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    queue = FakeQueue()
    for minute in range(12):  # two ReceiveMessage batches (at most 10 a call)
        queue.send(failure_record(record, scheduled_at(minute)))
    function = FakeFunction(failing={scheduled_at(0)["time"]})

    status, _, err = replay_cli(queue, function, capsys)

    assert status == 1 and err == "11 of 12 window(s) replayed\n"
    assert len(queue.receives) >= 2
    assert queue.bodies() == queue.visible_bodies() == [failure_record(record, scheduled_at(0))]


def test_a_time_budget_that_is_not_a_number_is_a_usage_error(offline: Offline) -> None:
    offline.logs.put(GROUP, [])

    line = offline.usage_error("--log-group", GROUP, "--time-budget", "nan", "--dry-run")

    assert "--time-budget" in line and offline.logs.calls == []


@pytest.mark.parametrize("event", [{"Records": []}, {"Records": ["not an object"]}])
def test_an_event_with_odd_records_does_not_crash_the_replay(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str], event: dict[str, Any]
) -> None:
    queue = FakeQueue()
    message_id = queue.send(failure_record(record, event))

    status, results, _ = replay_cli(queue, FakeFunction(), capsys)

    assert [result["message_id"] for result in results] == [message_id] and status in (0, 1)


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["--log-group", "g", "--webhook-url", "https://hooks.slack.com/services/T0/B0/SECRETSECRET"],
            f"{PROG}: error: unrecognized arguments: --webhook-url [hidden]",
        ),
        (
            ["--log-group", "g", "https://hooks.slack.com/services/T0/B0/SECRETSECRET"],
            f"{PROG}: error: unrecognized arguments: [hidden]",
        ),
        (
            [
                "replay",
                "--queue-url",
                "q",
                "--function-name",
                "f",
                "--max",
                "https://hooks.slack.com/services/T0/B0/SECRETSECRET",
            ],
            # the URL is hidden up to the next space, the closing quote with it
            f"{PROG} replay: error: argument --max: must be a whole number of at least 1, got '[hidden]",
        ),
    ],
)
def test_a_url_typed_by_mistake_is_not_repeated_in_the_usage_error(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "SECRETSECRET" not in err and "hooks.slack.com" not in err
    assert err.strip().splitlines()[-1].startswith(error)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "many", "\u0661"])
def test_replay_max_must_be_a_whole_number_of_at_least_one(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["replay", "--queue-url", "q", "--function-name", "f", "--max", value])

    assert exited.value.code == 2
    assert f"argument --max: must be a whole number of at least 1, got {value!r}" in capsys.readouterr().err


@pytest.fixture
def no_aws_setup(tmp_path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment where the AWS SDK finds neither a region nor credentials (empty config files)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    (tmp_path / "config").write_text("")
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr(cli, "aws_session", handler.aws_session)  # the real SDK's view of this environment
    return monkeypatch


@pytest.mark.parametrize(
    "argv",
    [["replay", "--queue-url", "q", "--function-name", "f"], ["--log-group", "g", "--dry-run"]],
    ids=["replay", "range"],
)
def test_without_a_region_one_line_says_what_to_set(argv, no_aws_setup, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "error: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or use a profile with a region (AWS_PROFILE)"
    )
    assert not any("Traceback" in line for line in err)


@pytest.mark.parametrize(
    "argv",
    [["replay", "--queue-url", "q", "--function-name", "f"], ["--log-group", "g", "--dry-run"]],
    ids=["replay", "range"],
)
def test_without_credentials_one_line_says_what_to_set(argv, no_aws_setup, capsys: pytest.CaptureFixture[str]) -> None:
    no_aws_setup.setenv("AWS_REGION", "eu-west-1")

    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "error: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )
    assert not any("Traceback" in line for line in err)
