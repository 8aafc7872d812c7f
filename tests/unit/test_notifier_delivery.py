"""Delivery of a window (delivery.py): mutes and what they held, the incident's thread, replays, races and the
standalone fallback, with the state in DynamoDB as moto emulates it in-process (no server) and Slack as a recording
channel in this file (no server either).

``RecordingChannel`` is Slack as delivery sees it: a Slack app's channel (messages with a ts, replies in threads,
edits; an edit of a deleted message is refused with message_not_found, a reply to a deleted thread with
thread_not_found) or, with ``threads=False``, an incoming webhook (no ts, no edits). It can be told to refuse a call
with Slack's error code. Another run acts through a second StateStore on the same table: just before this run's next
call of a table operation (``Interleaved``), before a post (``before_post``) or while this run waits
(``WaitingClock``). Expected messages are built from the incident the table holds and the counts each test wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from accesslog_notifier.delivery import Channel, Delivered, DeliveryError, Options, Window, deliver_window
from accesslog_notifier.incident_messages import Muted, muted_summary, parent_message, resolution_message
from accesslog_notifier.incidents import OPEN, OPENING, RESOLVED, Incident, WindowFacts, opened
from accesslog_notifier.quiet import parse_quiet_window
from accesslog_notifier.state import BUSY, NEW, StateStore, scope_of
from apigw_devkit.state_table import create_state_table
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws

from tests.support.notifier import FakeClock, iso_ms

REGION = "us-east-1"
MINUTE = 60_000
INTERVAL = 5 * MINUTE
T0 = iso_ms("2026-11-25T09:30:00.000Z")  # a Wednesday; window i runs from T0 + 5i minutes for five minutes
GROUPS = ("/aws/apigateway/orders-prod",)
SCOPE = scope_of(GROUPS)
CHANNEL = "C07EZ1ABC23"
TITLE = "orders-api: API Gateway errors"
OPTIONS = Options(title=TITLE, log_group_names=GROUPS, quiet_windows=3, interval_minutes=5, mention="here")
QUIET = parse_quiet_window("Wed 09:40-09:55 UTC")  # holds the moments of windows 1, 2 and 3 (09:40, 09:45, 09:50)


# --- the table --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    """A DynamoDB client on moto's in-process emulator, for the module (each test makes its own table)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
            patch.delenv(name, raising=False)
        with mock_aws():
            yield boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def table(dynamodb: Any, request: pytest.FixtureRequest) -> str:
    """A table as the notifier module creates it (pk/sk strings, tests/support/incident_hour.py), for one test."""
    name = "state-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:40]
    create_state_table(dynamodb, name)
    return name


class Interleaved:
    """The real client; ``before(operation, action)`` runs ``action`` (another run) just before this store's next
    call of ``operation``."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._before: dict[str, list[Callable[[], object]]] = {}

    def before(self, operation: str, *actions: Callable[[], object]) -> None:
        self._before.setdefault(operation, []).extend(actions)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        pending = self._before.get(name)

        def call(**request: Any) -> Any:
            if pending:
                pending.pop(0)()
            return method(**request)

        return call


@pytest.fixture
def client(dynamodb: Any) -> Interleaved:
    return Interleaved(dynamodb)


@pytest.fixture
def store(client: Interleaved, table: str) -> StateStore:
    return StateStore(client, table, SCOPE)


@pytest.fixture
def other(dynamodb: Any, table: str) -> StateStore:
    """Another run's view of the same table."""
    return StateStore(dynamodb, table, SCOPE)


def stored(store: StateStore) -> Incident:
    incident = store.incident()
    assert incident is not None
    return incident


# --- Slack ------------------------------------------------------------------------------------------------------------


@dataclass
class Message:
    ts: str | None
    payload: Mapping[str, Any]
    thread_ts: str | None = None
    edits: list[Mapping[str, Any]] = field(default_factory=list)


class RecordingChannel:
    """A Slack app's channel (``threads``) or an incoming webhook, recording what delivery does with it."""

    def __init__(self, *, threads: bool = True) -> None:
        self.threads = threads
        self.channel_id = CHANNEL if threads else None
        self.messages: list[Message] = []
        self.calls: list[tuple[str, str | None]] = []  # ("post", thread) or ("update", ts), in order
        self.before_post: list[Callable[[], object]] = []
        self._script: dict[str, list[str]] = {"post": [], "update": []}
        self._posted = 0

    def refuse(self, operation: str, code: str = "internal_error", *, after: int = 0) -> None:
        """Refuse the call of ``operation`` that comes after ``after`` more successful ones."""
        self._script[operation] = [""] * after + [code]

    def _answer(self, operation: str, method: str) -> None:
        if self._script[operation]:
            code = self._script[operation].pop(0)
            if code:
                raise DeliveryError(f"Slack refused {method}: {code}", code=code)

    def post(self, payload: Mapping[str, Any], thread_ts: str | None = None) -> str | None:
        self.calls.append(("post", thread_ts))
        if self.before_post:
            self.before_post.pop(0)()
        self._answer("post", "chat.postMessage")
        if thread_ts is not None and self.find(thread_ts) is None:
            raise DeliveryError("Slack refused chat.postMessage: thread_not_found", code="thread_not_found")
        self._posted += 1
        ts = f"1795000000.{self._posted:06d}" if self.threads else None
        self.messages.append(Message(ts, dict(payload), thread_ts))
        return ts

    def update(self, ts: str, payload: Mapping[str, Any]) -> None:
        self.calls.append(("update", ts))
        if not self.threads:
            raise DeliveryError("an incoming webhook cannot edit a message")
        self._answer("update", "chat.update")
        message = self.find(ts)
        if message is None:
            raise DeliveryError("Slack refused chat.update: message_not_found", code="message_not_found")
        message.edits.append(dict(payload))

    def find(self, ts: str) -> Message | None:
        return next((message for message in self.messages if message.ts == ts), None)

    def delete(self, ts: str) -> None:
        self.messages = [message for message in self.messages if ts not in (message.ts, message.thread_ts)]

    def top_level(self) -> list[Message]:
        return [message for message in self.messages if message.thread_ts is None]

    def replies(self, ts: str | None) -> list[Mapping[str, Any]]:
        return [message.payload for message in self.messages if message.thread_ts == ts and ts is not None]


@dataclass
class WaitingClock(FakeClock):
    """The test clock, where another run may act while this one sleeps."""

    during_sleep: list[Callable[[], object]] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if self.during_sleep:
            self.during_sleep.pop(0)()


@dataclass
class Notifier:
    """deliver_window as the handler calls it, with this test's store, channel and clock."""

    store: StateStore | None
    slack: RecordingChannel = field(default_factory=RecordingChannel)
    options: Options = OPTIONS
    clock: WaitingClock = field(default_factory=WaitingClock)
    refuse_connect: str = ""  # the channel cannot be made (a missing parameter, say): DeliveryError with this text
    connected: int = 0

    def channel(self) -> Channel:
        self.connected += 1
        if self.refuse_connect:
            raise DeliveryError(self.refuse_connect)
        return self.slack

    def run(self, window: Window, *, deadline_s: float = 60.0) -> Delivered:
        return deliver_window(
            window,
            self.options,
            store=self.store,
            channel=self.channel,
            clock=self.clock.as_clock(),
            deadline=self.clock.now + deadline_s,
        )


def digest(index: int, errors: int, part: int = 0) -> dict[str, Any]:
    text = f"window {index}: {errors} errors (part {part})"
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def window(
    index: int,
    errors: int = 0,
    *,
    run_id: str = "",
    kind: str = "scheduled",
    parts: int | None = None,
    critical: bool = False,
    reportable: bool | None = None,
    requests: int = 100,
    unparsed: int = 0,
    now_ms: int | None = None,
) -> Window:
    """Window ``index`` with ``errors`` 503s spread over its first minute, run 20 s into its scheduled minute (its
    end); ``parts`` digest messages (one when it has errors, else none)."""
    start = T0 + index * INTERVAL
    end = start + INTERVAL
    now = end + 20_000 if now_ms is None else now_ms
    facts = WindowFacts(
        start_ms=start,
        end_ms=end,
        errors=errors,
        requests=requests,
        errors_5xx=errors,
        errors_by_minute={start: errors} if errors else {},
        reportable=errors > 0 if reportable is None else reportable,
        critical=critical,
    )
    count = (1 if errors else 0) if parts is None else parts
    return Window(
        key=f"{kind}#{start}-{end}",
        kind=kind,
        facts=facts,
        payloads=[digest(index, errors, part) for part in range(count)],
        moment_ms=end,
        run_id=run_id or f"request-{index}",
        now_ms=now,
        claim_expires_ms=now + 5 * MINUTE,
        unparsed=unparsed,
        errors_by_status={503: errors} if errors else {},
    )


def parent_of(incident: Incident, now_ms: int, mention: str = "") -> dict[str, Any]:
    """The parent message the incident's totals make (incident_messages.parent_message, tested on its own)."""
    return parent_message(
        incident, title=TITLE, log_group_names=GROUPS, now_ms=now_ms, mention=mention, quiet_windows=3
    )


def hhmm(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%H:%M")


def held(*windows: Window, reason: str) -> Muted:
    """What ``windows`` held while muted, from the counts the test wrote."""
    statuses: dict[int, int] = {}
    for each in windows:
        for status, count in each.errors_by_status.items():
            statuses[status] = statuses.get(status, 0) + count
    return Muted(
        from_ms=min(each.facts.start_ms for each in windows),
        to_ms=max(each.facts.end_ms for each in windows),
        windows=len(windows),
        errors=sum(each.facts.errors for each in windows),
        requests=sum(each.facts.requests for each in windows),
        unparsed=sum(each.unparsed for each in windows),
        errors_by_status=statuses,
        reasons=(reason,),
    )


def window_item(dynamodb: Any, table: str, each: Window) -> dict[str, Any]:
    """The window's item as the table holds it ({} when there is none)."""
    key = {"pk": {"S": SCOPE}, "sk": {"S": each.key}}
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item", {})
    return {name: TypeDeserializer().deserialize(value) for name, value in item.items()}


def reported(dynamodb: Any, table: str, each: Window) -> bool:
    """Whether the table has ``each`` done, at the moment its run ran."""
    item = window_item(dynamodb, table, each)
    return item.get("status") == "done" and item.get("done_ms") == each.now_ms


def claim_of(store: StateStore, each: Window, run_id: str = "probe") -> str:
    """Whether the table has ``each`` done (DONE), claimed (BUSY) or neither (NEW, then given back)."""
    probe = store.claim_window(each.key, run_id, now_ms=each.now_ms, expires_ms=each.now_ms + 1)
    if probe.outcome == NEW:
        store.release_window(each.key, run_id)
    return probe.outcome


ALREADY = "already reported by an earlier run: nothing posted or counted again"
ELSEWHERE = "another run is reporting this window"
UNREPORTED = "the digest could not be delivered"
PARENT_GONE_NOTE = "the incident's parent message was gone (deleted in Slack?): a new parent carries the thread"


# --- without the table, or with one that fails ------------------------------------------------------------------------


def test_a_delivery_error_carries_slacks_code_and_whether_it_was_a_refusal() -> None:
    plain, refused = DeliveryError("boom"), DeliveryError("no", refused=True, code="token_revoked")

    assert (str(plain), plain.refused, plain.code) == ("boom", False, "")
    assert (str(refused), refused.refused, refused.code) == ("no", True, "token_revoked")


def test_a_manual_window_is_posted_on_its_own_and_never_touches_the_table(dynamodb: Any) -> None:
    notifier = Notifier(StateStore(dynamodb, "no-such-table", SCOPE))  # any read of it would fail

    result = notifier.run(window(0, 5, kind="manual", parts=2))

    assert (result.sent, result.step, result.problems, result.notes, result.unreported) == (2, "", [], [], "")
    assert [message.payload for message in notifier.slack.top_level()] == [digest(0, 5, 0), digest(0, 5, 1)]


def test_a_table_that_cannot_be_read_still_delivers_the_digest_on_its_own_and_says_why(dynamodb: Any) -> None:
    notifier = Notifier(StateStore(dynamodb, "no-such-table", SCOPE))

    result = notifier.run(window(0, 5))

    assert result.problems == [
        "state table unavailable, mutes not read: get_item on table no-such-table: ResourceNotFoundException"
    ]
    assert (result.sent, result.unreported, result.step) == (1, "", "")
    assert [message.payload for message in notifier.slack.top_level()] == [digest(0, 5)]


def test_without_a_table_a_window_is_a_standalone_digest() -> None:
    notifier = Notifier(None)

    result = notifier.run(window(0, 5, parts=2))

    assert (result.sent, result.problems, result.notes, result.unreported) == (2, [], [], "")
    assert [(message.payload, message.thread_ts) for message in notifier.slack.messages] == [
        (digest(0, 5, 0), None),
        (digest(0, 5, 1), None),
    ]


def test_without_a_table_quiet_hours_cannot_hold_a_window_so_it_is_posted_and_the_run_says_so() -> None:
    notifier = Notifier(None, options=replace(OPTIONS, quiet_hours=(QUIET,)))

    result = notifier.run(window(1, 5))

    assert result.problems == [f"no state table, posted although quiet hours {QUIET.text}"]
    assert result.sent == 1 and result.unreported == ""


def test_quiet_hours_with_a_table_that_fails_post_the_digest_and_say_why(dynamodb: Any) -> None:
    notifier = Notifier(StateStore(dynamodb, "no-such-table", SCOPE), options=replace(OPTIONS, quiet_hours=(QUIET,)))

    result = notifier.run(window(1, 5))

    assert result.problems == [
        f"state table unavailable, posted although quiet hours {QUIET.text}: "
        "get_item on table no-such-table: ResourceNotFoundException"
    ]
    assert result.sent == 1 and [message.payload for message in notifier.slack.messages] == [digest(1, 5)]


def test_a_window_with_nothing_to_post_connects_to_nothing() -> None:
    notifier = Notifier(None)

    result = notifier.run(window(0, 0))

    assert (result.sent, result.problems, result.unreported, notifier.connected) == (0, [], "", 0)


def test_a_standalone_digest_that_could_not_be_sent_leaves_the_window_unreported() -> None:
    notifier = Notifier(None)
    notifier.slack.refuse("post", "channel_not_found")

    result = notifier.run(window(0, 5, parts=2))

    assert result.problems == ["Slack refused chat.postMessage: channel_not_found"]
    assert (result.sent, result.unreported) == (0, UNREPORTED)


def test_a_standalone_digest_cut_short_after_its_first_message_is_reported_with_the_problem() -> None:
    notifier = Notifier(None)
    notifier.slack.refuse("post", "rate_limited", after=1)

    result = notifier.run(window(0, 5, parts=3))

    assert result.problems == ["Slack refused chat.postMessage: rate_limited"]
    assert (result.sent, result.unreported) == (1, "")
    assert [message.payload for message in notifier.slack.messages] == [digest(0, 5, 0)]


def test_a_channel_that_cannot_be_made_leaves_the_window_unreported_and_says_why() -> None:
    notifier = Notifier(None, refuse_connect="WEBHOOK_PARAMETER_NAME is not set, so the digest could not be sent")

    result = notifier.run(window(0, 5))

    assert result.problems == ["WEBHOOK_PARAMETER_NAME is not set, so the digest could not be sent"]
    assert (result.sent, result.unreported) == (0, UNREPORTED)


# --- mutes and quiet hours --------------------------------------------------------------------------------------------


def test_a_window_in_quiet_hours_posts_nothing_and_its_counts_are_held_with_it_done(
    store: StateStore, client: Interleaved, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    quiet = window(1, 7, unparsed=2)
    while_held: list[dict[str, Any]] = []
    client.before("transact_write_items", lambda: while_held.append(window_item(dynamodb, table, quiet)))

    result = notifier.run(quiet)

    reason = f"quiet hours {QUIET.text}"
    assert (result.sent, result.step, result.notes, result.problems) == (0, "muted", [f"not posted: {reason}"], [])
    assert notifier.connected == 0 and store.incident() is None
    # Claimed by the run for as long as it may run, then done when it ran.
    [claim] = while_held
    assert (claim["status"], claim["run_id"], claim["claim_expires_ms"]) == (
        "claimed",
        quiet.run_id,
        quiet.claim_expires_ms,
    )
    assert reported(dynamodb, table, quiet)
    assert store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE) == (held(quiet, reason=reason), 1)


def test_a_mute_holds_the_windows_from_when_it_was_set_until_it_ends(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    before, first, last, after = window(0, 3), window(1, 4), window(2, 5), window(3, 6)
    store.set_mute(last.moment_ms + 1, "deploy 1.4.2", now_ms=first.moment_ms)  # from window 1's minute to 2's

    results = [notifier.run(each) for each in (first, last)]

    reason = f"muted until {hhmm(last.moment_ms + 1)} UTC (deploy 1.4.2)"
    assert [result.notes for result in results] == [[f"not posted: {reason}"]] * 2
    assert notifier.slack.messages == []
    # The window whose minute is before the mute was set, and the one at its end, are not held.
    assert notifier.run(before).step == "opens"
    assert notifier.run(replace(after, moment_ms=last.moment_ms + 1)).step == "updates"
    assert [message.payload for message in notifier.slack.messages] == [
        muted_summary(held(first, last, reason=reason), title=TITLE),
        digest(0, 3),
        digest(3, 6),
    ]


def test_quiet_hours_are_the_reason_when_a_mute_holds_the_window_too(store: StateStore) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    store.set_mute(T0 + 60 * MINUTE, "deploy", now_ms=T0)

    assert notifier.run(window(1, 4)).notes == [f"not posted: quiet hours {QUIET.text}"]


def test_a_mute_that_ended_before_the_window_holds_nothing(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    late = window(2, 4)
    store.set_mute(late.moment_ms, "deploy", now_ms=late.moment_ms - MINUTE)

    result = notifier.run(late)

    assert result.step == "opens" and result.sent == 1


def test_an_alarm_digest_in_quiet_hours_is_dropped_and_adds_nothing_to_what_was_held(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    alarm = window(1, 30, kind="alarm")

    result = notifier.run(alarm)

    assert result.notes == [f"alarm digest not posted: quiet hours {QUIET.text}"] and result.step == ""
    assert result.sent == 0 and reported(dynamodb, table, alarm)
    assert store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE) is None


def test_a_held_window_replayed_or_held_by_another_run_is_not_held_twice(store: StateStore, other: StateStore) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    quiet, busy = window(1, 7), window(2, 3)
    notifier.run(quiet)
    other.claim_window(busy.key, "run-b", now_ms=busy.now_ms, expires_ms=busy.claim_expires_ms)

    replayed = notifier.run(replace(quiet, run_id="replay"))
    elsewhere = notifier.run(busy)

    assert (replayed.notes, elsewhere.notes) == (["already reported"], [ELSEWHERE])
    taken = store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and (taken[0].windows, taken[0].errors) == (1, 7)


def test_a_held_window_is_added_once_after_other_runs_added_theirs_meanwhile(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    theirs = [window(index, index, run_id=f"run-{index}") for index in (2, 3)]
    for each in theirs:
        other.claim_window(each.key, each.run_id, now_ms=each.now_ms, expires_ms=each.claim_expires_ms)
    client.before(
        "transact_write_items",
        *[
            lambda each=each: other.add_muted(each.key, each.run_id, now_ms=T0, muted=held(each, reason="x"))
            for each in theirs
        ],
    )

    result = notifier.run(window(1, 7))

    assert result.step == "muted" and result.problems == []
    taken = store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and (taken[0].windows, taken[0].errors) == (3, 7 + 2 + 3)


def test_a_held_window_whose_tally_keeps_changing_is_posted_after_three_tries(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    theirs = [window(index, 1, run_id=f"run-{index}", now_ms=T0) for index in (2, 3, 4)]
    for each in theirs:
        other.claim_window(each.key, each.run_id, now_ms=each.now_ms, expires_ms=each.claim_expires_ms)
    client.before(
        "transact_write_items",
        *[
            lambda each=each: other.add_muted(each.key, each.run_id, now_ms=T0, muted=held(each, reason="x"))
            for each in theirs
        ],
    )

    result = notifier.run(window(1, 7))

    assert result.problems == [
        f"state table unavailable, posted although quiet hours {QUIET.text}: "
        "what was muted kept changing under this run"
    ]
    assert result.sent == 1 and [message.payload for message in notifier.slack.messages] == [digest(1, 7)]


def test_the_first_run_after_a_mute_posts_what_it_held_once_before_its_own_digest(store: StateStore) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    quiet = [window(1, 4, unparsed=1), window(2, 9), window(3, 2)]
    for each in quiet:
        notifier.run(each)

    first, second = notifier.run(window(4, 6)), notifier.run(window(5, 1))

    summary = muted_summary(held(*quiet, reason=f"quiet hours {QUIET.text}"), title=TITLE)
    [parent] = notifier.slack.top_level()[1:]
    assert notifier.slack.top_level()[0].payload == summary  # before the incident's parent
    assert notifier.slack.replies(parent.ts) == [digest(4, 6), digest(5, 1)]
    assert first.notes == ["posted what was muted (3 windows)"] and first.sent == 3
    assert second.notes == [] and second.sent == 1
    assert store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE) is None


def test_the_summary_is_claimed_by_its_run_for_as_long_as_the_run_may_last(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, quiet_hours=(QUIET,)))
    notifier.run(window(1, 4))
    late = window(4, 6)
    key = {"pk": {"S": SCOPE}, "sk": {"S": "muted"}}
    while_posting: list[dict[str, Any]] = []
    notifier.slack.before_post.append(
        lambda: while_posting.append(dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"])
    )

    notifier.run(late)

    [item] = while_posting
    assert item["summarizer"] == {"S": late.run_id}
    assert item["summarizer_expires_ms"] == {"N": str(late.claim_expires_ms)}


def test_a_summary_whose_run_died_is_posted_by_the_first_run_after_its_claim_expired(
    store: StateStore, other: StateStore
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, quiet_hours=(QUIET,)))
    quiet = window(1, 4)
    notifier.run(quiet)
    late = window(4, 6)
    assert other.take_muted("died", now_ms=late.now_ms - MINUTE, expires_ms=late.now_ms - 1) is not None

    result = notifier.run(late)

    summary = muted_summary(held(quiet, reason=f"quiet hours {QUIET.text}"), title=TITLE)
    assert [message.payload for message in notifier.slack.messages] == [summary, digest(4, 6)]
    assert result.sent == 2


def test_a_summary_slack_refused_is_kept_for_the_next_run_and_the_digest_still_goes_out(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, quiet_hours=(QUIET,)))
    quiet = window(1, 4)
    notifier.run(quiet)
    notifier.slack.refuse("post", "internal_error")

    first = notifier.run(window(4, 6))
    second = notifier.run(window(5, 0))

    assert first.problems == [
        "what was muted could not be posted (kept for the next run): Slack refused chat.postMessage: internal_error"
    ]
    assert (first.sent, first.unreported) == (1, "")
    assert second.notes == ["posted what was muted (1 windows)"] and second.sent == 1
    summary = muted_summary(held(quiet, reason=f"quiet hours {QUIET.text}"), title=TITLE)
    assert [message.payload for message in notifier.slack.messages] == [digest(4, 6), summary]


def test_when_the_table_fails_after_the_summary_the_windows_digest_still_goes_out_on_its_own(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, quiet_hours=(QUIET,)))
    notifier.run(window(1, 4))
    notifier.slack.before_post.append(lambda: dynamodb.delete_table(TableName=table))  # while the summary goes out

    result = notifier.run(window(4, 6))

    gone = "ResourceNotFoundException"
    assert result.problems == [
        f"state table unavailable, what was muted is kept for later: delete_item on table {table}: {gone}",
        f"state table unavailable, posted on its own: get_item on table {table}: {gone}",
    ]
    assert result.sent == 2 and result.unreported == ""
    assert notifier.slack.messages[-1].payload == digest(4, 6)


def test_a_digest_refused_after_the_summary_went_out_leaves_the_window_unreported_for_a_retry(
    store: StateStore,
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, quiet_hours=(QUIET,)))
    notifier.run(window(1, 4))
    late = window(4, 6)
    notifier.slack.refuse("post", "internal_error", after=1)  # the summary goes out, the digest does not

    result = notifier.run(late)

    assert (result.sent, result.unreported) == (1, UNREPORTED)
    assert claim_of(store, late) == NEW  # given back: Lambda's retry claims it again
    retried = notifier.run(late)
    assert (retried.sent, retried.unreported) == (1, "") and notifier.slack.messages[-1].payload == digest(4, 6)


# --- the incident with webhook delivery -------------------------------------------------------------------------------


def test_with_a_webhook_a_storm_is_a_digest_per_window_one_mention_and_one_resolution(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    storm = [window(0, 5), window(1, 30, critical=True), window(2, 60, critical=True), window(3), window(4)]
    storm.append(window(5))

    steps = [notifier.run(each).step for each in storm]

    assert steps == ["opens", "updates", "updates", "quiet", "quiet", "resolves"]
    incident = stored(store)
    assert (incident.status, incident.errors, incident.requests) == (RESOLVED, 95, 600)
    assert (incident.owner, incident.owner_expires_ms, incident.channel, incident.parent_ts) == (None, 0, None, None)
    texts = [message.payload["text"] for message in notifier.slack.messages]
    assert texts == [
        digest(0, 5)["text"],
        f"<!here> {digest(1, 30)['text']}",  # the first critical window, once
        digest(2, 60)["text"],
        resolution_message(incident, title=TITLE, quiet_windows=3, interval_minutes=5)["text"],
    ]
    assert notifier.slack.messages[-1].payload == resolution_message(
        incident, title=TITLE, quiet_windows=3, interval_minutes=5
    )
    assert notifier.slack.calls == [("post", None)] * 4  # nothing edited, nothing threaded


def test_with_a_webhook_an_opened_incident_is_open_and_no_run_owns_it(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))

    notifier.run(window(0, 5))

    incident = stored(store)
    assert (incident.status, incident.owner, incident.owner_expires_ms, incident.errors) == (OPEN, None, 0, 5)


def test_after_an_incident_resolves_the_next_window_opens_a_new_one_with_its_own_counts_and_thread(
    store: StateStore,
) -> None:
    notifier = Notifier(store)
    for each in (window(0, 12), window(1), window(2), window(3)):
        notifier.run(each)
    resolved = stored(store)
    assert resolved.status == RESOLVED
    reopening = window(4, 7)

    result = notifier.run(reopening)

    incident = stored(store)
    first, second = notifier.slack.top_level()
    assert (result.step, incident.status, incident.errors, incident.parent_ts) == ("opens", OPEN, 7, second.ts)
    assert (incident.incident_id, incident.first_seen_ms) == (str(reopening.facts.start_ms), reopening.facts.start_ms)
    assert incident.version > resolved.version  # a run holding the old incident's version cannot overwrite it
    assert notifier.slack.replies(second.ts) == [digest(4, 7)] and len(notifier.slack.replies(first.ts)) == 2


def test_the_mention_opens_the_first_message_of_a_critical_window_only(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))

    notifier.run(window(0, 80, critical=True, parts=2))

    first, second = (message.payload for message in notifier.slack.messages)
    assert first["text"] == f"<!here> {digest(0, 80, 0)['text']}" and second == digest(0, 80, 1)
    assert stored(store).mentioned is True


def test_a_replayed_or_retried_window_posts_and_counts_nothing_again(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    first = window(0, 12)
    notifier.run(first)
    before = stored(store)

    for again in (first, replace(first, run_id="replayed-from-the-queue", now_ms=first.now_ms + 3_600_000)):
        result = notifier.run(again)
        assert (result.sent, result.notes, result.step, result.problems) == (0, [ALREADY], "", [])
    assert stored(store) == before and len(notifier.slack.messages) == 1


def test_a_window_another_live_run_has_claimed_is_left_to_it(store: StateStore, other: StateStore) -> None:
    notifier = Notifier(store)
    busy = window(0, 12)
    other.claim_window(busy.key, "run-b", now_ms=busy.now_ms, expires_ms=busy.claim_expires_ms)

    result = notifier.run(busy)

    assert (result.sent, result.notes, result.unreported, notifier.connected) == (0, [ELSEWHERE], "", 0)
    assert store.incident() is None


def test_a_quiet_window_without_an_incident_posts_nothing_but_is_done(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store)
    calm = window(0, 2, reportable=False, parts=0)

    result = notifier.run(calm)

    assert (result.step, result.sent, notifier.connected) == ("nothing", 0, 0)
    assert store.incident() is None and reported(dynamodb, table, calm)


def test_unreadable_lines_in_a_window_without_an_incident_are_posted_on_their_own(store: StateStore) -> None:
    notifier = Notifier(store)
    calm = window(0, 0, parts=1, unparsed=4)

    result = notifier.run(calm)

    assert (result.step, result.sent) == ("nothing", 1)
    assert [(message.payload, message.thread_ts) for message in notifier.slack.messages] == [(digest(0, 0), None)]
    assert store.claim_window(calm.key, "replay", now_ms=calm.now_ms, expires_ms=calm.now_ms).replies == (
        notifier.slack.messages[0].ts,
    )


def test_a_digest_that_could_not_be_sent_gives_the_window_back_and_the_retry_posts_it_once(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    first = window(0, 9)
    notifier.slack.refuse("post", "internal_error")

    failed = notifier.run(first)

    assert failed.problems == ["Slack refused chat.postMessage: internal_error"]
    assert (failed.sent, failed.unreported) == (0, UNREPORTED)
    assert claim_of(store, first) == NEW
    retried = notifier.run(first)  # Lambda's retry: the same request id
    assert (retried.sent, retried.unreported, retried.step) == (1, "", "opens")
    assert stored(store).errors == 9 and len(notifier.slack.messages) == 1


def test_a_run_taking_over_an_expired_claim_posts_only_what_the_first_run_did_not(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    first = window(0, 9, parts=3)
    notifier.slack.refuse("post", "internal_error", after=1)

    cut_short = notifier.run(first)

    assert (cut_short.sent, cut_short.unreported) == (1, "")
    assert cut_short.problems == ["Slack refused chat.postMessage: internal_error"]
    takeover = replace(first, run_id="replay", now_ms=first.claim_expires_ms + 1)
    result = notifier.run(replace(takeover, claim_expires_ms=takeover.now_ms + 5 * MINUTE))
    assert result.sent == 2 and result.step == "opens"
    assert [message.payload for message in notifier.slack.messages] == [digest(0, 9, part) for part in range(3)]
    assert stored(store).errors == 9


def test_a_run_taking_over_that_fails_too_keeps_what_was_posted_for_the_next_one(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    first = window(0, 9, parts=3)
    notifier.slack.refuse("post", "internal_error", after=1)
    notifier.run(first)

    def takeover(run_id: str, after: Window) -> Window:
        now = after.claim_expires_ms + 1
        return replace(first, run_id=run_id, now_ms=now, claim_expires_ms=now + 5 * MINUTE)

    second = takeover("replay-1", first)
    notifier.slack.refuse("post", "internal_error")
    failed = notifier.run(second)
    assert (failed.sent, failed.problems) == (0, ["Slack refused chat.postMessage: internal_error"])

    notifier.run(takeover("replay-2", second))

    assert [message.payload for message in notifier.slack.messages] == [digest(0, 9, part) for part in range(3)]
    assert stored(store).errors == 9


def test_an_opening_whose_incident_moved_on_twice_still_opens_once(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))

    def another_run() -> None:
        incident = stored(other)
        other.replace_incident(replace(incident, version=incident.version + 1), incident.version)

    client.before("transact_write_items", another_run, another_run)

    result = notifier.run(window(0, 9))

    assert (result.step, result.sent, result.problems) == ("opens", 1, [])
    assert stored(store).errors == 9 and len(notifier.slack.messages) == 1


def test_counts_of_a_window_whose_incident_moved_on_are_added_once_after_reading_it_again(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    notifier.run(window(0, 5))

    def another_window() -> None:  # another run counts window 9 between this run's read and its write
        incident = stored(other)
        other.replace_incident(
            replace(incident, errors=incident.errors + 100, version=incident.version + 1), incident.version
        )

    client.before("transact_write_items", another_window, another_window)

    result = notifier.run(window(1, 7))

    assert (result.step, result.sent, result.problems) == ("updates", 1, [])
    assert stored(store).errors == 5 + 200 + 7
    assert [message.payload for message in notifier.slack.messages] == [digest(0, 5), digest(1, 7)]


def test_an_incident_that_keeps_changing_under_the_run_is_given_up_after_three_tries(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    notifier.run(window(0, 5))
    update = window(1, 7)

    def another_window() -> None:
        incident = stored(other)
        other.replace_incident(replace(incident, version=incident.version + 1), incident.version)

    client.before("transact_write_items", another_window, another_window, another_window)

    result = notifier.run(update)

    assert result.problems == ["state table unavailable, posted on its own: the incident kept changing under this run"]
    assert result.sent == 1 and [message.payload for message in notifier.slack.messages] == [digest(0, 5), digest(1, 7)]
    assert claim_of(store, update) == BUSY  # still this run's: its digest is posted, its counts are not added


def test_two_runs_opening_at_once_make_one_incident_and_the_loser_updates_it(
    store: StateStore, dynamodb: Any, table: str, client: Interleaved
) -> None:
    slack = RecordingChannel()
    notifier = Notifier(store, slack)
    alarm = window(1, 30, kind="alarm", run_id="alarm")
    winner = Notifier(StateStore(dynamodb, table, SCOPE), slack)
    # The alarm's run opens the incident between this run's read (no incident) and its write: after this run's
    # first put (its window claim), before its second (the incident).
    client.before("put_item", lambda: None, lambda: winner.run(alarm))

    result = notifier.run(window(1, 20))

    assert result.step == "updates"
    [parent] = slack.top_level()
    assert slack.replies(parent.ts) == [digest(1, 30), digest(1, 20)]
    assert stored(store).errors == 20  # the alarm digest posts, the scheduled window counts


def test_a_mention_another_run_claimed_first_is_not_posted_again(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))
    notifier.run(window(0, 5))
    client.before("update_item", lambda: other.claim_mention(stored(other).version))

    result = notifier.run(window(1, 80, critical=True))

    assert result.step == "updates" and result.problems == []
    assert ["<!here>" in message.payload["text"] for message in notifier.slack.messages] == [False, False]
    assert stored(store).errors == 85 and stored(store).critical is True


def test_a_critical_window_whose_incident_resolved_meanwhile_opens_a_new_thread_with_the_mention(
    store: StateStore, other: StateStore, client: Interleaved
) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 5))
    [old] = notifier.slack.top_level()
    old_replies = notifier.slack.replies(old.ts)

    def resolves() -> None:  # another run resolves it between this run's read and its claim of the mention
        incident = stored(other)
        other.replace_incident(replace(incident, status=RESOLVED, version=incident.version + 1), incident.version)

    client.before("update_item", resolves)

    result = notifier.run(window(4, 80, critical=True))

    assert (result.step, result.problems) == ("opens", [])
    _, new = notifier.slack.top_level()
    assert notifier.slack.replies(old.ts) == old_replies and old.edits == []
    assert new.payload["text"].startswith("<!here> ") and notifier.slack.replies(new.ts) == [digest(4, 80)]


# --- the incident's thread with a Slack app ---------------------------------------------------------------------------


def test_an_incident_opens_with_its_parent_then_the_digest_in_its_thread(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    notifier = Notifier(store)
    opening = window(0, 12, parts=2)
    while_posting: list[Incident] = []
    notifier.slack.before_post.append(lambda: while_posting.append(stored(other)))

    result = notifier.run(opening)

    assert (result.step, result.sent, result.problems) == ("opens", 3, [])
    # While its parent went out, the table said which run was opening the incident, and until when.
    [claimed] = while_posting
    assert (claimed.status, claimed.owner, claimed.owner_expires_ms) == (
        OPENING,
        opening.run_id,
        opening.claim_expires_ms,
    )
    assert (claimed.first_seen_ms, claimed.errors) == (opening.facts.start_ms, 0)
    [parent] = notifier.slack.top_level()
    incident = stored(store)
    assert (incident.status, incident.parent_ts, incident.channel) == (OPEN, parent.ts, CHANNEL)
    assert (incident.owner, incident.owner_expires_ms, incident.errors) == (None, 0, 12)
    assert incident.version == claimed.version + 2  # two more writes, each moving it on by one: the parent, the counts
    assert reported(dynamodb, table, opening)
    assert parent.payload == parent_of(incident, opening.now_ms)
    assert notifier.slack.replies(parent.ts) == [digest(0, 12, 0), digest(0, 12, 1)]
    replies = tuple(message.ts for message in notifier.slack.messages[1:])
    assert store.claim_window(opening.key, "replay", now_ms=0, expires_ms=0).replies == replies


def test_a_critical_opening_window_mentions_on_the_parent_and_never_again(store: StateStore) -> None:
    notifier = Notifier(store)
    opening = window(0, 80, critical=True)

    notifier.run(opening)
    opened_with = stored(store)
    notifier.run(window(1, 90, critical=True))

    [parent] = notifier.slack.top_level()
    assert parent.payload == parent_of(opened_with, opening.now_ms, mention="here")
    assert "<!here>" in parent.payload["text"] and "<!here>" not in parent.edits[-1]["text"]
    assert notifier.slack.replies(parent.ts) == [digest(0, 80), digest(1, 90)]
    assert stored(store).mentioned is True


def test_each_update_edits_the_parent_before_its_reply_and_adds_its_counts_once(store: StateStore) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))
    notifier.slack.calls.clear()
    update = window(1, 30)

    result = notifier.run(update)

    [parent] = notifier.slack.top_level()
    assert notifier.slack.calls == [("update", parent.ts), ("post", parent.ts)]
    incident = stored(store)
    assert (result.step, result.sent, incident.errors, incident.requests) == ("updates", 1, 42, 200)
    assert parent.edits == [parent_of(incident, update.now_ms)]
    assert notifier.slack.replies(parent.ts) == [digest(0, 12), digest(1, 30)]


def test_a_critical_update_mentions_in_its_reply(store: StateStore) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))

    notifier.run(window(1, 80, critical=True, parts=2))

    [parent] = notifier.slack.top_level()
    first, second = notifier.slack.replies(parent.ts)[1:]
    assert first["text"].startswith("<!here> ") and second == digest(1, 80, 1)
    assert "<!here>" not in parent.edits[-1]["text"]


def test_quiet_windows_edit_the_parent_and_post_only_unreadable_lines(store: StateStore) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))

    quiet, noisy = notifier.run(window(1)), notifier.run(window(2, 0, parts=1, unparsed=3))

    [parent] = notifier.slack.top_level()
    assert (quiet.step, quiet.sent, noisy.step, noisy.sent) == ("quiet", 0, "quiet", 1)
    assert notifier.slack.replies(parent.ts) == [digest(0, 12), digest(2, 0)]
    assert len(parent.edits) == 2 and stored(store).quiet == 2
    assert parent.edits[-1] == parent_of(stored(store), window(2).now_ms)


def test_the_last_quiet_window_resolves_the_thread_with_a_closing_reply(store: StateStore) -> None:
    notifier = Notifier(store)
    for each in (window(0, 12), window(1), window(2)):
        notifier.run(each)
    last = window(3, 0, parts=1, unparsed=1)

    result = notifier.run(last)

    incident = stored(store)
    [parent] = notifier.slack.top_level()
    assert (result.step, result.sent, incident.status) == ("resolves", 2, RESOLVED)
    assert parent.edits[-1] == parent_of(incident, last.now_ms)
    closing = resolution_message(incident, title=TITLE, quiet_windows=3, interval_minutes=5)
    assert notifier.slack.replies(parent.ts) == [digest(0, 12), digest(3, 0), closing]


@pytest.mark.parametrize("code", ["message_not_found", "thread_not_found"])
def test_a_deleted_parent_is_posted_again_before_the_reply_and_the_incident_moves_to_it(
    store: StateStore, code: str
) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))
    [deleted] = notifier.slack.top_level()
    notifier.slack.delete(deleted.ts or "")
    before = stored(store)
    if code != "message_not_found":
        notifier.slack.refuse("update", code)
    update = window(1, 30)

    result = notifier.run(update)

    [parent] = notifier.slack.top_level()
    incident = stored(store)
    assert parent.ts != deleted.ts and incident.parent_ts == parent.ts and incident.errors == 42
    assert incident.version == before.version + 2  # the new parent, then the counts
    assert parent.payload == parent_of(incident, update.now_ms)
    assert notifier.slack.replies(parent.ts) == [digest(1, 30)]
    assert (result.sent, result.notes, result.problems) == (2, [PARENT_GONE_NOTE], [])


def test_the_messages_sent_count_the_summary_a_new_parent_and_the_reply(store: StateStore) -> None:
    notifier = Notifier(store, options=replace(OPTIONS, quiet_hours=(QUIET,)))
    notifier.run(window(0, 12))
    notifier.run(window(1, 3))  # held
    notifier.slack.delete(stored(store).parent_ts or "")

    result = notifier.run(window(4, 30))

    assert result.sent == 3 and result.notes == ["posted what was muted (1 windows)", PARENT_GONE_NOTE]


def test_a_parent_slack_would_not_edit_for_another_reason_keeps_its_thread(store: StateStore) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))
    notifier.slack.refuse("update", "cant_update_message")

    result = notifier.run(window(1, 30))

    [parent] = notifier.slack.top_level()
    assert result.problems == [
        "the incident's parent message was not updated: Slack refused chat.update: cant_update_message"
    ]
    assert (result.sent, result.notes, result.unreported) == (1, [], "")
    assert notifier.slack.replies(parent.ts) == [digest(0, 12), digest(1, 30)] and stored(store).parent_ts == parent.ts


def test_a_parent_posted_while_the_incident_changed_stands_and_nothing_is_posted_twice(
    store: StateStore, other: StateStore
) -> None:
    notifier = Notifier(store)

    def another_run() -> None:
        incident = stored(other)
        other.replace_incident(replace(incident, version=incident.version + 1), incident.version)

    notifier.slack.before_post.append(another_run)  # while the parent goes out

    result = notifier.run(window(0, 12))

    assert result.problems == [
        "state table unavailable, posted on its own: the incident changed while this run was opening its thread"
    ]
    assert result.sent == 1 and len(notifier.slack.messages) == 1


def test_a_new_parent_posted_while_the_incident_changed_stands_and_nothing_is_posted_twice(
    store: StateStore, other: StateStore
) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))
    notifier.slack.delete(stored(store).parent_ts or "")

    def another_run() -> None:
        incident = stored(other)
        other.replace_incident(replace(incident, version=incident.version + 1), incident.version)

    notifier.slack.before_post.append(another_run)  # while the new parent goes out

    result = notifier.run(window(1, 30))

    assert result.problems == [
        "state table unavailable, posted on its own: the incident changed while this run was moving its thread"
    ]
    assert result.sent == 1 and len(notifier.slack.messages) == 1 and notifier.slack.messages[0].thread_ts is None


def test_an_incident_opened_with_the_app_goes_on_standalone_after_a_switch_to_the_webhook(store: StateStore) -> None:
    Notifier(store).run(window(0, 12))
    webhook = Notifier(store, RecordingChannel(threads=False))

    result = webhook.run(window(1, 30))

    assert (result.step, result.sent, result.problems) == ("updates", 1, [])
    assert webhook.slack.calls == [("post", None)]


def test_an_alarm_digest_goes_in_the_thread_and_adds_no_counts(store: StateStore) -> None:
    notifier = Notifier(store)
    notifier.run(window(0, 12))
    before = stored(store)
    alarm = window(1, 40, kind="alarm", run_id="alarm")

    result = notifier.run(alarm)

    [parent] = notifier.slack.top_level()
    after = stored(store)
    assert (result.step, result.sent) == ("updates", 1)
    assert after == replace(before, version=before.version + 1)
    assert parent.edits == [parent_of(after, alarm.now_ms)]
    assert notifier.slack.replies(parent.ts) == [digest(0, 12), digest(1, 40)]


def test_with_a_webhook_an_alarm_opens_an_incident_no_run_owns_any_more(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False))

    result = notifier.run(window(1, 40, kind="alarm", run_id="alarm"))

    incident = stored(store)
    assert (result.step, result.sent, incident.status, incident.owner, incident.owner_expires_ms) == (
        "opens",
        1,
        OPEN,
        None,
        0,
    )


def test_an_alarm_digest_is_posted_even_below_the_thresholds_of_a_scheduled_window(store: StateStore) -> None:
    notifier = Notifier(store)
    calm = replace(window(1, 2, kind="alarm", run_id="alarm", reportable=False), payloads=[digest(1, 2)])

    opening = notifier.run(calm)
    updating = notifier.run(replace(calm, key=calm.key + "#again", run_id="alarm-again"))

    [parent] = notifier.slack.top_level()
    assert (opening.step, updating.step) == ("opens", "updates")
    assert notifier.slack.replies(parent.ts) == [digest(1, 2), digest(1, 2)]


def test_an_alarm_opens_an_incident_with_no_counts_until_its_windows_come_in(store: StateStore) -> None:
    notifier = Notifier(store)
    alarm = window(1, 40, kind="alarm", run_id="alarm")

    result = notifier.run(alarm)

    [parent] = notifier.slack.top_level()
    incident = stored(store)
    assert (result.step, result.sent, incident.status, incident.errors) == ("opens", 2, OPEN, 0)
    assert parent.payload == parent_of(incident, alarm.now_ms)
    assert notifier.run(window(1, 40)).step == "updates" and stored(store).errors == 40


# --- another run opening the incident ---------------------------------------------------------------------------------


def opening_by(other: StateStore, *, expires_ms: int) -> Incident:
    """Another run has claimed the incident's opening (its parent not posted yet)."""
    incident = opened(window(0, 5).facts, owner="run-b", owner_expires_ms=expires_ms, previous=None)
    assert other.replace_incident(incident, None)
    return incident


def test_a_run_waits_for_the_parent_another_run_is_posting_and_replies_in_its_thread(
    store: StateStore, other: StateStore
) -> None:
    update = window(1, 30)
    opening = opening_by(other, expires_ms=update.now_ms + MINUTE)
    notifier = Notifier(store)
    posted = replace(opening, status=OPEN, parent_ts="1795000000.999999", owner=None, owner_expires_ms=0, version=2)
    notifier.slack.messages.append(Message(posted.parent_ts, {"text": "their parent"}))
    notifier.clock.during_sleep.append(lambda: other.replace_incident(posted, opening.version))

    result = notifier.run(update)

    assert notifier.clock.sleeps == [0.5]
    assert (result.step, result.problems) == ("updates", [])
    assert notifier.slack.replies(posted.parent_ts) == [digest(1, 30)] and len(notifier.slack.top_level()) == 1
    assert stored(store).errors == 30


def test_a_run_takes_over_an_opening_whose_run_died_without_waiting(store: StateStore, other: StateStore) -> None:
    update = window(1, 30)
    opening = opening_by(other, expires_ms=update.now_ms - 1)
    notifier = Notifier(store)

    result = notifier.run(update)

    [parent] = notifier.slack.top_level()
    incident = stored(store)
    assert notifier.clock.sleeps == [] and result.step == "opens"
    assert (incident.parent_ts, incident.owner, incident.errors) == (parent.ts, None, 30)
    # The incident the dead run claimed goes on (it began with that run's window), not a new one.
    assert (incident.incident_id, incident.first_seen_ms) == (opening.incident_id, opening.first_seen_ms)
    assert notifier.slack.replies(parent.ts) == [digest(1, 30)]


def test_a_run_waits_until_the_opening_runs_claim_expires_then_opens_the_thread(
    store: StateStore, other: StateStore
) -> None:
    update = window(1, 30)
    opening_by(other, expires_ms=update.now_ms + 3_000)
    notifier = Notifier(store)

    result = notifier.run(update)

    sleeps = notifier.clock.sleeps
    assert sum(sleeps[:-1]) * 1000 <= 3_000 < sum(sleeps) * 1000  # no longer than it must
    assert result.step == "opens" and stored(store).parent_ts == notifier.slack.top_level()[0].ts


@pytest.mark.parametrize(("expires_after_ms", "waits"), [(-1, []), (0, [0.5]), (500, [0.5, 0.75])])
def test_an_opening_claim_is_live_up_to_and_including_its_expiry(
    store: StateStore, other: StateStore, expires_after_ms: int, waits: list[float]
) -> None:
    update = window(1, 30)
    opening_by(other, expires_ms=update.now_ms + expires_after_ms)
    notifier = Notifier(store)

    result = notifier.run(update)

    assert notifier.clock.sleeps == waits and result.step == "opens"


def test_a_parent_that_never_comes_is_waited_for_20_seconds_then_the_digest_goes_out_on_its_own(
    store: StateStore, other: StateStore
) -> None:
    update = window(1, 30)
    opening_by(other, expires_ms=update.now_ms + 5 * MINUTE)
    notifier = Notifier(store)

    result = notifier.run(update, deadline_s=120.0)

    sleeps = notifier.clock.sleeps
    assert 20 <= sum(sleeps) < 22 and sleeps[0] == 0.5 and max(sleeps) == 2.0
    assert sleeps == sorted(sleeps)  # backing off
    assert result.problems == [
        "state table unavailable, posted on its own: another run is opening the incident's thread and has not "
        "posted it yet"
    ]
    assert [(message.payload, message.thread_ts) for message in notifier.slack.messages] == [(digest(1, 30), None)]


@pytest.mark.parametrize(("deadline_s", "waits"), [(0.5, []), (1.2, [0.5]), (2.0, [0.5, 0.75])])
def test_waiting_for_another_runs_parent_never_sleeps_past_the_runs_deadline(
    store: StateStore, other: StateStore, deadline_s: float, waits: list[float]
) -> None:
    update = window(1, 30)
    opening_by(other, expires_ms=update.now_ms + 5 * MINUTE)
    notifier = Notifier(store)

    result = notifier.run(update, deadline_s=deadline_s)

    assert notifier.clock.sleeps == waits and sum(waits) < deadline_s
    assert result.sent == 1 and result.problems[0].endswith("has not posted it yet")


def test_an_incident_gone_while_waiting_sends_the_digest_on_its_own(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    update = window(1, 30)
    opening_by(other, expires_ms=update.now_ms + 5 * MINUTE)
    notifier = Notifier(store)
    notifier.clock.during_sleep.append(
        lambda: dynamodb.delete_item(TableName=table, Key={"pk": {"S": SCOPE}, "sk": {"S": "incident"}})
    )

    result = notifier.run(update)

    assert notifier.clock.sleeps == [0.5]
    assert result.sent == 1 and result.problems[0].endswith("has not posted it yet")


def test_lambdas_retry_of_the_run_whose_parent_failed_opens_the_thread_without_waiting(
    store: StateStore, other: StateStore
) -> None:
    opening = window(0, 30, run_id="run-b")
    notifier = Notifier(store)
    notifier.slack.refuse("post", "internal_error")  # the parent could not be posted
    failed = notifier.run(opening)
    assert failed.unreported == UNREPORTED and stored(store).status == OPENING

    retried = notifier.run(opening)  # the same request id

    assert notifier.clock.sleeps == [] and (retried.step, retried.sent, retried.problems) == ("opens", 2, [])
    [parent] = notifier.slack.top_level()
    incident = stored(store)
    assert (incident.status, incident.parent_ts, incident.owner, incident.errors) == (OPEN, parent.ts, None, 30)
    assert notifier.slack.replies(parent.ts) == [digest(0, 30)]
    assert notifier.run(window(1, 5)).step == "updates" and notifier.slack.replies(parent.ts)[-1] == digest(1, 5)


def test_a_muted_summary_ranks_as_many_statuses_as_the_top_n_setting(store: StateStore) -> None:
    notifier = Notifier(store, RecordingChannel(threads=False), options=replace(OPTIONS, top_n=2))
    store.set_mute(T0 + 2 * INTERVAL, "deploy", now_ms=T0)
    statuses = {500: 3, 502: 2, 503: 1}  # three statuses held; TOP_N=2 shows the two with most errors
    notifier.run(replace(window(0, 6), errors_by_status=statuses))

    notifier.run(window(2, 0))  # the mute has ended: its summary goes out

    [summary] = [message.payload for message in notifier.slack.messages]
    assert "By status: `500` 3, `502` 2" in summary["blocks"][0]["text"]["text"]
    assert "`503`" not in summary["blocks"][0]["text"]["text"]
