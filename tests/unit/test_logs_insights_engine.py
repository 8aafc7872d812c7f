"""The Logs Insights engine in tests/support: documented examples, the notifier's queries, choices, refusals.

Each documented example is run over events built here and checked against the meaning the page gives it; the page
is named in the test. Expectations are computed by hand, never by the engine.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from apigw_devkit import logs_insights
from apigw_devkit.logs_insights import (
    DEFAULT_LIMIT,
    LogEvent,
    MalformedQueryError,
    QueryResult,
    format_timestamp,
    parse_query,
    run_query,
)

DOCS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
BASE_MS = 1_795_599_000_000  # 2026-11-25 09:30:00.000 UTC
START_S = BASE_MS // 1000
END_S = START_S + 300
WIDE = (START_S - 86_400, START_S + 86_400)  # a range that holds every event of the documented-example tests
GROUP = "/aws/apigateway/orders-prod"
WINDOW_FILTER = "filter toMillis(@timestamp) >= 1795599000000 and toMillis(@timestamp) < 1795599300000"


def event(offset_ms: int, message: Any, *, group: str = GROUP, stream: str = "stream-1", **kw: Any) -> LogEvent:
    """A LogEvent ``offset_ms`` after BASE_MS; dicts are written as JSON."""
    text = message if isinstance(message, str) else json.dumps(message)
    return LogEvent(BASE_MS + offset_ms, text, group, stream, **kw)


def run(query: str, events: list[LogEvent], span: tuple[int, int] = WIDE, **options: Any) -> QueryResult:
    return run_query(query, events, span[0], span[1], **options)


def rows(result: QueryResult) -> list[dict[str, str]]:
    """Rows as {field: value}, checking first that no field appears twice in a row."""
    out = []
    for row in result.results:
        names = [cell["field"] for cell in row]
        assert len(names) == len(set(names)), row
        assert all(set(cell) == {"field", "value"} and isinstance(cell["value"], str) for cell in row)
        out.append({cell["field"]: cell["value"] for cell in row})
    return out


def without_ptr(result: QueryResult) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k != "@ptr"} for row in rows(result)]


def column(result: QueryResult, name: str) -> list[str | None]:
    return [row.get(name) for row in rows(result)]


def as_set(items: list[dict[str, str]]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted(item.items())) for item in items}


def stamp(offset_ms: int) -> str:
    return format_timestamp(BASE_MS + offset_ms)


def scrambled(items: list[Any]) -> list[Any]:
    """The same items out of order (odd positions backwards, then even ones), so that input order proves nothing."""
    return items[1::2][::-1] + items[0::2]


# ------------------------------------------------------------------------------------------------------------------
# Result shape (GetQueryResults) and statistics
# ------------------------------------------------------------------------------------------------------------------


def test_rows_are_field_value_lists_in_the_named_order_with_ptr_last():
    events = [event(12_907, {"status": 504, "path": "/a"}), event(13_000, {"status": 401})]
    result = run("fields @timestamp, status, path | sort @timestamp asc", events)
    first, second = result.results
    assert [cell["field"] for cell in first] == ["@timestamp", "status", "path", "@ptr"]
    assert first[0] == {"field": "@timestamp", "value": "2026-11-25 09:30:12.907"}
    assert first[1] == {"field": "status", "value": "504"}
    # A field the event does not have is left out of its row.
    assert [cell["field"] for cell in second] == ["@timestamp", "status", "@ptr"]
    assert first[-1]["value"] != second[-1]["value"]  # @ptr is unique per event


def test_timestamp_format_is_the_one_getqueryresults_uses(load_fixture):
    # tests/fixtures/insights-results-complete.json: "2026-11-25 09:31:12.907", never epoch milliseconds.
    shown = load_fixture("insights-results-complete.json")["results"][0][0]["value"]
    assert shown == "2026-11-25 09:31:12.907"
    assert format_timestamp(BASE_MS + 72_907) == shown


def test_without_fields_or_display_rows_hold_timestamp_and_message():
    # The earlier syntax page: "filter (duration>2000) is also a valid query, but the results do not show separate
    # fields. Instead, the results show the @timestamp and all log data in the @message field".
    events = [event(0, {"duration": 2500}), event(1, {"duration": 2000}), event(2, "no json")]
    result = run("filter (duration>2000)", events)
    assert without_ptr(result) == [{"@timestamp": stamp(0), "@message": '{"duration": 2500}'}]
    assert [cell["field"] for cell in result.results[0]] == ["@timestamp", "@message", "@ptr"]


def test_statistics_are_floats_counting_scanned_matched_bytes_and_groups():
    events = [
        event(0, {"status": 500}),  # 15 bytes
        event(1, "caf\u00e9 line", group="/other"),  # "café line": 9 characters, 10 UTF-8 bytes
        event(2, {"status": 200}),  # 15 bytes
        event(400_000, {"status": 500}),  # outside the range: not scanned
    ]
    result = run("filter status >= 500 | stats count(*) as n", events, (START_S, END_S))
    assert result.statistics == {
        "recordsMatched": 1.0,
        "recordsScanned": 3.0,
        "estimatedRecordsSkipped": 0.0,
        "bytesScanned": 40.0,
        "estimatedBytesSkipped": 0.0,
        "logGroupsScanned": 2.0,
    }
    assert all(type(value) is float for value in result.statistics.values())


# ------------------------------------------------------------------------------------------------------------------
# The time range: StartQuery's seconds, both ends included
# ------------------------------------------------------------------------------------------------------------------

EDGE_OFFSETS = (-1, 0, 299_999, 300_000, 300_999, 301_000)


def test_range_includes_the_start_and_by_default_the_whole_end_second():
    events = [event(offset, "x") for offset in EDGE_OFFSETS]
    result = run("fields @timestamp | sort @timestamp asc", events, (START_S, END_S))
    assert column(result, "@timestamp") == [stamp(0), stamp(299_999), stamp(300_000), stamp(300_999)]


def test_end_second_first_ms_includes_only_the_first_millisecond_of_the_end_second():
    events = [event(offset, "x") for offset in EDGE_OFFSETS]
    result = run("fields @timestamp | sort @timestamp asc", events, (START_S, END_S), end_second="first_ms")
    assert column(result, "@timestamp") == [stamp(0), stamp(299_999), stamp(300_000)]


@pytest.mark.parametrize("end_second", ["whole", "first_ms"])
@pytest.mark.parametrize(("window_start", "window_end"), [(0, 300_000), (500, 300_500), (999, 1_001)])
def test_a_tomillis_window_filter_is_exact_under_either_reading_of_the_end_second(end_second, window_start, window_end):
    # The notifier asks for whole seconds around its window (start floored, end ceiled) and filters on
    # toMillis(@timestamp) inside the query, so only events in [start, end) count, however AWS treats the end second.
    offsets = sorted({window_start + d for d in (-1000, -1, 0, 1)} | {window_end + d for d in (-1, 0, 1, 999, 1000)})
    events = [event(offset, "x") for offset in offsets]
    start_ms, end_ms = BASE_MS + window_start, BASE_MS + window_end
    query = f"filter toMillis(@timestamp) >= {start_ms} and toMillis(@timestamp) < {end_ms} | stats count(*) as n"
    span = (start_ms // 1000, -(-end_ms // 1000))
    expected = sum(window_start <= offset < window_end for offset in offsets)
    assert rows(run(query, events, span, end_second=end_second)) == [{"n": str(expected)}]


def test_bad_ranges_and_options_are_value_errors():
    with pytest.raises(ValueError, match="before"):
        run_query("stats count(*)", [], 10, 9)
    with pytest.raises(ValueError, match="whole epoch seconds"):
        run_query("stats count(*)", [], 1.5, 9)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing_group_field"):
        run_query("stats count(*)", [], 1, 9, missing_group_field="keep")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="end_second"):
        run_query("stats count(*)", [], 1, 9, end_second="last_ms")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------------------------
# The notifier's four queries, end to end, with hand-computed expectations
# ------------------------------------------------------------------------------------------------------------------

HTTP_GROUP = "/aws/apigateway/items-http"


def rest(offset: int, method: str, path: str, status: Any) -> LogEvent:
    line = {"requestId": f"r-{offset}", "httpMethod": method, "resourcePath": path, "status": status}
    return event(offset, line)


def http(offset: int, method: str, route: str, status: Any) -> LogEvent:
    line = {"requestId": f"h-{offset}", "httpMethod": method, "routeKey": route, "status": status}
    return event(offset, line, group=HTTP_GROUP)


NOTIFIER_EVENTS = [
    rest(-1, "POST", "/orders", 502),  # before the range
    rest(0, "POST", "/orders", 502),
    rest(1_500, "GET", "/orders/{id}", 404),
    rest(59_999, "GET", "/health", 503),
    http(60_000, "GET", "GET /items", 500),
    rest(61_234, "POST", "/orders", "503"),
    rest(62_000, "GET", "/orders/{id}", "-"),
    event(120_000, '{"requestId":"r-t","httpMethod":"POST","resourcePath":"/refunds","status":'),  # truncated
    event(121_000, "The access-log line for this request could not be written as JSON"),
    rest(150_000, "GET", "/health", 200),
    rest(180_500, "PUT", "/payments", 401),
    rest(200_000, "POST", "/orders", 503),
    http(240_000, "POST", "POST /items", "500"),
    http(299_000, "GET", "GET /health", 503),
    rest(299_999, "DELETE", "/orders/{id}", 200),
    rest(300_000, "POST", "/orders", 500),  # in the range (both readings), outside the window
    rest(300_999, "POST", "/orders", 500),  # in the range only with the whole end second
]
IN_WINDOW = 14
NOTIFIER_SPAN = (START_S, END_S)


@pytest.mark.parametrize(("end_second", "scanned"), [("whole", 16.0), ("first_ms", 15.0)])
def test_notifier_query_lines(end_second, scanned):
    query = f"{WINDOW_FILTER}\n| stats count(*) as lines"
    result = run(query, NOTIFIER_EVENTS, NOTIFIER_SPAN, end_second=end_second)
    assert result.results == [[{"field": "lines", "value": str(IN_WINDOW)}]]
    assert result.statistics["recordsMatched"] == IN_WINDOW
    assert result.statistics["recordsScanned"] == scanned
    assert result.statistics["logGroupsScanned"] == 2.0


@pytest.mark.parametrize("end_second", ["whole", "first_ms"])
def test_notifier_query_requests_by_status_method_resource_route(end_second):
    query = (
        f"{WINDOW_FILTER}\n| stats count(*) as requests by status, httpMethod, resourcePath, routeKey\n| limit 10000"
    )
    result = run(query, NOTIFIER_EVENTS, NOTIFIER_SPAN, end_second=end_second)
    for row in result.results:  # by-expressions first, in order, then the aggregate; missing ones left out
        names = [cell["field"] for cell in row]
        order = ["status", "httpMethod", "resourcePath", "routeKey", "requests"]
        assert names == [name for name in order if name in names]
    expected = [
        {"status": "502", "httpMethod": "POST", "resourcePath": "/orders", "requests": "1"},
        {"status": "404", "httpMethod": "GET", "resourcePath": "/orders/{id}", "requests": "1"},
        {"status": "503", "httpMethod": "GET", "resourcePath": "/health", "requests": "1"},
        {"status": "500", "httpMethod": "GET", "routeKey": "GET /items", "requests": "1"},
        {"status": "503", "httpMethod": "POST", "resourcePath": "/orders", "requests": "2"},  # "503" and 503
        {"status": "-", "httpMethod": "GET", "resourcePath": "/orders/{id}", "requests": "1"},
        {"requests": "2"},  # the truncated line and the plain-text line: no discovered fields
        {"status": "200", "httpMethod": "GET", "resourcePath": "/health", "requests": "1"},
        {"status": "401", "httpMethod": "PUT", "resourcePath": "/payments", "requests": "1"},
        {"status": "500", "httpMethod": "POST", "routeKey": "POST /items", "requests": "1"},
        {"status": "503", "httpMethod": "GET", "routeKey": "GET /health", "requests": "1"},
        {"status": "200", "httpMethod": "DELETE", "resourcePath": "/orders/{id}", "requests": "1"},
    ]
    assert len(result.results) == len(expected)
    assert as_set(rows(result)) == as_set(expected)
    assert sum(int(row["requests"]) for row in rows(result)) == IN_WINDOW


@pytest.mark.parametrize("end_second", ["whole", "first_ms"])
def test_notifier_query_requests_by_minute_and_status(end_second):
    query = f"{WINDOW_FILTER}\n| stats count(*) as requests by bin(1m) as minute, status\n| limit 10000"
    result = run(query, NOTIFIER_EVENTS, NOTIFIER_SPAN, end_second=end_second)
    minute = {m: f"2026-11-25 09:3{m}:00.000" for m in range(5)}
    expected = [
        {"minute": minute[0], "status": "502", "requests": "1"},
        {"minute": minute[0], "status": "404", "requests": "1"},
        {"minute": minute[0], "status": "503", "requests": "1"},
        {"minute": minute[1], "status": "500", "requests": "1"},
        {"minute": minute[1], "status": "503", "requests": "1"},
        {"minute": minute[1], "status": "-", "requests": "1"},
        {"minute": minute[2], "requests": "2"},
        {"minute": minute[2], "status": "200", "requests": "1"},
        {"minute": minute[3], "status": "401", "requests": "1"},
        {"minute": minute[3], "status": "503", "requests": "1"},
        {"minute": minute[4], "status": "500", "requests": "1"},
        {"minute": minute[4], "status": "503", "requests": "1"},
        {"minute": minute[4], "status": "200", "requests": "1"},
    ]
    assert len(result.results) == len(expected)
    assert as_set(rows(result)) == as_set(expected)
    assert [cell["field"] for cell in result.results[0]] == ["minute", "status", "requests"]


@pytest.mark.parametrize("end_second", ["whole", "first_ms"])
def test_notifier_query_error_lines_newest_first(end_second):
    query = (
        "fields @timestamp, @message\n"
        f"| {WINDOW_FILTER}\n"
        "| filter status >= 400 and status not in [404, 401]"
        ' and not (httpMethod = "GET" and resourcePath = "/health")\n'
        "| sort @timestamp desc\n"
        "| limit 20"
    )
    result = run(query, NOTIFIER_EVENTS, NOTIFIER_SPAN, end_second=end_second)
    # Kept: 502 POST, 500 GET /items (HTTP API: no resourcePath, so not the health check), "503" POST, 503 POST,
    # "500" POST /items, 503 GET /health of the HTTP API (again no resourcePath). Dropped: 404 and 401 (listed),
    # 503 GET /health (REST health check), "-" (not a number), the lines without status, 200s, and the edges.
    kept = [299_000, 240_000, 200_000, 61_234, 60_000, 0]
    by_offset = {item.timestamp_ms - BASE_MS: item for item in NOTIFIER_EVENTS}
    assert without_ptr(result) == [
        {"@timestamp": stamp(offset), "@message": by_offset[offset].message} for offset in kept
    ]
    assert all([cell["field"] for cell in row] == ["@timestamp", "@message", "@ptr"] for row in result.results)
    assert result.statistics["recordsMatched"] == len(kept)


def test_notifier_grouping_under_the_drop_reading_loses_every_line():
    # Every line lacks resourcePath (HTTP APIs) or routeKey (REST APIs): if AWS dropped events missing a by-field,
    # this query would return nothing. The option lets the notifier's tests check it copes with both readings.
    query = f"{WINDOW_FILTER}\n| stats count(*) as requests by status, httpMethod, resourcePath, routeKey"
    result = run(query, NOTIFIER_EVENTS, NOTIFIER_SPAN, missing_group_field="drop")
    assert result.results == []
    assert result.statistics["recordsMatched"] == IN_WINDOW


# ------------------------------------------------------------------------------------------------------------------
# filter: CWL_QuerySyntax-Filter.html and the earlier syntax page
# ------------------------------------------------------------------------------------------------------------------


def test_doc_filter_one_condition_sorted_and_limited():
    # CWL_QuerySyntax-Filter.html: "returns all log events where the value for range is greater than 3000. The
    # query limits the results to 20 log events and sorts the logs events by @timestamp and in descending order."
    events = [event(i * 1000, {"range": 3001 + i}) for i in range(25)]
    events += [event(100_000 + i, {"range": value}) for i, value in enumerate((3000, 100, "3000"))]
    events = scrambled(events)
    result = run("fields @timestamp, @message\n| filter (range>3000)\n| sort @timestamp desc\n| limit 20", events)
    assert column(result, "@timestamp") == [stamp(i * 1000) for i in range(24, 4, -1)]


def test_doc_filter_more_than_one_condition():
    # CWL_QuerySyntax-Filter.html: "range is greater than 3000 and value for accountId is equal to 123456789012".
    # The discovered-fields page's JSON example holds "accountId": "123456789012" as a string.
    events = [
        event(0, {"range": 5000, "accountId": "123456789012"}),
        event(1, {"range": 5000, "accountId": 123456789012}),
        event(2, {"range": 5000, "accountId": "210987654321"}),
        event(3, {"range": 2000, "accountId": "123456789012"}),
    ]
    query = "fields @timestamp, @message\n| filter (range>3000 and accountId=123456789012)\n| sort @timestamp desc"
    assert column(run(query, events), "@timestamp") == [stamp(1), stamp(0)]


def test_doc_fields_then_filter_on_duration():
    # Earlier syntax page: "fields f1, f2, f3 | filter (duration>2000) retrieves the fields f1, f2, and f3 for all
    # log events with a value over 2000 in the duration field".
    events = [event(0, {"f1": "a", "f3": 3, "duration": 2001}), event(1, {"f1": "b", "f2": 2, "duration": 1999})]
    result = run("fields f1, f2, f3 | filter (duration>2000)", events)
    assert without_ptr(result) == [{"f1": "a", "f3": "3"}]
    assert [cell["field"] for cell in result.results[0]] == ["f1", "f3", "@ptr"]


def test_doc_f1_equals_10_or_f3_greater_than_25():
    # Earlier syntax page: "fields f1, f2 | filter (f1=10 or f3>25) retrieves the fields f1 and f2 for all log
    # events where f1 is 10 or f3 is greater than 25."
    events = [
        event(0, {"f1": 10, "f2": "x"}),
        event(1, {"f1": 9, "f3": 26}),
        event(2, {"f1": 9, "f3": 25}),
        event(3, {"f2": "y"}),
    ]
    result = run("fields f1, f2 | filter (f1=10 or f3>25) | sort @timestamp asc", events)
    assert without_ptr(result) == [{"f1": "10", "f2": "x"}, {"f1": "9"}]


def test_doc_statuscode_like_regex_and_not_like():
    # Earlier syntax page: "filter statusCode like /2\d\d/ returns log events where the field statusCode has a
    # value between 200 and 299"; "not like /2\d\d/" the others.
    events = [event(0, {"statusCode": 204}), event(1, {"statusCode": "201"}), event(2, {"statusCode": 404})]
    events.append(event(3, {"other": 1}))
    query = "fields f1, statusCode | filter statusCode {} /2\\d\\d/ | sort @timestamp asc"
    assert column(run(query.format("like"), events), "statusCode") == ["204", "201"]
    assert column(run(query.format("not like"), events), "statusCode") == ["404", None]


def test_doc_in_with_numbers_matches_quoted_statuses():
    # Earlier syntax page: "filter statusCode in [300,400,500]" "returns log events that have a statusCode of
    # "300", "400", or "500"".
    values = [300, "400", "500", 200, "300x", 500.0, "0400"]
    events = [event(i, {"statusCode": value}) for i, value in enumerate(values)]
    result = run("fields @timestamp, @message | filter statusCode in [300,400,500] | sort @timestamp asc", events)
    assert column(result, "@timestamp") == [stamp(0), stamp(1), stamp(2), stamp(5), stamp(6)]


def test_doc_not_in_a_mixed_list():
    # Earlier syntax page: "returns log events that do not have Type fields with values of "foo", "bar", or "1"".
    values = ["foo", "bar", 1, "1", "baz", 2]
    events = [event(i, {"Type": value}) for i, value in enumerate(values)] + [event(9, {"Other": 1})]
    result = run('fields Type | filter Type not in ["foo","bar",1] | sort @timestamp asc', events)
    assert column(result, "Type") == ["baz", "2", None]  # a line without Type does not have one of those values


def test_doc_in_matches_complete_strings_only():
    # CWL_QuerySyntax-Filter.html: "The fields must be complete strings ... the field logGroup is the complete
    # string example_group".
    events = [event(0, {"logGroup": "example_group"}), event(1, {"logGroup": "example_group_2"})]
    result = run('fields @timestamp, @message\n| filter logGroup in ["example_group"]', events)
    assert column(result, "@timestamp") == [stamp(0)]


EXCEPTION_EVENTS = [
    event(0, {"f1": "java.lang.IllegalStateException: boom"}),
    event(1, {"f1": "an exception happened"}),
    event(2, {"f1": "Exception"}),
    event(3, {"f1": "EXCEPTION"}),
    event(4, {"f1": "all good"}),
]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # CWL_QuerySyntax-Filter.html: three case-sensitive ways to find "Exception" in f1.
        ('f1 like "Exception"', [0, 2]),
        ("f1 like /Exception/", [0, 2]),
        ("f1 =~ /Exception/", [0, 2]),
        # "returns log events where f1 doesn't contain the word Exception. The example is case senstive."
        ('f1 not like "Exception"', [1, 3, 4]),
        # "Place the following parameter (?i) before the substring you want to match."
        ("f1 like /(?i)Exception/", [0, 1, 2, 3]),
        # Earlier syntax page: "returns all events in which f1 is exactly the word Exception. The query is not
        # case-sensitive."
        ("f1 =~ /^(?i)Exception$/", [2, 3]),
        # Earlier syntax page: like and =~ with a quoted string match substrings.
        ("f1 =~ 'Exception'", [0, 2]),
    ],
)
def test_doc_substring_and_regular_expression_matches(condition, expected):
    result = run(f"fields f1, f2, f3 | filter {condition} | sort @timestamp asc", EXCEPTION_EVENTS)
    assert column(result, "f1") == [json.loads(EXCEPTION_EVENTS[i].message)["f1"] for i in expected]


def test_doc_where_rows_compare_with_logical_operators_and_parentheses():
    # CWL_QuerySyntax-operations-functions.html: and, or, not; = != < <= > >=.
    events = [event(i, {"a": i, "b": "x" if i % 2 else "y"}) for i in range(6)]
    query = 'fields a | filter (a >= 1 and a <= 4) and not (b = "x" and a != 3) or a < 1 | sort a asc'
    assert column(run(query, events), "a") == ["0", "2", "3", "4"]


# ------------------------------------------------------------------------------------------------------------------
# stats: CWL_QuerySyntax-Stats.html and the functions page
# ------------------------------------------------------------------------------------------------------------------


def test_doc_stats_count_by_query_type_and_hour():
    # CWL_QuerySyntax-Stats.html: "stats count(*) by queryType, bin(1h)": Route 53 records per hour, by query type.
    hour = 3_600_000
    events = [
        event(0, {"queryType": "A"}),  # 09:30 -> the 09:00 bin
        event(1_000, {"queryType": "A"}),
        event(1_800_000, {"queryType": "AAAA"}),  # 10:00
        event(1_800_000 + hour, {"queryType": "A"}),  # 11:00
    ]
    result = run("stats count(*) by queryType, bin(1h)", events)
    assert [cell["field"] for cell in result.results[0]] == ["queryType", "bin(1h)", "count(*)"]
    assert as_set(rows(result)) == as_set(
        [
            {"queryType": "A", "bin(1h)": "2026-11-25 09:00:00.000", "count(*)": "2"},
            {"queryType": "AAAA", "bin(1h)": "2026-11-25 10:00:00.000", "count(*)": "1"},
            {"queryType": "A", "bin(1h)": "2026-11-25 11:00:00.000", "count(*)": "1"},
        ]
    )


def test_doc_exception_count_per_hour_sorted():
    # CWL_QuerySyntax-Stats.html / functions page: "filter @message like /Exception/ | stats count(*) as
    # exceptionCount by bin(1h) | sort exceptionCount desc" counts the exceptions per hour.
    events = [event(0, "Exception A"), event(60_000, "fine"), event(3_600_000, "Exception B")]
    events += [event(3_600_000 + i, "NullPointerException") for i in range(1, 3)]
    query = (
        "filter @message like /Exception/\n| stats count(*) as exceptionCount by bin(1h)\n| sort exceptionCount desc"
    )
    assert rows(run(query, events)) == [
        {"bin(1h)": "2026-11-25 10:00:00.000", "exceptionCount": "3"},
        {"bin(1h)": "2026-11-25 09:00:00.000", "exceptionCount": "1"},
    ]


def test_doc_count_star_counts_events_count_field_counts_events_with_the_field():
    # Stats functions: "count() (or count(*)) counts all events returned by the query, while count(fieldName)
    # counts all records that include the specified field name."
    events = [
        event(0, {"resourcePath": "/a", "status": 500}),
        event(1, {"routeKey": "GET /b", "status": 500}),
        event(2, "plain text"),
        event(3, {"resourcePath": None}),  # null: not a value
    ]
    result = run("stats count(*) as everything, count() as alsoEverything, count(resourcePath) as rest", events)
    assert rows(result) == [{"everything": "4", "alsoEverything": "4", "rest": "1"}]


def test_sum_min_max_follow_the_documented_order_and_skip_non_numbers():
    events = [
        event(0, {"k": "a", "bytes": 10, "code": "b2"}),
        event(1, {"k": "a", "bytes": "15", "code": "a10"}),
        event(2, {"k": "a", "bytes": "-", "code": 7}),
        event(3, {"k": "b", "code": "x"}),
        event(4, {"k": "c", "bytes": 1.5}),
    ]
    query = "stats sum(bytes) as total, min(code) as low, max(code) as high, max(@timestamp) as last by k"
    assert as_set(rows(run(query, events))) == as_set(
        [
            # Non-numbers sort before numbers, so max is the number 7 and min the string "a10".
            {"k": "a", "total": "25", "low": "a10", "high": "7", "last": stamp(2)},
            {"k": "b", "low": "x", "high": "x", "last": stamp(3)},  # no number to add: sum left out
            {"k": "c", "total": "1.5", "last": stamp(4)},
        ]
    )


def test_doc_bin_periods_are_capped_per_unit():
    # Functions page: "if you specify bin(300s), CloudWatch Logs actually implements this as 60 seconds ... The cap
    # for ms is 1000, the caps for s and m are 60, and the cap for h is 24."
    events = [event(offset, "x") for offset in (0, 30_000, 61_000, 119_000, 121_000)]
    capped = rows(run("stats count(*) as n by bin(300s) as t", events))
    assert capped == [
        {"t": "2026-11-25 09:30:00.000", "n": "2"},
        {"t": "2026-11-25 09:31:00.000", "n": "2"},
        {"t": "2026-11-25 09:32:00.000", "n": "1"},
    ]
    assert rows(run("stats count(*) as n by bin(5m) as t", events)) == [{"t": "2026-11-25 09:30:00.000", "n": "5"}]
    # 09:30 and 10:10 share a true 90-minute bin from the epoch (09:00-10:30), but bin(90m) is capped to an hour.
    later = [event(0, "x"), event(40 * 60_000, "x")]
    assert column(run("stats count(*) as n by bin(90m) as t", later), "t") == [
        "2026-11-25 09:00:00.000",
        "2026-11-25 10:00:00.000",
    ]
    assert column(run("stats count(*) as n by bin(1500ms) as t", [event(1_200, "x")]), "t") == [stamp(1_000)]
    assert column(run("stats count(*) as n by bin(30h) as t", [event(0, "x")]), "t") == ["2026-11-25 00:00:00.000"]


@pytest.mark.parametrize("period", ["1m", "1min", "1mins", "1minute", "1minutes", "60s", "60sec", "60seconds"])
def test_doc_bin_unit_spellings(period):
    # CWL_QuerySyntax-Stats.html: minute m min, second s sec; "adding s to pluralize is supported".
    assert column(run(f"stats count(*) as n by bin({period}) as t", [event(61_000, "x")]), "t") == [stamp(60_000)]


def test_stats_keywords_are_case_insensitive_as_in_the_stats_page_examples():
    # CWL_QuerySyntax-Stats.html writes FIELDS, STATS, BY, AS and BIN(5m) in capitals.
    events = [event(0, {"s": 1}), event(1, {"s": 1}), event(400_000, {"s": 2})]
    query = "FIELDS s AS code | FILTER code = 1 | STATS COUNT(*) AS n BY BIN(5m) AS @t"
    assert rows(run(query, events)) == [{"@t": "2026-11-25 09:30:00.000", "n": "2"}]


def test_commands_after_stats_see_only_its_outputs():
    events = [event(i, {"status": s}) for i, s in enumerate([500, 500, 502, 404, 404, 404])]
    query = "stats count(*) as n by status | filter n > 1 | sort n desc | display status, n"
    assert rows(run(query, events)) == [{"status": "404", "n": "3"}, {"status": "500", "n": "2"}]
    backticked = rows(run("stats count(*) by status | sort `count(*)` asc | limit 1", events))
    assert backticked == [{"status": "502", "count(*)": "1"}]


# ------------------------------------------------------------------------------------------------------------------
# sort and limit
# ------------------------------------------------------------------------------------------------------------------

SORT_PAGE_ORDER = ["!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh"]
SORT_PAGE_ORDER += ["0", "01", "1", "2", "3"]


def test_doc_natural_sort_order_and_its_reverse():
    # CWL_QuerySyntax-Sort.html: "the following is the result of a sort in ascending order" ... "If you sort in
    # descending order, the sort results are the reverse."
    shuffled = scrambled(SORT_PAGE_ORDER)
    events = [event(i, {"v": value}) for i, value in enumerate(shuffled)]
    assert column(run("fields v | sort v asc", events), "v") == SORT_PAGE_ORDER
    assert column(run("fields v | sort v desc", events), "v") == SORT_PAGE_ORDER[::-1]


def test_doc_top_15_packet_transfers():
    # CWL_QuerySyntax-Sort.html: "stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort
    # packetsTransferred desc | limit 15" finds "the top 15 packet transfers across hosts".
    events = []
    for pair in range(20):
        events.append(event(pair * 10, {"srcAddr": f"10.0.0.{pair}", "dstAddr": "10.1.0.1", "packets": pair * 10}))
        events.append(event(pair * 10 + 1, {"srcAddr": f"10.0.0.{pair}", "dstAddr": "10.1.0.1", "packets": 3}))
    query = "stats sum(packets) as packetsTransferred by srcAddr, dstAddr\n| sort packetsTransferred  desc\n| limit 15"
    result = rows(run(query, events))
    assert [row["srcAddr"] for row in result] == [f"10.0.0.{pair}" for pair in range(19, 4, -1)]
    assert [row["packetsTransferred"] for row in result] == [str(pair * 10 + 3) for pair in range(19, 4, -1)]


def test_doc_limit_returns_the_25_most_recent():
    # CWL_QuerySyntax-Limit.html: "fields @timestamp, @message | sort @timestamp desc | limit 25" "returns only the
    # 25 most recent log events".
    events = [event(i, f"line {i}") for i in range(40)]
    events = scrambled(events)
    result = run("fields @timestamp, @message | sort @timestamp desc | limit 25", events)
    assert column(result, "@message") == [f"line {i}" for i in range(39, 14, -1)]


def test_doc_limit_defaults_to_10000_and_accepts_up_to_100000():
    # CWL_QuerySyntax-Limit.html: "If you omit limit, the query defaults to returning up to 10,000 log events. You
    # can specify a limit value of up to 100,000."
    events = [event(i, "x") for i in range(DEFAULT_LIMIT + 5)]
    assert len(run("fields @timestamp", events).results) == DEFAULT_LIMIT
    assert len(run("fields @timestamp | limit 100000", events).results) == DEFAULT_LIMIT + 5
    grouped = [event(i, {"k": i}) for i in range(DEFAULT_LIMIT + 5)]
    assert len(run("stats count(*) by k", grouped).results) == DEFAULT_LIMIT  # stats output too
    with pytest.raises(MalformedQueryError, match="from 1 to 100000"):
        parse_query("fields @timestamp | limit 100001")


def test_doc_sort_limit_then_display():
    # Earlier syntax page, limit row: "sort @timestamp desc | limit 25 | display f1, f2" "displays the fields f1 and
    # f2 for the first 25 events by sort order ... the most recent 25 events are returned".
    events = scrambled([event(i, {"f1": i, "f2": -i, "f3": 0}) for i in range(30)])
    result = run("sort @timestamp desc | limit 25  |  display f1, f2", events)
    assert without_ptr(result) == [{"f1": str(i), "f2": str(-i)} for i in range(29, 4, -1)]
    assert [cell["field"] for cell in result.results[0]] == ["f1", "f2", "@ptr"]
    shown = run("fields @message, @ptr | display @ptr, @timestamp | limit 1", events)
    assert [cell["field"] for cell in shown.results[0]] == ["@timestamp", "@ptr"]  # @ptr comes last


def test_multi_key_sort_with_a_direction_per_key():
    events = [event(i, {"a": a, "b": b}) for i, (a, b) in enumerate([(1, "x"), (2, "y"), (1, "z"), (2, "w")])]
    assert column(run("fields a, b | sort a desc, b asc", events), "b") == ["w", "y", "x", "z"]


def test_sort_without_direction_is_refused_unless_a_default_is_chosen():
    # CWL_QuerySyntax-Sort.html does not state a default direction.
    events = [event(0, {"v": 2}), event(1, {"v": 1}), event(2, {"v": 3})]
    with pytest.raises(MalformedQueryError, match="no direction") as caught:
        run("fields v | sort v", events)
    assert caught.value.position == len("fields v | sort ")
    assert column(run("fields v | sort v", events, sort_default="asc"), "v") == ["1", "2", "3"]
    assert column(run("fields v | sort v", events, sort_default="desc"), "v") == ["3", "2", "1"]


def test_missing_values_sort_first_ascending_and_last_descending():
    events = [event(0, {"v": "b"}), event(1, {"w": 1}), event(2, {"v": "a"})]
    assert column(run("fields v | sort v asc", events), "v") == [None, "a", "b"]
    assert column(run("fields v | sort v desc", events), "v") == ["b", "a", None]


# ------------------------------------------------------------------------------------------------------------------
# fields, display, aliases, comments, special characters
# ------------------------------------------------------------------------------------------------------------------


def test_doc_fields_display_specific_fields():
    # CWL_QuerySyntax-Fields.html: "returns 20 log events and displays them in descending order. The values for
    # @timestamp and @message are shown in the query results."
    events = [event(i, {"n": i}) for i in range(30)]
    result = run("fields @timestamp, @message | sort @timestamp desc | limit 20", events)
    assert without_ptr(result) == [{"@timestamp": stamp(i), "@message": json.dumps({"n": i})} for i in range(29, 9, -1)]


def test_doc_several_fields_commands_display_all_their_fields():
    # CWL_QuerySyntax-Fields.html: "If your query contains multiple fields commands and doesn't include a display
    # command, the results display all of the fields that are specified in the fields commands."
    result = run("fields a | filter a > 0 | fields b, a", [event(0, {"a": 1, "b": 2, "c": 3})])
    assert [cell["field"] for cell in result.results[0]] == ["a", "b", "@ptr"]


def test_doc_fields_ispresent_alias_is_0_or_1():
    # CWL_QuerySyntax-Fields.html: "fields ispresent as isRes creates an extracted field named isRes"; the earlier
    # syntax page: "The value of isRes equals 0 or 1, depending on whether resolverArn is a discovered field."
    events = [event(0, {"resolverArn": "arn:x"}), event(1, {"other": 1})]
    result = run("fields ispresent(resolverArn) as isRes | sort @timestamp asc", events)
    assert column(result, "isRes") == ["1", "0"]
    # ... and, being a condition, the alias can be filtered on.
    assert column(run("fields ispresent(resolverArn) as isRes | filter isRes", events), "isRes") == ["1"]
    assert column(run("fields ispresent(resolverArn) as isRes | filter not isRes", events), "isRes") == ["0"]


def test_doc_alias_in_fields():
    # CWL_QuerySyntax-alias.html: "The values for accountId are listed under the alias ID."
    events = [event(0, {"accountId": "123456789012"}), event(1, {"accountId": "210987654321"})]
    result = run("fields @timestamp, @message, accountId as ID\n| sort @timestamp desc\n| limit 20", events)
    assert [cell["field"] for cell in result.results[0]] == ["@timestamp", "@message", "ID", "@ptr"]
    assert column(result, "ID") == ["210987654321", "123456789012"]


def test_doc_alias_in_stats_and_sort():
    # CWL_QuerySyntax-alias.html: "stats count(*) by duration as time | sort time desc" "counts the number of times
    # the field duration occurs ... The values for duration are listed under the alias time."
    events = [event(i, {"duration": d}) for i, d in enumerate([5, 7, 5, 12, 5, 7])]
    assert rows(run("stats count(*) by duration as time \n| sort time desc", events)) == [
        {"time": "12", "count(*)": "1"},
        {"time": "7", "count(*)": "2"},
        {"time": "5", "count(*)": "3"},
    ]


def test_doc_display_shows_only_the_last_display_fields():
    # CWL_QuerySyntax-Display.html: "The display command shows only the fields you specify. If your query contains
    # multiple display commands, the query results show only the field or fields that you specified in the final
    # display command." (The page's example needs parse; an alias from fields stands in for the parsed field.)
    events = [event(0, {"loggingType": "ERROR", "msg": "disk full"}), event(1, {"loggingType": "INFO", "msg": "ok"})]
    query = (
        'fields @message, msg as loggingMessage | filter loggingType = "ERROR"'
        " | display @message | display loggingMessage"
    )
    result = run(query, events)
    assert result.results == [[{"field": "loggingMessage", "value": "disk full"}, result.results[0][-1]]]
    assert result.results[0][-1]["field"] == "@ptr"


def test_doc_comment_lines_are_ignored():
    # CWL_QuerySyntax-alias.html: "When the following query is run, the second line is ignored."
    events = [event(0, {"accountId": "7983124201998"}), event(1, {"accountId": "123"})]
    query = (
        "fields @timestamp, @message, accountId\n"
        '# | filter accountId not like "7983124201998"\n'
        "| sort @timestamp desc\n"
        "| limit 20"
    )
    assert column(run(query, events), "accountId") == ["123", "7983124201998"]
    # The stats page puts a comment after a command, up to the end of the line.
    assert rows(run("stats count(*) as n # by accountId\n| limit 5", events)) == [{"n": "2"}]
    # A '#' inside a string is not a comment.
    assert column(run('fields a | filter a = "#1" | sort a asc', [event(0, {"a": "#1"})]), "a") == ["#1"]


def test_doc_backticks_for_names_with_special_characters():
    # CWL_QuerySyntax-Guidelines.html: "the log field foo-bar must be enclosed in backticks (`foo-bar`)".
    events = [event(0, {"foo-bar": "x", "action": "PUT"}), event(1, {"foo-bar": "y"})]
    result = run("fields `foo-bar`, action | filter `foo-bar` = 'x'", events)
    assert without_ptr(result) == [{"foo-bar": "x", "action": "PUT"}]


# ------------------------------------------------------------------------------------------------------------------
# Fields: system fields and JSON discovery (CWL_AnalyzeLogData-discoverable-fields.html)
# ------------------------------------------------------------------------------------------------------------------

CLOUDTRAIL = {
    "eventVersion": "1.0",
    "userIdentity": {"type": "IAMUser", "accountId": "123456789012", "userName": "Alice"},
    "eventName": "StartInstances",
    "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-abcde123"}]}},
    "responseElements": {
        "instancesSet": {
            "items": [{"instanceId": "i-abcde123", "currentState": {"code": 0, "name": "pending"}}],
        }
    },
}


def test_doc_json_dot_notation_and_array_positions():
    # "To represent value of type using dot notation, you use userIdentity.type"; "To represent the value of
    # instanceId for the first item in requestParameters.instancesSet, you use
    # requestParameters.instancesSet.items.0.instanceId"; the page's query returns the events with that value.
    other = dict(CLOUDTRAIL, requestParameters={"instancesSet": {"items": [{"instanceId": "i-other"}]}})
    events = [event(0, CLOUDTRAIL), event(1, other)]
    query = (
        "fields @timestamp, @message\n"
        '| filter requestParameters.instancesSet.items.0.instanceId="i-abcde123"\n'
        "| sort @timestamp desc"
    )
    assert column(run(query, events), "@timestamp") == [stamp(0)]
    nested = "fields userIdentity.type, responseElements.instancesSet.items.0.currentState.code as code | limit 1"
    assert without_ptr(run(nested, events)) == [{"userIdentity.type": "IAMUser", "code": "0"}]


def test_doc_json_encoded_strings_are_leaves():
    # "If a field's value is a JSON-encoded string ... dot notation treats it as an opaque leaf value".
    events = [event(0, {"api": {"request": {"data": json.dumps({"startTime": 1234})}}})]
    assert run("fields api.request.data.startTime | filter ispresent(api.request.data.startTime)", events).results == []
    assert column(run("fields api.request.data", events), "api.request.data") == ['{"startTime": 1234}']


def test_doc_discovered_names_starting_with_at_get_another_at():
    # "if a log field name is @example.com, this field name is displayed as @@example.com."
    events = [event(0, {"@example.com": "yes", "@timestamp": "not the event's"})]
    result = run("fields @@example.com, @@timestamp, @timestamp", events)
    assert without_ptr(result) == [{"@@example.com": "yes", "@@timestamp": "not the event's", "@timestamp": stamp(0)}]


def test_doc_system_fields():
    # "@log is a log group identifier in the form of account-id:log-group-name"; @logStream, @ingestionTime.
    events = [event(0, "x", group="/g", stream="s-9", ingestion_time_ms=BASE_MS + 1_500)]
    result = run("fields @log, @logStream, @ingestionTime, @message", events, account_id="210987654321")
    assert without_ptr(result) == [
        {"@log": "210987654321:/g", "@logStream": "s-9", "@ingestionTime": stamp(1_500), "@message": "x"}
    ]


def test_json_discovery_numbers_strings_literals_and_non_json_messages():
    events = [
        event(0, {"n": 5, "s": "5", "t": True, "f": False, "z": None, "o": {}, "l": []}),
        event(1, '  {"n": 6}  '),  # white space around the object is fine
        event(2, '{"n": 7} trailing'),
        event(3, '[{"n": 8}]'),  # a top-level array is not discovered
        event(4, '{"n": NaN}'),
        event(5, '{"n": 9'),  # truncated
        event(6, "n=10"),
    ]
    result = run("fields n, s, t, f, z, o, l | sort @timestamp asc", events)
    assert without_ptr(result) == [{"n": "5", "s": "5", "t": "true", "f": "false"}, {"n": "6"}, {}, {}, {}, {}, {}]
    assert rows(run("stats count(*) as lines, count(n) as withN", events)) == [{"lines": "7", "withN": "2"}]
    assert column(run('fields n | filter s = "5" and n = "5" and t = "true"', events), "n") == ["5"]


def test_json_discovery_keeps_at_most_200_fields_in_document_order():
    # "CloudWatch Logs Insights can extract a maximum of 200 log event fields from a JSON log."
    document = {f"k{i}": i for i in range(250)}
    events = [event(0, document), event(1, {"nested": {f"k{i}": i for i in range(199)}, "k1": "late", "k2": 2})]
    assert column(run("fields k199, k200, k249", events[:1]), "k199") == ["199"]
    assert without_ptr(run("fields k199, k200, k249", events[:1])) == [{"k199": "199"}]
    # The second document flattens to nested.k0..nested.k198, then k1: the 200th field. k2 is the 201st.
    assert without_ptr(run("fields nested.k198, k1, k2", events[1:])) == [{"nested.k198": "198", "k1": "late"}]


# ------------------------------------------------------------------------------------------------------------------
# Functions: CWL_QuerySyntax-operations-functions.html
# ------------------------------------------------------------------------------------------------------------------


def test_doc_tomillis_example():
    # "toMillis(@timestamp) converts the timestamp 2022-01-14T13:18:031.000-08:00 to 1642195111000."
    documented = LogEvent(1_642_195_111_000, "x")
    result = run_query("fields toMillis(@timestamp) as ms", [documented], 1_642_195_111, 1_642_195_111)
    assert column(result, "ms") == ["1642195111000"]
    assert column(result, "@ptr") != [None]


def test_coalesce_returns_the_first_non_null_value():
    events = [
        event(0, {"resourcePath": "/orders", "routeKey": "GET /x"}),
        event(1, {"routeKey": "GET /items"}),
        event(2, {"resourcePath": None, "routeKey": "POST /items"}),
        event(3, {"other": 1}),
    ]
    result = run("fields coalesce(resourcePath, routeKey) as route | sort @timestamp asc", events)
    assert column(result, "route") == ["/orders", "GET /items", "POST /items", None]
    grouped = run("fields coalesce(resourcePath, routeKey) as route | stats count(*) as n by route", events)
    assert rows(grouped) == [
        {"route": "/orders", "n": "1"},
        {"route": "GET /items", "n": "1"},
        {"route": "POST /items", "n": "1"},
        {"n": "1"},
    ]


def test_ispresent_in_a_filter():
    events = [event(0, {"status": 500}), event(1, {"other": 1}), event(2, "plain")]
    assert len(run("filter ispresent(status)", events).results) == 1
    assert len(run("filter not ispresent(status)", events).results) == 2


# ------------------------------------------------------------------------------------------------------------------
# Choices where the documents are silent (module docstring), pinned
# ------------------------------------------------------------------------------------------------------------------


def test_choice_quoted_numbers_compare_as_numbers_and_non_numbers_as_unequal():
    values = [503, "503", "-", "abc", 399, "0400", None]
    events = [event(i, {"status": value}) for i, value in enumerate(values)]
    events.append(event(9, {"other": 1}))

    def statuses(condition: str) -> list[str | None]:
        return column(run(f"fields status | filter {condition} | sort @timestamp asc", events), "status")

    assert statuses("status >= 400") == ["503", "503", "0400"]
    assert statuses("status = 503") == ["503", "503"]
    assert statuses('status = "503"') == ["503", "503"]  # a number field against a numeric string: as numbers
    assert statuses("status != 503") == ["-", "abc", "399", "0400"]  # non-numbers are unequal; missing is false
    # Against a numeric string, numbers compare as numbers (399 < 500; 503 is not) and strings as strings ("-" and
    # "0400" sort before "500"; "503" and "abc" do not).
    assert statuses('status < "500"') == ["-", "399", "0400"]
    assert statuses('status > "a"') == ["abc"]  # two strings compare as strings: "503" < "a"


def test_choice_missing_fields_make_conditions_false_and_not_negates_them():
    events = [event(0, {"a": 1}), event(1, {"b": 1})]

    def count(condition: str) -> int:
        return len(run(f"filter {condition}", events).results)

    assert count("a = 1") == 1
    assert count("a != 1") == 0  # the event without a: false
    assert count("not a = 1") == 1  # ... and its negation true
    assert count("a in [1, 2]") == 1
    assert count("a not in [1, 2]") == 1
    assert count('a like "1"') == 1
    assert count('a not like "1"') == 1


def test_choice_groups_are_keyed_by_the_displayed_value():
    events = [event(0, {"status": 503}), event(1, {"status": "503"}), event(2, {"status": 503.0})]
    assert rows(run("stats count(*) as n by status", events)) == [{"status": "503", "n": "3"}]
    with_sum = run("stats count(*) as n, sum(status) as total by status", events)
    assert rows(with_sum) == [{"status": "503", "n": "3", "total": "1509"}]


def test_choice_missing_group_field_forms_a_group_or_is_dropped():
    events = [event(0, {"a": "x", "b": "y"}), event(1, {"a": "x"}), event(2, {"b": "y"}), event(3, "text")]
    query = "stats count(*) as n by a, b"
    assert rows(run(query, events)) == [
        {"a": "x", "b": "y", "n": "1"},
        {"a": "x", "n": "1"},
        {"b": "y", "n": "1"},
        {"n": "1"},
    ]
    dropped = run(query, events, missing_group_field="drop")
    assert rows(dropped) == [{"a": "x", "b": "y", "n": "1"}]
    assert dropped.statistics["recordsMatched"] == 4.0
    general = run("stats count(*) as n, count(b) as nb by a", events, missing_group_field="drop")
    assert rows(general) == [{"a": "x", "n": "2", "nb": "1"}]


MISSING_A = [event(0, {"b": 1}), event(1, {"b": 2}), event(2, {"a": "x", "b": 1}), event(3, {"a": "y", "b": 1})]


@pytest.mark.parametrize(
    ("condition", "kept_if_false", "kept_if_unknown"),
    [
        # A comparison on the missing a: false (two-valued) or SQL's unknown, whichever operator.
        ('a = "x"', [2], [2]),
        ('a != "x"', [3], [3]),
        ('not (a = "x")', [0, 1, 3], [3]),
        ('a not in ["x"]', [0, 1, 3], [3]),
        ('not (a in ["x"])', [0, 1, 3], [3]),
        ('a not like "x"', [0, 1, 3], [3]),
        ("a not like /x/", [0, 1, 3], [3]),
        # Kleene: false and unknown is false, so its negation keeps the event; true and unknown is unknown.
        ('not (a = "x" and b = 1)', [0, 1, 3], [1, 3]),
        # true or unknown is true; false or unknown is unknown.
        ('a = "x" or b = 2', [1, 2], [1, 2]),
        ('not (a = "x" or b = 2)', [0, 3], [3]),
        # Guarded by ispresent (true or false under both readings): the same events under both.
        ('not ispresent(a) or a != "x"', [0, 1, 3], [0, 1, 3]),
        ('not ispresent(a) or not (a = "x")', [0, 1, 3], [0, 1, 3]),
        ('ispresent(a) and a = "x"', [2], [2]),
    ],
)
def test_choice_missing_comparison_is_false_or_unknown(condition, kept_if_false, kept_if_unknown):
    query = f"filter {condition} | fields b"

    def kept(reading: str) -> list[int]:
        """Which of MISSING_A pass the filter (each event is 1 ms after the one before)."""
        result = run(f"{query} | display @timestamp", MISSING_A, missing_comparison=reading)
        by_time = {format_timestamp(each.timestamp_ms): index for index, each in enumerate(MISSING_A)}
        return [by_time[shown] for shown in column(result, "@timestamp")]

    assert kept("false") == kept_if_false
    assert kept("unknown") == kept_if_unknown


def test_choice_missing_comparison_applies_after_stats_too():
    events = [event(0, {"a": "x"}), event(1, {"b": "y"})]
    query = 'stats count(*) as n by a | filter not (a = "x")'
    assert rows(run(query, events)) == [{"n": "1"}]
    assert rows(run(query, events, missing_comparison="unknown")) == []


def test_choice_missing_comparison_refuses_an_unknown_reading():
    with pytest.raises(ValueError, match="missing_comparison"):
        run_query("stats count(*)", [], 1, 9, missing_comparison="null")  # type: ignore[arg-type]


def test_choice_stats_without_by_and_no_matching_event():
    events = [event(0, {"status": 200})]
    query = "filter status >= 400 | stats count(*) as n, sum(status) as total"
    assert run(query, events).results == []
    assert rows(run(query, events, empty_stats="zero_row")) == [{"n": "0"}]
    assert rows(run("filter status >= 400 | stats count(*) as n", events, empty_stats="zero_row")) == [{"n": "0"}]


def test_choice_rows_without_sort_come_in_input_order():
    events = [event(offset, {"i": i}) for i, offset in enumerate((5, 1, 3))]
    assert column(run("fields i", events), "i") == ["0", "1", "2"]


# ------------------------------------------------------------------------------------------------------------------
# Parsing each message at most once, and the cache across runs
# ------------------------------------------------------------------------------------------------------------------


@pytest.fixture
def decoder_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    scan = logs_insights._SCAN

    def counting(message: str, start: int) -> Any:
        calls.append(message)
        return scan(message, start)

    monkeypatch.setattr(logs_insights, "_SCAN", counting)
    return calls


def test_each_message_is_parsed_at_most_once_per_run_and_reused_across_runs(decoder_calls):
    events = [event(i, {"status": 500 + i, "method": "GET", "path": f"/p{i}"}) for i in range(5)]
    events.append(event(9, "plain text"))
    query = 'filter status >= 500 and method = "GET" | stats count(*) as n by status, path'
    assert rows(run(query, events, cache_fields=False))[0] == {"status": "500", "path": "/p0", "n": "1"}
    assert len(decoder_calls) == 5  # one per JSON message, though three fields are read; plain text never
    decoder_calls.clear()
    run(query, events)
    assert len(decoder_calls) == 5
    decoder_calls.clear()
    run("filter status >= 501 | stats count(*) by path", events)  # fields already cached
    assert decoder_calls == []
    run("stats count(*) by other", events)  # a new field: parsed again, once
    assert len(decoder_calls) == 5
    decoder_calls.clear()
    run("stats count(*) as lines", events)  # no discovered field: nothing parsed
    assert decoder_calls == []


def test_cached_fields_do_not_change_equality_or_hashing():
    cached, fresh = event(0, {"a": 1}), event(0, {"a": 1})
    run("fields a", [cached])
    assert cached == fresh and hash(cached) == hash(fresh)
    assert repr(cached) == repr(fresh)


# ------------------------------------------------------------------------------------------------------------------
# Refusals: MalformedQueryError for everything outside the subset
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("frobnicate status", "unknown command 'frobnicate'"),
        ('parse @message "[*] *" as loggingType, loggingMessage', "command 'parse' is not supported"),
        ("dedup status", "command 'dedup' is not supported"),
        ("where status = 500", "command 'where' is not supported"),
        ("fields abs(f3)", "function 'abs' is not supported"),
        ("filter strlen(@message) > 10", "function 'strlen' is not supported"),
        ("stats avg(latency) by status", "function 'avg' is not supported in 'stats'"),
        ("filter (status = 500", "expected ')' to close '('"),
        ("filter status = 500)", "expected '|' or the end of the query but found ')'"),
        ("fields coalesce(a, b", "expected ')' to close coalesce("),
        ("fields @message | limit 0", "from 1 to 100000, found 0"),
        ("fields @message | limit 100001", "from 1 to 100000, found 100001"),
        ("fields @message | limit -5", "from 1 to 100000, found -5"),
        ("fields @message | limit 2.5", "whole number from 1 to 100000, found '2.5'"),
        ("fields @message | limit", "found the end of the query"),
        ("fields @message | limit any 1", "'limit any' is not supported"),
        ("fields @message | limit 5 | limit 6", "a second 'limit'"),
        ("filter @message like /(unclosed/", "invalid regular expression /(unclosed/"),
        ("filter @message like /abc", "unterminated regular expression"),
        ("filter @message like /abc/i", "regular expression flag 'i'"),
        ("filter @message =~ /abc(?i)def/", "'(?i)' is only supported at the start"),
        ('filter status = "500', "unterminated string"),
        ("fields `foo-bar", "unterminated backticked name"),
        ("stats count(*) by bin(1d)", "periods in 'd' are not supported"),
        ("stats count(*) by bin(0m)", "must be positive"),
        ("stats count(*) by bin(5parsecs)", "unknown time unit 'parsecs'"),
        ("stats count(*) by bin(status)", "bin() takes a time period"),
        ("fields bin(5m)", "bin() is only supported as a 'stats ... by' expression"),
        ("filter count(*) > 1", "aggregate function 'count' is only allowed in 'stats'"),
        ("stats count(*) by toMillis(@timestamp)", "takes field names or bin(period)"),
        ("stats sum(*)", "only count takes *"),
        ("stats count(*) as n | stats count(*)", "a second 'stats' command is not supported"),
        ("sort @timestamp desc | stats count(*)", "'sort' and 'limit' must come after 'stats'"),
        ("display status | stats count(*)", "'display' before 'stats'"),
        ("stats count(*) as n | fields n", "'fields' after 'stats'"),
        ("stats count(*) as n by status | filter httpMethod = 'GET'", "'httpMethod' does not exist after 'stats'"),
        ("stats count(*), count(*)", "two 'stats' outputs are named 'count(*)'"),
        ("filter @timestamp > 1795599000000", "'@timestamp' is a timestamp: compare toMillis(@timestamp)"),
        ("filter toMillis(status) > 1", "toMillis() takes one timestamp field"),
        ("filter status + 1 > 500", "arithmetic operator '+'"),
        ("filter status > 5 * 100", "expected '|' or the end of the query but found '*'"),
        ("filter status", "expected a condition but 'status' is a value"),
        ("filter status = 500 and method", "'and', 'or' and 'not' need conditions"),
        ("filter a = 1 = 2", "comparisons cannot be chained"),
        ("filter status in []", "'in' lists hold number and string literals"),
        ("filter status in [a]", "'in' lists hold number and string literals"),
        ("filter @duration > 100", "'@duration' is generated by AWS only for particular log types"),
        ("filter @ptr = 'x'", "@ptr can only be displayed"),
        ("fields coalesce(@ptr, requestId)", "@ptr can only be displayed"),
        ("fields @message | sort @ptr desc", "@ptr can only be displayed"),
        ("fields @ptr as pointer", "@ptr cannot be renamed"),
        ("fields @message |", "expected a command but found the end of the query"),
        ("fields @message || limit 5", "expected a command but found '|'"),
        ("", "the query is empty"),
        ("# only a comment", "the query is empty"),
        ("fields 5m", "only allowed inside bin()"),
        ("filter status == 500", "expected a value but found '='"),
        ("fields @message ; limit 5", "unexpected character ';'"),
    ],
)
def test_refused(query, refused):
    with pytest.raises(MalformedQueryError) as caught:
        parse_query(query)
    assert refused in str(caught.value)


def test_refusals_say_where():
    query = "fields @timestamp\n| filter status >= 400\n| parse @message '*' as x"
    with pytest.raises(MalformedQueryError) as caught:
        parse_query(query)
    assert caught.value.position == query.index("parse")
    assert "(at line 3, column 3)" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_run_query_refuses_like_parse_query():
    with pytest.raises(MalformedQueryError, match="function 'abs'"):
        run("fields abs(x)", [event(0, "x")])


def test_the_notifier_queries_parse():
    for query in (
        f"{WINDOW_FILTER}\n| stats count(*) as lines",
        f"{WINDOW_FILTER}\n| stats count(*) as requests by status, httpMethod, resourcePath, routeKey\n| limit 10000",
        f"{WINDOW_FILTER}\n| stats count(*) as requests by bin(1m) as minute, status\n| limit 10000",
    ):
        parsed = parse_query(query)
        assert parsed.stats is not None
        assert parsed.source == query
