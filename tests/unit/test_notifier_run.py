"""The handler in-process, fast: Logs Insights answered in memory by the query-language engine
(tests/support/fake_logs.py), Slack by a recording poster, time by a fake clock.

tests/integration/test_notifier_handler.py runs the same handler against moto's server and a real HTTP receiver;
these tests cover the run's decisions (what is counted, when a digest is sent, when a window is unreported, what
is logged) quickly enough for mutation testing. Expected numbers are counted here from the lines each test writes.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from accesslog_notifier.config import ConfigError, load_settings
from accesslog_notifier.events import MANUAL, Invocation
from accesslog_notifier.handler import (
    DEFAULT_TIME_BUDGET_S,
    Dependencies,
    NotifierError,
    configure_logging,
    default_dependencies,
    lambda_handler,
    quiet_sdk_loggers,
    run_window,
)
from accesslog_notifier.slack import HttpAnswer
from accesslog_notifier.webhook import WebhookParameterError
from accesslog_notifier.window import Window, format_iso
from apigw_devkit.lambda_events import scheduled_event, window_of

from tests.support.fake_logs import InMemoryLogs
from tests.support.notifier import (
    FakeClock,
    FakeContext,
    access_line,
    alarm_event,
    console_fragment_value,
    iter_strings,
    jsurl_decode,
)

GROUP = "/aws/apigateway/orders-prod"
PARAMETER = "/accesslog-notifier/slack-webhook"
WEBHOOK = "https://hooks.slack.com/services/T0SECRET/B0SECRET/xsecretsecretsecret"
FUNCTION = "orders-api-accesslog-notifier"
# A scheduled minute (a multiple of 5 minutes): 2026-11-25T09:35:00Z.
MINUTE = 1_795_080_900_000
START, END = window_of(MINUTE)


@dataclass
class RecordingPoster:
    """Slack's side: answers in order (then 200 ok), and every body it was sent."""

    answers: list[HttpAnswer] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float) -> HttpAnswer:
        self.urls.append(url)
        self.bodies.append(json.loads(body))
        return self.answers.pop(0) if self.answers else HttpAnswer(200, "ok")

    @property
    def delivered(self) -> list[dict[str, Any]]:
        return self.bodies


class WebhookSource:
    """fetch_webhook_url as the handler uses it, with the invalidate hook WebhookUrlCache offers."""

    def __init__(self, url: str = WEBHOOK, error: Exception | None = None) -> None:
        self.url, self.error = url, error
        self.fetched: list[str] = []
        self.invalidated: list[str] = []

    def __call__(self, name: str) -> str:
        self.fetched.append(name)
        if self.error is not None:
            raise self.error
        return self.url

    def invalidate(self, name: str) -> None:
        self.invalidated.append(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall_ms=MINUTE + 20_000)


@pytest.fixture
def logs() -> InMemoryLogs:
    return InMemoryLogs(region_name="eu-west-1")


@pytest.fixture
def poster() -> RecordingPoster:
    return RecordingPoster()


@pytest.fixture
def webhook() -> WebhookSource:
    return WebhookSource()


def environment(**overrides: Any) -> dict[str, str]:
    env = {
        "LOG_GROUP_NAMES": json.dumps([GROUP]),
        "WEBHOOK_PARAMETER_NAME": PARAMETER,
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
    }
    env.update({key: value if isinstance(value, str) else json.dumps(value) for key, value in overrides.items()})
    return {key: value for key, value in env.items() if value != "null"}


def run(
    event: dict[str, Any],
    logs: InMemoryLogs,
    clock: FakeClock,
    poster: RecordingPoster,
    webhook: WebhookSource,
    *,
    budget_ms: int = 300_000,
    **overrides: Any,
) -> dict[str, Any]:
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)
    return lambda_handler(
        event, FakeContext(clock, budget_ms), dependencies=dependencies, environ=environment(**overrides)
    )


def summary_text(payload: dict[str, Any]) -> str:
    return payload["blocks"][0]["text"]["text"]


def everything_sent(poster: RecordingPoster) -> str:
    return "\n".join(text for body in poster.bodies for text in iter_strings(body))


def spread(count: int, start: int = START, end: int = END, prefix: str = "r", **fields: Any) -> list[tuple[int, str]]:
    """``count`` lines evenly inside [start, end), with ``fields``; request ids r0, r1... (``prefix`` for r)."""
    return [(start + i * (end - start) // count, access_line(requestId=f"{prefix}{i}", **fields)) for i in range(count)]


# ----------------------------------------------------------------------------------------------------------------
# What a scheduled run counts and sends
# ----------------------------------------------------------------------------------------------------------------


def test_a_scheduled_run_counts_its_window_exactly_and_sends_one_digest(logs, clock, poster, webhook) -> None:
    errors = spread(7, status=502)
    successes = spread(13, status=200)
    outside = [(START - 1, access_line(status=500)), (END, access_line(status=500))]
    logs.put(GROUP, errors + successes + outside)

    summary = run(scheduled_event(MINUTE + 42_000), logs, clock, poster, webhook)

    assert (summary["errors"], summary["requests"], summary["lines"], summary["unparsed"]) == (7, 20, 20, 0)
    assert (summary["window_start"], summary["window_end"]) == (format_iso(START), format_iso(END))
    assert summary["kind"] == "scheduled" and summary["log_groups"] == 1
    assert summary["queries"] == 3 and summary["query_failures"] == 0
    assert summary["complete"] is True and summary["incomplete"] == 0
    assert summary["reported"] is True and summary["messages_planned"] == summary["messages_sent"] == 1
    assert summary["delivery_failed"] == 0 and summary["problems"] == []
    assert summary["rows_read"] > 0 and summary["bytes_scanned"] > 0
    assert poster.urls == [WEBHOOK] and webhook.fetched == [PARAMETER]
    text = summary_text(poster.bodies[0])
    assert "*7* errors in 20 requests (35 %), status ≥ 400" in text
    sections = [block["text"]["text"] for block in poster.bodies[0]["blocks"] if block["type"] == "section"]
    [routes] = [text for text in sections if text.startswith("*By route*")]
    assert "`POST /orders`  7 of 20 requests (35 %)" in routes
    assert "in 3 queries" in everything_sent(poster)
    # The digest's Logs Insights link opens the samples query over the window.
    [insights_link] = [link for link in re.findall(r"<(https://[^|>]+)\|", text) if "logs-insights" in link]
    detail = jsurl_decode(console_fragment_value(insights_link.split("queryDetail$3D", 1)[1]))
    assert "sort @timestamp desc" in detail["editorString"] and f"< {END}" in detail["editorString"]
    # The counting queries ran over the window's seconds (StartQuery takes whole epoch seconds, both included), the
    # samples query over the last minute with errors only (the 7th error is 6 * 300 / 7 = 257 s in).
    ranges = [(request["startTime"], request["endTime"]) for request in logs.started()]
    assert ranges == [(START // 1000, END // 1000)] * 2 + [((START + 240_000) // 1000, END // 1000)]


def test_the_summary_counts_the_rows_the_queries_returned_and_the_bytes_they_scanned(
    logs, clock, poster, webhook
) -> None:
    logs.put(GROUP, spread(10, status=500))

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    answered = [logs.get_query_results(queryId=query_id) for query_id in logs.queries]
    assert summary["rows_read"] == sum(len(answer["results"]) for answer in answered)
    assert summary["bytes_scanned"] == round(sum(answer["statistics"]["bytesScanned"] for answer in answered))


def test_the_newest_samples_are_quoted_up_to_sample_count(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(12, START + 240_000, status=503))  # all in the last minute

    run(scheduled_event(MINUTE), logs, clock, poster, webhook, SAMPLE_COUNT="3")

    quoted = [f"r{i}" for i in range(12) if f"requestId `r{i}`" in everything_sent(poster)]
    assert quoted == ["r9", "r10", "r11"]


def test_samples_come_from_the_latest_minute_with_errors_and_the_digest_says_how_many(
    logs, clock, poster, webhook
) -> None:
    # One error every 25 s: the last minute holds r10 and r11, so two samples of the five wanted, and no more bytes
    # scanned to find older ones.
    logs.put(GROUP, spread(12, status=503))

    run(scheduled_event(MINUTE), logs, clock, poster, webhook, SAMPLE_COUNT="5")

    quoted = [f"r{i}" for i in range(12) if f"requestId `r{i}`" in everything_sent(poster)]
    assert quoted == ["r10", "r11"]
    assert "*Samples*, newest first (2 of 12 error lines)" in everything_sent(poster)


def test_fifty_one_log_groups_are_two_batches_added_up(logs, clock, poster, webhook) -> None:
    groups = [f"/aws/apigateway/api-{number}" for number in range(51)]
    for number, group in enumerate(groups):
        logs.put(group, spread(number % 3 + 1, status=500))

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, LOG_GROUP_NAMES=groups)

    assert summary["errors"] == sum(number % 3 + 1 for number in range(51))
    assert summary["queries"] == 6 and summary["log_groups"] == 51 and "in 6 queries" in everything_sent(poster)
    assert sorted(len(request["logGroupNames"]) for request in logs.started()) == [1] * 3 + [50] * 3


def test_the_digest_links_to_the_region_the_function_runs_in(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(2, status=500))

    run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    links = re.findall(r"<(https://[^|>]+)\|", everything_sent(poster))
    assert links and all("region=eu-west-1" in link for link in links)


def test_the_region_setting_wins_over_the_clients(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(2, status=500))

    run(scheduled_event(MINUTE), logs, clock, poster, webhook, AWS_REGION="ap-southeast-2")

    links = re.findall(r"<(https://[^|>]+)\|", everything_sent(poster))
    assert links and all("region=ap-southeast-2" in link for link in links)


@pytest.mark.parametrize(
    ("settings", "errors", "requests", "sent"),
    [
        ({}, 1, 100, True),
        ({"MIN_ERRORS": "3"}, 2, 100, False),
        ({"MIN_ERRORS": "3"}, 3, 100, True),
        ({"MIN_ERROR_RATE_PERCENT": "5"}, 4, 100, False),
        ({"MIN_ERROR_RATE_PERCENT": "5"}, 5, 100, True),
        ({"MIN_ERRORS": "2", "MIN_ERROR_RATE_PERCENT": "50"}, 2, 4, True),
        ({"MIN_ERRORS": "2", "MIN_ERROR_RATE_PERCENT": "50"}, 2, 5, False),
        ({"MIN_ERROR_RATE_PERCENT": "50"}, 99, 199, False),  # 49.7 %
        ({}, 0, 10, False),
    ],
)
def test_a_digest_is_sent_only_past_the_noise_thresholds(
    settings: dict[str, str], errors: int, requests: int, sent: bool, logs, clock, poster, webhook
) -> None:
    logs.put(GROUP, spread(errors, status=500) + spread(requests - errors, START + 1, status=200))

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, **settings)

    assert summary["errors"] == errors and summary["requests"] == requests
    assert summary["reported"] is True  # below the thresholds is a reported (quiet) window, not a failure
    assert (len(poster.bodies) == 1) is sent and summary["messages_sent"] == (1 if sent else 0)
    assert summary["delivery_failed"] == 0 and summary["problems"] == []


def test_lines_nobody_can_read_are_reported_even_without_errors(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, [*spread(3, status=200), (START + 5, "not json at all"), (START + 6, '{"status": "-"}')])

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, MIN_ERRORS="5")

    assert (summary["errors"], summary["unparsed"], summary["lines"]) == (0, 2, 5)
    assert len(poster.bodies) == 1 and "*2 lines* could not be read" in summary_text(poster.bodies[0])


def test_ignored_statuses_and_routes_are_neither_counted_nor_quoted(logs, clock, poster, webhook) -> None:
    logs.put(
        GROUP,
        spread(2, prefix="not-found-", status=404)
        + spread(3, START + 1, prefix="health-", status=500, resourcePath="/health", httpMethod="GET")
        + spread(4, START + 240_000, prefix="error-", status=503),
    )

    summary = run(
        scheduled_event(MINUTE),
        logs,
        clock,
        poster,
        webhook,
        IGNORE_STATUSES=[404],
        IGNORE_ROUTES=["GET /health"],
    )

    # Ignored routes are filtered out by the queries (never read); ignored statuses are read and set aside.
    assert summary["errors"] == 4 and summary["ignored"] == 2 and summary["lines"] == 6
    quoted = re.findall(r"requestId `([^`]+)`", everything_sent(poster))
    assert sorted(quoted) == [f"error-{i}" for i in range(4)]
    sections = [block["text"]["text"] for block in poster.bodies[0]["blocks"] if block["type"] == "section"]
    [statuses] = [text for text in sections if text.startswith("*By status*")]
    [routes] = [text for text in sections if text.startswith("*By route*")]
    assert "`404`" not in statuses and "/health" not in routes
    # ...and the digest says what it left out.
    assert "2 responses with ignored statuses 404" in summary_text(poster.bodies[0])
    assert "GET /health" in everything_sent(poster)


def test_a_dry_run_builds_the_digest_and_sends_nothing(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(3, status=500))
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)

    outcome = run_window(
        load_settings(environment()),
        Invocation(MANUAL, Window(START, END)),
        dependencies,
        time_budget_s=60,
        send=False,
    )

    assert len(outcome.payloads) == 1 and "*3* errors" in summary_text(outcome.payloads[0])
    assert poster.bodies == [] and webhook.fetched == []
    assert outcome.unreported == "" and outcome.summary["messages_sent"] == 0 and outcome.summary["kind"] == MANUAL


# ----------------------------------------------------------------------------------------------------------------
# Windows that go unreported raise (Lambda retries, then the failure queue); the others never do
# ----------------------------------------------------------------------------------------------------------------


def test_a_window_no_query_could_count_raises_after_logging_its_summary(logs, clock, poster, webhook, caplog) -> None:
    logs.refuse_starts = ["AccessDeniedException"] * 4  # totals and counts, then the split routes and minutes

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"), pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    summary = raised.value.summary
    assert summary["reported"] is False and summary["complete"] is False and summary["incomplete"] == 1
    assert summary["queries"] == 0 and poster.bodies == []
    assert format_iso(START) in str(raised.value) and str(raised.value).endswith("could not be counted")
    assert summary["query_failures"] == 4
    assert any("AccessDeniedException" in problem for problem in summary["problems"])
    [record] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert record.levelno == logging.ERROR and record.summary == summary


def test_one_failed_count_query_leaves_the_others_counting_and_the_digest_says_lower_bound(
    logs, clock, poster, webhook
) -> None:
    logs.put(GROUP, spread(6, status=500))
    logs.refuse_starts = ["AccessDeniedException"]  # the first query started (totals) fails

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    assert summary["reported"] is True and summary["complete"] is False and summary["incomplete"] == 1
    assert summary["errors"] == 6 and summary["queries"] == 2 and len(poster.bodies) == 1
    assert summary["query_failures"] == 1
    assert any(
        problem.startswith("totals: StartQuery failed: AccessDeniedException") for problem in summary["problems"]
    )


def test_the_first_window_after_a_deploy_is_empty_and_reported(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, [], created_ms=END + 30_000)  # created after the window: StartQuery refuses its range

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    assert summary["reported"] is True and summary["complete"] is True and summary["errors"] == 0
    assert summary["queries"] == 0 and poster.bodies == [] and summary["problems"] == []
    described = [request for name, request in logs.calls if name == "describe_log_groups"]
    assert described == [{"logGroupNamePrefix": GROUP, "limit": 1}] * 2  # judged by its creation time


@pytest.mark.parametrize("refusal", ["any", "all"])
def test_a_log_group_created_after_the_window_is_left_out_and_the_others_are_counted(
    refusal, logs, clock, poster, webhook
) -> None:
    new = "/aws/apigateway/created-just-now"
    logs.empty_range_refusal = refusal  # AWS does not say whether one new group refuses the whole batch
    logs.put(GROUP, spread(3, status=500))
    logs.put(new, [], created_ms=END + 30_000)

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, LOG_GROUP_NAMES=[GROUP, new])

    assert summary["errors"] == 3 and summary["complete"] is True and summary["problems"] == []
    accepted = [query.log_group_names for query in logs.queries.values()]
    assert accepted == ([[GROUP]] * 3 if refusal == "any" else [[GROUP, new]] * 3)


def test_a_refusal_no_log_group_explains_is_a_failure_with_awss_message(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(3, status=500))
    logs.refuse_starts = ["MalformedQueryException"]  # not about the range: the group existed all along

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    assert summary["complete"] is False and summary["query_failures"] == 1
    assert any(
        problem.startswith("totals: StartQuery failed: MalformedQueryException") for problem in summary["problems"]
    )


def test_queries_still_running_when_the_time_runs_out_are_stopped_and_the_window_raises(
    logs, clock, poster, webhook
) -> None:
    logs.put(GROUP, spread(3, status=500))
    logs.running_polls = 10**6

    with pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook, budget_ms=30_000)

    stopped = {request["queryId"] for name, request in logs.calls if name == "stop_query"}
    assert stopped == set(logs.queries) and len(stopped) == 2
    # The queries got the budget minus the reserves for Slack and the summary, and no more.
    assert 15 <= clock.now - 1000.0 < 30
    assert raised.value.summary["reported"] is False


def test_a_short_budget_keeps_a_quarter_of_it_for_slack_and_a_second_for_the_summary(
    logs, clock, poster, webhook
) -> None:
    logs.put(GROUP, spread(3, status=500))
    logs.running_polls = 10**6
    started = clock.now

    with pytest.raises(NotifierError):
        run(scheduled_event(MINUTE), logs, clock, poster, webhook, budget_ms=8_000)

    # 8 s: the queries may poll until 8 - 1 - 8 / 4 = 5 s, and stop at most one poll interval (2 s) before.
    assert 3.0 < clock.now - started <= 5.0


def test_a_lambda_context_without_a_clock_gets_the_default_budget(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(1, status=500))
    logs.running_polls = 10**6
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)

    with pytest.raises(NotifierError):
        lambda_handler(scheduled_event(MINUTE), object(), dependencies=dependencies, environ=environment())

    assert DEFAULT_TIME_BUDGET_S / 2 < clock.now - 1000.0 < DEFAULT_TIME_BUDGET_S


def test_a_digest_slack_refuses_raises_without_the_url_and_drops_the_cached_url(
    logs, clock, poster, webhook, caplog
) -> None:
    logs.put(GROUP, spread(2, status=500))
    poster.answers = [HttpAnswer(404, f"no_service {WEBHOOK}")]

    with caplog.at_level(logging.DEBUG), pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    summary = raised.value.summary
    assert any("no_service" in problem and "[hidden]" in problem for problem in summary["problems"])
    assert summary["delivery_failed"] == 1 and summary["messages_sent"] == 0 and summary["reported"] is False
    assert "could not be delivered" in str(raised.value)
    assert webhook.invalidated == [PARAMETER]
    for secret in ("T0SECRET", "B0SECRET", "xsecretsecretsecret"):
        assert secret not in json.dumps(summary) and secret not in str(raised.value) and secret not in caplog.text


def test_a_digest_slack_fails_with_a_server_error_keeps_the_cached_url(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(2, status=500))
    poster.answers = [HttpAnswer(500, "rollup_error")] * 10
    started = clock.now

    with pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook, budget_ms=20_000)

    assert webhook.invalidated == [] and len(poster.bodies) > 1  # retried, same URL
    assert clock.now - started < 20  # the retries stopped before Lambda's timeout
    assert any("rollup_error" in problem for problem in raised.value.summary["problems"])


def test_an_unreadable_webhook_parameter_is_an_unreported_window(logs, clock, poster) -> None:
    logs.put(GROUP, spread(2, status=500))
    webhook = WebhookSource(error=WebhookParameterError("parameter /x: ParameterNotFound"))

    with pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    assert "ParameterNotFound" in " ".join(raised.value.summary["problems"]) and poster.bodies == []


def test_without_a_webhook_parameter_the_digest_cannot_be_sent(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(2, status=500))
    settings = dataclasses.replace(load_settings(environment()), webhook_parameter_name="")
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)

    outcome = run_window(settings, Invocation(MANUAL, Window(START, END)), dependencies, time_budget_s=60)

    assert outcome.unreported == "the digest could not be delivered"
    assert outcome.summary["problems"][0].startswith("WEBHOOK_PARAMETER_NAME is not set")
    assert webhook.fetched == [] and poster.bodies == []


# ----------------------------------------------------------------------------------------------------------------
# Alarm digests, ignored and invalid events
# ----------------------------------------------------------------------------------------------------------------


def test_an_alarm_digest_is_sent_even_without_errors_and_names_the_alarm(
    logs, clock, poster, webhook, load_fixture
) -> None:
    message = load_fixture("cloudwatch-alarm-message.json")
    logs.put(GROUP, spread(1, status=200))

    summary = run(
        alarm_event(message), logs, clock, poster, webhook, ALARM_NAMES=[message["AlarmName"]], MIN_ERRORS="1000"
    )

    assert summary["kind"] == "alarm" and summary["alarm"] == message["AlarmName"]
    assert len(poster.bodies) == 1 and message["AlarmName"] in everything_sent(poster)
    # The alarm changed state at 09:32:04 after one 60 s period; the scheduled run at 09:35 reports
    # [09:29, 09:34), which holds that period (README: a run at M reports [M - 5 min - 60 s, M - 60 s)).
    assert "the complete numbers come in the scheduled digest at 09:35 UTC" in summary_text(poster.bodies[0])
    # Its message names the datapoint it judged (09:31); the window adds the 60 s ingestion lag before it.
    assert (
        "The alarm judged 1 datapoint from 09:31 to 09:32 UTC; the window also holds the 1 min before, for late log "
        "delivery" in summary_text(poster.bodies[0])
    )
    assert (summary["window_start"], summary["window_end"]) == ("2026-11-25T09:30:00.000Z", "2026-11-25T09:32:00.000Z")


def test_an_alarm_message_without_datapoints_reports_its_evaluation_periods_and_says_so(
    logs, clock, poster, webhook, load_fixture
) -> None:
    message = load_fixture("cloudwatch-alarm-message.json")
    message["NewStateReason"] = "Threshold Crossed: no datapoints were received for 1 period [Breaching]."
    message["Trigger"]["EvaluationPeriods"] = 3
    logs.put(GROUP, spread(1, status=500))

    summary = run(alarm_event(message), logs, clock, poster, webhook, ALARM_NAMES=[message["AlarmName"]])

    assert (summary["window_start"], summary["window_end"]) == ("2026-11-25T09:29:00.000Z", "2026-11-25T09:33:00.000Z")
    assert (
        "The alarm's message names no datapoints: the window is its 3 periods of 60 s before it changed"
        in summary_text(poster.bodies[0])
    )


def test_an_sns_message_from_another_alarm_is_ignored_and_reported(logs, clock, poster, webhook, load_fixture) -> None:
    message = load_fixture("cloudwatch-alarm-message.json")

    summary = run(alarm_event(message), logs, clock, poster, webhook, ALARM_NAMES=["someone-else"])

    assert summary["kind"] == "ignored" and summary["reported"] is True and len(summary["problems"]) == 1
    assert logs.calls == [] and poster.bodies == []


def test_an_event_that_names_no_window_raises_after_its_summary(logs, clock, poster, webhook, caplog) -> None:
    event = {**scheduled_event(MINUTE), "time": "yesterday"}

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"), pytest.raises(NotifierError) as raised:
        run(event, logs, clock, poster, webhook)

    assert raised.value.summary["kind"] == "invalid" and raised.value.summary["reported"] is False
    [record] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert record.levelno == logging.ERROR and logs.calls == []


def test_a_wrong_environment_raises_before_any_call(logs, clock, poster, webhook) -> None:
    with pytest.raises(ConfigError, match="LOG_GROUP_NAMES"):
        run(scheduled_event(MINUTE), logs, clock, poster, webhook, LOG_GROUP_NAMES="[]")
    assert logs.calls == []


# ----------------------------------------------------------------------------------------------------------------
# The one summary line, its metrics, and the loggers
# ----------------------------------------------------------------------------------------------------------------


def test_one_summary_line_per_run_carries_its_embedded_metrics(logs, clock, poster, webhook, caplog) -> None:
    logs.put(GROUP, [*spread(4, status=500), (START + 7, "garbage")])

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"):
        summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    [record] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert record.levelno == logging.INFO
    assert json.loads(record.getMessage().removeprefix("run summary ")) == summary == record.summary
    assert record._aws["Timestamp"] == clock.wall_ms
    assert (record.Errors, record.UnparsedLines, record.FunctionName) == (4.0, 1.0, FUNCTION)


@pytest.mark.parametrize(
    ("log_level", "runtime_level", "logged_at"),
    [
        ("INFO", "", logging.INFO),
        ("WARN", "", logging.WARNING),
        ("ERROR", "", logging.ERROR),
        ("INFO", "ERROR", logging.ERROR),  # Lambda's application log level wins, and the line still gets through
    ],
)
def test_the_summary_line_and_its_metrics_get_through_whatever_the_log_level(
    log_level, runtime_level, logged_at, logs, clock, poster, webhook, restored_loggers, caplog, monkeypatch
) -> None:
    logs.put(GROUP, spread(2, status=500))
    if runtime_level:
        # The Lambda runtime applies AWS_LAMBDA_LOG_LEVEL to the root logger; the package then inherits it.
        monkeypatch.setattr(logging.getLogger(), "level", getattr(logging, runtime_level))
        logging.getLogger("accesslog_notifier").setLevel(logging.NOTSET)
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)
    environ = {**environment(LOG_LEVEL=log_level), "AWS_LAMBDA_LOG_LEVEL": runtime_level}

    lambda_handler(scheduled_event(MINUTE), FakeContext(clock), dependencies=dependencies, environ=environ)

    emitted = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    threshold = logging.getLogger("accesslog_notifier").getEffectiveLevel()
    assert [record.levelno for record in emitted] == [logged_at] and logged_at >= threshold
    assert emitted[0].Errors == 2.0


@pytest.fixture
def restored_loggers() -> Iterator[None]:
    names = (
        "accesslog_notifier",
        "botocore",
        "botocore.endpoint",
        "botocore.parsers.deep",
        "botocore.hooks",
        "urllib3",
        "boto3",
    )
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize(("runtime_level", "expected"), [("", logging.WARNING), ("DEBUG", logging.ERROR)])
def test_log_level_applies_unless_lambda_sets_the_level(
    runtime_level: str, expected: int, restored_loggers: None
) -> None:
    logging.getLogger("accesslog_notifier").setLevel(logging.ERROR)
    environ = {**environment(LOG_LEVEL="WARN"), "AWS_LAMBDA_LOG_LEVEL": runtime_level}

    configure_logging(load_settings(environ), environ)

    assert logging.getLogger("accesslog_notifier").level == expected


def test_sdk_loggers_never_log_below_warning(restored_loggers: None) -> None:
    logging.getLogger("botocore").setLevel(logging.DEBUG)
    logging.getLogger("botocore.endpoint").setLevel(logging.DEBUG)
    logging.getLogger("botocore.parsers.deep").setLevel(logging.INFO)
    logging.getLogger("botocore.hooks").setLevel(logging.NOTSET)
    logging.getLogger("urllib3").setLevel(logging.NOTSET)
    logging.getLogger("accesslog_notifier").setLevel(logging.DEBUG)

    quiet_sdk_loggers()

    assert logging.getLogger("botocore").level == logging.WARNING
    assert logging.getLogger("botocore.endpoint").level == logging.WARNING
    assert logging.getLogger("botocore.parsers.deep").level == logging.WARNING
    assert logging.getLogger("botocore.hooks").level == logging.NOTSET  # inherits WARNING from botocore
    assert logging.getLogger("urllib3").level == logging.WARNING
    assert logging.getLogger("accesslog_notifier").level == logging.DEBUG


def test_default_dependencies_read_the_webhook_through_one_lazy_ssm_client(monkeypatch) -> None:
    import accesslog_notifier.handler as handler

    made: list[str] = []

    class FakeSsm:
        def get_parameter(self, Name: str, WithDecryption: bool) -> dict[str, Any]:
            assert WithDecryption
            return {"Parameter": {"Name": Name, "Value": f"https://hooks.slack.com/services/T/B/{Name[1:]}"}}

    def fake_client(service: str) -> Any:
        made.append(service)
        return FakeSsm() if service == "ssm" else InMemoryLogs()

    monkeypatch.setattr(handler, "_default_dependencies", None)
    monkeypatch.setattr(handler, "_boto3_client", fake_client)

    dependencies = default_dependencies()
    assert made == ["logs"]  # SSM only when a digest is to be sent
    urls = [dependencies.fetch_webhook_url("/a"), dependencies.fetch_webhook_url("/b")]

    assert urls == ["https://hooks.slack.com/services/T/B/a", "https://hooks.slack.com/services/T/B/b"]
    assert made == ["logs", "ssm"]


def test_default_dependencies_are_made_once_per_container(monkeypatch) -> None:
    import accesslog_notifier.handler as handler

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(handler, "_default_dependencies", None)

    first, second = default_dependencies(), default_dependencies()

    assert first is second and first.logs_client.meta.region_name == "eu-west-1"
    # Throttling is retried (standard mode), and a stuck connection costs seconds, not botocore's default 60 s.
    config = first.logs_client.meta.config
    assert config.retries["mode"] == "standard"
    assert (config.connect_timeout, config.read_timeout) == (5, 30)


def test_a_webhook_source_without_a_cache_is_fine_when_slack_refuses(logs, clock, poster) -> None:
    logs.put(GROUP, spread(1, status=500))
    poster.answers = [HttpAnswer(410, "channel_is_archived")]
    dependencies = Dependencies(logs, {PARAMETER: WEBHOOK}.__getitem__, poster, clock.as_clock(), clock.now_ms)

    with pytest.raises(NotifierError) as raised:
        lambda_handler(scheduled_event(MINUTE), FakeContext(clock), dependencies=dependencies, environ=environment())

    assert any("channel_is_archived" in problem for problem in raised.value.summary["problems"])


def test_a_long_problem_is_cut_in_the_summary(logs, clock, poster) -> None:
    logs.put(GROUP, spread(1, status=500))
    webhook = WebhookSource(error=WebhookParameterError("parameter /x: " + "x" * 600))

    with pytest.raises(NotifierError) as raised:
        run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    [problem] = raised.value.summary["problems"]
    assert problem.startswith("parameter /x: xxx") and 200 < len(problem) <= 300


def test_elapsed_time_is_what_the_run_took(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(1, status=500))
    logs.running_polls = 2  # two waits before the answers: 0.25 s then 0.375 s on the fake clock
    started = clock.now

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook)

    assert summary["elapsed_ms"] == round((clock.now - started) * 1000) > 0


def test_without_samples_no_samples_query_runs(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(3, status=500))

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, SAMPLE_COUNT="0")

    assert summary["queries"] == 2 and "requestId `" not in everything_sent(poster)
    assert not any("sort @timestamp desc" in request["queryString"] for request in logs.started())


def test_ignored_statuses_do_not_crowd_out_the_samples(logs, clock, poster, webhook) -> None:
    # The newest error lines are all ignored 404s; the sample must still be the older 503.
    logs.put(GROUP, [(START + 1000, access_line(requestId="the-503", status=503))])
    logs.put(GROUP, spread(30, START + 60_000, prefix="scanner-", status=404))

    run(scheduled_event(MINUTE), logs, clock, poster, webhook, SAMPLE_COUNT="1", IGNORE_STATUSES=[404])

    assert re.findall(r"requestId `([^`]+)`", everything_sent(poster)) == ["the-503"]


def test_samples_are_the_newest_across_batches_of_log_groups(logs, clock, poster, webhook) -> None:
    groups = [f"/aws/apigateway/api-{number}" for number in range(51)]
    for number, group in enumerate(groups):
        logs.put(group, [(START + number * 1000, access_line(requestId=f"g{number}", status=500))])

    run(scheduled_event(MINUTE), logs, clock, poster, webhook, LOG_GROUP_NAMES=groups, SAMPLE_COUNT="2")

    assert re.findall(r"requestId `([^`]+)`", everything_sent(poster)) == ["g50", "g49"]


def test_problems_of_every_batch_are_kept(logs, clock, poster, webhook) -> None:
    groups = [f"/aws/apigateway/api-{number}" for number in range(51)]
    for group in groups:
        logs.put(group, spread(1, status=500))
    logs.refuse_starts = ["AccessDeniedException"]  # the first batch's first query

    summary = run(scheduled_event(MINUTE), logs, clock, poster, webhook, LOG_GROUP_NAMES=groups)

    assert len([problem for problem in summary["problems"] if "AccessDeniedException" in problem]) == 1
    assert summary["errors"] == 51


def test_a_manual_invocation_reports_the_window_that_just_ended(logs, clock, poster, webhook) -> None:
    now = MINUTE + 125_000  # 09:37:05
    clock.wall_ms = now
    logs.put(GROUP, spread(2, status=500))

    summary = run({}, logs, clock, poster, webhook)

    # As if scheduled at the current minute (09:37): [09:31, 09:36).
    assert summary["kind"] == "manual"
    assert (summary["window_start"], summary["window_end"]) == tuple(map(format_iso, window_of(now)))


def test_the_budget_is_what_the_lambda_context_says_is_left() -> None:
    from accesslog_notifier.handler import _time_budget_s

    assert _time_budget_s(FakeContext(FakeClock(), 123_456)) == 123.456
    assert _time_budget_s(object()) == DEFAULT_TIME_BUDGET_S


def test_the_handler_reads_the_process_environment_by_default(logs, clock, poster, webhook, monkeypatch) -> None:
    for name, value in environment().items():
        monkeypatch.setenv(name, value)
    logs.put(GROUP, spread(2, status=500))
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)

    summary = lambda_handler(scheduled_event(MINUTE), FakeContext(clock), dependencies=dependencies)

    assert summary["errors"] == 2 and webhook.fetched == [PARAMETER]


def test_summary_lines_are_sorted_json_with_the_functions_metrics(logs, clock, poster, webhook, caplog) -> None:
    logs.put(GROUP, spread(1, status=500))
    environ = {key: value for key, value in environment().items() if key != "AWS_LAMBDA_FUNCTION_NAME"}
    dependencies = Dependencies(logs, webhook, poster, clock.as_clock(), clock.now_ms)

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"):
        lambda_handler(scheduled_event(MINUTE), FakeContext(clock), dependencies=dependencies, environ=environ)

    [record] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    keys = list(json.loads(record.getMessage().removeprefix("run summary ")))
    assert keys == sorted(keys)
    assert record.FunctionName == "accesslog-notifier"  # outside Lambda: the metrics still have a dimension


def test_an_invalid_event_is_logged_with_its_metrics_and_reason(logs, clock, poster, webhook, caplog) -> None:
    event = {**scheduled_event(MINUTE), "time": "yesterday"}

    with caplog.at_level(logging.INFO, logger="accesslog_notifier"), pytest.raises(NotifierError) as raised:
        run(event, logs, clock, poster, webhook)

    [record] = [record for record in caplog.records if record.getMessage().startswith("run summary")]
    assert record.FunctionName == FUNCTION and record._aws["Timestamp"] == clock.wall_ms
    assert str(raised.value) == raised.value.summary["problems"][0] and "time" in str(raised.value)


def test_waiting_out_slacks_rate_limit_never_runs_past_the_lambda_timeout(logs, clock, poster, webhook) -> None:
    logs.put(GROUP, spread(1, status=500))
    poster.answers = [HttpAnswer(429, "rate_limited", {"Retry-After": "5"})] * 50
    started = clock.now

    with pytest.raises(NotifierError):
        run(scheduled_event(MINUTE), logs, clock, poster, webhook, budget_ms=20_000)

    assert clock.now - started < 20 and len(poster.bodies) >= 3  # it waited and retried, then gave up in time
