"""Which milliseconds a run reports: half-open windows ``[start_ms, end_ms)`` of epoch milliseconds.

A scheduled run reports ``[m - interval - lag, m - lag)``, where ``m`` is the EventBridge event's scheduled time
normalised to its minute. EventBridge schedules have one-minute precision and "run within that minute, but not on
the precise 0th second" (EventBridge User Guide, "Creating a rule that runs on a schedule"), and the event's
``time`` is the same on every retry; so consecutive runs, one interval apart, give windows that tile time exactly,
whatever second inside its minute each one fires. The schedule is a cron expression on whole multiples of the
interval, so the run that will report any moment is known in advance (:func:`scheduled_minute_for`).

Editing the schedule: a run reports the interval before its own minute, so changing the interval from I to J
leaves, once, a gap (J < I: the first new window starts after the last old one ended) or an overlap (J > I)
between the last old window and the first new one, of up to max(I, J) - min(I, J); disabling the rule leaves a
gap of everything until it is enabled again. ``python -m accesslog_notifier --start ... --end ...`` reports such a
gap by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MS_PER_SECOND = 1000
MS_PER_MINUTE = 60_000
# What datetime can represent and a window may hold: 1970 to the end of 9999.
LATEST_MS = 253_402_300_799_999
_ISO_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})", re.ASCII | re.IGNORECASE
)
_DURATION = re.compile(r"(\d{1,6})([smhd])", re.ASCII)
_DURATION_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, order=True)
class Window:
    """A half-open range ``[start_ms, end_ms)`` of epoch milliseconds."""

    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        # Both edges must be times the digest can print: the end too, so no window ends in the year 10000.
        if not 0 <= self.start_ms < self.end_ms <= LATEST_MS:
            raise ValueError(
                f"a window must end after it starts, within 1970-9999 (got {self.start_ms}..{self.end_ms})"
            )

    def query_seconds(self) -> tuple[int, int]:
        """StartQuery's whole-second ``startTime``/``endTime`` covering the window (the query's filter trims it)."""
        return self.start_ms // MS_PER_SECOND, -(-self.end_ms // MS_PER_SECOND)

    def minutes(self) -> list[int]:
        """The start of every whole minute the window touches, oldest first (the digest's per-minute bins)."""
        first = self.start_ms // MS_PER_MINUTE * MS_PER_MINUTE
        return list(range(first, self.end_ms, MS_PER_MINUTE))

    def describe(self) -> str:
        """``2026-11-25 11:59:00.000 to 2026-11-25 12:04:00.000 UTC`` (start included, end excluded)."""
        return f"{format_utc(self.start_ms)} to {format_utc(self.end_ms)} UTC"


def minute_of(timestamp_ms: int) -> int:
    """The start of the minute ``timestamp_ms`` falls in."""
    return timestamp_ms // MS_PER_MINUTE * MS_PER_MINUTE


def scheduled_window(scheduled_ms: int, interval_minutes: int, lag_seconds: int) -> Window:
    """The window of the run scheduled at ``scheduled_ms``: the interval before its minute, ``lag_seconds`` earlier."""
    end_ms = minute_of(scheduled_ms) - lag_seconds * MS_PER_SECOND
    return Window(end_ms - interval_minutes * MS_PER_MINUTE, end_ms)


def scheduled_minute_for(timestamp_ms: int, interval_minutes: int, lag_seconds: int) -> int:
    """The scheduled minute whose window holds ``timestamp_ms``, for a schedule on whole multiples of the interval.

    Run k (at minute k * interval) reports [k*I - I - lag, k*I - lag), so the moment t is in run k = floor((t +
    lag) / I) + 1.
    """
    interval_ms = interval_minutes * MS_PER_MINUTE
    return ((timestamp_ms + lag_seconds * MS_PER_SECOND) // interval_ms + 1) * interval_ms


def samples_window(
    window: Window, errors_by_minute: Mapping[int, int], wanted: int, share: float = 0.2
) -> Window | None:
    """The part of ``window`` the samples query reads: the latest minute with errors, and the minutes before it
    while they hold fewer than ``wanted`` errors and the part stays within ``share`` of the window (one minute at
    least). None when no minute has errors.

    The samples are the newest error lines, so the latest error minutes hold them; reading only those keeps the
    samples query to a fraction of a scan (a five-minute window: one minute, a fifth).
    """
    minutes = sorted((minute for minute, count in errors_by_minute.items() if count > 0), reverse=True)
    if not minutes:
        return None
    latest = minutes[0]
    longest_ms = max(MS_PER_MINUTE, int((window.end_ms - window.start_ms) * share) // MS_PER_MINUTE * MS_PER_MINUTE)
    first, held = latest, errors_by_minute[latest]
    while held < wanted and latest + MS_PER_MINUTE - (first - MS_PER_MINUTE) <= longest_ms:
        first -= MS_PER_MINUTE
        held += errors_by_minute.get(first, 0)
    start_ms, end_ms = max(window.start_ms, first), min(window.end_ms, latest + MS_PER_MINUTE)
    return Window(start_ms, end_ms) if start_ms < end_ms else None


def ceil_minute(timestamp_ms: int) -> int:
    """The first whole minute at or after ``timestamp_ms``."""
    return -(-timestamp_ms // MS_PER_MINUTE) * MS_PER_MINUTE


def alarm_window(state_change_ms: int, period_seconds: int, evaluation_periods: int) -> Window:
    """What an alarm that went to ALARM at ``state_change_ms`` may have looked at, when its message does not say:
    its evaluation periods before the minute of the change and that minute, to whole minutes (a high-resolution
    period of 10, 20 or 30 s is widened to the minutes around it)."""
    end_ms = minute_of(state_change_ms) + MS_PER_MINUTE
    start_ms = minute_of(max(end_ms - MS_PER_MINUTE - period_seconds * evaluation_periods * MS_PER_SECOND, 0))
    return Window(start_ms, end_ms)


def judged_window(datapoints_ms: Sequence[int], period_seconds: int, lag_seconds: int) -> Window:
    """The minutes an alarm judged: from its earliest datapoint to the end of its latest one's period, widened back
    by the ingestion lag and out to whole minutes.

    A datapoint's timestamp is the start of its period. CloudWatch does not document how long after a breaching
    datapoint the state changes, nor whether a metric filter dates its data by the event or by its arrival; the
    lines of the judged periods may have arrived up to the ingestion lag late, so the window also holds that much
    before them.
    """
    start_ms = minute_of(max(min(datapoints_ms) - lag_seconds * MS_PER_SECOND, 0))
    end_ms = ceil_minute(max(datapoints_ms) + period_seconds * MS_PER_SECOND)
    return Window(start_ms, end_ms)


def parse_iso_ms(text: Any) -> int:
    """``2026-11-25T12:05:00Z`` (fraction and offset optional but for the zone) -> epoch ms; ValueError otherwise.

    ASCII digits only, and years 1970-9999: an event time outside that is refused, not wrapped or overflowed.
    """
    if not isinstance(text, str):
        raise ValueError(f"a time must be an ISO 8601 string (got {type(text).__name__})")
    quoted = repr(text[:60])  # enough of what arrived to recognise it, never a flood
    match = _ISO_TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 UTC time like 2026-11-25T12:05:00Z: {quoted}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7) or "", match.group(8).upper()
    offset = timedelta(0) if zone == "Z" else timedelta(hours=int(zone[1:3]), minutes=int(zone[4:]))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        moment -= offset if zone.startswith("+") else -offset  # Z: offset is zero either way
    except (ValueError, OverflowError):
        raise ValueError(f"not a representable time: {quoted}") from None
    # Integer arithmetic, not float timestamps: window edges must be exact to the millisecond.
    timestamp_ms = (moment - _EPOCH) // timedelta(milliseconds=1) + int(fraction[1:4].ljust(3, "0"))
    if not 0 <= timestamp_ms <= LATEST_MS:
        raise ValueError(f"a time must lie between 1970 and 9999: {quoted}")
    return timestamp_ms


def parse_duration_seconds(text: str) -> int:
    """``90s``, ``15m``, ``2h``, ``1d`` -> seconds (> 0)."""
    match = _DURATION.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"a duration is a positive number followed by s, m, h or d, e.g. 15m (got {text!r})")
    return int(match.group(1)) * _DURATION_UNITS_S[match.group(2)]


def format_utc(timestamp_ms: int) -> str:
    """``2026-11-25 12:04:00.000`` for an epoch-ms timestamp (UTC, millisecond precision)."""
    moment = _EPOCH + timedelta(milliseconds=timestamp_ms)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{timestamp_ms % MS_PER_SECOND:03d}"


def format_iso(timestamp_ms: int) -> str:
    """``2026-11-25T12:04:00.000Z`` for an epoch-ms timestamp."""
    moment = _EPOCH + timedelta(milliseconds=timestamp_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{timestamp_ms % MS_PER_SECOND:03d}Z"


def format_hhmm(timestamp_ms: int) -> str:
    """``12:05`` (UTC) for an epoch-ms timestamp."""
    return (_EPOCH + timedelta(milliseconds=timestamp_ms)).strftime("%H:%M")
