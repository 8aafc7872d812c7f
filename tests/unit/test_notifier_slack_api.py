"""The Slack Web API client (slack_api.py) against answers shaped as Slack documents them (api.slack.com/methods,
"Rate limits"): ok answers, ``ok: false`` errors at HTTP 200, HTTP 429 with Retry-After; a recording poster, a fake
clock. The stand-in server (devkit/apigw_devkit/slack_api.py) covers the same over real sockets in the integration
tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from accesslog_notifier.slack import HttpAnswer, SlackDeliveryError, TransientPostError
from accesslog_notifier.slack_api import SlackApi, SlackApiError

from tests.support.notifier import FakeClock

TOKEN = "xoxb-1111-2222-tokentokentoken"
BASE = "https://slack.com/api"


@dataclass
class RecordingApi:
    """Slack's side: answers in order (then ok), every request it got."""

    answers: list[Any] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float, headers: dict[str, str]) -> HttpAnswer:
        self.requests.append((url, json.loads(body), dict(headers)))
        answer = self.answers.pop(0) if self.answers else ok(ts=f"1700000000.{len(self.requests):06d}")
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(**fields: Any) -> HttpAnswer:
    return HttpAnswer(200, json.dumps({"ok": True, **fields}))


def refused(error: str) -> HttpAnswer:
    return HttpAnswer(200, json.dumps({"ok": False, "error": error}))


def api(recorder: RecordingApi, clock: FakeClock, budget_s: float = 60) -> SlackApi:
    return SlackApi(BASE, TOKEN, clock.as_clock(), clock.now + budget_s, recorder)


def test_a_message_is_posted_as_json_with_the_bearer_token_and_its_ts_comes_back():
    recorder, clock = RecordingApi([ok(ts="1700000000.000100", channel="C1")]), FakeClock()

    ts = api(recorder, clock).post_message("C1", {"text": "hi", "blocks": []}, thread_ts="1699999999.000001")

    assert ts == "1700000000.000100"
    [(url, body, headers)] = recorder.requests
    assert url == "https://slack.com/api/chat.postMessage"
    assert headers == {"Authorization": f"Bearer {TOKEN}"}
    assert body == {
        "channel": "C1",
        "text": "hi",
        "blocks": [],
        "unfurl_links": False,
        "unfurl_media": False,
        "thread_ts": "1699999999.000001",
    }


def test_an_update_names_the_channel_and_the_message():
    recorder, clock = RecordingApi(), FakeClock()
    api(recorder, clock).update_message("C1", "1700000000.000100", {"text": "new"})
    assert recorder.requests[0][0].endswith("/chat.update")
    assert recorder.requests[0][1] == {"channel": "C1", "ts": "1700000000.000100", "text": "new"}


def test_ratelimited_waits_retry_after_then_succeeds():
    limited = HttpAnswer(429, json.dumps({"ok": False, "error": "ratelimited"}), {"Retry-After": "3"})
    recorder, clock = RecordingApi([limited, ok(ts="1.000001")]), FakeClock()

    assert api(recorder, clock).post_message("C1", {"text": "x"}) == "1.000001"
    assert clock.sleeps == [3.0] and len(recorder.requests) == 2


@pytest.mark.parametrize(
    "error", ["invalid_auth", "not_authed", "token_revoked", "account_inactive", "channel_not_found", "not_in_channel"]
)
def test_a_refused_token_or_channel_fails_at_once_and_says_so(error):
    recorder, clock = RecordingApi([refused(error)]), FakeClock()

    with pytest.raises(SlackApiError) as raised:
        api(recorder, clock).post_message("C1", {"text": "x"})

    assert raised.value.code == error and raised.value.refused is True
    assert str(raised.value) == f"Slack refused chat.postMessage: {error} (not retried)"
    assert len(recorder.requests) == 1 and clock.sleeps == []


def test_a_refused_payload_is_final_but_not_a_refused_token():
    recorder, clock = RecordingApi([refused("invalid_blocks")]), FakeClock()
    with pytest.raises(SlackApiError) as raised:
        api(recorder, clock).post_message("C1", {"text": "x"})
    assert raised.value.refused is False and len(recorder.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [refused("internal_error"), refused("service_unavailable"), HttpAnswer(503, "oops"), TransientPostError("reset")],
)
def test_transient_failures_are_retried_with_backoff(answer):
    recorder, clock = RecordingApi([answer, answer, ok(ts="2.000001")]), FakeClock()

    assert api(recorder, clock).post_message("C1", {"text": "x"}) == "2.000001"
    assert clock.sleeps == [1.0, 2.0]


def test_it_gives_up_after_four_attempts():
    recorder, clock = RecordingApi([HttpAnswer(500, "")] * 4), FakeClock()
    with pytest.raises(SlackApiError, match="after 4 attempts"):
        api(recorder, clock).post_message("C1", {"text": "x"})


def test_the_token_never_appears_in_an_error_even_when_slack_echoes_it():
    echo = HttpAnswer(200, json.dumps({"ok": False, "error": f"bad {TOKEN} and Bearer {TOKEN}"}))
    recorder, clock = RecordingApi([echo]), FakeClock()
    with pytest.raises(SlackApiError) as raised:
        api(recorder, clock).post_message("C1", {"text": "x"})
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value)
    assert "tokentokentoken" not in str(raised.value)


def test_no_time_left_is_an_error_not_a_hang():
    recorder, clock = RecordingApi(), FakeClock()
    with pytest.raises(SlackApiError, match="no time left"):
        api(recorder, clock, budget_s=0).post_message("C1", {"text": "x"})
    assert recorder.requests == []


@pytest.mark.parametrize("url", ["http://slack.com/api", "ftp://x/api", "slack.com/api"])
def test_the_api_url_must_be_https_or_loopback(url):
    with pytest.raises(SlackDeliveryError):
        SlackApi(url, TOKEN, FakeClock().as_clock(), 0.0, RecordingApi())
    SlackApi("http://127.0.0.1:8080/api", TOKEN, FakeClock().as_clock(), 0.0, RecordingApi())


def test_an_ok_answer_without_a_ts_is_not_a_posted_message():
    recorder, clock = RecordingApi([ok()]), FakeClock()
    with pytest.raises(SlackApiError, match="without a ts"):
        api(recorder, clock).post_message("C1", {"text": "x"})
