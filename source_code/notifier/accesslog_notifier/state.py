"""The state table, the DynamoDB edge: incidents, window claims, mutes and what was muted.

One partition per scope (the notifier's log groups, hashed), items by sort key:

- ``incident``: the current incident (incidents.Incident), its ``version`` compared on every write;
- ``window#<kind>#<start>-<end>``: a window being or already reported (``claimed`` by a run until it expires,
  then ``done``), so a retried or replayed run neither posts nor counts twice, and records the replies it posted;
- ``mute``: a mute until a time; ``muted``: what quiet hours or a mute held, until a run posts its summary.

Writes that must happen together (a window done and its counts in the incident) are one TransactWriteItems; every
other write is conditional, so two runs never both open an incident or both summarise a mute. Windows, mutes and
resolved incidents expire through the table's TTL attribute (``expires_at``, epoch seconds). Any error of the
table is a StateError: the caller delivers without state and says why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from accesslog_notifier.incident_messages import Muted
from accesslog_notifier.incidents import Incident

WINDOW_TTL_S = 14 * 86400  # as long as the failure queue keeps a window for replay
MUTE_TTL_S = 30 * 86400
CLAIMED, DONE = "claimed", "done"
NEW, TAKEN, BUSY = "new", "taken", "busy"


class StateError(Exception):
    """The table could not be read or written (the message names the operation and AWS's error code)."""


def scope_of(log_group_names: Sequence[str]) -> str:
    """The partition of a notifier: its log groups, sorted and hashed (a table may hold several notifiers)."""
    digest = hashlib.sha256(json.dumps(sorted(log_group_names)).encode()).hexdigest()[:24]
    return f"notifier#{digest}"


@dataclass(frozen=True)
class WindowClaim:
    """What claiming a window found: NEW (claimed now), TAKEN (an expired claim taken over: its replies were
    posted already), BUSY (another live run has it), DONE (already reported)."""

    outcome: str
    replies: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals as ints, recursively (every number the table holds is a whole number)."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(item) for item in value]
    return value


class StateStore:
    """The table's items for one scope. ``client`` is a boto3 DynamoDB client."""

    def __init__(self, client: Any, table: str, scope: str) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self._client, self._table, self._scope = client, table, scope
        self._serializer, self._deserializer = TypeSerializer(), TypeDeserializer()

    # --- encoding -------------------------------------------------------------------------------------------------

    def _key(self, sort_key: str) -> dict[str, Any]:
        return {"pk": {"S": self._scope}, "sk": {"S": sort_key}}

    def _item(self, sort_key: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
        item = {name: self._serializer.serialize(value) for name, value in attributes.items() if value is not None}
        return {**self._key(sort_key), **item}

    def _values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self._serializer.serialize(value) for name, value in values.items()}

    def _decoded(self, item: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if not item:
            return None
        return {name: _plain(self._deserializer.deserialize(value)) for name, value in item.items()}

    def _call(self, operation: str, **request: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, operation)(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            if code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
                raise _ConditionFailed(code) from None
            raise StateError(f"{operation} on table {self._table}: {code}") from None
        except BotoCoreError as error:
            raise StateError(f"{operation} on table {self._table}: {type(error).__name__}") from None

    def _get(self, sort_key: str) -> dict[str, Any] | None:
        answer = self._call("get_item", TableName=self._table, Key=self._key(sort_key), ConsistentRead=True)
        return self._decoded(answer.get("Item"))

    # --- the incident ---------------------------------------------------------------------------------------------

    def incident(self) -> Incident | None:
        item = self._get("incident")
        if item is None:
            return None
        fields = {name: item[name] for name in Incident.__dataclass_fields__ if name in item}
        fields["minutes"] = {int(minute): count for minute, count in (item.get("minutes") or {}).items()}
        fields["window_errors"] = tuple(item.get("window_errors") or ())
        return Incident(**fields)

    def _incident_attributes(self, incident: Incident) -> dict[str, Any]:
        attributes = asdict(incident)
        attributes["minutes"] = {str(minute): count for minute, count in incident.minutes.items()}
        attributes["window_errors"] = list(incident.window_errors)
        if incident.status == "resolved":
            attributes["expires_at"] = (incident.resolved_at_ms or incident.last_seen_ms) // 1000 + WINDOW_TTL_S
        return attributes

    def _incident_put(self, incident: Incident, expected_version: int | None) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": self._item("incident", self._incident_attributes(incident)),
        }
        if expected_version is None:
            put["ConditionExpression"] = "attribute_not_exists(sk)"
        else:
            put["ConditionExpression"] = "version = :expected"
            put["ExpressionAttributeValues"] = self._values({":expected": expected_version})
        return put

    def replace_incident(self, incident: Incident, expected_version: int | None) -> bool:
        """Write the incident if the stored one still has ``expected_version`` (None: if there is none)."""
        try:
            self._call("put_item", **self._incident_put(incident, expected_version))
        except _ConditionFailed:
            return False
        return True

    def claim_mention(self, version: int) -> bool:
        """Take the incident's one mention (the incident still at ``version``, not mentioned yet): True for the one
        run that may post it. The version moves on, so no run writes back an incident that forgot it."""
        try:
            self._call(
                "update_item",
                TableName=self._table,
                Key=self._key("incident"),
                UpdateExpression="SET mentioned = :true, version = :next",
                ConditionExpression="version = :version AND (attribute_not_exists(mentioned) OR mentioned = :false)",
                ExpressionAttributeValues=self._values(
                    {":true": True, ":false": False, ":version": version, ":next": version + 1}
                ),
            )
        except _ConditionFailed:
            return False
        return True

    # --- windows ---------------------------------------------------------------------------------------------------

    def claim_window(self, key: str, run_id: str, *, now_ms: int, expires_ms: int) -> WindowClaim:
        """Claim a window for this run: NEW, or TAKEN over from a run whose claim expired (keeping what it posted),
        else BUSY (another live run has it) or DONE (already reported)."""
        current = self._get(key)
        if current is not None and current.get("status") == DONE:
            return WindowClaim(DONE, tuple(current.get("replies") or ()))
        if current is not None and int(current.get("claim_expires_ms", 0)) >= now_ms:
            return WindowClaim(BUSY)
        replies = tuple(current.get("replies") or ()) if current else ()
        attributes = {
            "status": CLAIMED,
            "run_id": run_id,
            "claim_expires_ms": expires_ms,
            "replies": list(replies) or None,
            "expires_at": now_ms // 1000 + WINDOW_TTL_S,
        }
        request: dict[str, Any] = {"TableName": self._table, "Item": self._item(key, attributes)}
        if current is None:
            request["ConditionExpression"] = "attribute_not_exists(sk)"
        else:
            request["ConditionExpression"] = "run_id = :previous AND claim_expires_ms < :now"
            request["ExpressionAttributeValues"] = self._values({":previous": current.get("run_id"), ":now": now_ms})
        try:
            self._call("put_item", **request)
        except _ConditionFailed:
            return WindowClaim(BUSY)  # another run claimed it between the read and the write
        return WindowClaim(TAKEN if current is not None else NEW, replies)

    def record_replies(self, key: str, run_id: str, replies: Sequence[str]) -> None:
        """Remember what this run posted for a window, so a run that takes over the window posts it no more."""
        try:
            self._call(
                "update_item",
                TableName=self._table,
                Key=self._key(key),
                UpdateExpression="SET replies = :replies",
                ConditionExpression="run_id = :run",
                ExpressionAttributeValues=self._values({":replies": list(replies), ":run": run_id}),
            )
        except _ConditionFailed:
            raise StateError(f"window {key} is no longer this run's") from None

    def release_window(self, key: str, run_id: str) -> None:
        """Give a window back (the run failed before reporting it): a retry claims it at once."""
        with suppress(_ConditionFailed):
            self._call(
                "delete_item",
                TableName=self._table,
                Key=self._key(key),
                ConditionExpression="run_id = :run AND #status = :claimed",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=self._values({":run": run_id, ":claimed": CLAIMED}),
            )

    def finish_window(
        self,
        key: str,
        run_id: str,
        *,
        now_ms: int,
        incident: Incident | None = None,
        expected_version: int | None = None,
    ) -> bool:
        """Mark the window done and, in the same transaction, write the incident its counts changed; False when
        the window is not this run's any more or the incident changed meanwhile."""
        done = {
            "Update": {
                "TableName": self._table,
                "Key": self._key(key),
                "UpdateExpression": "SET #status = :done, done_ms = :now",
                "ConditionExpression": "run_id = :run",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": self._values({":done": DONE, ":now": now_ms, ":run": run_id}),
            }
        }
        items = [done]
        if incident is not None:
            items.append({"Put": self._incident_put(incident, expected_version)})
        try:
            self._call("transact_write_items", TransactItems=items)
        except _ConditionFailed:
            return False
        return True

    # --- mutes ------------------------------------------------------------------------------------------------------

    def mute_until(self) -> tuple[int, int, str] | None:
        """(set at ms, until ms, reason) of the mute, if one was set (it may have ended)."""
        item = self._get("mute")
        if item is None:
            return None
        return int(item.get("set_ms", 0)), int(item.get("until_ms", 0)), str(item.get("reason") or "a mute")

    def set_mute(self, until_ms: int, reason: str, *, now_ms: int) -> None:
        attributes = {
            "until_ms": until_ms,
            "reason": reason,
            "set_ms": now_ms,
            "expires_at": until_ms // 1000 + MUTE_TTL_S,
        }
        self._call("put_item", TableName=self._table, Item=self._item("mute", attributes))

    def clear_mute(self) -> None:
        self._call("delete_item", TableName=self._table, Key=self._key("mute"))

    def add_muted(self, key: str, run_id: str, *, now_ms: int, muted: Muted) -> bool:
        """Add one muted window's counts to what was muted, with the window done, in one transaction."""
        current = self._get("muted")
        version = int(current["version"]) if current else None
        if current:
            merged = Muted(
                from_ms=min(int(current["from_ms"]), muted.from_ms),
                to_ms=max(int(current["to_ms"]), muted.to_ms),
                windows=int(current["windows"]) + muted.windows,
                errors=int(current["errors"]) + muted.errors,
                requests=int(current["requests"]) + muted.requests,
                unparsed=int(current["unparsed"]) + muted.unparsed,
                errors_by_status=_added(
                    {int(status): count for status, count in (current.get("errors_by_status") or {}).items()},
                    muted.errors_by_status,
                ),
                reasons=tuple(dict.fromkeys([*(current.get("reasons") or []), *muted.reasons]))[:5],
            )
        else:
            merged = muted
        attributes = {
            **asdict(merged),
            "errors_by_status": {str(status): count for status, count in merged.errors_by_status.items()},
            "reasons": list(merged.reasons),
            "version": (version or 0) + 1,
        }
        put: dict[str, Any] = {"TableName": self._table, "Item": self._item("muted", attributes)}
        if version is None:
            put["ConditionExpression"] = "attribute_not_exists(sk)"
        else:
            put["ConditionExpression"] = "version = :expected"
            put["ExpressionAttributeValues"] = self._values({":expected": version})
        done = {
            "Update": {
                "TableName": self._table,
                "Key": self._key(key),
                "UpdateExpression": "SET #status = :done, done_ms = :now",
                "ConditionExpression": "run_id = :run",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": self._values({":done": DONE, ":now": now_ms, ":run": run_id}),
            }
        }
        try:
            self._call("transact_write_items", TransactItems=[done, {"Put": put}])
        except _ConditionFailed:
            return False
        return True

    def take_muted(self, run_id: str, *, now_ms: int, expires_ms: int) -> tuple[Muted, int] | None:
        """Claim what was muted for this run to summarise: (what, its version), or None when there is nothing or
        another live run is summarising it."""
        item = self._get("muted")
        if item is None:
            return None
        try:
            self._call(
                "update_item",
                TableName=self._table,
                Key=self._key("muted"),
                UpdateExpression="SET summarizer = :run, summarizer_expires_ms = :expires",
                ConditionExpression=(
                    "version = :version AND (attribute_not_exists(summarizer) OR summarizer_expires_ms < :now)"
                ),
                ExpressionAttributeValues=self._values(
                    {":run": run_id, ":expires": expires_ms, ":version": item["version"], ":now": now_ms}
                ),
            )
        except _ConditionFailed:
            return None
        muted = Muted(
            from_ms=int(item["from_ms"]),
            to_ms=int(item["to_ms"]),
            windows=int(item["windows"]),
            errors=int(item["errors"]),
            requests=int(item["requests"]),
            unparsed=int(item["unparsed"]),
            errors_by_status={int(status): count for status, count in (item.get("errors_by_status") or {}).items()},
            reasons=tuple(item.get("reasons") or ()),
        )
        return muted, int(item["version"])

    def clear_muted(self, run_id: str, version: int) -> None:
        """Forget what was muted, once its summary is posted (only if nothing was added meanwhile)."""
        with suppress(_ConditionFailed):
            self._call(
                "delete_item",
                TableName=self._table,
                Key=self._key("muted"),
                ConditionExpression="summarizer = :run AND version = :version",
                ExpressionAttributeValues=self._values({":run": run_id, ":version": version}),
            )

    def release_muted(self, run_id: str) -> None:
        """Give the summary back (it could not be posted): the next run tries again."""
        with suppress(_ConditionFailed):
            self._call(
                "update_item",
                TableName=self._table,
                Key=self._key("muted"),
                UpdateExpression="REMOVE summarizer, summarizer_expires_ms",
                ConditionExpression="summarizer = :run",
                ExpressionAttributeValues=self._values({":run": run_id}),
            )


class _ConditionFailed(Exception):
    """A conditional write found the item in another state (not an error: another run got there first)."""


def _added(first: Mapping[int, int], second: Mapping[int, int]) -> dict[int, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return total
