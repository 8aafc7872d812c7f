"""Webhook delivery: only HTTP 200 counts as sent; 429 waits Retry-After, 5xx and network errors back off.

The webhook URL is a secret (anyone holding it can post to the channel, and Slack revokes URLs it finds leaked).
Nothing here logs it, and every error raised here is built from scratch, with the URL redacted, and without
chaining urllib's exceptions (HTTPError keeps the URL in ``filename``/``url``).
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from accesslog_notifier.config import pattern
from accesslog_notifier.query import Clock

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 4  # for 5xx answers and network errors
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 8.0
MAX_RATE_LIMITED_WAITS = 10
DEFAULT_RETRY_AFTER_S = 1.0
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class HttpAnswer:
    """What the webhook answered."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


class TransientPostError(Exception):
    """The request did not get an HTTP answer (connection refused, reset, timed out); worth retrying."""


class SlackDeliveryError(Exception):
    """A message was not delivered; ``sent`` says how many messages before it were. Never contains the URL."""

    def __init__(self, message: str, sent: int, status: int | None = None) -> None:
        super().__init__(message)
        self.sent = sent
        self.status = status


Poster = Callable[[str, bytes, float], HttpAnswer]


def urllib_post(url: str, body: bytes, timeout_s: float) -> HttpAnswer:
    """POST ``body`` as JSON with urllib; HTTP error statuses are answers, network failures raise TransientPostError."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by check_webhook_url
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return HttpAnswer(response.status, _read_text(response), dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        with error:
            return HttpAnswer(error.code, _read_text(error), dict((error.headers or {}).items()))
    except (http.client.InvalidURL, ValueError) as error:
        # InvalidURL and urllib's "unknown url type" quote the URL itself: keep only the kind of failure.
        raise TransientPostError(f"{type(error).__name__} (the URL was refused)") from None
    except (urllib.error.URLError, OSError) as error:
        # Neither the message nor the exception may carry the URL: the kind and the socket-level reason only.
        reason = getattr(error, "reason", None) or error
        raise TransientPostError(f"{type(error).__name__}: {reason}") from None
    except http.client.HTTPException as error:
        raise TransientPostError(type(error).__name__) from None


def _read_text(response: Any) -> str:
    try:
        return response.read(4096).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return ""


def check_webhook_url(url: str) -> None:
    """Refuse what settings.json's webhook_url pattern refuses (https; http only to loopback), without echoing it."""
    if not pattern("webhook_url").match(url):
        raise SlackDeliveryError("the webhook parameter does not hold an https:// URL", sent=0)


def redact(text: str, secret: str) -> str:
    """``text`` with the webhook URL and its path (the secret part) replaced by ``***``."""
    if not secret:
        return text
    text = text.replace(secret, "***")
    path = urlsplit(secret).path
    return text.replace(path, "***") if len(path) > 1 else text


def retry_after_seconds(headers: Mapping[str, str]) -> float:
    """Seconds to wait from a 429's Retry-After header (1 s when missing or not a number)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value.strip()), 0.0)
            except ValueError:
                return DEFAULT_RETRY_AFTER_S
    return DEFAULT_RETRY_AFTER_S


def _slack_error(answer: HttpAnswer) -> str:
    text = _CONTROL_CHARACTERS.sub(" ", answer.body).strip()[:200]
    return f"HTTP {answer.status} {text or '(empty body)'}"


def deliver(
    webhook_url: str,
    payloads: Sequence[Mapping[str, Any]],
    *,
    clock: Clock,
    deadline: float,
    post: Poster = urllib_post,
    request_timeout_s: float = REQUEST_TIMEOUT_S,
) -> int:
    """Post each payload in order; returns how many were delivered (all of them) or raises SlackDeliveryError.

    429: waits Retry-After and tries again while time remains. 5xx and network errors: up to MAX_ATTEMPTS with
    exponential backoff, within ``deadline``. Any other answer (400 invalid_payload, 403 action_prohibited,
    404 no_service, 410 channel_is_archived ...) is final: no retry. Delivery stops at the first message that fails,
    because the first message carries the counts and later ones only continue it.
    """
    check_webhook_url(webhook_url)
    sent = 0
    total = len(payloads)
    for index, payload in enumerate(payloads, start=1):
        body = json.dumps(payload).encode("utf-8")
        which = f"message {index} of {total}"
        failures = 0
        rate_limited = 0
        while True:
            remaining_s = deadline - clock.monotonic()
            if remaining_s <= 0:
                raise SlackDeliveryError(f"no time left to deliver Slack {which}", sent)
            try:
                answer = post(webhook_url, body, min(request_timeout_s, remaining_s))
            except TransientPostError as error:
                failure = redact(str(error), webhook_url)
            else:
                if answer.status == 200:
                    sent += 1
                    logger.info("delivered Slack %s", which)
                    break
                if answer.status == 429:
                    wait_s = retry_after_seconds(answer.headers)
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMITED_WAITS or clock.monotonic() + wait_s >= deadline:
                        raise SlackDeliveryError(
                            f"Slack kept rate-limiting {which} ({_slack_error(answer)}, Retry-After {wait_s:g} s) "
                            "and the time ran out",
                            sent,
                        )
                    logger.warning("Slack rate-limited %s; waiting Retry-After %g s", which, wait_s)
                    clock.sleep(wait_s)
                    continue
                if not 500 <= answer.status <= 599:
                    raise SlackDeliveryError(
                        f"Slack refused {which}: {redact(_slack_error(answer), webhook_url)} (not retried)",
                        sent,
                        answer.status,
                    )
                failure = redact(_slack_error(answer), webhook_url)
            failures += 1
            backoff_s = min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)
            if failures >= MAX_ATTEMPTS or clock.monotonic() + backoff_s >= deadline:
                raise SlackDeliveryError(f"could not deliver Slack {which} after {failures} attempts: {failure}", sent)
            logger.warning("Slack %s failed (%s); retrying in %g s", which, failure, backoff_s)
            clock.sleep(backoff_s)
    return sent
