"""Reading what AWS and API Gateway wrote, defensively: statuses, timestamps, lines, and log text made safe."""

from __future__ import annotations

import json
import unicodedata

import pytest
from accesslog_notifier.records import (
    parse_line,
    parse_status,
    parse_timestamp_ms,
    route_label,
    safe_text,
    sample_from_line,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import iso_ms

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
