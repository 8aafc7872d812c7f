"""One window counted, in as few bytes scanned as exact counts allow: the phases of a run's queries and their
results added up over the batches of log groups.

1. ``totals`` and ``counts`` together, over the window: two scans, and in the usual case everything but samples.
2. Only for a batch whose counts result cannot stand (failed, cut by the row limit, or holding fewer lines with a
   status than the totals say): ``routes`` and ``minutes`` apart, the split of earlier versions. Two more scans,
   only then.
3. ``samples`` over the latest minutes with errors (window.samples_window), only where there were errors.

Each phase shares the run's query deadline; a query that failed leaves lower bounds, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.aggregate import Rules, Totals, count_totals, counts_cover_statuses, pick_samples, scanned_bytes
from accesslog_notifier.insights import MAX_POLL_INTERVAL_S, Clock, QueryOutcome, QueryRequest, batched, run_queries
from accesslog_notifier.queries import COUNTING, COUNTS, MINUTES, ROUTES, SAMPLES, TOTALS, QuerySet, build_queries
from accesslog_notifier.window import Window, samples_window


@dataclass
class Counted:
    """A window's totals over every batch, the queries that ran, and what went wrong."""

    queries: QuerySet
    totals: Totals
    outcomes: list[QueryOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """At least one counting query answered (a batch's failed query leaves lower bounds, not nothing)."""
        return any(outcome.answered for outcome in self.outcomes if outcome.name in COUNTING)


@dataclass
class _Batch:
    log_group_names: tuple[str, ...]
    outcomes: dict[str, QueryOutcome] = field(default_factory=dict)

    def rows(self, name: str) -> list[Any] | None:
        outcome = self.outcomes.get(name)
        return outcome.rows if outcome is not None and outcome.answered else None


def count_window(
    client: Any,
    window: Window,
    log_group_names: Sequence[str],
    *,
    rules: Rules,
    sample_count: int,
    sample_rows: int,
    concurrency: int,
    deadline: float,
    clock: Clock,
    now_ms: Callable[[], int],
) -> Counted:
    """Count ``window`` over ``log_group_names``: totals, rates, per-minute errors, routes and samples."""
    queries = build_queries(
        window,
        threshold=rules.threshold,
        ignore_statuses=sorted(rules.ignore_statuses),
        ignore_routes=rules.ignore_routes,
        sample_rows=sample_rows,
    )
    batches = [_Batch(names) for names in batched(list(log_group_names))]
    counted = Counted(queries, Totals())

    def run(requests: list[tuple[_Batch, QueryRequest]], *, later: bool = True) -> None:
        outcomes = run_queries(
            client,
            [request for _, request in requests],
            concurrency=concurrency,
            deadline=deadline,
            clock=clock,
            now_ms=now_ms,
            # A later phase starts nothing it could not poll once at the longest interval before the deadline.
            start_margin_s=MAX_POLL_INTERVAL_S if later else 0.0,
        )
        for (batch, request), outcome in zip(requests, outcomes, strict=True):
            batch.outcomes[request.name] = outcome
            counted.outcomes.append(outcome)

    def over_window(chosen: list[_Batch], named: list[tuple[str, str]]) -> list[tuple[_Batch, QueryRequest]]:
        return [
            (batch, QueryRequest(name, batch.log_group_names, window, query))
            for batch in chosen
            for name, query in named
        ]

    run(over_window(batches, queries.first()), later=False)

    split = [
        batch
        for batch in batches
        if (rows := batch.rows(COUNTS)) is None or not counts_cover_statuses(batch.rows(TOTALS), rows)
    ]
    run(over_window(split, queries.fallback()))

    batch_totals = []
    for batch in batches:
        minutes, routes = (MINUTES, ROUTES) if any(batch is each for each in split) else (COUNTS, COUNTS)
        batch_totals.append(count_totals(batch.rows(TOTALS), batch.rows(routes), batch.rows(minutes), rules, window))

    samples_requests = []
    for batch, totals in zip(batches, batch_totals, strict=True):
        part = samples_window(window, totals.errors_by_minute, sample_rows) if sample_rows > 0 else None
        query = queries.samples_for(part) if part is not None else None
        if query is not None:
            samples_requests.append((batch, QueryRequest(SAMPLES, batch.log_group_names, part, query)))
    run(samples_requests)

    for batch, totals in zip(batches, batch_totals, strict=True):
        samples = batch.rows(SAMPLES)
        if samples is not None:
            totals.samples, totals.unparsed_samples = pick_samples(samples, rules, window, sample_count)
        totals.bytes_scanned = sum(scanned_bytes(outcome.statistics) for outcome in batch.outcomes.values())
        counted.totals.add(totals)
        counted.problems += [f"{outcome.name}: {outcome.error}" for outcome in batch.outcomes.values() if outcome.error]
    counted.totals.samples = sorted(counted.totals.samples, key=lambda sample: sample.timestamp_ms, reverse=True)[
        :sample_count
    ]
    return counted
