"""Quiet hours: recurring times, in a time zone, during which the notifier posts nothing (what they held is
summarised in one message when they end; mutes.py keeps that account).

A quiet window is written ``<days> <HH:MM>-<HH:MM> <time zone>``, for example ``Mon-Fri 22:00-07:00 Europe/Berlin``
(every weeknight, ending the next morning), ``Sat,Sun 00:00-24:00 UTC`` (weekends), ``* 12:00-13:00
America/New_York`` (every day at lunch). Days are Mon Tue Wed Thu Fri Sat Sun, ranges with ``-`` and lists with
``,``; ``*`` is every day. A window whose end is not after its start runs past midnight, from the listed day into
the next. The time zone is an IANA name (``zoneinfo``), so daylight saving time moves the window with the clock.

Pure functions: parsing (ValueError with the reason) and whether a moment is quiet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SPEC = re.compile(
    r"(?P<days>\*|[A-Za-z]{3}(?:-[A-Za-z]{3})?(?:,[A-Za-z]{3}(?:-[A-Za-z]{3})?)*)"
    r" (?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2}) (?P<zone>[A-Za-z0-9_+\-/]{1,64})",
    re.ASCII,
)


@dataclass(frozen=True)
class QuietWindow:
    """Days of the week (0 = Monday), start and end in minutes of the day (end 1440 = midnight), a time zone."""

    days: frozenset[int]
    start_minute: int
    end_minute: int
    zone: str
    text: str

    def holds(self, timestamp_ms: int) -> bool:
        """Whether the moment falls in this window (a window past midnight belongs to the day it started)."""
        local = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).astimezone(ZoneInfo(self.zone))
        minute = local.hour * 60 + local.minute
        if self.start_minute < self.end_minute:
            return local.weekday() in self.days and self.start_minute <= minute < self.end_minute
        if minute >= self.start_minute:
            return local.weekday() in self.days
        previous_day = (local - timedelta(days=1)).weekday()
        return minute < self.end_minute and previous_day in self.days


def _minute(text: str, *, end: bool) -> int:
    hours, minutes = int(text[:2]), int(text[3:])
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise ValueError(f"{text} is not a time of day (00:00 to 23:59, or 24:00 as an end)")
    return hours * 60 + minutes


def _days(text: str) -> frozenset[int]:
    if text == "*":
        return frozenset(range(7))
    names = {name.lower(): index for index, name in enumerate(DAYS)}
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first.lower() not in names or (last and last.lower() not in names):
            raise ValueError(f"{part} is not a day or a range of days (Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
        start, stop = names[first.lower()], names[(last or first).lower()]
        days.update((start + offset) % 7 for offset in range((stop - start) % 7 + 1))
    return frozenset(days)


def parse_quiet_window(text: str) -> QuietWindow:
    """``Mon-Fri 22:00-07:00 Europe/Berlin`` -> QuietWindow; ValueError saying what is wrong."""
    match = _SPEC.fullmatch(text)
    if match is None:
        raise ValueError(
            "a quiet window is '<days> <HH:MM>-<HH:MM> <time zone>', like 'Mon-Fri 22:00-07:00 Europe/Berlin'"
        )
    start, end = _minute(match["start"], end=False), _minute(match["end"], end=True)
    if start == end:
        raise ValueError(f"{match['start']}-{match['end']} is an empty window (use 00:00-24:00 for a whole day)")
    try:
        ZoneInfo(match["zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{match['zone']} is not a time zone this runtime knows (an IANA name like Europe/Berlin)"
        ) from None
    return QuietWindow(_days(match["days"]), start, end, match["zone"], text)


def quiet_at(windows: tuple[QuietWindow, ...], timestamp_ms: int) -> QuietWindow | None:
    """The first window that holds the moment, or None."""
    return next((window for window in windows if window.holds(timestamp_ms)), None)
