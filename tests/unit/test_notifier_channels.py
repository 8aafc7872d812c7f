"""The two channels delivery posts through (channels.py): an incoming webhook and a Slack app's channel.

Each reads its secret through the container's SSM cache (webhook.WebhookUrlCache over an SSM stand-in that records
its reads), posts through a recording poster and a fake clock, and turns every failure into a DeliveryError: Slack's
error code carried, ``refused`` when the webhook, token or channel will not work until someone acts (the secret is
then forgotten, so a rotated one is read on the next run), and the secret never in the text. Slack's answers are the
documented ones (tests/fixtures/slack-webhook.json for webhooks; api.slack.com/methods for the Web API).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from accesslog_notifier.channels import AppChannel, WebhookChannel
from accesslog_notifier.delivery import DeliveryError
from accesslog_notifier.slack import HttpAnswer, TransientPostError
from accesslog_notifier.webhook import WebhookUrlCache

from tests.support.notifier import FakeClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WEBHOOK_ANSWERS = json.loads((FIXTURES / "slack-webhook.json").read_text())["answers"]

HOOK_PARAMETER = "/accesslog/slack-webhook"
BOT_PARAMETER = "/accesslog/slack-bot-token"
HOOK = "https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/q8Zr1sTuVwXy2AbCdEfGhIjK"
ROTATED_HOOK = "https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/Mn3oPqRsTuVw4XyZaBcDeFgH"
TOKEN = "xoxb-1111-2222-tokentokentoken"
ROTATED_TOKEN = "xoxb-1111-2222-rotatedrotated"
CHANNEL = "C0123ABCDEF"
API = "https://slack.com/api"


@dataclass
class Ssm:
    """SSM's GetParameter for SecureStrings: the current values, and every read (name, decrypted?)."""

    values: dict[str, str]
    reads: list[tuple[str, bool]] = field(default_factory=list)

    def get_parameter(self, *, Name: str, WithDecryption: bool) -> dict[str, Any]:
        self.reads.append((Name, WithDecryption))
        return {"Parameter": {"Name": Name, "Type": "SecureString", "Value": self.values[Name], "Version": 1}}


@dataclass
class Webhook:
    """Slack's side of an incoming webhook: answers in order (then 200 ok), every (url, payload) it got."""

    answers: list[HttpAnswer | Exception] = field(default_factory=list)
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float) -> HttpAnswer:
        self.posts.append((url, json.loads(body)))
        answer = self.answers.pop(0) if self.answers else HttpAnswer(200, "ok")
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class WebApi:
    """Slack's Web API: answers in order (then ok with a new ts), every (url, body, headers) it got."""

    answers: list[HttpAnswer] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float, headers: Mapping[str, str]) -> HttpAnswer:
        self.requests.append((url, json.loads(body), dict(headers)))
        if self.answers:
            return self.answers.pop(0)
        return HttpAnswer(
            200, json.dumps({"ok": True, "channel": CHANNEL, "ts": f"1700000000.{len(self.requests):06d}"})
        )


def slack_error(error: str, status: int = 200) -> HttpAnswer:
    return HttpAnswer(status, json.dumps({"ok": False, "error": error}))


def webhook_channel(
    cache: WebhookUrlCache, slack: Webhook, *, parameter: str = HOOK_PARAMETER, budget_s: float = 60
) -> WebhookChannel:
    clock = FakeClock()
    return WebhookChannel(cache, parameter, clock=clock.as_clock(), deadline=clock.now + budget_s, post=slack)


def app_channel(
    cache: WebhookUrlCache, slack: WebApi, *, parameter: str = BOT_PARAMETER, api_url: str = API, budget_s: float = 60
) -> AppChannel:
    clock = FakeClock()
    return AppChannel(
        cache,
        parameter,
        channel_id=CHANNEL,
        api_url=api_url,
        clock=clock.as_clock(),
        deadline=clock.now + budget_s,
        post=slack,
    )


@pytest.fixture
def ssm() -> Ssm:
    return Ssm({HOOK_PARAMETER: HOOK, BOT_PARAMETER: TOKEN})


@pytest.fixture
def cache(ssm: Ssm) -> WebhookUrlCache:
    return WebhookUrlCache(lambda: ssm)


# --- incoming webhook ----------------------------------------------------------------------------------------------


def test_a_webhook_posts_the_payload_to_the_url_read_decrypted_from_its_parameter_and_gives_no_ts(
    ssm: Ssm, cache: WebhookUrlCache
) -> None:
    slack = Webhook()
    channel = webhook_channel(cache, slack)

    assert channel.post({"text": "hi", "blocks": []}) is None
    assert slack.posts == [(HOOK, {"text": "hi", "blocks": []})]
    assert ssm.reads == [(HOOK_PARAMETER, True)]
    assert (channel.threads, channel.channel_id) == (False, None)


def test_a_webhook_cannot_edit_a_message(cache: WebhookUrlCache) -> None:
    slack = Webhook()

    with pytest.raises(DeliveryError) as raised:
        webhook_channel(cache, slack).update("1700000000.000100", {"text": "new"})

    assert str(raised.value) == "an incoming webhook cannot edit a message"
    assert (raised.value.refused, slack.posts) == (False, [])


# The fixture's final answers (no retry, nothing delivered): a 400 is the message's fault; 403 (posting restricted),
# 404 (channel gone, webhook revoked) and 410 (channel archived) are the webhook's or its channel's, until someone acts.
FINAL_WEBHOOK_ANSWERS = [answer for answer in WEBHOOK_ANSWERS if not answer["retry"] and not answer["delivered"]]


@pytest.mark.parametrize(
    "answer", FINAL_WEBHOOK_ANSWERS, ids=[f"{answer['status']} {answer['body']}" for answer in FINAL_WEBHOOK_ANSWERS]
)
def test_a_webhook_slack_refuses_for_good_is_forgotten_so_a_rotated_url_is_read_next_run(
    ssm: Ssm, cache: WebhookUrlCache, answer: dict[str, Any]
) -> None:
    for_good = answer["status"] != 400
    slack = Webhook([HttpAnswer(answer["status"], f"{answer['body']} for {HOOK}")])

    with pytest.raises(DeliveryError) as raised:
        webhook_channel(cache, slack).post({"text": "hi"})
    ssm.values[HOOK_PARAMETER] = ROTATED_HOOK
    webhook_channel(cache, slack).post({"text": "again"})

    assert raised.value.refused is for_good
    assert str(raised.value) == (
        f"Slack refused Slack message 1 of 1: HTTP {answer['status']} {answer['body']} for [hidden] (not retried)"
    )
    assert slack.posts[-1] == (ROTATED_HOOK if for_good else HOOK, {"text": "again"})
    assert len(ssm.reads) == (2 if for_good else 1)


def test_a_webhook_that_stays_unreachable_is_not_refused_and_its_url_is_kept(ssm: Ssm, cache: WebhookUrlCache) -> None:
    slack = Webhook([TransientPostError(f"URLError: could not reach {HOOK}")] * 4)

    with pytest.raises(DeliveryError) as raised:
        webhook_channel(cache, slack).post({"text": "hi"})
    webhook_channel(cache, slack).post({"text": "again"})

    assert raised.value.refused is False
    assert (
        str(raised.value)
        == "could not deliver Slack message 1 of 1 after 4 attempts: URLError: could not reach [hidden]"
    )
    assert len(ssm.reads) == 1


# --- the secret's parameter ----------------------------------------------------------------------------------------


def test_a_channel_without_its_parameter_name_says_which_setting_is_missing(cache: WebhookUrlCache) -> None:
    with pytest.raises(DeliveryError) as webhook:
        webhook_channel(cache, Webhook(), parameter="")
    with pytest.raises(DeliveryError) as app:
        app_channel(cache, WebApi(), parameter="")

    assert str(webhook.value) == "WEBHOOK_PARAMETER_NAME is not set, so the digest could not be sent"
    assert str(app.value) == "BOT_TOKEN_PARAMETER_NAME is not set, so the digest could not be sent"


def test_a_parameter_ssm_cannot_read_is_a_delivery_error_naming_it(ssm: Ssm, cache: WebhookUrlCache) -> None:
    ssm.values[BOT_PARAMETER] = "  "

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, WebApi())

    assert str(raised.value) == f"SSM parameter {BOT_PARAMETER} is empty"


# --- a Slack app's channel -----------------------------------------------------------------------------------------


def test_an_app_channel_posts_into_its_channel_with_the_token_read_from_its_parameter(
    ssm: Ssm, cache: WebhookUrlCache
) -> None:
    slack = WebApi()
    channel = app_channel(cache, slack)

    ts = channel.post({"text": "hi", "blocks": []})

    assert ts == "1700000000.000001"
    assert (channel.threads, channel.channel_id) == (True, CHANNEL)
    assert ssm.reads == [(BOT_PARAMETER, True)]
    [(url, body, headers)] = slack.requests
    assert url == "https://slack.com/api/chat.postMessage"
    assert headers == {"Authorization": f"Bearer {TOKEN}"}
    assert body == {"channel": CHANNEL, "text": "hi", "blocks": [], "unfurl_links": False, "unfurl_media": False}


def test_an_app_channel_replies_in_the_thread_it_is_given(cache: WebhookUrlCache) -> None:
    slack = WebApi()

    app_channel(cache, slack).post({"text": "reply"}, thread_ts="1700000000.000001")

    assert slack.requests[0][1]["thread_ts"] == "1700000000.000001"
    assert slack.requests[0][1]["channel"] == CHANNEL


def test_an_app_channel_edits_a_message_of_its_channel(cache: WebhookUrlCache) -> None:
    slack = WebApi()

    app_channel(cache, slack).update("1700000000.000001", {"text": "new", "blocks": []})

    [(url, body, headers)] = slack.requests
    assert url == "https://slack.com/api/chat.update"
    assert headers == {"Authorization": f"Bearer {TOKEN}"}
    assert body == {"channel": CHANNEL, "ts": "1700000000.000001", "text": "new", "blocks": []}


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
def test_a_token_slack_refuses_is_forgotten_so_a_rotated_token_is_used_next_run(
    ssm: Ssm, cache: WebhookUrlCache, error: str
) -> None:
    slack = WebApi([slack_error(error)])

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, slack).post({"text": "hi"})
    ssm.values[BOT_PARAMETER] = ROTATED_TOKEN
    app_channel(cache, slack).post({"text": "again"})

    assert (raised.value.refused, raised.value.code) == (True, error)
    assert str(raised.value) == f"Slack refused chat.postMessage: {error} (not retried)"
    assert slack.requests[-1][2] == {"Authorization": f"Bearer {ROTATED_TOKEN}"}
    assert len(ssm.reads) == 2


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_channel_the_bot_cannot_post_to_is_refused_when_editing_too(cache: WebhookUrlCache, error: str) -> None:
    slack = WebApi([slack_error(error)])

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, slack).update("1700000000.000001", {"text": "new"})

    assert (raised.value.refused, raised.value.code) == (True, error)
    assert str(raised.value) == f"Slack refused chat.update: {error} (not retried)"


def test_a_deleted_parent_is_reported_with_slacks_code_and_the_token_is_kept(ssm: Ssm, cache: WebhookUrlCache) -> None:
    # chat.update answers message_not_found for a deleted message: delivery re-posts the parent on that code.
    slack = WebApi([slack_error("message_not_found")])

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, slack).update("1700000000.000001", {"text": "new"})
    app_channel(cache, slack).post({"text": "new parent"})

    assert (raised.value.refused, raised.value.code) == (False, "message_not_found")
    assert str(raised.value) == "Slack refused chat.update: message_not_found (not retried)"
    assert len(ssm.reads) == 1


def test_rate_limiting_past_the_deadline_is_a_delivery_error_coded_ratelimited(cache: WebhookUrlCache) -> None:
    limited = HttpAnswer(429, json.dumps({"ok": False, "error": "ratelimited"}), {"Retry-After": "30"})

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, WebApi([limited]), budget_s=10).post({"text": "hi"})

    assert (raised.value.refused, raised.value.code) == (False, "ratelimited")


def test_the_token_never_shows_in_an_app_channels_error(ssm: Ssm, cache: WebhookUrlCache) -> None:
    odd_token = "stand-in-token-7f3a9c2e"  # hidden as the known secret, not by its shape
    ssm.values[BOT_PARAMETER] = odd_token
    slack = WebApi([HttpAnswer(503, json.dumps({"ok": False, "error": f"bad Bearer {odd_token}"}))] * 4)

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, slack).post({"text": "hi"})

    # Found by this test, fixed: the code carried Slack's error as answered, token and all.
    assert str(raised.value) == "could not call chat.postMessage after 4 attempts: bad Bearer [hidden]"
    assert (raised.value.refused, raised.value.code) == (False, "bad Bearer [hidden]")


@pytest.mark.parametrize("api_url", ["http://slack.com/api", "ftp://slack.com/api", "slack.com/api"])
def test_an_api_url_that_is_not_https_is_a_delivery_error_naming_the_setting(
    cache: WebhookUrlCache, api_url: str
) -> None:
    slack = WebApi()

    with pytest.raises(DeliveryError) as raised:
        app_channel(cache, slack, api_url=api_url)

    assert str(raised.value) == (
        "SLACK_API_URL is not an https URL (nor http to this machine), so the digest could not be sent"
    )
    assert slack.requests == []
