"""Logs Insights, the AWS edge: start a run's queries, at most ``concurrency`` at a time, poll them together, stop
what is still running at the deadline.

StartQuery takes up to 50 log groups (CloudWatch Logs API Reference, StartQuery, ``logGroupNames``), so each batch
of 50 runs the same queries. The account runs a limited number of Insights queries at once, dashboards included
(StartQuery answers LimitExceededException beyond it): a query that is refused for that waits for a free place.

A time range with no possible data is not a failure. StartQuery refuses (MalformedQueryException) a range that
ends before a log group was created or lies beyond its retention, which is what the first run after a fresh deploy
meets; AWS documents neither the message's wording nor whether one such group refuses the whole batch. So a
refusal is judged by the groups themselves (DescribeLogGroups: ``creationTime``, ``retentionInDays``): the groups
that cannot hold data in the range are left out and the query runs again over the others; a batch with none left
answers no rows (Empty); a batch whose groups can all hold data was refused for another reason and fails with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.redaction import get_logger
from accesslog_notifier.window import MS_PER_SECOND, Window

logger = get_logger(__name__)

MAX_LOG_GROUPS_PER_QUERY = 50
KEEP_POLLING = frozenset({"Scheduled", "Running"})
FIRST_POLL_INTERVAL_S = 0.25
MAX_POLL_INTERVAL_S = 2.0
POLL_INTERVAL_GROWTH = 1.5
MS_PER_DAY = 86_400_000
COMPLETE, FAILED, EMPTY = "Complete", "Failed", "Empty"


@dataclass
class Clock:
    """The time sources a run uses; tests replace them to control deadlines and waits."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class QueryRequest:
    """One query to run: its name, the batch of log groups, the window and the query string."""

    name: str
    log_group_names: tuple[str, ...]
    window: Window
    query_string: str


@dataclass
class QueryOutcome:
    """What became of one query: Complete (rows), Empty (no data possible), or Failed (``error`` says why).

    ``left_out`` names the log groups that could hold no data in the window (created after it, or past their
    retention): the query ran without them.
    """

    name: str
    log_group_names: tuple[str, ...]
    window: Window | None = None
    query_string: str = ""
    status: str = "Pending"
    query_id: str | None = None
    rows: list[Any] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    left_out: tuple[str, ...] = ()

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
    requests: Sequence[QueryRequest],
    *,
    concurrency: int,
    deadline: float,
    clock: Clock,
    now_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    start_margin_s: float = 0.0,
) -> list[QueryOutcome]:
    """Run every request; one outcome per request, in the same order. A query starts only while more than
    ``start_margin_s`` remain before ``deadline``."""
    outcomes = [
        QueryOutcome(request.name, request.log_group_names, request.window, request.query_string)
        for request in requests
    ]
    waiting = list(outcomes)
    running: list[QueryOutcome] = []
    interval = FIRST_POLL_INTERVAL_S
    while waiting or running:
        # No query starts with less than ``start_margin_s`` left: it would only be stopped again, and billed for
        # what it scanned.
        while waiting and len(running) < concurrency and clock.monotonic() + start_margin_s < deadline:
            outcome = waiting[0]
            if not _start(client, outcome, now_ms):
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


def _start(client: Any, outcome: QueryOutcome, now_ms: Callable[[], int]) -> bool:
    """StartQuery; False when the account has no free place for a query now (try again later)."""
    assert outcome.window is not None  # run_queries gives every outcome its request's window
    start_s, end_s = outcome.window.query_seconds()
    while True:
        try:
            response = client.start_query(
                logGroupNames=list(outcome.log_group_names),
                startTime=start_s,
                endTime=end_s,
                queryString=outcome.query_string,
            )
        except Exception as error:
            if not _is_client_error(error):
                raise
            code, message = _error_code(error)
            if code == "LimitExceededException":
                return False
            if code == "MalformedQueryException":
                usable = _groups_with_data(client, outcome.log_group_names, end_s * MS_PER_SECOND, now_ms())
                if usable is not None and len(usable) < len(outcome.log_group_names):
                    outcome.left_out += tuple(name for name in outcome.log_group_names if name not in usable)
                    outcome.log_group_names = usable
                    if not usable:
                        outcome.status = EMPTY
                        return True
                    continue  # the same query over the groups that can hold data
            outcome.status, outcome.error = FAILED, f"StartQuery failed: {code}: {message[:300]}"
            return True
        outcome.query_id, outcome.status = response["queryId"], "Running"
        return True


def _groups_with_data(client: Any, names: Sequence[str], range_end_ms: int, now_ms: int) -> tuple[str, ...] | None:
    """The log groups that can hold events up to ``range_end_ms``: created by then, and not all of the range past
    their retention (DescribeLogGroups); None when they could not be described."""
    usable = []
    for name in names:
        try:
            found = client.describe_log_groups(logGroupNamePrefix=name, limit=1).get("logGroups") or []
        except Exception as error:
            if not _is_client_error(error):
                raise
            logger.warning("could not describe log group %s: %s", name, _error_code(error)[0])
            return None
        # The exact name sorts first among the names it prefixes (DescribeLogGroups answers in ASCII order).
        group = found[0] if found and found[0].get("logGroupName") == name else None
        if group is None:
            return None
        created_ms, retention_days = group.get("creationTime"), group.get("retentionInDays")
        if isinstance(created_ms, int) and range_end_ms < created_ms:
            continue  # created after the range: it cannot hold those events
        if isinstance(retention_days, int) and range_end_ms < now_ms - retention_days * MS_PER_DAY:
            continue  # the whole range is past the group's retention
        usable.append(name)
    return tuple(usable)


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
