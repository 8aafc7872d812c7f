"""The Lambda handler: window -> Logs Insights -> digest -> Slack, one summary log line, errors raised last.

Dependencies (Logs client, webhook fetcher, HTTP poster, clock, sleep) are injectable through
:class:`Dependencies`; the defaults are created lazily, once per container, and boto3 picks up ``AWS_ENDPOINT_URL``
so the same code runs against moto's server.
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

from accesslog_notifier.config import Settings, load_settings
from accesslog_notifier.digest import Report, build_messages
from accesslog_notifier.query import Clock, build_query_string, collect
from accesslog_notifier.records import Tally
from accesslog_notifier.slack import Poster, SlackDeliveryError, deliver, urllib_post
from accesslog_notifier.window import Window, format_iso, window_for_event

logger = logging.getLogger(__name__)

PACKAGE_LOGGER = "accesslog_notifier"
# botocore logs response bodies at DEBUG, which would include the decrypted webhook parameter: these loggers are
# kept at WARNING or above on every invocation, whatever else configured them.
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
DEFAULT_TIME_BUDGET_S = 300.0
FINAL_RESERVE_S = 1.0  # to log the summary and return after the last Slack attempt
SLACK_RESERVE_MAX_S = 30.0  # kept back from the queries for delivery (Retry-After waits, backoff)
WEBHOOK_REFUSED_STATUSES = frozenset({403, 404, 410})


class NotifierError(Exception):
    """The run did not fully succeed (query failed, totals incomplete, delivery failed); the summary was logged."""

    def __init__(self, message: str, summary: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.summary = dict(summary)


class WebhookParameterError(Exception):
    """The webhook URL could not be read from SSM (the message names the parameter, never its value)."""


class WebhookUrlCache:
    """Reads the webhook URL from an SSM SecureString once per container and keeps it in memory."""

    def __init__(self, ssm_client_factory: Callable[[], Any]) -> None:
        self._ssm_client_factory = ssm_client_factory
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, parameter_name: str) -> str:
        with self._lock:
            if parameter_name not in self._urls:
                self._urls[parameter_name] = self._read(parameter_name)
            return self._urls[parameter_name]

    def _read(self, parameter_name: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._ssm_client_factory().get_parameter(Name=parameter_name, WithDecryption=True)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise WebhookParameterError(f"could not read SSM parameter {parameter_name}: {code}") from None
        except BotoCoreError as error:
            raise WebhookParameterError(
                f"could not read SSM parameter {parameter_name}: {type(error).__name__}"
            ) from None
        value = response.get("Parameter", {}).get("Value", "").strip()
        if not value:
            raise WebhookParameterError(f"SSM parameter {parameter_name} is empty")
        return value

    def invalidate(self, parameter_name: str) -> None:
        """Forget a URL Slack refused (revoked, archived channel), so a rotated parameter is read next time."""
        with self._lock:
            self._urls.pop(parameter_name, None)


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


def _boto3_client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    # Standard retries handle throttling; AWS_MAX_ATTEMPTS / AWS_ENDPOINT_URL from the environment still apply.
    config = Config(retries={"mode": "standard"}, connect_timeout=5, read_timeout=30)
    return boto3.session.Session().client(service, config=config)


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


def reset_default_dependencies() -> None:
    """Forget the container-wide dependencies (tests, or a CLI that changed its environment)."""
    global _default_dependencies
    with _default_lock:
        _default_dependencies = None


def quiet_sdk_loggers() -> None:
    """Force the botocore, boto3, urllib3 (and s3transfer) loggers, and any of their children, to WARNING+."""
    for name in list(logging.Logger.manager.loggerDict):
        if name.split(".", 1)[0] in SDK_LOGGERS:
            child = logging.getLogger(name)
            if child.level != logging.NOTSET and child.level < logging.WARNING:
                child.setLevel(logging.WARNING)
    for name in SDK_LOGGERS:
        sdk_logger = logging.getLogger(name)
        if sdk_logger.level < logging.WARNING:
            sdk_logger.setLevel(logging.WARNING)


def configure_logging(settings: Settings, environ: Mapping[str, str]) -> None:
    """Apply LOG_LEVEL to this package, unless the Lambda runtime already set a level (AWS_LAMBDA_LOG_LEVEL)."""
    quiet_sdk_loggers()
    if not environ.get("AWS_LAMBDA_LOG_LEVEL"):
        logging.getLogger(PACKAGE_LOGGER).setLevel(settings.log_level)


@dataclass
class RunOutcome:
    """A run's summary, the Slack payloads it built, and what went wrong (empty when nothing did)."""

    summary: dict[str, Any]
    payloads: list[dict[str, Any]]
    problems: list[str]


def _region(settings: Settings, logs_client: Any) -> str:
    meta = getattr(logs_client, "meta", None)
    return settings.region or getattr(meta, "region_name", None) or "us-east-1"


def run_check(
    settings: Settings, window: Window, dependencies: Dependencies, *, time_budget_s: float, send: bool = True
) -> RunOutcome:
    """Query ``window``, build the digest and (with ``send``) deliver it; never raises for run-time problems.

    The queries get the time budget minus a reserve for Slack; delivery gets the rest minus a final second.
    """
    clock = dependencies.clock
    started = clock.monotonic()
    final_deadline = started + time_budget_s - FINAL_RESERVE_S
    query_deadline = final_deadline - min(SLACK_RESERVE_MAX_S, time_budget_s / 4)

    tally = Tally(settings.error_status_threshold, settings.sample_count)
    collection = collect(
        dependencies.logs_client,
        settings.log_group_names,
        window,
        tally.add_rows,
        threshold=settings.error_status_threshold,
        limit=settings.query_limit,
        deadline=query_deadline,
        clock=clock,
    )
    problems = list(collection.problems)
    report = Report(
        title=settings.message_title,
        window=window,
        log_group_names=settings.log_group_names,
        region=_region(settings, dependencies.logs_client),
        query_string=build_query_string(settings.error_status_threshold, settings.query_limit),
        threshold=settings.error_status_threshold,
        tally=tally,
        complete=collection.complete,
        problems=tuple(collection.problems),
    )
    payloads = build_messages(report, top_n=settings.top_n, max_messages=settings.max_messages)

    sent = 0
    if payloads and send:
        sent = _send(settings, payloads, dependencies, final_deadline, problems)

    summary = {
        "window_start": format_iso(window.start_ms),
        "window_end": format_iso(window.end_ms),
        "log_groups": len(settings.log_group_names),
        "queries": collection.queries,
        "rows_read": collection.rows,
        "matched": tally.matched,
        # The first message carries the counts: once it is delivered, every matched line is accounted for.
        "reported": tally.matched if sent else 0,
        "unparsed": tally.unparsed,
        "messages_planned": len(payloads),
        "messages_sent": sent,
        "complete": collection.complete,
        "elapsed_ms": round((clock.monotonic() - started) * 1000),
        "problems": problems,
    }
    return RunOutcome(summary, payloads, problems)


def _send(
    settings: Settings,
    payloads: list[dict[str, Any]],
    dependencies: Dependencies,
    deadline: float,
    problems: list[str],
) -> int:
    parameter_name = settings.webhook_parameter_name
    if not parameter_name:
        problems.append("WEBHOOK_PARAMETER_NAME is not set, so the digest could not be sent")
        return 0
    try:
        webhook_url = dependencies.fetch_webhook_url(parameter_name)
    except WebhookParameterError as error:
        problems.append(str(error))
        return 0
    try:
        return deliver(webhook_url, payloads, clock=dependencies.clock, deadline=deadline, post=dependencies.post)
    except SlackDeliveryError as error:
        problems.append(str(error))
        invalidate = getattr(dependencies.fetch_webhook_url, "invalidate", None)
        if error.status in WEBHOOK_REFUSED_STATUSES and callable(invalidate):
            invalidate(parameter_name)
        return error.sent


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
    """Report the scheduled window's API Gateway errors to Slack; returns the run summary.

    ``event["time"]`` (EventBridge's scheduled time) fixes the window; without it the current time does. Raises
    :class:`NotifierError` after logging the summary when a query failed, the totals are incomplete or delivery
    failed, so the invocation counts as failed; ConfigError before doing anything when the environment is wrong.
    """
    quiet_sdk_loggers()
    environ = os.environ if environ is None else environ
    settings = load_settings(environ)
    configure_logging(settings, environ)
    dependencies = dependencies or default_dependencies()
    try:
        window = window_for_event(
            event, dependencies.now_ms(), settings.schedule_interval_seconds, settings.ingestion_lag_seconds
        )
    except ValueError as error:
        raise NotifierError(f"cannot determine the window: {error}", {}) from None

    outcome = run_check(settings, window, dependencies, time_budget_s=_time_budget_s(context))
    log_summary(outcome.summary)
    if outcome.problems:
        raise NotifierError("; ".join(outcome.problems), outcome.summary)
    return outcome.summary


def log_summary(summary: Mapping[str, Any]) -> None:
    """The one summary line per run (ERROR level when something went wrong)."""
    level = logging.ERROR if summary.get("problems") else logging.INFO
    logger.log(level, "run summary %s", json.dumps(summary, sort_keys=True), extra={"summary": dict(summary)})
