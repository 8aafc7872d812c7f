"""From GetQueryResults rows to totals: AWS's shapes (tests/fixtures), missing answers, lower bounds."""

from __future__ import annotations

import pytest
from accesslog_notifier.aggregate import Rules, Totals, count_totals, pick_samples, row_fields, scanned_bytes
from accesslog_notifier.window import Window

from tests.support.notifier import access_line, aws_row, iso_ms, moto_row

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
    for bad in ({"bytesScanned": "lots"}, {"bytesScanned": float("nan")}, {"bytesScanned": -1}, {}, None):
        assert scanned_bytes(bad) == 0.0
