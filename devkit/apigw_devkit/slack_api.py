"""A real HTTP server on 127.0.0.1 that stands in for Slack's Web API: ``auth.test``, ``chat.postMessage`` and
``chat.update``, as a Slack app's bot token (``xoxb-...``, scope ``chat:write``) uses them.

It answers the way Slack documents these methods (docs.slack.dev/reference/methods/chat.postMessage, chat.update,
auth.test; "Rate limits"; "Formatting text for app surfaces"; the Block Kit reference): every answer is HTTP 200
with ``{"ok": true, ...}`` or ``{"ok": false, "error": "<code>"}``, except rate limiting (HTTP 429, ``Retry-After``,
``{"ok": false, "error": "ratelimited"}``) and what a test scripts (any status, a body, a connection reset). It keeps
the channel as Slack would show it: parent messages in ``ts`` order, each with its versions (``chat.update``) and its
thread replies, and records every call (method, headers with the token hidden, decoded arguments, answer).

Where Slack's documentation is silent or disagrees with what people observe, the choice is written beside the code
(look for "Undocumented") and, where it matters to a client, the stand-in can answer under each reading
(``missing_thread``, ``text_limits``, ``refuse_long_blocks``) or flags the call (``ApiCall.warnings``) instead of
refusing it.

The bot token is a secret: it appears in no repr, str, exception or log line of this module. Calls keep it in a
private field, only to say whether a call carried a given token (``ApiCall.sent_token``).
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from slack_sdk.models.blocks import Block

DEFAULT_TOKEN = "xoxb-1234-5678-standin"
DEFAULT_CHANNEL = "C07EZ1ABC23"
HUMAN_USER = "U07HUMAN001"
METHODS = ("auth.test", "chat.postMessage", "chat.update")
HIDDEN = "[redacted]"

# Block Kit reference, "Blocks" and each block's page: what Slack refuses with invalid_blocks.
MAX_BLOCKS = 50  # "You can include up to 50 blocks in each message"
MAX_SECTION_TEXT = 3_000  # section: "Maximum length for the text in this field is 3000 characters"
MAX_SECTION_FIELDS = 10  # section fields: "Maximum number of items is 10"
MAX_FIELD_TEXT = 2_000  # section fields: "Maximum length for the text in each item is 2000 characters"
MAX_HEADER_TEXT = 150  # header: "Maximum length for the text in this field is 150 characters"
MAX_CONTEXT_ELEMENTS = 10  # context: "Maximum number of items is 10"
MAX_BLOCK_ID = 255  # every block: "Maximum length for this field is 255 characters"
# Text refused with msg_too_long, per method. chat.postMessage: "Slack will truncate messages containing more than
# 40,000 characters" (method page, "Truncating content"); msg_too_long was in its error list until late 2024, and
# refusing is the reading a client can notice. chat.update: "msg_too_long: Message text is too long. The text
# field cannot exceed 4,000 characters" (its error list since September 2025).
TEXT_LIMITS = {"chat.postMessage": 40_000, "chat.update": 4_000}
# chat.postMessage, "Truncating content": "For best results, limit the number of characters in the text field to
# 4,000 characters". Above that the call is flagged: Slack's SDK maintainer reports msg_too_long there
# (seratch/ChatGPT-in-Slack#102, October 2024) and chat.update documents it as its limit.
ADVISED_TEXT = 4_000
# Undocumented: Slack refuses blocks that are too large in total with msg_blocks_too_long. Reports put the edge near
# 13,000 characters (bolt-js#2509: 13,297 characters of markdown blocks, 13,172 with a divider; Slack staff there:
# "12,000 text characters with a buffer for block containers"; bolt-js#2867: refused at 11,341 characters of text in
# rich_text blocks). Measured here as the compact JSON of the blocks, the larger of the plausible measures, and
# flagged rather than refused unless refuse_long_blocks is set.
BLOCKS_REFUSED_FROM = 13_000

################################################################################
# Records
################################################################################


@dataclass(frozen=True)
class ApiAnswer:
    """One scripted answer: a status, a body (a mapping is sent as JSON, ``None`` as ``{"ok": true}``, text as is),
    headers, or a connection reset. With ``apply`` the call takes effect first (the message is posted or updated)
    and the client still gets this answer, as when Slack did the work and the answer was lost."""

    status: int = 200
    body: Mapping[str, Any] | str | bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    reset: bool = False
    apply: bool = False

    @classmethod
    def error(cls, code: str, *, status: int = 200, apply: bool = False, **fields: Any) -> ApiAnswer:
        """Slack's refusal: ``{"ok": false, "error": code, **fields}`` (HTTP 200, as Slack answers errors)."""
        return cls(status, {"ok": False, "error": code, **fields}, apply=apply)

    @classmethod
    def ratelimited(cls, retry_after_s: int = 1) -> ApiAnswer:
        """What Slack answers over a rate limit ("Rate limits": HTTP 429 and Retry-After in seconds)."""
        return cls(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after_s)})

    @classmethod
    def server_error(cls, status: int = 500, body: str = "", *, apply: bool = False) -> ApiAnswer:
        """A failure on Slack's side: a 5xx whose body is not the API's JSON."""
        return cls(status, body, apply=apply)

    @classmethod
    def connection_reset(cls, *, apply: bool = False) -> ApiAnswer:
        """The request is read, then the connection is reset (TCP RST) without an answer."""
        return cls(reset=True, apply=apply)


@dataclass(frozen=True)
class ApiCall:
    """One request as the stand-in saw and answered it.

    ``headers`` are as sent, except ``Authorization``, whose token is hidden (``Bearer [redacted]``); ``args`` are
    the decoded arguments (JSON or form; a ``blocks`` string decoded; a form ``token`` hidden). ``answer`` is the
    decoded JSON answer (text for a scripted non-JSON body, ``None`` after a reset). ``warnings`` are the stand-in's
    own flags, which Slack does not send (see the module docstring)."""

    index: int
    http_method: str
    method: str
    headers: Mapping[str, str]
    args: Mapping[str, Any]
    status: int
    answer: Any
    answer_headers: Mapping[str, str]
    scripted: bool
    warnings: tuple[str, ...]  # "<code>: <why>", e.g. "msg_blocks_too_long: the blocks are 13,004 characters ..."
    _token: str | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == 200 and isinstance(self.answer, Mapping) and self.answer.get("ok") is True

    @property
    def error(self) -> str | None:
        return self.answer.get("error") if isinstance(self.answer, Mapping) else None

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(warning.split(":", 1)[0] for warning in self.warnings)

    def sent_token(self, token: str) -> bool:
        """Whether this call carried ``token`` (as a bearer token, or a form ``token`` argument)."""
        return self._token is not None and self._token == token

    def __str__(self) -> str:
        return f"#{self.index} {self.method} -> {self.status} {self.error or ('ok' if self.ok else '')}".rstrip()


@dataclass(frozen=True)
class MessageVersion:
    """A message's content as one call left it: ``text`` and ``blocks`` (``None`` when never given)."""

    text: str
    blocks: list[dict[str, Any]] | None
    call_index: int  # the call that wrote this version; -1 for a message seeded by the test


@dataclass(frozen=True)
class PostedMessage:
    """A message in the channel: its versions (oldest first, the last is what people see) and its thread."""

    channel: str
    ts: str
    user: str
    bot_id: str | None
    thread_ts: str | None
    reply_broadcast: bool
    history: tuple[MessageVersion, ...]
    replies: tuple[PostedMessage, ...] = ()

    @property
    def text(self) -> str:
        return self.history[-1].text

    @property
    def blocks(self) -> list[dict[str, Any]] | None:
        return self.history[-1].blocks

    @property
    def edits(self) -> int:
        return len(self.history) - 1

    def mentions(self) -> list[Mention]:
        """Mentions in the current version (see :func:`mentions`)."""
        return mentions(self)


@dataclass(frozen=True)
class Mention:
    """One mention: where it stands (``text``, ``blocks[0].text``, ``blocks[2].elements[1]`` ...), whom it reaches
    (``kind`` here/channel/everyone/subteam/user, ``target`` the id or the broadcast word) and the syntax found."""

    where: str
    kind: str
    target: str
    syntax: str


@dataclass(frozen=True)
class BotIdentity:
    """Who a token speaks for: the bot user, the bot, a display name and the token's scopes."""

    user_id: str
    bot_id: str
    name: str
    scopes: tuple[str, ...] = ("chat:write",)


################################################################################
# Mentions and rendering (pure)
################################################################################

# "Formatting text for app surfaces": special mentions <!here> <!channel> <!everyone>, user groups <!subteam^ID>,
# users <@U...> (or W... in Enterprise Grid), each optionally with a |label.
_MENTION = re.compile(r"<(?:!(here|channel|everyone)|!subteam\^([A-Za-z0-9]+)|@([UW][A-Za-z0-9]+))(?:\|[^<>]*)?>")
_RICH_MENTION = {"broadcast": ("range", None), "usergroup": ("usergroup_id", "subteam"), "user": ("user_id", "user")}


def _scan(text: str, where: str) -> list[Mention]:
    found = []
    for match in _MENTION.finditer(text):
        broadcast, subteam, user = match.groups()
        if broadcast:
            found.append(Mention(where, broadcast, broadcast, match.group(0)))
        elif subteam:
            found.append(Mention(where, "subteam", subteam, match.group(0)))
        else:
            found.append(Mention(where, "user", user, match.group(0)))
    return found


def _walk_blocks(value: Any, where: str) -> list[Mention]:
    found: list[Mention] = []
    if isinstance(value, list):
        for position, item in enumerate(value):
            found += _walk_blocks(item, f"{where}[{position}]")
    elif isinstance(value, Mapping):
        kind = value.get("type")
        if kind in ("mrkdwn", "markdown") and isinstance(value.get("text"), str):
            # Only mrkdwn text objects (and markdown blocks) are parsed for mentions; plain_text shows them as typed.
            found += _scan(value["text"], where)
        elif kind in _RICH_MENTION:  # rich_text elements: {"type": "user", "user_id": ...} and the like
            key, fixed_kind = _RICH_MENTION[kind]
            target = value.get(key)
            if isinstance(target, str):
                found.append(Mention(where, fixed_kind or target, target, f"{kind}:{target}"))
        for key, item in value.items():
            if isinstance(item, (list, Mapping)):
                found += _walk_blocks(item, f"{where}.{key}")
    return found


def mentions(content: Any) -> list[Mention]:
    """Every mention in a message, in order: its ``text`` (top-level text is mrkdwn) and every mrkdwn text, markdown
    block and rich-text mention element of its blocks. ``content`` is a text, a list of blocks, a payload or answer
    mapping (``text`` and ``blocks``), or a :class:`PostedMessage` / :class:`MessageVersion`. An escaped
    ``&lt;!here&gt;`` or a plain_text ``<!here>`` is no mention, as in Slack."""
    if isinstance(content, str):
        return _scan(content, "text")
    if isinstance(content, list):
        return _walk_blocks(content, "blocks")
    if isinstance(content, (PostedMessage, MessageVersion)):
        content = {"text": content.text, "blocks": content.blocks}
    if isinstance(content, Mapping):
        text = content.get("text")
        found = _scan(text, "text") if isinstance(text, str) else []
        return found + _walk_blocks(content.get("blocks") or [], "blocks")
    raise TypeError(f"mentions() takes a text, blocks, a payload or a message, not {type(content).__name__}")


_ANGLE = re.compile(r"<([^<>]*)>")


def _angle_to_display(match: re.Match[str]) -> str:
    inside = match.group(0)[1:-1]
    target, _, label = inside.partition("|")
    if target.startswith("!subteam^"):
        return label or f"@{target[len('!subteam^') :]}"
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return f"@{target[1:]}"
    if target.startswith("@"):
        return label if label.startswith("@") else f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    return f"{label} ({target})" if label else target


def display_text(mrkdwn: str) -> str:
    """mrkdwn as a person reads it in plain text: mentions as @name, links as ``label (url)``, entities decoded;
    ``*bold*``, ``_italic_`` and emoji codes stay as typed."""
    return html.unescape(_ANGLE.sub(_angle_to_display, mrkdwn))


def _object_text(value: Any) -> str:
    if isinstance(value, Mapping):
        text = value.get("text")
        if isinstance(text, str):
            return display_text(text) if value.get("type") == "mrkdwn" else text
        if value.get("type") == "image":
            return f"[image: {value.get('alt_text', '')}]"
    return ""


def _rich_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(_rich_text(item) for item in value)
    if not isinstance(value, Mapping):
        return ""
    kind = value.get("type")
    if kind == "text":
        return str(value.get("text", ""))
    if kind == "link":
        return str(value.get("text") or value.get("url", ""))
    if kind == "user":
        return f"@{value.get('user_id', '')}"
    if kind == "usergroup":
        return f"@{value.get('usergroup_id', '')}"
    if kind == "broadcast":
        return f"@{value.get('range', '')}"
    if kind == "emoji":
        return f":{value.get('name', '')}:"
    text = _rich_text(value.get("elements", []))
    return text + "\n" if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote") else text


def _block_lines(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind in ("header", "section"):
        lines = _object_text(block.get("text")).splitlines()
        for item in block.get("fields") or []:
            lines += _object_text(item).splitlines()
        return lines
    if kind == "context":
        return [" | ".join(_object_text(element) for element in block.get("elements") or [])]
    if kind == "divider":
        return ["----"]
    if kind == "markdown":
        return str(block.get("text", "")).splitlines()
    if kind == "rich_text":
        return _rich_text(block.get("elements", [])).splitlines()
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    return [f"[{kind} block]"]


def message_lines(text: str, blocks: list[dict[str, Any]] | None) -> list[str]:
    """What a message shows: its blocks when it has any (then ``text`` is only the notification fallback), else its
    text."""
    if blocks:
        return [line for block in blocks for line in _block_lines(block)]
    return display_text(text).splitlines() or [""]


################################################################################
# Payload checks (pure)
################################################################################


def _known_block_types() -> frozenset[str]:
    """Block types slack_sdk can parse: asked first, so Block.parse never logs an unknown block's content."""
    found, todo = set(), list(Block.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        kind = cls.__dict__.get("type")
        if isinstance(kind, str):
            found.add(kind)
    return frozenset(found)


KNOWN_BLOCK_TYPES = _known_block_types()


def _text_object_problem(value: Any, pointer: str, limit: int | None, kinds: tuple[str, ...]) -> str | None:
    """Block Kit "Composition objects", text object: {"type": "plain_text" | "mrkdwn", "text": "..."}."""
    if not isinstance(value, Mapping) or value.get("type") not in kinds or not isinstance(value.get("text"), str):
        return f"must be a text object of type {' or '.join(kinds)} [json-pointer:{pointer}]"
    if limit is not None and len(value["text"]) > limit:
        return f"must be less than {limit + 1} characters [json-pointer:{pointer}/text]"
    return None


def _block_problem(block: Mapping[str, Any], pointer: str) -> str | None:
    kind = block.get("type")
    if not isinstance(kind, str):
        return f"missing required field: type [json-pointer:{pointer}]"
    if kind not in KNOWN_BLOCK_TYPES:
        return f"unsupported type: {kind[:40]} [json-pointer:{pointer}/type]"
    block_id = block.get("block_id")
    if block_id is not None and (not isinstance(block_id, str) or len(block_id) > MAX_BLOCK_ID):
        return f"must be a string of at most {MAX_BLOCK_ID} characters [json-pointer:{pointer}/block_id]"
    both = ("plain_text", "mrkdwn")
    if kind == "section":
        if "text" in block:
            problem = _text_object_problem(block["text"], f"{pointer}/text", MAX_SECTION_TEXT, both)
            if problem:
                return problem
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
                return f"no more than {MAX_SECTION_FIELDS} items allowed [json-pointer:{pointer}/fields]"
            for position, item in enumerate(fields):
                problem = _text_object_problem(item, f"{pointer}/fields/{position}", MAX_FIELD_TEXT, both)
                if problem:
                    return problem
    elif kind == "header":
        problem = _text_object_problem(block.get("text"), f"{pointer}/text", MAX_HEADER_TEXT, ("plain_text",))
        if problem:
            return problem
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            return f"must provide at least one element [json-pointer:{pointer}/elements]"
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            return f"no more than {MAX_CONTEXT_ELEMENTS} items allowed [json-pointer:{pointer}/elements]"
        for position, element in enumerate(elements):
            if isinstance(element, Mapping) and element.get("type") == "image":
                continue
            problem = _text_object_problem(element, f"{pointer}/elements/{position}", None, both)
            if problem:
                return problem
    # Then what slack_sdk's Block models refuse (required fields, per-type limits this module does not spell out).
    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return f"unsupported type: {kind[:40]} [json-pointer:{pointer}/type]"
        parsed.validate_json()
        parsed.to_dict()  # validates nested objects too
    except Exception as error:  # slack_sdk raises SlackObjectFormationError, TypeError, KeyError ... on bad input
        return f"{type(error).__name__}: {str(error)[:200]} [json-pointer:{pointer}]"
    return None


def blocks_problem(blocks: Any) -> tuple[str, str] | None:
    """``(error code, message)`` Slack would refuse ``blocks`` with, or ``None``: ``invalid_blocks_format`` when they
    are not a list of objects, ``invalid_blocks`` when a block breaks a Block Kit rule."""
    if not isinstance(blocks, list) or not all(isinstance(block, Mapping) for block in blocks):
        return "invalid_blocks_format", "[ERROR] must be an array of block objects [json-pointer:/blocks]"
    if len(blocks) > MAX_BLOCKS:
        return "invalid_blocks", f"[ERROR] no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]"
    for position, block in enumerate(blocks):
        problem = _block_problem(block, f"/blocks/{position}")
        if problem:
            return "invalid_blocks", f"[ERROR] {problem}"
    return None


def blocks_json_chars(blocks: Any) -> int:
    """The blocks' size as compact JSON (the measure of BLOCKS_REFUSED_FROM)."""
    return len(json.dumps(blocks, separators=(",", ":"), ensure_ascii=False))


################################################################################
# The stand-in
################################################################################


@dataclass
class _Stored:
    channel: str
    ts: str
    user: str
    bot_id: str | None
    thread_ts: str | None
    reply_broadcast: bool
    versions: list[MessageVersion]
    hidden: bool = False
    reply_ts: list[str] = field(default_factory=list)


@dataclass
class _Bucket:
    per_second: float
    burst: float
    tokens: float
    refilled_at: float


@dataclass(frozen=True)
class _Outcome:
    status: int
    body: Any
    headers: Mapping[str, str]
    reset: bool = False
    warnings: tuple[str, ...] = ()


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 resets connections when a test (or the notifier) opens many at once.
    request_queue_size = 128
    daemon_threads = True


class _Refusal(Exception):
    """A Slack error answer raised inside a method (never carries a token)."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code)
        self.body = {"ok": False, "error": code, **fields}


class SlackApiStandIn:
    """Use as a context manager; ``base_url`` (``http://127.0.0.1:PORT/api``) is where Slack's ``https://slack.com/api``
    would be.

    ``token``/``identity`` are the bot token that is valid and whom it speaks for (more with :meth:`add_token`);
    ``channels`` the bot is a member of, ``other_channels`` exist without it, ``archived_channels`` are archived.
    ``missing_thread`` says what a ``thread_ts`` naming no message gets: ``"refuse"`` (``thread_not_found``), or,
    as people observe Slack doing, ``"hide"`` (ok, and the reply is seen nowhere) or ``"top_level"`` (ok, posted
    as a new parent). ``clock`` drives rate limits, ``wall_clock`` the ``ts`` values.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        identity: BotIdentity | None = None,
        team_id: str = "T07STANDIN1",
        team: str = "Stand-in workspace",
        channels: Iterable[str] = (DEFAULT_CHANNEL,),
        other_channels: Iterable[str] = (),
        archived_channels: Iterable[str] = (),
        missing_thread: Literal["refuse", "hide", "top_level"] = "refuse",
        text_limits: Mapping[str, int] | None = None,
        refuse_long_blocks: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team = team
        self.missing_thread = missing_thread
        self.text_limits = dict(TEXT_LIMITS if text_limits is None else text_limits)
        self.refuse_long_blocks = refuse_long_blocks
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._tokens: dict[str, BotIdentity] = {}
        self._revoked: set[str] = set()
        self._channels: set[str] = set()
        self._members: set[str] = set()
        self._archived: set[str] = set()
        self._messages: dict[tuple[str, str], _Stored] = {}
        self._parents: dict[str, list[str]] = {}
        self._deleted: list[_Stored] = []
        self._calls: list[ApiCall] = []
        self._script: dict[str, deque[ApiAnswer]] = {}
        self._limits: dict[str, tuple[float, float, bool]] = {}
        self._buckets: dict[tuple[str, str | None], _Bucket] = {}
        self._last_ts_us = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_token(token, identity or BotIdentity("U07STANDBOT", "B07STANDBOT", "apigw-notifier"))
        for channel in channels:
            self.join(channel)
        for channel in other_channels:
            self.add_channel(channel, member=False)
        for channel in archived_channels:
            self.add_channel(channel, member=False)
            self.archive(channel)

    def __repr__(self) -> str:
        where = self.base_url if self._server is not None else "stopped"
        return f"<SlackApiStandIn {where} channels={sorted(self._channels)} calls={len(self._calls)}>"

    # --- setup a test changes -----------------------------------------------------------------------------------

    @property
    def identity(self) -> BotIdentity:
        """Whom the first token speaks for."""
        with self._lock:
            return next(iter(self._tokens.values()))

    def add_token(self, token: str, identity: BotIdentity) -> None:
        """Make ``token`` valid, speaking for ``identity`` (another app's bot, a token without chat:write ...)."""
        if not token.startswith("xoxb-"):
            raise ValueError("the stand-in takes bot tokens only: they start with xoxb- (the value is not shown)")
        with self._lock:
            self._tokens[token] = identity
            self._revoked.discard(token)

    def revoke(self, token: str) -> None:
        """From now on ``token`` gets ``token_revoked`` (an app uninstalled, a token rotated away)."""
        with self._lock:
            self._revoked.add(token)

    def add_channel(self, channel: str, *, member: bool = True) -> None:
        with self._lock:
            self._channels.add(channel)
            self._parents.setdefault(channel, [])
            if member:
                self._members.add(channel)

    def join(self, channel: str) -> None:
        """The bot is invited to ``channel`` (created if new)."""
        self.add_channel(channel, member=True)

    def leave(self, channel: str) -> None:
        """The bot leaves (or is removed from) ``channel``; posting there gets ``not_in_channel``."""
        with self._lock:
            self._members.discard(channel)

    def archive(self, channel: str) -> None:
        with self._lock:
            self._archived.add(channel)

    def unarchive(self, channel: str) -> None:
        with self._lock:
            self._archived.discard(channel)

    def delete_channel(self, channel: str) -> None:
        """``channel`` no longer exists: ``channel_not_found`` from now on."""
        with self._lock:
            self._channels.discard(channel)
            self._members.discard(channel)
            self._archived.discard(channel)

    def seed_message(self, channel: str, text: str, *, user: str = HUMAN_USER, thread_ts: str | None = None) -> str:
        """A message someone else wrote in ``channel`` (the bot cannot update it); returns its ts."""
        with self._changed:
            self.add_channel(channel, member=channel in self._members)
            ts = self._next_ts()
            self._store(_Stored(channel, ts, user, None, thread_ts, False, [MessageVersion(text, None, -1)]))
            self._changed.notify_all()
            return ts

    def delete_message(self, channel: str, ts: str) -> int:
        """Someone deletes the message ``ts`` in ``channel`` (a parent takes its thread with it, as Slack shows a
        thread whose parent is gone to nobody): chat.update on it gets ``message_not_found`` from now on, and a
        ``thread_ts`` naming it is answered per ``missing_thread``. Returns how many messages went."""
        with self._changed:
            stored = self._messages.pop((channel, ts))
            gone = [stored] + [self._messages.pop((channel, reply)) for reply in stored.reply_ts]
            if ts in self._parents.get(channel, []):
                self._parents[channel].remove(ts)
            elif stored.thread_ts is not None and (parent := self._messages.get((channel, stored.thread_ts))):
                parent.reply_ts.remove(ts)
            self._deleted.extend(gone)
            self._changed.notify_all()
            return len(gone)

    def script(self, method: str, *answers: ApiAnswer) -> None:
        """Queue answers for the next calls of ``method`` (``"*"``: of any method); after them, calls are handled
        normally again. A scripted answer replaces the call's effect unless it says ``apply=True``."""
        with self._lock:
            self._script.setdefault(method, deque()).extend(answers)

    def rate_limit(self, method: str, per_minute: float | None, *, burst: int = 1, per_channel: bool = False) -> None:
        """A token bucket for ``method``: ``burst`` calls at once, refilled at ``per_minute``; over it, HTTP 429 with
        ``Retry-After`` (whole seconds until a call fits) and ``ratelimited``. ``per_channel`` keeps a bucket per
        channel ("Rate limits": chat.postMessage "generally allows posting one message per second per channel",
        short bursts allowed; chat.update is Tier 3, 50+ per minute). ``None`` removes the limit."""
        with self._lock:
            self._buckets = {key: bucket for key, bucket in self._buckets.items() if key[0] != method}
            if per_minute is None:
                self._limits.pop(method, None)
            else:
                self._limits[method] = (per_minute / 60.0, float(burst), per_channel)

    # --- what tests read ------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the stand-in first"
        return f"http://127.0.0.1:{self._server.server_port}/api"

    @property
    def calls(self) -> list[ApiCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def wait_for_calls(self, count: int, timeout_s: float = 10.0) -> list[ApiCall]:
        """Block until at least ``count`` calls were answered (a condition variable, not a sleep); returns them all."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._calls) >= count, timeout=timeout_s)
            return list(self._calls)

    def warnings(self) -> list[str]:
        """Every call's warnings, in call order."""
        return [warning for call in self.calls for warning in call.warnings]

    def messages(self, channel: str = DEFAULT_CHANNEL) -> list[PostedMessage]:
        """The channel's parent messages in ts order, each with its versions and thread replies; replies posted to a
        missing thread under ``missing_thread="hide"`` are not there, as in Slack."""
        with self._lock:
            return [self._snapshot(self._messages[(channel, ts)]) for ts in self._parents.get(channel, [])]

    def message(self, ts: str, channel: str | None = None) -> PostedMessage:
        """Any message (parent, reply or hidden) by its ts; KeyError if there is none."""
        with self._lock:
            for (where, message_ts), stored in self._messages.items():
                if message_ts == ts and channel in (None, where):
                    return self._snapshot(stored)
        raise KeyError(ts)

    def thread(self, ts: str, channel: str | None = None) -> list[PostedMessage]:
        """The replies in the thread of the parent ``ts``, oldest first."""
        return list(self.message(ts, channel).replies)

    def deleted_messages(self) -> list[PostedMessage]:
        """What :meth:`delete_message` took away, in the order it went (a parent before its replies)."""
        with self._lock:
            return [self._snapshot(stored, replies=False) for stored in self._deleted]

    def hidden_messages(self) -> list[PostedMessage]:
        """Replies posted to a thread that does not exist, under ``missing_thread="hide"``: seen by nobody."""
        with self._lock:
            return [self._snapshot(stored) for stored in self._messages.values() if stored.hidden]

    def render(self, channel: str = DEFAULT_CHANNEL) -> str:
        """The channel as a person reads it, as plain text: each parent's current version (with "(edited N
        times)"), then its thread replies indented."""
        lines = [f"#{channel}"]
        with self._lock:
            parents = self.messages(channel)
            hidden = [message for message in self.hidden_messages() if message.channel == channel]
            for parent in parents:
                lines += self._render_message(parent, reply=False)
                for reply in parent.replies:
                    lines += self._render_message(reply, reply=True)
        if hidden:
            replies = "reply" if len(hidden) == 1 else "replies"
            lines.append(f"({len(hidden)} {replies} posted to a thread that does not exist: seen by nobody)")
        return "\n".join(lines)

    def token_leaks(self, *also_secret: str) -> list[str]:
        """Where a known token (or one of ``also_secret``) appears in what clients sent besides the token itself:
        call arguments, headers other than Authorization, message versions. Says where, never the value."""
        with self._lock:
            secrets = [secret for secret in [*self._tokens, *self._revoked, *also_secret] if secret]
            places = [(f"call #{call.index} {call.method} arguments", call.args) for call in self._calls]
            places += [(f"call #{call.index} {call.method} headers", call.headers) for call in self._calls]
            places += [
                (f"message {stored.ts} version {number}", {"text": version.text, "blocks": version.blocks})
                for stored in self._messages.values()
                for number, version in enumerate(stored.versions)
            ]
        found = []
        for where, value in places:
            text = json.dumps(value, ensure_ascii=False, default=str)
            if any(secret in text or json.dumps(secret)[1:-1] in text for secret in secrets):
                found.append(where)
        return found

    # --- server ---------------------------------------------------------------------------------------------------

    def start(self) -> SlackApiStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw_body = self.rfile.read(length)
                outcome = stand_in._handle(self.command, self.path, dict(self.headers.items()), raw_body)
                if outcome.reset:
                    # Linger 0: closing sends RST, so the client sees a reset connection rather than an answer.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                body, content_type = _encode_body(outcome.body)
                headers = {"Content-Type": content_type, **outcome.headers}  # a scripted Content-Type wins
                self.send_response(outcome.status)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # nothing is logged (a request line could carry a token); calls are recorded instead

        self._server = _Server(("127.0.0.1", 0), Handler)
        # A short poll interval so stop() returns within 10 ms instead of after serve_forever's default half second
        # (a test starts one stand-in each, so this is most of their run time).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="slack-api-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> SlackApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- one request ------------------------------------------------------------------------------------------------

    def _handle(self, http_method: str, path: str, headers: dict[str, str], raw_body: bytes) -> _Outcome:
        url_path = urlsplit(path).path
        method = url_path[len("/api/") :] if url_path.startswith("/api/") else ""
        args, decode_error, slack_warnings, form_token = _decode_args(http_method, headers, raw_body)
        # The Authorization header, or a form body's token argument; never a JSON body's ("Using the Slack Web API":
        # JSON bodies must send the token as a bearer token).
        token = _bearer(headers) or form_token
        with self._changed:
            scripted = self._next_scripted(method)
            if scripted is not None and not scripted.apply:
                outcome = _Outcome(scripted.status, _scripted_body(scripted), dict(scripted.headers), scripted.reset)
            else:
                outcome = self._process(method, token, args, decode_error, slack_warnings)
                if scripted is not None:
                    body = _scripted_body(scripted)
                    outcome = _Outcome(scripted.status, body, dict(scripted.headers), scripted.reset, outcome.warnings)
            # Recorded before answering: once the client has its answer, the call is visible to the test.
            self._calls.append(
                ApiCall(
                    index=len(self._calls),
                    http_method=http_method,
                    method=method or url_path,
                    headers=_redacted_headers(headers),
                    args=_redacted_args(args),
                    status=outcome.status,
                    answer=None if outcome.reset else copy.deepcopy(outcome.body),
                    answer_headers=dict(outcome.headers),
                    scripted=scripted is not None,
                    warnings=outcome.warnings,
                    _token=token,
                )
            )
            self._changed.notify_all()
        return outcome

    def _next_scripted(self, method: str) -> ApiAnswer | None:
        for key in (method, "*"):
            queue = self._script.get(key)
            if queue:
                return queue.popleft()
        return None

    def _process(
        self, method: str, token: str | None, args: dict[str, Any], decode_error: str | None, slack_warnings: list[str]
    ) -> _Outcome:
        if method not in METHODS:
            # Undocumented: the HTTP status of an unknown method's answer; its JSON says unknown_method.
            return _Outcome(404, {"ok": False, "error": "unknown_method", "req_method": method}, {})
        if decode_error:
            return _Outcome(200, {"ok": False, "error": decode_error}, {})
        try:
            identity = self._authenticate(token)
        except _Refusal as refusal:
            return _Outcome(200, refusal.body, {})
        # "Scopes": Slack tells the token's scopes, and the ones the method accepts, in these headers.
        needed = "" if method == "auth.test" else "chat:write"
        scope_headers = {"X-OAuth-Scopes": ",".join(identity.scopes)}
        if needed:
            scope_headers["X-Accepted-OAuth-Scopes"] = needed
        warnings: list[str] = [f"{code}: {_SLACK_WARNINGS[code]}" for code in slack_warnings]
        try:
            if needed and needed not in identity.scopes:
                raise _Refusal("missing_scope", needed=needed, provided=",".join(identity.scopes))
            wait_s = self._take_rate_token(method, args.get("channel"))
            if wait_s is not None:
                return _Outcome(
                    429,
                    {"ok": False, "error": "ratelimited"},
                    {**scope_headers, "Retry-After": str(wait_s)},
                    warnings=tuple(warnings),
                )
            if method == "auth.test":
                body = self._auth_test(identity)
            elif method == "chat.postMessage":
                body = self._post_message(identity, args, warnings)
            else:
                body = self._update(identity, args, warnings)
        except _Refusal as refusal:
            body = refusal.body
        if slack_warnings:
            body = {**body, "warning": ",".join(slack_warnings), "response_metadata": {"warnings": slack_warnings}}
        return _Outcome(200, body, scope_headers, warnings=tuple(warnings))

    def _authenticate(self, token: str | None) -> BotIdentity:
        if not token:
            raise _Refusal("not_authed")
        if token in self._revoked:
            raise _Refusal("token_revoked")
        identity = self._tokens.get(token)
        if identity is None:
            raise _Refusal("invalid_auth")
        return identity

    def _take_rate_token(self, method: str, channel: Any) -> int | None:
        """None if the call fits the method's bucket (and takes a token), else the seconds until one fits."""
        limit = self._limits.get(method)
        if limit is None:
            return None
        per_second, burst, per_channel = limit
        key = (method, str(channel) if per_channel else None)
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(per_second, burst, burst, now))
        bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.refilled_at) * bucket.per_second)
        bucket.refilled_at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        # Rounded first so float noise (2.0000000001 s) does not add a second.
        return max(1, math.ceil(round((1.0 - bucket.tokens) / bucket.per_second, 6)))

    def _auth_test(self, identity: BotIdentity) -> dict[str, Any]:
        # auth.test's documented bot example: url, team, user, team_id, user_id, bot_id.
        return {
            "ok": True,
            "url": "https://standin-workspace.slack.com/",
            "team": self.team,
            "user": identity.name,
            "team_id": self.team_id,
            "user_id": identity.user_id,
            "bot_id": identity.bot_id,
            "is_enterprise_install": False,
        }

    def _content(self, method: str, args: Mapping[str, Any], warnings: list[str]) -> tuple[Any, Any, bool]:
        """The text and blocks of a post or update, checked as Slack documents; refusals raise."""
        text, blocks = args.get("text"), args.get("blocks")
        if blocks is not None:
            problem = blocks_problem(blocks)
            if problem:
                code, message = problem
                raise _Refusal(code, response_metadata={"messages": [message]})
            size = blocks_json_chars(blocks)
            if size >= BLOCKS_REFUSED_FROM:
                if self.refuse_long_blocks:
                    raise _Refusal("msg_blocks_too_long")
                warnings.append(
                    f"msg_blocks_too_long: the blocks are {size:,} characters of JSON; Slack refused payloads from "
                    f"about {BLOCKS_REFUSED_FROM:,} (undocumented; bolt-js#2509, #2867)"
                )
        has_content = bool(text) or bool(blocks) or bool(args.get("attachments"))
        if not has_content:
            raise _Refusal("no_text")
        if text is not None and not isinstance(text, str):
            text = str(text)
        limit = self.text_limits.get(method)
        if text and limit is not None and len(text) > limit:
            raise _Refusal("msg_too_long")
        if text and len(text) > ADVISED_TEXT:
            warnings.append(
                f"long_text: the text has {len(text):,} characters; Slack advises at most {ADVISED_TEXT:,} "
                "(chat.postMessage, 'Truncating content') and chat.update refuses more"
            )
        return text, blocks, "text" in args

    def _channel_for(self, args: Mapping[str, Any], archived_error: str) -> str:
        channel = args.get("channel")
        if not isinstance(channel, str) or channel not in self._channels:
            raise _Refusal("channel_not_found")
        if channel in self._archived:
            raise _Refusal(archived_error)
        return channel

    def _post_message(self, identity: BotIdentity, args: Mapping[str, Any], warnings: list[str]) -> dict:
        channel = self._channel_for(args, "is_archived")
        if channel not in self._members:
            raise _Refusal("not_in_channel")
        text, blocks, _ = self._content("chat.postMessage", args, warnings)
        _flag_missing_fallback(text, blocks, warnings)
        thread_ts = args.get("thread_ts")
        hidden = False
        if thread_ts is not None:
            thread_ts = str(thread_ts)
            parent = self._messages.get((channel, thread_ts))
            if parent is None:
                # Undocumented: chat.postMessage lists no error for a thread_ts naming no message. People report
                # ok:true with the reply seen nowhere (python-slack-sdk#840, node-slack-sdk#780) or posted as a new
                # message; "refuse" answers thread_not_found, conversations.replies' error for it.
                if self.missing_thread == "refuse":
                    raise _Refusal("thread_not_found")
                if self.missing_thread == "top_level":
                    thread_ts = None
                else:
                    hidden = True
            elif parent.thread_ts is not None:
                # "Avoid using a reply's ts value; use its parent instead." What Slack does then is undocumented;
                # here the reply joins the parent's thread and the call is flagged.
                warnings.append(f"thread_ts_names_a_reply: {thread_ts} is a reply in the thread of {parent.thread_ts}")
                thread_ts = parent.thread_ts
        broadcast = thread_ts is not None and args.get("reply_broadcast") in (True, "true", "1", 1)
        ts = self._next_ts()
        stored = _Stored(
            channel,
            ts,
            identity.user_id,
            identity.bot_id,
            thread_ts,
            broadcast,
            [MessageVersion(text or "", copy.deepcopy(blocks), len(self._calls))],
            hidden=hidden,
        )
        self._store(stored)
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message_object(stored, identity)}

    def _update(self, identity: BotIdentity, args: Mapping[str, Any], warnings: list[str]) -> dict:
        # chat.update's error list has is_inactive ("cannot be edited within a frozen, archived or deleted channel")
        # and no not_in_channel: a bot that left a channel can still edit what it posted there (undocumented).
        channel = self._channel_for(args, "is_inactive")
        ts = args.get("ts")
        stored = self._messages.get((channel, str(ts))) if ts is not None else None
        if stored is None:
            raise _Refusal("message_not_found")
        if stored.bot_id != identity.bot_id:
            raise _Refusal("cant_update_message")
        text, blocks, text_given = self._content("chat.update", args, warnings)
        current = stored.versions[-1]
        if not text_given:
            # Slack documents that omitted blocks and attachments are kept, and says nothing of omitted text: kept
            # here, and flagged.
            warnings.append("text_kept: chat.update without text; whether Slack keeps the old text is undocumented")
            text = current.text
        if "blocks" not in args:
            blocks = current.blocks
        _flag_missing_fallback(text, blocks, warnings)
        stored.versions.append(MessageVersion(text or "", copy.deepcopy(blocks), len(self._calls)))
        message = self._message_object(stored, identity)
        return {"ok": True, "channel": channel, "ts": stored.ts, "text": message["text"], "message": message}

    def _message_object(self, stored: _Stored, identity: BotIdentity) -> dict[str, Any]:
        version = stored.versions[-1]
        message: dict[str, Any] = {
            "type": "message",
            "user": stored.user,
            "bot_id": stored.bot_id,
            "team": self.team_id,
            "username": identity.name,
            "text": version.text,
            "ts": stored.ts,
        }
        if version.blocks is not None:
            message["blocks"] = copy.deepcopy(version.blocks)
        if stored.thread_ts is not None:
            message["thread_ts"] = stored.thread_ts
        if len(stored.versions) > 1:
            message["edited"] = {"user": identity.user_id, "ts": self._next_ts()}
        return message

    # --- state ------------------------------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        """Slack's ts: seconds, a dot, six digits; unique and increasing (each at least a microsecond later)."""
        now_us = int(self._wall_clock() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _store(self, stored: _Stored) -> None:
        self._messages[(stored.channel, stored.ts)] = stored
        if stored.hidden:
            return
        if stored.thread_ts is None:
            self._parents.setdefault(stored.channel, []).append(stored.ts)
        else:
            parent = self._messages.get((stored.channel, stored.thread_ts))
            if parent is not None:
                parent.reply_ts.append(stored.ts)

    def _snapshot(self, stored: _Stored, *, replies: bool = True) -> PostedMessage:
        replies_now = (
            tuple(self._snapshot(self._messages[(stored.channel, ts)]) for ts in stored.reply_ts) if replies else ()
        )
        return PostedMessage(
            channel=stored.channel,
            ts=stored.ts,
            user=stored.user,
            bot_id=stored.bot_id,
            thread_ts=stored.thread_ts,
            reply_broadcast=stored.reply_broadcast,
            history=tuple(copy.deepcopy(stored.versions)),
            replies=replies_now,
        )

    def _author(self, message: PostedMessage) -> str:
        for identity in self._tokens.values():
            if message.bot_id is not None and identity.bot_id == message.bot_id:
                return identity.name
        return message.user

    def _render_message(self, message: PostedMessage, *, reply: bool) -> list[str]:
        notes = []
        if message.edits:
            notes.append(f"(edited {message.edits} time{'s' if message.edits != 1 else ''})")
        if message.reply_broadcast:
            notes.append("(also sent to the channel)")
        head, body = ("    > ", "      ") if reply else ("* ", "  ")
        lines = [" ".join([f"{head}{message.ts} {self._author(message)}", *notes])]
        lines += [f"{body}{line}".rstrip() for line in message_lines(message.text, message.blocks)]
        return lines


################################################################################
# Wire helpers
################################################################################


def _flag_missing_fallback(text: str | None, blocks: Any, warnings: list[str]) -> None:
    if blocks and not text:
        # chat.postMessage, "Text usage": with blocks, text is the fallback for notifications and screen readers.
        warnings.append("no_fallback_text: blocks without text; Slack shows text in notifications and screen readers")


_SLACK_WARNINGS = {
    # "Using the Slack Web API", JSON-encoded bodies: a JSON body should say its charset; Slack warns otherwise.
    "missing_charset": "the JSON body's Content-Type names no charset (Slack answers ok with this warning)",
}


def _bearer(headers: Mapping[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme, _, credential = value.partition(" ")
            return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None
    return None


def _redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    shown = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {HIDDEN}".strip()
        shown[name] = value
    return shown


def _redacted_args(args: Mapping[str, Any]) -> dict[str, Any]:
    shown = copy.deepcopy(dict(args))
    if "token" in shown:
        shown["token"] = HIDDEN
    return shown


def _decode_args(
    http_method: str, headers: Mapping[str, str], raw: bytes
) -> tuple[dict[str, Any], str | None, list[str], str | None]:
    """The call's arguments, the error Slack answers for a body it cannot read (or None), Slack's warnings, and the
    token a form body carries. Errors as "Using the Slack Web API" and every method's error list name them."""
    if http_method == "GET" or not raw:
        return {}, None, [], None
    content_type = next((value for name, value in headers.items() if name.lower() == "content-type"), None)
    if content_type is None:
        return {}, "missing_post_type", [], None
    mime, _, parameters = content_type.partition(";")
    mime = mime.strip().lower()
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset is not None and charset not in ("utf-8", "utf8", "iso-8859-1"):
        return {}, "invalid_charset", [], None
    form_token = None
    if mime == "application/json":
        warnings = [] if charset else ["missing_charset"]
        try:
            value = json.loads(raw.decode(charset or "utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}, "invalid_json", warnings, None
        if not isinstance(value, dict):
            return {}, "json_not_object", warnings, None
        args = value
    elif mime == "application/x-www-form-urlencoded":
        try:
            args = dict(parse_qsl(raw.decode(charset or "utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            return {}, "invalid_form_data", [], None
        warnings = []
        form_token = args.get("token") or None
    else:
        return {}, "invalid_post_type", [], None
    if isinstance(args.get("blocks"), str):  # "A JSON-based array of structured blocks, presented as a string"
        with suppress(ValueError):  # left a string when it is no JSON: invalid_blocks_format
            args["blocks"] = json.loads(args["blocks"])
    return args, None, warnings, form_token


def _scripted_body(answer: ApiAnswer) -> Any:
    return {"ok": True} if answer.body is None else answer.body


def _encode_body(body: Any) -> tuple[bytes, str]:
    if isinstance(body, bytes):
        return body, "text/plain; charset=utf-8"
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body).encode(), "application/json; charset=utf-8"
