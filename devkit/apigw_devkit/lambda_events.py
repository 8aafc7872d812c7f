"""What Lambda hands the notifier: scheduled events, the window each covers, a context that counts down.

Written from the AWS documentation (and tests/fixtures), never from the notifier's code.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

MINUTE_MS = 60_000


class WallClockContext:
    """A Lambda context whose remaining time counts down in real time (for runs against the emulator)."""

    def __init__(self, budget_ms: int = 300_000) -> None:
        self._deadline = time.monotonic() + budget_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def next_scheduled_minutes(
    count: int, interval_minutes: int = 5, lag_seconds: int = 60, now_ms: int | None = None
) -> list[int]:
    """Scheduled minutes (multiples of the interval) whose windows all lie after ``now``.

    Logs Insights refuses a range that ends before the log group was created, and the emulator's groups are
    created by the test: so the tests report windows a little in the future (PutLogEvents takes events up to two
    hours ahead).
    """
    now_ms = now_ms if now_ms is not None else int(datetime.now(UTC).timestamp() * 1000)
    interval_ms = interval_minutes * MINUTE_MS
    first = (now_ms + lag_seconds * 1000 + interval_ms) // interval_ms * interval_ms + interval_ms
    return [first + index * interval_ms for index in range(count)]


def window_of(scheduled_ms: int, interval_minutes: int = 5, lag_seconds: int = 60) -> tuple[int, int]:
    """The documented window of a run: [minute - interval - lag, minute - lag), computed here from the README's rule."""
    minute = scheduled_ms // MINUTE_MS * MINUTE_MS
    end = minute - lag_seconds * 1000
    return end - interval_minutes * MINUTE_MS, end


def scheduled_event(scheduled_ms: int, rule_arn: str = "arn:aws:events:us-east-1:123456789012:rule/notifier") -> dict:
    """What EventBridge hands a scheduled rule's target (tests/fixtures/eventbridge-scheduled-event.json's shape)."""
    moment = datetime.fromtimestamp(scheduled_ms / 1000, tz=UTC)
    return {
        "version": "0",
        "id": f"event-{scheduled_ms}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": rule_arn.split(":")[4],
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": rule_arn.split(":")[3],
        "resources": [rule_arn],
        "detail": {},
    }
