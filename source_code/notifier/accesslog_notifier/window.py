"""Time ranges in epoch milliseconds: which events a run covers, and how a range is split.

A scheduled run covers ``[time - interval - lag, time - lag)`` where ``time`` is the EventBridge event's scheduled
time, not the clock: EventBridge sends the same ``time`` on every retry and consecutive rule firings are exactly one
interval apart, so consecutive windows tile the timeline and every event is reported exactly once, however late the
function starts. The lag leaves CloudWatch time to ingest events before their window is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MS_PER_SECOND = 1000
_DURATION_PATTERN = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_DURATION_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Window:
    """A half-open range ``[start_ms, end_ms)`` of epoch milliseconds."""

    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        if self.end_ms <= self.start_ms:
            raise ValueError(f"a window must end after it starts (got {self.start_ms}..{self.end_ms})")

    def contains(self, timestamp_ms: int) -> bool:
        """Whether ``timestamp_ms`` is inside: the start is included, the end is not."""
        return self.start_ms <= timestamp_ms < self.end_ms

    def query_seconds(self) -> tuple[int, int]:
        """The whole-second range to hand Logs Insights: a superset of this window.

        StartQuery takes whole epoch seconds and includes both ends, so the start is floored and the end is ceiled;
        the records outside the window that this lets through are dropped again by :meth:`contains`.
        """
        return self.start_ms // MS_PER_SECOND, -(-self.end_ms // MS_PER_SECOND)

    def split(self) -> tuple[Window, Window] | None:
        """Two halves that meet on a whole-second boundary, or None when no such boundary lies inside.

        Splitting on whole seconds guarantees progress: each half's whole-second query range is strictly
        smaller than this window's, so repeated splitting ends at one-second parts.
        """
        first_boundary = -(-(self.start_ms + 1) // MS_PER_SECOND) * MS_PER_SECOND  # first whole second > start
        last_boundary = ((self.end_ms - 1) // MS_PER_SECOND) * MS_PER_SECOND  # last whole second < end
        if first_boundary > last_boundary:
            return None
        middle = ((self.start_ms + self.end_ms) // 2 // MS_PER_SECOND) * MS_PER_SECOND
        middle = min(max(middle, first_boundary), last_boundary)
        return Window(self.start_ms, middle), Window(middle, self.end_ms)

    def describe(self) -> str:
        """``2026-11-25 11:59:00.000 to 2026-11-25 12:04:00.000 UTC`` (start included, end excluded)."""
        return f"{format_utc(self.start_ms)} to {format_utc(self.end_ms)} UTC"


def scheduled_window(scheduled_ms: int, interval_seconds: int, lag_seconds: int) -> Window:
    """The window a run scheduled at ``scheduled_ms`` covers: ``[t - interval - lag, t - lag)``."""
    end_ms = scheduled_ms - lag_seconds * MS_PER_SECOND
    return Window(end_ms - interval_seconds * MS_PER_SECOND, end_ms)


def event_time_ms(event: Any) -> int | None:
    """The scheduled time of an EventBridge event in epoch ms, or None when the event carries no ``time``.

    Raises ValueError when ``time`` is present but is not an ISO 8601 timestamp: silently falling back to the clock
    would shift the window and break exactly-once reporting.
    """
    if not isinstance(event, dict) or event.get("time") in (None, ""):
        return None
    raw = event["time"]
    if not isinstance(raw, str):
        raise ValueError(f"the event's time must be an ISO 8601 string (got {type(raw).__name__})")
    return parse_iso_ms(raw)


def window_for_event(event: Any, now_ms: int, interval_seconds: int, lag_seconds: int) -> Window:
    """The window for an invocation: from the event's ``time``, or from ``now_ms`` for a manual invocation."""
    scheduled_ms = event_time_ms(event)
    return scheduled_window(now_ms if scheduled_ms is None else scheduled_ms, interval_seconds, lag_seconds)


def parse_iso_ms(text: str) -> int:
    """``2026-11-25T12:05:00Z`` (or with fraction / offset) -> epoch ms; a missing offset means UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {text[:60]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # Integer arithmetic, not float timestamps: window edges must be exact to the millisecond.
    return (parsed - _EPOCH) // timedelta(milliseconds=1)


def parse_duration_seconds(text: str) -> int:
    """``90s``, ``15m``, ``2h``, ``1d`` -> seconds (> 0)."""
    match = _DURATION_PATTERN.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"a duration is a positive number followed by s, m, h or d, e.g. 15m (got {text!r})")
    return int(match.group(1)) * _DURATION_UNITS_S[match.group(2)]


def format_utc(timestamp_ms: int) -> str:
    """``2026-11-25 12:04:00.000`` for an epoch-ms timestamp (UTC, millisecond precision)."""
    moment = _EPOCH + timedelta(seconds=timestamp_ms // MS_PER_SECOND)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{timestamp_ms % MS_PER_SECOND:03d}"


def format_iso(timestamp_ms: int) -> str:
    """``2026-11-25T12:04:00.000Z`` for an epoch-ms timestamp."""
    moment = _EPOCH + timedelta(seconds=timestamp_ms // MS_PER_SECOND)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{timestamp_ms % MS_PER_SECOND:03d}Z"
