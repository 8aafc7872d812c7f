"""The Slack digest: content, escaping of hostile log text, console links, and Slack's message limits."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from accesslog_notifier.digest import (
    MAX_BLOCKS,
    MAX_BLOCKS_JSON_CHARS,
    MAX_SECTION_CHARS,
    MAX_TEXT_CHARS,
    MAX_URL_CHARS,
    Report,
    build_messages,
    check_limits,
    escape,
    insights_url,
    jsurl,
)
from accesslog_notifier.query import build_query_string
from accesslog_notifier.records import Tally
from accesslog_notifier.window import Window

from tests.support.notifier import (
    access_line,
    console_fragment_value,
    iso_ms,
    iter_strings,
    jsurl_decode,
    moto_row,
    slack_links,
    unsafe_markup,
)

WINDOW = Window(iso_ms("2026-11-25T11:59:00.000Z"), iso_ms("2026-11-25T12:04:00.000Z"))
INSIDE_MS = iso_ms("2026-11-25T12:01:00.000Z")
REGION = "eu-west-1"
GROUPS = ("/aws/apigateway/orders-prod", "/aws/apigateway/users-prod")
QUERY = build_query_string(400, 10000)
INJECTIONS = ["<!channel>", "<!here>", "<@U123>", "<http://evil.example|click>", "Tom & Jerry"]


def make_report(lines=(), *, complete=True, problems=(), groups=GROUPS, sample_count=5, threshold=400) -> Report:
    tally = Tally(threshold=threshold, sample_count=sample_count)
    tally.add_rows([moto_row(INSIDE_MS + index, line) for index, line in enumerate(lines)], WINDOW)
    return Report(
        title="API Gateway errors",
        window=WINDOW,
        log_group_names=tuple(groups),
        region=REGION,
        query_string=QUERY,
        threshold=threshold,
        tally=tally,
        complete=complete,
        problems=tuple(problems),
    )


def all_texts(messages) -> list[str]:
    return [text for message in messages for text in iter_strings(message) if text not in ("section", "mrkdwn")]


def test_no_errors_and_no_unparsed_lines_means_no_message():
    report = make_report([access_line(status=200), access_line(status=302)])

    assert build_messages(report, top_n=10, max_messages=5) == []


def test_one_digest_with_window_total_counts_and_samples():
    lines = [access_line(status=502)] * 6 + [access_line(status=404, httpMethod="GET", resourcePath="/users/{id}")] * 3
    messages = build_messages(make_report(lines), top_n=10, max_messages=5)

    assert len(messages) == 1
    message = messages[0]
    assert set(message) == {"text", "blocks"}
    assert "9 error responses" in message["text"]
    assert "2026-11-25 11:59:00.000 to 2026-11-25 12:04:00.000 UTC" in message["text"]
    summary, by_status, by_route = (block["text"]["text"] for block in message["blocks"][:3])
    assert "*9* error responses (status ≥ 400)" in summary
    assert "`2026-11-25 11:59:00.000` to `2026-11-25 12:04:00.000` UTC" in summary
    assert by_status.splitlines()[1:] == ["`502`  6", "`404`  3"]
    assert by_route.splitlines()[1:] == ["`POST /orders`  6", "`GET /users/{id}`  3"]
    sample_texts = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"][3:]
    # both distinct errors are sampled, then the earliest repeats fill the five places; shown oldest first
    assert [text.split()[0] for text in sample_texts] == ["*502*"] * 4 + ["*404*"]
    first = sample_texts[0]
    for expected in (
        "*502*",
        "`POST /prod/orders`",
        "2026-11-25 12:01:00.000 UTC",
        "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "203.0.113.7",
        "29012",
        "Lambda function timed out",
    ):
        assert expected in first
    assert check_limits(message) == []


def test_top_n_limits_the_lists_and_says_what_was_left_out():
    lines = [
        access_line(status=400 + index, resourcePath=f"/r{index}") for index in range(15) for _ in range(index + 1)
    ]
    message = build_messages(make_report(lines), top_n=3, max_messages=5)[0]

    by_status = message["blocks"][1]["text"]["text"].splitlines()
    by_route = message["blocks"][2]["text"]["text"].splitlines()
    assert by_status[1:4] == ["`414`  15", "`413`  14", "`412`  13"]
    assert by_status[4] == "_12 more statuses: 78 lines_"
    assert by_route[0] == "*By method and resource* (top 3)"
    assert by_route[1:4] == ["`POST /r14`  15", "`POST /r13`  14", "`POST /r12`  13"]
    assert by_route[4] == "_78 lines on 12 other method/resource pairs_"


def test_incomplete_totals_say_at_least_and_why():
    report = make_report([access_line()] * 3, complete=False, problems=["query q-1 returned the limit <b>"])
    message = build_messages(report, top_n=10, max_messages=5)[0]

    assert "at least 3 error responses" in message["text"]
    summary = message["blocks"][0]["text"]["text"]
    assert "*at least 3* error responses" in summary
    assert "lower bounds: query q-1 returned the limit &lt;b&gt;" in summary


def test_unparsed_lines_alone_are_reported_with_escaped_truncated_examples(fixtures_dir):
    unusable = (fixtures_dir / "access-log-lines.jsonl").read_text().splitlines()[3:]
    unusable.append("<!channel> " + "x" * 5000)
    messages = build_messages(make_report(unusable), top_n=10, max_messages=5)

    assert len(messages) == 1
    text = json.dumps(messages[0])
    assert "4 unparsed lines" in messages[0]["text"]
    assert "*4 unparsed lines*: not JSON, truncated, or without a usable status" in text
    unparsed_block = messages[0]["blocks"][1]["text"]["text"]
    assert unparsed_block.count("```") == 4  # two examples
    assert '\\"status\\":\\"-\\"' in json.dumps(unparsed_block)
    assert len(unparsed_block) < 1000


def test_log_text_is_escaped_in_every_text_that_reaches_slack():
    hostile = " ".join(INJECTIONS)
    lines = [
        access_line(
            status=500,
            httpMethod=f"GET{INJECTIONS[0]}",
            resourcePath=f"/a/{hostile}",
            path=f"/prod/{hostile}`code`",
            requestId=f"id{INJECTIONS[2]}",
            ip=INJECTIONS[1],
            responseLatency="<!here>",
            integrationErrorMessage=f"boom {hostile}\n<!channel>",
            xrayTraceId=f"Root=1-5eb74f56-1a4129d0e8d9cd443d9cc9cc{INJECTIONS[3]}",
            apiId="<!channel>",
            stage="<@U123>",
            userAgent=hostile,
        ),
        f"plain text {hostile}",
    ]
    report = make_report(lines, complete=False, problems=[f"failed: {hostile}"])

    messages = build_messages(report, top_n=10, max_messages=5)

    texts = all_texts(messages)
    serialized = json.dumps(messages, ensure_ascii=False)
    for injection in INJECTIONS:
        assert injection not in serialized
    for text in texts:
        assert unsafe_markup(text) == [], text
    assert "&lt;!channel&gt;" in serialized and "Tom &amp; Jerry" in serialized
    # the only links are the ones we build, to the AWS console
    links = [link for text in texts for link in slack_links(text)]
    assert links and all(urlsplit(url).hostname == f"{REGION}.console.aws.amazon.com" for url, _ in links)
    assert not any(label == "Execution log" for _, label in links)  # apiId/stage were not usable
    assert not any("X-Ray" in label for _, label in links)  # the trace id was not well-formed


def test_text_objects_are_verbatim_so_slack_does_not_auto_link_log_text():
    messages = build_messages(make_report([access_line()]), top_n=10, max_messages=5)

    text_objects = [block["text"] for block in messages[0]["blocks"] if "text" in block]
    text_objects += [element for block in messages[0]["blocks"] for element in block.get("elements", [])]
    assert text_objects and all(obj["verbatim"] is True and obj["type"] == "mrkdwn" for obj in text_objects)


def test_escape_handles_ampersands_first_and_control_characters():
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"
    assert escape("line\nbreak\ttab\x00") == "line break tab "


def test_the_logs_insights_link_opens_this_window_and_query():
    message = build_messages(make_report([access_line()]), top_n=10, max_messages=5)[0]
    url, label = slack_links(message["blocks"][0]["text"]["text"])[0]

    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == (
        "https",
        f"{REGION}.console.aws.amazon.com",
        "/cloudwatch/home",
    )
    assert parse_qs(parts.query) == {"region": [REGION]}
    prefix = "logsV2:logs-insights$3FqueryDetail$3D"
    assert parts.fragment.startswith(prefix)
    assert jsurl_decode(parts.fragment[len(prefix) :]) == {
        "end": "2026-11-25T12:04:00.000Z",
        "start": "2026-11-25T11:59:00.000Z",
        "timeType": "ABSOLUTE",
        "tz": "UTC",
        "editorString": QUERY,
        "source": list(GROUPS),
    }
    assert label == "Open this window in Logs Insights"
    for character in '<>| \n"':
        assert character not in url


def test_the_insights_link_selects_at_most_fifty_log_groups_and_stays_short():
    many = [f"/api/{index:02d}" for index in range(55)]
    url, selected = insights_url(REGION, many, WINDOW, QUERY)
    assert selected == 50
    assert jsurl_decode(url.split("$3D", 1)[1])["source"] == many[:50]

    long_names = ["/" + "n" * 500 + str(index) for index in range(10)]
    url, selected = insights_url(REGION, long_names, WINDOW, QUERY)
    assert len(url) <= MAX_URL_CHARS and 1 <= selected < 10

    message = build_messages(make_report([access_line()], groups=many), top_n=10, max_messages=5)[0]
    assert "(50 of 55 log groups)" in message["blocks"][0]["text"]["text"]
    assert "(+52 more)" in message["blocks"][0]["text"]["text"]


def test_a_sample_links_to_its_execution_log_and_its_trace():
    message = build_messages(make_report([access_line(requestId="req-1", stage="prod")]), top_n=10, max_messages=5)[0]
    sample_text = message["blocks"][-1]["text"]["text"]
    links = dict((label, url) for url, label in slack_links(sample_text))

    execution = urlsplit(links["Execution log"])
    assert execution.hostname == f"{REGION}.console.aws.amazon.com"
    path, _, query = execution.fragment.partition("/log-events")
    assert path == "logsV2:log-groups/log-group/API-Gateway-Execution-Logs_a1b2c3d4e5$252Fprod"
    assert (
        console_fragment_value(console_fragment_value(path.rsplit("/", 1)[1]))
        == "API-Gateway-Execution-Logs_a1b2c3d4e5/prod"
    )
    params = parse_qs(console_fragment_value(query).removeprefix("?"))
    assert params["filterPattern"] == ['"req-1"']
    assert int(params["start"][0]) < INSIDE_MS < int(params["end"][0])

    assert links["X-Ray trace"] == (
        f"https://{REGION}.console.aws.amazon.com/cloudwatch/home?region={REGION}"
        "#xray:traces/1-5eb74f56-1a4129d0e8d9cd443d9cc9cc"
    )


def test_a_sample_without_trace_or_api_id_has_no_such_links():
    line = access_line(xrayTraceId=None, apiId=None, stage=None, integrationErrorMessage="-")
    message = build_messages(make_report([line]), top_n=10, max_messages=5)[0]
    sample_text = message["blocks"][-1]["text"]["text"]

    assert slack_links(sample_text) == []
    assert "Integration error" not in sample_text


@pytest.mark.parametrize(
    "text", ["plain", "with space & <angle> 'quote' \"dq\" $dollar *star ~tilde", "ünï © 日本 😀", ""]
)
def test_jsurl_round_trips_through_an_independent_decoder(text):
    value = {"s": text, "list": [text, "b"], "n": 5, "flag": True, "empty": []}
    encoded = jsurl(value)

    assert jsurl_decode(encoded) == value if "😀" not in text else jsurl_decode(encoded)["n"] == 5
    assert not set(encoded) - set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~()'*!")


def test_pathological_input_stays_within_slack_limits():
    huge = "<&>" * 4000
    lines = [
        access_line(
            status=400 + index % 200,
            httpMethod="M" * 100,
            resourcePath=f"/{index}/{huge}",
            path=f"/prod/{index}/{huge}",
            integrationErrorMessage=huge * 3,
            requestId=f"r{index}-{huge}",
            ip=huge,
        )
        for index in range(3000)
    ]
    lines += ["not json " + huge] * 3
    report = make_report(lines, sample_count=50, complete=False, problems=[huge] * 5)

    messages = build_messages(report, top_n=50, max_messages=3)

    assert 1 <= len(messages) <= 3
    for message in messages:
        assert check_limits(message) == []
        assert len(message["blocks"]) <= MAX_BLOCKS
        assert len(json.dumps(message["blocks"], ensure_ascii=False)) <= MAX_BLOCKS_JSON_CHARS
        assert len(message["text"]) <= MAX_TEXT_CHARS
        for block in message["blocks"]:
            for text in [block.get("text", {}).get("text", "")] + [e["text"] for e in block.get("elements", [])]:
                assert len(text) <= MAX_SECTION_CHARS
                assert unsafe_markup(text) == []
    first = messages[0]["blocks"]
    assert "3,000" in first[0]["text"]["text"] and "*By status*" in first[1]["text"]["text"]
    assert "*By method and resource*" in first[2]["text"]["text"]
    assert "unparsed" in first[3]["text"]["text"]
    last_text = messages[-1]["blocks"][-1]["elements"][0]["text"]
    assert "more samples not shown (message limit)" in last_text


def test_samples_continue_into_further_messages_up_to_the_limit():
    lines = [
        access_line(status=500, resourcePath=f"/r{index}", integrationErrorMessage="e" * 280) for index in range(50)
    ]

    unlimited = build_messages(make_report(lines, sample_count=50), top_n=10, max_messages=10)
    limited = build_messages(make_report(lines, sample_count=50), top_n=10, max_messages=1)

    assert len(unlimited) >= 2
    samples_shown = sum(
        1 for m in unlimited for b in m["blocks"] if b["type"] == "section" and "requestId" in b["text"]["text"]
    )
    assert samples_shown == 50
    assert all("(continued)" in m["blocks"][0]["elements"][0]["text"] for m in unlimited[1:])
    assert all(f"(message {index} of {len(unlimited)})" in m["text"] for index, m in enumerate(unlimited, start=1))
    assert len(limited) == 1 and "more samples not shown" in json.dumps(limited)
    assert all(check_limits(message) == [] for message in unlimited + limited)
