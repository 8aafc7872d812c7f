"""Webhook delivery, the HTTP edge: only a 200 counts as sent; 429 waits Retry-After, 5xx and network errors back off.

The webhook URL is a secret: anyone holding it can post to the channel, and Slack revokes URLs it finds leaked.
Every error leaving this module is built by :func:`failure`, which redacts the URL (redaction.redact: every form of
it, and anything shaped like a webhook URL) from whatever text an answer or an exception brought, and no urllib
exception is chained (HTTPError keeps the URL); its log lines are redacted too. Redirects are refused, not
followed: urllib would turn a 301/302/303 into a GET and count the answer as delivered.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accesslog_notifier.contract import pattern
from accesslog_notifier.insights import Clock
from accesslog_notifier.records import safe_text
from accesslog_notifier.redaction import get_logger, redact

logger = get_logger(__name__)

REQUEST_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 4  # for 5xx answers and network errors
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 8.0
MAX_RATE_LIMITED_WAITS = 10
DEFAULT_RETRY_AFTER_S = 1.0
MAX_RETRY_AFTER_S = 30.0  # Slack asks for about a second; a longer wait is clamped, never trusted blindly


@dataclass(frozen=True)
class HttpAnswer:
    """What the webhook answered."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


class TransientPostError(Exception):
    """The request got no HTTP answer (connection refused, reset, timed out): worth retrying."""


class SlackDeliveryError(Exception):
    """A message was not delivered; ``sent`` says how many before it were. Built by :func:`failure` only."""

    def __init__(self, message: str, sent: int, status: int | None = None) -> None:
        super().__init__(message)
        self.sent = sent
        self.status = status


Poster = Callable[[str, bytes, float], HttpAnswer]


def failure(message: str, url: str, sent: int, status: int | None = None) -> SlackDeliveryError:
    """The one way an error leaves this module: redacted, made safe, bounded."""
    return SlackDeliveryError(safe_text(redact(message, [url]), 600), sent, status)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status: an answer, not a delivery


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def urllib_post(url: str, body: bytes, timeout_s: float, headers: Mapping[str, str] | None = None) -> HttpAnswer:
    """POST ``body`` as JSON (with ``headers``, e.g. a bearer token); HTTP error statuses are answers, network
    failures raise TransientPostError."""
    try:
        # A request with data is a POST.
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked by check_webhook_url
            url, data=body, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        )
        with _OPENER.open(request, timeout=timeout_s) as response:
            return HttpAnswer(response.status, _read_text(response), dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        with error:
            return HttpAnswer(error.code, _read_text(error), dict((error.headers or {}).items()))
    except (http.client.InvalidURL, ValueError) as error:
        raise TransientPostError(f"{type(error).__name__}: the URL was refused") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise TransientPostError(f"{type(error).__name__}: {reason}") from None
    except http.client.HTTPException as error:
        raise TransientPostError(type(error).__name__) from None


# An answer is read up to this: a webhook answers a word, but the Web API echoes the message it posted (its blocks
# included, up to Slack's limits), and a JSON answer cut short could not be read at all.
MAX_ANSWER_BYTES = 1_048_576


def _read_text(response: Any) -> str:
    try:
        return response.read(MAX_ANSWER_BYTES).decode(errors="replace")  # UTF-8
    except (OSError, http.client.HTTPException):
        return ""


def check_webhook_url(url: str) -> None:
    """Refuse what the contract's webhook_url pattern refuses (https; http only to loopback), without echoing it."""
    if not isinstance(url, str) or not pattern("webhook_url").fullmatch(url):
        # The message is fixed and never holds the value: redacting it against a value such as "t" or "URL" would
        # only mangle it.
        raise failure("the webhook parameter does not hold an https URL", "", 0)
    try:
        urllib.parse.urlsplit(url)  # what urllib will do with it: "https://[host/..." passes the pattern, not this
    except ValueError:
        raise failure("the webhook parameter holds a URL that cannot be parsed", url, 0) from None


def retry_after_seconds(headers: Mapping[str, str]) -> float:
    """Seconds to wait from a 429's Retry-After: a finite number of seconds, clamped to [0, MAX_RETRY_AFTER_S].

    Missing or not a plain decimal number (so never infinite or NaN): DEFAULT_RETRY_AFTER_S (an HTTP date is not
    what Slack sends).
    """
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = str(value).strip()
            if not re.fullmatch(r"\d{1,6}(\.\d{1,6})?", text, flags=re.ASCII):
                return DEFAULT_RETRY_AFTER_S
            return min(float(text), MAX_RETRY_AFTER_S)  # the pattern admits only finite numbers
    return DEFAULT_RETRY_AFTER_S


def _answer_text(answer: HttpAnswer) -> str:
    # Stripped before safe_text, which would turn a trailing newline into U+FFFD.
    return f"HTTP {answer.status} {safe_text(answer.body.strip(), 200) or '(empty body)'}"


def deliver(
    webhook_url: str,
    payloads: Sequence[Mapping[str, Any]],
    *,
    clock: Clock,
    deadline: float,
    post: Poster = urllib_post,
    request_timeout_s: float = REQUEST_TIMEOUT_S,
) -> int:
    """Post each payload in order; returns how many were delivered (all) or raises SlackDeliveryError.

    429: waits Retry-After and tries again while time remains. 5xx and network errors: up to MAX_ATTEMPTS with
    exponential backoff, within ``deadline``. Any other answer (3xx, 400 invalid_payload, 403 action_prohibited,
    404 no_service, 410 channel_is_archived ...) is final: no retry. Delivery stops at the first message that
    fails, because the first message carries the counts and later ones only continue it.
    """
    check_webhook_url(webhook_url)
    sent = 0
    for index, payload in enumerate(payloads, start=1):
        body = json.dumps(payload).encode()  # ASCII: json.dumps escapes the rest
        which = f"Slack message {index} of {len(payloads)}"
        failures = rate_limited = 0
        while True:
            remaining_s = deadline - clock.monotonic()
            if remaining_s <= 0:
                raise failure(f"no time left to deliver {which}", webhook_url, sent)
            try:
                answer = post(webhook_url, body, min(request_timeout_s, remaining_s))
            except TransientPostError as error:
                problem = str(error)
            else:
                if answer.status == 200:
                    sent += 1
                    logger.info("delivered %s", which)
                    break
                if answer.status == 429:
                    wait_s = retry_after_seconds(answer.headers)
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMITED_WAITS or clock.monotonic() + wait_s >= deadline:
                        raise failure(
                            f"Slack kept rate-limiting {which} ({_answer_text(answer)}, Retry-After {wait_s:g} s) "
                            "and the time ran out",
                            webhook_url,
                            sent,
                            429,
                        )
                    logger.warning("Slack rate-limited %s; waiting %g s", which, wait_s)
                    clock.sleep(wait_s)
                    continue
                if not 500 <= answer.status <= 599:
                    raise failure(
                        f"Slack refused {which}: {_answer_text(answer)} (not retried)", webhook_url, sent, answer.status
                    )
                problem = _answer_text(answer)
            failures += 1
            backoff_s = min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)
            if failures >= MAX_ATTEMPTS or clock.monotonic() + backoff_s >= deadline:
                raise failure(f"could not deliver {which} after {failures} attempts: {problem}", webhook_url, sent)
            logger.warning("%s failed (%s); retrying in %g s", which, redact(problem, [webhook_url]), backoff_s)
            clock.sleep(backoff_s)
    return sent
