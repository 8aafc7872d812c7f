"""The Logs Insights queries of one run: the counts come from Insights itself, a fixed number of queries whatever
the storm, and as few bytes scanned as exact counts allow.

Every construct is a documented one (CloudWatch Logs User Guide, "CloudWatch Logs Insights language query
syntax"); nothing relies on how Insights types a field or compares a quoted number, nor on what AWS leaves
undocumented:

- ``filter toMillis(@timestamp) >= S and toMillis(@timestamp) < E`` makes the window exact to the millisecond
  whatever StartQuery's whole-second ``startTime``/``endTime`` include ("toMillis: converts the timestamp found
  in the named field into a number representing the milliseconds", "Operations and functions").
- ``fields coalesce(routeKey, resourcePath) as route`` computes a line's route once ("coalesce: returns the first
  non-null value"): an HTTP API line has a routeKey, a REST line a resourcePath, and both have httpMethod.
- Ignored routes are left out with ``filter not ispresent(httpMethod) or not ispresent(route) or not (...)``. The
  documents do not say what a comparison on a field a line lacks gives (false, or SQL's unknown, under which
  ``not`` of it is unknown too and the line would be dropped). Guarded by ``ispresent`` (true or false, never
  unknown), the condition compares only fields the line has, so every reading keeps and drops the same lines; and
  every negation is parenthesised.
- ``stats count(*) as lines, count(status) as statuses`` counts every line of the window, JSON or not ("count(*)
  counts all events", "stats"), and those with a status.
- ``stats count(*) as requests by bin(1m) as minute, status, httpMethod, route`` gives requests per minute, status
  and route in one scan ("bin", "stats"). The documents do not say whether ``stats ... by`` keeps a line that
  lacks a by-field; every line of the access-log formats has all four, and the run checks it: when the groups
  with a status hold fewer lines than ``statuses`` (a reading that drops such lines met a line of another
  format), or the result filled the row limit, the run falls back to two queries, per minute and status and per
  route (the split of earlier versions). Statuses are read and judged in Python, as text, so a quoted ``"503"``
  counts like ``503``.
- the samples query is a preview over the latest minute with errors (not the whole window: a sample needs a few
  lines, not another scan): ``filter status >= threshold``, ``sort @timestamp desc``, ``limit``, ``display``;
  every line it returns is checked again in Python.

The field names above are today's; the queries take them from the contract (:mod:`accesslog_notifier.fields`).

StartQuery refuses a query string over 10,000 characters (CloudWatch Logs API Reference, StartQuery,
``queryString``: "Maximum length of 10000"); :func:`longest_query_chars` is what config.py and the notifier
module check the settings against, so a combination that would not fit is refused at plan time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accesslog_notifier.contract import contract
from accesslog_notifier.fields import METHOD, RESOURCE_PATH, ROUTE_KEY, STATUS
from accesslog_notifier.window import LATEST_MS, Window

# The rows a query returns when it sets no limit ("If you omit limit, the query defaults to returning up to 10,000",
# "limit"); set explicitly, so a stats result of exactly this many rows may have been cut.
MAX_ROWS = int(contract()["limits"]["query_rows"])
TOTALS, COUNTS, ROUTES, MINUTES, SAMPLES = "totals", "counts", "routes", "minutes", "samples"
COUNTING = (TOTALS, COUNTS, ROUTES, MINUTES)


def route_methods() -> tuple[str, ...]:
    """The methods an HTTP API route key can start with (the contract's list, shared with the error-alarm module)."""
    return tuple(contract()["route_methods"])


def max_query_chars() -> int:
    """StartQuery's limit on a query string (the contract's, shared with the notifier module)."""
    return int(contract()["limits"]["query_chars"])


def sample_rows_for(sample_count: int) -> int:
    """Lines the samples query reads to show ``sample_count``: a few more than shown, to pick distinct ones."""
    return sample_count * int(contract()["limits"]["sample_rows_per_sample"])


def _quoted(text: str) -> str:
    # Routes are validated against the contract's route pattern (no quote, no whitespace in the path), and
    # escaping keeps a query well formed even so.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_quoted(value) for value in values) + "]"


def ignored_route_condition(ignore_routes: Sequence[str]) -> str | None:
    """The condition a line with ``httpMethod`` and ``route`` (coalesce(routeKey, resourcePath)) meets when it is on
    an ignored route; None when no route is ignored.

    A REST line's route is its resource path (``/health``, never the method), an HTTP line's its route key
    (``GET /health`` or ``$default``), so one list of routes serves both: ``GET /health`` is the path ``/health``
    with httpMethod GET, or the route key ``GET /health``; ``* /health`` is the path with any method, or the route
    key of any method; ``$default`` is that route key.
    """
    any_method: list[str] = []
    by_method: dict[str, list[str]] = {}
    for rule in dict.fromkeys(ignore_routes):
        if rule == "$default":
            any_method.append(rule)
            continue
        method, _, path = rule.partition(" ")
        if method == "*":
            any_method += [path] + [f"{each} {path}" for each in route_methods()]
        else:
            any_method.append(rule)
            by_method.setdefault(method, []).append(path)
    if not any_method:
        return None
    parts = [f"route in {_quoted_list(list(dict.fromkeys(any_method)))}"]
    # By method in sorted order, as the notifier module renders them (a Terraform map iterates its keys sorted).
    parts += [
        f"({METHOD} = {_quoted(method)} and route in {_quoted_list(paths)})"
        for method, paths in sorted(by_method.items())
    ]
    return " or ".join(parts)


def route_matches(route: str, method: str | None, resource_path: str | None, route_key: str | None) -> bool:
    """Whether a line (or a stats group) with these fields is on ``route``: ignored_route_condition, in Python."""
    if route == "$default":
        return route_key == route
    spec_method, _, path = route.partition(" ")
    if spec_method == "*":
        return resource_path == path or route_key in {f"{each} {path}" for each in route_methods()}
    return (method == spec_method and resource_path == path) or route_key == route


def window_filter(window: Window) -> str:
    """The window, exactly, to the millisecond."""
    return f"filter toMillis(@timestamp) >= {window.start_ms} and toMillis(@timestamp) < {window.end_ms}"


def route_commands(ignore_routes: Sequence[str], *, need_route: bool) -> list[str]:
    """The commands that compute ``route`` and leave out the ignored routes (none when not needed)."""
    condition = ignored_route_condition(ignore_routes)
    commands = [f"fields coalesce({ROUTE_KEY}, {RESOURCE_PATH}) as route"] if need_route or condition else []
    if condition:
        commands.append(f"filter not ispresent({METHOD}) or not ispresent(route) or not ({condition})")
    return commands


def error_filter(threshold: int, ignore_statuses: Sequence[int]) -> str:
    """The lines the samples query previews: status at or past the threshold, not ignored."""
    text = f"filter {STATUS} >= {threshold}"
    if ignore_statuses:
        text += f" and {STATUS} not in [" + ", ".join(str(status) for status in ignore_statuses) + "]"
    return text


def _pipeline(*commands: str) -> str:
    return "\n| ".join(commands)


@dataclass(frozen=True)
class QuerySet:
    """The query strings of one run, by name: ``first`` run together, ``fallback`` when the counts query cannot be
    used as it is, ``samples_for`` over a narrowed window once the error minutes are known."""

    window: Window
    threshold: int
    ignore_statuses: tuple[int, ...]
    ignore_routes: tuple[str, ...]
    sample_rows: int

    @property
    def totals(self) -> str:
        return _pipeline(
            window_filter(self.window),
            *route_commands(self.ignore_routes, need_route=False),
            f"stats count(*) as lines, count({STATUS}) as statuses",
        )

    @property
    def counts(self) -> str:
        return _pipeline(
            window_filter(self.window),
            *route_commands(self.ignore_routes, need_route=True),
            f"stats count(*) as requests by bin(1m) as minute, {STATUS}, {METHOD}, route",
            f"limit {MAX_ROWS}",
        )

    @property
    def routes(self) -> str:
        return _pipeline(
            window_filter(self.window),
            *route_commands(self.ignore_routes, need_route=True),
            f"stats count(*) as requests by {STATUS}, {METHOD}, route",
            f"limit {MAX_ROWS}",
        )

    @property
    def minutes(self) -> str:
        return _pipeline(
            window_filter(self.window),
            *route_commands(self.ignore_routes, need_route=False),
            f"stats count(*) as requests by bin(1m) as minute, {STATUS}",
            f"limit {MAX_ROWS}",
        )

    def samples_for(self, window: Window) -> str | None:
        """The samples query over ``window`` (a part of the run's), or None when no samples are wanted."""
        if self.sample_rows <= 0:
            return None
        return _pipeline(
            window_filter(window),
            *route_commands(self.ignore_routes, need_route=False),
            error_filter(self.threshold, self.ignore_statuses),
            "sort @timestamp desc",
            f"limit {self.sample_rows}",
            "display @timestamp, @message",
        )

    def first(self) -> list[tuple[str, str]]:
        return [(TOTALS, self.totals), (COUNTS, self.counts)]

    def fallback(self) -> list[tuple[str, str]]:
        return [(ROUTES, self.routes), (MINUTES, self.minutes)]

    def all_queries(self) -> list[str]:
        """Every query string the run may send (for length checks and the console link)."""
        samples = self.samples_for(self.window)
        return [self.totals, self.counts, self.routes, self.minutes] + ([samples] if samples else [])


def build_queries(
    window: Window,
    *,
    threshold: int,
    ignore_statuses: Sequence[int] = (),
    ignore_routes: Sequence[str] = (),
    sample_rows: int,
) -> QuerySet:
    """The queries for ``window`` (no samples query when ``sample_rows`` is 0); each status and route once."""
    return QuerySet(
        window, threshold, tuple(dict.fromkeys(ignore_statuses)), tuple(dict.fromkeys(ignore_routes)), sample_rows
    )


# The widest window edges a query can name: both ends in 9999 (15 digits), so the longest query is measured with
# the longest numbers any window can put in it.
WIDEST_WINDOW = Window(LATEST_MS - 1, LATEST_MS)


def longest_query_chars(
    *, threshold: int, ignore_statuses: Sequence[int], ignore_routes: Sequence[str], sample_rows: int
) -> int:
    """Characters of the longest query string these settings can make (StartQuery allows max_query_chars())."""
    queries = build_queries(
        WIDEST_WINDOW,
        threshold=threshold,
        ignore_statuses=ignore_statuses,
        ignore_routes=ignore_routes,
        sample_rows=sample_rows,
    )
    return max(len(query) for query in queries.all_queries())
