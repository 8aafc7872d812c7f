"""Console links: the partition's console domain, JSURL decoded by an independent decoder, nothing from a log line
unencoded."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from accesslog_notifier.links import console_domain, execution_log_url, insights_url, jsurl, xray_trace_url
from accesslog_notifier.records import Sample, sample_from_line
from accesslog_notifier.window import Window
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import access_line, console_fragment_value, iso_ms, jsurl_decode

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


def test_jsurl_keeps_letters_digits_and_dash_underscore_dot_and_writes_dollar_as_bang():
    # The notation's own rules: [A-Za-z0-9_.-] as they are, $ as !, so a console URL stays short.
    assert jsurl("Az09-_.") == "~'Az09-_."
    assert jsurl("$default") == "~'!default"


@pytest.mark.parametrize(
    "text",
    ["\xff", "\u0100", "\u20ac", "\U0001f600"],  # the last Latin-1 character, the first beyond, BMP, astral
    ids=["u+00ff", "u+0100", "euro", "astral"],
)
def test_jsurl_round_trips_characters_either_side_of_its_encoding_boundaries(text: str):
    assert jsurl_decode(jsurl({"s": text})) == {"s": text}


def test_jsurl_writes_a_lone_surrogate_as_its_code_unit_instead_of_failing():
    # os.environ holds undecodable bytes as lone surrogates; JSURL writes UTF-16 code units as **xxxx.
    assert jsurl("a\udcff") == "~'a**dcff"


def test_jsurl_writes_constants_and_empty_lists_the_decoder_reads():
    value = {"none": None, "yes": True, "no": False, "empty": [], "numbers": [1, 2.5]}
    assert jsurl_decode(jsurl(value)) == value


def test_the_console_selects_at_most_50_log_groups():
    names = [f"/g{index}" for index in range(60)]
    url, selected = insights_url("eu-west-1", names, WINDOW, "q")
    assert selected == 50
    assert jsurl_decode(console_fragment_value(url.split("queryDetail$3D", 1)[1]))["source"] == names[:50]


def test_the_link_selects_as_many_log_groups_as_fit_in_2000_characters():
    names = [f"/aws/apigateway/{'x' * 100}-{index}" for index in range(60)]
    url, selected = insights_url("eu-west-1", names, WINDOW, "q")

    assert len(url) <= 2000
    next_group = names[selected]
    # One more group adds ~' and the name, each / written as *2f (3 characters).
    assert len(url) + 2 + len(next_group) + 2 * next_group.count("/") > 2000


def test_one_long_log_group_is_linked_when_two_would_not_fit():
    names = [f"/{letter * 500}" for letter in "abcd"]
    query = "filter " + "q" * 1000
    url, selected = insights_url("eu-west-1", names, WINDOW, query)
    assert selected == 1 and len(url) <= 2000


@pytest.mark.parametrize("region", ["us-iso-east-1", "not a region"])
def test_no_link_selects_no_log_group(region: str):
    assert insights_url(region, ["/g"], WINDOW, "q") == (None, 0)


def test_a_query_too_long_for_any_link_gives_none():
    assert insights_url("eu-west-1", ["/g"], WINDOW, "filter " + "q" * 3000) == (None, 0)


def test_the_execution_log_fragment_writes_percent_signs_as_dollars():
    # The console reads its URL fragment with $ for %; a % left in would be read as something else.
    fragment = execution_log_url("eu-west-1", SAMPLE).split("#", 1)[1]
    assert "%" not in fragment and "$252F" in fragment


def test_a_link_of_exactly_2000_characters_keeps_every_log_group():
    prefix = (
        "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D"
        "~(end~'2026-11-25T09*3a35*3a00.000Z~start~'2026-11-25T09*3a30*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC"
        "~editorString~'"
    )
    suffix = "~source~(~'orders-api~'payments-api))"
    query = "q" * (2000 - len(prefix) - len(suffix))

    assert insights_url("eu-west-1", ["orders-api", "payments-api"], WINDOW, query) == (prefix + query + suffix, 2)


def test_a_log_group_too_long_for_any_link_gives_none_rather_than_a_link_to_no_log_group():
    # The link without the group would fit (about 1,800 characters); with it, it cannot.
    assert insights_url("eu-west-1", ["/aws/apigateway/" + "g" * 490], WINDOW, "filter " + "q" * 1500) == (None, 0)


def test_jsurl_names_what_it_cannot_encode():
    with pytest.raises(TypeError, match="jsurl cannot encode set"):
        jsurl({"source": {"/g"}})


def test_a_long_api_id_is_linked_whole():
    line = json.loads(access_line(apiId="a" * 100, requestId="c6af9ac6-7b61-11e6-9a41-93e8deadbeef"))

    url = execution_log_url("eu-west-1", sample_from_line(SAMPLE.timestamp_ms, line))

    assert url.startswith(
        "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/"
        f"API-Gateway-Execution-Logs_{'a' * 100}$252Fprod/log-events$3FfilterPattern$3D"
        "$2522c6af9ac6-7b61-11e6-9a41-93e8deadbeef$2522$26start$3D"
    )


@pytest.mark.parametrize(("field", "value"), [("stage", "s" * 129), ("apiId", "a" * 129), ("requestId", "r" * 129)])
def test_an_identifier_longer_than_aws_writes_is_not_cut_into_another_log_groups_name(field: str, value: str):
    # API Gateway stage names have at most 128 characters; cut to 128, this one would name another log group.
    line = json.loads(access_line(**{field: value}))
    assert execution_log_url("eu-west-1", sample_from_line(SAMPLE.timestamp_ms, line)) is None
