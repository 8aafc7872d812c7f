"""redaction.py on its own: known secrets in the shapes a text can carry them, and the module loggers whose records
are redacted before any handler sees them. (Webhook URLs in slack.py's errors: test_notifier_slack.py.)
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from accesslog_notifier.redaction import get_logger, redact

WEBHOOK = "https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/q9w8e7r6t5y4u3i2"
SECRET_SEGMENT = "q9w8e7r6t5y4u3i2"  # the webhook's secret part: enough on its own to post


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (U+FF01..U+FF5E), which NFKC folds back."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


# --- known secrets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown",
    [
        full_width(SECRET_SEGMENT),
        SECRET_SEGMENT[:6] + "\u200b" + SECRET_SEGMENT[6:],  # a zero-width space inside
        SECRET_SEGMENT[:6] + "\u00ad" + SECRET_SEGMENT[6:],  # a soft hyphen inside
    ],
    ids=["full-width", "zero-width space", "soft hyphen"],
)
def test_a_known_secret_is_hidden_in_compatibility_and_invisible_character_forms(shown: str) -> None:
    # Found by this test, fixed: the known forms were looked for before the text was normalised, so these showed.
    assert redact(f"answer: {shown} (retry)", [WEBHOOK]) == "answer: [hidden] (retry)"


def test_a_known_token_of_no_slack_shape_is_hidden_even_full_width() -> None:
    token = "stand-in-token-7f3a9c2e"

    assert redact(f"Bearer {token}; Bearer {full_width(token)}", [token]) == "Bearer [hidden]; Bearer [hidden]"


def test_a_known_secret_followed_by_a_combining_mark_is_still_hidden() -> None:
    # NFKC composes "t" + COMBINING CARON into "ť": the secret is taken out before the text is normalised.
    assert redact(f"x {SECRET_SEGMENT}\u030c y", [WEBHOOK]) == "x [hidden]\u030c y"


@pytest.mark.parametrize("url", ["http://localhost/", "https://slack.com/"])
def test_a_root_path_is_no_secret_in_any_encoding(url: str) -> None:
    text = "GET / a%2Fb a\\/b /"

    assert redact(text, [url]) == text


def test_an_empty_known_secret_is_skipped_and_the_others_still_hidden() -> None:
    assert redact("a plain line", ["", "line"]) == "a plain [hidden]"


# --- loggers -------------------------------------------------------------------------------------------------------


@pytest.fixture
def name() -> Iterator[str]:
    """A logger name no earlier call has set up (loggers live as long as the process), unfiltered afterwards."""
    name = f"accesslog_notifier.test_redaction.{uuid.uuid4().hex}"
    assert logging.getLogger(name).filters == []
    yield name
    logging.getLogger(name).filters.clear()


def test_get_logger_gives_the_named_logger_with_one_redacting_filter_however_often_it_is_asked(name: str) -> None:
    first = get_logger(name)
    again = get_logger(name)

    assert first is again is logging.getLogger(name)
    assert len(first.filters) == 1


def test_a_logged_webhook_url_or_token_is_hidden_before_any_handler_sees_it(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=name)

    get_logger(name).warning("posting to %s with %s", WEBHOOK, "xoxb-1111-2222-tokentokentoken")

    [record] = caplog.records
    assert record.getMessage() == "posting to [hidden] with [hidden]"
    assert SECRET_SEGMENT not in caplog.text and "tokentokentoken" not in caplog.text


def test_a_record_without_a_secret_is_left_as_logged(name: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=name)

    get_logger(name).info("read %d lines from %s", 3, "/aws/apigateway/orders")

    [record] = caplog.records
    assert (record.msg, record.args) == ("read %d lines from %s", (3, "/aws/apigateway/orders"))
    assert record.getMessage() == "read 3 lines from /aws/apigateway/orders"
