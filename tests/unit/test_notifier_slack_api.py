"""The Slack Web API client (slack_api.py) against answers shaped as Slack documents them (api.slack.com/methods,
"Rate limits"): ok answers, ``ok: false`` errors at HTTP 200, HTTP 429 with Retry-After; a recording poster, a fake
clock. The stand-in server (devkit/apigw_devkit/slack_api.py) covers the same over real sockets in the integration
tests.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from accesslog_notifier import slack
from accesslog_notifier.slack import HttpAnswer, SlackDeliveryError, TransientPostError, deliver
from accesslog_notifier.slack_api import SlackApi, SlackApiError, api_post

from tests.support.notifier import FakeClock

TOKEN = "xoxb-1111-2222-tokentokentoken"
BASE = "https://slack.com/api"


@dataclass
class RecordingApi:
    """Slack's side: answers in order (then ok), every request it got."""

    answers: list[Any] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    timeouts: list[float] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, timeout_s: float, headers: Mapping[str, str]) -> HttpAnswer:
        self.requests.append((url, json.loads(body), dict(headers)))
        self.timeouts.append(timeout_s)
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
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value) and TOKEN not in raised.value.code
    assert "tokentokentoken" not in str(raised.value)


def test_no_time_left_is_an_error_not_a_hang():
    recorder, clock = RecordingApi(), FakeClock()
    with pytest.raises(SlackApiError, match="no time left"):
        api(recorder, clock, budget_s=0).post_message("C1", {"text": "x"})
    assert recorder.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://slack.com/api",
        "ftp://x/api",
        "slack.com/api",
        "https://slack.com/api ",  # a trailing space would end up inside every method URL
        "https://slack.com/api\n",
        "/https://slack.com/api",  # a path, not a URL
    ],
)
def test_the_api_url_must_be_https_or_loopback(url):
    with pytest.raises(SlackDeliveryError):
        SlackApi(url, TOKEN, FakeClock().as_clock(), 0.0, RecordingApi())
    SlackApi("http://127.0.0.1:8080/api", TOKEN, FakeClock().as_clock(), 0.0, RecordingApi())


def test_an_ok_answer_without_a_ts_is_not_a_posted_message():
    recorder, clock = RecordingApi([ok()]), FakeClock()
    with pytest.raises(SlackApiError, match="without a ts"):
        api(recorder, clock).post_message("C1", {"text": "x"})


def slack_error(status: int, error: str, headers: Mapping[str, str] | None = None) -> HttpAnswer:
    """An ``ok: false`` answer as Slack writes it, at any HTTP status."""
    return HttpAnswer(status, json.dumps({"ok": False, "error": error}), dict(headers or {}))


def failing(recorder: RecordingApi, clock: FakeClock, budget_s: float = 60, method: str = "post") -> SlackApiError:
    """The SlackApiError a post_message (or update_message) raised."""
    client = api(recorder, clock, budget_s)
    with pytest.raises(SlackApiError) as raised:
        if method == "post":
            client.post_message("C1", {"text": "x"})
        else:
            client.update_message("C1", "1700000000.000100", {"text": "x"})
    return raised.value


# --- the request Slack receives ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://slack.com/api/", "https://slack.com/api/chat.postMessage"),
        ("https://slack.com/api//", "https://slack.com/api/chat.postMessage"),
        ("https://gateway.example/SLACKBOX", "https://gateway.example/SLACKBOX/chat.postMessage"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/chat.postMessage"),  # a stand-in serving at its root
    ],
)
def test_a_method_is_called_under_the_base_url_whatever_slashes_end_it(base: str, expected: str) -> None:
    recorder, clock = RecordingApi(), FakeClock()

    SlackApi(base, TOKEN, clock.as_clock(), clock.now + 60, recorder).post_message("C1", {"text": "x"})

    assert [url for url, _, _ in recorder.requests] == [expected]


def test_a_message_without_a_thread_names_no_thread() -> None:
    recorder, clock = RecordingApi(), FakeClock()

    api(recorder, clock).post_message("C1", {"text": "x"})

    assert "thread_ts" not in recorder.requests[0][1]


def test_a_request_never_waits_longer_than_the_time_left() -> None:
    recorder, clock = RecordingApi(), FakeClock()

    api(recorder, clock, budget_s=0.5).post_message("C1", {"text": "x"})

    assert recorder.timeouts == [0.5]


def test_a_retry_waits_no_longer_than_what_the_backoff_left() -> None:
    recorder, clock = RecordingApi([slack_error(200, "internal_error")]), FakeClock()
    deadline = clock.now + 4

    SlackApi(BASE, TOKEN, clock.as_clock(), deadline, recorder).post_message("C1", {"text": "x"})

    [slept] = clock.sleeps
    assert recorder.timeouts[1] == pytest.approx(4 - slept) and 0 < recorder.timeouts[0] <= 4


def test_the_default_poster_sends_a_json_post_with_the_headers_through_urllib(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[Any, float]] = []

    class Response:
        def __init__(self) -> None:
            self.status, self.headers = 200, {"Content-Type": "application/json"}

        def read(self, limit: int) -> bytes:
            return b'{"ok": true, "ts": "1700000000.000100"}'

        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class Opener:
        def open(self, request: Any, timeout: float) -> Response:
            opened.append((request, timeout))
            return Response()

    monkeypatch.setattr(slack, "_OPENER", Opener())
    body = b'{"channel": "C1"}'

    answer = api_post("https://slack.com/api/chat.postMessage", body, 7.5, {"Authorization": f"Bearer {TOKEN}"})

    [(request, timeout)] = opened
    assert (request.full_url, request.get_method(), request.data, timeout) == (
        "https://slack.com/api/chat.postMessage",
        "POST",
        body,
        7.5,
    )
    assert request.get_header("Authorization") == f"Bearer {TOKEN}"
    assert request.get_header("Content-type") == "application/json; charset=utf-8"
    assert answer == HttpAnswer(200, '{"ok": true, "ts": "1700000000.000100"}', {"Content-Type": "application/json"})


# --- rate limiting (Slack: HTTP 429 with Retry-After, error "ratelimited") ----------------------------------------


def test_a_429_without_a_json_body_still_waits_retry_after() -> None:
    recorder, clock = RecordingApi([HttpAnswer(429, "", {"Retry-After": "2"})]), FakeClock()

    api(recorder, clock).post_message("C1", {"text": "x"})

    assert clock.sleeps == [2.0] and len(recorder.requests) == 2


def test_the_ratelimited_error_waits_retry_after_whatever_the_http_status() -> None:
    # Slack's method pages list "ratelimited": "Refer to the Retry-After header for when to retry the request."
    recorder, clock = RecordingApi([slack_error(200, "ratelimited", {"Retry-After": "4"})]), FakeClock()

    api(recorder, clock).post_message("C1", {"text": "x"})

    assert clock.sleeps == [4.0] and len(recorder.requests) == 2


@pytest.mark.parametrize("retry_after", ["10", "30"], ids=["until the deadline", "past the deadline"])
def test_a_retry_after_that_reaches_the_deadline_is_not_waited_and_the_error_is_ratelimited(retry_after: str) -> None:
    limited = slack_error(429, "ratelimited", {"Retry-After": retry_after})
    recorder, clock = RecordingApi([limited]), FakeClock()

    error = failing(recorder, clock, budget_s=10)

    assert (error.code, error.refused) == ("ratelimited", False)
    assert str(error) == "Slack kept rate-limiting chat.postMessage and the time ran out"
    assert clock.sleeps == [] and len(recorder.requests) == 1


def test_rate_limiting_without_end_is_given_up_after_as_many_waits_as_webhook_delivery() -> None:
    # The module promises the webhook's handling of 429 (slack.deliver): the same patience, long before the deadline.
    budget_s, limited = 3600.0, slack_error(429, "ratelimited", {"Retry-After": "1"})
    app_recorder, app_clock = RecordingApi([limited] * 5000), FakeClock()
    webhook_clock = FakeClock()

    error = failing(app_recorder, app_clock, budget_s=budget_s)
    with pytest.raises(SlackDeliveryError):
        deliver(
            "https://hooks.slack.com/services/T0000000/B0000000/secretsecret",
            [{"text": "x"}],
            clock=webhook_clock.as_clock(),
            deadline=webhook_clock.now + budget_s,
            post=lambda url, body, timeout_s: HttpAnswer(429, "rate_limited", {"Retry-After": "1"}),
        )

    assert error.code == "ratelimited"
    assert app_clock.sleeps == webhook_clock.sleeps and sum(app_clock.sleeps) < budget_s / 100


# --- failures and retries ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
def test_every_5xx_status_is_retried(status: int) -> None:
    recorder, clock = RecordingApi([HttpAnswer(status, "")]), FakeClock()

    assert api(recorder, clock).post_message("C1", {"text": "x"}) == "1700000000.000002"
    assert len(recorder.requests) == 2 and len(clock.sleeps) == 1


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (HttpAnswer(404, ""), "http_404"),
        (HttpAnswer(301, "", {"Location": "https://elsewhere.example/"}), "http_301"),
        (HttpAnswer(600, ""), "http_600"),  # beyond the 5xx class (RFC 9110 status codes end at 599)
        (slack_error(400, "invalid_arguments"), "invalid_arguments"),
        (slack_error(403, "invalid_auth"), "invalid_auth"),
    ],
)
def test_an_http_status_neither_200_429_nor_5xx_is_final_and_carries_slacks_error_when_it_gave_one(
    answer: HttpAnswer, code: str
) -> None:
    recorder, clock = RecordingApi([answer]), FakeClock()

    error = failing(recorder, clock)

    assert (error.code, error.refused) == (code, False)
    assert str(error) == f"Slack answered chat.postMessage with HTTP {answer.status} (not retried)"
    assert len(recorder.requests) == 1 and clock.sleeps == []


@pytest.mark.parametrize("body", ["null", '["bad gateway"]', '"bad gateway"', "<html>bad gateway</html>"])
def test_an_answer_whose_body_is_not_a_json_object_is_judged_by_its_status(body: str) -> None:
    recorder, clock = RecordingApi([HttpAnswer(502, body)]), FakeClock()

    assert api(recorder, clock).post_message("C1", {"text": "x"}) == "1700000000.000002"
    assert len(clock.sleeps) == 1


def test_network_errors_are_given_up_with_what_the_network_said() -> None:
    reset = TransientPostError("ConnectionResetError: [Errno 104] Connection reset by peer")
    recorder, clock = RecordingApi([reset] * 10), FakeClock()

    error = failing(recorder, clock)

    assert (error.code, error.refused) == ("network", False)
    assert str(error) == (
        "could not call chat.postMessage after 4 attempts: ConnectionResetError: [Errno 104] Connection reset by peer"
    )


def test_giving_up_on_slacks_transient_errors_carries_the_last_one() -> None:
    recorder = RecordingApi([slack_error(200, "fatal_error")] * 3 + [slack_error(503, "service_unavailable")])

    error = failing(recorder, FakeClock())

    assert (error.code, error.refused) == ("service_unavailable", False)
    assert str(error) == "could not call chat.postMessage after 4 attempts: service_unavailable"


@pytest.mark.parametrize("budget_s", [0.5, 1.0, 2.5, 3.0, 7.0])
def test_a_backoff_that_would_reach_the_deadline_is_not_slept_and_slacks_error_is_kept(budget_s: float) -> None:
    recorder, clock = RecordingApi([slack_error(200, "internal_error")] * 10), FakeClock()

    error = failing(recorder, clock, budget_s=budget_s)

    assert (error.code, error.refused) == ("internal_error", False)
    assert str(error).startswith("could not call chat.postMessage after ")
    assert sum(clock.sleeps) < budget_s and len(recorder.requests) == len(clock.sleeps) + 1


def test_no_time_left_carries_no_slack_error_code() -> None:
    recorder, clock = RecordingApi(), FakeClock()

    error = failing(recorder, clock, budget_s=0)

    assert (error.code, error.refused) == ("deadline", False)
    assert str(error) == "no time left to call chat.postMessage"


@pytest.mark.parametrize("ts", [None, "", 1700000000.0001, ["1700000000.000100"]])
def test_an_ok_answer_whose_ts_is_not_a_text_is_not_a_posted_message(ts: object) -> None:
    recorder, clock = RecordingApi([ok(ts=ts)]), FakeClock()

    error = failing(recorder, clock)

    assert (error.code, error.refused) == ("no_ts", False)
    assert str(error) == "chat.postMessage answered without a ts"


@pytest.mark.parametrize("error", ["message_not_found", "cant_update_message", "edit_window_closed"])
def test_an_update_slack_refuses_is_final_and_carries_slacks_error(error: str) -> None:
    # chat.update's documented errors about the message itself: the caller decides (a deleted parent is re-posted).
    recorder, clock = RecordingApi([refused(error)]), FakeClock()

    raised = failing(recorder, clock, method="update")

    assert (raised.code, raised.refused) == (error, False)
    assert str(raised) == f"Slack refused chat.update: {error} (not retried)"
    assert len(recorder.requests) == 1 and clock.sleeps == []


@pytest.mark.parametrize("error", ["is_archived", "missing_scope", "token_expired"])
def test_an_archived_channel_a_missing_scope_or_an_expired_token_is_refused_until_someone_acts(error: str) -> None:
    recorder, clock = RecordingApi([refused(error)]), FakeClock()

    raised = failing(recorder, clock)

    assert (raised.code, raised.refused) == (error, True)


# --- what is logged, and the token ---------------------------------------------------------------------------------


def test_retries_and_waits_are_logged_naming_the_method(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="accesslog_notifier")
    limited = slack_error(429, "ratelimited", {"Retry-After": "3"})
    recorder, clock = RecordingApi([slack_error(503, "service_unavailable"), limited]), FakeClock()

    api(recorder, clock).post_message("C1", {"text": "x"})

    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.WARNING, "chat.postMessage failed (service_unavailable); retrying in 1 s"),
        (logging.WARNING, "Slack rate-limited chat.postMessage; waiting 3 s"),
    ]


# A token need not look like a Slack token (a stand-in's, or a value pasted wrong): it is hidden as a known secret.
ODD_TOKEN = "stand-in-token-7f3a9c2e"


def test_a_token_of_any_shape_is_hidden_in_every_error_and_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="accesslog_notifier")
    echo = slack_error(503, f"internal_error for Bearer {ODD_TOKEN}")
    recorder, clock = RecordingApi([echo] * 4), FakeClock()

    with pytest.raises(SlackApiError) as raised:
        SlackApi(BASE, ODD_TOKEN, clock.as_clock(), clock.now + 60, recorder).post_message("C1", {"text": "x"})

    assert str(raised.value) == "could not call chat.postMessage after 4 attempts: internal_error for Bearer [hidden]"
    assert raised.value.code == "internal_error for Bearer [hidden]"
    assert len(caplog.records) == 3
    assert all(ODD_TOKEN not in record.getMessage() for record in caplog.records)
    assert all("Bearer [hidden]" in record.getMessage() for record in caplog.records)


def test_an_error_is_cut_to_the_length_of_a_webhook_error_whatever_the_network_said() -> None:
    # Both edges bound what an answer or the network can push into an error (and so into the run's report).
    failure_text = "ConnectionResetError: " + "peer reset " * 2_000
    recorder, clock = RecordingApi([TransientPostError(failure_text)] * 4), FakeClock()
    webhook_clock = FakeClock()

    def network_down(url: str, body: bytes, timeout_s: float) -> HttpAnswer:
        raise TransientPostError(failure_text)

    error = failing(recorder, clock)
    with pytest.raises(SlackDeliveryError) as webhook_error:
        deliver(
            "https://hooks.slack.com/services/T0000000/B0000000/secretsecret",
            [{"text": "x"}],
            clock=webhook_clock.as_clock(),
            deadline=webhook_clock.now + 60,
            post=network_down,
        )

    assert str(error).startswith("could not call chat.postMessage after 4 attempts: ConnectionResetError: peer reset")
    assert len(str(error)) == len(str(webhook_error.value)) < len(failure_text)
