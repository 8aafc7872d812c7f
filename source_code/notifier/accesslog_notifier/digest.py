"""The Slack digest of one window: Block Kit messages within Slack's limits, every piece of log text escaped.

Log text is hostile: paths, route keys and error messages come from the internet. Everything taken from a log line
is made safe (records.safe_text: control and format characters replaced) and escaped for mrkdwn (``&``, ``<``,
``>`` as entities), so no line can produce ``<!channel>``, ``<@U123>`` or a disguised ``<http://evil|label>``
link; text objects are ``verbatim`` so Slack does not auto-link names in them either. URLs built here carry
log-derived parts only URL-encoded (links.py).

Slack's limits per message (Block Kit reference; tests/fixtures/slack-webhook.json): 50 blocks, 3,000 characters
per section text, 40,000 characters of ``text``, and block payloads are refused from about 13,000 characters in
total (``msg_blocks_too_long``). Sections are filled line by line against budgets that keep each message under
all of them; a digest that does not fit one message continues in at most ``max_messages``, counts always first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.aggregate import Totals
from accesslog_notifier.fields import REQUEST_ID, SOURCE_IP
from accesslog_notifier.links import execution_log_url, insights_url, xray_trace_url
from accesslog_notifier.records import Sample, safe_text
from accesslog_notifier.window import Window, format_hhmm, format_utc

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_TEXT_CHARS = 40000
# Slack refuses block payloads from about 13,000 characters; stay clearly below, counting JSON-escaped characters.
MAX_BLOCKS_JSON_CHARS = 12000
SUMMARY_BUDGET = 2800
STATUS_BUDGET = 1200
ROUTES_BUDGET = 2600
SAMPLE_BUDGET = 2000
FOOTER_BUDGET = 600
# Logs Insights is billed per GB of log data scanned: $0.005 per GB in us-east-1 at the time of writing
# (Amazon CloudWatch pricing, "Logs Insights queries"). The digest's footer states the figure it assumes.
PRICE_PER_GB_SCANNED = 0.005
SPARKS = "▁▂▃▄▅▆▇█"


def escape(text: str) -> str:
    """Safe log text for Slack mrkdwn: unsafe characters replaced, ``&``, ``<``, ``>`` as entities."""
    return safe_text(text, len(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (cut before escaping, so no entity is split)."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def code(text: str, limit: int = 80) -> str:
    """Log text as an escaped inline code span (a backtick inside would end the span, so it becomes ')."""
    return "`" + escape(clip(text, limit).replace("`", "'")) + "`"


def link(url: str, label: str) -> str:
    """A mrkdwn link to a URL built here (already URL-encoded; < > | escaped again for good measure)."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def percent(part: int, whole: int) -> str:
    """``0.3 %``, ``12 %``, ``under 0.1 %``: a rate for people (no "<": it would start a Slack control sequence)."""
    if whole <= 0:
        return "n/a"
    share = 100 * part / whole
    if 0 < share < 0.1:
        return "under 0.1 %"
    return f"{share:.1f} %" if share < 10 else f"{share:.0f} %"


def sparkline(counts: Sequence[int]) -> str:
    """One character per minute, ▁ for none and ▂ to █ by share of the busiest minute."""
    if not any(counts):
        return SPARKS[0] * len(counts)
    peak, levels = max(counts), len(SPARKS) - 1
    # 0 <= count <= peak: level 0 for none, else 1 to 7 (exactly 7 for the peak: count * levels / peak is exact there).
    return "".join(SPARKS[math.ceil(count * levels / peak)] for count in counts)


def human_bytes(count: float) -> str:
    """``14.2 MB``: decimal units, as AWS bills."""
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def plural(count: int, noun: str, nouns: str = "") -> str:
    """``1 line``, ``2 lines``, ``1,234 lines``; ``nouns`` where adding an s is wrong (status, statuses)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {nouns or noun + 's'}"


@dataclass(frozen=True)
class AlarmContext:
    """For an alarm digest: which alarm fired, and which scheduled digests will carry the complete numbers."""

    alarm_name: str
    state_change_ms: int
    complete_in: tuple[Window, ...]
    due_ms: tuple[int, ...]
    # The periods the alarm judged (their starts, from its message) and how long each is; empty when the message
    # named none, and the window is then its evaluation periods before the change.
    judged_ms: tuple[int, ...] = ()
    period_seconds: int = 60
    evaluation_periods: int = 1
    lag_seconds: int = 0


@dataclass(frozen=True)
class Report:
    """Everything one digest shows."""

    title: str
    window: Window
    log_group_names: tuple[str, ...]
    region: str
    insights_query: str
    threshold: int
    totals: Totals
    queries_run: int = 4
    ignore_statuses: tuple[int, ...] = ()
    ignore_routes: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)
    alarm: AlarmContext | None = None


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def json_chars(value: Any) -> int:
    """Size as Slack receives it: JSON with non-ASCII escaped (the larger, conservative measure)."""
    return len(json.dumps(value))


def fit_lines(lines: Sequence[str], budget: int, overflow: str) -> str:
    """As many lines as fit in ``budget`` JSON characters; ``overflow`` (with {n}) says how many were left out."""
    budget = min(budget, MAX_SECTION_CHARS)
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        tail = "\n" + overflow.format(n=rest) if rest else ""
        if json_chars("\n".join([*kept, line]) + tail) > budget:
            return "\n".join([*kept, overflow.format(n=len(lines) - index)])
        kept.append(line)
    return "\n".join(kept)


def at_least(report: Report, number: int) -> str:
    return f"{number:,}" if report.totals.complete else f"at least {number:,}"


def _summary_block(report: Report) -> dict[str, Any]:
    totals, window = report.totals, report.window
    errors = at_least(report, totals.errors)
    head = f"*{escape(report.title)}*"
    if report.alarm is not None:
        changed = format_hhmm(report.alarm.state_change_ms)
        head += f": alarm {code(report.alarm.alarm_name, 120)} went to ALARM at {changed} UTC"
    lines = [
        head,
        f"*{errors}* {'error' if totals.errors == 1 else 'errors'} in {totals.requests:,} requests "
        f"({percent(totals.errors, totals.requests)}), status ≥ {report.threshold}",
        f"Window `{format_utc(window.start_ms)}` to `{format_utc(window.end_ms)}` UTC (end excluded)",
    ]
    minutes = window.minutes()
    if 1 < len(minutes) <= 60:
        counts = [totals.errors_by_minute.get(minute, 0) for minute in minutes]
        lines.append(f"Errors per minute `{sparkline(counts)}` (peak {max(counts):,})")
    if report.alarm is not None:
        lines.append(_judged_line(report.alarm))
    if report.alarm is not None and report.alarm.due_ms:
        due = " and ".join(f"{format_hhmm(ms)} UTC" for ms in report.alarm.due_ms)
        windows = "; ".join(item.describe() for item in report.alarm.complete_in)
        lines.append(f"Preliminary: the complete numbers come in the scheduled digest at {due} ({windows})")
    if not totals.complete:
        reason = clip("; ".join(totals.lower_bounds), 300)
        lines.append(f":warning: The counts are lower bounds: {escape(reason)}")
    if totals.unparsed:
        lines.append(f"*{plural(totals.unparsed, 'line')}* could not be read as access-log JSON with a status")
    muted = []
    if report.ignore_statuses:
        muted.append(
            f"{totals.ignored:,} responses with ignored statuses {', '.join(map(str, report.ignore_statuses))}"
        )
    if report.ignore_routes:
        routes = ", ".join(code(route, 60) for route in report.ignore_routes[:5])
        more_routes = len(report.ignore_routes) - 5
        muted.append(f"routes {routes}" + (f" (+{more_routes} more)" if more_routes > 0 else ""))
    if muted:
        lines.append("Not counted: " + "; ".join(muted))
    shown = ", ".join(code(name, 60) for name in report.log_group_names[:3])
    more = len(report.log_group_names) - 3
    lines.append(f"Log groups: {shown}" + (f" (+{more} more)" if more > 0 else ""))
    url, selected = insights_url(report.region, report.log_group_names, window, report.insights_query)
    if url is not None:
        label = "Open the error lines in Logs Insights"
        if selected < len(report.log_group_names):
            label += f" ({selected} of {len(report.log_group_names)} log groups)"
        lines.append(link(url, label))
    return _section(fit_lines(lines, SUMMARY_BUDGET, "…"))


def _judged_line(alarm: AlarmContext) -> str:
    """Which minutes the alarm digest covers and why: what the alarm judged, or, without that, its periods."""
    if alarm.judged_ms:
        first = format_hhmm(alarm.judged_ms[0])
        last = format_hhmm(alarm.judged_ms[-1] + alarm.period_seconds * 1000)
        line = f"The alarm judged {plural(len(alarm.judged_ms), 'datapoint')} from {first} to {last} UTC"
        if alarm.lag_seconds:
            line += f"; the window also holds the {alarm.lag_seconds // 60} min before, for late log delivery"
        return line
    return (
        f"The alarm's message names no datapoints: the window is its {plural(alarm.evaluation_periods, 'period')} "
        f"of {alarm.period_seconds} s before it changed, to whole minutes"
    )


def _status_block(report: Report, top_n: int) -> dict[str, Any]:
    totals = report.totals
    ranked = totals.errors_by_status.most_common()
    lines = ["*By status*"] + [
        f"`{status}`  {count:,} ({percent(count, totals.requests)} of requests)" for status, count in ranked[:top_n]
    ]
    rest = ranked[top_n:]
    if rest:
        errors = plural(sum(count for _, count in rest), "error")
        lines.append(f"_{errors} with {plural(len(rest), 'other status', 'other statuses')}_")
    return _section(fit_lines(lines, STATUS_BUDGET, "_…and {n} more lines_"))


def _routes_block(report: Report, top_n: int) -> dict[str, Any]:
    totals = report.totals
    ranked = totals.errors_by_route.most_common()
    lines = [f"*By route* (top {min(top_n, len(ranked))})"]
    for route, errors in ranked[:top_n]:
        requests = totals.requests_by_route[route]  # a Counter: 0 for a route without requests
        lines.append(f"{code(route, 120)}  {errors:,} of {requests:,} requests ({percent(errors, requests)})")
    rest = ranked[top_n:]
    rest_errors = totals.errors - sum(count for _, count in ranked[:top_n])
    if rest or rest_errors > 0 or not totals.routes_exact:
        exact = totals.routes_exact and totals.complete
        count = f"{rest_errors:,}" if exact else f"at least {max(rest_errors, 0):,}"
        routes = f"{len(rest):,} other routes" if exact else f"at least {len(rest):,} other routes"
        lines.append(f"_{count} errors on {routes}_")
    return _section(fit_lines(lines, ROUTES_BUDGET, "_…and {n} more lines_"))


def _sample_block(sample: Sample, region: str) -> dict[str, Any]:
    request_line = f"{sample.route}" + (f" ({sample.path})" if sample.path and sample.path != "-" else "")
    lines = [f"*{sample.status}* {code(request_line, 160)} at {format_utc(sample.timestamp_ms)} UTC"]
    details = []
    # Labelled with their access-log field names, which a reader can search the log for.
    if sample.request_id:
        details.append(f"{REQUEST_ID} {code(sample.request_id)}")
    if sample.ip:
        details.append(f"{SOURCE_IP} {code(sample.ip, 60)}")
    if sample.latency and sample.latency != "-":
        details.append(f"latency {code(sample.latency, 20)} ms")
    if details:
        lines.append(" · ".join(details))
    if sample.integration_error:
        lines.append(f"Error: {code(sample.integration_error, 300)}")
    links = []
    execution_url = execution_log_url(region, sample)
    if execution_url:
        links.append(link(execution_url, "Execution log"))
    trace_url = xray_trace_url(region, sample.xray_trace_id)
    if trace_url:
        links.append(link(trace_url, "X-Ray trace"))
    if links:
        lines.append(" · ".join(links))
    return _section(fit_lines(lines, SAMPLE_BUDGET, "…"))


def cost_phrase(dollars: float) -> str:
    """``about $0.000071``, ``about $5,000.00``, ``under $0.000001``: two significant digits below a dollar."""
    if dollars <= 0:
        return "$0"
    if dollars < 0.000001:
        return "under $0.000001"
    if dollars < 1:
        return f"about ${dollars:.{1 - math.floor(math.log10(dollars))}f}"
    return f"about ${dollars:,.2f}"


def _footer(report: Report) -> dict[str, Any]:
    scanned = report.totals.bytes_scanned
    text = (
        f"Logs Insights scanned {human_bytes(scanned)} in {report.queries_run} queries, "
        f"{cost_phrase(scanned / 1e9 * PRICE_PER_GB_SCANNED)} at ${PRICE_PER_GB_SCANNED} per GB"
    )
    if report.problems:
        # Clipped before escaping (no entity is cut), then shorter until the escaped text fits: "&" becomes 5 chars.
        # One character less at a time, so as much as fits is kept; at a limit of 0 the problems are only "…".
        problems = "; ".join(report.problems)
        limit = 300
        while limit and json_chars(text + " · " + escape(clip(problems, limit))) > FOOTER_BUDGET:
            limit -= 1
        text += " · " + escape(clip(problems, limit))
    return _context(text)


def fallback_text(report: Report, index: int, count: int) -> str:
    """The message's ``text``: what notifications and screen readers show."""
    totals = report.totals
    alarm = f"alarm {escape(report.alarm.alarm_name)}, " if report.alarm is not None else ""
    text = (
        f"{escape(report.title)}: {alarm}{at_least(report, totals.errors)} errors in {totals.requests:,} requests "
        f"({percent(totals.errors, totals.requests)}), {report.window.describe()}"
    )
    if totals.unparsed:
        text += f", {plural(totals.unparsed, 'unreadable line')}"
    if count > 1:
        text += f" (message {index} of {count})"
    return clip(text, MAX_TEXT_CHARS)


def _samples_left_out(left_out: int, max_messages: int) -> dict[str, Any]:
    return _context(f"_{plural(left_out, 'more sample')} not shown (at most {plural(max_messages, 'message')})_")


def build_messages(report: Report, *, top_n: int, max_messages: int) -> list[dict[str, Any]]:
    """The Slack payloads of a digest, 1 to ``max_messages``: counts, rates and routes first, then samples.

    Samples that do not fit in ``max_messages`` are left out, and the last message says how many.
    """
    totals = report.totals
    first = [_summary_block(report)]
    if totals.errors:
        first += [_status_block(report, top_n), _routes_block(report, top_n)]
    sample_blocks = [_sample_block(sample, report.region) for sample in totals.samples]
    if sample_blocks:
        first.append(_context(f"*Samples*, newest first ({len(sample_blocks)} of {totals.errors:,} error lines)"))
    footer = _footer(report)

    continued = _context(f"{escape(report.title)}, {report.window.describe()} (continued)")
    messages: list[list[dict[str, Any]]] = [first]
    for block in sample_blocks:
        current = messages[-1]
        if len(current) + 2 <= MAX_BLOCKS and json_chars([*current, block, footer]) <= MAX_BLOCKS_JSON_CHARS:
            current.append(block)
        else:
            messages.append([continued, block])
    if len(messages) > max_messages:
        left_out = sum(len(message) - 1 for message in messages[max_messages:])
        messages = messages[:max_messages]
        note = _samples_left_out(left_out, max_messages)
        while len(messages[-1]) + 2 > MAX_BLOCKS or json_chars([*messages[-1], note, footer]) > MAX_BLOCKS_JSON_CHARS:
            messages[-1].pop()  # only sample blocks follow the first message's fixed blocks
            left_out += 1
            note = _samples_left_out(left_out, max_messages)
        messages[-1].append(note)
    messages[-1].append(footer)
    return [
        {"text": fallback_text(report, index, len(messages)), "blocks": blocks}
        for index, blocks in enumerate(messages, start=1)
    ]


__all__ = ["AlarmContext", "Report", "build_messages", "code", "escape", "percent", "sparkline"]
