"""The messages of an incident and of a mute, as Block Kit payloads within Slack's limits (digest.py's rules).

- the **parent** of an incident's thread, posted when it opens and edited in place as windows come in: severity,
  the log groups (the first three, names cut to 60 characters, and how many more), first and last seen, errors
  and rate so far, 5xx errors, trend, errors per minute over the incident, and, once resolved, how long it lasted;
- the **resolution** reply that ends the thread (and, with webhook delivery, a standalone message);
- the **muted summary**: what quiet hours or a mute held, in one message when they end (the numbers first, then up
  to three reasons);
- the **mention** that opens the first message posted after an incident becomes critical.

Every text is built from counts, times and settings; the only log-derived texts are the log group names, escaped
like everything else (digest.escape), so no log line can mention anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.digest import clip, code, escape, fit_lines, percent, plural, sparkline
from accesslog_notifier.incidents import Incident, mention_markup
from accesslog_notifier.window import MS_PER_MINUTE, format_hhmm, format_utc

PARENT_BUDGET = 2800
# A reason shown whole: the longest delivery writes is "muted until HH:MM UTC (" + the CLI's 120-character --reason
# + ")"; longer ones (from an edited table item) are cut.
REASON_CHARS = 144
SPARK_WIDTH = 60  # characters of the per-minute sparkline; longer incidents are drawn in wider buckets


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def duration(milliseconds: int) -> str:
    """``45 min``, ``2 h 5 min``, ``under a minute``."""
    minutes = max(milliseconds, 0) // MS_PER_MINUTE
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def minute_counts(incident: Incident, until_ms: int) -> list[int]:
    """Errors per minute from the incident's first minute to ``until_ms``, in at most SPARK_WIDTH buckets."""
    first = incident.first_seen_ms // MS_PER_MINUTE * MS_PER_MINUTE
    span = max((until_ms - first) // MS_PER_MINUTE, 1)
    bucket = -(-span // SPARK_WIDTH)  # minutes per character
    counts = [0] * (-(-span // bucket))
    for minute, count in incident.minutes.items():
        index = (minute - first) // MS_PER_MINUTE // bucket
        if 0 <= index < len(counts):
            counts[index] += count
    return counts


def severity_label(incident: Incident) -> str:
    if incident.status == "resolved":
        return ":white_check_mark: Resolved"
    return ":red_circle: Critical" if incident.critical else ":large_orange_circle: Open"


def parent_message(
    incident: Incident,
    *,
    title: str,
    log_group_names: Sequence[str],
    now_ms: int,
    mention: str = "",
    quiet_windows: int = 2,
) -> dict[str, Any]:
    """The incident's parent message (posted at open, edited after every window)."""
    resolved = incident.status == "resolved"
    shown = ", ".join(code(name, 60) for name in log_group_names[:3])
    more = len(log_group_names) - 3
    head = f"{severity_label(incident)}: *{escape(title)}*"
    if mention:
        head = f"{mention_markup(mention)} {head}"
    lines = [
        head,
        f"Log groups: {shown}" + (f" (+{more} more)" if more > 0 else ""),
        f"First seen `{format_utc(incident.first_seen_ms)}` UTC, last seen `{format_utc(incident.last_seen_ms)}` UTC",
        f"*{incident.errors:,}* {'error' if incident.errors == 1 else 'errors'} in {incident.requests:,} requests so "
        f"far ({percent(incident.errors, incident.requests)}), {incident.errors_5xx:,} of them 5xx",
    ]
    counts = minute_counts(incident, incident.last_seen_ms if resolved else max(incident.last_seen_ms, now_ms))
    if any(counts):
        lines.append(f"Errors per minute `{sparkline(counts)}` (peak {max(counts):,})")
    if resolved:
        lasted = duration(incident.last_seen_ms - incident.first_seen_ms)
        lines.append(f"Resolved at {format_hhmm(incident.resolved_at_ms or now_ms)} UTC after {lasted} of errors")
    else:
        lines.append(
            f"Trend: {incident.trend()} · resolves after {plural(quiet_windows, 'quiet window')} in a row · "
            "each window's digest is in the thread"
        )
    text = fit_lines(lines, PARENT_BUDGET, "…")
    fallback = (
        f"{escape(clip(title, 150))}: {severity_label(incident)}, {incident.errors:,} errors in "
        f"{incident.requests:,} requests"
    )
    if mention:
        fallback = f"{mention_markup(mention)} {fallback}"
    return {
        "text": fallback,
        "blocks": [
            _section(text),
            _context(f"Updated {format_hhmm(now_ms)} UTC · incident {escape(incident.incident_id)}"),
        ],
    }


def resolution_message(incident: Incident, *, title: str, quiet_windows: int, interval_minutes: int) -> dict[str, Any]:
    """The last reply of a resolved incident's thread (a standalone message with webhook delivery)."""
    lasted = duration(incident.last_seen_ms - incident.first_seen_ms)
    quiet = plural(quiet_windows, "window")
    text = (
        f":white_check_mark: *{escape(title)}*: resolved, no errors past the thresholds for {quiet} "
        f"({quiet_windows * interval_minutes} min). The incident lasted {lasted}: {incident.errors:,} errors in "
        f"{incident.requests:,} requests ({percent(incident.errors, incident.requests)}), "
        f"{incident.errors_5xx:,} of them 5xx, from `{format_utc(incident.first_seen_ms)}` UTC."
    )
    return {"text": clip(text.replace("*", "").replace("`", ""), 3000), "blocks": [_section(clip(text, 2900))]}


def with_mention(payload: Mapping[str, Any], mention: str) -> dict[str, Any]:
    """A payload whose first block and text start with the configured mention."""
    markup = mention_markup(mention)
    blocks = [dict(block) for block in payload.get("blocks", [])]
    if blocks and blocks[0].get("type") == "section":
        text = dict(blocks[0]["text"])
        text["text"] = f"{markup} :red_circle: critical\n{text['text']}"
        blocks[0] = {**blocks[0], "text": text}
    else:
        blocks.insert(0, _section(f"{markup} :red_circle: critical"))
    return {**payload, "text": f"{markup} {payload.get('text', '')}", "blocks": blocks}


@dataclass(frozen=True)
class Muted:
    """What quiet hours or a mute held: its span, windows and counts, and why."""

    from_ms: int
    to_ms: int
    windows: int = 0
    errors: int = 0
    requests: int = 0
    unparsed: int = 0
    errors_by_status: Mapping[int, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()


def muted_summary(muted: Muted, *, title: str, top_n: int = 10) -> dict[str, Any]:
    """One message saying what was not posted while muted, so no error goes unreported."""
    reasons = "; ".join(escape(clip(reason, REASON_CHARS)) for reason in muted.reasons[:3]) or "muted"
    ranked = sorted(muted.errors_by_status.items(), key=lambda item: (-item[1], item[0]))[:top_n]
    # The numbers before the reasons: fit_lines keeps lines from the top, and three long reasons in a script that
    # JSON escapes (6 characters each) would otherwise push every number out.
    lines = [
        f":mute: *{escape(title)}*: nothing was posted from `{format_utc(muted.from_ms)}` to "
        f"`{format_utc(muted.to_ms)}` UTC",
        f"*{muted.errors:,}* {'error' if muted.errors == 1 else 'errors'} in {muted.requests:,} requests "
        f"({percent(muted.errors, muted.requests)}) over {plural(muted.windows, 'window')}",
    ]
    if ranked:
        lines.append("By status: " + ", ".join(f"`{status}` {count:,}" for status, count in ranked))
    if muted.unparsed:
        lines.append(f"{plural(muted.unparsed, 'line')} could not be read")
    lines.append(f"Why: {reasons}")
    text = fit_lines(lines, PARENT_BUDGET, "…")
    span = f"{format_hhmm(muted.from_ms)} to {format_hhmm(muted.to_ms)} UTC"
    fallback = f"{escape(clip(title, 150))}: {muted.errors:,} errors while muted ({span})"
    return {"text": fallback, "blocks": [_section(text)]}
