"""Windows: minute-normalised scheduled times tile time exactly, whatever second inside its minute a run fires.

The expected windows are computed here from the documented rule (README: [minute - interval - lag, minute - lag)),
and coverage is judged by counting which windows each millisecond falls in, never with the code's own helpers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from accesslog_notifier.window import (
    Window,
    alarm_window,
    format_hhmm,
    format_iso,
    format_utc,
    judged_window,
    parse_duration_seconds,
    parse_iso_ms,
    samples_window,
    scheduled_minute_for,
    scheduled_window,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import iso_ms

MINUTE = 60_000
INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440]
# Every lag the settings allow: whole minutes from 0 to 15 (contract/contract.json, written out here).
LAGS = [minutes * 60 for minutes in range(16)]


def covering(windows: list[Window], moment: int) -> int:
    return sum(1 for window in windows if window.start_ms <= moment < window.end_ms)


def test_the_fixture_event_covers_the_five_minutes_ending_one_lag_before_its_time(load_fixture):
    event_time = parse_iso_ms(load_fixture("eventbridge-scheduled-event.json")["time"])  # 09:40:00Z

    window = scheduled_window(event_time, 5, 60)

    assert window == Window(iso_ms("2026-11-25T09:34:00.000Z"), iso_ms("2026-11-25T09:39:00.000Z"))


def test_seconds_inside_the_minute_change_nothing():
    on_time = scheduled_window(iso_ms("2026-11-25T12:05:00.000Z"), 5, 60)
    for late in ("2026-11-25T12:05:00.001Z", "2026-11-25T12:05:47.000Z", "2026-11-25T12:05:59.999Z"):
        assert scheduled_window(iso_ms(late), 5, 60) == on_time


def test_the_issue_example_12_05_47_then_12_10_03_tiles():
    first = scheduled_window(iso_ms("2026-11-25T12:05:47.000Z"), 5, 60)
    second = scheduled_window(iso_ms("2026-11-25T12:10:03.000Z"), 5, 60)
    assert first.end_ms == second.start_ms == iso_ms("2026-11-25T12:04:00.000Z")


@settings(max_examples=200, deadline=None)
@given(
    interval=st.sampled_from(INTERVALS),
    lag_s=st.sampled_from(LAGS),
    first_k=st.integers(min_value=30_000_000 // 1440, max_value=30_000_000 // 1440 + 10_000),
    jitters=st.lists(st.integers(min_value=0, max_value=MINUTE - 1), min_size=3, max_size=8),
    probes=st.lists(st.integers(min_value=0, max_value=10**9), min_size=5, max_size=20),
)
def test_consecutive_runs_jittered_inside_their_minute_report_every_millisecond_exactly_once(
    interval, lag_s, first_k, jitters, probes
):
    interval_ms = interval * MINUTE
    fired = [(first_k + index) * interval_ms + jitter for index, jitter in enumerate(jitters)]
    windows = [scheduled_window(moment, interval, lag_s) for moment in fired]
    assert all(window.start_ms % MINUTE == 0 and window.end_ms % MINUTE == 0 for window in windows)
    covered_start, covered_end = windows[0].start_ms, windows[-1].end_ms
    assert covered_end - covered_start == len(fired) * interval_ms
    edges = [moment for window in windows for moment in (window.start_ms, window.start_ms - 1, window.end_ms - 1)]
    for moment in edges + [covered_start + probe % (covered_end - covered_start) for probe in probes]:
        expected = 1 if covered_start <= moment < covered_end else 0
        assert covering(windows, moment) == expected, moment


@settings(max_examples=200, deadline=None)
@given(
    interval=st.sampled_from(INTERVALS),
    lag_s=st.sampled_from(LAGS),
    moment=st.integers(min_value=MINUTE * 10**6, max_value=MINUTE * 10**7),
)
def test_the_run_that_reports_a_moment_is_known_in_advance(interval, lag_s, moment):
    minute = scheduled_minute_for(moment, interval, lag_s)
    assert minute % (interval * MINUTE) == 0  # a run of the cron schedule
    window = scheduled_window(minute, interval, lag_s)
    assert window.start_ms <= moment < window.end_ms


def test_an_alarm_window_spans_its_evaluation_periods_to_the_end_of_the_minute_of_the_change():
    changed = iso_ms("2026-11-25T09:32:04.871Z")
    assert alarm_window(changed, 60, 1) == Window(
        iso_ms("2026-11-25T09:31:00.000Z"), iso_ms("2026-11-25T09:33:00.000Z")
    )
    assert alarm_window(changed, 300, 2).start_ms == iso_ms("2026-11-25T09:22:00.000Z")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T12:05:00Z", "2026-11-25T12:05:00.000Z"),
        ("2026-11-25T12:05:00.5Z", "2026-11-25T12:05:00.500Z"),
        ("2026-11-25T14:05:00+02:00", "2026-11-25T12:05:00.000Z"),
        ("2026-11-25T07:05:00.123-05:00", "2026-11-25T12:05:00.123Z"),
        ("2026-11-25t12:05:00z", "2026-11-25T12:05:00.000Z"),
    ],
)
def test_iso_times_with_fraction_and_offset(text, expected):
    assert parse_iso_ms(text) == iso_ms(expected)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25T12:05:00",  # no zone: which one?
        "tomorrow",
        "\uff12\uff10\uff12\uff16-11-25T12:05:00Z",  # fullwidth digits
        "2026-11-25T12:05:00Z\u202e",
        "99999-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",  # before the epoch
        "2026-13-01T00:00:00Z",
        "2026-11-25T25:00:00Z",
        "",
        None,
        12345,
    ],
)
def test_anything_else_is_refused_with_a_value_error(text):
    with pytest.raises(ValueError):
        parse_iso_ms(text)


def test_windows_refuse_to_be_empty_or_outside_1970_to_9999():
    for start, end in ((5, 5), (6, 5), (-1, 5), (0, 253_402_300_800_001)):
        with pytest.raises(ValueError):
            Window(start, end)


def test_query_seconds_cover_the_window_with_whole_seconds():
    window = Window(1_795_000_000_001, 1_795_000_300_999)
    assert window.query_seconds() == (1_795_000_000, 1_795_000_301)


def test_formats():
    assert format_utc(iso_ms("2026-11-25T12:04:00.007Z")) == "2026-11-25 12:04:00.007"
    assert format_iso(iso_ms("2026-11-25T12:04:00.007Z")) == "2026-11-25T12:04:00.007Z"
    assert format_hhmm(iso_ms("2026-11-25T12:04:00.007Z")) == "12:04"
    assert [parse_duration_seconds(text) for text in ("90s", "15m", "2h", "1d")] == [90, 900, 7200, 86400]
    for bad in ("0m", "15", "m", "1w", "\u0661\u0665m"):
        with pytest.raises(ValueError):
            parse_duration_seconds(bad)


# The first and the last millisecond a window may hold, computed here from the calendar.
FIRST_MS = 0
LAST_MS = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(
    milliseconds=1
) + 999


def test_a_window_starts_and_ends_at_times_that_can_be_printed_1970_to_9999():
    assert Window(FIRST_MS, FIRST_MS + 1).start_ms == FIRST_MS
    assert Window(LAST_MS - 1, LAST_MS).end_ms == LAST_MS
    assert Window(LAST_MS - 1, LAST_MS).describe().endswith("9999-12-31 23:59:59.999 UTC")
    with pytest.raises(ValueError):
        Window(LAST_MS - 1, LAST_MS + 1)  # would end in the year 10000


def test_an_alarm_window_does_not_start_before_1970():
    assert alarm_window(iso_ms("1970-01-01T00:02:30.000Z"), 300, 2) == Window(0, iso_ms("1970-01-01T00:03:00.000Z"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T17:50:00+05:45", "2026-11-25T12:05:00.000Z"),  # Nepal: minutes in the offset
        ("2026-11-25T22:05:00+10:00", "2026-11-25T12:05:00.000Z"),
        ("2026-11-25T02:05:00-10:00", "2026-11-25T12:05:00.000Z"),
        ("2026-11-25T12:05:00.123456789Z", "2026-11-25T12:05:00.123Z"),  # beyond milliseconds: cut, not rounded
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"),
    ],
)
def test_offsets_and_fractions_down_to_the_millisecond(text: str, expected: str):
    assert parse_iso_ms(text) == iso_ms(expected)


def test_the_last_millisecond_of_9999_is_a_time():
    assert parse_iso_ms("9999-12-31T23:59:59.999Z") == LAST_MS


def test_times_are_whole_milliseconds_as_queries_print_them():
    # A float would print as 1795000000000.0 in a query's filter.
    assert type(parse_iso_ms("2026-11-25T12:05:00.5Z")) is int


def test_the_last_millisecond_of_a_minute_is_formatted_in_that_minute_never_rounded_up():
    last = iso_ms("9999-12-31T23:59:59.999Z")  # where a float of the seconds is least exact
    assert format_utc(last) == "9999-12-31 23:59:59.999"
    assert format_iso(last) == "9999-12-31T23:59:59.999Z"
    assert format_hhmm(last) == "23:59"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (17, "a time must be an ISO 8601 string (got int)"),
        ("tomorrow", "not an ISO 8601 UTC time like 2026-11-25T12:05:00Z: 'tomorrow'"),
        ("2026-02-30T00:00:00Z", "not a representable time: '2026-02-30T00:00:00Z'"),
        ("1969-12-31T23:59:59Z", "a time must lie between 1970 and 9999: '1969-12-31T23:59:59Z'"),
    ],
)
def test_a_refused_time_says_what_was_wrong_and_quotes_what_arrived(text: object, message: str):
    with pytest.raises(ValueError) as refused:
        parse_iso_ms(text)

    assert str(refused.value) == message


def test_a_refused_time_is_quoted_only_to_its_first_60_characters():
    with pytest.raises(ValueError) as refused:
        parse_iso_ms("a" * 60 + "b" * 40)

    assert str(refused.value).endswith(": " + repr("a" * 60))


# ----------------------------------------------------------------------------------------------------------------
# samples_window: the part of a window the samples query reads
# ----------------------------------------------------------------------------------------------------------------

FIVE = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))


def minute(text: str) -> int:
    return iso_ms(f"2026-11-25T{text}:00.000Z")


def test_the_samples_of_a_five_minute_window_are_read_from_its_latest_minute_with_errors_only():
    errors = {minute("09:30"): 50, minute("09:32"): 1, minute("09:33"): 0}
    # One error in 09:32 is fewer than the 20 rows wanted, but a fifth of five minutes is one minute.
    assert samples_window(FIVE, errors, 20) == Window(minute("09:32"), minute("09:33"))


def test_a_longer_window_reads_back_through_quiet_minutes_while_it_holds_too_few_errors():
    fifteen = Window(minute("09:30"), minute("09:45"))
    errors = {minute("09:44"): 3, minute("09:42"): 10, minute("09:40"): 100}
    # 3 minutes at most (a fifth of 15): 09:42-09:45 holds 13 errors, so it stops there even though 20 are wanted.
    assert samples_window(fifteen, errors, 20) == Window(minute("09:42"), minute("09:45"))
    # Enough errors in the latest minute: only that minute.
    assert samples_window(fifteen, errors, 3) == Window(minute("09:44"), minute("09:45"))


def test_no_error_minute_means_no_samples_query():
    assert samples_window(FIVE, {}, 20) is None
    assert samples_window(FIVE, {minute("09:31"): 0}, 20) is None


def test_a_window_off_the_minute_is_never_widened():
    # A manual range from 09:30:20 to 09:35:20: the latest error minute 09:35 is cut at the range's end.
    odd = Window(minute("09:30") + 20_000, minute("09:35") + 20_000)
    assert samples_window(odd, {minute("09:35"): 4}, 20) == Window(minute("09:35"), minute("09:35") + 20_000)
    assert samples_window(odd, {minute("09:30"): 4}, 20) == Window(minute("09:30") + 20_000, minute("09:31"))


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(min_value=1, max_value=60),
    errors=st.dictionaries(st.integers(min_value=0, max_value=59), st.integers(min_value=0, max_value=50)),
    wanted=st.integers(min_value=1, max_value=80),
)
def test_the_samples_part_holds_the_latest_error_minute_and_stays_within_a_fifth_or_a_minute(minutes, errors, wanted):
    window = Window(minute("09:00"), minute("09:00") + minutes * MINUTE)
    by_minute = {window.start_ms + index * MINUTE: count for index, count in errors.items() if index < minutes}
    part = samples_window(window, by_minute, wanted)
    busy = [start for start, count in by_minute.items() if count > 0]
    if not busy:
        assert part is None
        return
    assert part is not None and window.start_ms <= part.start_ms < part.end_ms <= window.end_ms
    assert part.start_ms <= max(busy) < part.end_ms and part.end_ms == max(busy) + MINUTE
    assert part.end_ms - part.start_ms <= max(MINUTE, (window.end_ms - window.start_ms) // 5 // MINUTE * MINUTE)


def test_the_allowed_lags_are_the_whole_minutes_this_test_assumes():
    from accesslog_notifier.contract import contract

    assert contract()["settings"]["ingestion_lag_seconds"]["allowed"] == LAGS


@settings(max_examples=300, deadline=None)
@given(
    period=st.sampled_from([10, 20, 30, 60, 120, 300, 3600]),
    evaluations=st.integers(min_value=1, max_value=24),
    changed=st.integers(min_value=MINUTE * 10**6, max_value=MINUTE * 10**7),
    lag_s=st.sampled_from(LAGS),
    offsets=st.lists(st.integers(min_value=0, max_value=23), min_size=1, max_size=5),
)
def test_alarm_windows_are_whole_minutes_and_hold_every_judged_period(period, evaluations, changed, lag_s, offsets):
    fallback = alarm_window(changed, period, evaluations)
    assert fallback.start_ms % MINUTE == 0 and fallback.end_ms % MINUTE == 0
    assert fallback.start_ms <= changed - period * evaluations * 1000 and changed < fallback.end_ms
    starts = sorted({changed // (period * 1000) * period * 1000 - offset * period * 1000 for offset in offsets})
    judged = judged_window(starts, period, lag_s)
    assert judged.start_ms % MINUTE == 0 and judged.end_ms % MINUTE == 0
    assert judged.start_ms <= starts[0] - lag_s * 1000 and starts[-1] + period * 1000 <= judged.end_ms
