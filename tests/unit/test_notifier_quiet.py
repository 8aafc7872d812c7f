"""Quiet windows at their edges (quiet.py): the first minute in, the last minute out, days and ranges of days.

Expected values come from the format quiet.py and the README state: ``<days> <HH:MM>-<HH:MM> <time zone>``, the end
excluded, a window whose end is not after its start running into the next day. The dates are read off a calendar:
2026-11-23 is a Monday.
"""

from __future__ import annotations

import re

import pytest
from accesslog_notifier.quiet import parse_quiet_window

from tests.support.notifier import iso_ms


def holds(spec: str, moment: str) -> bool:
    return parse_quiet_window(spec).holds(iso_ms(f"{moment}:00.000Z"))


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [("2026-11-25T11:59", False), ("2026-11-25T12:00", True), ("2026-11-25T12:59", True), ("2026-11-25T13:00", False)],
)
def test_a_window_holds_from_its_start_minute_up_to_its_end_minute_excluded(moment: str, quiet: bool) -> None:
    assert holds("* 12:00-13:00 UTC", moment) is quiet


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        ("2026-11-24T21:59", False),  # Tuesday
        ("2026-11-24T22:00", True),
        ("2026-11-25T06:59", True),  # Wednesday morning: Tuesday's night
        ("2026-11-25T07:00", False),
    ],
)
def test_a_window_past_midnight_holds_from_its_start_to_its_end_the_next_morning(moment: str, quiet: bool) -> None:
    assert holds("Mon-Fri 22:00-07:00 UTC", moment) is quiet


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [("2026-11-25T09:29", False), ("2026-11-25T09:30", True), ("2026-11-25T17:44", True), ("2026-11-25T17:45", False)],
)
def test_start_and_end_are_read_to_the_minute(moment: str, quiet: bool) -> None:
    assert holds("* 09:30-17:45 UTC", moment) is quiet


def test_a_window_may_start_in_the_last_minute_of_an_hour() -> None:
    assert holds("* 22:59-23:00 UTC", "2026-11-25T22:59") and not holds("* 22:59-23:00 UTC", "2026-11-25T23:00")


@pytest.mark.parametrize(
    ("day", "quiet"),
    [("2026-11-26", False), ("2026-11-27", True), ("2026-11-29", True), ("2026-11-30", True), ("2026-12-01", False)],
    ids=["Thu", "Fri", "Sun", "Mon", "Tue"],
)
def test_a_range_of_days_across_the_weeks_end_runs_from_its_first_day_to_its_last(day: str, quiet: bool) -> None:
    assert holds("Fri-Mon 10:00-11:00 UTC", f"{day}T10:30") is quiet


def test_a_star_means_every_day_as_mon_to_sun_does() -> None:
    assert parse_quiet_window("* 10:00-11:00 UTC").days == parse_quiet_window("Mon-Sun 10:00-11:00 UTC").days


def test_a_parsed_window_keeps_its_text_as_written_to_name_it_in_the_muted_summary() -> None:
    assert parse_quiet_window("sat,SUN 00:00-24:00 Europe/Berlin").text == "sat,SUN 00:00-24:00 Europe/Berlin"


def test_a_malformed_window_is_refused_with_the_format_and_an_example_that_parses() -> None:
    with pytest.raises(ValueError, match=r"^a quiet window is '<days> <HH:MM>-<HH:MM> <time zone>', like '") as raised:
        parse_quiet_window("weeknights 22:00-07:00 Europe/Berlin")
    example = re.fullmatch(r".*, like '([^']+)'", str(raised.value))
    assert example is not None
    assert parse_quiet_window(example[1]).text == example[1]
