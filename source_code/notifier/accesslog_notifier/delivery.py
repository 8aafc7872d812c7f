"""Delivery of one counted window: mutes and quiet hours, the incident it belongs to, and the messages that say so.

The steps, in order (each skipped when it does not apply):

1. **Muted?** Quiet hours (settings) or a mute (the state table) at the run's moment: nothing is posted; the
   window's counts are added to what was muted, with the window marked done, in one transaction.
2. **A mute just ended?** What it held is posted in one message first (claimed by one run, cleared once posted).
3. **This window**, claimed in the table (a retried or replayed run finds it done, or takes over an expired
   claim keeping what was posted): incidents.next_step says whether it opens, updates, quietens or resolves the
   incident; app delivery posts the parent, replies in its thread and edits the parent, webhook delivery posts
   standalone messages; the counts go into the incident in the same transaction that marks the window done.

Without a table (or when it fails) a window is one standalone digest, as before incidents, and the run says why.
Nothing here raises for a run-time problem: the result says what was sent, what went wrong and whether the window
went unreported (the caller then fails the run, and releases nothing that was reported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from accesslog_notifier.incident_messages import Muted, muted_summary, parent_message, resolution_message, with_mention
from accesslog_notifier.incidents import (
    NOTHING,
    OPEN,
    OPENING,
    OPENS,
    QUIET,
    RESOLVES,
    UPDATES,
    Incident,
    WindowFacts,
    counted,
    needs_mention,
    next_step,
    opened,
)
from accesslog_notifier.insights import Clock
from accesslog_notifier.quiet import QuietWindow, quiet_at
from accesslog_notifier.state import BUSY, DONE, StateError, StateStore
from accesslog_notifier.window import format_hhmm

# Slack's answers when the incident's parent message is gone (someone deleted it): chat.update documents
# message_not_found; a reply to it may get thread_not_found (conversations.replies' error for a missing thread).
PARENT_GONE = frozenset({"message_not_found", "thread_not_found"})
WAIT_FOR_PARENT_S = 20.0  # how long a run waits for another run's new parent message before posting on its own
MAX_RACES = 3  # re-reads when another run changed the incident between our read and our write


class Channel(Protocol):
    """Where messages go: ``post`` returns the new message's ts (None for a webhook, which has none)."""

    threads: bool

    def post(self, payload: Mapping[str, Any], thread_ts: str | None = None) -> str | None: ...

    def update(self, ts: str, payload: Mapping[str, Any]) -> None: ...


class DeliveryError(Exception):
    """A message could not be delivered; ``refused`` when the credential or channel was refused."""

    def __init__(self, message: str, *, refused: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.refused = refused
        self.code = code  # Slack's error code, when Slack gave one


@dataclass
class Window:
    """What delivery needs of the run: the window's key and facts, its digest, who runs it, and when."""

    key: str  # "scheduled#<start>-<end>", "alarm#<name>#<change ms>"...
    kind: str  # scheduled, alarm or manual
    facts: WindowFacts
    payloads: list[dict[str, Any]]
    moment_ms: int  # the scheduled minute (or the alarm's change): what quiet hours and mutes are judged at
    run_id: str
    now_ms: int
    claim_expires_ms: int
    unparsed: int = 0
    errors_by_status: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    title: str
    log_group_names: tuple[str, ...]
    quiet_windows: int
    interval_minutes: int
    mention: str
    quiet_hours: tuple[QuietWindow, ...] = ()
    top_n: int = 10  # statuses ranked in a muted summary, as the digest ranks them (the TOP_N setting)


@dataclass
class Delivered:
    """What delivery did: messages sent, the incident step, notes and problems, and why the window went unreported
    ("" when it did not)."""

    sent: int = 0
    step: str = ""
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unreported: str = ""


def deliver_window(
    window: Window,
    options: Options,
    *,
    store: StateStore | None,
    channel: Callable[[], Channel],
    clock: Clock,
    deadline: float,
) -> Delivered:
    """Report ``window`` (module docstring); ``channel`` is called when something is to be posted."""
    result = Delivered()
    if window.kind == "manual":
        _post_standalone(window.payloads, channel, result)
        return result
    try:
        muted_by = _muted_by(window, options, store)
    except StateError as error:
        result.problems.append(f"state table unavailable, mutes not read: {error}")
        muted_by, store = "", None
    if muted_by and store is not None:
        try:
            _hold(window, store, muted_by, result)
            return result
        except StateError as error:
            result.problems.append(f"state table unavailable, posted although {muted_by}: {error}")
            store = None
    elif muted_by:
        result.problems.append(f"no state table, posted although {muted_by}")
    if store is not None:
        try:
            _summarise_muted(window, options, store, channel, result)
        except StateError as error:
            result.problems.append(f"state table unavailable, what was muted is kept for later: {error}")
        sent_before = result.sent  # the summary of a mute, if one went out, is not this window's
        try:
            _report(window, options, store, channel, clock, deadline, result)
            return result
        except StateError as error:
            result.problems.append(f"state table unavailable, posted on its own: {error}")
            if result.sent > sent_before:
                return result  # what was posted stands; the incident will catch up
    _post_standalone(window.payloads, channel, result)
    return result


# --- muting --------------------------------------------------------------------------------------------------------


def _muted_by(window: Window, options: Options, store: StateStore | None) -> str:
    """Why this window is muted ("" when it is not): quiet hours first, then a mute in the table."""
    quiet = quiet_at(options.quiet_hours, window.moment_ms)
    if quiet is not None:
        return f"quiet hours {quiet.text}"
    if store is None:
        return ""
    mute = store.mute_until()
    if mute is not None and mute[0] <= window.moment_ms < mute[1]:
        return f"muted until {format_hhmm(mute[1])} UTC ({mute[2]})"
    return ""


def _hold(window: Window, store: StateStore, reason: str, result: Delivered) -> None:
    """Keep a muted window's counts for the summary (alarm digests add nothing: scheduled windows hold their lines)."""
    claim = store.claim_window(window.key, window.run_id, now_ms=window.now_ms, expires_ms=window.claim_expires_ms)
    if claim.outcome in (DONE, BUSY):
        result.notes.append("already reported" if claim.outcome == DONE else "another run is reporting this window")
        return
    facts = window.facts
    if window.kind == "alarm":
        store.finish_window(window.key, window.run_id, now_ms=window.now_ms)
        result.notes.append(f"alarm digest not posted: {reason}")
        return
    muted = Muted(
        from_ms=facts.start_ms,
        to_ms=facts.end_ms,
        windows=1,
        errors=facts.errors,
        requests=facts.requests,
        unparsed=window.unparsed,
        errors_by_status=dict(window.errors_by_status),
        reasons=(reason,),
    )
    for _ in range(MAX_RACES):
        if store.add_muted(window.key, window.run_id, now_ms=window.now_ms, muted=muted):
            result.notes.append(f"not posted: {reason}")
            result.step = "muted"
            return
    raise StateError("what was muted kept changing under this run")


def _summarise_muted(
    window: Window, options: Options, store: StateStore, channel: Callable[[], Channel], result: Delivered
) -> None:
    taken = store.take_muted(window.run_id, now_ms=window.now_ms, expires_ms=window.claim_expires_ms)
    if taken is None:
        return
    muted, version = taken
    try:
        channel().post(muted_summary(muted, title=options.title, top_n=options.top_n))
    except DeliveryError as error:
        store.release_muted(window.run_id)
        result.problems.append(f"what was muted could not be posted (kept for the next run): {error}")
        return
    result.sent += 1
    result.notes.append(f"posted what was muted ({muted.windows} windows)")
    store.clear_muted(window.run_id, version)


# --- the window and its incident -----------------------------------------------------------------------------------


def _post_standalone(payloads: Sequence[Mapping[str, Any]], channel: Callable[[], Channel], result: Delivered) -> None:
    if not payloads:
        return
    sent_before = result.sent  # the summary of a mute, if one went out, is not this window's digest
    try:
        target = channel()
        for payload in payloads:
            target.post(payload)
            result.sent += 1
    except DeliveryError as error:
        result.problems.append(str(error))
        if result.sent == sent_before:
            result.unreported = "the digest could not be delivered"


def _report(
    window: Window,
    options: Options,
    store: StateStore,
    channel: Callable[[], Channel],
    clock: Clock,
    deadline: float,
    result: Delivered,
) -> None:
    claim = store.claim_window(window.key, window.run_id, now_ms=window.now_ms, expires_ms=window.claim_expires_ms)
    if claim.outcome == DONE:
        result.notes.append("already reported by an earlier run: nothing posted or counted again")
        return
    if claim.outcome == BUSY:
        result.notes.append("another run is reporting this window")
        return
    posted = list(claim.replies)
    sent_before = result.sent  # the summary of a mute, if one went out, is not this window's
    try:
        for _ in range(MAX_RACES):
            if _report_once(window, options, store, channel, clock, deadline, result, posted):
                return
        raise StateError("the incident kept changing under this run")
    except DeliveryError as error:
        result.problems.append(str(error))
        if not posted and result.sent == sent_before:
            result.unreported = "the digest could not be delivered"
            store.release_window(window.key, window.run_id)
        elif posted:
            store.record_replies(window.key, window.run_id, posted)


def _report_once(
    window: Window,
    options: Options,
    store: StateStore,
    channel: Callable[[], Channel],
    clock: Clock,
    deadline: float,
    result: Delivered,
    posted: list[str],
) -> bool:
    """One attempt at the incident step; False when another run changed the incident first (read it again).

    Every write of the incident is conditional on the version this run read or wrote last, and moves it on by one,
    so two runs never both count a window or both open a thread.
    """
    facts = window.facts
    incident = store.incident()
    if incident is not None and incident.status == OPENING and incident.owner != window.run_id:
        incident = _wait_for_parent(store, incident, window, clock, deadline)
        if incident is None:
            raise StateError("another run is opening the incident's thread and has not posted it yet")
    if window.kind == "alarm":
        step = UPDATES if incident is not None and incident.status == OPEN else OPENS
    else:
        step = next_step(incident, facts, options.quiet_windows)
        if step == UPDATES and incident is not None and incident.status == OPENING:
            # Still opening after the wait: its run was this one (Lambda's retry of a run whose parent could not be
            # posted) or died. This run opens it, so the thread gets its parent instead of parentless replies.
            step = OPENS
    result.step = step
    if step == NOTHING:
        if window.payloads:  # unreadable lines: posted on their own
            _post_replies(window.payloads, channel(), None, posted, result, store, window)
        return store.finish_window(window.key, window.run_id, now_ms=window.now_ms)

    if step == OPENS:
        base = incident if incident is not None and incident.status == OPENING else None
        if base is None:
            base = opened(facts, owner=window.run_id, owner_expires_ms=window.claim_expires_ms, previous=incident)
            if not store.replace_incident(base, incident.version if incident is not None else None):
                return False
    else:
        assert incident is not None  # next_step opens when there is no incident
        base = incident
    target = channel()

    mention = ""
    if step in (OPENS, UPDATES) and needs_mention(base, facts, options.mention):
        if store.claim_mention(base.version):
            mention, base = options.mention, replace(base, mentioned=True, version=base.version + 1)
        elif (store.incident() or base).version != base.version:
            return False  # the incident moved on: decide again

    if step == OPENS and target.threads and base.parent_ts is None:
        preview = counted(base, facts, OPENS, now_ms=window.now_ms) if window.kind == "scheduled" else base
        parent_ts = target.post(
            parent_message(
                replace(preview, status=OPEN),
                title=options.title,
                log_group_names=options.log_group_names,
                now_ms=window.now_ms,
                mention=mention,
                quiet_windows=options.quiet_windows,
            )
        )
        result.sent += 1
        mention = ""  # the parent carried it
        with_parent = replace(
            base,
            status=OPEN,
            parent_ts=parent_ts,
            channel=getattr(target, "channel_id", None),
            owner=None,
            owner_expires_ms=0,
            version=base.version + 1,
        )
        if not store.replace_incident(with_parent, base.version):
            raise StateError("the incident changed while this run was opening its thread")
        base = with_parent
    elif step == OPENS:
        base = replace(base, status=OPEN, owner=None, owner_expires_ms=0)

    def progressed(incident: Incident) -> Incident:
        if window.kind == "scheduled":
            return counted(incident, facts, step, now_ms=window.now_ms)
        return replace(incident, version=incident.version + 1)

    updated = progressed(base)
    thread = base.parent_ts if target.threads else None
    if thread is not None and step in (UPDATES, QUIET, RESOLVES):
        # The parent first: if someone deleted it, the incident goes on under a new parent before any reply is
        # posted to a thread that is gone (what Slack does with such a reply is not documented).
        new_parent = _update_parent(thread, updated, options, target, window, result)
        if new_parent is not None:
            moved = replace(base, parent_ts=new_parent, version=base.version + 1)
            if not store.replace_incident(moved, base.version):
                raise StateError("the incident changed while this run was moving its thread")
            base, thread = moved, new_parent
            updated = progressed(base)
    if step in (OPENS, UPDATES) or (step == QUIET and window.payloads):
        payloads = [with_mention(window.payloads[0], mention), *window.payloads[1:]] if mention else window.payloads
        _post_replies(payloads, target, thread, posted, result, store, window)
    if step == RESOLVES:
        closing = resolution_message(
            updated, title=options.title, quiet_windows=options.quiet_windows, interval_minutes=options.interval_minutes
        )
        _post_replies([*window.payloads, closing], target, thread, posted, result, store, window)
    return store.finish_window(
        window.key, window.run_id, now_ms=window.now_ms, incident=updated, expected_version=base.version
    )


def _update_parent(
    thread: str, incident: Incident, options: Options, target: Channel, window: Window, result: Delivered
) -> str | None:
    """Edit the incident's parent; when Slack says it is gone, post a new one and return its ts (else None).

    Any other refusal to edit is a problem the run reports, not a failure: the replies still go in the thread.
    """
    message = parent_message(
        incident,
        title=options.title,
        log_group_names=options.log_group_names,
        now_ms=window.now_ms,
        quiet_windows=options.quiet_windows,
    )
    try:
        target.update(thread, message)
    except DeliveryError as error:
        if error.code not in PARENT_GONE:
            result.problems.append(f"the incident's parent message was not updated: {error}")
            return None
    else:
        return None
    new_parent = target.post(message)
    result.sent += 1
    result.notes.append("the incident's parent message was gone (deleted in Slack?): a new parent carries the thread")
    return new_parent


def _post_replies(
    payloads: Sequence[Mapping[str, Any]],
    target: Channel,
    thread: str | None,
    posted: list[str],
    result: Delivered,
    store: StateStore,
    window: Window,
) -> None:
    """Post the window's messages (in the thread when there is one), skipping what an earlier attempt posted."""
    for index, payload in enumerate(payloads):
        if index < len(posted):
            continue  # posted by the run whose claim this one took over
        ts = target.post(payload, thread)
        posted.append(ts or "sent")
        result.sent += 1
    if payloads:
        store.record_replies(window.key, window.run_id, posted)


def _wait_for_parent(
    store: StateStore, incident: Incident, window: Window, clock: Clock, deadline: float
) -> Incident | None:
    """Another run is opening the incident: wait (briefly) for its parent message, or for its claim to expire."""
    waited, interval = 0.0, 0.5
    while incident.status == OPENING and incident.owner != window.run_id:
        if incident.owner_expires_ms < window.now_ms + waited * 1000:
            return incident  # its owner died: this run may open it (OPENS with the claim taken over)
        if waited >= WAIT_FOR_PARENT_S or clock.monotonic() + interval >= deadline:
            return None
        clock.sleep(interval)
        waited += interval
        interval = min(interval * 1.5, 2.0)
        current = store.incident()
        if current is None:
            return None
        incident = current
    return incident
