"""The Slack Web API stand-in (devkit/apigw_devkit/slack_api.py) answers as Slack documents auth.test,
chat.postMessage and chat.update, called the plainest way: urllib.request against the real server on 127.0.0.1.

Expected limits come from Slack's documentation: tests/fixtures/slack-webhook.json (blocks, section, header, context,
text, total block size) and, for chat.update's text, its error list as cited below; never from the stand-in's
constants. Rate limits run on a clock the test moves, so nothing sleeps.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlencode

import pytest
from apigw_devkit.slack_api import ApiAnswer, BotIdentity, SlackApiStandIn, mentions
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# Starts an HTTP server standing in for Slack.
pytestmark = pytest.mark.slack_receiver

TOKEN = "xoxb-2000-3000-unittoken"
OTHER_APP_TOKEN = "xoxb-4000-5000-otherapp"
CHANNEL = "C07EZ1ABC23"
OUTSIDE = "C07OUTSIDE1"  # exists; the bot was never invited
ARCHIVED = "C07ARCHIVE1"
METHODS = ["auth.test", "chat.postMessage", "chat.update"]
# chat.update's error list (docs.slack.dev/reference/methods/chat.update): "msg_too_long: Message text is too long.
# The text field cannot exceed 4,000 characters."
UPDATE_TEXT_CHARACTERS = 4_000
# chat.postMessage, "Truncating content": "limit the number of characters in the text field to 4,000 characters".
ADVISED_TEXT_CHARACTERS = 4_000
# defs_ts in Slack's OpenAPI spec (slackapi/slack-api-specs): "Timestamp in format 0123456789.012345".
TS = re.compile(r"^\d{10}\.\d{6}$")


@pytest.fixture
def limits(load_fixture) -> dict[str, int]:
    return load_fixture("slack-webhook.json")["limits"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(clock: Clock):
    with SlackApiStandIn(
        TOKEN, channels=[CHANNEL], other_channels=[OUTSIDE], archived_channels=[ARCHIVED], clock=clock
    ) as stand_in:
        yield stand_in


@dataclass
class Reply:
    status: int
    headers: Message
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def error(self) -> str | None:
        return self.json.get("error")


def call(
    api: SlackApiStandIn,
    method: str,
    args: dict[str, Any] | None = None,
    *,
    token: str | None = TOKEN,
    body: bytes | None = None,
    content_type: str = "application/json; charset=utf-8",
) -> Reply:
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = body if body is not None else json.dumps(args or {}).encode()
    request = urllib.request.Request(f"{api.base_url}/{method}", data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def post(api: SlackApiStandIn, text: str = "hello", **args: Any) -> Reply:
    return call(api, "chat.postMessage", {"channel": CHANNEL, "text": text, **args})


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


################################################################################
# Tokens
################################################################################


def test_auth_test_says_whom_the_token_speaks_for(api):
    reply = call(api, "auth.test")

    assert reply.status == 200
    answer = reply.json
    # auth.test's success schema requires these; a bot token's answer adds bot_id.
    assert {"ok", "url", "team", "user", "team_id", "user_id", "bot_id"} <= set(answer)
    assert answer["ok"] is True
    assert answer["user_id"] == api.identity.user_id and answer["bot_id"] == api.identity.bot_id
    assert re.fullmatch(r"T[A-Z0-9]{2,}", answer["team_id"]) and re.fullmatch(r"B[A-Z0-9]{8,}", answer["bot_id"])


@pytest.mark.parametrize("method", METHODS)
def test_a_call_without_a_token_is_not_authed(api, method):
    reply = call(api, method, {"channel": CHANNEL, "text": "x"}, token=None)

    assert (reply.status, reply.json) == (200, {"ok": False, "error": "not_authed"})


@pytest.mark.parametrize("method", METHODS)
def test_an_unknown_token_gets_invalid_auth(api, method):
    reply = call(api, method, {"channel": CHANNEL, "text": "x"}, token="xoxb-9999-9999-unknown")

    assert (reply.status, reply.json) == (200, {"ok": False, "error": "invalid_auth"})


@pytest.mark.parametrize("method", METHODS)
def test_a_revoked_token_gets_token_revoked(api, method):
    assert call(api, "auth.test").json["ok"] is True
    api.revoke(TOKEN)

    reply = call(api, method, {"channel": CHANNEL, "text": "x"})

    assert (reply.status, reply.json) == (200, {"ok": False, "error": "token_revoked"})
    assert api.messages(CHANNEL) == []


def test_a_token_in_a_json_body_is_not_read(api):
    # "Using the Slack Web API": a JSON body cannot carry the token; it goes in the Authorization header.
    reply = call(api, "chat.postMessage", {"channel": CHANNEL, "text": "x", "token": TOKEN}, token=None)

    assert reply.error == "not_authed"


def test_a_form_encoded_call_is_read_like_a_json_one(api):
    blocks = [section("*from a form*")]
    body = urlencode({"token": TOKEN, "channel": CHANNEL, "text": "form", "blocks": json.dumps(blocks)}).encode()

    reply = call(api, "chat.postMessage", body=body, token=None, content_type="application/x-www-form-urlencoded")

    assert reply.json["ok"] is True
    [message] = api.messages(CHANNEL)
    assert (message.text, message.blocks) == ("form", blocks)
    assert api.calls[-1].args["token"] == "[redacted]" and api.calls[-1].sent_token(TOKEN)


def test_a_token_without_chat_write_is_refused_with_the_scope_it_needs(api):
    api.add_token(OTHER_APP_TOKEN, BotIdentity("U07READONLY", "B07READONLY", "reader", scopes=("channels:read",)))

    reply = call(api, "chat.postMessage", {"channel": CHANNEL, "text": "x"}, token=OTHER_APP_TOKEN)

    assert reply.json == {"ok": False, "error": "missing_scope", "needed": "chat:write", "provided": "channels:read"}


################################################################################
# chat.postMessage
################################################################################


def test_post_message_answers_with_the_channel_the_ts_and_the_message(api):
    reply = post(api, "deploy *failed*")

    answer = reply.json
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert set(answer) == {"ok", "channel", "ts", "message"}
    assert (answer["ok"], answer["channel"]) == (True, CHANNEL)
    assert TS.fullmatch(answer["ts"])
    assert answer["message"]["text"] == "deploy *failed*"
    assert answer["message"]["ts"] == answer["ts"]
    assert answer["message"]["bot_id"] == api.identity.bot_id
    [message] = api.messages(CHANNEL)
    assert (message.ts, message.text, message.edits, message.replies) == (answer["ts"], "deploy *failed*", 0, ())


def test_ts_values_are_unique_and_increase(api):
    sequential = [post(api, f"m{number}").json["ts"] for number in range(20)]
    concurrent: list[str] = []
    lock = threading.Lock()

    def post_one(number: int) -> None:
        ts = post(api, f"c{number}").json["ts"]
        with lock:
            concurrent.append(ts)

    threads = [threading.Thread(target=post_one, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = sequential + concurrent
    assert all(TS.fullmatch(ts) for ts in every)
    assert len(set(every)) == 40
    assert sequential == sorted(sequential, key=lambda ts: tuple(map(int, ts.split("."))))
    assert [message.ts for message in api.messages(CHANNEL)] == sorted(
        every, key=lambda ts: tuple(map(int, ts.split(".")))
    )


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        (OUTSIDE, "not_in_channel"),
        ("C07NOSUCH01", "channel_not_found"),
        (ARCHIVED, "is_archived"),
        (None, "channel_not_found"),
    ],
)
def test_post_message_refuses_a_channel_it_cannot_post_to(api, channel, error):
    args = {"text": "x"} if channel is None else {"channel": channel, "text": "x"}

    reply = call(api, "chat.postMessage", args)

    assert (reply.status, reply.json) == (200, {"ok": False, "error": error})
    assert api.calls[-1].error == error


def test_membership_and_archiving_changes_take_effect(api):
    api.leave(CHANNEL)
    assert post(api).error == "not_in_channel"
    api.join(CHANNEL)
    assert post(api).json["ok"] is True
    api.archive(CHANNEL)
    assert post(api).error == "is_archived"
    api.unarchive(CHANNEL)
    api.delete_channel(CHANNEL)
    assert post(api).error == "channel_not_found"
    api.join(OUTSIDE)
    assert call(api, "chat.postMessage", {"channel": OUTSIDE, "text": "x"}).json["ok"] is True


@pytest.mark.parametrize("args", [{}, {"text": ""}, {"blocks": []}, {"text": "", "blocks": []}])
def test_a_message_needs_text_or_blocks(api, args):
    reply = call(api, "chat.postMessage", {"channel": CHANNEL, **args})

    assert reply.json == {"ok": False, "error": "no_text"}
    assert api.messages(CHANNEL) == []


def test_blocks_without_fallback_text_are_posted_and_flagged(api):
    reply = call(api, "chat.postMessage", {"channel": CHANNEL, "blocks": [section("only blocks")]})

    assert reply.json["ok"] is True
    assert api.calls[-1].warning_codes == ("no_fallback_text",)


def test_replies_form_the_parents_thread_in_order(api):
    parent_ts = post(api, "incident").json["ts"]
    first = post(api, "first update", thread_ts=parent_ts)
    second = post(api, "resolved", thread_ts=parent_ts, reply_broadcast=True)
    later_parent_ts = post(api, "another incident").json["ts"]

    assert first.json["message"]["thread_ts"] == parent_ts
    parents = api.messages(CHANNEL)
    assert [message.ts for message in parents] == [parent_ts, later_parent_ts]
    replies = parents[0].replies
    assert [(reply.ts, reply.text, reply.thread_ts) for reply in replies] == [
        (first.json["ts"], "first update", parent_ts),
        (second.json["ts"], "resolved", parent_ts),
    ]
    assert [reply.reply_broadcast for reply in replies] == [False, True]
    assert api.thread(parent_ts) == list(replies)
    assert api.thread(later_parent_ts) == []


def test_a_thread_ts_naming_no_message_is_refused_by_default(api):
    post(api, "a parent")

    reply = post(api, "lost reply", thread_ts="1500000000.000100")

    assert reply.json == {"ok": False, "error": "thread_not_found"}
    assert [message.replies for message in api.messages(CHANNEL)] == [()]


def test_a_thread_ts_naming_no_message_can_be_hidden_as_people_report_slack_does(clock):
    with SlackApiStandIn(TOKEN, channels=[CHANNEL], missing_thread="hide", clock=clock) as api:
        reply = post(api, "lost reply", thread_ts="1500000000.000100")

        assert reply.json["ok"] is True
        assert api.messages(CHANNEL) == []
        assert [message.text for message in api.hidden_messages()] == ["lost reply"]
        assert "seen by nobody" in api.render(CHANNEL)


def test_a_thread_ts_naming_no_message_can_become_a_new_parent(clock):
    with SlackApiStandIn(TOKEN, channels=[CHANNEL], missing_thread="top_level", clock=clock) as api:
        reply = post(api, "lost reply", thread_ts="1500000000.000100")

        assert reply.json["ok"] is True
        assert [(message.text, message.thread_ts) for message in api.messages(CHANNEL)] == [("lost reply", None)]


def test_a_reply_to_a_reply_joins_the_parents_thread_and_is_flagged(api):
    parent_ts = post(api, "parent").json["ts"]
    reply_ts = post(api, "reply", thread_ts=parent_ts).json["ts"]

    nested = post(api, "reply to the reply", thread_ts=reply_ts)

    assert nested.json["ok"] is True
    assert [reply.text for reply in api.thread(parent_ts)] == ["reply", "reply to the reply"]
    assert api.calls[-1].warning_codes == ("thread_ts_names_a_reply",)


################################################################################
# chat.update
################################################################################


def test_update_answers_with_the_new_text_and_keeps_every_version(api):
    ts = post(api, "v1").json["ts"]

    second = call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "v2"})
    third = call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "v3", "blocks": [section("*v3*")]})

    assert set(second.json) == {"ok", "channel", "ts", "text", "message"}
    assert (second.json["ok"], second.json["channel"], second.json["ts"], second.json["text"]) == (
        True,
        CHANNEL,
        ts,
        "v2",
    )
    assert second.json["message"]["text"] == "v2"
    assert third.json["message"]["blocks"] == [section("*v3*")]
    [message] = api.messages(CHANNEL)
    assert [(version.text, version.blocks) for version in message.history] == [
        ("v1", None),
        ("v2", None),
        ("v3", [section("*v3*")]),
    ]
    assert (message.ts, message.text, message.edits) == (ts, "v3", 2)


def test_update_can_edit_a_thread_reply(api):
    parent_ts = post(api, "parent").json["ts"]
    reply_ts = post(api, "reply", thread_ts=parent_ts).json["ts"]

    assert call(api, "chat.update", {"channel": CHANNEL, "ts": reply_ts, "text": "reply, edited"}).json["ok"] is True

    [reply] = api.thread(parent_ts)
    assert (reply.text, reply.edits) == ("reply, edited", 1)


def test_update_refuses_what_it_cannot_edit(api):
    ts = post(api, "mine").json["ts"]
    human_ts = api.seed_message(CHANNEL, "a person wrote this")
    api.add_token(OTHER_APP_TOKEN, BotIdentity("U07OTHERBOT", "B07OTHERBOT", "other-app"))
    other_ts = call(api, "chat.postMessage", {"channel": CHANNEL, "text": "other app"}, token=OTHER_APP_TOKEN).json[
        "ts"
    ]
    archived_ts = post(api, "soon archived").json["ts"]
    api.archive(CHANNEL)

    def update(args: dict[str, Any]) -> str | None:
        return call(api, "chat.update", {"channel": CHANNEL, "text": "edited", **args}).error

    assert update({"ts": archived_ts}) == "is_inactive"
    api.unarchive(CHANNEL)
    assert update({"ts": "1500000000.000100"}) == "message_not_found"
    assert update({}) == "message_not_found"
    assert update({"ts": human_ts}) == "cant_update_message"
    assert update({"ts": other_ts}) == "cant_update_message"
    assert update({"ts": ts, "channel": "C07NOSUCH01"}) == "channel_not_found"
    assert call(api, "chat.update", {"channel": CHANNEL, "ts": ts}).error == "no_text"
    assert [message.edits for message in api.messages(CHANNEL)] == [0, 0, 0, 0]


def test_a_deleted_parent_takes_its_thread_and_can_no_longer_be_edited_or_replied_to(api):
    parent_ts = post(api, "parent").json["ts"]
    post(api, "reply", thread_ts=parent_ts)
    other_ts = post(api, "another parent").json["ts"]

    assert api.delete_message(CHANNEL, parent_ts) == 2

    assert [message.ts for message in api.messages(CHANNEL)] == [other_ts]
    assert [message.text for message in api.deleted_messages()] == ["parent", "reply"]
    assert (
        call(api, "chat.update", {"channel": CHANNEL, "ts": parent_ts, "text": "edited"}).error == "message_not_found"
    )
    assert post(api, "late reply", thread_ts=parent_ts).error == "thread_not_found"  # missing_thread="refuse"


def test_update_keeps_blocks_it_is_not_given_and_drops_them_for_an_empty_list(api):
    ts = post(api, "v1", blocks=[section("v1 blocks")]).json["ts"]

    call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "v2"})
    kept = api.messages(CHANNEL)[0].blocks
    call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "v3", "blocks": []})

    assert kept == [section("v1 blocks")]
    assert api.messages(CHANNEL)[0].blocks == []


def test_update_without_text_keeps_the_text_and_is_flagged(api):
    ts = post(api, "fallback").json["ts"]

    reply = call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "blocks": [section("new blocks")]})

    assert reply.json["ok"] is True
    assert api.messages(CHANNEL)[0].text == "fallback"
    assert api.calls[-1].warning_codes == ("text_kept",)


################################################################################
# Payload limits, each at its edge
################################################################################


def test_post_message_text_limit(api, limits):
    at_limit = post(api, "x" * limits["text_characters_shown"])
    over = post(api, "x" * (limits["text_characters_shown"] + 1))

    assert at_limit.json["ok"] is True
    assert over.json == {"ok": False, "error": "msg_too_long"}
    assert len(api.messages(CHANNEL)) == 1


def test_update_text_limit(api):
    ts = post(api, "short").json["ts"]

    at_limit = call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "y" * UPDATE_TEXT_CHARACTERS})
    over = call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "z" * (UPDATE_TEXT_CHARACTERS + 1)})

    assert at_limit.json["ok"] is True
    assert over.json == {"ok": False, "error": "msg_too_long"}
    assert api.messages(CHANNEL)[0].edits == 1


def test_text_over_the_advised_length_is_posted_and_flagged(api):
    post(api, "x" * ADVISED_TEXT_CHARACTERS)
    post(api, "x" * (ADVISED_TEXT_CHARACTERS + 1))

    assert [call.warning_codes for call in api.calls] == [(), ("long_text",)]


def test_block_count_limit(api, limits):
    most = limits["blocks_per_message"]

    at_limit = post(api, blocks=[section(f"b{number}") for number in range(most)])
    over = post(api, blocks=[section(f"b{number}") for number in range(most + 1)])

    assert at_limit.json["ok"] is True
    assert over.error == "invalid_blocks"
    assert len(api.messages(CHANNEL)) == 1


def test_section_text_limit(api, limits):
    most = limits["section_text_characters"]

    at_limit = post(api, blocks=[section("s" * most)])
    over = post(api, blocks=[section("ok"), section("s" * (most + 1))])

    assert at_limit.json["ok"] is True
    assert over.error == "invalid_blocks"
    # Slack points at the offending field in response_metadata.messages.
    assert "/blocks/1/text" in over.json["response_metadata"]["messages"][0]


def test_header_text_limit(api, limits):
    def header(text: str) -> dict[str, Any]:
        return {"type": "header", "text": {"type": "plain_text", "text": text}}

    most = limits["header_text_characters"]

    assert post(api, blocks=[header("h" * most)]).json["ok"] is True
    assert post(api, blocks=[header("h" * (most + 1))]).error == "invalid_blocks"


def test_context_element_limit(api, limits):
    def context(count: int) -> dict[str, Any]:
        return {"type": "context", "elements": [{"type": "mrkdwn", "text": f"e{n}"} for n in range(count)]}

    most = limits["context_elements"]

    assert post(api, blocks=[context(most)]).json["ok"] is True
    assert post(api, blocks=[context(most + 1)]).error == "invalid_blocks"


@pytest.mark.parametrize(
    "blocks",
    ["not json", {"type": "section"}, [1], [section("fine"), "a string"]],
    ids=["text", "object", "int", "mix"],
)
def test_blocks_that_are_not_a_list_of_objects_are_badly_formatted(api, blocks):
    reply = post(api, blocks=blocks)

    assert reply.error == "invalid_blocks_format"


@pytest.mark.parametrize(
    "block",
    [
        {"type": "no_such_block"},
        {"text": {"type": "mrkdwn", "text": "no type"}},
        {"type": "section"},  # neither text nor fields
        {"type": "section", "text": "a bare string"},  # text must be a text object
        {"type": "section", "text": {"type": "markdown", "text": "x"}},
        {"type": "header", "text": {"type": "mrkdwn", "text": "headers are plain_text"}},
        {"type": "image", "image_url": "https://example.com/a.png"},  # alt_text is required
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
        {**section("x"), "block_id": "b" * 256},
    ],
)
def test_blocks_that_break_block_kit_rules_are_invalid(api, block):
    reply = post(api, blocks=[block])

    assert reply.error == "invalid_blocks"
    assert api.messages(CHANNEL) == []


def blocks_of_json_size(size: int) -> list[dict[str, Any]]:
    """Section blocks whose compact JSON is exactly ``size`` characters."""
    blocks = [section("x" * 2_900) for _ in range(4)] + [section("")]
    missing = size - len(json.dumps(blocks, separators=(",", ":")))
    assert 0 <= missing <= 3_000
    blocks[-1] = section("y" * missing)
    assert len(json.dumps(blocks, separators=(",", ":"))) == size
    return blocks


def test_blocks_near_slacks_total_size_limit_are_flagged_not_refused(api, limits):
    refused_from = limits["blocks_json_characters_refused_from"]

    below = post(api, blocks=blocks_of_json_size(refused_from - 1))
    at = post(api, blocks=blocks_of_json_size(refused_from))

    assert below.json["ok"] is True and at.json["ok"] is True
    assert [call.warning_codes for call in api.calls] == [(), ("msg_blocks_too_long",)]


def test_blocks_near_slacks_total_size_limit_can_be_refused(clock, limits):
    refused_from = limits["blocks_json_characters_refused_from"]
    with SlackApiStandIn(TOKEN, channels=[CHANNEL], refuse_long_blocks=True, clock=clock) as api:
        assert post(api, blocks=blocks_of_json_size(refused_from - 1)).json["ok"] is True
        assert post(api, blocks=blocks_of_json_size(refused_from)).error == "msg_blocks_too_long"


################################################################################
# Rate limits and scripted answers
################################################################################


def test_over_the_rate_limit_a_call_gets_429_with_retry_after(api, clock):
    api.rate_limit("chat.postMessage", per_minute=60, per_channel=True)
    api.join(OUTSIDE)

    first = post(api, "one")
    limited = post(api, "two")
    other_channel = call(api, "chat.postMessage", {"channel": OUTSIDE, "text": "elsewhere"})
    clock.now += 1.0
    after_waiting = post(api, "three")

    assert first.json["ok"] is True
    # "Rate limits": HTTP 429 Too Many Requests and a Retry-After header in seconds; the error is ratelimited.
    assert (limited.status, limited.headers["Retry-After"], limited.json) == (
        429,
        "1",
        {"ok": False, "error": "ratelimited"},
    )
    assert other_channel.json["ok"] is True
    assert after_waiting.json["ok"] is True
    assert [message.text for message in api.messages(CHANNEL)] == ["one", "three"]


def test_retry_after_is_the_whole_seconds_until_a_call_fits(api, clock):
    api.rate_limit("chat.update", per_minute=20, burst=2)
    ts = post(api).json["ts"]

    def update() -> Reply:
        return call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "again"})

    answers = [update().status, update().status]
    limited = update()
    clock.now += 1.0
    limited_later = update()
    clock.now += 2.0

    assert answers == [200, 200]
    assert (limited.status, limited.headers["Retry-After"]) == (429, "3")
    assert (limited_later.status, limited_later.headers["Retry-After"]) == (429, "2")
    assert update().status == 200
    assert post(api).status == 200  # other methods are not limited


def test_scripted_answers_come_first_then_calls_are_served_again(api):
    api.script(
        "chat.postMessage",
        ApiAnswer.ratelimited(1),
        ApiAnswer.error("token_revoked"),
        ApiAnswer.server_error(500, "upstream failure"),
        ApiAnswer.connection_reset(),
    )

    limited = post(api, "a")
    revoked = post(api, "b")
    failed = post(api, "c")
    with pytest.raises(ConnectionError):
        post(api, "d")
    served = post(api, "e")

    assert (limited.status, limited.headers["Retry-After"], limited.json) == (
        429,
        "1",
        {"ok": False, "error": "ratelimited"},
    )
    assert (revoked.status, revoked.json) == (200, {"ok": False, "error": "token_revoked"})
    assert (failed.status, failed.raw) == (500, b"upstream failure")
    assert served.json["ok"] is True
    assert [message.text for message in api.messages(CHANNEL)] == ["e"]
    assert [(call.scripted, call.status) for call in api.calls] == [
        (True, 429),
        (True, 200),
        (True, 500),
        (True, 200),
        (False, 200),
    ]
    assert api.calls[3].answer is None  # the reset call got no answer


def test_scripts_apply_to_their_method_or_to_every_method(api):
    api.script("chat.update", ApiAnswer.error("edit_window_closed"))
    ts = post(api).json["ts"]
    api.script("*", ApiAnswer.error("fatal_error"))

    assert call(api, "auth.test").error == "fatal_error"
    assert call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "x"}).error == "edit_window_closed"
    assert call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "x"}).json["ok"] is True


def test_an_applied_script_takes_effect_and_answers_its_own_way(api):
    api.script("chat.postMessage", ApiAnswer.server_error(503, apply=True))

    reply = post(api, "posted, but the answer was lost")

    assert reply.status == 503
    assert [message.text for message in api.messages(CHANNEL)] == ["posted, but the answer was lost"]


################################################################################
# Records and the wire
################################################################################


def test_calls_record_method_headers_arguments_and_answer(api):
    reply = post(api, "recorded")

    [recorded] = api.calls
    assert (recorded.http_method, recorded.method, recorded.status) == ("POST", "chat.postMessage", 200)
    assert recorded.headers["Authorization"] == "Bearer [redacted]"
    assert recorded.headers["Content-Type"] == "application/json; charset=utf-8"
    assert recorded.args == {"channel": CHANNEL, "text": "recorded"}
    assert recorded.answer == reply.json
    assert recorded.sent_token(TOKEN) and not recorded.sent_token(OTHER_APP_TOKEN)
    assert api.calls_to("chat.postMessage") == [recorded] and api.calls_to("chat.update") == []


def test_wait_for_calls_returns_once_they_arrived(api):
    threads = [threading.Thread(target=post, args=(api, f"t{number}")) for number in range(8)]
    for thread in threads:
        thread.start()

    arrived = api.wait_for_calls(8, timeout_s=5)
    for thread in threads:
        thread.join()

    assert len(arrived) == 8
    assert len(api.wait_for_calls(9, timeout_s=0.01)) == 8  # a timeout returns what arrived


def test_json_without_a_charset_is_served_with_slacks_warning(api):
    reply = call(api, "chat.postMessage", {"channel": CHANNEL, "text": "x"}, content_type="application/json")

    assert reply.json["ok"] is True
    assert reply.json["warning"] == "missing_charset"
    assert reply.json["response_metadata"] == {"warnings": ["missing_charset"]}
    assert api.calls[-1].warning_codes == ("missing_charset",)


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"{not json", "application/json; charset=utf-8", "invalid_json"),
        (b"[1, 2]", "application/json; charset=utf-8", "json_not_object"),
        (b"<xml/>", "text/xml", "invalid_post_type"),
    ],
)
def test_a_body_slack_cannot_read_is_refused(api, body, content_type, error):
    reply = call(api, "chat.postMessage", body=body, content_type=content_type)

    assert (reply.status, reply.json) == (200, {"ok": False, "error": error})


def test_an_unknown_method_is_refused(api):
    reply = call(api, "chat.postMessages", {"channel": CHANNEL, "text": "x"})

    assert reply.error == "unknown_method"


def test_stop_closes_the_port():
    stand_in = SlackApiStandIn(TOKEN).start()
    port = int(stand_in.base_url.rsplit(":", 1)[1].split("/")[0])

    stand_in.stop()
    stand_in.stop()

    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_slacks_own_client_talks_to_it(api):
    client = WebClient(token=TOKEN, base_url=api.base_url + "/")

    assert client.auth_test()["bot_id"] == api.identity.bot_id
    ts = client.chat_postMessage(channel=CHANNEL, text="from slack_sdk")["ts"]
    client.chat_postMessage(channel=CHANNEL, text="in the thread", thread_ts=ts)
    client.chat_update(channel=CHANNEL, ts=ts, text="edited by slack_sdk")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=OUTSIDE, text="x")

    assert refused.value.response["error"] == "not_in_channel"
    [message] = api.messages(CHANNEL)
    assert (message.text, [reply.text for reply in message.replies]) == ("edited by slack_sdk", ["in the thread"])


################################################################################
# Mentions and rendering
################################################################################


def test_mentions_are_found_in_the_text_and_every_mrkdwn_text_of_the_blocks():
    payload = {
        "text": "<!here> errors on orders-api",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "<!channel> is shown as typed"}},
            section("paging <!subteam^S0123ABCD45|@api-oncall>"),
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "owner <@U0123ABCD>"}]},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "escaped &lt;!everyone&gt; is text"},
                    {"type": "plain_text", "text": "<!everyone>"},
                    {"type": "mrkdwn", "text": "<!everyone> and <@W0456EFGH|dana>"},
                ],
            },
            {
                "type": "rich_text",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "broadcast", "range": "channel"}]}],
            },
        ],
    }

    found = [(mention.where, mention.kind, mention.target) for mention in mentions(payload)]

    assert found == [
        ("text", "here", "here"),
        ("blocks[1].text", "subteam", "S0123ABCD45"),
        ("blocks[2].fields[0]", "user", "U0123ABCD"),
        ("blocks[3].elements[2]", "everyone", "everyone"),
        ("blocks[3].elements[2]", "user", "W0456EFGH"),
        ("blocks[4].elements[0].elements[0]", "channel", "channel"),
    ]
    assert [mention.syntax for mention in mentions("cc <!subteam^S0123ABCD45>")] == ["<!subteam^S0123ABCD45>"]
    assert [mention.where for mention in mentions([section("<!here>")])] == ["blocks[0].text"]


def test_a_posted_messages_mentions_are_those_of_its_current_version(api):
    ts = post(api, "<!here> new incident").json["ts"]
    call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "resolved", "blocks": [section("resolved")]})

    [message] = api.messages(CHANNEL)

    assert message.mentions() == []
    assert [mention.kind for mention in mentions(message.history[0])] == ["here"]


def test_render_shows_the_channel_as_a_person_reads_it(api):
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "orders-api: 5xx errors"}},
        section("*12 errors* on `GET /orders` &lt;5 min&gt; <!here>\n<https://console.example/logs|Logs>"),
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "window 10:00"}, {"type": "mrkdwn", "text": "x"}]},
    ]
    parent_ts = post(api, "fallback", blocks=blocks).json["ts"]
    first_ts = post(api, "still failing &amp; paging <!subteam^S0123ABCD45|@api-oncall>", thread_ts=parent_ts).json[
        "ts"
    ]
    second_ts = post(api, "resolved", thread_ts=parent_ts, reply_broadcast=True).json["ts"]
    call(api, "chat.update", {"channel": CHANNEL, "ts": parent_ts, "text": "fallback 2", "blocks": blocks[:2]})
    call(api, "chat.update", {"channel": CHANNEL, "ts": parent_ts, "text": "fallback 3", "blocks": blocks})
    quiet_ts = post(api, "second incident").json["ts"]

    assert api.render(CHANNEL) == "\n".join(
        [
            f"#{CHANNEL}",
            f"* {parent_ts} {api.identity.name} (edited 2 times)",
            "  orders-api: 5xx errors",
            "  *12 errors* on `GET /orders` <5 min> @here",
            "  Logs (https://console.example/logs)",
            "  ----",
            "  window 10:00 | x",
            f"    > {first_ts} {api.identity.name}",
            "      still failing & paging @api-oncall",
            f"    > {second_ts} {api.identity.name} (also sent to the channel)",
            "      resolved",
            f"* {quiet_ts} {api.identity.name}",
            "  second incident",
        ]
    )


################################################################################
# The token never shows
################################################################################


def test_the_token_shows_in_no_repr_record_rendering_log_or_error(api, caplog):
    caplog.set_level(logging.DEBUG)
    ts = post(api, "hello").json["ts"]
    call(api, "chat.update", {"channel": CHANNEL, "ts": ts, "text": "edited"})
    post(api, blocks=[{"type": "no_such_block", "secret": "x"}])
    call(api, "auth.test", token=TOKEN + "-wrong")
    body = urlencode({"token": TOKEN, "channel": CHANNEL, "text": "form"}).encode()
    call(api, "chat.postMessage", body=body, token=None, content_type="application/x-www-form-urlencoded")
    api.revoke(TOKEN)
    call(api, "auth.test")
    with pytest.raises(ValueError) as refused:
        api.add_token("secret-shaped-but-not-a-bot-token", api.identity)

    shown = [
        repr(api),
        str(api),
        repr(api.calls),
        "\n".join(str(recorded) for recorded in api.calls),
        repr(api.messages(CHANNEL)),
        api.render(CHANNEL),
        caplog.text,
        str(refused.value),
    ]
    for text in shown:
        assert TOKEN not in text
        assert "secret-shaped" not in text
    assert api.token_leaks() == []


def test_token_leaks_finds_a_token_a_client_put_in_a_message(api):
    post(api, "clean")
    post(api, f"debug: token={TOKEN}")

    leaks = api.token_leaks()

    assert leaks == ["call #1 chat.postMessage arguments", f"message {api.messages(CHANNEL)[1].ts} version 0"]
    assert all(TOKEN not in leak for leak in leaks)
