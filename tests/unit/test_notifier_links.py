"""Console links: the partition's console domain, JSURL decoded by an independent decoder, nothing from a log line
unencoded."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from accesslog_notifier.links import console_domain, execution_log_url, insights_url, jsurl, xray_trace_url
from accesslog_notifier.records import Sample
from accesslog_notifier.window import Window
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import console_fragment_value, iso_ms, jsurl_decode

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))
SAMPLE = Sample(
    timestamp_ms=iso_ms("2026-11-25T09:31:00.000Z"),
    status=502,
    route="POST /orders",
    path="/prod/orders",
    request_id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    ip="203.0.113.7",
    latency="29012",
    integration_error="",
    xray_trace_id="1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
    api_id="a1b2c3d4e5",
    stage="prod",
    is_http_api=False,
)


@pytest.mark.parametrize(
    ("region", "domain"),
    [
        ("eu-west-1", "console.aws.amazon.com"),
        ("ap-southeast-5", "console.aws.amazon.com"),
        ("cn-north-1", "console.amazonaws.cn"),
        ("cn-northwest-1", "console.amazonaws.cn"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("us-iso-east-1", None),
        ("us-isob-east-1", None),
        ("us-isof-south-1", None),
        ("eu-isoe-west-1", None),
        ("not a region", None),
    ],
)
def test_each_partition_has_its_console_domain(region, domain):
    assert console_domain(region) == domain
    url, _ = insights_url(region, ["/g"], WINDOW, "fields @message")
    assert (url is None) == (domain is None)
    if url:
        assert urlsplit(url).netloc == domain and f"region={region}" in url


def test_the_insights_link_carries_the_window_query_and_log_groups():
    url, selected = insights_url("eu-west-1", ["/aws/apigateway/a", "/b$c"], WINDOW, "filter status >= 500")

    detail = jsurl_decode(console_fragment_value(url.split("queryDetail$3D", 1)[1]))
    assert selected == 2
    assert detail == {
        "end": "2026-11-25T09:35:00.000Z",
        "start": "2026-11-25T09:30:00.000Z",
        "timeType": "ABSOLUTE",
        "tz": "UTC",
        "editorString": "filter status >= 500",
        "source": ["/aws/apigateway/a", "/b$c"],
    }


def test_the_console_selects_at_most_50_log_groups_and_the_url_stays_short():
    url, selected = insights_url(
        "eu-west-1", [f"/aws/apigateway/{'x' * 100}-{index}" for index in range(60)], WINDOW, "q"
    )
    assert selected < 50 and len(url) <= 2000


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_jsurl_text_round_trips_through_an_independent_decoder_astral_characters_included(text):
    assert jsurl_decode(jsurl({"s": text, "l": [text, 1]})) == {"s": text, "l": [text, 1]}


def test_an_execution_log_link_for_rest_samples_only():
    url = execution_log_url("eu-west-1", SAMPLE)
    fragment = console_fragment_value(url.split("#", 1)[1])
    assert fragment.startswith("logsV2:log-groups/log-group/API-Gateway-Execution-Logs_a1b2c3d4e5%2Fprod/log-events?")
    query = parse_qs(fragment.split("?", 1)[1])
    assert query["filterPattern"] == ['"c6af9ac6-7b61-11e6-9a41-93e8deadbeef"']
    assert int(query["start"][0]) < SAMPLE.timestamp_ms < int(query["end"][0])
    assert execution_log_url("eu-west-1", replace(SAMPLE, is_http_api=True)) is None  # HTTP APIs have none
    assert execution_log_url("eu-west-1", replace(SAMPLE, request_id='x" OR "')) is None


def test_xray_links_only_for_well_formed_trace_ids():
    assert xray_trace_url("eu-west-1", SAMPLE.xray_trace_id).endswith(
        "#xray:traces/1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"
    )
    for bad in (
        "",
        "1-5eb74f56",
        "Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
        "1-5eb74f56-1a4129d0e8d9cd443d9cc9cc/../x",
    ):
        assert xray_trace_url("eu-west-1", bad) is None
