"""Incidents as pure decisions (incidents.py), their messages (incident_messages.py) and quiet hours (quiet.py).

Expected values are written here from the rules each module states: an incident opens on a window past the
thresholds, is updated by the next ones, resolves after N quiet windows in a row; critical by 5xx count or share;
quiet windows in local time with daylight saving.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from accesslog_notifier.incident_messages import (
    Muted,
    duration,
    minute_counts,
    muted_summary,
    parent_message,
    resolution_message,
    with_mention,
)
from accesslog_notifier.incidents import (
    NOTHING,
    OPEN,
    OPENING,
    OPENS,
    QUIET,
    RESOLVED,
    RESOLVES,
    UPDATES,
    Incident,
    WindowFacts,
    counted,
    is_critical,
    mention_markup,
    needs_mention,
    next_step,
    opened,
)
from accesslog_notifier.quiet import parse_quiet_window, quiet_at
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import iso_ms

MINUTE = 60_000
T0 = iso_ms("2026-11-25T09:30:00.000Z")


def facts(index: int, errors: int, requests: int = 100, errors_5xx: int = 0, reportable: bool | None = None, **kw):
    start = T0 + index * 5 * MINUTE
    return WindowFacts(
        start_ms=start,
        end_ms=start + 5 * MINUTE,
        errors=errors,
        requests=requests,
        errors_5xx=errors_5xx,
        errors_by_minute={start + MINUTE: errors} if errors else {},
        reportable=errors > 0 if reportable is None else reportable,
        **kw,
    )


def run_hour(error_counts: list[int], quiet_windows: int = 2) -> tuple[list[str], Incident | None]:
    """Apply windows in order, as delivery does; the steps and the incident at the end."""
    incident: Incident | None = None
    steps = []
    for index, errors in enumerate(error_counts):
        window = facts(index, errors)
        step = next_step(incident, window, quiet_windows)
        steps.append(step)
        if step == OPENS:
            incident = replace(opened(window, owner="r", owner_expires_ms=0, previous=incident), status=OPEN)
        if incident is not None and step != NOTHING:
            incident = counted(incident, window, step, now_ms=window.end_ms)
    return steps, incident


def test_a_storm_opens_grows_calms_and_resolves_after_two_quiet_windows():
    counts = [0, 5, 40, 120, 30, 0, 0, 0, 3]
    steps, incident = run_hour(counts)

    assert steps == [NOTHING, OPENS, UPDATES, UPDATES, UPDATES, QUIET, RESOLVES, NOTHING, OPENS]
    # The last window opened a new incident: 3 errors of its own.
    assert incident.errors == 3 and incident.status == OPEN


def test_a_resolved_incident_holds_every_error_written_while_it_was_open():
    steps, incident = run_hour([7, 0, 9, 0, 0])

    assert steps == [OPENS, QUIET, UPDATES, QUIET, RESOLVES]
    assert incident.status == RESOLVED and incident.errors == 16 and incident.requests == 500
    assert incident.first_seen_ms == T0 and incident.last_seen_ms == T0 + 15 * MINUTE  # the last window with errors
    assert incident.resolved_at_ms == T0 + 25 * MINUTE


def test_a_replayed_resolution_says_when_the_window_ended_not_when_it_ran():
    _, incident = run_hour([7, 0])
    window = facts(2, 0)
    resolved = counted(incident, window, RESOLVES, now_ms=window.end_ms + 3 * 60 * MINUTE)  # replayed 3 h later

    assert resolved.status == RESOLVED and resolved.resolved_at_ms == window.end_ms


@pytest.mark.parametrize(("quiet_windows", "resolves_at"), [(1, 2), (2, 3), (3, 4)])
def test_it_resolves_after_the_configured_number_of_quiet_windows_in_a_row(quiet_windows, resolves_at):
    steps, _ = run_hour([5, 5, 0, 0, 0, 0], quiet_windows)
    assert steps.index(RESOLVES) == resolves_at


def test_a_window_below_the_thresholds_counts_but_does_not_post():
    incident = replace(opened(facts(0, 5), owner="r", owner_expires_ms=0, previous=None), status=OPEN)
    below = facts(1, 2, reportable=False)

    assert next_step(incident, below, 2) == QUIET
    after = counted(incident, below, QUIET, now_ms=0)
    assert (after.errors, after.quiet, after.last_seen_ms) == (2, 1, incident.last_seen_ms)


def test_an_opening_incident_is_open_to_the_next_window_and_every_write_moves_its_version():
    incident = opened(facts(0, 5), owner="r", owner_expires_ms=0, previous=None)
    assert incident.status == OPENING and incident.is_open and incident.version == 1
    assert next_step(incident, facts(1, 5), 2) == UPDATES
    assert counted(incident, facts(1, 5), UPDATES, now_ms=0).version == 2
    assert opened(facts(9, 1), owner="s", owner_expires_ms=0, previous=replace(incident, version=7)).version == 8


@pytest.mark.parametrize(
    ("errors_5xx", "requests", "count", "rate", "critical"),
    [
        (10, 1000, 10, 0, True),
        (9, 1000, 10, 0, False),
        (50, 1000, 0, 5, True),  # 5 %
        (49, 1000, 0, 5, False),
        (0, 0, 0, 5, False),
        (100, 100, 0, 0, False),  # both off
        (1, 1000, 1, 0, True),  # a count of 1: the first 5xx
        (5, 1000, 0, 0.5, True),  # a share under one percent: 0.5 %
        (4, 1000, 0, 0.5, False),
        (1, 1, 0, 50, True),  # a window of one request, answered 5xx: 100 %
        (50, 1010, 0, 5, False),  # 4.95 %
        (33, 3000, 0, 1.1, True),  # exactly 1.1 %, although 1.1 * 3000 is 3300.0000000000005 in floating point
        (77, 7000, 0, 1.1, True),  # exactly 1.1 %
        (32, 3000, 0, 1.1, False),  # 1.0666... %
    ],
)
def test_critical_by_5xx_count_or_share_each_off_at_zero(errors_5xx, requests, count, rate, critical):
    assert is_critical(errors_5xx, requests, count, rate) is critical


@pytest.mark.parametrize(
    ("window_errors", "trend"),
    [
        ((), "new"),
        ((5,), "new"),
        ((10, 13), "rising"),  # 30 % up
        ((10, 12), "steady"),  # exactly a fifth up
        ((10, 11), "steady"),
        ((10, 9), "steady"),
        ((10, 8), "steady"),  # exactly a fifth down
        ((10, 7), "falling"),  # 30 % down
        ((100, 10, 20), "rising"),  # the two latest windows only
    ],
)
def test_the_trend_is_a_change_of_more_than_a_fifth_between_the_two_latest_windows(
    window_errors: tuple[int, ...], trend: str
) -> None:
    assert an_incident(window_errors=window_errors).trend() == trend


def test_an_opened_incident_spans_its_window_and_is_claimed_by_its_owner_until_the_claim_expires() -> None:
    window = facts(3, 5)
    incident = opened(window, owner="run-1", owner_expires_ms=T0 + 99 * MINUTE, previous=None)
    assert (incident.first_seen_ms, incident.last_seen_ms) == (window.start_ms, window.end_ms)
    assert (incident.owner, incident.owner_expires_ms) == ("run-1", T0 + 99 * MINUTE)


def test_an_opened_incident_is_named_after_its_first_windows_start_so_a_replay_names_it_alike() -> None:
    first = opened(facts(3, 5), owner="run-1", owner_expires_ms=0, previous=None)
    replayed = opened(facts(3, 5), owner="run-2", owner_expires_ms=0, previous=None)
    later = opened(facts(4, 5), owner="run-1", owner_expires_ms=0, previous=None)
    assert first.incident_id == replayed.incident_id == str(facts(3, 5).start_ms) != later.incident_id


def test_every_window_adds_its_errors_requests_and_5xx_errors_to_the_incident() -> None:
    incident = an_incident(errors=10, requests=100, errors_5xx=4)
    after = counted(incident, facts(1, 5, requests=50, errors_5xx=3), UPDATES, now_ms=0)
    assert (after.errors, after.requests, after.errors_5xx) == (15, 150, 7)


def test_a_windows_errors_per_minute_add_to_the_incidents_and_minutes_without_errors_are_not_kept() -> None:
    incident = an_incident(minutes={T0: 5})
    window = replace(facts(0, 7), errors_by_minute={T0: 3, T0 + MINUTE: 4, T0 + 2 * MINUTE: 0})
    assert counted(incident, window, UPDATES, now_ms=0).minutes == {T0: 8, T0 + MINUTE: 4}


def test_an_incident_keeps_the_errors_per_minute_of_its_last_day() -> None:
    day = 24 * 60  # minutes
    incident = an_incident(minutes={T0 + offset * MINUTE: 1 for offset in range(day)})
    window = replace(facts(0, 2), errors_by_minute={T0 + day * MINUTE: 2})
    minutes = counted(incident, window, UPDATES, now_ms=0).minutes
    assert len(minutes) == day and T0 not in minutes and minutes[T0 + day * MINUTE] == 2


def test_the_windows_counted_make_the_trend() -> None:
    incident = an_incident(window_errors=())
    for errors in (10, 20):
        incident = counted(incident, facts(1, errors), UPDATES, now_ms=0)
    assert incident.window_errors == (10, 20) and incident.trend() == "rising"


def test_a_critical_window_makes_the_incident_critical_for_good() -> None:
    incident = an_incident(critical=False)
    incident = counted(incident, facts(1, 5, critical=True), UPDATES, now_ms=0)
    assert incident.critical is True
    incident = counted(incident, facts(2, 5), UPDATES, now_ms=0)
    assert incident.critical is True


@pytest.mark.parametrize(("errors", "step"), [(5, UPDATES), (0, QUIET)])
def test_only_the_resolving_window_says_when_the_incident_resolved(errors: int, step: str) -> None:
    assert counted(an_incident(), facts(1, errors), step, now_ms=0).resolved_at_ms is None


def test_the_mention_goes_with_the_first_critical_window_only():
    incident = replace(opened(facts(0, 5), owner="r", owner_expires_ms=0, previous=None), status=OPEN)
    plain, critical = facts(1, 5), facts(2, 5, critical=True)

    assert not needs_mention(incident, plain, "here")
    assert needs_mention(incident, critical, "here")
    assert not needs_mention(replace(incident, mentioned=True), critical, "here")
    assert not needs_mention(incident, critical, "")


@pytest.mark.parametrize(
    ("mention", "markup"), [("here", "<!here>"), ("channel", "<!channel>"), ("S0123ABCD45", "<!subteam^S0123ABCD45>")]
)
def test_a_configured_mention_becomes_slacks_markup(mention, markup):
    assert mention_markup(mention) == markup


# --- messages ------------------------------------------------------------------------------------------------------


def an_incident(**changes) -> Incident:
    base = Incident(
        status=OPEN,
        incident_id=str(T0),
        first_seen_ms=T0,
        last_seen_ms=T0 + 20 * MINUTE,
        errors=165,
        requests=4000,
        errors_5xx=120,
        minutes={T0 + MINUTE: 5, T0 + 6 * MINUTE: 40, T0 + 11 * MINUTE: 120},
        window_errors=(5, 40, 120),
    )
    return replace(base, **changes)


def section_text(payload: dict) -> str:
    return payload["blocks"][0]["text"]["text"]


def test_the_parent_says_severity_span_totals_rate_trend_and_draws_the_minutes():
    text = section_text(
        parent_message(an_incident(), title="orders-api", log_group_names=["/g"], now_ms=T0 + 20 * MINUTE)
    )

    assert text.startswith(":large_orange_circle: Open: *orders-api*")
    assert "*165* errors in 4,000 requests so far (4.1 %), 120 of them 5xx" in text
    assert "First seen `2026-11-25 09:30:00.000` UTC, last seen `2026-11-25 09:50:00.000` UTC" in text
    assert "Trend: rising" in text and "Errors per minute `" in text and "(peak 120)" in text


def test_a_resolved_parent_says_how_long_it_lasted():
    resolved = an_incident(status=RESOLVED, resolved_at_ms=T0 + 30 * MINUTE)
    text = section_text(parent_message(resolved, title="t", log_group_names=["/g"], now_ms=T0 + 30 * MINUTE))
    assert text.startswith(":white_check_mark: Resolved") and "Resolved at 10:00 UTC after 20 min of errors" in text


def test_the_resolution_reply_says_the_quiet_windows_and_the_totals():
    message = resolution_message(an_incident(status=RESOLVED), title="orders-api", quiet_windows=2, interval_minutes=5)
    assert "no errors past the thresholds for 2 windows (10 min)" in section_text(message)
    assert "The incident lasted 20 min: 165 errors in 4,000 requests (4.1 %), 120 of them 5xx" in section_text(message)


def test_a_critical_parent_carries_the_mention_in_its_text_and_notification():
    message = parent_message(an_incident(critical=True), title="t", log_group_names=["/g"], now_ms=T0, mention="here")
    assert section_text(message).startswith("<!here> :red_circle: Critical")
    assert message["text"].startswith("<!here> ")


def test_no_log_text_can_mention_anyone_in_the_parent():
    hostile = ["/aws/<!channel>", "/aws/<@U123>", "/aws/&lt;!here&gt;"]
    message = parent_message(an_incident(), title="<!everyone> api", log_group_names=hostile, now_ms=T0)
    blob = json.dumps(message)
    assert "<!channel>" not in blob and "<@U123>" not in blob and "<!everyone>" not in blob


def test_with_mention_prefixes_the_first_block_and_the_text_only():
    payload = {"text": "orders: 5 errors", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    marked = with_mention(payload, "channel")
    assert marked["text"] == "<!channel> orders: 5 errors"
    assert marked["blocks"][0]["text"]["text"] == "<!channel> :red_circle: critical\nhi"
    assert payload["blocks"][0]["text"]["text"] == "hi"  # the original is not changed


def test_the_muted_summary_says_why_when_and_what():
    muted = Muted(
        T0,
        T0 + 60 * MINUTE,
        windows=12,
        errors=340,
        requests=9000,
        unparsed=2,
        errors_by_status={503: 300, 404: 40},
        reasons=("quiet hours Mon-Fri 22:00-07:00 UTC",),
    )
    text = section_text(muted_summary(muted, title="orders-api"))
    assert "nothing was posted from `2026-11-25 09:30:00.000` to `2026-11-25 10:30:00.000` UTC" in text
    assert text.endswith("\nWhy: quiet hours Mon-Fri 22:00-07:00 UTC")
    assert "*340* errors in 9,000 requests (3.8 %) over 12 windows" in text
    assert "By status: `503` 300, `404` 40" in text and "2 lines could not be read" in text


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "under a minute"),
        (59_999, "under a minute"),
        (MINUTE, "1 min"),
        (2 * MINUTE - 1, "1 min"),
        (45 * MINUTE, "45 min"),
        (125 * MINUTE, "2 h 5 min"),
    ],
)
def test_durations_read_as_people_say_them(ms, text):
    assert duration(ms) == text


@settings(max_examples=100, deadline=None)
@given(
    span_minutes=st.integers(min_value=1, max_value=3000),
    at=st.lists(st.integers(min_value=0, max_value=2999), max_size=30),
)
def test_the_sparkline_keeps_every_minutes_errors_in_at_most_sixty_characters(span_minutes, at):
    minutes = {T0 + offset * MINUTE: 1 for offset in at if offset < span_minutes}
    counts = minute_counts(an_incident(minutes=minutes), T0 + span_minutes * MINUTE)
    assert len(counts) <= 60 and sum(counts) == len(minutes)


# --- quiet hours ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "moment", "quiet"),
    [
        ("Mon-Fri 22:00-07:00 Europe/Berlin", "2026-11-25T21:30:00Z", True),  # Wed 22:30 CET
        ("Mon-Fri 22:00-07:00 Europe/Berlin", "2026-11-25T20:59:00Z", False),  # Wed 21:59 CET
        ("Mon-Fri 22:00-07:00 Europe/Berlin", "2026-11-28T05:00:00Z", True),  # Sat 06:00: Friday's night
        ("Mon-Fri 22:00-07:00 Europe/Berlin", "2026-11-29T05:00:00Z", False),  # Sun 06:00: Saturday is not listed
        ("Mon-Fri 22:00-07:00 Europe/Berlin", "2026-11-30T06:00:00Z", False),  # Mon 07:00: the end is excluded
        ("Sat,Sun 00:00-24:00 UTC", "2026-11-29T23:59:00Z", True),
        ("Sat,Sun 00:00-24:00 UTC", "2026-11-30T00:00:00Z", False),
        ("* 12:00-13:00 America/New_York", "2026-07-01T16:30:00Z", True),  # 12:30 EDT (summer time)
        ("* 12:00-13:00 America/New_York", "2026-12-01T16:30:00Z", False),  # 11:30 EST
        ("* 12:00-13:00 America/New_York", "2026-12-01T17:30:00Z", True),  # 12:30 EST
        ("Sun-Mon 10:00-11:00 UTC", "2026-11-30T10:30:00Z", True),  # a range across the week's end
    ],
)
def test_quiet_windows_follow_local_time_days_and_midnight(spec, moment, quiet):
    window = parse_quiet_window(spec)
    assert (quiet_at((window,), iso_ms(moment.replace("Z", ".000Z"))) is window) is quiet


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("Mon-Fri 22:00-07:00", "a quiet window is"),
        ("Mon-Fri 25:00-07:00 UTC", "not a time of day"),
        ("Mon-Fri 22:60-07:00 UTC", "not a time of day"),
        ("Mon-Fri 24:00-07:00 UTC", "not a time of day"),  # 24:00 ends a window, it cannot start one
        ("Mon-Fri 07:00-07:00 UTC", "empty window"),
        ("Mon-Fry 22:00-07:00 UTC", "not a day"),
        ("Mon-Fri 22:00-07:00 Mars/Olympus", "not a time zone"),
    ],
)
def test_a_quiet_window_that_cannot_be_read_is_refused_with_the_reason(spec, reason):
    with pytest.raises(ValueError, match=reason):
        parse_quiet_window(spec)


def test_every_incident_message_passes_slacks_block_kit_models_and_limits():
    from slack_sdk.models.blocks import Block

    resolved = an_incident(status=RESOLVED, resolved_at_ms=T0 + 30 * MINUTE, critical=True)
    payloads = [
        parent_message(an_incident(), title="t" * 150, log_group_names=["/g"] * 100, now_ms=T0, mention="here"),
        parent_message(resolved, title="t", log_group_names=["/g"], now_ms=T0),
        resolution_message(resolved, title="t" * 150, quiet_windows=12, interval_minutes=1440),
        muted_summary(Muted(T0, T0 + MINUTE, errors_by_status={status: 1 for status in range(400, 600)}), title="t"),
    ]
    for payload in payloads:
        assert len(payload["blocks"]) <= 50 and len(payload["text"]) <= 4000  # chat.update's text limit
        for block in payload["blocks"]:
            Block.parse(block).validate_json()  # raises SlackObjectFormationError past a documented limit
