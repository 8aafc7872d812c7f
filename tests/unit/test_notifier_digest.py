"""The digest: Slack's documented limits (tests/fixtures/slack-webhook.json, not the code's budgets), hostile text
escaped, rates, the per-minute sparkline, the cost footer, "at least" when the counts are lower bounds."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from urllib.parse import quote

import pytest
from accesslog_notifier.aggregate import Totals
from accesslog_notifier.digest import (
    AlarmContext,
    Report,
    build_messages,
    clip,
    code,
    cost_phrase,
    escape,
    fit_lines,
    human_bytes,
    link,
    percent,
    sparkline,
)
from accesslog_notifier.records import Sample
from accesslog_notifier.window import Window
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.support.notifier import (
    console_fragment_value,
    iso_ms,
    iter_strings,
    jsurl_decode,
    slack_links,
    unsafe_markup,
)

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


# --- the pieces of a digest a person reads -------------------------------------------------------------------------


def section_texts(payloads: list[dict]) -> list[str]:
    return [block["text"]["text"] for payload in payloads for block in payload["blocks"] if block["type"] == "section"]


def summary_of(made: Report) -> str:
    return build_messages(made, top_n=10, max_messages=5)[0]["blocks"][0]["text"]["text"]


def block_starting(payloads: list[dict], prefix: str) -> str:
    [text] = [text for text in section_texts(payloads) if text.startswith(prefix)]
    return text


def insights_link(summary: str) -> tuple[dict, str]:
    """The Logs Insights link of a summary: its decoded query detail and its label."""
    [(url, label)] = [(url, label) for url, label in slack_links(summary) if "logs-insights" in url]
    url = url.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return jsurl_decode(console_fragment_value(url.split("queryDetail$3D", 1)[1])), label


def test_escape_writes_exactly_slacks_three_entities(load_fixture):
    escapes = load_fixture("slack-webhook.json")["mrkdwn_escapes"]
    for character, entity in escapes.items():
        assert escape(f"a{character}b") == f"a{entity}b"
    assert escape("&lt;") == "&amp;lt;"  # an entity in log text is shown as written, not interpreted


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40), limit=st.integers(min_value=1, max_value=45))
@example(text="abc", limit=3)
@example(text="abcd", limit=3)
@example(text="ab", limit=1)
def test_clip_keeps_text_that_fits_and_cuts_the_rest_to_the_limit_with_an_ellipsis(text: str, limit: int):
    clipped = clip(text, limit)
    if len(text) <= limit:
        assert clipped == text
    else:
        assert len(clipped) == limit and clipped.endswith("…") and text.startswith(clipped[:-1])


def test_a_backtick_in_log_text_cannot_end_the_code_span():
    assert code("GET /a`b") == "`GET /a'b`"


def test_a_pipe_in_a_link_url_is_percent_encoded_so_the_label_cannot_be_forged():
    text = link("https://console.aws.amazon.com/x|y", "Open")
    assert slack_links(text) == [(f"https://console.aws.amazon.com/x{quote('|')}y", "Open")]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(1, 1, "100 %"), (1, 1000, "0.1 %"), (99, 1000, "9.9 %"), (1, 10, "10 %"), (107, 1000, "11 %")],
)
def test_one_decimal_below_ten_percent_whole_numbers_from_ten(part: int, whole: int, shown: str):
    assert percent(part, whole) == shown


def test_a_sparkline_has_one_bar_per_minute_and_a_single_error_is_a_full_bar():
    assert sparkline([]) == ""
    assert sparkline([0, 1]) == "▁█"


@pytest.mark.parametrize(
    ("scanned", "shown"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (1_000_000, "1.0 MB"),
        (14_200_000, "14.2 MB"),
        (2_500_000_000, "2.5 GB"),
        (3e12, "3.0 TB"),
        (5e15, "5000.0 TB"),
    ],
)
def test_bytes_scanned_in_decimal_units_as_aws_bills(scanned: float, shown: str):
    assert human_bytes(scanned) == shown


def test_every_block_is_a_verbatim_mrkdwn_section_or_context():
    alarm = AlarmContext("orders-api-5xx", WINDOW.start_ms, (WINDOW,), (WINDOW.end_ms,))
    payloads = build_messages(report(alarm=alarm, totals=totals(unparsed=3)), top_n=10, max_messages=5)

    blocks = [block for payload in payloads for block in payload["blocks"]]
    for block in blocks:
        texts = [block["text"]] if block["type"] == "section" else block["elements"]
        assert block["type"] in ("section", "context")
        assert all(text.keys() == {"type", "text", "verbatim"} for text in texts), block
        assert all(text["type"] == "mrkdwn" and text["verbatim"] is True for text in texts), block
    assert blocks[-1]["type"] == "context"  # the footer


FIT_CASES = [
    (["a" * 10, "b" * 10, "c" * 10], "+{n}"),
    (["one", "two & three", "four", "fünf", "6"], "_…and {n} more lines_"),  # non-ASCII: 6 JSON characters
    ([f"line {index}" for index in range(12)], "…"),
]


@pytest.mark.parametrize(("lines", "overflow"), FIT_CASES)
def test_fit_lines_keeps_as_many_lines_as_fit_and_says_how_many_it_left_out(lines: list[str], overflow: str):
    def size(parts: list[str]) -> int:  # what Slack receives: the JSON string
        return len(json.dumps("\n".join(parts)))

    smallest = size([overflow.format(n=len(lines))])
    for budget in range(smallest, size(lines) + 3):
        parts = fit_lines(lines, budget, overflow).split("\n")
        assert size(parts) <= budget
        if parts == lines:
            continue
        kept = len(parts) - 1
        assert parts[:kept] == lines[:kept]
        assert parts[kept] == overflow.format(n=len(lines) - kept)
        one_more = lines if kept + 1 == len(lines) else [*lines[: kept + 1], overflow.format(n=len(lines) - kept - 1)]
        assert size(one_more) > budget, (budget, parts)


def test_fit_lines_never_fills_more_than_a_slack_section(limits):
    text = fit_lines([f"line {index}" for index in range(5000)], 10**6, "…")
    assert len(text) <= limits["section_text_characters"]


def test_the_status_ranking_shows_the_top_statuses_by_count_and_sums_the_rest():
    made = totals(errors=16)
    made.errors_by_status = Counter({502: 3, 500: 9, 504: 4})
    payloads = build_messages(report(totals=made), top_n=2, max_messages=5)

    lines = block_starting(payloads, "*By status*").split("\n")
    assert [line.split("`")[1] for line in lines[1:3]] == ["500", "504"]
    assert "`500`  9 (" in lines[1]
    assert lines[3:] == ["_3 errors with 1 other status_"]


def test_each_status_rate_is_a_share_of_the_requests_not_of_the_errors():
    # 100 errors in 294 requests: 25 / 294 is 8.5 % and 75 / 294 is 25.5 %, shown as 26 %; over the errors they
    # would read 25 % and 75 %.
    made = totals(errors=100, requests=294)
    made.errors_by_status = Counter({502: 25, 500: 75})
    payloads = build_messages(report(totals=made), top_n=10, max_messages=5)

    lines = block_starting(payloads, "*By status*").split("\n")
    assert lines[1:] == ["`500`  75 (26 % of requests)", "`502`  25 (8.5 % of requests)"]


def test_a_status_ranking_too_long_for_its_section_says_how_many_lines_it_left_out(limits):
    made = totals(errors=50 * 1000)
    made.errors_by_status = Counter({status: 1000 for status in range(500, 550)})
    payloads = build_messages(report(totals=made), top_n=50, max_messages=5)

    lines = block_starting(payloads, "*By status*").split("\n")
    left_out = re.fullmatch(r"_…and (\d+) more lines_", lines[-1])
    assert left_out is not None, lines[-1]
    assert len(lines) - 2 + int(left_out.group(1)) == 50
    assert all(within_slack_limits(payload, limits) == [] for payload in payloads)


def routes_text(made: Totals, top_n: int = 10) -> str:
    return block_starting(build_messages(report(totals=made), top_n=top_n, max_messages=5), "*By route*")


def other_routes(text: str) -> tuple[str, str] | None:
    match = re.search(r"_(at least \d+|\d+) errors on (at least \d+|\d+) other routes_", text)
    return None if match is None else (match.group(1), match.group(2))


def test_when_every_error_is_on_a_listed_route_no_other_routes_are_mentioned():
    assert other_routes(routes_text(totals(errors=12))) is None


def test_a_cut_route_table_says_there_may_be_errors_on_other_routes():
    made = totals(errors=12)
    made.routes_exact = False
    assert other_routes(routes_text(made)) == ("at least 0", "at least 0")


def test_errors_the_route_counts_do_not_account_for_are_still_mentioned():
    # The route groups can miss lines the per-minute groups counted (lines delivered between the two queries).
    made = totals(errors=12)
    made.errors_by_route = Counter({"POST /orders": 11})
    assert other_routes(routes_text(made)) == ("1", "0")


def test_routes_beyond_the_top_n_are_mentioned_even_when_the_route_counts_exceed_the_total():
    made = totals(errors=4)
    made.errors_by_route = Counter({"POST /orders": 4, "GET /items": 3})
    mentioned = other_routes(routes_text(made, top_n=1))
    assert mentioned is not None and mentioned[1] == "1"


def test_a_route_table_too_long_for_its_section_says_how_many_lines_it_left_out(limits):
    made = totals(errors=50)
    made.errors_by_route = Counter({f"GET /{index:03d}/{'r' * 150}": 1 for index in range(50)})
    lines = routes_text(made, top_n=50).split("\n")

    left_out = re.fullmatch(r"_…and (\d+) more lines_", lines[-1])
    assert left_out is not None, lines[-1]
    assert len(lines) - 2 + int(left_out.group(1)) == 50


def test_the_footer_prices_the_bytes_scanned_at_aws_rate_to_the_millionth_of_a_dollar():
    scanned = 1e15  # a petabyte: $5,000 at $0.005 per GB (Amazon CloudWatch pricing, Logs Insights)
    made = totals()
    made.bytes_scanned = scanned
    [payload] = build_messages(report(totals=made), top_n=10, max_messages=5)
    footer = payload["blocks"][-1]["elements"][0]["text"]
    cost = re.search(r"about \$([0-9.,]+) at \$0\.005 per GB", footer)
    assert cost is not None and abs(float(cost.group(1).replace(",", "")) - scanned / 1e9 * 0.005) < 5e-3


def test_the_footer_lists_the_problems_met_after_the_cost():
    [payload] = build_messages(
        report(problems=("routes: query timed out", "samples: <throttled>")), top_n=10, max_messages=5
    )
    footer = payload["blocks"][-1]["elements"][0]["text"]
    assert footer.startswith("Logs Insights scanned 14.2 MB in 4 queries")
    assert footer.endswith(" · routes: query timed out; samples: &lt;throttled&gt;")


def test_the_footer_keeps_the_cost_whatever_the_problems_say():
    [payload] = build_messages(report(problems=("&" * 300,)), top_n=10, max_messages=5)
    footer = payload["blocks"][-1]["elements"][0]["text"]
    assert "Logs Insights scanned 14.2 MB in 4 queries, about $0.000071 at $0.005 per GB · &amp;" in footer
    assert footer.endswith("&amp;…")  # clipped between entities, never inside one
    assert len(json.dumps(footer)) <= 600  # the footer's share of Slack's 3,000-character section text


@pytest.mark.parametrize(
    ("scanned", "said"),
    [
        (0, "$0 at"),
        (100, "under $0.000001 at"),  # 100 B: $0.0000000005
        (200_000, "about $0.0000010 at"),  # two significant digits, not a row of zeros
        (14_200_000, "about $0.000071 at"),
        (2_083_000_000, "about $0.010 at"),  # the benchmark's million errors
        (1e15, "about $5,000.00 at"),  # a petabyte
    ],
)
def test_the_cost_is_said_with_two_significant_digits_below_a_dollar(scanned: float, said: str):
    made = totals()
    made.bytes_scanned = scanned
    [payload] = build_messages(report(totals=made), top_n=10, max_messages=5)
    assert said in payload["blocks"][-1]["elements"][0]["text"]


@pytest.mark.parametrize(
    ("dollars", "said"),
    [
        (0.00000099, "under $0.000001"),
        (0.000001, "about $0.0000010"),  # a millionth of a dollar is not under a millionth
        (0.99, "about $0.99"),
        (1, "about $1.00"),  # cents from a dollar up
        (1.5, "about $1.50"),
        (1234.5, "about $1,234.50"),
    ],
)
def test_the_cost_switches_to_cents_at_a_dollar_and_to_under_below_a_millionth(dollars: float, said: str):
    assert cost_phrase(dollars) == said


def footer_of(made: Report) -> str:
    [payload] = build_messages(made, top_n=10, max_messages=5)
    return payload["blocks"][-1]["elements"][0]["text"]


def test_problems_are_shown_up_to_300_characters_and_cut_with_an_ellipsis_beyond():
    assert footer_of(report(problems=("p" * 300,))).endswith(" · " + "p" * 300)
    assert footer_of(report(problems=("p" * 301,))).endswith(" · " + "p" * 299 + "…")


@pytest.mark.parametrize("lead", range(5))
def test_the_footer_keeps_as_much_of_the_problems_as_fits_its_600_characters(lead: int):
    # "&" takes 5 characters escaped, "a" one: some lead of a's brings the footer to exactly 600 JSON characters.
    problems = "a" * lead + "&" * 300
    footer = footer_of(report(problems=(problems,)))

    shown = footer.split(" · ", 1)[1]
    assert shown.endswith("…")
    kept = shown[: -len("…")].replace("&amp;", "&")
    assert problems.startswith(kept)
    one_more = {"a": 1, "&": len("&amp;")}[problems[len(kept)]]
    assert len(json.dumps(footer)) <= 600 < len(json.dumps(footer)) + one_more


def long_value_cases() -> list:
    """Where log text appears in a code span, how many characters of it are shown, and a report holding it."""

    def with_sample(**changes):
        made = totals(samples=0)
        made.samples = [replace(sample(7), path="", **changes)]
        return report(totals=made)

    def with_route(route):
        made = totals()
        made.errors_by_route, made.requests_by_route = Counter({route: 12}), Counter({route: 4210})
        return report(totals=made)

    return [
        ("alarm name", 120, lambda text: report(alarm=AlarmContext(text, WINDOW.start_ms, (), ()))),
        ("ignored route", 60, lambda text: report(ignore_routes=(text,))),
        ("log group", 60, lambda text: report(log_group_names=(text,))),
        ("route in the route table", 120, with_route),
        ("request line of a sample", 160, lambda text: with_sample(route=text)),
        ("request id", 80, lambda text: with_sample(request_id=text)),
        ("ip", 60, lambda text: with_sample(ip=text)),
        ("latency", 20, lambda text: with_sample(latency=text)),
        ("integration error", 300, lambda text: with_sample(integration_error=text)),
    ]


@pytest.mark.parametrize(("where", "limit", "make"), long_value_cases(), ids=[case[0] for case in long_value_cases()])
def test_log_text_is_shown_whole_up_to_its_length_and_cut_with_an_ellipsis_beyond(where: str, limit: int, make):
    whole = "q" * limit
    assert f"`{whole}`" in text_of(build_messages(make(whole), top_n=10, max_messages=5)), where
    longer = text_of(build_messages(make(whole + "q"), top_n=10, max_messages=5))
    assert f"`{'q' * (limit - 1)}…`" in longer and f"`{whole}" not in longer, where


def test_the_reasons_for_lower_bounds_are_shown_up_to_300_characters():
    for reason, shown in (("r" * 300, "r" * 300), ("r" * 301, "r" * 299 + "…")):
        lower = totals()
        lower.lower_bounds.append(reason)
        assert f":warning: The counts are lower bounds: {shown}" in summary_of(report(totals=lower)).split("\n")


@pytest.mark.parametrize(("count", "more"), [(5, ""), (6, " (+1 more)"), (8, " (+3 more)")])
def test_the_summary_names_the_first_five_ignored_routes_and_counts_the_rest(count: int, more: str):
    routes = tuple(f"GET /route-{index}" for index in range(count))
    summary = summary_of(report(ignore_routes=routes))
    expected = "Not counted: routes " + ", ".join(f"`{route}`" for route in routes[:5]) + more
    assert expected in summary.split("\n")


@pytest.mark.parametrize(
    ("by_status", "said"),
    [
        ({500: 9, 502: 1}, "_1 error with 1 other status_"),
        ({500: 9, 502: 1, 503: 1}, "_2 errors with 2 other statuses_"),
    ],
)
def test_the_statuses_beyond_top_n_are_summed_in_good_english(by_status: dict[int, int], said: str):
    made = totals(errors=sum(by_status.values()))
    made.errors_by_status = Counter(by_status)
    payloads = build_messages(report(totals=made), top_n=1, max_messages=5)
    assert block_starting(payloads, "*By status*").split("\n")[-1] == said


@pytest.mark.parametrize(
    ("unparsed", "summary", "fallback"),
    [
        (1, "*1 line* could not be read", ", 1 unreadable line"),
        (2, "*2 lines* could not be read", ", 2 unreadable lines"),
        (1234, "*1,234 lines* could not be read", ", 1,234 unreadable lines"),
    ],
)
def test_unreadable_lines_are_counted_in_the_summary_and_the_notification(unparsed: int, summary: str, fallback: str):
    [payload] = build_messages(report(totals=totals(unparsed=unparsed)), top_n=10, max_messages=5)
    assert summary in payload["blocks"][0]["text"]["text"]
    assert payload["text"].startswith("orders-api: API Gateway errors: 12 errors")
    assert payload["text"].endswith(fallback)


@pytest.mark.parametrize(("errors", "said"), [(1, "*1* error in 4,210 requests"), (2, "*2* errors in 4,210 requests")])
def test_one_error_is_an_error_and_more_are_errors(errors: int, said: str):
    assert said in summary_of(report(totals=totals(errors=errors)))


def test_an_alarm_digest_starts_with_the_title_and_names_every_scheduled_digest_to_come():
    alarm = AlarmContext(
        "orders-api-5xx",
        iso_ms("2026-11-25T09:32:04.871Z"),
        (WINDOW, Window(WINDOW.end_ms, WINDOW.end_ms + 300_000)),
        (iso_ms("2026-11-25T09:36:00.000Z"), iso_ms("2026-11-25T09:41:00.000Z")),
    )
    [payload] = build_messages(report(alarm=alarm), top_n=10, max_messages=5)
    lines = payload["blocks"][0]["text"]["text"].split("\n")

    assert lines[0] == "*orders-api: API Gateway errors*: alarm `orders-api-5xx` went to ALARM at 09:32 UTC"
    [preliminary] = [line for line in lines if line.startswith("Preliminary")]
    assert "at 09:36 UTC and 09:41 UTC (" in preliminary
    windows = "2026-11-25 09:30:00.000 to 2026-11-25 09:35:00.000 UTC; 2026-11-25 09:35:00.000 to 2026-11-25 09:40"
    assert windows in preliminary
    assert payload["text"].startswith("orders-api: API Gateway errors: alarm orders-api-5xx, 12 errors")


@pytest.mark.parametrize(("minutes", "drawn"), [(1, False), (2, True), (60, True), (61, False), (120, False)])
def test_errors_per_minute_are_drawn_for_windows_of_two_minutes_to_an_hour(minutes: int, drawn: bool):
    window = Window(WINDOW.start_ms, WINDOW.start_ms + minutes * 60_000)
    made = totals()
    made.errors_by_minute = Counter({window.start_ms: 12})
    sparkline_line = re.search(
        r"Errors per minute `([^`]*)` \(peak 12\)", summary_of(report(window=window, totals=made))
    )
    assert (sparkline_line is not None) == drawn
    if sparkline_line:
        assert len(sparkline_line.group(1)) == minutes


def test_every_reason_the_counts_are_lower_bounds_is_given():
    lower = totals()
    lower.lower_bounds += ["the count of all lines did not complete", "the per-minute counts did not complete"]
    summary = summary_of(report(totals=lower))
    reasons = "the count of all lines did not complete; the per-minute counts did not complete"
    assert f":warning: The counts are lower bounds: {reasons}" in summary


def test_the_summary_says_what_was_not_counted():
    made = totals(ignored=30)
    summary = summary_of(report(totals=made, ignore_statuses=(404, 403), ignore_routes=("GET /health", "* /x")))
    expected = "Not counted: 30 responses with ignored statuses 404, 403; routes `GET /health`, `* /x`"
    assert expected in summary.split("\n")


@pytest.mark.parametrize("groups", [1, 3, 4, 5, 60])
def test_the_log_groups_shown_and_the_more_count_add_up_to_all_of_them(groups: int):
    names = tuple(f"/aws/apigateway/api-{index}" for index in range(groups))
    [line] = [line for line in summary_of(report(log_group_names=names)).split("\n") if line.startswith("Log groups:")]

    shown = re.findall(r"`([^`]+)`", line)
    more = re.search(r" \(\+(\d+) more\)$", line)
    assert shown == list(names[: len(shown)])
    assert line == "Log groups: " + ", ".join(f"`{name}`" for name in shown) + (more.group(0) if more else "")
    assert len(shown) + (int(more.group(1)) if more else 0) == groups
    assert more is None or int(more.group(1)) > 0


def test_the_insights_link_opens_the_query_over_the_window_and_the_log_groups():
    names = ("/aws/apigateway/a", "/aws/apigateway/b")
    detail, label = insights_link(summary_of(report(log_group_names=names, insights_query="filter status >= 400")))
    assert label == "Open the error lines in Logs Insights"
    assert (detail["editorString"], detail["source"]) == ("filter status >= 400", list(names))
    assert (detail["start"], detail["end"]) == ("2026-11-25T09:30:00.000Z", "2026-11-25T09:35:00.000Z")


def test_a_long_query_reaches_the_insights_link_whole():
    # About 1,500 characters of URL: longer than any log field, within what a browser takes.
    query = 'filter path = "/orders/' + "x" * 1200 + '"'
    detail, _ = insights_link(summary_of(report(insights_query=query)))
    assert detail["editorString"] == query


def test_the_insights_link_says_when_it_selects_only_some_of_the_log_groups():
    names = tuple(f"/aws/apigateway/{'x' * 100}-{index}" for index in range(60))
    detail, label = insights_link(summary_of(report(log_group_names=names)))
    assert label == f"Open the error lines in Logs Insights ({len(detail['source'])} of 60 log groups)"


def test_a_summary_too_long_for_its_section_ends_with_an_ellipsis(limits):
    hostile = "&" * 150
    alarm = AlarmContext(hostile, WINDOW.start_ms, (), ())
    lower = totals()
    lower.lower_bounds.append("<" * 400)
    [payload] = build_messages(report(title=hostile, alarm=alarm, totals=lower), top_n=10, max_messages=5)
    lines = payload["blocks"][0]["text"]["text"].split("\n")
    assert lines[1].startswith("*at least 12* errors") and lines[-1] == "…"
    assert within_slack_limits(payload, limits) == []


# --- samples ---------------------------------------------------------------------------------------------------------


def sample_text(**changes) -> str:
    made = totals(samples=0)
    made.samples = [replace(sample(7), **changes)]
    return block_starting(build_messages(report(totals=made), top_n=10, max_messages=5), "*502*")


@pytest.mark.parametrize(
    ("path", "request_line"),
    [("/prod/orders/7", "`POST /orders (/prod/orders/7)`"), ("-", "`POST /orders` at"), ("", "`POST /orders` at")],
)
def test_a_sample_names_its_route_and_the_path_when_the_line_has_one(path: str, request_line: str):
    assert request_line in sample_text(path=path).split("\n")[0]


def test_a_sample_gives_the_request_id_ip_and_latency_on_one_line():
    lines = sample_text(request_id="r-1").split("\n")
    assert lines[1] == "requestId `r-1` · ip `203.0.113.7` · latency `29012` ms"


@pytest.mark.parametrize("latency", ["-", ""])
def test_a_sample_without_a_latency_does_not_show_one(latency: str):
    assert "latency" not in sample_text(latency=latency)


def test_a_rest_sample_links_its_execution_log_and_its_trace():
    last = sample_text().split("\n")[-1]
    links = slack_links(last)
    assert [label for _, label in links] == ["Execution log", "X-Ray trace"]
    assert last == " · ".join(f"<{url}|{label}>" for url, label in links)
    assert "API-Gateway-Execution-Logs_a1b2c3d4e5" in console_fragment_value(links[0][0])
    assert links[1][0].endswith("#xray:traces/1-5eb74f56-1a4129d0e8d9cd443d9cc9cc")


def test_an_http_api_sample_links_only_its_trace():
    assert [label for _, label in slack_links(sample_text(is_http_api=True))] == ["X-Ray trace"]


def test_a_sample_too_long_for_its_section_keeps_its_first_lines_and_ends_with_an_ellipsis(limits):
    lines = sample_text(route="GET /" + "&" * 300, request_id="&" * 200, integration_error="&" * 500).split("\n")
    assert lines[0].startswith("*502* `GET /&amp;") and lines[-1] == "…"


def tiny(index: int) -> Sample:
    """The smallest sample a line can give: Slack's 50-block limit binds before any size limit."""
    return Sample(WINDOW.start_ms + index, 500, "GET /", "", "", "", "", "", "", "", "", True)


def sample_count(payloads: list[dict]) -> int:
    return sum(1 for text in section_texts(payloads) if text.startswith("*500*"))


def test_samples_fill_each_message_up_to_slacks_block_limit_before_continuing(limits):
    made = totals(samples=0)
    made.samples = [tiny(index) for index in range(60)]

    payloads = build_messages(report(totals=made), top_n=10, max_messages=2)

    assert len(payloads) == 2
    # Continued only when the next sample and the footer would not fit as well.
    assert len(payloads[0]["blocks"]) + 2 > limits["blocks_per_message"]
    assert all(within_slack_limits(payload, limits) == [] for payload in payloads)
    assert sample_count(payloads) == 60 and "not shown" not in text_of(payloads)
    assert payloads[1]["blocks"][0]["elements"][0]["text"].endswith("(continued)")
    assert all(payload["text"].startswith("orders-api: API Gateway errors: 12 errors") for payload in payloads)
    assert [payload["text"][-len("(message 1 of 2)") :] for payload in payloads] == [
        "(message 1 of 2)",
        "(message 2 of 2)",
    ]


@pytest.mark.parametrize("max_messages", [1, 3])
def test_samples_beyond_the_last_message_are_counted_in_a_full_last_message(limits, max_messages: int):
    made = totals(samples=0)
    made.samples = [tiny(index) for index in range(200)]

    payloads = build_messages(report(totals=made), top_n=10, max_messages=max_messages)

    assert len(payloads) == max_messages
    assert all(within_slack_limits(payload, limits) == [] for payload in payloads)
    assert all(len(payload["blocks"]) + 2 > limits["blocks_per_message"] for payload in payloads[:-1])
    assert len(payloads[-1]["blocks"]) == limits["blocks_per_message"]
    note = re.fullmatch(
        rf"_(\d+) more samples? not shown \(at most {max_messages} messages?\)_",
        payloads[-1]["blocks"][-2]["elements"][0]["text"],
    )
    assert note is not None and sample_count(payloads) + int(note.group(1)) == 200


def blocks_budget(limits: dict) -> int:
    """The digest's budget for one message's blocks: 1,000 JSON characters below where Slack refuses them."""
    return limits["blocks_json_characters_refused_from"] - 1_000


def samples_of_about_1000_characters(count: int, padded: int, error_length: int) -> Totals:
    """``count`` samples; sample ``padded`` has an error message of ``error_length`` letters (one JSON character
    each, shown whole up to 300)."""
    made = totals(samples=0)
    made.samples = [sample(index, text="x" * 245) for index in range(count)]
    made.samples[padded] = replace(made.samples[padded], integration_error="e" * error_length)
    return made


def samples_in(payload: dict) -> int:
    return sum(1 for text in section_texts([payload]) if "requestId" in text)


def test_a_message_takes_samples_up_to_the_budget_exactly_and_continues_beyond(limits):
    budget = blocks_budget(limits)

    def messages(error_length: int) -> list[tuple[int, int]]:
        made = samples_of_about_1000_characters(10, -1, error_length)
        payloads = build_messages(report(totals=made), top_n=10, max_messages=5)
        return [(samples_in(payload), len(json.dumps(payload["blocks"]))) for payload in payloads]

    [(ten, smallest)] = messages(1)
    error_length = 1 + budget - smallest  # the last sample's error message brings the blocks to the budget
    assert ten == 10 and 1 < error_length <= 300
    assert messages(error_length) == [(10, budget)]
    assert [shown for shown, _ in messages(error_length + 1)] == [9, 1]


def test_the_last_message_gives_up_samples_for_the_note_only_as_far_as_it_must(limits):
    budget = blocks_budget(limits)

    def last_message(error_length: int) -> tuple[int, int, int]:
        made = samples_of_about_1000_characters(14, 0, error_length)
        [payload] = build_messages(report(totals=made), top_n=10, max_messages=1)
        note = re.fullmatch(
            r"_(\d+) more samples? not shown \(at most 1 message\)_", payload["blocks"][-2]["elements"][0]["text"]
        )
        assert note is not None
        return samples_in(payload), int(note.group(1)), len(json.dumps(payload["blocks"]))

    shown, left_out, smallest = last_message(1)
    error_length = 1 + budget - smallest  # the first sample's error message brings the blocks to the budget
    assert shown + left_out == 14 and 1 < error_length <= 300
    assert last_message(error_length) == (shown, left_out, budget)
    fewer, more, size = last_message(error_length + 1)
    assert (fewer, more) == (shown - 1, left_out + 1) and size <= budget


def test_a_digest_in_one_message_does_not_number_it():
    [payload] = build_messages(report(), top_n=10, max_messages=1)
    assert "(message" not in payload["text"] and "not shown" not in text_of([payload])
