"""The Logs Insights queries of one run: the counts come from Insights itself, four queries whatever the storm.

Every construct is a documented one (CloudWatch Logs User Guide, "CloudWatch Logs Insights language query
syntax"); nothing relies on how Insights types a field or compares a quoted number:

- ``filter toMillis(@timestamp) >= S and toMillis(@timestamp) < E`` makes the window exact to the millisecond
  whatever StartQuery's whole-second ``startTime``/``endTime`` include ("toMillis: converts the timestamp found
  in the named field into a number representing the milliseconds", "Operations and functions").
- ``stats count(*) as lines`` counts every line of the window, JSON or not ("count(*) counts all events",
  "stats"), so lines without a usable status are the lines the status groups do not account for.
- ``fields coalesce(routeKey, resourcePath) as route | stats count(*) as requests by status, httpMethod, route``
  gives each status and route its request count (an HTTP API line has a routeKey, a REST line a resourcePath:
  "coalesce: returns the first non-null value"). The documents do not say whether ``stats ... by`` keeps a line
  that lacks a by-field, so no by-field is one that a readable line lacks. The statuses are read and judged here,
  as text, so a quoted ``"503"`` counts like ``503``.
- ``stats count(*) as requests by bin(1m) as minute, status`` gives errors per minute ("bin", "stats").
- the samples query is a preview: ``filter status >= threshold``, ``sort @timestamp desc``, ``limit``; every line
  it returns is checked again here.

Ignored routes are left out of every query with ``not (...)`` over ``=``, ``in`` and ``and``/``or``, so they are
not counted at all (requests or errors); ignored statuses are left out of the errors here, from the status groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accesslog_notifier.window import Window

# The rows a query returns when it sets no limit ("If you omit limit, the query defaults to returning up to 10,000",
# "limit"); set explicitly, so a stats result of exactly this many rows may have been cut: then "at least".
MAX_ROWS = 10000
ROUTE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
TOTALS, ROUTES, MINUTES, SAMPLES = "totals", "routes", "minutes", "samples"


def _quoted(text: str) -> str:
    # Routes are validated against settings.json's route pattern (no quote, no whitespace in the path), and
    # escaping keeps a query well formed even so.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def route_condition(route: str) -> str:
    """The condition a line of ``route`` meets: REST lines by httpMethod and resourcePath, HTTP lines by routeKey."""
    if route == "$default":
        return f"routeKey = {_quoted(route)}"
    method, _, path = route.partition(" ")
    if method == "*":
        keys = ", ".join(_quoted(f"{each} {path}") for each in ROUTE_METHODS)
        return f"(resourcePath = {_quoted(path)} or routeKey in [{keys}])"
    return f"((httpMethod = {_quoted(method)} and resourcePath = {_quoted(path)}) or routeKey = {_quoted(route)})"


def route_matches(route: str, method: str | None, resource_path: str | None, route_key: str | None) -> bool:
    """Whether a line (or a stats group) with these fields is on ``route``: route_condition, in Python."""
    if route == "$default":
        return route_key == route
    spec_method, _, path = route.partition(" ")
    if spec_method == "*":
        return resource_path == path or route_key in {f"{each} {path}" for each in ROUTE_METHODS}
    return (method == spec_method and resource_path == path) or route_key == route


def window_filter(window: Window, ignore_routes: Sequence[str] = ()) -> str:
    """The filter every query starts with: the window, exactly, less the ignored routes."""
    conditions = [f"toMillis(@timestamp) >= {window.start_ms}", f"toMillis(@timestamp) < {window.end_ms}"]
    conditions += [f"not {route_condition(route)}" for route in ignore_routes]
    return "filter " + " and ".join(conditions)


@dataclass(frozen=True)
class QuerySet:
    """The query strings of one run, by name."""

    totals: str
    routes: str
    minutes: str
    samples: str | None

    def items(self) -> list[tuple[str, str]]:
        named = [(TOTALS, self.totals), (ROUTES, self.routes), (MINUTES, self.minutes)]
        return named + ([(SAMPLES, self.samples)] if self.samples else [])


def build_queries(
    window: Window,
    *,
    threshold: int,
    ignore_statuses: Sequence[int] = (),
    ignore_routes: Sequence[str] = (),
    sample_rows: int,
) -> QuerySet:
    """The four queries for ``window`` (no samples query when ``sample_rows`` is 0)."""
    where = window_filter(window, ignore_routes)
    samples = None
    if sample_rows > 0:
        error_filter = f"filter status >= {threshold}"
        if ignore_statuses:
            error_filter += " and status not in [" + ", ".join(str(status) for status in ignore_statuses) + "]"
        samples = (
            f"fields @timestamp, @message\n| {where}\n| {error_filter}\n| sort @timestamp desc\n| limit {sample_rows}"
        )
    return QuerySet(
        totals=f"{where}\n| stats count(*) as lines",
        routes=(
            f"{where}\n| fields coalesce(routeKey, resourcePath) as route"
            f"\n| stats count(*) as requests by status, httpMethod, route\n| limit {MAX_ROWS}"
        ),
        minutes=f"{where}\n| stats count(*) as requests by bin(1m) as minute, status\n| limit {MAX_ROWS}",
        samples=samples,
    )
