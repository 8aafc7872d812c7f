"""Reading what AWS and API Gateway wrote, defensively: statuses, timestamps, lines, and log text made safe."""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Iterator

import pytest
from accesslog_notifier.records import (
    Sample,
    parse_line,
    parse_status,
    parse_timestamp_ms,
    route_label,
    route_parts,
    safe_text,
    sample_from_line,
    xray_trace_id,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import access_line, http_access_line, iso_ms

UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def test_each_fixture_line_is_a_status_or_unusable(fixtures_dir):
    lines = (fixtures_dir / "access-log-lines.jsonl").read_text().splitlines()
    # 200 numeric, 503 numeric, "409" quoted, "-" status, a line cut short, plain text
    statuses = [parse_status((parse_line(line) or {}).get("status")) for line in lines]
    assert statuses == [200, 503, 409, None, None, None]
    assert parse_line(lines[3]) is not None and parse_line(lines[4]) is None and parse_line(lines[5]) is None


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (502, 502),
        ("403", 403),
        (500.0, 500),
        (599, 599),
        (100, 100),
        ("-", None),
        (None, None),
        (True, None),
        ("\uff14\uff10\uff13", None),  # fullwidth digits
        ("\u0664\u0660\u0664", None),  # Arabic-Indic digits: int() would take them
        (" 404", None),
        (404.5, None),
        (99, None),
        (600, None),
        ({"code": 500}, None),
    ],
)
def test_a_status_is_an_http_status_number_or_three_ascii_digits(value, status):
    assert parse_status(value) == status


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25 09:31:12.907", iso_ms("2026-11-25T09:31:12.907Z")),  # AWS
        ("2026-11-25 09:31:12", iso_ms("2026-11-25T09:31:12.000Z")),
        ("1795599072907", 1_795_599_072_907),  # moto
        ("\uff12\uff10\uff12\uff16-11-25 09:31:12.907", None),
        ("2026-13-25 09:31:12.907", None),
        ("0000-01-01 00:00:00.000", None),
        ("1e12", None),
        ("", None),
        (None, None),
        (1_795_599_072_907, None),
    ],
)
def test_timestamps_in_the_aws_and_moto_shapes_only(value, expected):
    assert parse_timestamp_ms(value) == expected


def test_deeply_nested_json_and_other_non_objects_are_not_lines():
    assert parse_line("[" * 10_000 + "]" * 10_000) is None
    assert parse_line("{" + '"a":' * 0 + '"k":' + "[" * 100_000 + "}") is None
    assert parse_line('{"status": 500}') == {"status": 500}
    assert parse_line("[1]") is None and parse_line(None) is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=200))
def test_safe_text_leaves_no_control_format_or_surrogate_character(text):
    shown = safe_text(text)
    assert not any(unicodedata.category(char) in UNSAFE for char in shown)
    shown.encode("utf-8")  # a lone surrogate would raise here
    assert len(shown) <= len(text)


def test_bidi_overrides_and_zero_width_characters_are_replaced_visibly():
    hostile = "/admin\u202e/txt.exe\u200b\u2066x\u2069\ufeff\ud800"
    assert safe_text(hostile) == "/admin\ufffd/txt.exe\ufffd\ufffdx\ufffd\ufffd\ufffd"
    assert safe_text("plain /orders") == "plain /orders"


def test_routes_are_named_by_route_key_or_method_and_resource():
    assert route_label("GET", None, "GET /items/{id}") == "GET /items/{id}"
    assert route_label("POST", "/orders", None) == "POST /orders"
    assert route_label(None, None, None) == "- -"
    assert route_label("GET", "/a\u202eb", "-") == "GET /a\ufffdb"


def test_a_sample_shows_a_lines_fields_safely():
    line = json.loads(
        '{"status":502,"httpMethod":"POST","resourcePath":"/orders","path":"/prod/orders","requestId":"r-1",'
        '"integrationErrorMessage":"-","errorMessage":"Internal server error","xrayTraceId":'
        '"Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc;Parent=53995c3f42cd8ad8;Sampled=1","apiId":"a1b2c3d4e5"}'
    )
    sample = sample_from_line(iso_ms("2026-11-25T09:31:00.000Z"), line)
    assert (sample.status, sample.route, sample.integration_error) == (502, "POST /orders", "Internal server error")
    assert sample.xray_trace_id == "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"
    assert sample.is_http_api is False
    assert sample_from_line(0, {"status": "-"}) is None


@pytest.fixture
def local_time_five_hours_behind_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine clock set to UTC-5 (the CLI runs on laptops; Lambda runs in UTC)."""
    monkeypatch.setenv("TZ", "EST+05")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_five_hours_behind_utc")
def test_insights_timestamps_are_utc_whatever_the_machines_time_zone():
    assert parse_timestamp_ms("2026-11-25 09:31:12.907") == iso_ms("2026-11-25T09:31:12.907Z")


@pytest.mark.parametrize(("fraction", "millis"), [("9", 900), ("90", 900), ("09", 90), ("009", 9)])
def test_a_shorter_fraction_of_a_second_is_tenths_or_hundredths(fraction: str, millis: int):
    assert parse_timestamp_ms(f"2026-11-25 09:31:12.{fraction}") == iso_ms("2026-11-25T09:31:12.000Z") + millis


def self_referencing_list() -> list:
    items: list = []
    items.append(items)
    return items


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (29012, "29012"),
        (12.5, "12.5"),
        ({"message": "délai dépassé"}, '{"message": "délai dépassé"}'),  # JSON, as the line held it
        (["a", 1], '["a", 1]'),
        (self_referencing_list(), "\ufffd"),  # cannot be shown: replaced, not raised
        (TimeoutError("read timed out"), "read timed out"),  # JSON cannot write it: as Python does, not raised
    ],
)
def test_a_value_that_is_not_text_is_shown_as_text(value, shown: str):
    assert safe_text(value) == shown


def test_a_line_may_start_with_white_space():
    assert parse_line(' \t{"status": 500}') == {"status": 500}


@pytest.mark.parametrize(
    ("method", "route", "parts"),
    [
        ("GET", "/items/{id}", ("GET", "/items/{id}", None)),  # REST: a resource path
        ("GET", "-", ("GET", "-", None)),
        ("GET", "GET /items/{id}", ("GET", None, "GET /items/{id}")),  # HTTP API: a route key
        ("GET", "$default", ("GET", None, "$default")),
        ("GET", None, ("GET", None, None)),  # a group whose lines had no route
        ("GET", "", ("GET", None, None)),
        (None, "/items", (None, "/items", None)),
        (["GET"], "/items", (None, "/items", None)),  # not a method name: no method
    ],
)
def test_a_route_group_is_a_resource_path_or_a_route_key(method, route, parts):
    assert route_parts(method, route) == parts


@pytest.mark.parametrize(
    ("method", "resource_path", "route_key", "label"),
    [
        ("GET", "/x", "", "GET /x"),
        ("", "/x", None, "- /x"),
        ("GET", "", None, "GET -"),
        ("GET", "/x", "$default", "$default"),
    ],
)
def test_an_empty_field_names_no_route(method, resource_path, route_key, label: str):
    assert route_label(method, resource_path, route_key) == label


def test_no_field_of_a_huge_line_could_fill_a_slack_section_on_its_own(load_fixture):
    section = load_fixture("slack-webhook.json")["limits"]["section_text_characters"]
    huge = "x" * 20_000
    line = {key: huge for key in ("httpMethod", "resourcePath", "path", "requestId", "ip", "responseLatency")}
    line |= {"status": 502, "integrationErrorMessage": huge, "apiId": huge, "stage": huge, "xrayTraceId": "1-" + huge}

    sample = sample_from_line(0, line)

    for name, value in vars(sample).items():
        assert not isinstance(value, str) or len(value) < section, name
    assert len(route_label(None, None, huge)) < section


@pytest.mark.parametrize(
    ("header", "trace_id"),
    [
        (
            "Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc;Parent=53995c3f42cd8ad8;Sampled=1",
            "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
        ),
        # A load balancer in front adds its own segment first (Elastic Load Balancing, "Request tracing").
        (
            "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678",
            "1-67891233-abcdef012345678912345678",
        ),
        (" 1-5eb74f56-1a4129d0e8d9cd443d9cc9cc ", "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"),
        # Other fields may come first, however long (the header carries custom key=value data too).
        ("Self=" + "x" * 400 + ";Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc", "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"),
        ("Root=1-5eb74f56=x;Parent=53995c3f42cd8ad8", "1-5eb74f56=x"),  # a value is all after the first =
        ("Parent=53995c3f42cd8ad8;Sampled=1", ""),
        ("-", ""),
        (None, ""),
    ],
)
def test_the_trace_id_is_the_root_of_the_trace_header(header, trace_id: str):
    assert xray_trace_id(header) == trace_id


def test_a_sample_carries_each_field_of_a_rest_line():
    line = json.loads(access_line(status=504, requestId="r-1", path="/prod/orders/7", responseLatency=29012))

    sample = sample_from_line(1_795_599_072_907, line)

    assert sample == Sample(
        timestamp_ms=1_795_599_072_907,
        status=504,
        route="POST /orders",
        path="/prod/orders/7",
        request_id="r-1",
        ip="203.0.113.7",
        latency="29012",
        integration_error="Lambda function timed out",
        xray_trace_id="1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
        api_id="a1b2c3d4e5",
        stage="prod",
        is_http_api=False,
    )


@pytest.mark.parametrize(
    ("route_key", "http_api"), [("GET /items/{id}", True), ("$default", True), ("-", False), ("", False)]
)
def test_a_line_with_a_route_key_is_from_an_http_api(route_key: str, http_api: bool):
    sample = sample_from_line(0, json.loads(http_access_line(routeKey=route_key)))
    assert sample.is_http_api is http_api


@pytest.mark.parametrize(
    ("latencies", "shown"),
    [({"responseLatency": "48", "integrationLatency": "45"}, "48"), ({"integrationLatency": "45"}, "45"), ({}, "")],
)
def test_the_latency_is_the_responses_else_the_integrations(latencies: dict, shown: str):
    assert sample_from_line(0, {"status": 500, **latencies}).latency == shown


@pytest.mark.parametrize(
    ("messages", "shown"),
    [
        ({"integrationErrorMessage": "Boom", "errorMessage": "Internal server error"}, "Boom"),
        ({"integrationErrorMessage": "", "errorMessage": "Internal server error"}, "Internal server error"),
        ({"integrationErrorMessage": "-", "errorMessage": "Internal server error"}, "Internal server error"),
        ({"integrationErrorMessage": "-", "errorMessage": "-"}, ""),
        ({"integrationErrorMessage": "-"}, ""),
        ({}, ""),
    ],
)
def test_the_error_is_the_integrations_else_api_gateways_and_a_dash_is_no_error(messages: dict, shown: str):
    assert sample_from_line(0, {"status": 500, **messages}).integration_error == shown


@pytest.mark.parametrize(
    ("field", "attribute", "length"),
    [
        ("path", "path", 300),
        ("requestId", "request_id", 200),
        ("ip", "ip", 100),
        ("responseLatency", "latency", 20),
        ("integrationErrorMessage", "integration_error", 500),
    ],
)
def test_each_field_a_sample_shows_is_cut_to_its_own_length(field: str, attribute: str, length: int):
    sample = sample_from_line(0, {"status": 500, field: "x" * length + "cut"})
    assert getattr(sample, attribute) == "x" * length


@pytest.mark.parametrize(
    ("method", "resource_path", "route_key", "label"),
    [
        ("M" * 16 + "cut", "/x", None, "M" * 16 + " /x"),
        ("GET", "/" + "p" * 299 + "cut", None, "GET /" + "p" * 299),
        (None, None, "GET /" + "k" * 295 + "cut", "GET /" + "k" * 295),
    ],
    ids=["method-16", "resource-path-300", "route-key-300"],
)
def test_each_part_of_a_route_label_is_cut_to_its_own_length(method, resource_path, route_key, label: str):
    assert route_label(method, resource_path, route_key) == label
