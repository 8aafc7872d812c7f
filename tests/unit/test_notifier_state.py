"""The state table (state.py) against DynamoDB as moto emulates it in-process (no server): incidents and their
versions, window claims and their expiry, the mention, mutes and what they held, and the transactions that keep a
window's counts from being added twice.

The table is shaped as the notifier module creates it (pk and sk strings, tests/support/incident_hour.py). A second
writer is another StateStore on the same table; where it must act between this store's read and its write, the
client lets it run just before the store's next call of that operation (``Interleaved``). Expected values come
from what each test wrote, and the retention times from the README (windows 14 days, the failure queue's).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

import boto3
import pytest
from accesslog_notifier.incident_messages import Muted
from accesslog_notifier.incidents import OPEN, OPENING, RESOLVED, Incident
from accesslog_notifier.state import BUSY, DONE, NEW, TAKEN, StateError, StateStore, _plain, scope_of
from apigw_devkit.state_table import create_state_table
from botocore.config import Config
from moto import mock_aws

from tests.support.notifier import iso_ms

REGION = "us-east-1"
MINUTE = 60_000
T0 = iso_ms("2026-11-25T09:30:00.000Z")
DAY_S = 86_400
WINDOW_KEPT_S = 14 * DAY_S  # README: windows expire after 14 days, as long as the failure queue keeps an event
MUTE_KEPT_S = 30 * DAY_S  # a mute's item outlives the mute (30 days): mute_until still says when it ended
SCOPE = scope_of(["/aws/apigateway/orders-prod"])
KEY = f"window#scheduled#{T0}-{T0 + 5 * MINUTE}"


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
    name = "state-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:40]
    create_state_table(dynamodb, name)
    return name


@pytest.fixture
def store(dynamodb: Any, table: str) -> StateStore:
    return StateStore(dynamodb, table, SCOPE)


@pytest.fixture
def other(dynamodb: Any, table: str) -> StateStore:
    """Another run's store on the same table and scope."""
    return StateStore(dynamodb, table, SCOPE)


class Interleaved:
    """The real client; ``before(operation, action)`` runs ``action`` (another writer) just before the next call of
    ``operation``, between what the store read and what it writes. ``requests`` records every call made."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._before: dict[str, list[Callable[[], None]]] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def before(self, operation: str, action: Callable[[], None]) -> None:
        self._before.setdefault(operation, []).append(action)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        pending = self._before.get(name)

        def call(**request: Any) -> Any:
            self.requests.append((name, request))
            if pending:
                pending.pop(0)()
            return method(**request)

        return call


def raw(dynamodb: Any, table: str, sort_key: str, scope: str = SCOPE) -> dict[str, Any]:
    """The item as DynamoDB holds it ({} when there is none)."""
    answer = dynamodb.get_item(TableName=table, Key={"pk": {"S": scope}, "sk": {"S": sort_key}}, ConsistentRead=True)
    return answer.get("Item", {})


def incident(**fields: Any) -> Incident:
    base = Incident(status=OPEN, incident_id=str(T0), first_seen_ms=T0, last_seen_ms=T0 + 5 * MINUTE, version=1)
    return replace(base, **fields)


def claimed(store: StateStore, run_id: str = "run-a", key: str = KEY, now_ms: int = T0) -> str:
    """Claim ``key`` for ``run_id`` (live for five minutes), asserting it was new."""
    assert store.claim_window(key, run_id, now_ms=now_ms, expires_ms=now_ms + 5 * MINUTE).outcome == NEW
    return key


def muted(index: int, errors: int, **fields: Any) -> Muted:
    start = T0 + index * 5 * MINUTE
    return Muted(from_ms=start, to_ms=start + 5 * MINUTE, windows=1, errors=errors, requests=10 * errors, **fields)


# --- scope and encoding ---------------------------------------------------------------------------------------------


def test_the_scope_is_the_sorted_log_groups_hashed_so_their_order_does_not_matter() -> None:
    groups = ["/aws/apigateway/b", "/aws/apigateway/a"]
    expected = "notifier#" + hashlib.sha256(json.dumps(sorted(groups)).encode()).hexdigest()[:24]

    assert scope_of(groups) == scope_of(list(reversed(groups))) == expected
    assert scope_of(groups[:1]) != expected


def test_two_scopes_in_one_table_keep_their_own_items(store: StateStore, dynamodb: Any, table: str) -> None:
    elsewhere = StateStore(dynamodb, table, scope_of(["/aws/apigateway/payments-prod"]))
    store.replace_incident(incident(errors=4), None)

    assert elsewhere.incident() is None
    assert raw(dynamodb, table, "incident")["pk"] == {"S": SCOPE}


def test_plain_turns_every_decimal_the_table_returns_into_an_int_at_any_depth() -> None:
    value = {"a": Decimal(3), "b": [Decimal(1), {"c": Decimal(2)}], "s": {Decimal(4)}, "t": (Decimal(5),), "x": "y"}

    plain = _plain(value)

    assert plain == {"a": 3, "b": [1, {"c": 2}], "s": [4], "t": [5], "x": "y"}
    json.dumps(plain)  # json refuses a Decimal: none is left
    assert _plain(True) is True and _plain(None) is None


# --- the incident ---------------------------------------------------------------------------------------------------


def test_no_incident_reads_as_none(store: StateStore) -> None:
    assert store.incident() is None


def test_an_incident_reads_back_exactly_as_written(store: StateStore) -> None:
    written = incident(
        errors=41,
        requests=900,
        errors_5xx=30,
        minutes={T0: 10, T0 + MINUTE: 31},
        window_errors=(10, 31),
        critical=True,
        mentioned=True,
        quiet=1,
        parent_ts="1795000000.000100",
        channel="C07EZ1ABC23",
        owner="run-a",
        owner_expires_ms=T0 + 5 * MINUTE,
        version=7,
    )

    assert store.replace_incident(written, None) is True
    assert store.incident() == written


def test_an_incident_without_minutes_or_window_errors_reads_back_with_none_of_them(store: StateStore) -> None:
    written = incident(status=OPENING, owner="run-a")
    store.replace_incident(written, None)

    read = store.incident()
    assert read == written and read.minutes == {} and read.window_errors == ()


def test_the_incident_item_holds_the_incidents_fields_and_nothing_else(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    written = incident(minutes={T0: 3}, window_errors=(3,), parent_ts="1.1", channel="C1", owner="run-a")
    store.replace_incident(written, None)

    names = {field.name for field in fields(Incident)} - {"resolved_at_ms"}  # the one left unset
    assert set(raw(dynamodb, table, "incident")) == {"pk", "sk", *names}


def test_unset_attributes_are_not_written_and_an_open_incident_never_expires(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    store.replace_incident(incident(), None)

    item = raw(dynamodb, table, "incident")
    assert not {"parent_ts", "channel", "owner", "resolved_at_ms", "expires_at"} & item.keys()
    assert item["version"] == {"N": "1"} and item["status"] == {"S": OPEN}


@pytest.mark.parametrize(("resolved_at_ms", "expires_from_ms"), [(T0 + 25 * MINUTE, T0 + 25 * MINUTE), (None, T0)])
def test_a_resolved_incident_expires_14_days_after_it_resolved_else_after_it_was_last_seen(
    store: StateStore, dynamodb: Any, table: str, resolved_at_ms: int | None, expires_from_ms: int
) -> None:
    store.replace_incident(incident(status=RESOLVED, last_seen_ms=T0, resolved_at_ms=resolved_at_ms), None)

    assert raw(dynamodb, table, "incident")["expires_at"] == {"N": str(expires_from_ms // 1000 + WINDOW_KEPT_S)}
    assert store.incident().resolved_at_ms == resolved_at_ms  # the TTL attribute is not part of the incident


def test_only_one_run_opens_an_incident_where_there_is_none(store: StateStore, other: StateStore) -> None:
    first, second = incident(owner="run-a"), incident(owner="run-b")

    assert store.replace_incident(first, None) is True
    assert other.replace_incident(second, None) is False
    assert store.incident() == first


def test_a_write_on_a_stale_version_loses_and_the_stored_incident_stays(store: StateStore, other: StateStore) -> None:
    store.replace_incident(incident(version=1), None)
    assert other.replace_incident(incident(errors=5, version=2), 1) is True

    assert store.replace_incident(incident(errors=9, version=2), 1) is False
    assert store.incident() == incident(errors=5, version=2)


# --- the mention ----------------------------------------------------------------------------------------------------


def test_the_mention_is_claimed_once_and_moves_the_version_on(store: StateStore, other: StateStore) -> None:
    store.replace_incident(incident(version=3), None)

    assert store.claim_mention(3) is True
    assert other.claim_mention(3) is False  # the same version read by a second run
    assert other.claim_mention(4) is False  # the version it moved to: mentioned already
    assert store.incident() == incident(version=4, mentioned=True)


def test_no_mention_is_claimed_on_a_version_that_is_not_stored(store: StateStore) -> None:
    assert store.claim_mention(1) is False  # no incident
    store.replace_incident(incident(version=2), None)
    assert store.claim_mention(1) is False
    assert store.incident() == incident(version=2)


def test_an_incident_stored_without_the_mentioned_attribute_can_still_be_mentioned(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    store.replace_incident(incident(version=2), None)
    dynamodb.update_item(
        TableName=table, Key={"pk": {"S": SCOPE}, "sk": {"S": "incident"}}, UpdateExpression="REMOVE mentioned"
    )

    assert store.claim_mention(2) is True
    assert store.incident().mentioned is True


# --- windows --------------------------------------------------------------------------------------------------------


def test_a_new_window_is_claimed_by_the_run_until_its_claim_expires(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    claim = store.claim_window(KEY, "run-a", now_ms=T0 + 20_000, expires_ms=T0 + 320_000)

    assert (claim.outcome, claim.replies) == (NEW, ())
    item = raw(dynamodb, table, KEY)
    assert item["status"] == {"S": "claimed"} and item["run_id"] == {"S": "run-a"}
    assert item["claim_expires_ms"] == {"N": str(T0 + 320_000)}
    assert item["expires_at"] == {"N": str((T0 + 20_000) // 1000 + WINDOW_KEPT_S)}
    assert "replies" not in item


def test_a_live_claim_is_busy_for_another_run_up_to_and_including_its_expiry(
    store: StateStore, other: StateStore
) -> None:
    store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + 60_000)

    assert other.claim_window(KEY, "run-b", now_ms=T0 + 1, expires_ms=T0 + 120_000).outcome == BUSY
    assert other.claim_window(KEY, "run-b", now_ms=T0 + 60_000, expires_ms=T0 + 120_000).outcome == BUSY
    assert other.claim_window(KEY, "run-b", now_ms=T0 + 60_001, expires_ms=T0 + 120_000).outcome == TAKEN


def test_a_window_claimed_by_a_live_run_or_done_is_answered_from_one_read_without_a_write(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    # README, "Cost": every call is priced; a window another run holds costs a read, not a failed write as well.
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    live, done = claimed(other, "run-a"), claimed(other, "run-a", key=KEY + "#done")
    other.finish_window(done, "run-a", now_ms=T0)

    for key, now_ms in ((live, T0 + 1), (live, T0 + 5 * MINUTE), (done, T0 + DAY_S * 1000)):
        client.requests.clear()
        assert store.claim_window(key, "run-b", now_ms=now_ms, expires_ms=now_ms + MINUTE).outcome in (BUSY, DONE)
        assert [operation for operation, _ in client.requests] == ["get_item"]


def test_every_read_of_the_store_is_strongly_consistent(dynamodb: Any, table: str) -> None:
    # moto's reads are always consistent, so only the request can show it; a claim or a version read from a stale
    # replica would let two runs both post a window.
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    store.incident()
    store.mute_until()
    store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + MINUTE)
    store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE)

    reads = [request for operation, request in client.requests if operation == "get_item"]
    assert len(reads) == 4 and all(request["ConsistentRead"] is True for request in reads)


def test_an_expired_claim_is_taken_over_with_the_replies_its_run_posted(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + 60_000)
    store.record_replies(KEY, "run-a", ["1.1", "1.2"])

    claim = other.claim_window(KEY, "run-b", now_ms=T0 + 90_000, expires_ms=T0 + 390_000)

    assert (claim.outcome, claim.replies) == (TAKEN, ("1.1", "1.2"))
    item = raw(dynamodb, table, KEY)
    assert item["run_id"] == {"S": "run-b"} and item["claim_expires_ms"] == {"N": str(T0 + 390_000)}
    assert item["replies"] == {"L": [{"S": "1.1"}, {"S": "1.2"}]}
    with pytest.raises(StateError, match=rf"^window {re.escape(KEY)} is no longer this run's$"):
        store.record_replies(KEY, "run-a", ["1.3"])  # the run that lost its claim records nothing more
    other.record_replies(KEY, "run-b", ["1.1", "1.2", "1.3"])
    assert raw(dynamodb, table, KEY)["replies"]["L"][-1] == {"S": "1.3"}


def test_a_reported_window_is_done_for_every_run_with_the_replies_posted(store: StateStore, other: StateStore) -> None:
    claimed(store)
    store.record_replies(KEY, "run-a", ["1.1"])
    assert store.finish_window(KEY, "run-a", now_ms=T0 + 1000) is True

    for run_id, now_ms in (("run-a", T0 + 2000), ("replay", T0 + DAY_S * 1000)):
        claim = other.claim_window(KEY, run_id, now_ms=now_ms, expires_ms=now_ms + 60_000)
        assert (claim.outcome, claim.replies) == (DONE, ("1.1",))


def test_of_two_runs_claiming_a_new_window_at_once_only_the_first_write_wins(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    client.before("put_item", lambda: claimed(other, "run-b"))  # between this run's read (nothing) and its write

    assert store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + 60_000).outcome == BUSY
    assert raw(dynamodb, table, KEY)["run_id"] == {"S": "run-b"}


def test_of_two_runs_taking_over_an_expired_claim_only_the_first_write_wins(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    claimed(other, "run-a")
    later = T0 + 10 * MINUTE
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    client.before("put_item", lambda: other.claim_window(KEY, "run-c", now_ms=later, expires_ms=later + MINUTE))

    assert store.claim_window(KEY, "run-b", now_ms=later, expires_ms=later + MINUTE).outcome == BUSY
    assert raw(dynamodb, table, KEY)["run_id"] == {"S": "run-c"}


def test_a_released_window_is_claimed_new_at_once(store: StateStore, other: StateStore) -> None:
    claimed(store)
    store.release_window(KEY, "run-a")

    assert other.claim_window(KEY, "run-b", now_ms=T0 + 1, expires_ms=T0 + MINUTE).outcome == NEW


def test_only_the_claiming_run_releases_a_window_and_never_once_it_is_done(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    claimed(store)
    other.release_window(KEY, "run-b")
    assert raw(dynamodb, table, KEY)["run_id"] == {"S": "run-a"}

    store.finish_window(KEY, "run-a", now_ms=T0 + 1000)
    store.release_window(KEY, "run-a")
    assert other.claim_window(KEY, "run-b", now_ms=T0 + 2000, expires_ms=T0 + MINUTE).outcome == DONE


def test_finishing_a_window_marks_it_done_and_writes_its_incident_in_one_transaction(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    store.replace_incident(incident(version=1), None)
    claimed(store)
    counted = incident(errors=12, requests=100, version=2)

    assert store.finish_window(KEY, "run-a", now_ms=T0 + 30_000, incident=counted, expected_version=1) is True

    item = raw(dynamodb, table, KEY)
    assert item["status"] == {"S": "done"} and item["done_ms"] == {"N": str(T0 + 30_000)}
    assert store.incident() == counted


def test_a_window_finished_with_a_new_incident_creates_it_only_where_there_was_none(
    store: StateStore, other: StateStore
) -> None:
    claimed(store)
    first = incident(errors=3)
    assert store.finish_window(KEY, "run-a", now_ms=T0, incident=first, expected_version=None) is True

    second_key = claimed(other, "run-b", key=KEY + "-next")
    assert other.finish_window(second_key, "run-b", now_ms=T0, incident=incident(errors=8), expected_version=None) is (
        False
    )
    assert store.incident() == first


def test_when_the_incident_moved_on_finishing_fails_whole_so_counts_are_never_added_twice(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    store.replace_incident(incident(version=1), None)
    claimed(store)
    other.replace_incident(incident(errors=5, version=2), 1)  # another window's counts went in meanwhile

    assert store.finish_window(
        KEY, "run-a", now_ms=T0, incident=incident(errors=12, version=2), expected_version=1
    ) is (False)
    assert raw(dynamodb, table, KEY)["status"] == {"S": "claimed"}  # not done: the run reads again and retries
    assert store.incident() == incident(errors=5, version=2)


def test_a_run_whose_window_was_taken_over_finishes_nothing(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    store.replace_incident(incident(version=1), None)
    store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + 1)
    other.claim_window(KEY, "run-b", now_ms=T0 + 2, expires_ms=T0 + MINUTE)

    assert store.finish_window(
        KEY, "run-a", now_ms=T0, incident=incident(errors=12, version=2), expected_version=1
    ) is (False)
    assert raw(dynamodb, table, KEY)["status"] == {"S": "claimed"}
    assert store.incident() == incident(version=1)
    assert other.finish_window(KEY, "run-b", now_ms=T0 + 3) is True


# --- mutes ----------------------------------------------------------------------------------------------------------


def test_a_mute_is_read_back_with_when_it_was_set_and_why_and_kept_30_days_past_its_end(
    store: StateStore, dynamodb: Any, table: str
) -> None:
    assert store.mute_until() is None
    until = T0 + 12 * MINUTE + 500

    store.set_mute(until, "deploy 1.4.2", now_ms=T0)

    assert store.mute_until() == (T0, until, "deploy 1.4.2")
    assert raw(dynamodb, table, "mute")["expires_at"] == {"N": str(until // 1000 + MUTE_KEPT_S)}


def test_a_mute_without_a_reason_reads_as_a_mute_and_a_new_mute_replaces_the_old(store: StateStore) -> None:
    store.set_mute(T0 + MINUTE, "first", now_ms=T0)
    store.set_mute(T0 + 2 * MINUTE, "", now_ms=T0 + 1)

    assert store.mute_until() == (T0 + 1, T0 + 2 * MINUTE, "a mute")


def test_a_cleared_mute_is_gone(store: StateStore) -> None:
    store.set_mute(T0 + MINUTE, "deploy", now_ms=T0)
    store.clear_mute()
    assert store.mute_until() is None
    store.clear_mute()  # clearing no mute is no error


def test_what_was_muted_adds_up_over_windows_and_each_window_is_done(
    store: StateStore, other: StateStore, dynamodb: Any, table: str
) -> None:
    # Held out of order (a replay of an earlier window after a later one): the span still covers both.
    later = muted(3, 4, unparsed=1, errors_by_status={503: 3, 404: 1}, reasons=("quiet hours A",))
    earlier = muted(1, 6, unparsed=2, errors_by_status={503: 5, 500: 1}, reasons=("quiet hours A", "muted B"))
    for index, (run_id, held) in enumerate((("run-a", later), ("run-b", earlier))):
        key = claimed(store, run_id, key=f"{KEY}#{index}")
        assert store.add_muted(key, run_id, now_ms=T0 + 7, muted=held) is True
        assert raw(dynamodb, table, key)["status"] == {"S": "done"}
        assert raw(dynamodb, table, key)["done_ms"] == {"N": str(T0 + 7)}

    taken = other.take_muted("run-c", now_ms=T0, expires_ms=T0 + MINUTE)

    assert taken == (
        Muted(
            from_ms=earlier.from_ms,
            to_ms=later.to_ms,
            windows=2,
            errors=10,
            requests=100,
            unparsed=3,
            errors_by_status={503: 8, 404: 1, 500: 1},
            reasons=("quiet hours A", "muted B"),
        ),
        2,
    )


def test_what_was_muted_is_one_item_of_its_fields_and_a_version(store: StateStore, dynamodb: Any, table: str) -> None:
    key = claimed(store)
    store.add_muted(key, "run-a", now_ms=T0, muted=muted(0, 5, errors_by_status={503: 5}, reasons=("deploy",)))

    item = raw(dynamodb, table, "muted")
    assert set(item) == {"pk", "sk", "version", *(field.name for field in fields(Muted))}
    assert item["reasons"] == {"L": [{"S": "deploy"}]} and item["errors_by_status"] == {"M": {"503": {"N": "5"}}}


def test_what_was_muted_keeps_its_first_five_reasons(store: StateStore) -> None:
    reasons = [f"reason {number}" for number in range(7)]
    for index, reason in enumerate(reasons):
        key = claimed(store, f"run-{index}", key=f"{KEY}#{index}")
        assert store.add_muted(key, f"run-{index}", now_ms=T0, muted=muted(index, 1, reasons=(reason,))) is True

    taken = store.take_muted("summariser", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and taken[0].reasons == tuple(reasons[:5]) and taken[0].windows == len(reasons)


def test_a_muted_window_added_by_another_run_meanwhile_makes_this_add_fail_whole(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    mine, theirs = claimed(store, "run-a"), claimed(other, "run-b", key=KEY + "#theirs")

    client.before("transact_write_items", lambda: other.add_muted(theirs, "run-b", now_ms=T0, muted=muted(0, 5)))
    assert store.add_muted(mine, "run-a", now_ms=T0, muted=muted(1, 7)) is False
    assert raw(dynamodb, table, mine)["status"] == {"S": "claimed"}

    assert store.add_muted(mine, "run-a", now_ms=T0, muted=muted(1, 7)) is True  # read again, added once
    taken = store.take_muted("run-c", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and (taken[0].errors, taken[0].windows, taken[1]) == (12, 2, 2)


def test_the_first_muted_window_of_two_runs_at_once_is_added_by_one_of_them(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    mine, theirs = claimed(store, "run-a"), claimed(other, "run-b", key=KEY + "#theirs")
    client.before("transact_write_items", lambda: other.add_muted(theirs, "run-b", now_ms=T0, muted=muted(0, 5)))

    assert store.add_muted(mine, "run-a", now_ms=T0, muted=muted(1, 7)) is False
    taken = store.take_muted("run-c", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and (taken[0].errors, taken[1]) == (5, 1)


def test_a_window_that_is_not_the_runs_adds_nothing_to_what_was_muted(store: StateStore, other: StateStore) -> None:
    claimed(other, "run-b")

    assert store.add_muted(KEY, "run-a", now_ms=T0, muted=muted(0, 5)) is False
    assert store.take_muted("run-c", now_ms=T0, expires_ms=T0 + MINUTE) is None


def test_what_was_muted_is_summarised_by_one_run_until_its_claim_expires(store: StateStore, other: StateStore) -> None:
    assert store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE) is None  # nothing muted
    claimed(store, "held")
    store.add_muted(KEY, "held", now_ms=T0, muted=muted(0, 5))

    assert store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE) == (muted(0, 5), 1)
    assert other.take_muted("run-b", now_ms=T0 + MINUTE, expires_ms=T0 + 2 * MINUTE) is None
    assert other.take_muted("run-b", now_ms=T0 + MINUTE + 1, expires_ms=T0 + 2 * MINUTE) == (muted(0, 5), 1)


def test_what_was_muted_cannot_be_taken_on_a_version_that_moved_meanwhile(
    dynamodb: Any, table: str, other: StateStore
) -> None:
    client = Interleaved(dynamodb)
    store = StateStore(client, table, SCOPE)
    first, second = claimed(other, "run-a"), claimed(other, "run-b", key=KEY + "#2")
    other.add_muted(first, "run-a", now_ms=T0, muted=muted(0, 5))
    client.before("update_item", lambda: other.add_muted(second, "run-b", now_ms=T0, muted=muted(1, 2)))

    assert store.take_muted("run-c", now_ms=T0, expires_ms=T0 + MINUTE) is None
    taken = other.take_muted("run-d", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None and (taken[0].errors, taken[1]) == (7, 2)


def test_what_was_muted_is_cleared_by_its_summariser_only(store: StateStore, other: StateStore) -> None:
    claimed(store, "held")
    store.add_muted(KEY, "held", now_ms=T0, muted=muted(0, 5))
    taken = store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None

    other.clear_muted("run-b", taken[1])  # not its summary
    store.clear_muted("run-a", taken[1] + 1)  # not the version it summarised
    assert other.take_muted("run-b", now_ms=T0 + MINUTE + 1, expires_ms=T0 + 2 * MINUTE) == taken

    other.clear_muted("run-b", taken[1])
    assert store.take_muted("run-c", now_ms=T0 + 3 * MINUTE, expires_ms=T0 + 4 * MINUTE) is None


def test_a_window_muted_while_the_summary_went_out_is_kept_for_the_next_summary(
    store: StateStore, other: StateStore
) -> None:
    claimed(store, "held")
    store.add_muted(KEY, "held", now_ms=T0, muted=muted(0, 5))
    taken = store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE)
    assert taken is not None
    key = claimed(other, "held-later", key=KEY + "#later")
    other.add_muted(key, "held-later", now_ms=T0, muted=muted(1, 2))

    store.clear_muted("run-a", taken[1])

    kept = other.take_muted("run-b", now_ms=T0 + MINUTE + 1, expires_ms=T0 + 2 * MINUTE)
    assert kept is not None and (kept[0].windows, kept[0].errors, kept[1]) == (2, 7, 2)


def test_a_summary_given_back_is_taken_by_the_next_run_at_once(store: StateStore, other: StateStore) -> None:
    claimed(store, "held")
    store.add_muted(KEY, "held", now_ms=T0, muted=muted(0, 5))
    store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE)

    other.release_muted("run-b")  # not its claim: nothing changes
    assert other.take_muted("run-b", now_ms=T0 + 1, expires_ms=T0 + MINUTE) is None
    store.release_muted("run-a")
    assert other.take_muted("run-b", now_ms=T0 + 1, expires_ms=T0 + MINUTE) == (muted(0, 5), 1)


def test_releasing_or_clearing_what_was_muted_when_there_is_none_is_no_error(store: StateStore) -> None:
    store.release_muted("run-a")
    store.clear_muted("run-a", 1)
    assert store.take_muted("run-a", now_ms=T0, expires_ms=T0 + MINUTE) is None


# --- errors ---------------------------------------------------------------------------------------------------------


OPERATIONS: list[tuple[str, Callable[[StateStore], object]]] = [
    ("get_item", lambda store: store.incident()),
    ("get_item", lambda store: store.mute_until()),
    ("put_item", lambda store: store.replace_incident(incident(), None)),
    ("update_item", lambda store: store.claim_mention(1)),
    ("update_item", lambda store: store.record_replies(KEY, "run-a", ["1.1"])),
    ("delete_item", lambda store: store.release_window(KEY, "run-a")),
    ("transact_write_items", lambda store: store.finish_window(KEY, "run-a", now_ms=T0)),
    ("put_item", lambda store: store.set_mute(T0 + MINUTE, "deploy", now_ms=T0)),
    ("delete_item", lambda store: store.clear_mute()),
    ("delete_item", lambda store: store.clear_muted("run-a", 1)),
    ("update_item", lambda store: store.release_muted("run-a")),
]


@pytest.mark.parametrize(("operation", "act"), OPERATIONS)
def test_a_missing_table_is_a_state_error_naming_the_operation_the_table_and_awss_code(
    dynamodb: Any, operation: str, act: Callable[[StateStore], object]
) -> None:
    store = StateStore(dynamodb, "no-such-table", SCOPE)

    with pytest.raises(StateError) as raised:
        act(store)

    assert str(raised.value) == f"{operation} on table no-such-table: ResourceNotFoundException"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # the AWS error is not chained


def test_a_table_that_cannot_be_reached_is_a_state_error_naming_the_failure() -> None:
    with socket.socket() as unused:  # bound, never listening: a connection to it is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        client = boto3.client(
            "dynamodb",
            region_name=REGION,
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # nothing listens there: no credential is sent anywhere
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1),
        )
        store = StateStore(client, "orders-state", SCOPE)

        with pytest.raises(StateError, match=r"^get_item on table orders-state: EndpointConnectionError$"):
            store.claim_window(KEY, "run-a", now_ms=T0, expires_ms=T0 + MINUTE)
