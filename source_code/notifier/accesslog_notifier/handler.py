"""The Lambda handler: event -> window -> queries -> totals -> digest -> delivery (mutes, incidents, Slack), then one
summary log line.

What a run promises (the module README and CONTRIBUTING.md say it to people):

- A delivered digest is final. When the counts are lower bounds (a query failed, a result was cut) the digest says
  "at least" and the run still succeeds: a retry would only send the window again.
- A run that could not report its window raises after logging its summary: the digest it had could not be
  delivered, or no counting query answered at all. Lambda retries it (same event, same window); after the retries
  the event goes to the on-failure destination, from which ``python -m accesslog_notifier replay`` reports exactly
  that window, and Lambda's AsyncEventsDropped sets off the failure alarm.
- Every run logs one summary line, which also carries its CloudWatch metrics (metrics.py).

- A retried or replayed run of a window already reported posts and counts nothing again (the state table says it
  was done); without the table, a window is one standalone digest.

Dependencies (Logs and DynamoDB clients, the SSM secret reader, HTTP posters, clock) are injectable; the defaults
are created once per container, and boto3 picks up ``AWS_ENDPOINT_URL`` so the same code runs against the emulator.
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
from accesslog_notifier.channels import AppChannel, WebhookChannel
from accesslog_notifier.config import Settings, load_settings
from accesslog_notifier.counting import Counted, count_window
from accesslog_notifier.delivery import Channel, Delivered, Options, deliver_window
from accesslog_notifier.delivery import Window as DeliveryWindow
from accesslog_notifier.digest import AlarmContext, Report, build_messages
from accesslog_notifier.events import ALARM, IGNORED, INVALID, MANUAL, Invocation, classify, scheduled_runs_covering
from accesslog_notifier.incidents import WindowFacts, is_critical
from accesslog_notifier.insights import Clock
from accesslog_notifier.metrics import embedded_metrics
from accesslog_notifier.queries import sample_rows_for
from accesslog_notifier.records import safe_text
from accesslog_notifier.redaction import get_logger, redact
from accesslog_notifier.slack import Poster, urllib_post
from accesslog_notifier.slack_api import ApiPoster, api_post
from accesslog_notifier.state import StateStore, scope_of
from accesslog_notifier.webhook import WebhookUrlCache
from accesslog_notifier.window import format_iso

logger = get_logger(__name__)

PACKAGE_LOGGER = "accesslog_notifier"
# botocore logs response bodies at DEBUG, which would include the decrypted webhook parameter: these loggers are
# kept at WARNING or above on every invocation, whatever else configured them.
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
DEFAULT_TIME_BUDGET_S = 300.0
FINAL_RESERVE_S = 1.0  # to log the summary and return after the last Slack attempt
SLACK_RESERVE_MAX_S = 30.0  # kept back from the queries for delivery (Retry-After waits, backoff)


class NotifierError(Exception):
    """The run could not report its window; its summary was logged first."""

    def __init__(self, message: str, summary: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.summary = dict(summary)


@dataclass
class Dependencies:
    """What a run talks to. Tests build their own; Lambda uses :func:`default_dependencies`."""

    logs_client: Any
    fetch_webhook_url: Callable[[str], str]  # reads an SSM SecureString by name: the webhook URL or the bot token
    post: Poster = urllib_post
    clock: Clock = field(default_factory=Clock)
    now_ms: Callable[[], int] = field(default=lambda: time.time_ns() // 1_000_000)
    api_post: ApiPoster = api_post
    dynamodb_client: Callable[[], Any] | None = None  # made when the state table is first used


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

            dynamodb_clients: list[Any] = []

            def dynamodb_client() -> Any:
                if not dynamodb_clients:
                    dynamodb_clients.append(_boto3_client("dynamodb"))
                return dynamodb_clients[0]

            _default_dependencies = Dependencies(
                logs_client=_boto3_client("logs"),
                fetch_webhook_url=WebhookUrlCache(ssm_client),
                dynamodb_client=dynamodb_client,
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
    run_id: str = "",
) -> RunOutcome:
    """Count ``invocation.window``, build the digest and (with ``send``) deliver it; never raises for run-time
    problems: the outcome says whether the window went unreported."""
    assert invocation.window is not None
    clock = dependencies.clock
    started = clock.monotonic()
    final_deadline = started + time_budget_s - FINAL_RESERVE_S
    query_deadline = final_deadline - min(SLACK_RESERVE_MAX_S, time_budget_s / 4)

    counted = _count(settings, invocation, dependencies, query_deadline)
    payloads = _digest(settings, invocation, counted, dependencies) if counted.counted else []
    delivered = Delivered()
    if send and counted.counted:
        delivered = _deliver(
            settings, invocation, counted, payloads, dependencies, final_deadline, run_id, time_budget_s
        )
    unreported = delivered.unreported
    if not counted.counted:
        unreported = "no counting query answered, so the window could not be counted"
    summary = _summary(settings, invocation, counted, payloads, delivered, unreported, clock.monotonic() - started)
    return RunOutcome(summary, payloads, unreported)


def _count(settings: Settings, invocation: Invocation, dependencies: Dependencies, deadline: float) -> Counted:
    assert invocation.window is not None
    return count_window(
        dependencies.logs_client,
        invocation.window,
        settings.log_group_names,
        rules=Rules(settings.error_status_threshold, frozenset(settings.ignore_statuses), settings.ignore_routes),
        sample_count=settings.sample_count,
        sample_rows=sample_rows_for(settings.sample_count),
        concurrency=settings.query_concurrency,
        deadline=deadline,
        clock=dependencies.clock,
        now_ms=dependencies.now_ms,
    )


def _alarm_context(settings: Settings, invocation: Invocation) -> AlarmContext | None:
    if invocation.alarm is None or invocation.window is None:
        return None
    runs = scheduled_runs_covering(
        invocation.window, settings.schedule_interval_minutes, settings.ingestion_lag_seconds
    )
    notice = invocation.alarm
    return AlarmContext(
        notice.alarm_name,
        notice.state_change_ms,
        tuple(run_window for _, run_window in runs),
        tuple(minute for minute, _ in runs),
        judged_ms=notice.datapoints_ms,
        period_seconds=notice.period_seconds,
        evaluation_periods=notice.evaluation_periods,
        lag_seconds=settings.ingestion_lag_seconds,
    )


def _digest(
    settings: Settings, invocation: Invocation, counted: Counted, dependencies: Dependencies
) -> list[dict[str, Any]]:
    """The window's digest payloads, when the window is worth reporting (else none)."""
    assert invocation.window is not None
    if not worth_reporting(counted.totals, settings, invocation.kind):
        return []
    report = Report(
        title=settings.message_title,
        window=invocation.window,
        log_group_names=settings.log_group_names,
        region=_region(settings, dependencies.logs_client),
        insights_query=counted.queries.samples_for(invocation.window) or counted.queries.counts,
        threshold=settings.error_status_threshold,
        totals=counted.totals,
        queries_run=sum(1 for outcome in counted.outcomes if outcome.query_id),
        ignore_statuses=settings.ignore_statuses,
        ignore_routes=settings.ignore_routes,
        alarm=_alarm_context(settings, invocation),
    )
    return build_messages(report, top_n=settings.top_n, max_messages=settings.max_messages)


def window_facts(settings: Settings, totals: Totals, start_ms: int, end_ms: int) -> WindowFacts:
    """What a window brings to its incident: counts, past the noise thresholds or not, critical or not."""
    errors_5xx = sum(count for status, count in totals.errors_by_status.items() if status >= 500)
    errors_enough = totals.errors >= max(settings.min_errors, 1)
    reportable = errors_enough and 100 * totals.errors >= settings.min_error_rate_percent * totals.requests
    return WindowFacts(
        start_ms=start_ms,
        end_ms=end_ms,
        errors=totals.errors,
        requests=totals.requests,
        errors_5xx=errors_5xx,
        errors_by_minute=dict(totals.errors_by_minute),
        reportable=reportable,
        critical=is_critical(
            errors_5xx, totals.requests, settings.critical_5xx_count, settings.critical_5xx_rate_percent
        ),
    )


def _window_key(invocation: Invocation) -> str:
    assert invocation.window is not None
    if invocation.alarm is not None:
        return f"window#alarm#{invocation.alarm.alarm_name}#{invocation.alarm.state_change_ms}"
    return f"window#{invocation.kind}#{invocation.window.start_ms}-{invocation.window.end_ms}"


def _deliver(
    settings: Settings,
    invocation: Invocation,
    counted: Counted,
    payloads: list[dict[str, Any]],
    dependencies: Dependencies,
    deadline: float,
    run_id: str,
    time_budget_s: float,
) -> Delivered:
    """Mutes, the incident and Slack (delivery.deliver_window), through the channel the settings choose."""
    assert invocation.window is not None
    window, clock = invocation.window, dependencies.clock
    now_ms = dependencies.now_ms()

    def channel() -> Channel:
        if settings.app_delivery:
            return AppChannel(
                dependencies.fetch_webhook_url,
                settings.bot_token_parameter_name,
                channel_id=settings.slack_channel_id,
                api_url=settings.slack_api_url,
                clock=clock,
                deadline=deadline,
                post=dependencies.api_post,
            )
        return WebhookChannel(
            dependencies.fetch_webhook_url,
            settings.webhook_parameter_name,
            clock=clock,
            deadline=deadline,
            post=dependencies.post,
        )

    store = None
    if settings.state_table_name and dependencies.dynamodb_client is not None and invocation.kind != MANUAL:
        store = StateStore(
            dependencies.dynamodb_client(), settings.state_table_name, scope_of(settings.log_group_names)
        )
    moment_ms = invocation.alarm.state_change_ms if invocation.alarm is not None else invocation.scheduled_ms
    totals = counted.totals
    return deliver_window(
        DeliveryWindow(
            key=_window_key(invocation),
            kind=invocation.kind,
            facts=window_facts(settings, totals, window.start_ms, window.end_ms),
            payloads=payloads,
            moment_ms=moment_ms if moment_ms is not None else now_ms,
            run_id=run_id or f"run-{now_ms}",
            now_ms=now_ms,
            claim_expires_ms=now_ms + int(time_budget_s * 1000),
            unparsed=totals.unparsed,
            errors_by_status=dict(totals.errors_by_status),
        ),
        Options(
            title=settings.message_title,
            log_group_names=settings.log_group_names,
            quiet_windows=settings.incident_quiet_windows,
            interval_minutes=settings.schedule_interval_minutes,
            mention=settings.critical_mention,
            quiet_hours=settings.quiet_hours,
            top_n=settings.top_n,
        ),
        store=store,
        channel=channel,
        clock=clock,
        deadline=deadline,
    )


def _summary(
    settings: Settings,
    invocation: Invocation,
    counted: Counted,
    payloads: list[dict[str, Any]],
    delivered: Delivered,
    unreported: str,
    elapsed_s: float,
) -> dict[str, Any]:
    """The run's summary line: what was counted, sent and went wrong (no secret, every text redacted)."""
    assert invocation.window is not None
    totals, outcomes = counted.totals, counted.outcomes
    complete = totals.complete and counted.counted
    problems = [*counted.problems, *delivered.problems, *totals.lower_bounds]
    summary = {
        "kind": invocation.kind,
        "window_start": format_iso(invocation.window.start_ms),
        "window_end": format_iso(invocation.window.end_ms),
        "log_groups": len(settings.log_group_names),
        "queries": sum(1 for outcome in outcomes if outcome.query_id),
        "query_failures": sum(1 for outcome in outcomes if outcome.status == "Failed"),
        "rows_read": sum(len(outcome.rows) for outcome in outcomes),
        "lines": totals.lines,
        "requests": totals.requests,
        "errors": totals.errors,
        "ignored": totals.ignored,
        "unparsed": totals.unparsed,
        "complete": complete,
        "incomplete": 0 if complete else 1,
        "messages_planned": len(payloads),
        "messages_sent": delivered.sent,
        "delivery_failed": 1 if delivered.unreported or any(_is_delivery(p) for p in delivered.problems) else 0,
        "reported": not unreported,
        "bytes_scanned": round(totals.bytes_scanned),
        "elapsed_ms": round(elapsed_s * 1000),
        "problems": [safe_text(redact(problem), 300) for problem in problems],
    }
    if delivered.step:
        summary["incident"] = delivered.step
    if delivered.notes:
        summary["notes"] = [safe_text(redact(note), 300) for note in delivered.notes]
    if invocation.alarm is not None:
        summary["alarm"] = invocation.alarm.alarm_name
    return summary


def _is_delivery(problem: str) -> bool:
    """Whether a delivery problem says a message did not go out (not a state-table note)."""
    return not problem.startswith(("state table", "no state table"))


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

    outcome = run_window(
        settings,
        invocation,
        dependencies,
        time_budget_s=_time_budget_s(context),
        run_id=str(getattr(context, "aws_request_id", "") or ""),
    )
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
