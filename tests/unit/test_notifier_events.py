"""What invoked the function decides the window: schedule, alarm, person; anything unexpected is ignored."""

from __future__ import annotations

import copy
import json

import pytest
from accesslog_notifier.events import ALARM, IGNORED, INVALID, MANUAL, SCHEDULED, classify, scheduled_runs_covering
from accesslog_notifier.window import Window
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import alarm_event, iso_ms

ALARMS = ("orders-api-4xx", "orders-api-5xx")


NOW_MS = iso_ms("2026-11-25T09:41:17.000Z")


def classify_(event, now_ms=NOW_MS):
    return classify(event, now_ms, interval_minutes=5, lag_seconds=60, alarm_names=ALARMS)


def test_a_scheduled_event_reports_the_window_of_its_time(load_fixture):
    invocation = classify_(load_fixture("eventbridge-scheduled-event.json"))

    assert invocation.kind == SCHEDULED
    assert invocation.window == Window(iso_ms("2026-11-25T09:34:00.000Z"), iso_ms("2026-11-25T09:39:00.000Z"))


@pytest.mark.parametrize(
    "time", ["99999-01-01T00:00:00Z", "yesterday", None, "\uff12\uff10\uff12\uff16-11-25T09:40:00Z", 17]
)
def test_a_scheduled_event_whose_time_cannot_be_used_is_invalid_not_an_exception(load_fixture, time):
    event = {**load_fixture("eventbridge-scheduled-event.json"), "time": time}

    invocation = classify_(event)

    assert invocation.kind == INVALID and invocation.window is None
    assert "time cannot be used" in invocation.reason


def test_an_alarm_going_to_alarm_reports_its_evaluation_period(load_fixture):
    invocation = classify_(alarm_event(load_fixture("cloudwatch-alarm-message.json")))

    assert invocation.kind == ALARM
    assert invocation.alarm.alarm_name == "orders-api-5xx"
    assert invocation.alarm.state_change_ms == iso_ms("2026-11-25T09:32:04.871Z")  # "+0000" read as UTC
    assert invocation.window == Window(iso_ms("2026-11-25T09:31:00.000Z"), iso_ms("2026-11-25T09:33:00.000Z"))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"NewStateValue": "OK"}, "went to OK, not ALARM"),
        ({"AlarmName": "orders-api-accesslog-notifier-unreported"}, "is not one the digest follows"),
        ({"AlarmName": None}, "is not one the digest follows"),
        ({"Trigger": {"Period": "60", "EvaluationPeriods": 1}}, "no usable Trigger"),
        ({"Trigger": {"Period": 60, "EvaluationPeriods": 0}}, "no usable Trigger"),
        ({"Trigger": None}, "no usable Trigger"),
        ({"Trigger": {"Period": 3600, "EvaluationPeriods": 25}}, "more than a day"),
        ({"StateChangeTime": "sometime"}, "StateChangeTime cannot be read"),
        ({"StateChangeTime": None}, "StateChangeTime cannot be read"),
        ({"StateChangeTime": "99999-01-01T00:00:00.000+0000"}, "StateChangeTime cannot be read"),
    ],
)
def test_other_alarm_messages_are_ignored_with_the_reason(load_fixture, change, reason):
    message = {**load_fixture("cloudwatch-alarm-message.json"), **change}

    invocation = classify_(alarm_event(message))

    assert invocation.kind == IGNORED and reason in invocation.reason


@pytest.mark.parametrize(
    "event",
    [
        {"Records": []},
        {"Records": "x"},
        {"Records": [{"EventSource": "aws:s3", "Sns": {"Message": "{}"}}]},
        {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "not json"}}]},
        {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "[1, 2]"}}]},
        {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "[" * 100_000}}]},  # deeply nested
        {"Records": [{"EventSource": "aws:sns", "Sns": {}}]},
        ["not", "an", "object"],
        "text",
        None,
    ],
)
def test_unexpected_events_are_ignored(event):
    assert classify_(event).kind == IGNORED


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_no_json_value_makes_classification_raise(event):
    message = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(event)}}]}
    for candidate in (event, message, {"source": "aws.events", "time": event}):
        assert classify_(candidate).kind in (SCHEDULED, ALARM, MANUAL, IGNORED, INVALID)


def test_a_manual_invocation_reports_the_window_of_the_current_minute():
    invocation = classify_({"source": "console"}, now_ms=iso_ms("2026-11-25T09:41:17.000Z"))

    assert invocation.kind == MANUAL
    assert invocation.window == Window(iso_ms("2026-11-25T09:35:00.000Z"), iso_ms("2026-11-25T09:40:00.000Z"))


def test_the_scheduled_runs_that_carry_an_alarm_windows_complete_numbers():
    # Runs every 5 minutes on :00, :05 ...; run k reports [k - 6 min, k - 1 min).
    alarm = Window(iso_ms("2026-11-25T09:31:00.000Z"), iso_ms("2026-11-25T09:33:00.000Z"))
    [(minute, window)] = scheduled_runs_covering(alarm, 5, 60)
    assert minute == iso_ms("2026-11-25T09:35:00.000Z")
    assert window == Window(iso_ms("2026-11-25T09:29:00.000Z"), iso_ms("2026-11-25T09:34:00.000Z"))

    spanning = Window(iso_ms("2026-11-25T09:22:00.000Z"), iso_ms("2026-11-25T09:33:00.000Z"))
    minutes = [minute for minute, _ in scheduled_runs_covering(spanning, 5, 60)]
    assert minutes == [iso_ms(f"2026-11-25T09:{m}:00.000Z") for m in ("25", "30", "35")]


def test_the_fixture_message_is_not_changed_by_classification(load_fixture):
    message = load_fixture("cloudwatch-alarm-message.json")
    before = copy.deepcopy(message)
    classify_(alarm_event(message))
    assert message == before
