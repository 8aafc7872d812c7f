"""Parsing rows and access-log lines defensively, and counting them with bounded memory."""

from __future__ import annotations

import json

import pytest
from accesslog_notifier import records
from accesslog_notifier.records import (
    Tally,
    parse_access_log_line,
    parse_status,
    parse_timestamp_ms,
    row_timestamp_ms,
    xray_trace_id,
)
from accesslog_notifier.window import Window

from tests.support.notifier import access_line, aws_row, iso_ms, moto_row

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))
INSIDE_MS = iso_ms("2026-11-25T09:32:00.000Z")


@pytest.fixture
def reference_lines(fixtures_dir) -> list[str]:
    return (fixtures_dir / "access-log-lines.jsonl").read_text().splitlines()


def test_timestamps_in_the_aws_and_the_moto_shape():
    assert parse_timestamp_ms("2026-11-25 11:59:01.482") == iso_ms("2026-11-25T11:59:01.482Z")
    assert parse_timestamp_ms("1795607941482") == 1_795_607_941_482
    assert parse_timestamp_ms("2026-11-25 11:59:01") == iso_ms("2026-11-25T11:59:01.000Z")
    for unusable in (None, "", "soon", "2026-13-45 99:99:99.999"):
        assert parse_timestamp_ms(unusable) is None


def test_rows_are_read_by_field_name_whatever_the_order(load_fixture):
    complete = load_fixture("insights-results-complete.json")
    aws = complete["results"][0]
    assert aws[-1]["field"] == "@ptr"  # AWS: @ptr last
    moto = moto_row(INSIDE_MS, "{}")
    assert moto[0]["field"] == "@ptr"  # moto: @ptr first

    assert row_timestamp_ms(aws) == iso_ms("2026-11-25T09:31:12.907Z")
    assert row_timestamp_ms(moto) == INSIDE_MS

    tally = Tally(threshold=400, sample_count=5)
    assert tally.add_rows(complete["results"], WINDOW) == 2
    assert tally.add_rows([moto_row(INSIDE_MS, access_line(status=503))], WINDOW) == 1
    assert tally.matched == 3
    assert dict(tally.by_status) == {504: 1, 401: 1, 503: 1}


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (502, 502),
        ("403", 403),
        (" 404 ", 404),
        (500.0, 500),
        ("-", None),
        (None, None),
        (True, None),
        ("\uff14\uff10\uff13", None),  # fullwidth digits are not a status
        (404.5, None),
        ("40x", None),
        (99, None),
        (1000, None),
        ({"code": 500}, None),
    ],
)
def test_status_is_a_number_or_a_digit_string(value, status):
    assert parse_status(value) == status


def test_each_reference_line_is_an_error_a_success_or_unparsed(reference_lines):
    # 200 numeric, 503 numeric, "409" quoted, "-" status, truncated JSON, plain text
    parsed = [parse_access_log_line(line) for line in reference_lines]

    assert [status for _, status in parsed] == [200, 503, 409, None, None, None]
    assert parsed[3][0] is not None  # JSON, but its status "-" is not usable
    assert parsed[4][0] is None and parsed[5][0] is None


def test_mixed_lines_give_exact_counts_and_an_unparsed_count(reference_lines):
    tally = Tally(threshold=400, sample_count=5)
    rows = [aws_row(INSIDE_MS + index, line) for index, line in enumerate(reference_lines)]
    rows.append(aws_row(INSIDE_MS + 50, access_line(status=201)))

    tally.add_rows(rows, WINDOW)

    assert tally.matched == 2
    assert dict(tally.by_status) == {503: 1, 409: 1}
    assert dict(tally.by_route) == {("POST", "/payments"): 1, ("DELETE", "/payments/{paymentId}"): 1}
    assert tally.below_threshold == 2
    assert tally.unparsed == 3
    assert len(tally.unparsed_examples) == 2
    assert tally.unparsed_examples[0] == reference_lines[3]


def test_the_threshold_is_rechecked_in_python():
    tally = Tally(threshold=500, sample_count=5)
    rows = [moto_row(INSIDE_MS, access_line(status=status)) for status in (200, 404, 499, 500, 503, "502")]

    tally.add_rows(rows, WINDOW)

    assert tally.matched == 3
    assert dict(tally.by_status) == {500: 1, 503: 1, 502: 1}


def test_only_rows_inside_the_window_count():
    tally = Tally(threshold=400, sample_count=5)
    edges = [WINDOW.start_ms - 1, WINDOW.start_ms, WINDOW.end_ms - 1, WINDOW.end_ms, WINDOW.end_ms + 999]
    rows = [moto_row(timestamp_ms, access_line(status=500)) for timestamp_ms in edges]

    assert tally.add_rows(rows, WINDOW) == 2
    assert tally.matched == 2
    assert [sample.timestamp_ms for sample in tally.samples] == [WINDOW.start_ms, WINDOW.end_ms - 1]


@pytest.mark.parametrize(
    "message",
    [
        "not json at all",
        '{"status": 500, "path": "/trunc',
        "[500]",
        '"just a string"',
        "[" * 100_000,  # hostile nesting must not crash the run
        "{" + '"a":' * 50_000 + "1" + "}" * 50_000,
        "",
        '{"status": "-"}',
        '{"httpMethod": "GET"}',
    ],
)
def test_unusable_lines_are_counted_as_unparsed_and_never_crash(message):
    tally = Tally(threshold=400, sample_count=5)

    tally.add_rows([moto_row(INSIDE_MS, message)], WINDOW)

    assert (tally.unparsed, tally.matched) == (1, 0)
    assert len(tally.unparsed_examples[0]) <= records.UNPARSED_EXAMPLE_CHARS


def test_a_row_without_a_timestamp_is_counted_not_lost():
    tally = Tally(threshold=400, sample_count=5)

    tally.add_rows([[{"field": "@message", "value": access_line(status=500)}]], WINDOW)

    assert tally.unparsed == 1


def test_samples_prefer_distinct_errors_and_stay_bounded():
    tally = Tally(threshold=400, sample_count=3)
    rows = [moto_row(INSIDE_MS + index, access_line(status=502, requestId=f"same-{index}")) for index in range(50)]
    rows.append(moto_row(INSIDE_MS + 100, access_line(status=404, resourcePath="/users/{id}", requestId="users")))
    rows.append(moto_row(INSIDE_MS + 101, access_line(status=503, requestId="unavailable")))

    tally.add_rows(rows, WINDOW)

    assert [sample.request_id for sample in tally.samples] == ["same-0", "users", "unavailable"]
    assert tally.matched == 52


def test_samples_fill_up_with_repeats_when_there_are_few_distinct_errors():
    tally = Tally(threshold=400, sample_count=3)
    rows = [moto_row(INSIDE_MS + index, access_line(requestId=f"r{index}")) for index in range(10)]

    tally.add_rows(rows, WINDOW)

    assert [sample.request_id for sample in tally.samples] == ["r0", "r1", "r2"]


def test_a_sample_holds_the_fields_the_digest_shows():
    tally = Tally(threshold=400, sample_count=1)

    tally.add_rows([moto_row(INSIDE_MS, access_line())], WINDOW)

    sample = tally.samples[0]
    assert (sample.status, sample.method, sample.path, sample.resource_path) == (502, "POST", "/prod/orders", "/orders")
    assert (sample.request_id, sample.ip, sample.latency) == (
        "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "203.0.113.7",
        "29012",
    )
    assert sample.integration_error == "Lambda function timed out"
    assert sample.xray_trace_id == "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"
    assert (sample.api_id, sample.stage) == ("a1b2c3d4e5", "prod")


def test_xray_trace_ids_come_from_the_root_part():
    assert xray_trace_id("Root=1-5eb74b6d-b16741006c6e80a83474b828;Parent=53995c3f42cd8ad8;Sampled=1") == (
        "1-5eb74b6d-b16741006c6e80a83474b828"
    )
    assert xray_trace_id("1-5eb74b6d-b16741006c6e80a83474b828") == "1-5eb74b6d-b16741006c6e80a83474b828"
    assert xray_trace_id("-") == ""
    assert xray_trace_id(None) == ""


def test_memory_is_bounded_however_many_distinct_routes(monkeypatch):
    monkeypatch.setattr(records, "MAX_ROUTE_KEYS", 100)
    tally = Tally(threshold=400, sample_count=5)
    rows = [moto_row(INSIDE_MS, access_line(resourcePath=f"/scan/{index}" + "x" * 5000)) for index in range(1000)]

    tally.add_rows(rows, WINDOW)

    assert tally.matched == 1000
    assert len(tally.by_route) == 100
    assert tally.other_routes == 900
    assert sum(tally.by_route.values()) + tally.other_routes == 1000
    assert all(len(resource) <= records.MAX_RESOURCE_CHARS for _, resource in tally.by_route)
    assert len(tally.samples) == 5
    assert all(len(sample.resource_path) <= records.MAX_FIELD_CHARS for sample in tally.samples)


def test_non_string_values_in_a_line_do_not_crash():
    line = json.dumps({"status": 500, "httpMethod": ["GET"], "resourcePath": {"a": 1}, "requestId": 12, "ip": None})
    tally = Tally(threshold=400, sample_count=1)

    tally.add_rows([moto_row(INSIDE_MS, line)], WINDOW)

    assert tally.matched == 1
    assert tally.samples[0].method == '["GET"]'
    assert tally.samples[0].request_id == "12"
