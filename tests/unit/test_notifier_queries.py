"""The notifier's real query strings, run by the Logs Insights engine over lines this test writes.

Every expected number is counted here from the lines as written (``expected()``), never by the notifier; the
engine follows AWS's documented query semantics, and where the documents are silent the tests run under each
reading the engine offers (whole or first-millisecond end second; groups with a missing by-field kept or dropped),
so the counts must not depend on what AWS chose.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest
from accesslog_notifier.aggregate import Rules, count_totals, pick_samples
from accesslog_notifier.queries import MINUTES, ROUTES, SAMPLES, TOTALS, build_queries, route_matches
from accesslog_notifier.window import Window

from tests.support.logs_insights import LogEvent, run_query
from tests.support.notifier import access_line, http_access_line, iso_ms

WINDOW = Window(iso_ms("2026-11-25T09:34:00.000Z"), iso_ms("2026-11-25T09:39:00.000Z"))
READINGS = [
    pytest.param({"end_second": end, "missing_group_field": missing}, id=f"{end}-{missing}")
    for end in ("whole", "first_ms")
    for missing in ("group", "drop")
]


@dataclass(frozen=True)
class Written:
    """One line the test wrote, and what it means (decided here, from the access-log format)."""

    timestamp_ms: int
    message: str
    status: int | None  # None: no usable status
    route: str | None  # "GET /x" for REST and HTTP alike


def rest(at: int, status, method="POST", resource="/orders", **extra) -> Written:
    message = access_line(status=status, httpMethod=method, resourcePath=resource, **extra)
    usable = status if isinstance(status, int) or (isinstance(status, str) and status.isdigit()) else None
    return Written(at, message, int(usable) if usable is not None else None, f"{method} {resource}")


def http(at: int, status, route_key="GET /items/{id}") -> Written:
    message = http_access_line(status=status, routeKey=route_key, httpMethod=route_key.split(" ")[0])
    return Written(at, message, status, route_key)


def broken(at: int, message: str) -> Written:
    return Written(at, message, None, None)


def lines() -> list[Written]:
    start, end = WINDOW.start_ms, WINDOW.end_ms
    return [
        rest(start - 1, 500),  # 1 ms before the window
        rest(start, 502),  # its first millisecond
        rest(start + 1, 200),
        rest(start + 61_000, 503, resource="/orders/{id}"),
        rest(start + 61_500, "503", resource="/orders/{id}"),  # a stage that quotes status
        rest(start + 62_000, 404, method="GET", resource="/health"),
        rest(start + 63_000, 401, method="GET", resource="/me"),
        rest(start + 64_000, "-", method="GET", resource="-"),
        http(start + 120_000, 500),
        http(start + 120_001, 201),
        http(start + 121_000, 503, route_key="GET /health"),
        http(start + 122_000, 504, route_key="$default"),
        broken(start + 180_000, '{"requestId":"cut","status":5'),
        broken(start + 181_000, "API Gateway could not write this line as JSON"),
        rest(end - 1, 500, method="DELETE", resource="/orders/{id}"),  # its last millisecond
        rest(end, 500),  # the next window's first millisecond
        rest(end + 999, 500),  # inside StartQuery's whole end second, outside the window
    ]


def expected(written: list[Written], rules: Rules) -> dict:
    """Counted from what was written: lines, requests, errors by status and route, ignored, unparsed."""
    inside = [line for line in written if WINDOW.start_ms <= line.timestamp_ms < WINDOW.end_ms]

    def ignored_route(line: Written) -> bool:
        if line.route is None:
            return False
        _, _, path = line.route.partition(" ")
        return any((rule.startswith("* ") and path == rule[2:]) or rule == line.route for rule in rules.ignore_routes)

    counted = [line for line in inside if not ignored_route(line)]
    usable = [line for line in counted if line.status is not None]
    errors = [line for line in usable if line.status >= rules.threshold and line.status not in rules.ignore_statuses]
    return {
        "lines": len(counted),
        "requests": len(usable),
        "errors": len(errors),
        "ignored": sum(1 for line in usable if line.status >= rules.threshold and line.status in rules.ignore_statuses),
        "unparsed": len(counted) - len(usable),
        "by_status": Counter(line.status for line in errors),
        "by_route": Counter(line.route for line in errors),
        "requests_by_route": Counter(line.route for line in usable),
    }


def run_all(written: list[Written], rules: Rules, reading: dict, sample_rows: int = 20):
    events = [LogEvent(line.timestamp_ms, line.message, "/g", "s") for line in written]
    queries = build_queries(
        WINDOW,
        threshold=rules.threshold,
        ignore_statuses=sorted(rules.ignore_statuses),
        ignore_routes=rules.ignore_routes,
        sample_rows=sample_rows,
    )
    start_s, end_s = WINDOW.query_seconds()

    def rows(query):
        return run_query(query, events, start_s, end_s, sort_default="refuse", **reading).results

    totals = count_totals(rows(queries.totals), rows(queries.routes), rows(queries.minutes), rules, WINDOW)
    samples, unusable = pick_samples(rows(queries.samples), rules, WINDOW, 5) if queries.samples else ([], 0)
    return totals, samples, unusable


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize(
    "rules",
    [
        Rules(400),
        Rules(500),
        Rules(400, frozenset({404, 401})),
        Rules(400, frozenset(), ("GET /health",)),
        Rules(400, frozenset({404}), ("* /health", "$default")),
    ],
    ids=["all-errors", "5xx", "ignore-404-401", "ignore-GET-health", "ignore-any-health-and-default"],
)
def test_the_counts_are_exact_whatever_the_undocumented_readings(rules, reading):
    written = lines()
    want = expected(written, rules)

    totals, _, _ = run_all(written, rules, reading)

    assert (totals.lines, totals.requests, totals.errors) == (want["lines"], want["requests"], want["errors"])
    assert (totals.ignored, totals.unparsed) == (want["ignored"], want["unparsed"])
    assert totals.errors_by_status == want["by_status"]
    assert dict(totals.errors_by_route) == dict(want["by_route"])
    assert dict(totals.requests_by_route) == dict(want["requests_by_route"])
    assert totals.complete and totals.routes_exact


@pytest.mark.parametrize("reading", READINGS)
def test_one_millisecond_either_side_of_an_edge_falls_in_exactly_one_of_two_windows(reading):
    edge = WINDOW.end_ms
    before, after = Window(WINDOW.start_ms, edge), Window(edge, edge + 300_000)
    written = [rest(edge - 1, 500, requestId="before"), rest(edge, 501, requestId="at"), rest(edge + 1, 502)]
    events = [LogEvent(line.timestamp_ms, line.message, "/g", "s") for line in written]

    def errors_in(window: Window) -> Counter:
        query = build_queries(window, threshold=400, sample_rows=20).minutes
        rows = run_query(query, events, *window.query_seconds(), **reading).results
        return count_totals([], [], rows, Rules(400), window).errors_by_status

    assert errors_in(before) == Counter({500: 1})
    assert errors_in(after) == Counter({501: 1, 502: 1})


def test_the_samples_are_error_lines_of_the_window_newest_first_distinct_first():
    totals, samples, unusable = run_all(lines(), Rules(400, frozenset({404})), {"end_second": "whole"})

    assert [sample.status for sample in samples] == [500, 504, 503, 500, 401]
    assert [sample.route for sample in samples] == [
        "DELETE /orders/{id}",
        "$default",
        "GET /health",
        "GET /items/{id}",
        "GET /me",
    ]
    assert all(WINDOW.start_ms <= sample.timestamp_ms < WINDOW.end_ms for sample in samples)
    assert unusable == 0
    assert totals.errors >= len(samples)


def test_a_quiet_window_counts_its_requests_and_finds_no_error():
    written = [rest(WINDOW.start_ms + index * 1000, 200 + index % 3) for index in range(50)]

    totals, samples, _ = run_all(written, Rules(400), {"end_second": "whole"})

    assert (totals.lines, totals.requests, totals.errors, totals.unparsed) == (50, 50, 0, 0)
    assert samples == []


def test_the_queries_use_only_the_documented_constructs_the_engine_accepts():
    queries = build_queries(
        WINDOW, threshold=400, ignore_statuses=[404], ignore_routes=["* /health", "GET /x"], sample_rows=20
    )
    for _, query in queries.items():
        run_query(query, [], *WINDOW.query_seconds())  # MalformedQueryError for anything outside the subset
    assert queries.samples.count("|") == 4 and "sort @timestamp desc" in queries.samples


def test_four_queries_whatever_the_volume():
    many = [rest(WINDOW.start_ms + index, 500) for index in range(0, 290_000, 29)]
    queries = build_queries(WINDOW, threshold=400, sample_rows=20)
    assert len(queries.items()) == 4
    totals, _, _ = run_all(many, Rules(400), {"end_second": "whole"})
    assert totals.errors == len(many) == 10_000


def test_a_cut_stats_result_makes_the_route_table_a_lower_bound():
    # 10,000 distinct routes fill the routes query's limit: the totals stay exact, the route table does not.
    written = [rest(WINDOW.start_ms + index, 500, resource=f"/r{index}") for index in range(10_001)]

    totals, _, _ = run_all(written, Rules(400), {"end_second": "whole"})

    assert totals.errors == 10_001 and totals.complete
    assert totals.routes_exact is False


def test_routes_are_json_strings_the_engine_reads_as_fields():
    line = json.loads(http_access_line(routeKey="GET /items/{id}"))
    assert line["routeKey"] == "GET /items/{id}" and "resourcePath" not in line


@pytest.mark.parametrize(
    ("route", "fields", "matches"),
    [
        ("GET /health", ("GET", "/health", None), True),  # REST: method and resource path
        ("GET /health", ("POST", "/health", None), False),
        ("GET /health", ("GET", "/health/deep", None), False),
        ("GET /health", (None, None, "GET /health"), True),  # HTTP API: the route key
        ("GET /health", (None, None, "POST /health"), False),
        ("* /health", ("DELETE", "/health", None), True),
        ("* /health", (None, None, "PATCH /health"), True),
        ("* /health", (None, None, "GET /health/deep"), False),
        ("* /health", ("GET", "/other", None), False),
        ("$default", (None, None, "$default"), True),
        ("$default", ("GET", "/", None), False),
    ],
)
def test_a_route_rule_matches_rest_lines_by_method_and_path_and_http_lines_by_route_key(route, fields, matches):
    assert route_matches(route, *fields) is matches


@pytest.mark.parametrize("path", ["/a\\", "/a\\b", '/a"b'])
def test_a_route_with_a_backslash_or_a_quote_still_makes_a_well_formed_query(path: str):
    inside = WINDOW.start_ms + 1000
    written = [rest(inside, 500, method="GET", resource=path), rest(inside + 1, 500, method="GET", resource="/ab")]
    events = [LogEvent(line.timestamp_ms, line.message, "/g", "s") for line in written]

    query = build_queries(WINDOW, threshold=400, ignore_routes=[f"GET {path}"], sample_rows=20).totals

    assert run_query(query, events, *WINDOW.query_seconds()).results == [[{"field": "lines", "value": "1"}]]


@pytest.mark.parametrize(
    ("sample_rows", "names"), [(0, [TOTALS, ROUTES, MINUTES]), (1, [TOTALS, ROUTES, MINUTES, SAMPLES])]
)
def test_a_samples_query_only_when_samples_are_wanted(sample_rows: int, names: list[str]):
    queries = build_queries(WINDOW, threshold=400, sample_rows=sample_rows)
    assert [name for name, _ in queries.items()] == names
    assert (queries.samples is None) == (sample_rows == 0)  # None, not an empty query, when there is none


def test_ignored_statuses_do_not_use_up_the_samples_querys_rows():
    start = WINDOW.start_ms
    written = [rest(start + 1000 + index, 404) for index in range(20)] + [rest(start + 10, 500), rest(start + 20, 503)]

    _, samples, _ = run_all(written, Rules(400, frozenset({404})), {"end_second": "whole"}, sample_rows=5)

    assert sorted(sample.status for sample in samples) == [500, 503]
