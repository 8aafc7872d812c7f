"""What invoked the function, and so which window it reports: a schedule, an alarm, or a person.

- An EventBridge scheduled event (``source`` aws.events, ``detail-type`` Scheduled Event) reports the window of its
  scheduled ``time`` (window.scheduled_window); a scheduled event whose time cannot be read is *invalid*: its
  window would go unreported, so the run says so and fails.
- An SNS notification from the alarm topic (``Records[0].EventSource`` aws:sns) whose message is a CloudWatch
  alarm of ``alarm_names`` going to ALARM reports at once the minutes the alarm judged: the datapoints its
  ``NewStateReason`` lists ("Threshold Crossed: 3 out of the last 3 datapoints [32.6 (03/07/25 08:29:00), ...]",
  CloudWatch User Guide, "Acting on alarm changes"; day/month/year, UTC), each a period of ``Trigger.Period``
  seconds, widened by the ingestion lag (window.judged_window). A message without datapoints that fit before its
  StateChangeTime falls back to the evaluation periods before the change (window.alarm_window), and the digest
  says which. The message is checked field by field (the alarm's SNS notification: AlarmName, NewStateValue,
  NewStateReason, StateChangeTime, Trigger.Period and EvaluationPeriods); any other message, another alarm's, an
  OK, or times outside what a window can hold, is *ignored*: logged, never a failure.
- Anything else that is a JSON object (a test event from the console, a manual invoke) reports the window of the
  current minute, as if scheduled now.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accesslog_notifier.records import safe_text
from accesslog_notifier.window import (
    MS_PER_MINUTE,
    MS_PER_SECOND,
    Window,
    alarm_window,
    judged_window,
    parse_iso_ms,
    scheduled_minute_for,
    scheduled_window,
)

SCHEDULED, ALARM, MANUAL, IGNORED, INVALID = "scheduled", "alarm", "manual", "ignored", "invalid"
MAX_ALARM_SPAN_S = 86400  # CloudWatch: period x evaluation periods is at most a day for sub-hour periods
# A datapoint in NewStateReason: "7.0 (25/11/26 09:31:00)", its period's start as day/month/two-digit year, UTC.
_DATAPOINT = re.compile(r"\((\d{2})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)", re.ASCII)
MAX_REASON_CHARS = 1023  # PutMetricAlarm / SetAlarmState: StateReason is at most 1,023 characters


@dataclass(frozen=True)
class AlarmNotice:
    """The parts of a CloudWatch alarm's SNS message the digest uses."""

    alarm_name: str
    state_change_ms: int
    period_seconds: int
    evaluation_periods: int
    # The starts of the periods the alarm judged, from NewStateReason; empty when the message did not name them.
    datapoints_ms: tuple[int, ...] = ()


@dataclass(frozen=True)
class Invocation:
    """What to report: ``kind``, its window (None when ignored or invalid), and why when there is nothing to do."""

    kind: str
    window: Window | None = None
    scheduled_ms: int | None = None
    alarm: AlarmNotice | None = None
    reason: str = ""


def judged_datapoints(
    reason: Any, state_change_ms: int, period_seconds: int, evaluation_periods: int
) -> tuple[int, ...]:
    """The datapoints NewStateReason lists, as epoch ms; () unless every one is a real time that lies within the
    alarm's evaluation range before its state change (so a month/day mix-up or a reason of another shape never
    moves the window)."""
    if not isinstance(reason, str) or len(reason) > MAX_REASON_CHARS:
        return ()
    opening, closing = reason.find("["), reason.find("]")
    if opening < 0 or closing < opening:
        return ()
    found = []
    earliest = state_change_ms - (evaluation_periods + 1) * period_seconds * MS_PER_SECOND
    for day, month, year, hour, minute, second in _DATAPOINT.findall(reason[opening:closing]):
        try:
            moment = datetime(2000 + int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
        except ValueError:
            return ()
        timestamp_ms = int(moment.timestamp()) * MS_PER_SECOND
        if not earliest <= timestamp_ms <= state_change_ms:
            return ()
        found.append(timestamp_ms)
    return tuple(sorted(found))


def classify(
    event: Any,
    now_ms: int,
    *,
    interval_minutes: int,
    lag_seconds: int,
    alarm_names: Sequence[str],
) -> Invocation:
    """The invocation ``event`` asks for (never raises: a bad event is INVALID or IGNORED, with the reason)."""
    if not isinstance(event, dict):
        return Invocation(IGNORED, reason=f"the event is a {type(event).__name__}, not a JSON object")
    if event.get("source") == "aws.events" or event.get("detail-type") == "Scheduled Event":
        try:
            scheduled_ms = parse_iso_ms(event.get("time"))
            window = scheduled_window(scheduled_ms, interval_minutes, lag_seconds)
        except ValueError as error:
            return Invocation(
                INVALID, reason=f"the scheduled event's time cannot be used: {safe_text(str(error), 200)}"
            )
        return Invocation(SCHEDULED, window, scheduled_ms)
    if "Records" in event:
        return _alarm_invocation(event, alarm_names, lag_seconds)
    try:
        return Invocation(MANUAL, scheduled_window(now_ms, interval_minutes, lag_seconds), now_ms)
    except ValueError as error:
        return Invocation(INVALID, reason=f"the clock cannot give a window: {error}")


def _alarm_invocation(event: dict[str, Any], alarm_names: Sequence[str], lag_seconds: int) -> Invocation:
    records = event.get("Records")
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        return Invocation(IGNORED, reason="an SNS event carries exactly one record")
    record = records[0]
    sns = record.get("Sns")
    if record.get("EventSource") != "aws:sns" or not isinstance(sns, dict) or not isinstance(sns.get("Message"), str):
        return Invocation(IGNORED, reason="not an SNS notification")
    try:
        message = json.loads(sns["Message"])
    except (ValueError, RecursionError):
        return Invocation(IGNORED, reason="the SNS message is not JSON (not a CloudWatch alarm)")
    if not isinstance(message, dict):
        return Invocation(IGNORED, reason="the SNS message is not a JSON object")
    name = message.get("AlarmName")
    if not isinstance(name, str) or name not in alarm_names:
        return Invocation(IGNORED, reason=f"alarm {safe_text(name, 120)!r} is not one the digest follows")
    if message.get("NewStateValue") != "ALARM":
        return Invocation(
            IGNORED, reason=f"alarm {name} went to {safe_text(message.get('NewStateValue'), 40)}, not ALARM"
        )
    trigger = message.get("Trigger")
    period = trigger.get("Period") if isinstance(trigger, dict) else None
    evaluations = trigger.get("EvaluationPeriods") if isinstance(trigger, dict) else None
    if not (type(period) is int and type(evaluations) is int and period > 0 and evaluations > 0):
        return Invocation(IGNORED, reason=f"alarm {name}'s message has no usable Trigger.Period/EvaluationPeriods")
    if period * evaluations > MAX_ALARM_SPAN_S:
        return Invocation(IGNORED, reason=f"alarm {name} evaluates more than a day; the scheduled digests cover it")
    try:
        # CloudWatch writes "2026-11-25T12:03:27.123+0000": an offset without a colon.
        changed = message.get("StateChangeTime")
        text = changed[:-2] + ":" + changed[-2:] if isinstance(changed, str) and changed[-5] in ("+", "-") else changed
        state_change_ms = parse_iso_ms(text)
    except (ValueError, TypeError, IndexError):
        return Invocation(IGNORED, reason=f"alarm {name}'s StateChangeTime cannot be read")
    datapoints = judged_datapoints(message.get("NewStateReason"), state_change_ms, period, evaluations)
    try:
        if datapoints:
            window = judged_window(datapoints, period, lag_seconds)
        else:
            window = alarm_window(state_change_ms, period, evaluations)
    except ValueError:
        return Invocation(IGNORED, reason=f"alarm {name}'s times lie outside what a window can hold (1970 to 9999)")
    return Invocation(ALARM, window, alarm=AlarmNotice(name, state_change_ms, period, evaluations, datapoints))


def scheduled_runs_covering(window: Window, interval_minutes: int, lag_seconds: int) -> list[tuple[int, Window]]:
    """The scheduled runs (minute, window) whose windows together hold ``window``: where its complete numbers are."""
    first = scheduled_minute_for(window.start_ms, interval_minutes, lag_seconds)
    last = scheduled_minute_for(window.end_ms - 1, interval_minutes, lag_seconds)
    step = interval_minutes * MS_PER_MINUTE
    return [
        (minute, scheduled_window(minute, interval_minutes, lag_seconds)) for minute in range(first, last + step, step)
    ]
