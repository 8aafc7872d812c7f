"""Query results -> the window's totals: requests, errors, rates, per-minute errors, unreadable lines, samples.

Pure functions over GetQueryResults rows (lists of ``{"field", "value"}``, fields in any order, a field missing
when the line had none). The totals come from the counts Insights returns, not from reading lines back:

- ``lines``: every line of the window (the totals query);
- per (minute, status): requests, and among them errors (status >= threshold, not ignored), by status and minute;
- lines without a usable status ("unparsed"): ``lines`` less the lines whose status groups were usable;
- per (status, method, route): requests and errors by route, hence each route's error rate.

The counts query gives both groupings in one result (its rows carry minute, status, method and route); the
fallback queries give them apart; :func:`count_totals` reads either.

A number is never guessed: a count that is missing or is not a plain decimal of at most MAX_COUNT_DIGITS digits
(so no conversion can overflow or take long) makes what it feeds a lower bound, and the totals say why. A stats
result of MAX_ROWS rows may have been cut; the totals it feeds are then lower bounds too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.fields import METHOD, RESOURCE_PATH, ROUTE_KEY, STATUS
from accesslog_notifier.queries import MAX_ROWS, route_matches
from accesslog_notifier.records import (
    NO_VALUE,
    Sample,
    parse_line,
    parse_status,
    parse_timestamp_ms,
    route_label,
    route_parts,
    safe_text,
    sample_from_line,
)
from accesslog_notifier.window import Window, minute_of

Row = Sequence[Mapping[str, str]]


def row_fields(row: Row) -> dict[str, str]:
    """A result row as a dict (a field the row lacks is absent, not empty)."""
    fields: dict[str, str] = {}
    for cell in row:
        name, value = cell.get("field"), cell.get("value")
        if isinstance(name, str) and isinstance(value, str):
            fields[name] = value
    return fields


# Counts as Insights writes them: decimal digits. 15 digits hold any count a window can have (10^15 lines) and
# convert in constant time; anything longer is unreadable, not a number to trust.
MAX_COUNT_DIGITS = 15


def read_count(value: Any) -> int | None:
    """A count as GetQueryResults gives it (``"1234"``), or None when it is anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_COUNT_DIGITS or not value.isascii():
        return None
    return int(value) if value.isdigit() else None


def _count(fields: Mapping[str, str], name: str) -> int | None:
    return read_count(fields.get(name))


@dataclass
class Totals:
    """Everything the digest says about one window (errors exclude ignored statuses; ignored routes are not here)."""

    lines: int = 0
    requests: int = 0
    errors: int = 0
    ignored: int = 0
    errors_by_status: Counter[int] = field(default_factory=Counter)
    errors_by_route: Counter[str] = field(default_factory=Counter)
    requests_by_route: Counter[str] = field(default_factory=Counter)
    errors_by_minute: Counter[int] = field(default_factory=Counter)
    samples: list[Sample] = field(default_factory=list)
    unparsed_samples: int = 0
    # Why a number is a lower bound ("at least"), per part of the digest; empty when everything is exact.
    lower_bounds: list[str] = field(default_factory=list)
    routes_exact: bool = True
    bytes_scanned: float = 0.0
    # Lines of batches whose requests no query could count: not known to be unreadable, so not "unparsed".
    uncounted_lines: int = 0

    @property
    def unparsed(self) -> int:
        """Lines of the window without a usable status (not JSON, cut short, status "-" ...)."""
        return max(self.lines - self.requests - self.uncounted_lines, 0)

    @property
    def complete(self) -> bool:
        return not self.lower_bounds

    def error_rate(self) -> float | None:
        return self.errors / self.requests if self.requests else None

    def add(self, other: Totals) -> None:
        """Add another batch of log groups' totals (StartQuery takes 50 log groups)."""
        self.lines += other.lines
        self.requests += other.requests
        self.errors += other.errors
        self.ignored += other.ignored
        self.errors_by_status.update(other.errors_by_status)
        self.errors_by_route.update(other.errors_by_route)
        self.requests_by_route.update(other.requests_by_route)
        self.errors_by_minute.update(other.errors_by_minute)
        self.samples.extend(other.samples)
        self.unparsed_samples += other.unparsed_samples
        self.lower_bounds.extend(other.lower_bounds)
        self.routes_exact = self.routes_exact and other.routes_exact
        self.bytes_scanned += other.bytes_scanned
        self.uncounted_lines += other.uncounted_lines


@dataclass(frozen=True)
class Rules:
    """What counts as an error."""

    threshold: int
    ignore_statuses: frozenset[int] = frozenset()
    ignore_routes: tuple[str, ...] = ()

    def is_error(self, status: int) -> bool:
        return status >= self.threshold and status not in self.ignore_statuses

    def is_ignored_route(self, method: str | None, resource_path: str | None, route_key: str | None) -> bool:
        return any(route_matches(route, method, resource_path, route_key) for route in self.ignore_routes)


def count_totals(
    totals_rows: Iterable[Row] | None,
    routes_rows: Iterable[Row] | None,
    minutes_rows: Iterable[Row] | None,
    rules: Rules,
    window: Window,
) -> Totals:
    """Totals from the three counting queries of one batch; None stands for a query that did not complete."""
    totals = Totals()
    if totals_rows is None:
        totals.lower_bounds.append("the count of all lines did not complete")
    else:
        # No row at all is a count of 0: Insights may answer "stats" over no line with no row (undocumented).
        for row in totals_rows:
            lines = _count(row_fields(row), "lines")
            if lines is None:
                totals.lower_bounds.append("the count of all lines could not be read")
            else:
                totals.lines += lines

    if minutes_rows is None:
        totals.lower_bounds.append("the per-minute counts did not complete")
    else:
        minutes_rows = list(minutes_rows)
        if len(minutes_rows) >= MAX_ROWS:
            totals.lower_bounds.append(f"the per-minute counts filled the {MAX_ROWS:,}-row limit")
        unreadable = 0
        for row in minutes_rows:
            fields = row_fields(row)
            status, requests = parse_status(fields.get(STATUS)), _count(fields, "requests")
            if status is None:
                continue  # a group of lines without a usable status: they are the unparsed lines
            if requests is None:
                unreadable += 1  # lines with a status, uncounted: the totals can only be lower bounds
                continue
            totals.requests += requests
            if status >= rules.threshold and status in rules.ignore_statuses:
                totals.ignored += requests
            elif rules.is_error(status):
                totals.errors += requests
                totals.errors_by_status[status] += requests
                minute_ms = parse_timestamp_ms(fields.get("minute"))
                if minute_ms is not None and window.start_ms - 60_000 < minute_ms < window.end_ms:
                    totals.errors_by_minute[minute_of(minute_ms)] += requests
        if unreadable:
            totals.lower_bounds.append(f"{unreadable} per-minute count(s) could not be read")

    if routes_rows is None:
        totals.routes_exact = False
    else:
        routes_rows = list(routes_rows)
        if len(routes_rows) >= MAX_ROWS:
            totals.routes_exact = False
        for row in routes_rows:
            fields = row_fields(row)
            status, requests = parse_status(fields.get(STATUS)), _count(fields, "requests")
            if status is None:
                continue
            if requests is None:
                totals.routes_exact = False
                continue
            method, resource, key = route_parts(fields.get(METHOD), fields.get("route"))
            if rules.is_ignored_route(method, resource, key):
                continue  # the query left it out already; this holds if a reading of the query did not
            route = route_label(method, resource, key)
            totals.requests_by_route[route] += requests
            if rules.is_error(status):
                totals.errors_by_route[route] += requests
    if minutes_rows is None and routes_rows is not None:
        # Without the per-minute counts, the route groups give the totals (exact unless they were cut).
        totals.requests = sum(totals.requests_by_route.values())
        totals.errors = sum(totals.errors_by_route.values())
    if minutes_rows is None and routes_rows is None:
        totals.uncounted_lines = totals.lines
    return totals


def counts_cover_statuses(totals_rows: Iterable[Row] | None, counts_rows: Sequence[Row]) -> bool:
    """Whether the counts query's groups hold every line with a status, so it can stand for the per-minute and
    per-route queries: not cut by the row limit, and its groups with a status add up to the totals query's
    ``statuses`` (``stats ... by`` may drop a line that lacks a by-field: AWS does not say; such a line is not of
    the access-log formats, which have every by-field, but a log group can hold anything)."""
    if len(counts_rows) >= MAX_ROWS or totals_rows is None:
        return len(counts_rows) < MAX_ROWS  # without the totals there is nothing to check against
    statuses = 0
    for row in totals_rows:
        count = _count(row_fields(row), "statuses")
        if count is None:
            return False
        statuses += count
    grouped = 0
    for row in counts_rows:
        fields = row_fields(row)
        if STATUS in fields:
            count = _count(fields, "requests")
            if count is None:
                return False
            grouped += count
    return grouped == statuses


def pick_samples(rows: Iterable[Row], rules: Rules, window: Window, count: int) -> tuple[list[Sample], int]:
    """Up to ``count`` error lines of the window, newest first, distinct (status, route) first; and how many lines
    the samples query returned that are not usable (checked again here: the query's filter is only a preview)."""
    distinct: list[Sample] = []
    others: list[Sample] = []
    seen: set[tuple[int, str]] = set()
    unusable = 0
    for row in rows:
        fields = row_fields(row)
        timestamp_ms = parse_timestamp_ms(fields.get("@timestamp"))
        line = parse_line(fields.get("@message"))
        if timestamp_ms is None or line is None:
            unusable += 1
            continue
        if not window.start_ms <= timestamp_ms < window.end_ms:
            continue
        sample = sample_from_line(timestamp_ms, line)
        if sample is None or not rules.is_error(sample.status):
            continue
        if rules.is_ignored_route(
            _text_or_none(line.get(METHOD)),
            _text_or_none(line.get(RESOURCE_PATH)),
            _text_or_none(line.get(ROUTE_KEY)),
        ):
            continue
        key = (sample.status, sample.route)
        if key not in seen and len(distinct) < count:
            seen.add(key)
            distinct.append(sample)
        else:
            others.append(sample)
    chosen = distinct + others[: max(count - len(distinct), 0)]
    return sorted(chosen, key=lambda sample: sample.timestamp_ms, reverse=True), unusable


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value != NO_VALUE else None


# No query scans more than this (an exabyte): a larger figure is not a measurement, and summing such figures could
# overflow to infinity, which no later step can round or print.
MAX_BYTES_SCANNED = 1e18


def scanned_bytes(statistics: Mapping[str, Any] | None) -> float:
    """``bytesScanned`` of a GetQueryResults answer (a float on AWS), 0 when absent, not a number, or implausible."""
    value = (statistics or {}).get("bytesScanned")
    if isinstance(value, str) and len(value) > 40:
        return 0.0  # float() of a long digit string is slow and never a real figure
    try:
        scanned = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    # NaN fails both comparisons; -0.0 is left out too (it would be shown as "-0 B").
    return scanned if 0 < scanned <= MAX_BYTES_SCANNED else 0.0


__all__ = ["Row", "Rules", "Totals", "count_totals", "pick_samples", "row_fields", "safe_text", "scanned_bytes"]
