"""Where delivery posts: an incoming webhook (standalone messages) or a Slack app's channel (threads, edits).

Both read their secret from SSM when first needed (webhook.py's cache), and turn every failure into a
delivery.DeliveryError whose text is redacted against that secret; a secret Slack refused is dropped from the cache,
so a rotated one is read on the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accesslog_notifier.delivery import DeliveryError
from accesslog_notifier.insights import Clock
from accesslog_notifier.redaction import redact
from accesslog_notifier.slack import Poster, SlackDeliveryError, deliver
from accesslog_notifier.slack_api import ApiPoster, SlackApi, SlackApiError
from accesslog_notifier.webhook import WebhookParameterError

WEBHOOK_REFUSED_STATUSES = frozenset({403, 404, 410})


def _forget(fetch: Callable[[str], str], parameter_name: str) -> None:
    invalidate = getattr(fetch, "invalidate", None)
    if callable(invalidate):
        invalidate(parameter_name)


def _secret(fetch: Callable[[str], str], parameter_name: str, variable: str) -> str:
    if not parameter_name:
        raise DeliveryError(f"{variable} is not set, so the digest could not be sent")
    try:
        return fetch(parameter_name)
    except WebhookParameterError as error:
        raise DeliveryError(str(error)) from None


class WebhookChannel:
    """An incoming webhook: every message stands alone (no ts, no threads, no edits)."""

    threads = False
    channel_id = None

    def __init__(
        self, fetch: Callable[[str], str], parameter_name: str, *, clock: Clock, deadline: float, post: Poster
    ) -> None:
        self._url = _secret(fetch, parameter_name, "WEBHOOK_PARAMETER_NAME")
        self._fetch, self._parameter_name = fetch, parameter_name
        self._clock, self._deadline, self._post = clock, deadline, post

    def post(self, payload: Mapping[str, Any], thread_ts: str | None = None) -> str | None:
        try:
            deliver(self._url, [payload], clock=self._clock, deadline=self._deadline, post=self._post)
        except SlackDeliveryError as error:
            refused = error.status in WEBHOOK_REFUSED_STATUSES
            if refused:
                _forget(self._fetch, self._parameter_name)
            # slack.py already redacted its error against this URL: this is defence in depth, should that change.
            raise DeliveryError(redact(str(error), [self._url]), refused=refused) from None
        return None

    def update(self, ts: str, payload: Mapping[str, Any]) -> None:
        raise DeliveryError("an incoming webhook cannot edit a message")


class AppChannel:
    """A Slack app's bot in one channel: messages have a ts, replies go in threads, the parent is edited."""

    threads = True

    def __init__(
        self,
        fetch: Callable[[str], str],
        parameter_name: str,
        *,
        channel_id: str,
        api_url: str,
        clock: Clock,
        deadline: float,
        post: ApiPoster,
    ) -> None:
        token = _secret(fetch, parameter_name, "BOT_TOKEN_PARAMETER_NAME")
        self._fetch, self._parameter_name = fetch, parameter_name
        self.channel_id = channel_id
        try:
            self._api = SlackApi(api_url, token, clock, deadline, post)
        except SlackDeliveryError:  # its text would name the webhook parameter, not this setting
            raise DeliveryError(
                "SLACK_API_URL is not an https URL (nor http to this machine), so the digest could not be sent"
            ) from None

    def _failed(self, error: SlackApiError) -> DeliveryError:
        if error.refused:
            _forget(self._fetch, self._parameter_name)
        return DeliveryError(str(error), refused=error.refused, code=error.code)

    def post(self, payload: Mapping[str, Any], thread_ts: str | None = None) -> str | None:
        try:
            return self._api.post_message(self.channel_id, payload, thread_ts)
        except SlackApiError as error:
            raise self._failed(error) from None

    def update(self, ts: str, payload: Mapping[str, Any]) -> None:
        try:
            self._api.update_message(self.channel_id, ts, payload)
        except SlackApiError as error:
            raise self._failed(error) from None
