"""The digest: Slack's documented limits (tests/fixtures/slack-webhook.json, not the code's budgets), hostile text
escaped, rates, the per-minute sparkline, the cost footer, "at least" when the counts are lower bounds."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from accesslog_notifier.aggregate import Totals
from accesslog_notifier.digest import AlarmContext, Report, build_messages, percent, sparkline
from accesslog_notifier.records import Sample
from accesslog_notifier.window import Window
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import iso_ms, iter_strings, slack_links, unsafe_markup

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))
HOSTILE = ["<!channel>", "<@U0123ABCD>", "<https://evil.example|click>", "&amp;lt;", "`x`", "*bold*", "\u202e", "\n"]


@pytest.fixture(scope="module")
def limits(load_fixture):
    return load_fixture("slack-webhook.json")["limits"]


def within_slack_limits(payload: dict, limits: dict) -> list[str]:
    """What in a payload breaks Slack's documented limits, judged from the fixture, not from the code."""
    problems = []
    blocks = payload["blocks"]
    if len(blocks) > limits["blocks_per_message"]:
        problems.append(f"{len(blocks)} blocks")
    for block in blocks:
        texts = [block.get("text", {}).get("text", "")] + [element["text"] for element in block.get("elements", [])]
        if block["type"] == "context" and len(block["elements"]) > limits["context_elements"]:
            problems.append("too many context elements")
        problems += [f"section of {len(text)}" for text in texts if len(text) > limits["section_text_characters"]]
    if len(json.dumps(blocks)) >= limits["blocks_json_characters_refused_from"]:
        problems.append(f"blocks of {len(json.dumps(blocks))} characters")
    if len(payload["text"]) > limits["text_characters_shown"]:
        problems.append("text too long")
    return problems


def sample(index: int, route: str = "POST /orders", text: str = "") -> Sample:
    return Sample(
        timestamp_ms=WINDOW.start_ms + index,
        status=502,
        route=route,
        path=f"/prod/orders/{index}{text}",
        request_id=f"c6af9ac6-7b61-11e6-9a41-{index:012d}",
        ip="203.0.113.7",
        latency="29012",
        integration_error="Lambda function timed out" + text,
        xray_trace_id="1-5eb74f56-1a4129d0e8d9cd443d9cc9cc",
        api_id="a1b2c3d4e5",
        stage="prod",
        is_http_api=False,
    )


def totals(errors: int = 12, requests: int = 4210, samples: int = 3, **extra) -> Totals:
    made = Totals(lines=requests + extra.pop("unparsed", 0), requests=requests, errors=errors, **extra)
    made.errors_by_status = Counter({502: errors})
    made.errors_by_route = Counter({"POST /orders": errors})
    made.requests_by_route = Counter({"POST /orders": requests})
    made.errors_by_minute = Counter({WINDOW.start_ms + 60_000: errors})
    made.samples = [sample(index) for index in range(samples)]
    made.bytes_scanned = 14_200_000.0
    return made


def report(**changes) -> Report:
    base = {
        "title": "orders-api: API Gateway errors",
        "window": WINDOW,
        "log_group_names": ("/aws/apigateway/orders-api-accesslog",),
        "region": "eu-west-1",
        "insights_query": "fields @timestamp, @message",
        "threshold": 400,
        "totals": totals(),
    }
    base.update(changes)
    return Report(**base)


def text_of(payloads: list[dict]) -> str:
    return "\n".join(iter_strings(payloads))


def test_the_first_message_has_counts_rates_routes_and_the_window(limits):
    [payload] = build_messages(report(), top_n=10, max_messages=5)

    assert within_slack_limits(payload, limits) == []
    summary = payload["blocks"][0]["text"]["text"]
    assert "*12* errors in 4,210 requests (0.3 %), status ≥ 400" in summary
    assert "`2026-11-25 09:30:00.000` to `2026-11-25 09:35:00.000` UTC" in summary
    assert "`▁█▁▁▁`" in summary  # errors in the second of five minutes
    routes = payload["blocks"][2]["text"]["text"]
    assert "`POST /orders`  12 of 4,210 requests (0.3 %)" in routes
    assert payload["text"].startswith("orders-api: API Gateway errors: 12 errors in 4,210 requests (0.3 %)")
    assert all(block["text"]["verbatim"] for block in payload["blocks"] if block["type"] == "section")


def test_the_footer_states_bytes_scanned_and_their_cost():
    [payload] = build_messages(report(), top_n=10, max_messages=5)
    footer = payload["blocks"][-1]["elements"][0]["text"]
    # 14.2 MB at $0.005 per GB (AWS's price for Logs Insights, us-east-1): 0.0142 GB x 0.005 = $0.000071.
    assert "scanned 14.2 MB in 4 queries, about $0.000071 at $0.005 per GB" in footer


def test_lower_bounds_say_at_least_everywhere():
    lower = totals(errors=7)
    lower.lower_bounds.append("the per-minute counts did not complete")
    [payload] = build_messages(report(totals=lower), top_n=10, max_messages=5)
    assert "*at least 7* errors" in payload["blocks"][0]["text"]["text"]
    assert ":warning: The counts are lower bounds: the per-minute counts did not complete" in json.dumps(payload)
    assert "at least 7 errors" in payload["text"]


def test_errors_on_other_routes_are_exact_or_say_at_least():
    many = totals(errors=30)
    many.errors_by_route = Counter({f"GET /r{index}": 2 for index in range(15)})
    [exact] = build_messages(report(totals=many), top_n=10, max_messages=5)
    assert "_10 errors on 5 other routes_" in exact["blocks"][2]["text"]["text"]
    many.routes_exact = False
    [cut] = build_messages(report(totals=many), top_n=10, max_messages=5)
    assert "_at least 10 errors on at least 5 other routes_" in cut["blocks"][2]["text"]["text"]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(12, 4210, "0.3 %"), (1, 3, "33 %"), (0, 10, "0.0 %"), (1, 10_000, "under 0.1 %"), (3, 0, "n/a")],
)
def test_percentages_for_people(part, whole, shown):
    assert percent(part, whole) == shown


def test_the_sparkline_scales_to_the_busiest_minute_and_shows_any_error():
    # Eight bars: ▁ for no error, then seven levels, the nth for counts up to n/7 of the busiest minute.
    assert sparkline([0, 1, 4, 8, 0]) == "▁▂▅█▁"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([1, 1000])[0] == "▂"  # one error is still visible


def test_hostile_log_text_is_escaped_and_links_are_only_ours():
    hostile = totals(samples=0)
    hostile.errors_by_route = Counter({route: 1 for route in HOSTILE})
    hostile.samples = [sample(index, route="GET " + text, text=text) for index, text in enumerate(HOSTILE)]
    payloads = build_messages(report(totals=hostile, title="<!here> *API*"), top_n=10, max_messages=5)

    raw = json.dumps(payloads)
    for sequence in ("<!channel>", "<!here>", "<@U0123ABCD>", "<https://evil.example"):
        assert sequence not in raw
    for text in iter_strings(payloads):
        assert unsafe_markup(text) == [], text
    for url, _ in slack_links(text_of(payloads)):
        assert url.startswith("https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#")


def test_samples_continue_in_more_messages_and_what_does_not_fit_is_counted(limits):
    long = totals(samples=0)
    long.samples = [sample(index, text="x" * 900) for index in range(60)]
    payloads = build_messages(report(totals=long), top_n=10, max_messages=3)

    assert len(payloads) == 3
    for payload in payloads:
        assert within_slack_limits(payload, limits) == []
    shown = sum(
        1
        for payload in payloads
        for block in payload["blocks"]
        if block["type"] == "section" and "requestId" in block["text"]["text"]
    )
    note = re.search(r"_(\d+) more samples not shown", text_of(payloads))
    assert note and shown + int(note.group(1)) == 60
    assert "(message 1 of 3)" in payloads[0]["text"] and "*12* errors" in payloads[0]["blocks"][0]["text"]["text"]


def test_an_alarm_digest_names_the_alarm_and_the_scheduled_digest_with_the_complete_numbers():
    alarm = AlarmContext(
        "orders-api-5xx",
        iso_ms("2026-11-25T09:32:04.871Z"),
        (Window(iso_ms("2026-11-25T09:29:00.000Z"), iso_ms("2026-11-25T09:34:00.000Z")),),
        (iso_ms("2026-11-25T09:35:00.000Z"),),
    )
    [payload] = build_messages(report(alarm=alarm), top_n=10, max_messages=5)
    summary = payload["blocks"][0]["text"]["text"]
    assert "alarm `orders-api-5xx` went to ALARM at 09:32 UTC" in summary
    window = "(2026-11-25 09:29:00.000 to 2026-11-25 09:34:00.000 UTC)"
    assert f"the complete numbers come in the scheduled digest at 09:35 UTC {window}" in summary


def test_no_links_where_the_partition_has_no_public_console():
    payloads = build_messages(report(region="us-isob-east-1"), top_n=10, max_messages=5)
    assert slack_links(text_of(payloads)) == []


hostile_text = st.lists(st.sampled_from(list("<>&`*_~|!@#:/ab \n\u202e\u200b") + HOSTILE), max_size=20).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    routes=st.dictionaries(hostile_text, st.integers(min_value=1, max_value=10**6), max_size=80),
    sample_texts=st.lists(hostile_text, max_size=70),
    title=st.text(min_size=1, max_size=150),
    max_messages=st.integers(min_value=1, max_value=10),
    top_n=st.integers(min_value=1, max_value=50),
    unparsed=st.integers(min_value=0, max_value=10**6),
)
def test_every_message_is_within_slack_limits_escaped_and_the_counts_come_first(
    limits, routes, sample_texts, title, max_messages, top_n, unparsed
):
    made = totals(errors=sum(routes.values()) or 1, requests=10**7, samples=0, unparsed=unparsed)
    made.errors_by_route = Counter(routes)
    made.samples = [sample(index, route="GET /" + text, text=text) for index, text in enumerate(sample_texts)]

    payloads = build_messages(report(totals=made, title=title), top_n=top_n, max_messages=max_messages)

    assert 1 <= len(payloads) <= max_messages
    for payload in payloads:
        assert within_slack_limits(payload, limits) == []
        for text in iter_strings(payload):
            assert unsafe_markup(text) == []
    assert f"{made.errors:,}" in payloads[0]["blocks"][0]["text"]["text"]
