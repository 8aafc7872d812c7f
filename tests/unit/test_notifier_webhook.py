"""The webhook URL from its SSM SecureString: read decrypted once per container, forgotten when Slack refuses it.

SSM answers through botocore's Stubber on a real client, which checks every GetParameter request against the
service model; transport failures (which the Stubber cannot produce) come from a minimal client that raises the
botocore exceptions. No error may carry the parameter's value: it is the secret that lets anyone post.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from accesslog_notifier.webhook import WebhookParameterError, WebhookUrlCache
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ReadTimeoutError
from botocore.stub import Stubber

PARAMETER = "/orders-api/accesslog-notifier/slack-webhook"
URL = "https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/q8Zr1sTuVwXy2AbCdEfGhIjK"
ROTATED = "https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/Mn3oPqRsTuVw4XyZaBcDeFgH"


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Stubber]]:
    """A real SSM client (fake credentials, us-east-1) whose answers the test queues."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("ssm", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def secure_string(name: str, value: str) -> dict[str, Any]:
    """GetParameter's answer for a SecureString read WithDecryption (SSM API Reference, GetParameter)."""
    return {
        "Parameter": {
            "Name": name,
            "Type": "SecureString",
            "Value": value,
            "Version": 1,
            "ARN": f"arn:aws:ssm:us-east-1:123456789012:parameter{name}",
            "DataType": "text",
        }
    }


def expect_read(stubber: Stubber, name: str, answer: dict[str, Any]) -> None:
    stubber.add_response("get_parameter", answer, {"Name": name, "WithDecryption": True})


class RaisingSsm:
    """An SSM client whose GetParameter fails before any answer arrives, as botocore raises it."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_parameter(self, **kwargs: Any) -> dict[str, Any]:
        raise self.error


class AnsweringSsm:
    """An SSM client that answers GetParameter with a fixed (possibly odd) response."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer

    def get_parameter(self, **kwargs: Any) -> dict[str, Any]:
        return self.answer


def test_the_url_is_read_decrypted_once_and_then_served_from_memory(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, URL))  # one answer queued: a second read would fail
    cache = WebhookUrlCache(lambda: client)

    assert [cache(PARAMETER) for _ in range(3)] == [URL] * 3


def test_surrounding_whitespace_in_the_parameter_is_not_part_of_the_url(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, f"  {URL}\n"))

    assert WebhookUrlCache(lambda: client)(PARAMETER) == URL


def test_each_parameter_is_read_and_kept_on_its_own(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    other = "/payments/accesslog-notifier/slack-webhook"
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, URL))
    expect_read(stubber, other, secure_string(other, ROTATED))
    cache = WebhookUrlCache(lambda: client)

    assert [cache(PARAMETER), cache(other), cache(PARAMETER), cache(other)] == [URL, ROTATED, URL, ROTATED]


def test_a_refused_url_is_forgotten_so_the_rotated_parameter_is_read_next_time(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    other = "/payments/accesslog-notifier/slack-webhook"
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, URL))
    expect_read(stubber, other, secure_string(other, URL))
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, ROTATED))
    cache = WebhookUrlCache(lambda: client)
    assert (cache(PARAMETER), cache(other)) == (URL, URL)

    cache.invalidate(PARAMETER)

    assert cache(PARAMETER) == ROTATED
    assert cache(other) == URL  # the other parameter is still remembered: no further read


def test_forgetting_a_parameter_never_read_is_harmless(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, URL))
    cache = WebhookUrlCache(lambda: client)

    cache.invalidate(PARAMETER)
    cache.invalidate(PARAMETER)

    assert cache(PARAMETER) == URL


@pytest.mark.parametrize(
    ("code", "status"),
    [("ParameterNotFound", 400), ("AccessDeniedException", 400), ("InternalServerError", 500)],
)
def test_an_ssm_refusal_names_the_parameter_and_the_error_code(
    ssm: tuple[Any, Stubber], code: str, status: int
) -> None:
    client, stubber = ssm
    stubber.add_client_error("get_parameter", code, f"{code} for {PARAMETER}", status)

    with pytest.raises(WebhookParameterError) as raised:
        WebhookUrlCache(lambda: client)(PARAMETER)

    assert PARAMETER in str(raised.value) and code in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # no botocore traceback chained


def test_what_aws_says_about_the_parameter_is_not_repeated_so_the_value_cannot_leak(
    ssm: tuple[Any, Stubber],
) -> None:
    client, stubber = ssm
    stubber.add_client_error("get_parameter", "ValidationException", f"Parameter value {URL} is not valid", 400)

    with pytest.raises(WebhookParameterError) as raised:
        WebhookUrlCache(lambda: client)(PARAMETER)

    assert URL not in str(raised.value) and URL not in repr(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize(
    "response",
    [
        {"ResponseMetadata": {"HTTPStatusCode": 502}},
        {"Error": {"Message": "Bad Gateway"}, "ResponseMetadata": {"HTTPStatusCode": 502}},
    ],
    ids=["no Error member", "no Code"],
)
def test_a_client_error_without_a_code_is_still_a_parameter_error(response: dict[str, Any]) -> None:
    error = ClientError(response, "GetParameter")

    with pytest.raises(WebhookParameterError) as raised:
        WebhookUrlCache(lambda: RaisingSsm(error))(PARAMETER)

    assert str(raised.value) == f"could not read SSM parameter {PARAMETER}: error"


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://ssm.us-east-1.amazonaws.com/"),
        ReadTimeoutError(endpoint_url="https://ssm.us-east-1.amazonaws.com/"),
        NoCredentialsError(),
    ],
    ids=type,
)
def test_a_transport_failure_names_the_parameter_and_what_failed(error: Exception) -> None:
    with pytest.raises(WebhookParameterError) as raised:
        WebhookUrlCache(lambda: RaisingSsm(error))(PARAMETER)

    assert PARAMETER in str(raised.value) and type(error).__name__ in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize("value", ["", " ", "\n\t "])
def test_an_empty_parameter_is_an_error_not_an_empty_url(ssm: tuple[Any, Stubber], value: str) -> None:
    client, stubber = ssm
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, value))

    with pytest.raises(WebhookParameterError, match=f"{PARAMETER} is empty"):
        WebhookUrlCache(lambda: client)(PARAMETER)


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"Parameter": {"Name": PARAMETER, "Type": "SecureString"}},
        {"Parameter": {"Value": None}},
        {"Parameter": {"Value": 7}},
    ],
    ids=["no Parameter", "no Value", "null Value", "number Value"],
)
def test_an_answer_without_a_text_value_is_an_error(answer: dict[str, Any]) -> None:
    with pytest.raises(WebhookParameterError, match=f"{PARAMETER} is empty"):
        WebhookUrlCache(lambda: AnsweringSsm(answer))(PARAMETER)


def test_a_failed_read_is_not_remembered(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    stubber.add_client_error("get_parameter", "ThrottlingException", "Rate exceeded", 400)
    expect_read(stubber, PARAMETER, secure_string(PARAMETER, URL))
    cache = WebhookUrlCache(lambda: client)

    with pytest.raises(WebhookParameterError):
        cache(PARAMETER)

    assert cache(PARAMETER) == URL
