"""One Slack digest per run: Block Kit messages within Slack's limits, with every piece of log text escaped.

Log text is hostile: paths, user agents and error messages come from the internet. Everything taken from a log line
goes through :func:`escape` (``&``, ``<``, ``>`` -> entities, control characters -> spaces), so no line can produce
``<!channel>``, ``<@U123>`` or a disguised ``<http://evil|label>`` link, and text objects are ``verbatim`` so Slack
does not auto-link names or URLs in it either. URLs built here carry log-derived parts only URL-encoded.

Slack's limits per message (reference/slack-webhook-responses.md): 50 blocks, 3,000 characters per section text,
40,000 characters of ``text``, and block payloads of about 13,000 characters in total. Sections are filled line by
line against budgets that keep every message under all of these; a digest that does not fit in one message is
split into at most ``max_messages``, with the counts always in the first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from accesslog_notifier.records import NO_RESOURCE, Sample, Tally
from accesslog_notifier.window import Window, format_iso, format_utc

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_TEXT_CHARS = 40000
# Slack refuses block payloads from about 13,000 characters (msg_blocks_too_long); stay clearly below.
MAX_BLOCKS_JSON_CHARS = 12000
# Budgets, in characters of JSON, for the sections of the first message; together well under the block budget.
SUMMARY_BUDGET = 3000
STATUS_BUDGET = 1500
ROUTES_BUDGET = 2900
UNPARSED_BUDGET = 1600
SAMPLE_BUDGET = 2400
MAX_URL_CHARS = 2000
# What a value from a log line may occupy on screen before it is cut (before escaping).
SHOWN_PATH_CHARS = 120
SHOWN_VALUE_CHARS = 80
SHOWN_ERROR_CHARS = 300
SHOWN_UNPARSED_CHARS = 200

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_TRACE_ID = re.compile(r"^1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}$")
# Execution-log links are only built from values that look like what API Gateway writes.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")
EXECUTION_LOG_MARGIN_MS = 60_000


def escape(text: str) -> str:
    """Escape log text for Slack mrkdwn: ``&``, ``<``, ``>`` to entities; control characters to spaces."""
    return _CONTROL_CHARACTERS.sub(" ", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (cut before escaping, so no entity is split)."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def code(text: str, limit: int = SHOWN_VALUE_CHARS) -> str:
    """Log text as an escaped inline code span (a backtick inside would end the span, so it becomes ')."""
    return "`" + escape(clip(text, limit).replace("`", "'")) + "`"


def link(url: str, label: str) -> str:
    """A mrkdwn link to a URL this module built (already URL-encoded; escaped again for good measure)."""
    return f"<{escape(url)}|{escape(label)}>"


# --- console links -------------------------------------------------------------------------------------------------


def _jsurl_text(text: str) -> str:
    # JSURL keeps [A-Za-z0-9_.-], writes $ as !, other characters as *xx (or **xxxx beyond U+00FF, per UTF-16 unit).
    out = []
    for character in text:
        if character.isascii() and (character.isalnum() or character in "-_."):
            out.append(character)
        elif character == "$":
            out.append("!")
        elif ord(character) < 0x100:
            out.append(f"*{ord(character):02x}")
        else:
            encoded = character.encode("utf-16-be")
            for index in range(0, len(encoded), 2):
                out.append(f"**{int.from_bytes(encoded[index : index + 2], 'big'):04x}")
    return "".join(out)


def jsurl(value: Any) -> str:
    """JSURL, the compact JSON-in-a-URL notation the CloudWatch console uses in its URL fragments."""
    if value is None:
        return "~null"
    if isinstance(value, bool):
        return "~true" if value else "~false"
    if isinstance(value, int | float):
        return f"~{value}"
    if isinstance(value, str):
        return "~'" + _jsurl_text(value)
    if isinstance(value, list | tuple):
        return "~(" + ("".join(jsurl(item) for item in value) or "~") + ")"
    if isinstance(value, dict):
        return "~(" + "~".join(_jsurl_text(str(key)) + jsurl(item) for key, item in value.items()) + ")"
    raise TypeError(f"jsurl cannot encode {type(value).__name__}")


def _console_base(region: str) -> str:
    region = quote(region, safe="")
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"


def _fragment_escape(text: str) -> str:
    # The console's fragment encoding: URL-encode, then write % as $.
    return quote(text, safe="").replace("%", "$")


def insights_url(region: str, log_group_names: Sequence[str], window: Window, query_string: str) -> tuple[str, int]:
    """A Logs Insights console link for the window and query; returns (url, how many log groups it selects).

    The console selects at most 50 log groups; more are also dropped while the URL would exceed MAX_URL_CHARS.
    """
    base = f"{_console_base(region)}#logsV2:logs-insights$3FqueryDetail$3D"

    def build(names: Sequence[str]) -> str:
        detail = {
            "end": format_iso(window.end_ms),
            "start": format_iso(window.start_ms),
            "timeType": "ABSOLUTE",
            "tz": "UTC",
            "editorString": query_string,
            "source": list(names),
        }
        return base + jsurl(detail)

    count = min(len(log_group_names), 50)
    url = build(log_group_names[:count])
    while count > 1 and len(url) > MAX_URL_CHARS:
        count -= 1
        url = build(log_group_names[:count])
    return url, count


def execution_log_group(api_id: str, stage: str) -> str:
    """The log group where API Gateway writes a stage's execution logs."""
    return f"API-Gateway-Execution-Logs_{api_id}/{stage}"


def execution_log_url(region: str, sample: Sample) -> str | None:
    """A console link to the sample's execution-log events, filtered by its requestId; None without apiId/stage."""
    if not all(_SAFE_ID.match(value) for value in (sample.api_id, sample.stage, sample.request_id)):
        return None
    group = execution_log_group(sample.api_id, sample.stage)
    query = urlencode(
        {
            "filterPattern": f'"{sample.request_id}"',
            "start": sample.timestamp_ms - EXECUTION_LOG_MARGIN_MS,
            "end": sample.timestamp_ms + EXECUTION_LOG_MARGIN_MS,
        },
        quote_via=quote,
    )
    return (
        f"{_console_base(region)}#logsV2:log-groups/log-group/{_fragment_escape(quote(group, safe=''))}"
        f"/log-events{_fragment_escape('?' + query)}"
    )


def xray_trace_url(region: str, trace_id: str) -> str | None:
    """A console link to an X-Ray trace (``1-xxxxxxxx-...``); None when the id is not a well-formed trace id."""
    if not _TRACE_ID.match(trace_id):
        return None
    return f"{_console_base(region)}#xray:traces/{quote(trace_id, safe='')}"


# --- the digest ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything the digest shows about one run."""

    title: str
    window: Window
    log_group_names: tuple[str, ...]
    region: str
    query_string: str
    threshold: int
    tally: Tally
    complete: bool = True
    problems: tuple[str, ...] = field(default_factory=tuple)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def _json_chars(value: Any) -> int:
    return len(json.dumps(value))  # ASCII-escaped: the larger, conservative measure


def _fit_lines(lines: Sequence[str], budget: int, overflow: str) -> str:
    """Join as many lines as fit in ``budget`` JSON characters; ``overflow`` (with {n}) says how many were left."""
    budget = min(budget, MAX_SECTION_CHARS)
    kept: list[str] = []
    for index, line in enumerate(lines):
        candidate = "\n".join([*kept, line])
        rest = len(lines) - index - 1
        tail = "\n" + overflow.format(n=rest) if rest else ""
        if _json_chars(candidate + tail) > budget:
            return "\n".join([*kept, overflow.format(n=len(lines) - index)])
        kept.append(line)
    return "\n".join(kept)


def plural(count: int, noun: str) -> str:
    """``1 line``, ``2 lines``, ``1,234 lines``."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _responses(count: int) -> str:
    return "error response" if count == 1 else "error responses"


def total_text(report: Report) -> str:
    """``1,234`` or, when the totals are lower bounds, ``at least 1,234``."""
    return f"{report.tally.matched:,}" if report.complete else f"at least {report.tally.matched:,}"


def _summary_block(report: Report) -> dict[str, Any]:
    tally = report.tally
    # Most important first: if a pathological configuration made the section overflow, the link goes first.
    lines = [
        f"*{escape(report.title)}*: *{total_text(report)}* {_responses(tally.matched)} (status ≥ {report.threshold})",
        f"Window: `{format_utc(report.window.start_ms)}` to `{format_utc(report.window.end_ms)}` UTC "
        "(start included, end excluded)",
    ]
    if not report.complete:
        problem = clip(report.problems[0], 300) if report.problems else "some queries did not complete"
        more = f" (+{len(report.problems) - 1} more problems)" if len(report.problems) > 1 else ""
        lines.append(f":warning: The counts are lower bounds: {escape(problem)}{more}")
    if tally.unparsed:
        lines.append(f"*{plural(tally.unparsed, 'line')}* could not be read as access-log JSON (see below)")
    shown_groups = ", ".join(code(name, 60) for name in report.log_group_names[:3])
    more_groups = len(report.log_group_names) - 3
    lines.append(f"Log groups: {shown_groups}" + (f" (+{more_groups} more)" if more_groups > 0 else ""))
    url, selected = insights_url(report.region, report.log_group_names, report.window, report.query_string)
    label = "Open this window in Logs Insights"
    if selected < len(report.log_group_names):
        label += f" ({selected} of {len(report.log_group_names)} log groups)"
    lines.append(link(url, label))
    return _section(_fit_lines(lines, SUMMARY_BUDGET, "…"))


def _status_block(tally: Tally, top_n: int) -> dict[str, Any]:
    ranked = tally.by_status.most_common()
    lines = [f"`{status}`  {count:,}" for status, count in ranked[:top_n]]
    rest = ranked[top_n:]
    if rest:
        lines.append(f"_{len(rest)} more statuses: {sum(count for _, count in rest):,} lines_")
    return _section(_fit_lines(["*By status*", *lines], STATUS_BUDGET, "_…and {n} more lines_"))


def _route_label(method: str, resource: str) -> str:
    resource = "(no resource)" if resource in ("", NO_RESOURCE) else resource
    return code(f"{method or '-'} {resource}", SHOWN_PATH_CHARS)


def _routes_block(tally: Tally, top_n: int) -> dict[str, Any]:
    ranked = tally.by_route.most_common(top_n)
    lines = [f"{_route_label(method, resource)}  {count:,}" for (method, resource), count in ranked]
    shown = sum(count for _, count in ranked)
    if tally.matched > shown:
        others = len(tally.by_route) - len(ranked) + (1 if tally.other_routes else 0)
        lines.append(f"_{tally.matched - shown:,} lines on {others:,} other method/resource pairs_")
    title = f"*By method and resource* (top {min(top_n, len(tally.by_route))})"
    return _section(_fit_lines([title, *lines], ROUTES_BUDGET, "_…and {n} more lines_"))


def _unparsed_block(tally: Tally) -> dict[str, Any]:
    lines = [
        f"*{plural(tally.unparsed, 'unparsed line')}*: not JSON, truncated, or without a usable status. "
        + ("For example:" if tally.unparsed_examples else "")
    ]
    lines += [
        "```" + escape(clip(example, SHOWN_UNPARSED_CHARS).replace("`", "'")) + "```"
        for example in tally.unparsed_examples
    ]
    return _section(_fit_lines(lines, UNPARSED_BUDGET, "_…_"))


def _sample_block(sample: Sample, region: str) -> dict[str, Any]:
    request_line = f"{sample.method or '-'} {sample.path or sample.resource_path or '-'}"
    lines = [f"*{sample.status}* {code(request_line, SHOWN_PATH_CHARS)} at {format_utc(sample.timestamp_ms)} UTC"]
    details = []
    if sample.request_id:
        details.append(f"requestId {code(sample.request_id)}")
    if sample.ip:
        details.append(f"ip {code(sample.ip, 60)}")
    if sample.latency and sample.latency != "-":
        details.append(f"latency {code(sample.latency, 20)} ms")
    if details:
        lines.append(" · ".join(details))
    if sample.integration_error and sample.integration_error != "-":
        lines.append(f"Integration error: {code(sample.integration_error, SHOWN_ERROR_CHARS)}")
    links = []
    execution_url = execution_log_url(region, sample)
    if execution_url:
        links.append(link(execution_url, "Execution log"))
    trace_url = xray_trace_url(region, sample.xray_trace_id)
    if trace_url:
        links.append(link(trace_url, "X-Ray trace"))
    if links:
        lines.append(" · ".join(links))
    return _section(_fit_lines(lines, SAMPLE_BUDGET, "…"))


def _fallback_text(report: Report, index: int, count: int) -> str:
    tally = report.tally
    text = f"{escape(report.title)}: {total_text(report)} {_responses(tally.matched)} in {report.window.describe()}"
    if tally.unparsed:
        text += f", {plural(tally.unparsed, 'unparsed line')}"
    if count > 1:
        text += f" (message {index} of {count})"
    return text


def build_messages(report: Report, *, top_n: int, max_messages: int) -> list[dict[str, Any]]:
    """The Slack payloads for a run: none when there is nothing to report, else 1..``max_messages``.

    The first message holds the summary, the counts and the unparsed lines; samples follow, continuing into
    further messages when a message is full. Samples that do not fit in ``max_messages`` are left out, and the last
    message says how many.
    """
    tally = report.tally
    if not tally.has_findings:
        return []
    first = [_summary_block(report)]
    if tally.matched:
        first += [_status_block(tally, top_n), _routes_block(tally, top_n)]
    if tally.unparsed:
        first.append(_unparsed_block(tally))
    samples = tally.samples
    sample_blocks = [_sample_block(sample, report.region) for sample in samples]
    if sample_blocks:
        first.append(_context(f"*Samples* ({len(samples)} of {tally.matched:,} error lines)"))

    continued = _context(f"{escape(report.title)}, {report.window.describe()} (continued)")
    messages: list[list[dict[str, Any]]] = [first]
    samples_per_message = [0]
    for block in sample_blocks:
        current = messages[-1]
        if len(current) + 1 <= MAX_BLOCKS and _json_chars([*current, block]) <= MAX_BLOCKS_JSON_CHARS:
            current.append(block)
            samples_per_message[-1] += 1
        else:
            messages.append([continued, block])
            samples_per_message.append(1)

    if len(messages) > max_messages:
        messages = messages[:max_messages]
        last = messages[-1]
        shown = sum(samples_per_message[:max_messages])
        while True:
            note = _context(f"_{len(sample_blocks) - shown} more samples not shown (message limit)_")
            if len(last) + 1 <= MAX_BLOCKS and _json_chars([*last, note]) <= MAX_BLOCKS_JSON_CHARS:
                last.append(note)
                break
            last.pop()  # only sample blocks follow the first message's fixed blocks, and they are what we drop
            shown -= 1

    return [
        {"text": _fallback_text(report, index, len(messages)), "blocks": blocks}
        for index, blocks in enumerate(messages, start=1)
    ]


def check_limits(payload: dict[str, Any]) -> list[str]:
    """What in a payload breaks Slack's limits (an empty list when nothing does)."""
    problems = []
    blocks = payload.get("blocks", [])
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (at most {MAX_BLOCKS})")
    for index, block in enumerate(blocks):
        texts = [block.get("text", {}).get("text", "")] + [
            element.get("text", "") for element in block.get("elements", [])
        ]
        for text in texts:
            if len(text) > MAX_SECTION_CHARS:
                problems.append(f"block {index} has {len(text)} characters of text (at most {MAX_SECTION_CHARS})")
    if _json_chars(blocks) > MAX_BLOCKS_JSON_CHARS:
        problems.append(f"blocks take {_json_chars(blocks)} characters (at most {MAX_BLOCKS_JSON_CHARS})")
    if len(payload.get("text", "")) > MAX_TEXT_CHARS:
        problems.append(f"text has {len(payload['text'])} characters (at most {MAX_TEXT_CHARS})")
    return problems
