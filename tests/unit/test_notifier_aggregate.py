"""From GetQueryResults rows to totals: AWS's shapes (tests/fixtures), missing answers, lower bounds."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from accesslog_notifier.aggregate import (
    MAX_COUNT_DIGITS,
    Rules,
    Totals,
    count_totals,
    counts_cover_statuses,
    pick_samples,
    read_count,
    row_fields,
    scanned_bytes,
)
from accesslog_notifier.window import Window
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import access_line, aws_row, aws_timestamp, http_access_line, iso_ms, moto_row

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))


def row(**fields: str) -> list[dict[str, str]]:
    return [{"field": name, "value": value} for name, value in fields.items()]


def test_route_groups_in_the_aws_shape_give_requests_and_errors_by_route(load_fixture):
    routes = load_fixture("insights-stats-results.json")["results"]

    totals = count_totals(None, routes, None, Rules(400), WINDOW)

    # Without the per-minute counts the route groups give the totals: 37 + 1240 + 5 usable, 37 + 5 errors.
    assert (totals.requests, totals.errors) == (1282, 42)
    assert dict(totals.errors_by_route) == {"PUT /payments/{paymentId}": 37, "GET /items/{id}": 5}
    assert totals.requests_by_route["GET /payments"] == 1240
    assert totals.lower_bounds == ["the count of all lines did not complete", "the per-minute counts did not complete"]


def test_unparsed_lines_are_the_lines_no_usable_status_group_accounts_for():
    minutes = [
        row(minute="2026-11-25 09:31:00.000", status="502", requests="7"),
        row(minute="2026-11-25 09:31:00.000", status="200", requests="90"),
        row(minute="2026-11-25 09:32:00.000", requests="2"),  # a group without status: unreadable lines
        row(minute="2026-11-25 09:32:00.000", status="-", requests="1"),
    ]

    totals = count_totals([row(lines="100")], [], minutes, Rules(400), WINDOW)

    assert (totals.lines, totals.requests, totals.errors, totals.unparsed) == (100, 97, 7, 3)
    assert totals.errors_by_minute == {iso_ms("2026-11-25T09:31:00.000Z"): 7}
    assert totals.complete


def test_ignored_statuses_are_counted_apart_and_the_threshold_applies():
    minutes = [
        row(minute="2026-11-25 09:31:00.000", status="404", requests="30"),
        row(minute="2026-11-25 09:31:00.000", status="403", requests="3"),
        row(minute="2026-11-25 09:31:00.000", status="503", requests="2"),
        row(minute="2026-11-25 09:31:00.000", status="302", requests="9"),
    ]

    totals = count_totals([row(lines="44")], [], minutes, Rules(400, frozenset({404})), WINDOW)

    assert (totals.errors, totals.ignored, totals.requests) == (5, 30, 44)
    assert totals.errors_by_status == {403: 3, 503: 2}


@pytest.mark.parametrize("value", ["\u0665\u0660\u0663", "503.0", " 503", "5O3", "", "1e3", "999"])
def test_a_status_that_is_not_three_ascii_digits_of_an_http_status_is_not_usable(value):
    totals = count_totals(
        [row(lines="1")], [], [row(minute="2026-11-25 09:31:00.000", status=value, requests="1")], Rules(400), WINDOW
    )
    assert (totals.requests, totals.unparsed) == (0, 1)


def test_a_cut_per_minute_result_makes_the_totals_lower_bounds():
    minutes = [row(minute="2026-11-25 09:31:00.000", status="500", requests="1")] * 10_000

    totals = count_totals([row(lines="10000")], [], minutes, Rules(400), WINDOW)

    assert not totals.complete and "10,000-row limit" in totals.lower_bounds[0]


def test_batches_add_up():
    first = count_totals(
        [row(lines="5")], [], [row(minute="2026-11-25 09:31:00.000", status="500", requests="5")], Rules(400), WINDOW
    )
    second = count_totals(
        [row(lines="3")], [], [row(minute="2026-11-25 09:33:00.000", status="500", requests="2")], Rules(400), WINDOW
    )
    total = Totals()
    total.add(first)
    total.add(second)
    assert (total.lines, total.errors, total.unparsed) == (8, 7, 1)
    assert sum(total.errors_by_minute.values()) == 7


def test_fields_are_read_by_name_whatever_the_order_and_missing_fields_are_absent(load_fixture):
    complete = load_fixture("insights-results-complete.json")["results"][0]
    assert complete[-1]["field"] == "@ptr"  # AWS: @ptr last
    assert row_fields(complete)["@timestamp"] == "2026-11-25 09:31:12.907"
    assert row_fields([{"field": "a"}, {"value": "b"}, {"field": "c", "value": 7}]) == {}


def test_samples_from_the_aws_and_the_moto_shapes_are_checked_again(load_fixture):
    aws_rows = load_fixture("insights-results-complete.json")["results"]  # a 504 and a 401
    extra = [
        moto_row(iso_ms("2026-11-25T09:33:00.000Z"), access_line(status=503)),
        aws_row(iso_ms("2026-11-25T09:33:01.000Z"), access_line(status=200)),  # the filter let it through: dropped
        aws_row(iso_ms("2026-11-25T09:36:00.000Z"), access_line(status=500)),  # outside the window
        aws_row(iso_ms("2026-11-25T09:33:02.000Z"), '{"status": 500'),  # cut short
        [{"field": "@message", "value": access_line(status=500)}],  # no timestamp
    ]

    samples, unusable = pick_samples(aws_rows + extra, Rules(400), WINDOW, 10)

    assert [sample.status for sample in samples] == [401, 503, 504]  # newest first
    assert unusable == 2


def test_bytes_scanned_is_a_finite_non_negative_number_or_zero():
    assert scanned_bytes({"bytesScanned": 611840.0}) == 611840.0
    assert scanned_bytes({"bytesScanned": 1.0}) == 1.0
    for bad in ({"bytesScanned": "lots"}, {"bytesScanned": float("nan")}, {"bytesScanned": -1}, {}, None):
        assert scanned_bytes(bad) == 0.0
    for infinite in (float("inf"), "Infinity", "-inf"):
        assert scanned_bytes({"bytesScanned": infinite}) == 0.0


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, "-0"])
def test_no_bytes_scanned_is_a_plain_zero_never_a_negative_one(zero):
    # A negative zero would reach the footer as "scanned -0 B".
    assert str(scanned_bytes({"bytesScanned": zero})) == "0.0"


MINUTE = 60_000


@pytest.mark.parametrize("lines_row", [row(lines="lots"), row(lines="-1"), row(other="5"), []])
def test_a_line_count_that_is_not_a_count_adds_nothing(lines_row):
    for rows in ([lines_row, row(lines="5")], [row(lines="5"), lines_row]):
        assert count_totals(rows, [], [], Rules(400), WINDOW).lines == 5


def test_a_status_group_without_a_request_count_is_skipped():
    minutes = [
        row(minute="2026-11-25 09:31:00.000", status="500"),
        row(minute="2026-11-25 09:31:00.000", status="500", requests="2"),
    ]
    totals = count_totals([row(lines="2")], [], minutes, Rules(400), WINDOW)
    assert (totals.requests, totals.errors) == (2, 2)


@pytest.mark.parametrize(("errors", "requests", "rate"), [(5, 200, 0.025), (0, 10, 0.0), (3, 3, 1.0), (0, 0, None)])
def test_the_error_rate_is_errors_over_requests_and_none_without_requests(errors: int, requests: int, rate):
    assert Totals(requests=requests, errors=errors).error_rate() == rate


counts = st.dictionaries(
    st.integers(min_value=100, max_value=599), st.integers(min_value=1, max_value=10**6), max_size=5
)
route_counts = st.dictionaries(st.sampled_from(["GET /a", "POST /b", "$default"]), st.integers(1, 10**6), max_size=3)
batches = st.builds(
    Totals,
    lines=st.integers(0, 10**6),
    requests=st.integers(0, 10**6),
    errors=st.integers(0, 10**6),
    ignored=st.integers(0, 10**6),
    errors_by_status=counts.map(Counter),
    errors_by_route=route_counts.map(Counter),
    requests_by_route=route_counts.map(Counter),
    errors_by_minute=counts.map(Counter),
    unparsed_samples=st.integers(0, 100),
    lower_bounds=st.lists(st.sampled_from(["the count of all lines did not complete", "cut"]), max_size=2),
    routes_exact=st.booleans(),
    bytes_scanned=st.integers(0, 10**12).map(float),
)


@settings(max_examples=100, deadline=None)
@given(first=batches, second=batches)
def test_adding_a_batch_adds_every_count_and_keeps_every_doubt(first: Totals, second: Totals):
    want = {
        name: getattr(first, name) + getattr(second, name)
        for name in ("lines", "requests", "errors", "ignored", "unparsed_samples", "bytes_scanned", "lower_bounds")
    }
    want |= {
        name: dict(Counter(getattr(first, name)) + Counter(getattr(second, name)))
        for name in ("errors_by_status", "errors_by_route", "requests_by_route", "errors_by_minute")
    }
    routes_exact = first.routes_exact and second.routes_exact

    first.add(second)

    for name, value in want.items():
        added = getattr(first, name)
        assert (dict(added) if isinstance(added, Counter) else added) == value, name
    assert first.routes_exact is routes_exact


def test_a_status_at_the_threshold_that_is_ignored_is_counted_as_ignored():
    minutes = [row(minute="2026-11-25 09:31:00.000", status="400", requests="6")]
    totals = count_totals([row(lines="6")], [], minutes, Rules(400, frozenset({400})), WINDOW)
    assert (totals.errors, totals.ignored, totals.requests) == (0, 6, 6)


def test_errors_per_minute_add_up_over_statuses_and_only_the_windows_minutes_are_drawn():
    inside = WINDOW.start_ms + MINUTE
    minutes = [
        row(minute=aws_timestamp(inside), status="500", requests="7"),
        row(minute=aws_timestamp(inside), status="502", requests="3"),
        row(minute=aws_timestamp(WINDOW.start_ms), status="503", requests="1"),
        row(minute=aws_timestamp(WINDOW.end_ms - MINUTE), status="503", requests="2"),
        row(minute=aws_timestamp(WINDOW.start_ms - MINUTE), status="500", requests="4"),  # the minute before
        row(minute=aws_timestamp(WINDOW.end_ms), status="500", requests="8"),  # the next window's first minute
        row(status="500", requests="16"),  # no minute: counted, not drawn
    ]

    totals = count_totals([row(lines="41")], [], minutes, Rules(400), WINDOW)

    assert totals.errors == 41
    assert totals.errors_by_minute == {WINDOW.start_ms: 1, inside: 10, WINDOW.end_ms - MINUTE: 2}


def test_a_window_that_starts_inside_a_minute_draws_that_minute():
    window = Window(WINDOW.start_ms + 30_000, WINDOW.end_ms + 30_000)
    minutes = [row(minute=aws_timestamp(WINDOW.start_ms), status="500", requests="3")]
    assert count_totals([], [], minutes, Rules(400), window).errors_by_minute == {WINDOW.start_ms: 3}


def test_without_the_route_groups_the_route_table_is_not_exact():
    minutes = [row(minute="2026-11-25 09:31:00.000", status="500", requests="3")]
    totals = count_totals([row(lines="3")], None, minutes, Rules(400), WINDOW)
    assert totals.routes_exact is False and totals.complete


def test_ignored_routes_are_left_out_of_the_route_table_whichever_api_type():
    routes = [
        row(status="500", httpMethod="GET", route="/health", requests="5"),  # REST
        row(status="500", httpMethod="GET", route="GET /health", requests="6"),  # HTTP API
        row(status="503", httpMethod="GET", route="$default", requests="7"),
        row(status="502", httpMethod="POST", route="/orders", requests="2"),
        row(status="200", httpMethod="GET", route="/health/deep", requests="9"),
        row(status="500", httpMethod="POST", route="/health", requests="1"),  # another method: counted
    ]

    totals = count_totals([], routes, [], Rules(400, frozenset(), ("GET /health", "$default")), WINDOW)

    assert dict(totals.requests_by_route) == {"POST /orders": 2, "GET /health/deep": 9, "POST /health": 1}
    assert dict(totals.errors_by_route) == {"POST /orders": 2, "POST /health": 1}


def error_row(at: int, **fields) -> list[dict[str, str]]:
    return aws_row(at, access_line(**fields))


def test_samples_are_taken_from_the_first_to_the_last_millisecond_of_the_window():
    rows = [
        error_row(WINDOW.start_ms - 1, requestId="before"),
        error_row(WINDOW.start_ms, requestId="first"),
        error_row(WINDOW.end_ms - 1, requestId="last"),
        error_row(WINDOW.end_ms, requestId="after"),
    ]
    samples, _ = pick_samples(rows, Rules(400), WINDOW, 10)
    assert [sample.request_id for sample in samples] == ["last", "first"]


def test_samples_on_ignored_routes_are_left_out_whichever_api_type():
    at = WINDOW.start_ms + MINUTE
    rows = [
        error_row(at + 1, requestId="rest-health", httpMethod="GET", resourcePath="/health"),
        aws_row(at + 2, http_access_line(requestId="http-health", routeKey="GET /health")),
        aws_row(at + 3, http_access_line(requestId="default", routeKey="$default")),
        error_row(at + 4, requestId="other-method", httpMethod="POST", resourcePath="/health"),
        aws_row(at + 5, http_access_line(requestId="item", routeKey="GET /items/{id}")),
        error_row(at + 6, requestId="any-x", httpMethod="DELETE", resourcePath="/x"),
    ]

    samples, _ = pick_samples(rows, Rules(400, frozenset(), ("GET /health", "$default", "* /x")), WINDOW, 10)

    assert sorted(sample.request_id for sample in samples) == ["item", "other-method"]


def test_a_line_whose_route_fields_are_not_text_is_judged_not_raised_on():
    rows = [
        aws_row(
            WINDOW.start_ms, json.dumps({"status": 500, "requestId": "odd", "routeKey": ["GET /x"], "httpMethod": 7})
        )
    ]
    samples, unusable = pick_samples(rows, Rules(400, frozenset(), ("* /x",)), WINDOW, 10)
    assert [sample.request_id for sample in samples] == ["odd"] and unusable == 0


def test_samples_show_each_status_and_route_before_repeating_one():
    at = WINDOW.start_ms + MINUTE
    rows = [
        error_row(at + 3, requestId="newest", status=502),
        error_row(at + 2, requestId="again", status=502),
        error_row(at + 1, requestId="another-status", status=504),
        error_row(at, requestId="another-route", status=502, resourcePath="/items"),
    ]

    samples, _ = pick_samples(rows, Rules(400), WINDOW, 3)

    assert [sample.request_id for sample in samples] == ["newest", "another-status", "another-route"]


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("0", 0),
        ("1234", 1234),
        ("9" * MAX_COUNT_DIGITS, 10**MAX_COUNT_DIGITS - 1),
        ("9" * (MAX_COUNT_DIGITS + 1), None),  # longer than any count: unreadable, never converted
        ("1" * 5000, None),  # past Python's 4,300-digit int() limit: unreadable, not a crash
        ("", None),
        ("12.0", None),
        ("-3", None),
        (" 3", None),
        ("٣", None),
        ("1_000", None),
        (None, None),
        (12, None),
    ],
)
def test_a_count_is_a_short_plain_decimal_or_nothing(value, count):
    assert read_count(value) == count


def test_an_unreadable_line_count_makes_the_totals_a_lower_bound_not_zero():
    totals = count_totals([row(lines="x", statuses="3")], None, [row(status="500", requests="3")], Rules(400), WINDOW)

    assert totals.complete is False and "the count of all lines could not be read" in totals.lower_bounds
    assert totals.errors == 3 and totals.unparsed == 0


def test_an_unreadable_per_minute_count_of_a_status_makes_the_totals_a_lower_bound():
    minutes = [row(minute="2026-11-25 09:31:00.000", status="502", requests="7" * 40), row(status="500", requests="2")]

    totals = count_totals([row(lines="9")], None, minutes, Rules(400), WINDOW)

    assert totals.errors == 2 and totals.complete is False
    assert totals.lower_bounds == ["1 per-minute count(s) could not be read"]


def test_lines_of_a_batch_no_query_could_count_are_not_called_unreadable():
    totals = count_totals([row(lines="40")], None, None, Rules(400), WINDOW)

    assert (totals.lines, totals.requests, totals.unparsed) == (40, 0, 0) and totals.complete is False


@pytest.mark.parametrize(
    ("totals_rows", "counts_rows", "covered"),
    [
        ([row(lines="5", statuses="4")], [row(status="500", requests="3"), row(status="-", requests="1")], True),
        ([row(lines="5", statuses="4")], [row(status="500", requests="3")], False),  # a line dropped by a reading
        ([row(lines="5", statuses="4")], [row(status="500", requests="3"), row(requests="1")], False),  # no status
        ([], [], True),  # no line at all, and no row for it
        ([row(lines="1", statuses="x")], [row(status="500", requests="1")], False),  # unreadable: not trusted
        ([row(lines="1", statuses="1")], [row(status="500", requests="?")], False),
        (None, [row(status="500", requests="1")], True),  # nothing to check against: trusted while not cut
        (None, [row(status="500", requests="1")] * 10_000, False),  # cut by the row limit
    ],
)
def test_the_counts_query_stands_for_the_split_queries_only_when_it_holds_every_line_with_a_status(
    totals_rows, counts_rows, covered
):
    assert counts_cover_statuses(totals_rows, counts_rows) is covered
