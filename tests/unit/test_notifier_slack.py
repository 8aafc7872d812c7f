"""Webhook delivery against the real receiver: only 200 is sent, 429 waits Retry-After, 5xx backs off, the rest fails.

Waits go through FakeClock.sleep, so the tests assert how long the code would wait without waiting. What Slack
answers comes from tests/fixtures/slack-webhook.json; the secret is the receiver's URL, and no error text, log line
or exception may carry it in any form.
"""

from __future__ import annotations

import json
import logging
import socket
from contextlib import closing
from urllib.parse import quote

import pytest
from accesslog_notifier.slack import (
    MAX_ATTEMPTS,
    SlackDeliveryError,
    check_webhook_url,
    deliver,
    redact,
    retry_after_seconds,
    urllib_post,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.notifier import FakeClock
from tests.support.slack_receiver import WEBHOOK_PATH, Answer

# Most tests post to a real HTTP receiver on 127.0.0.1.
pytestmark = pytest.mark.slack_receiver

PAYLOADS = [{"text": "one", "blocks": []}, {"text": "two", "blocks": []}, {"text": "three", "blocks": []}]


class CountingPoster:
    """urllib_post, counting the requests it makes."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, url: str, body: bytes, timeout_s: float):
        self.calls += 1
        return urllib_post(url, body, timeout_s)


def send(url, payloads=PAYLOADS[:1], *, budget_s=60.0, clock=None, receiver=None, **kwargs):
    """Deliver through a counting poster; then wait until the receiver has recorded every request made."""
    clock = clock or FakeClock()
    poster = CountingPoster()
    try:
        return deliver(
            url, payloads, clock=clock.as_clock(), deadline=clock.now + budget_s, post=poster, **kwargs
        ), clock
    finally:
        if receiver is not None:
            # The receiver records a post just after answering it: wait for the record, not for time.
            assert len(receiver.wait_for_posts(poster.calls)) == poster.calls


def secret_fragments(url: str) -> list[str]:
    """The parts of a webhook URL that must never show: the URL and path in every encoding, the token segments."""
    path = url.split("/", 3)[3] if url.count("/") >= 3 else url
    pieces = [url, "/" + path] + [segment for segment in path.split("/") if len(segment) >= 8]
    return [form for piece in pieces for form in (piece, quote(piece, safe=""), piece.replace("/", "\\/"))]


def assert_secret_absent(url: str, *texts: str) -> None:
    for text in texts:
        for fragment in secret_fragments(url):
            assert fragment not in text, fragment


def test_a_200_is_sent_as_json(slack_receiver):
    sent, clock = send(slack_receiver.webhook_url, PAYLOADS, receiver=slack_receiver)

    assert sent == 3
    assert [post.payload for post in slack_receiver.delivered] == PAYLOADS
    assert slack_receiver.posts[0].headers["Content-Type"].startswith("application/json")
    assert clock.sleeps == []


def test_429_waits_retry_after_then_succeeds(slack_receiver):
    slack_receiver.script(Answer(429, "rate_limited", {"Retry-After": "7"}))

    sent, clock = send(slack_receiver.webhook_url, receiver=slack_receiver)

    assert sent == 1
    assert clock.sleeps == [7.0]
    assert [post.answered_status for post in slack_receiver.posts] == [429, 200]


def test_500_backs_off_then_succeeds(slack_receiver):
    slack_receiver.script(Answer(500, "rollup_error"), Answer(503, "unavailable"))

    sent, clock = send(slack_receiver.webhook_url, receiver=slack_receiver)

    assert sent == 1
    assert clock.sleeps == [1.0, 2.0]  # exponential
    assert len(slack_receiver.posts) == 3


def test_5xx_gives_up_after_a_bounded_number_of_attempts(slack_receiver):
    slack_receiver.script(*[Answer(500, "rollup_error")] * 10)

    with pytest.raises(SlackDeliveryError, match=r"after 4 attempts: HTTP 500 rollup_error") as raised:
        send(slack_receiver.webhook_url, receiver=slack_receiver)

    assert raised.value.sent == 0
    assert len(slack_receiver.posts) == MAX_ATTEMPTS
    assert slack_receiver.delivered == []


@pytest.mark.parametrize(
    ("status", "body"),
    [(410, "channel_is_archived"), (400, "invalid_payload"), (403, "action_prohibited"), (404, "no_service")],
)
def test_refusals_fail_at_once_with_slacks_error_text(slack_receiver, status, body):
    slack_receiver.script(Answer(status, body))

    with pytest.raises(SlackDeliveryError) as raised:
        send(slack_receiver.webhook_url, PAYLOADS, receiver=slack_receiver)

    assert f"HTTP {status} {body}" in str(raised.value)
    assert "not retried" in str(raised.value)
    assert raised.value.status == status
    assert raised.value.sent == 0
    assert len(slack_receiver.posts) == 1  # no retry, and no later message either
    assert_secret_absent(slack_receiver.webhook_url, str(raised.value), repr(raised.value))


def test_delivery_stops_at_the_first_failed_message_and_counts_only_what_was_sent(slack_receiver):
    slack_receiver.script(Answer(200), Answer(410, "channel_is_archived"))

    with pytest.raises(SlackDeliveryError, match="message 2 of 3") as raised:
        send(slack_receiver.webhook_url, PAYLOADS, receiver=slack_receiver)

    assert raised.value.sent == 1
    assert [post.payload["text"] for post in slack_receiver.delivered] == ["one"]


def test_a_retry_after_beyond_the_deadline_fails_without_waiting_past_it(slack_receiver):
    slack_receiver.script(Answer(429, "rate_limited", {"Retry-After": "120"}))

    with pytest.raises(SlackDeliveryError, match="rate-limiting Slack message 1 of 1") as raised:
        send(slack_receiver.webhook_url, receiver=slack_receiver, budget_s=30)

    assert raised.value.sent == 0
    assert len(slack_receiver.posts) == 1


def test_backoff_never_sleeps_past_the_deadline(slack_receiver):
    slack_receiver.script(*[Answer(500, "rollup_error")] * 5)
    clock = FakeClock()

    with pytest.raises(SlackDeliveryError):
        send(slack_receiver.webhook_url, receiver=slack_receiver, budget_s=2.5, clock=clock)

    assert sum(clock.sleeps) <= 2.5
    assert clock.sleeps == [1.0]


def test_connection_errors_are_retried_and_reported_without_the_url(caplog):
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"  # nothing listens here any more
    caplog.set_level(logging.DEBUG)

    with pytest.raises(SlackDeliveryError, match="after 4 attempts: URLError") as raised:
        send(url)

    error = raised.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    assert_secret_absent(url, str(error), repr(error), caplog.text)
    assert [record.getMessage() for record in caplog.records if "retrying" in record.getMessage()]


def test_a_webhook_that_never_answers_times_out_and_is_retried():
    with closing(socket.socket()) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections into the backlog, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}{WEBHOOK_PATH}"

        with pytest.raises(SlackDeliveryError, match="timed out") as raised:
            send(url, request_timeout_s=0.2)

    assert_secret_absent(url, str(raised.value))


def test_http_errors_become_answers_with_headers(slack_receiver):
    slack_receiver.script(Answer(429, "rate_limited", {"Retry-After": "3"}))

    answer = urllib_post(slack_receiver.webhook_url, b"{}", 5.0)

    assert (answer.status, answer.body) == (429, "rate_limited")
    assert retry_after_seconds(answer.headers) == 3.0


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": "2"}, 2.0), ({"retry-after": "0"}, 0.0), ({"Retry-After": "soon"}, 1.0), ({}, 1.0)],
)
def test_retry_after_parsing(headers, seconds):
    assert retry_after_seconds(headers) == seconds


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T1/B2/secretpart",
        "ftp://example.com/secretpart",
        "secretpart",
        "https:///secretpart",
        "https://hooks.slack.com/services/T1/B2/secret part",
        "https://hooks.slack.com/services/T1/B2/secretpart\r\nX-Injected: 1",
    ],
)
def test_only_https_urls_are_used_and_a_bad_one_is_not_echoed(url):
    with pytest.raises(SlackDeliveryError) as raised:
        check_webhook_url(url)

    assert "secretpart" not in str(raised.value)


def test_a_url_urllib_refuses_is_not_quoted_in_the_error():
    def poster(url, body, timeout_s):
        return urllib_post(url + "\x7fsecretpart", body, timeout_s)  # http.client.InvalidURL quotes the URL

    clock = FakeClock()
    with pytest.raises(SlackDeliveryError) as raised:
        deliver(
            "https://hooks.slack.com/services/T1/B2/abc",
            PAYLOADS,
            clock=clock.as_clock(),
            deadline=clock.now + 60,
            post=poster,
        )

    assert "InvalidURL" in str(raised.value)
    assert "secretpart" not in str(raised.value) and "hooks.slack.com" not in str(raised.value)


def test_loopback_http_is_allowed_for_local_emulation(slack_receiver):
    check_webhook_url(slack_receiver.webhook_url)
    check_webhook_url("https://hooks.slack.com/services/T1/B2/abc")


def test_redact_removes_the_url_and_its_path():
    url = "https://hooks.slack.com/services/T1/B2/abcdefghijkl"

    assert redact(f"failed {url} and /services/T1/B2/abcdefghijkl", url) == "failed [webhook] and [webhook]"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_refused_not_followed(slack_receiver, status):
    elsewhere = slack_receiver.webhook_url.replace(WEBHOOK_PATH, "/elsewhere")
    slack_receiver.script(Answer(status, "moved", {"Location": elsewhere}))

    with pytest.raises(SlackDeliveryError, match=f"HTTP {status}") as raised:
        send(slack_receiver.webhook_url, receiver=slack_receiver)

    assert raised.value.sent == 0 and raised.value.status == status
    assert [post.path for post in slack_receiver.posts] == [WEBHOOK_PATH]  # not followed to /elsewhere
    assert slack_receiver.delivered == []


def test_an_answer_that_echoes_the_url_is_redacted_in_every_error_path(slack_receiver):
    url = slack_receiver.webhook_url
    echo = f"rate_limited for {url} ({quote(url, safe='')}) {json.dumps(url)} {WEBHOOK_PATH}"
    slack_receiver.script(*[Answer(429, echo, {"Retry-After": "1"})] * 11)

    with pytest.raises(SlackDeliveryError) as raised:
        send(url, receiver=slack_receiver)

    assert "rate_limited for [webhook]" in str(raised.value)
    assert_secret_absent(url, str(raised.value), repr(raised.value))


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("nan", 1.0),
        ("inf", 1.0),
        ("-inf", 1.0),
        ("1e9", 1.0),
        ("-3", 1.0),
        ("99999", 30.0),
        ("2.5", 2.5),
        ("\u0663", 1.0),
    ],
)
def test_retry_after_must_be_a_finite_number_and_is_capped(value, seconds):
    assert retry_after_seconds({"Retry-After": value}) == seconds


def test_a_nan_retry_after_is_waited_as_one_second_not_crashing_the_run(slack_receiver):
    slack_receiver.script(Answer(429, "rate_limited", {"Retry-After": "nan"}))

    sent, clock = send(slack_receiver.webhook_url, receiver=slack_receiver)

    assert sent == 1 and clock.sleeps == [1.0]


# Slack's webhook paths are /services/<team>/<bot>/<token>: letters and digits (plus - and _ to be safe).
token = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=30)


@settings(max_examples=200, deadline=None)
@given(team=token, bot=token, secret=token, noise=st.text(max_size=40))
def test_no_fragment_of_the_url_survives_redaction(team, bot, secret, noise):
    url = f"https://hooks.slack.com/services/{team}/{bot}/{secret}"
    texts = [url, quote(url, safe=""), json.dumps(url), f"/services/{team}/{bot}/{secret}", secret, quote(secret)]
    leaked = noise.join(texts)

    assert_secret_absent(url, redact(leaked, url))
