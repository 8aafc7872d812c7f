"""Logs Insights: start a query, poll it to a final status, stop it at the deadline, and split storms.

A query returns at most ``limit`` rows. When a part of the window hits that limit, what its rows hold completely is
counted and the rest of the part is split in halves on a whole-second boundary and queried again, until every part
is under the limit: the totals are then exact. A second that alone holds ``limit`` rows, a failed query or the
deadline make the totals lower bounds, which :class:`Collection` records so that the run can say "at least" and
end in error.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from accesslog_notifier.records import Row, row_timestamp_ms
from accesslog_notifier.window import MS_PER_SECOND, Window

logger = logging.getLogger(__name__)

MAX_LOG_GROUPS_PER_QUERY = 50  # StartQuery's limit on logGroupNames
KEEP_POLLING_STATUSES = frozenset({"Scheduled", "Running"})
FIRST_POLL_INTERVAL_S = 0.25
MAX_POLL_INTERVAL_S = 2.0
POLL_INTERVAL_GROWTH = 1.5

Consume = Callable[[Sequence[Row], Window], int]


class QueryError(Exception):
    """A Logs Insights query did not complete; the message names the query, log groups, window and status."""


class QueryDeadlineError(QueryError):
    """The run's query deadline passed while a query was still Scheduled or Running (it was stopped)."""


def build_query_string(threshold: int, limit: int) -> str:
    """The Logs Insights query for error lines, oldest first.

    The filter is a pre-selection that must never drop a line we would count: besides ``status >= threshold`` it
    lets through lines without a status and lines whose status is not a plain number (``"-"``, text, truncated
    JSON), so that they are counted as unparsed instead of vanishing. It is written as a union of two forms because
    how Logs Insights compares a quoted ``"403"`` with a number is not documented: whichever way it goes, one of the
    terms keeps the line, and Python re-checks every returned line anyway (moto ignores ``filter`` entirely).
    """
    return (
        "fields @timestamp, @message\n"
        f"| filter status >= {threshold} or not ispresent(status)"
        rf" or not (status like /^\d+$/ and status < {threshold})"
        "\n| sort @timestamp asc\n"
        f"| limit {limit}"
    )


def batched(log_group_names: Sequence[str], size: int = MAX_LOG_GROUPS_PER_QUERY) -> list[tuple[str, ...]]:
    """Log group names in batches of at most ``size`` (StartQuery takes 50)."""
    return [tuple(log_group_names[index : index + size]) for index in range(0, len(log_group_names), size)]


def describe_log_groups(log_group_names: Sequence[str], shown: int = 3) -> str:
    """``a, b, c (+47 more)`` for messages that must name the log groups without being unbounded."""
    names = ", ".join(log_group_names[:shown])
    more = len(log_group_names) - shown
    return f"{names} (+{more} more)" if more > 0 else names


@dataclass
class Clock:
    """The time sources a run uses; tests replace them to control deadlines and waits."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def run_query(
    client: Any,
    log_group_names: Sequence[str],
    window: Window,
    query_string: str,
    *,
    deadline: float,
    clock: Clock,
) -> tuple[str, list[Row]]:
    """Start one query over ``window`` (as a whole-second superset) and poll it; returns (query id, rows).

    Scheduled and Running keep polling, with a growing interval; Complete returns the rows; any other status
    (Failed, Cancelled, Timeout, Unknown, or one this code does not know) raises :class:`QueryError`. When the next
    poll would pass ``deadline`` the query is stopped (best effort) and :class:`QueryDeadlineError` is raised.
    """
    start_s, end_s = window.query_seconds()
    where = f"over log groups {describe_log_groups(log_group_names)} for {window.describe()}"
    try:
        response = client.start_query(
            logGroupNames=list(log_group_names), startTime=start_s, endTime=end_s, queryString=query_string
        )
    except (ClientError, BotoCoreError) as error:
        raise QueryError(f"Logs Insights could not start a query {where}: {error}") from error
    query_id = response["queryId"]
    started = clock.monotonic()
    interval = FIRST_POLL_INTERVAL_S
    while True:
        try:
            result = client.get_query_results(queryId=query_id)
        except (ClientError, BotoCoreError) as error:
            raise QueryError(f"Logs Insights query {query_id} {where}: GetQueryResults failed: {error}") from error
        status = result.get("status", "Unknown")
        if status == "Complete":
            rows = result.get("results", [])
            logger.debug(
                "query %s complete: %d rows, seconds %d..%d, %.2f s",
                query_id,
                len(rows),
                start_s,
                end_s,
                clock.monotonic() - started,
            )
            return query_id, rows
        if status not in KEEP_POLLING_STATUSES:
            raise QueryError(f"Logs Insights query {query_id} {where} ended with status {status}")
        if clock.monotonic() + interval > deadline:
            stop_query(client, query_id)
            raise QueryDeadlineError(
                f"Logs Insights query {query_id} {where} was still {status} at the deadline and was stopped"
            )
        clock.sleep(interval)
        interval = min(interval * POLL_INTERVAL_GROWTH, MAX_POLL_INTERVAL_S)


def _results_without_shape_walk(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    # botocore walks its model for every one of up to 10,000 rows x 3 fields: the hot spot of a storm (about half
    # of the handler's CPU). The rows are plain JSON already, so they are taken from the body here and botocore
    # parses only the small rest. Anything unexpected leaves the response to botocore untouched.
    if response_dict.get("status_code") != 200:
        return
    try:
        document = json.loads(response_dict["body"])
    except (KeyError, TypeError, ValueError):
        return
    if not isinstance(document, dict) or not isinstance(document.get("results"), list) or not document["results"]:
        return
    customized_response_dict["results"] = document.pop("results")
    response_dict["body"] = json.dumps(document).encode()


def install_fast_results_parsing(client: Any) -> None:
    """Let ``client`` hand GetQueryResults rows over without botocore's per-field parsing (idempotent).

    Uses botocore's public ``before-parse`` event; clients without botocore events (test doubles) are left alone.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        events.register(
            "before-parse.cloudwatch-logs.GetQueryResults",
            _results_without_shape_walk,
            unique_id="accesslog-notifier-results-without-shape-walk",
        )


def stop_query(client: Any, query_id: str) -> None:
    """StopQuery, best effort: a query we abandon should not keep scanning (and billing). moto 5.2 lacks it."""
    try:
        client.stop_query(queryId=query_id)
    except (ClientError, BotoCoreError, NotImplementedError) as error:
        logger.warning("could not stop Logs Insights query %s: %s", query_id, error)


@dataclass
class Collection:
    """What querying the window achieved: how many queries ran, and why the totals are not exact if they aren't."""

    queries: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every part of the window was counted exactly."""
        return not self.problems


def newest_if_ascending(rows: Sequence[Row]) -> int | None:
    """The newest ``@timestamp`` of rows that come oldest first, as the query asks; None if they do not."""
    newest = None
    for row in rows:
        timestamp_ms = row_timestamp_ms(row)
        if timestamp_ms is None or (newest is not None and timestamp_ms < newest):
            return None
        newest = timestamp_ms
    return newest


def collect(
    client: Any,
    log_group_names: Sequence[str],
    window: Window,
    consume: Consume,
    *,
    threshold: int,
    limit: int,
    deadline: float,
    clock: Clock,
) -> Collection:
    """Query ``window`` over all log groups (50 per query) and hand every part's rows to ``consume``.

    ``consume(rows, part)`` must count only rows inside ``part``: the parts handed over partition the window, so
    nothing is counted twice although each query reads a whole-second superset. Parts go oldest first.

    When a query returns ``limit`` rows, its rows are still used as far as they are complete: the query sorts
    oldest first before limiting, so the rows hold every record older than the newest row returned. That prefix,
    up to the newest row's whole second, is counted; the rest of the part is split in halves on a whole-second
    boundary and queried again. Each step strictly shrinks the part still to query, so splitting ends; a second
    that alone holds ``limit`` rows is counted as far as seen and makes the totals lower bounds. If the rows do
    not come back oldest first, nothing is assumed: the whole part is split in halves.
    """
    install_fast_results_parsing(client)
    query_string = build_query_string(threshold, limit)
    collection = Collection()
    batches = batched(log_group_names)
    for batch_index, batch in enumerate(batches):
        pending = [window]  # a stack: the older half is pushed last, so it is queried first
        while pending:
            if clock.monotonic() >= deadline:
                _note_unqueried(collection, pending, batches[batch_index + 1 :])
                return collection
            part = pending.pop()
            try:
                query_id, rows = run_query(client, batch, part, query_string, deadline=deadline, clock=clock)
            except QueryDeadlineError as error:
                collection.queries += 1
                collection.problems.append(str(error))
                _note_unqueried(collection, pending, batches[batch_index + 1 :])
                return collection
            except QueryError as error:
                collection.queries += 1
                logger.error("%s", error)
                collection.problems.append(str(error))
                continue
            collection.queries += 1
            collection.rows += len(rows)
            if len(rows) < limit:
                consume(rows, part)
                continue
            newest_ms = newest_if_ascending(rows)
            if newest_ms is not None and newest_ms >= part.end_ms:
                consume(rows, part)  # the limit was reached only past the part's end
                continue
            where = (
                f"Logs Insights query {query_id} over {describe_log_groups(batch)} returned the limit of {limit} rows"
            )
            rest = part
            if newest_ms is not None:
                covered_end_ms = newest_ms // MS_PER_SECOND * MS_PER_SECOND
                if covered_end_ms <= part.start_ms:
                    # The part's first second alone filled the limit: count what was seen, as a lower bound.
                    covered_end_ms = min((part.start_ms // MS_PER_SECOND + 1) * MS_PER_SECOND, part.end_ms)
                    saturated = Window(part.start_ms, covered_end_ms)
                    collection.problems.append(
                        f"{where} within one second ({saturated.describe()}): the totals are lower bounds"
                    )
                consume(rows, Window(part.start_ms, covered_end_ms))
                if covered_end_ms >= part.end_ms:
                    continue
                rest = Window(covered_end_ms, part.end_ms)
            halves = rest.split()
            if rest is part and (halves is None or clock.monotonic() >= deadline):
                consume(rows, part)
                reason = "it cannot be split further" if halves is None else "the deadline left no time to split it"
                collection.problems.append(f"{where} for {part.describe()} and {reason}: the totals are lower bounds")
                continue
            logger.info("%s; querying %s again in parts", where, rest.describe())
            pending.extend(reversed(halves) if halves else [rest])
    return collection


def _note_unqueried(collection: Collection, pending: list[Window], later_batches: Sequence[Sequence[str]]) -> None:
    if pending:
        ranges = ", ".join(part.describe() for part in sorted(pending)[:3])
        collection.problems.append(
            f"the deadline came before {len(pending)} time range(s) could be queried ({ranges}): "
            "the totals are lower bounds"
        )
    for batch in later_batches:
        collection.problems.append(
            f"the deadline came before log groups {describe_log_groups(batch)} could be queried: "
            "the totals are lower bounds"
        )
