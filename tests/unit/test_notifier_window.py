"""Windows: from the event's scheduled time, half-open, tiling consecutive runs; whole-second supersets; splits."""

from __future__ import annotations

import itertools

import pytest
from accesslog_notifier.window import (
    Window,
    event_time_ms,
    format_iso,
    format_utc,
    parse_duration_seconds,
    parse_iso_ms,
    scheduled_window,
    window_for_event,
)

from tests.support.notifier import iso_ms

INTERVAL_S = 300
LAG_S = 60


def test_the_reference_event_covers_the_five_minutes_ending_one_lag_before_its_time(load_fixture):
    event = load_fixture("eventbridge-scheduled-event.json")  # time 2026-11-25T09:40:00Z

    window = window_for_event(event, now_ms=0, interval_seconds=INTERVAL_S, lag_seconds=LAG_S)

    assert window == Window(iso_ms("2026-11-25T09:34:00.000Z"), iso_ms("2026-11-25T09:39:00.000Z"))


def test_the_event_time_wins_over_the_clock(load_fixture):
    event = load_fixture("eventbridge-scheduled-event.json")
    late_start_ms = iso_ms("2026-11-25T09:40:47.913Z")  # the function started 48 s late

    assert window_for_event(event, late_start_ms, INTERVAL_S, LAG_S) == window_for_event(event, 0, INTERVAL_S, LAG_S)


def test_a_manual_invocation_uses_the_current_time_to_the_millisecond():
    now_ms = iso_ms("2026-11-25T12:07:31.250Z")

    window = window_for_event({"source": "manual"}, now_ms, INTERVAL_S, LAG_S)

    assert window == Window(now_ms - 360_000, now_ms - 60_000)
    assert window_for_event(None, now_ms, INTERVAL_S, LAG_S) == window


def test_an_event_time_that_is_not_iso_8601_is_an_error_not_a_fallback_to_the_clock():
    with pytest.raises(ValueError, match="ISO 8601"):
        window_for_event({"time": "yesterday"}, 0, INTERVAL_S, LAG_S)
    with pytest.raises(ValueError, match="ISO 8601"):
        event_time_ms({"time": 1764072300})


def test_iso_timestamps_parse_exactly_with_zone_fraction_or_none():
    assert parse_iso_ms("2026-11-25T12:05:00Z") == 1_795_608_300_000
    assert parse_iso_ms("2026-11-25T12:05:00.123Z") == 1_795_608_300_123
    assert parse_iso_ms("2026-11-25T13:05:00+01:00") == 1_795_608_300_000
    assert parse_iso_ms("2026-11-25T12:05:00") == 1_795_608_300_000


def test_consecutive_scheduled_runs_tile_the_timeline_so_each_millisecond_is_reported_once():
    runs = [iso_ms(f"2026-11-25T12:{minute:02d}:00.000Z") for minute in (5, 10, 15)]
    windows = [scheduled_window(run_ms, INTERVAL_S, LAG_S) for run_ms in runs]

    for earlier, later in itertools.pairwise(windows):
        assert earlier.end_ms == later.start_ms

    first, last = windows[0].start_ms, windows[-1].end_ms
    edges = {w.start_ms for w in windows} | {w.end_ms for w in windows}
    probes = sorted({edge + delta for edge in edges for delta in (-1, 0, 1)} | {first + 123_456})
    for timestamp_ms in probes:
        owners = [w for w in windows if w.contains(timestamp_ms)]
        expected = 1 if first <= timestamp_ms < last else 0
        assert len(owners) == expected, (format_utc(timestamp_ms), owners)


def test_the_start_is_included_and_the_end_is_excluded():
    window = Window(10_000, 20_000)

    assert window.contains(10_000)
    assert window.contains(19_999)
    assert not window.contains(20_000)
    assert not window.contains(9_999)


def test_an_event_late_inside_the_lag_belongs_to_the_next_run():
    run_ms = iso_ms("2026-11-25T12:05:00.000Z")
    written_ms = run_ms - 30_000  # at 12:04:30, after this run's window closed at 12:04:00

    assert not scheduled_window(run_ms, INTERVAL_S, LAG_S).contains(written_ms)
    assert scheduled_window(run_ms + INTERVAL_S * 1000, INTERVAL_S, LAG_S).contains(written_ms)


@pytest.mark.parametrize(
    ("window", "seconds"),
    [
        (Window(1_000, 301_000), (1, 301)),  # whole seconds: unchanged; the end second is included by AWS
        (Window(1_250, 2_750), (1, 3)),  # floor the start, ceil the end: a superset
        (Window(999, 1_001), (0, 2)),
    ],
)
def test_query_seconds_are_a_whole_second_superset_of_the_window(window, seconds):
    start_s, end_s = window.query_seconds()

    assert (start_s, end_s) == seconds
    assert start_s * 1000 <= window.start_ms
    assert end_s * 1000 >= window.end_ms


def test_a_window_splits_in_halves_on_a_whole_second():
    assert Window(0, 300_000).split() == (Window(0, 150_000), Window(150_000, 300_000))
    assert Window(0, 3_000).split() == (Window(0, 1_000), Window(1_000, 3_000))
    assert Window(1_500, 2_500).split() == (Window(1_500, 2_000), Window(2_000, 2_500))


@pytest.mark.parametrize("window", [Window(1_000, 2_000), Window(1_000, 1_001), Window(1_001, 2_000)])
def test_a_window_within_one_second_cannot_split(window):
    assert window.split() is None


def test_repeated_splitting_always_progresses_to_one_second_parts():
    pending = [Window(1_234, 17_890)]
    leaves = []
    while pending:
        part = pending.pop()
        halves = part.split()
        if halves is None:
            leaves.append(part)
            continue
        for half in halves:
            assert half.query_seconds() != part.query_seconds()
            assert half.start_ms % 1000 == 0 or half.start_ms == part.start_ms
        pending.extend(halves)
    leaves.sort()
    assert leaves[0].start_ms == 1_234 and leaves[-1].end_ms == 17_890
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(leaves))
    assert all(leaf.end_ms - leaf.start_ms <= 1000 for leaf in leaves)


def test_a_window_must_end_after_it_starts():
    with pytest.raises(ValueError, match="end after it starts"):
        Window(5, 5)


def test_formatting_is_utc_with_milliseconds():
    assert format_utc(iso_ms("2026-11-25T11:59:00.007Z")) == "2026-11-25 11:59:00.007"
    assert format_iso(iso_ms("2026-11-25T12:04:00.999Z")) == "2026-11-25T12:04:00.999Z"


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400)])
def test_durations(text, seconds):
    assert parse_duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["15", "m", "0m", "-5m", "1w", "1.5h"])
def test_bad_durations_say_what_is_allowed(text):
    with pytest.raises(ValueError, match="s, m, h or d"):
        parse_duration_seconds(text)
