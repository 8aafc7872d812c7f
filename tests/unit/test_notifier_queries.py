"""The notifier's real query strings, run by the Logs Insights engine over lines this test writes.

Every expected number is counted here from the lines as written (``expected()``), never by the notifier; the
engine follows AWS's documented query semantics, and where the documents are silent the tests run under each
reading the engine offers (whole or first-millisecond end second; groups with a missing by-field kept or dropped;
a comparison on a missing field false or SQL's unknown), so the counts must not depend on what AWS chose. The
queries run through the notifier's own phases (counting.count_window) against an in-memory Logs client.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest
from accesslog_notifier.aggregate import Rules, count_totals
from accesslog_notifier.counting import count_window
from accesslog_notifier.queries import (
    COUNTS,
    MINUTES,
    ROUTES,
    SAMPLES,
    TOTALS,
    build_queries,
    ignored_route_condition,
    route_matches,
)
from accesslog_notifier.window import Window
from apigw_devkit.logs_insights import LogEvent, run_query

from tests.support.fake_logs import InMemoryLogs
from tests.support.notifier import FakeClock, access_line, http_access_line, iso_ms

WINDOW = Window(iso_ms("2026-11-25T09:34:00.000Z"), iso_ms("2026-11-25T09:39:00.000Z"))
READINGS = [
    pytest.param(
        {"end_second": end, "missing_group_field": missing, "missing_comparison": comparison},
        id=f"{end}-{missing}-{comparison}",
    )
    for end in ("whole", "first_ms")
    for missing in ("group", "drop")
    for comparison in ("false", "unknown")
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


def count(written: list[Written], rules: Rules, reading: dict, sample_rows: int = 20, window: Window = WINDOW):
    """The notifier's phases over ``written`` in one log group; (Counted, the in-memory client)."""
    logs = InMemoryLogs(reading={"sort_default": "refuse", **reading})
    logs.put("/g", [(line.timestamp_ms, line.message) for line in written])
    clock = FakeClock()
    counted = count_window(
        logs,
        window,
        ["/g"],
        rules=rules,
        sample_count=5,
        sample_rows=sample_rows,
        concurrency=4,
        deadline=clock.now + 100,
        clock=clock.as_clock(),
        now_ms=clock.now_ms,
    )
    assert counted.problems == []
    return counted, logs


def run_all(written: list[Written], rules: Rules, reading: dict, sample_rows: int = 20):
    counted, _ = count(written, rules, reading, sample_rows)
    return counted.totals, counted.totals.samples, counted.totals.unparsed_samples


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


def test_the_samples_are_the_newest_error_lines_distinct_first_read_from_the_latest_error_minute():
    start = WINDOW.start_ms
    last_minute = start + 240_000  # the window's fifth minute
    written = [
        rest(start + 1_000, 500, resource="/early"),  # an error minute the samples query does not need to read
        rest(last_minute + 1_000, 500, method="DELETE", resource="/orders/{id}"),
        rest(last_minute + 2_000, 500, method="DELETE", resource="/orders/{id}"),
        rest(last_minute + 3_000, 404, method="GET", resource="/health"),  # ignored status
        rest(last_minute + 4_000, 503, method="GET", resource="/me"),
        http(last_minute + 5_000, 504, route_key="$default"),
        rest(last_minute + 6_000, 200),
    ]

    counted, logs = count(written, Rules(400, frozenset({404})), {"end_second": "whole"})
    samples = counted.totals.samples

    # Newest first, one per (status, route) before any repeat: all four distinct ones fit in five.
    assert [(sample.status, sample.route) for sample in samples] == [
        (504, "$default"),
        (503, "GET /me"),
        (500, "DELETE /orders/{id}"),
        (500, "DELETE /orders/{id}"),
    ]
    [samples_query] = [request for request in logs.started() if "sort @timestamp desc" in request["queryString"]]
    assert (samples_query["startTime"], samples_query["endTime"]) == (last_minute // 1000, WINDOW.end_ms // 1000)
    assert counted.totals.errors == 5 and counted.totals.unparsed_samples == 0


def test_a_quiet_window_counts_its_requests_and_finds_no_error():
    written = [rest(WINDOW.start_ms + index * 1000, 200 + index % 3) for index in range(50)]

    totals, samples, _ = run_all(written, Rules(400), {"end_second": "whole"})

    assert (totals.lines, totals.requests, totals.errors, totals.unparsed) == (50, 50, 0, 0)
    assert samples == []


def test_the_queries_use_only_the_documented_constructs_the_engine_accepts():
    queries = build_queries(
        WINDOW, threshold=400, ignore_statuses=[404], ignore_routes=["* /health", "GET /x", "$default"], sample_rows=20
    )
    for query in queries.all_queries():
        run_query(query, [], *WINDOW.query_seconds())  # MalformedQueryError for anything outside the subset
    samples = queries.samples_for(WINDOW)
    assert (
        samples.count("|") == 6
        and "sort @timestamp desc" in samples
        and samples.endswith("display @timestamp, @message")
    )


def test_one_route_list_serves_rest_paths_and_http_route_keys():
    # REST lines: route is the resource path, with httpMethod; HTTP lines: route is the route key.
    condition = ignored_route_condition(["GET /x", "* /p", "$default", "GET /y", "GET /x"])
    keys = ", ".join(f'"{method} /p"' for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"))
    assert condition == (
        f'route in ["GET /x", "/p", {keys}, "$default", "GET /y"] or (httpMethod = "GET" and route in ["/x", "/y"])'
    )
    assert ignored_route_condition([]) is None


def test_every_negation_is_parenthesised_and_guarded_by_ispresent():
    queries = build_queries(WINDOW, threshold=400, ignore_routes=["* /health", "GET /x"], sample_rows=20)
    for query in queries.all_queries():
        for line in query.splitlines():
            if " not " in f" {line} ":
                assert "not ispresent(httpMethod) or not ispresent(route) or not (" in line, line
                assert line.count("not (") == 1 and line.endswith(")"), line


@pytest.mark.parametrize("reading", READINGS)
def test_three_queries_whatever_the_volume_two_full_scans_and_a_fifth(reading):
    many = [rest(WINDOW.start_ms + index, 500) for index in range(0, 290_000, 29)]

    counted, _ = count(many, Rules(400), reading)

    assert [outcome.name for outcome in counted.outcomes] == [TOTALS, COUNTS, SAMPLES]
    assert counted.totals.errors == len(many) == 10_000 and counted.totals.complete
    whole = sum(len(line.message) for line in many)
    scanned = [outcome.statistics["bytesScanned"] for outcome in counted.outcomes]
    assert scanned[:2] == [whole, whole]
    assert scanned[2] <= whole / 5 + len(many[0].message)  # the last minute, as the query's whole seconds hold it
    assert counted.totals.bytes_scanned == sum(scanned) <= 2.25 * whole


def test_a_quiet_window_is_two_scans_and_no_samples_query():
    written = [rest(WINDOW.start_ms + index * 1000, 200) for index in range(50)]

    counted, _ = count(written, Rules(400), {})

    assert [outcome.name for outcome in counted.outcomes] == [TOTALS, COUNTS]


def test_a_cut_counts_result_falls_back_to_the_split_queries_and_the_route_table_becomes_a_lower_bound():
    # 10,001 distinct routes fill the counts query's limit, then the routes query's: the per-minute query keeps the
    # totals exact, the route table says "at least".
    written = [rest(WINDOW.start_ms + index, 500, resource=f"/r{index}") for index in range(10_001)]

    counted, _ = count(written, Rules(400), {"end_second": "whole"})

    assert [outcome.name for outcome in counted.outcomes] == [TOTALS, COUNTS, ROUTES, MINUTES, SAMPLES]
    assert counted.totals.errors == 10_001 and counted.totals.complete
    assert counted.totals.routes_exact is False


@pytest.mark.parametrize("reading", READINGS)
def test_a_line_of_another_format_with_a_status_is_counted_under_every_reading(reading):
    # A JSON line with a status but no httpMethod or route: a reading that drops groups with a missing by-field
    # loses it from the counts query; the totals query's count(status) notices, and the split queries count it.
    start = WINDOW.start_ms
    written = [
        rest(start + 1_000, 500),
        Written(start + 2_000, json.dumps({"status": 502, "requestId": "x"}), 502, None),
        rest(start + 3_000, 200),
    ]

    counted, _ = count(written, Rules(400), reading)

    assert (counted.totals.requests, counted.totals.errors, counted.totals.unparsed) == (3, 2, 0)
    assert counted.totals.errors_by_status == Counter({500: 1, 502: 1})
    names = [outcome.name for outcome in counted.outcomes]
    assert (ROUTES in names) == (reading["missing_group_field"] == "drop")


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

    result = run_query(query, events, *WINDOW.query_seconds())
    assert [{cell["field"]: cell["value"] for cell in row} for row in result.results] == [
        {"lines": "1", "statuses": "1"}
    ]


@pytest.mark.parametrize("sample_rows", [0, 1])
def test_a_samples_query_only_when_samples_are_wanted(sample_rows: int):
    queries = build_queries(WINDOW, threshold=400, sample_rows=sample_rows)
    assert [name for name, _ in queries.first()] == [TOTALS, COUNTS]
    assert [name for name, _ in queries.fallback()] == [ROUTES, MINUTES]
    assert (queries.samples_for(WINDOW) is None) == (sample_rows == 0)  # None, not an empty query, when there is none
    written = [rest(WINDOW.start_ms + 1000, 500)]
    counted, _ = count(written, Rules(400), {}, sample_rows=sample_rows)
    assert (SAMPLES in [outcome.name for outcome in counted.outcomes]) == (sample_rows > 0)


def test_ignored_statuses_do_not_use_up_the_samples_querys_rows():
    start = WINDOW.start_ms
    written = [rest(start + 1000 + index, 404) for index in range(20)] + [rest(start + 10, 500), rest(start + 20, 503)]

    _, samples, _ = run_all(written, Rules(400, frozenset({404})), {"end_second": "whole"}, sample_rows=5)

    assert sorted(sample.status for sample in samples) == [500, 503]


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("threshold", [400, 500])
def test_a_line_exactly_at_the_threshold_is_an_error_counted_and_sampled(threshold: int, reading):
    # "a status >= this is an error": the threshold itself counts, one below does not, in the counts and in the
    # samples query alike (the samples' own filter, not only the Python check after it).
    start = WINDOW.start_ms
    written = [
        rest(start + 1_000, threshold - 1),
        rest(start + 2_000, threshold),
        http(start + 3_000, threshold),
        rest(start + 4_000, 200),
    ]

    counted, _ = count(written, Rules(threshold), reading)
    totals = counted.totals

    assert (totals.requests, totals.errors) == (4, 2)
    assert totals.errors_by_status == Counter({threshold: 2})
    assert dict(totals.errors_by_route) == {"POST /orders": 1, "GET /items/{id}": 1}
    assert [(sample.status, sample.route) for sample in totals.samples] == [
        (threshold, "GET /items/{id}"),
        (threshold, "POST /orders"),
    ], f"the lines at status {threshold} must be sampled with threshold {threshold}"
