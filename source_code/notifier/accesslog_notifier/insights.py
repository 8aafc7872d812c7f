"""Logs Insights, the AWS edge: start a run's queries, at most ``concurrency`` at a time, poll them together, stop
what is still running at the deadline.

StartQuery takes up to 50 log groups (CloudWatch Logs API Reference, StartQuery, ``logGroupNames``), so each batch
of 50 runs the same queries. The account runs a limited number of Insights queries at once, dashboards included
(StartQuery answers LimitExceededException beyond it): a query that is refused for that waits for a free place.

A time range with no possible data is not a failure: StartQuery refuses a range that ends before the log group
was created or lies beyond its retention ("MalformedQueryException: ... end date and time is either before the log
groups creation time or exceeds the log groups log retention settings"), which is what the first run after a
fresh deploy meets. Such a query answers no rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.window import Window

logger = logging.getLogger(__name__)

MAX_LOG_GROUPS_PER_QUERY = 50
KEEP_POLLING = frozenset({"Scheduled", "Running"})
FIRST_POLL_INTERVAL_S = 0.25
MAX_POLL_INTERVAL_S = 2.0
POLL_INTERVAL_GROWTH = 1.5
EMPTY_RANGE_MARKERS = ("before the log groups creation time", "exceeds the log groups log retention")
COMPLETE, FAILED, EMPTY = "Complete", "Failed", "Empty"


@dataclass
class Clock:
    """The time sources a run uses; tests replace them to control deadlines and waits."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class QueryOutcome:
    """What became of one query: Complete (rows), Empty (no data possible), or Failed (``error`` says why)."""

    name: str
    log_group_names: tuple[str, ...]
    status: str = "Pending"
    query_id: str | None = None
    rows: list[Any] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def answered(self) -> bool:
        """Whether the rows are the query's whole answer (an empty range answers nothing, completely)."""
        return self.status in (COMPLETE, EMPTY)


def batched(names: Sequence[str], size: int = MAX_LOG_GROUPS_PER_QUERY) -> list[tuple[str, ...]]:
    """Log group names in batches of at most ``size``."""
    return [tuple(names[index : index + size]) for index in range(0, len(names), size)]


def describe_log_groups(names: Sequence[str], shown: int = 3) -> str:
    """``a, b, c (+47 more)``: names the log groups in a message without being unbounded."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" (+{more} more)" if more > 0 else "")


def _error_code(error: Exception) -> tuple[str, str]:
    response = getattr(error, "response", None)  # botocore's HTTPClientError has one, set to None
    details = response.get("Error", {}) if isinstance(response, dict) else {}
    return str(details.get("Code", type(error).__name__)), str(details.get("Message", ""))


def _is_client_error(error: Exception) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, ClientError | BotoCoreError)


def run_queries(
    client: Any,
    log_group_names: Sequence[str],
    window: Window,
    queries: Sequence[tuple[str, str]],
    *,
    concurrency: int,
    deadline: float,
    clock: Clock,
) -> list[QueryOutcome]:
    """Run every (name, query string) over every batch of log groups; one outcome per query and batch."""
    start_s, end_s = window.query_seconds()
    outcomes = [QueryOutcome(name, batch) for batch in batched(list(log_group_names)) for name, _ in queries]
    strings = dict(queries)
    waiting = list(outcomes)
    running: list[QueryOutcome] = []
    interval = FIRST_POLL_INTERVAL_S
    while waiting or running:
        while waiting and len(running) < concurrency:
            outcome = waiting[0]
            if not _start(client, outcome, strings[outcome.name], start_s, end_s):
                break  # the account's concurrent queries are taken: wait for a place
            waiting.pop(0)
            if outcome.status == "Running":
                running.append(outcome)
        for outcome in list(running):
            _poll(client, outcome)
            if outcome.status not in KEEP_POLLING:
                running.remove(outcome)
        if not waiting and not running:
            break
        if clock.monotonic() + interval > deadline:
            for outcome in running:
                _stop(client, outcome)
            for outcome in waiting:
                outcome.status, outcome.error = FAILED, "not started: the run's deadline came first"
            break
        clock.sleep(interval)
        interval = min(interval * POLL_INTERVAL_GROWTH, MAX_POLL_INTERVAL_S)
    for outcome in outcomes:
        if outcome.status == FAILED:
            logger.error(
                "Logs Insights query %s over %s: %s",
                outcome.name,
                describe_log_groups(outcome.log_group_names),
                outcome.error,
            )
    return outcomes


def _start(client: Any, outcome: QueryOutcome, query_string: str, start_s: int, end_s: int) -> bool:
    """StartQuery; False when the account has no free place for a query now (try again later)."""
    try:
        response = client.start_query(
            logGroupNames=list(outcome.log_group_names), startTime=start_s, endTime=end_s, queryString=query_string
        )
    except Exception as error:
        if not _is_client_error(error):
            raise
        code, message = _error_code(error)
        if code == "LimitExceededException":
            return False
        if code == "MalformedQueryException" and any(marker in message for marker in EMPTY_RANGE_MARKERS):
            outcome.status = EMPTY
            return True
        outcome.status, outcome.error = FAILED, f"StartQuery failed: {code}: {message[:300]}"
        return True
    outcome.query_id, outcome.status = response["queryId"], "Running"
    return True


def _poll(client: Any, outcome: QueryOutcome) -> None:
    try:
        result = client.get_query_results(queryId=outcome.query_id)
    except Exception as error:
        if not _is_client_error(error):
            raise
        code, message = _error_code(error)
        outcome.status, outcome.error = FAILED, f"GetQueryResults failed: {code}: {message[:300]}"
        return
    status = str(result.get("status", "Unknown"))
    outcome.statistics = dict(result.get("statistics") or {})
    if status == COMPLETE:
        outcome.status, outcome.rows = COMPLETE, list(result.get("results") or [])
    elif status in KEEP_POLLING:
        outcome.status = "Running"
    else:
        outcome.status, outcome.error = FAILED, f"query {outcome.query_id} ended {status}"


def _stop(client: Any, outcome: QueryOutcome) -> None:
    """StopQuery, best effort: an abandoned query should not keep scanning (and billing)."""
    outcome.status, outcome.error = FAILED, f"query {outcome.query_id} was still running at the run's deadline"
    try:
        client.stop_query(queryId=outcome.query_id)
    except Exception as error:
        if not _is_client_error(error) and not isinstance(error, NotImplementedError):
            raise
        logger.warning("could not stop Logs Insights query %s: %s", outcome.query_id, _error_code(error)[0])
