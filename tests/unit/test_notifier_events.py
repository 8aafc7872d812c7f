"""What invoked the function decides the window: schedule, alarm, person; anything unexpected is ignored."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from accesslog_notifier.events import (
    ALARM,
    IGNORED,
    INVALID,
    MANUAL,
    SCHEDULED,
    Invocation,
    classify,
    scheduled_runs_covering,
)
from accesslog_notifier.window import Window
from apigw_devkit.lambda_events import window_of
from hypothesis import example, given, settings
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
    assert invocation.scheduled_ms == iso_ms("2026-11-25T09:40:00.000Z")


@pytest.mark.parametrize(
    "time", ["99999-01-01T00:00:00Z", "yesterday", None, "\uff12\uff10\uff12\uff16-11-25T09:40:00Z", 17]
)
def test_a_scheduled_event_whose_time_cannot_be_used_is_invalid_not_an_exception(load_fixture, time):
    event = {**load_fixture("eventbridge-scheduled-event.json"), "time": time}

    invocation = classify_(event)

    assert invocation.kind == INVALID and invocation.window is None
    assert "time cannot be used" in invocation.reason


def test_an_alarm_going_to_alarm_reports_the_minute_it_judged_widened_by_the_lag(load_fixture):
    # NewStateReason: "1 out of the last 1 datapoints [7.0 (25/11/26 09:31:00)]", a 60 s period, a 60 s lag.
    invocation = classify_(alarm_event(load_fixture("cloudwatch-alarm-message.json")))

    assert invocation.kind == ALARM
    assert invocation.alarm.alarm_name == "orders-api-5xx"
    assert invocation.alarm.state_change_ms == iso_ms("2026-11-25T09:32:04.871Z")  # "+0000" read as UTC
    assert (invocation.alarm.period_seconds, invocation.alarm.evaluation_periods) == (60, 1)
    assert invocation.alarm.datapoints_ms == (iso_ms("2026-11-25T09:31:00.000Z"),)
    assert invocation.window == Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:32:00.000Z"))


NO_DATAPOINTS = (
    "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching]."
)


@pytest.mark.parametrize(
    ("reason", "period", "evaluations", "judged", "window"),
    [
        # Three datapoints of 5-minute periods, newest first as CloudWatch lists them: 09:15 to 09:30, less the lag.
        (
            "Threshold Crossed: 3 out of the last 3 datapoints [9.0 (25/11/26 09:25:00), 8.0 (25/11/26 09:20:00), "
            "7.0 (25/11/26 09:15:00)] were greater than or equal to the threshold (1.0).",
            300,
            3,
            ("09:15", "09:20", "09:25"),
            ("09:14", "09:30"),
        ),
        # A high-resolution 10 s period: out to whole minutes.
        (
            "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (25/11/26 09:31:50)] was greater than ...",
            10,
            1,
            ("09:31:50",),
            ("09:30", "09:32"),
        ),
        # No datapoints named: the evaluation periods before the change, to whole minutes.
        (NO_DATAPOINTS, 60, 2, (), ("09:30", "09:33")),
        # A datapoint after the change, or long before the periods the alarm evaluates, is not what it judged (a
        # day/month mix-up would give one): the fallback, never a window somewhere else.
        ("1 datapoint [7.0 (25/11/26 09:40:00)] was ...", 60, 1, (), ("09:31", "09:33")),
        ("1 datapoint [7.0 (11/25/26 09:31:00)] was ...", 60, 1, (), ("09:31", "09:33")),
        ("1 datapoint [7.0 (25/10/26 09:31:00)] was ...", 60, 1, (), ("09:31", "09:33")),
        ("1 datapoint [7.0 (31/02/26 09:31:00)] was ...", 60, 1, (), ("09:31", "09:33")),
        # Datapoints outside the brackets are not the list: ignored.
        ("see (25/11/26 09:31:00) [no data]", 60, 1, (), ("09:31", "09:33")),
        (None, 60, 1, (), ("09:31", "09:33")),
        ("x" * 1024, 60, 1, (), ("09:31", "09:33")),
    ],
)
def test_the_alarm_window_is_the_judged_datapoints_or_else_the_evaluation_periods(
    load_fixture, reason, period, evaluations, judged, window
):
    message = load_fixture("cloudwatch-alarm-message.json")  # changed at 2026-11-25T09:32:04.871+0000
    message.update(NewStateReason=reason)
    message["Trigger"].update(Period=period, EvaluationPeriods=evaluations)

    invocation = classify_(alarm_event(message))

    def at(clock: str) -> int:
        return iso_ms(f"2026-11-25T{clock}{'' if clock.count(':') == 2 else ':00'}.000Z")

    assert invocation.kind == ALARM
    assert invocation.alarm.datapoints_ms == tuple(at(each) for each in judged)
    assert invocation.window == Window(at(window[0]), at(window[1]))


def test_an_alarm_whose_times_a_window_cannot_hold_is_ignored_with_the_reason(load_fixture):
    message = {**load_fixture("cloudwatch-alarm-message.json"), "StateChangeTime": "9999-12-31T23:59:30.000+0000"}
    message["NewStateReason"] = NO_DATAPOINTS

    invocation = classify_(alarm_event(message))

    assert invocation.kind == IGNORED and invocation.window is None
    assert "times lie outside what a window can hold" in invocation.reason


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
    invocation = classify_(event)

    assert invocation.kind == IGNORED and invocation.reason  # says why


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_any_json_value_is_classified_without_raising_and_consistently(event):
    message = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(event)}}]}
    for candidate in (event, message, {"source": "aws.events", "time": event}):
        invocation = classify_(candidate)
        assert invocation.kind in (SCHEDULED, ALARM, MANUAL, IGNORED, INVALID)
        # Nothing to do always says why; something to do always has its window.
        assert (invocation.window is None) == (invocation.kind in (IGNORED, INVALID))
        assert bool(invocation.reason) == (invocation.kind in (IGNORED, INVALID))


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


def classify_with(event: object, interval_minutes: int, lag_seconds: int, now_ms: int = NOW_MS) -> Invocation:
    return classify(event, now_ms, interval_minutes=interval_minutes, lag_seconds=lag_seconds, alarm_names=ALARMS)


@pytest.mark.parametrize(("interval_minutes", "lag_seconds"), [(5, 60), (15, 120), (1, 0), (60, 300)])
def test_a_scheduled_run_reports_the_interval_before_its_minute_whatever_the_second_it_fires(
    load_fixture: Callable[[str], Any], interval_minutes: int, lag_seconds: int
) -> None:
    # EventBridge runs "within that minute, but not on the precise 0th second"; the window is the minute's.
    event = {**load_fixture("eventbridge-scheduled-event.json"), "time": "2026-11-25T09:40:27Z"}
    scheduled_ms = iso_ms("2026-11-25T09:40:27.000Z")

    invocation = classify_with(event, interval_minutes, lag_seconds)

    assert invocation.kind == SCHEDULED and invocation.scheduled_ms == scheduled_ms
    assert invocation.window == Window(*window_of(scheduled_ms, interval_minutes, lag_seconds))


@pytest.mark.parametrize("missing", ["source", "detail-type"])
def test_either_eventbridge_mark_makes_an_event_scheduled(load_fixture: Callable[[str], Any], missing: str) -> None:
    event = load_fixture("eventbridge-scheduled-event.json")
    del event[missing]

    invocation = classify_(event)

    assert invocation.kind == SCHEDULED and invocation.scheduled_ms == iso_ms("2026-11-25T09:40:00.000Z")


def test_the_reason_a_scheduled_time_is_unusable_quotes_what_arrived(load_fixture: Callable[[str], Any]) -> None:
    event = {**load_fixture("eventbridge-scheduled-event.json"), "time": "next tuesday"}

    assert "next tuesday" in classify_(event).reason


@pytest.mark.parametrize(("interval_minutes", "lag_seconds"), [(5, 60), (15, 120), (1, 0)])
def test_a_manual_invocation_is_scheduled_now(interval_minutes: int, lag_seconds: int) -> None:
    invocation = classify_with({"comment": "run from the console"}, interval_minutes, lag_seconds)

    assert invocation.kind == MANUAL and invocation.scheduled_ms == NOW_MS
    assert invocation.window == Window(*window_of(NOW_MS, interval_minutes, lag_seconds))


def test_a_clock_too_early_for_any_window_makes_a_manual_invocation_invalid() -> None:
    invocation = classify_({}, now_ms=30_000)  # 1970-01-01T00:00:30Z: its window would start before 1970

    assert invocation.kind == INVALID and invocation.window is None
    assert invocation.reason  # says why


def test_what_is_not_a_json_object_is_ignored_naming_what_it_is() -> None:
    invocation = classify_(["not", "an", "object"])

    assert invocation.kind == IGNORED and "list" in invocation.reason


@pytest.mark.parametrize(
    ("period", "evaluations"),
    [(1, 1), (60, 1), (10, 3), (300, 3), (3600, 24), (86400, 1), (60, 1440)],  # from 1 s up to exactly a day
)
def test_an_alarm_reports_its_evaluation_periods_up_to_the_end_of_the_minute_it_changed(
    load_fixture: Callable[[str], Any], period: int, evaluations: int
) -> None:
    message = load_fixture("cloudwatch-alarm-message.json")  # changed at 2026-11-25T09:32:04.871+0000
    message["Trigger"].update(Period=period, EvaluationPeriods=evaluations)
    message["NewStateReason"] = NO_DATAPOINTS

    invocation = classify_(alarm_event(message))

    end_ms = iso_ms("2026-11-25T09:33:00.000Z")  # the end of the minute of the change
    start_ms = (iso_ms("2026-11-25T09:32:00.000Z") - period * evaluations * 1000) // 60_000 * 60_000
    assert invocation.kind == ALARM and invocation.window == Window(start_ms, end_ms)
    assert (invocation.alarm.period_seconds, invocation.alarm.evaluation_periods) == (period, evaluations)


@pytest.mark.parametrize(
    ("changed", "utc"),
    [
        ("2026-11-25T09:32:04.871+0000", "2026-11-25T09:32:04.871Z"),
        ("2026-11-25T04:32:04.871-0500", "2026-11-25T09:32:04.871Z"),
        ("2026-11-25T15:02:04.871+0530", "2026-11-25T09:32:04.871Z"),
        ("2026-11-25T15:02:04.871+05:30", "2026-11-25T09:32:04.871Z"),
        ("2026-11-25T09:32:04.871Z", "2026-11-25T09:32:04.871Z"),
        ("2026-11-25T09:32:04Z", "2026-11-25T09:32:04.000Z"),
    ],
)
def test_the_state_change_time_is_read_with_its_offset(
    load_fixture: Callable[[str], Any], changed: str, utc: str
) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "StateChangeTime": changed}

    invocation = classify_(alarm_event(message))

    assert invocation.kind == ALARM and invocation.alarm.state_change_ms == iso_ms(utc)


@pytest.mark.parametrize(
    "trigger",
    [
        {"Period": 0, "EvaluationPeriods": 1},
        {"Period": -60, "EvaluationPeriods": 1},
        {"Period": 60, "EvaluationPeriods": -1},
        {"Period": 60, "EvaluationPeriods": "1"},
        {"Period": 60.0, "EvaluationPeriods": 1},
        {"Period": True, "EvaluationPeriods": 1},
        {"Period": 60},
        {"EvaluationPeriods": 1},
        [60, 1],
    ],
)
def test_an_alarm_without_a_positive_whole_period_and_evaluation_count_is_ignored(
    load_fixture: Callable[[str], Any], trigger: object
) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "Trigger": trigger}

    invocation = classify_(alarm_event(message))

    assert invocation.kind == IGNORED and "no usable Trigger" in invocation.reason


@pytest.mark.parametrize("changed", ["+0000", "soon", 1764063124871, ["2026-11-25T09:32:04.871+0000"]])
def test_a_state_change_time_that_is_not_a_time_is_ignored_not_an_exception(
    load_fixture: Callable[[str], Any], changed: object
) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "StateChangeTime": changed}

    invocation = classify_(alarm_event(message))

    assert invocation.kind == IGNORED and "StateChangeTime cannot be read" in invocation.reason


def test_the_reason_names_the_alarm_that_is_not_followed(load_fixture: Callable[[str], Any]) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "AlarmName": "payments-api-latency"}

    assert "payments-api-latency" in classify_(alarm_event(message)).reason


@pytest.mark.parametrize("field", ["AlarmName", "NewStateValue"])
def test_what_an_alarm_message_says_is_quoted_in_the_reason_only_in_part(
    load_fixture: Callable[[str], Any], field: str
) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), field: "A" * 100_000}

    invocation = classify_(alarm_event(message))

    assert invocation.kind == IGNORED and "AAAA" in invocation.reason and len(invocation.reason) < 400


def sns_event(*records: dict) -> dict:
    return {"Records": list(records)}


def sns_record(message: object, source: str = "aws:sns") -> dict:
    return {"EventSource": source, "Sns": {"Type": "Notification", "Message": message}}


@pytest.mark.parametrize(
    "shape",
    ["two records", "not SNS", "message already decoded", "no Sns", "record not an object"],
)
def test_an_alarm_message_arriving_other_than_as_one_sns_record_is_ignored(
    load_fixture: Callable[[str], Any], shape: str
) -> None:
    text = json.dumps(load_fixture("cloudwatch-alarm-message.json"))
    event = {
        "two records": sns_event(sns_record(text), sns_record(text)),
        "not SNS": sns_event(sns_record(text, source="aws:sqs")),
        "message already decoded": sns_event(sns_record(json.loads(text))),
        "no Sns": sns_event({"EventSource": "aws:sns", "Message": text}),
        "record not an object": sns_event(text),
    }[shape]

    invocation = classify_(event)

    assert invocation.kind == IGNORED and invocation.window is None and invocation.reason


def test_a_minimal_sns_record_carrying_the_alarm_message_is_an_alarm(load_fixture: Callable[[str], Any]) -> None:
    text = json.dumps(load_fixture("cloudwatch-alarm-message.json"))

    assert classify_(sns_event(sns_record(text))).kind == ALARM


@settings(max_examples=300, deadline=None)
@given(
    start_ms=st.integers(min_value=10**12, max_value=2 * 10**12),
    length_ms=st.integers(min_value=1, max_value=3 * 86_400_000),
    interval_minutes=st.sampled_from([1, 5, 15, 60]),
    lag_seconds=st.integers(min_value=0, max_value=600),
)
@example(start_ms=iso_ms("2026-11-25T09:29:00.000Z"), length_ms=1, interval_minutes=5, lag_seconds=60)
@example(start_ms=iso_ms("2026-11-25T09:31:00.000Z"), length_ms=180_000, interval_minutes=5, lag_seconds=60)
def test_the_runs_covering_a_window_are_exactly_the_scheduled_runs_whose_windows_meet_it(
    start_ms: int, length_ms: int, interval_minutes: int, lag_seconds: int
) -> None:
    window = Window(start_ms, start_ms + length_ms)
    interval_ms = interval_minutes * 60_000

    runs = scheduled_runs_covering(window, interval_minutes, lag_seconds)

    minutes = [minute for minute, _ in runs]
    assert all(minute % interval_ms == 0 for minute in minutes)  # the cron runs on multiples of the interval
    assert all(later - earlier == interval_ms for earlier, later in itertools.pairwise(minutes))
    assert all(run == Window(*window_of(minute, interval_minutes, lag_seconds)) for minute, run in runs)
    # Together they hold the window, and none is there for nothing.
    assert runs[0][1].start_ms <= window.start_ms and window.end_ms <= runs[-1][1].end_ms
    assert all(run.start_ms < window.end_ms and window.start_ms < run.end_ms for _, run in runs)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (sns_event(), "an SNS event carries exactly one record"),
        (sns_event(sns_record("{}"), sns_record("{}")), "an SNS event carries exactly one record"),
        (sns_event(sns_record("{}", source="aws:sqs")), "not an SNS notification"),
        (sns_event(sns_record("not json")), "the SNS message is not JSON (not a CloudWatch alarm)"),
        (sns_event(sns_record("[1, 2]")), "the SNS message is not a JSON object"),
    ],
)
def test_an_event_that_is_not_one_sns_notification_of_a_json_object_is_ignored_saying_which(
    event: dict, reason: str
) -> None:
    invocation = classify_(event)

    assert invocation.kind == IGNORED and invocation.reason == reason


def test_an_unfollowed_alarm_name_is_quoted_to_its_first_120_characters(load_fixture: Callable[[str], Any]) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "AlarmName": "n" * 120 + "#" * 80}

    invocation = classify_(alarm_event(message))

    assert invocation.reason == f"alarm {'n' * 120!r} is not one the digest follows"


def test_a_state_other_than_alarm_is_quoted_to_its_first_40_characters(load_fixture: Callable[[str], Any]) -> None:
    message = {**load_fixture("cloudwatch-alarm-message.json"), "NewStateValue": "S" * 40 + "#" * 60}

    invocation = classify_(alarm_event(message))

    assert invocation.reason == f"alarm orders-api-5xx went to {'S' * 40}, not ALARM"


def test_why_a_scheduled_time_is_unusable_is_quoted_to_200_characters(load_fixture: Callable[[str], Any]) -> None:
    # 100 control characters: the refusal spells each one as \x00, far longer than the reason quotes.
    event = {**load_fixture("eventbridge-scheduled-event.json"), "time": "\x00" * 100}
    prefix = "the scheduled event's time cannot be used: "

    reason = classify_(event).reason

    assert reason.startswith(prefix + "not an ISO 8601") and len(reason) == len(prefix) + 200
