"""Slack's Web API with a bot token, the HTTP edge of app delivery: chat.postMessage (with ``thread_ts`` for a
reply), chat.update, auth.test.

As Slack documents the methods (api.slack.com/methods, "Rate limits", "Web API basics"): a JSON POST with
``Authorization: Bearer xoxb-...``; the answer is HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error":
"..."}``; rate limiting is HTTP 429 with ``Retry-After`` (seconds) and ``{"ok": false, "error": "ratelimited"}``.

- ``ratelimited``: waits Retry-After (clamped, as for the webhook) and tries again while time remains;
- HTTP 5xx, network errors and Slack's own transient errors (``internal_error``, ``fatal_error``,
  ``service_unavailable``, ``request_timeout``): up to MAX_ATTEMPTS with exponential backoff;
- any other ``ok: false`` is final: a token refused or revoked (``invalid_auth``, ``not_authed``,
  ``token_revoked``, ``account_inactive``), the channel (``channel_not_found``, ``not_in_channel``,
  ``is_archived``), the payload, the scope. ``SlackApiError.refused`` says whether it is the token or channel,
  which fails the run as a refused webhook does.

The token is a secret: every error leaving this module is redacted against it (redaction.redact), and no urllib
exception is chained.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accesslog_notifier.insights import Clock
from accesslog_notifier.records import safe_text
from accesslog_notifier.redaction import get_logger, redact
from accesslog_notifier.slack import (
    FIRST_BACKOFF_S,
    MAX_ATTEMPTS,
    MAX_BACKOFF_S,
    MAX_RATE_LIMITED_WAITS,
    REQUEST_TIMEOUT_S,
    HttpAnswer,
    TransientPostError,
    check_webhook_url,
    retry_after_seconds,
    urllib_post,
)

logger = get_logger(__name__)

ApiPoster = Callable[[str, bytes, float, Mapping[str, str]], HttpAnswer]
# The token or the channel will not work until someone acts: the run fails, as for a refused webhook.
REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "no_permission",
        "ekm_access_denied",
        "team_access_not_granted",
    }
)
TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})


class SlackApiError(Exception):
    """A Web API call that did not succeed; ``code`` is Slack's error, ``refused`` whether the token or channel
    was refused (not worth retrying until someone acts)."""

    def __init__(self, message: str, code: str, *, refused: bool) -> None:
        super().__init__(message)
        self.code = code
        self.refused = refused


def api_post(url: str, body: bytes, timeout_s: float, headers: Mapping[str, str]) -> HttpAnswer:
    """The default poster: urllib, no redirects (slack.urllib_post)."""
    return urllib_post(url, body, timeout_s, headers)


@dataclass
class SlackApi:
    """A bot token's view of Slack. ``base_url`` is https://slack.com/api (or a stand-in on 127.0.0.1)."""

    base_url: str
    token: str
    clock: Clock
    deadline: float
    post: ApiPoster = api_post

    def __post_init__(self) -> None:
        check_webhook_url(self.base_url.rstrip("/") + "/auth.test")  # https, or http only to loopback

    def _failure(self, message: str, code: str, *, refused: bool = False) -> SlackApiError:
        # The code too: it is Slack's "error" as answered, which can quote the request (and so the token).
        hidden = [self.token]
        return SlackApiError(safe_text(redact(message, hidden), 600), safe_text(redact(code, hidden)), refused=refused)

    def call(self, method: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """One Web API call with Slack's retry rules; the answer's JSON when ``ok`` is true."""
        url = f"{self.base_url.rstrip('/')}/{method}"
        data = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}"}
        failures = rate_limited = 0
        while True:
            remaining_s = self.deadline - self.clock.monotonic()
            if remaining_s <= 0:
                raise self._failure(f"no time left to call {method}", "deadline")
            try:
                answer = self.post(url, data, min(REQUEST_TIMEOUT_S, remaining_s), headers)
            except TransientPostError as error:
                problem, code = str(error), "network"
            else:
                parsed = _json(answer.body)
                error_code = str(parsed.get("error") or f"http_{answer.status}")
                if answer.status == 200 and parsed.get("ok") is True:
                    return parsed
                if answer.status == 429 or error_code == "ratelimited":
                    wait_s = retry_after_seconds(answer.headers)
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMITED_WAITS or self.clock.monotonic() + wait_s >= self.deadline:
                        raise self._failure(f"Slack kept rate-limiting {method} and the time ran out", "ratelimited")
                    logger.warning("Slack rate-limited %s; waiting %g s", method, wait_s)
                    self.clock.sleep(wait_s)
                    continue
                if answer.status == 200 and error_code not in TRANSIENT:
                    raise self._failure(
                        f"Slack refused {method}: {error_code} (not retried)", error_code, refused=error_code in REFUSED
                    )
                if answer.status != 200 and not 500 <= answer.status <= 599:
                    raise self._failure(f"Slack answered {method} with HTTP {answer.status} (not retried)", error_code)
                problem, code = f"{error_code}", error_code
            failures += 1
            backoff_s = min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)
            if failures >= MAX_ATTEMPTS or self.clock.monotonic() + backoff_s >= self.deadline:
                raise self._failure(f"could not call {method} after {failures} attempts: {problem}", code)
            logger.warning("%s failed (%s); retrying in %g s", method, redact(problem, [self.token]), backoff_s)
            self.clock.sleep(backoff_s)

    def post_message(self, channel: str, payload: Mapping[str, Any], thread_ts: str | None = None) -> str:
        """chat.postMessage; the new message's ts."""
        body = {"channel": channel, **payload, "unfurl_links": False, "unfurl_media": False}
        if thread_ts:
            body["thread_ts"] = thread_ts
        answer = self.call("chat.postMessage", body)
        ts = answer.get("ts")
        if not isinstance(ts, str) or not ts:
            raise self._failure("chat.postMessage answered without a ts", "no_ts")
        return ts

    def update_message(self, channel: str, ts: str, payload: Mapping[str, Any]) -> None:
        """chat.update: the message ``ts`` now shows ``payload``."""
        self.call("chat.update", {"channel": channel, "ts": ts, **payload})


def _json(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


__all__ = ["REFUSED", "ApiPoster", "SlackApi", "SlackApiError", "api_post"]
