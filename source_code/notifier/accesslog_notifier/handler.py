"""The Lambda handler: event -> window -> queries -> totals -> digest -> Slack, then one summary log line.

What a run promises (the module README and CONTRIBUTING.md say it to people):

- A delivered digest is final. When the counts are lower bounds (a query failed, a result was cut) the digest says
  "at least" and the run still succeeds: a retry would only send the window again.
- A run that could not report its window raises after logging its summary: the digest it had could not be
  delivered, or no counting query answered at all. Lambda retries it (same event, same window); after the retries
  the event goes to the on-failure destination, from which ``python -m accesslog_notifier replay`` reports exactly
  that window, and Lambda's AsyncEventsDropped sets off the failure alarm.
- Every run logs one summary line, which also carries its CloudWatch metrics (metrics.py).

Dependencies (Logs client, webhook reader, HTTP poster, clock) are injectable; the defaults are created once per
container, and boto3 picks up ``AWS_ENDPOINT_URL`` so the same code runs against the emulator.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.aggregate import Rules, Totals
from accesslog_notifier.config import Settings, load_settings
from accesslog_notifier.counting import count_window
from accesslog_notifier.digest import AlarmContext, Report, build_messages
from accesslog_notifier.events import ALARM, IGNORED, INVALID, Invocation, classify, scheduled_runs_covering
from accesslog_notifier.insights import Clock
from accesslog_notifier.metrics import embedded_metrics
from accesslog_notifier.queries import sample_rows_for
from accesslog_notifier.records import safe_text
from accesslog_notifier.redaction import get_logger, redact
from accesslog_notifier.slack import Poster, SlackDeliveryError, deliver, urllib_post
from accesslog_notifier.webhook import WebhookParameterError, WebhookUrlCache
from accesslog_notifier.window import format_iso

logger = get_logger(__name__)

PACKAGE_LOGGER = "accesslog_notifier"
# botocore logs response bodies at DEBUG, which would include the decrypted webhook parameter: these loggers are
# kept at WARNING or above on every invocation, whatever else configured them.
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
DEFAULT_TIME_BUDGET_S = 300.0
FINAL_RESERVE_S = 1.0  # to log the summary and return after the last Slack attempt
SLACK_RESERVE_MAX_S = 30.0  # kept back from the queries for delivery (Retry-After waits, backoff)
WEBHOOK_REFUSED_STATUSES = frozenset({403, 404, 410})


class NotifierError(Exception):
    """The run could not report its window; its summary was logged first."""

    def __init__(self, message: str, summary: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.summary = dict(summary)


@dataclass
class Dependencies:
    """What a run talks to. Tests build their own; Lambda uses :func:`default_dependencies`."""

    logs_client: Any
    fetch_webhook_url: Callable[[str], str]
    post: Poster = urllib_post
    clock: Clock = field(default_factory=Clock)
    now_ms: Callable[[], int] = field(default=lambda: time.time_ns() // 1_000_000)


_default_dependencies: Dependencies | None = None
_default_lock = threading.Lock()


def aws_session() -> Any:
    """A boto3 session in the region of AWS_REGION when set (Lambda sets it; the AWS CLI reads it, boto3 alone
    reads only AWS_DEFAULT_REGION and profiles), else boto3's own choice."""
    import boto3

    return boto3.session.Session(region_name=os.environ.get("AWS_REGION") or None)


def _boto3_client(service: str) -> Any:
    from botocore.config import Config

    # Standard retries handle throttling; AWS_MAX_ATTEMPTS / AWS_ENDPOINT_URL from the environment still apply.
    config = Config(retries={"mode": "standard"}, connect_timeout=5, read_timeout=30)
    return aws_session().client(service, config=config)


def default_dependencies() -> Dependencies:
    """The container-wide dependencies, created on first use (boto3 clients once per container)."""
    global _default_dependencies
    with _default_lock:
        if _default_dependencies is None:
            ssm_clients: list[Any] = []

            def ssm_client() -> Any:
                if not ssm_clients:
                    ssm_clients.append(_boto3_client("ssm"))
                return ssm_clients[0]

            _default_dependencies = Dependencies(
                logs_client=_boto3_client("logs"), fetch_webhook_url=WebhookUrlCache(ssm_client)
            )
        return _default_dependencies


def quiet_sdk_loggers() -> None:
    """Keep the botocore, boto3, urllib3 (and s3transfer) loggers, and their children, at WARNING or above."""
    for name in list(logging.Logger.manager.loggerDict):
        child = logging.getLogger(name)
        # A child left at NOTSET inherits its parent's level, which the loop below raises.
        if name.partition(".")[0] in SDK_LOGGERS and child.level != logging.NOTSET:
            child.setLevel(max(child.level, logging.WARNING))
    for name in SDK_LOGGERS:
        sdk_logger = logging.getLogger(name)
        sdk_logger.setLevel(max(sdk_logger.level, logging.WARNING))


def configure_logging(settings: Settings, environ: Mapping[str, str]) -> None:
    """Apply LOG_LEVEL to this package, unless the Lambda runtime already set a level (AWS_LAMBDA_LOG_LEVEL)."""
    quiet_sdk_loggers()
    if not environ.get("AWS_LAMBDA_LOG_LEVEL"):
        logging.getLogger(PACKAGE_LOGGER).setLevel(settings.log_level)


@dataclass
class RunOutcome:
    """A run's summary, the payloads it built, and whether its window went unreported (with why)."""

    summary: dict[str, Any]
    payloads: list[dict[str, Any]]
    unreported: str = ""


def _region(settings: Settings, logs_client: Any) -> str:
    """The region the links point at: AWS_REGION (set by Lambda), else the Logs client's (boto3 always has one)."""
    return settings.region or logs_client.meta.region_name


def worth_reporting(totals: Totals, settings: Settings, invocation_kind: str) -> bool:
    """Errors past the noise thresholds, or lines nobody can read (an alarm digest always goes out)."""
    if invocation_kind == ALARM:
        return True
    if totals.unparsed:
        return True
    # Every error is also a request (both come from the same status groups), so requests > 0 here.
    errors_enough = totals.errors >= max(settings.min_errors, 1)
    return errors_enough and 100 * totals.errors >= settings.min_error_rate_percent * totals.requests


def run_window(
    settings: Settings,
    invocation: Invocation,
    dependencies: Dependencies,
    *,
    time_budget_s: float,
    send: bool = True,
) -> RunOutcome:
    """Count ``invocation.window``, build the digest and (with ``send``) deliver it; never raises for run-time
    problems: the outcome says whether the window went unreported."""
    assert invocation.window is not None
    window = invocation.window
    clock = dependencies.clock
    started = clock.monotonic()
    final_deadline = started + time_budget_s - FINAL_RESERVE_S
    query_deadline = final_deadline - min(SLACK_RESERVE_MAX_S, time_budget_s / 4)

    counted_window = count_window(
        dependencies.logs_client,
        window,
        settings.log_group_names,
        rules=Rules(settings.error_status_threshold, frozenset(settings.ignore_statuses), settings.ignore_routes),
        sample_count=settings.sample_count,
        sample_rows=sample_rows_for(settings.sample_count),
        concurrency=settings.query_concurrency,
        deadline=query_deadline,
        clock=clock,
        now_ms=dependencies.now_ms,
    )
    totals, problems, counted = counted_window.totals, list(counted_window.problems), counted_window.counted
    outcomes = counted_window.outcomes
    region = _region(settings, dependencies.logs_client)

    alarm = None
    if invocation.alarm is not None:
        runs = scheduled_runs_covering(window, settings.schedule_interval_minutes, settings.ingestion_lag_seconds)
        notice = invocation.alarm
        alarm = AlarmContext(
            notice.alarm_name,
            notice.state_change_ms,
            tuple(run_window for _, run_window in runs),
            tuple(minute for minute, _ in runs),
            judged_ms=notice.datapoints_ms,
            period_seconds=notice.period_seconds,
            evaluation_periods=notice.evaluation_periods,
            lag_seconds=settings.ingestion_lag_seconds,
        )
    payloads: list[dict[str, Any]] = []
    if counted and worth_reporting(totals, settings, invocation.kind):
        report = Report(
            title=settings.message_title,
            window=window,
            log_group_names=settings.log_group_names,
            region=region,
            insights_query=counted_window.queries.samples_for(window) or counted_window.queries.counts,
            threshold=settings.error_status_threshold,
            totals=totals,
            queries_run=sum(1 for outcome in outcomes if outcome.query_id),
            ignore_statuses=settings.ignore_statuses,
            ignore_routes=settings.ignore_routes,
            alarm=alarm,
        )
        payloads = build_messages(report, top_n=settings.top_n, max_messages=settings.max_messages)

    sent, delivery_problem = 0, ""
    if payloads and send:
        sent, delivery_problem = _send(settings, payloads, dependencies, final_deadline)
        if delivery_problem:
            problems.append(delivery_problem)

    unreported = ""
    if not counted:
        unreported = "no counting query answered, so the window could not be counted"
    elif payloads and send and sent == 0:
        unreported = "the digest could not be delivered"
    summary = {
        "kind": invocation.kind,
        "window_start": format_iso(window.start_ms),
        "window_end": format_iso(window.end_ms),
        "log_groups": len(settings.log_group_names),
        "queries": sum(1 for outcome in outcomes if outcome.query_id),
        "query_failures": sum(1 for outcome in outcomes if outcome.status == "Failed"),
        "rows_read": sum(len(outcome.rows) for outcome in outcomes),
        "lines": totals.lines,
        "requests": totals.requests,
        "errors": totals.errors,
        "ignored": totals.ignored,
        "unparsed": totals.unparsed,
        "complete": totals.complete and counted,
        "incomplete": 0 if totals.complete and counted else 1,
        "messages_planned": len(payloads),
        "messages_sent": sent,
        "delivery_failed": 1 if delivery_problem else 0,
        "reported": not unreported,
        "bytes_scanned": round(totals.bytes_scanned),
        "elapsed_ms": round((clock.monotonic() - started) * 1000),
        "problems": [safe_text(redact(problem), 300) for problem in problems + totals.lower_bounds],
    }
    if invocation.alarm is not None:
        summary["alarm"] = invocation.alarm.alarm_name
    return RunOutcome(summary, payloads, unreported)


def _send(
    settings: Settings, payloads: list[dict[str, Any]], dependencies: Dependencies, deadline: float
) -> tuple[int, str]:
    """(messages delivered, what went wrong or "")."""
    parameter_name = settings.webhook_parameter_name
    if not parameter_name:
        return 0, "WEBHOOK_PARAMETER_NAME is not set, so the digest could not be sent"
    try:
        webhook_url = dependencies.fetch_webhook_url(parameter_name)
    except WebhookParameterError as error:
        return 0, str(error)
    try:
        return deliver(webhook_url, payloads, clock=dependencies.clock, deadline=deadline, post=dependencies.post), ""
    except SlackDeliveryError as error:
        invalidate = getattr(dependencies.fetch_webhook_url, "invalidate", None)
        if error.status in WEBHOOK_REFUSED_STATUSES and callable(invalidate):
            invalidate(parameter_name)
        return error.sent, redact(str(error), [webhook_url])


def _time_budget_s(context: Any) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 if callable(remaining) else DEFAULT_TIME_BUDGET_S


def lambda_handler(
    event: Any,
    context: Any,
    *,
    dependencies: Dependencies | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Report the window the event names to Slack; returns the run summary.

    Raises ConfigError before doing anything when the environment is wrong, and NotifierError, after logging the
    summary, when the window went unreported (so Lambda retries it, then sends it to the on-failure destination).
    """
    quiet_sdk_loggers()
    environ = os.environ if environ is None else environ
    settings = load_settings(environ)
    configure_logging(settings, environ)
    dependencies = dependencies or default_dependencies()
    invocation = classify(
        event,
        dependencies.now_ms(),
        interval_minutes=settings.schedule_interval_minutes,
        lag_seconds=settings.ingestion_lag_seconds,
        alarm_names=settings.alarm_names,
    )
    function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME", "accesslog-notifier")
    if invocation.kind in (IGNORED, INVALID):
        summary = {"kind": invocation.kind, "reported": invocation.kind == IGNORED, "problems": [invocation.reason]}
        log_summary(summary, function_name, dependencies.now_ms())
        if invocation.kind == INVALID:
            raise NotifierError(invocation.reason, summary)
        return summary

    outcome = run_window(settings, invocation, dependencies, time_budget_s=_time_budget_s(context))
    log_summary(outcome.summary, function_name, dependencies.now_ms())
    if outcome.unreported:
        raise NotifierError(
            f"window {outcome.summary['window_start']} went unreported: {outcome.unreported}", outcome.summary
        )
    return outcome.summary


def log_summary(summary: Mapping[str, Any], function_name: str, timestamp_ms: int) -> None:
    """The one summary line per run, with its metrics: INFO, ERROR when the window went unreported, and never below
    the level the function logs at (LOG_LEVEL WARN or ERROR would otherwise drop the line, and every embedded
    metric with it: CloudWatch extracts EMF metrics only from lines that reach the log group)."""
    level = logging.INFO if summary["reported"] else logging.ERROR
    level = max(level, logger.getEffectiveLevel())
    extra = {"summary": dict(summary), **embedded_metrics(summary, function_name, timestamp_ms)}
    logger.log(level, "run summary %s", json.dumps(summary, sort_keys=True), extra=extra)
