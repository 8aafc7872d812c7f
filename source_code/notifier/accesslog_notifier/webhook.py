"""The webhook URL, the SSM edge: read once per container from its SecureString parameter, kept in memory."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class WebhookParameterError(Exception):
    """The URL could not be read (the message names the parameter, never its value)."""


class WebhookUrlCache:
    """Reads the webhook URL from an SSM SecureString once per container; forgets it when Slack refuses it."""

    def __init__(self, ssm_client_factory: Callable[[], Any]) -> None:
        self._ssm_client_factory = ssm_client_factory
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, parameter_name: str) -> str:
        with self._lock:
            if parameter_name not in self._urls:
                self._urls[parameter_name] = self._read(parameter_name)
            return self._urls[parameter_name]

    def _read(self, parameter_name: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._ssm_client_factory().get_parameter(Name=parameter_name, WithDecryption=True)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise WebhookParameterError(f"could not read SSM parameter {parameter_name}: {code}") from None
        except BotoCoreError as error:
            raise WebhookParameterError(
                f"could not read SSM parameter {parameter_name}: {type(error).__name__}"
            ) from None
        value = response.get("Parameter", {}).get("Value")
        if not isinstance(value, str) or not value.strip():
            raise WebhookParameterError(f"SSM parameter {parameter_name} is empty")
        return value.strip()

    def invalidate(self, parameter_name: str) -> None:
        """Forget a URL Slack refused (revoked, archived channel), so a rotated parameter is read next time."""
        with self._lock:
            self._urls.pop(parameter_name, None)
