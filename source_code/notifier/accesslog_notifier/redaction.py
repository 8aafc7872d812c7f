"""One redaction for every text that leaves the function: errors, log lines, usage messages, summaries.

The Slack webhook URL (and, in Slack app mode, the bot token) is a secret: anyone holding it can post to the
channel, and Slack revokes what it finds leaked. A value can reach a message in many shapes (a setting typed wrong,
an answer quoting the request, an exception's text), so this hides every shape a webhook or token can take,
wherever it stands in the text, not only whole words:

- anything URL-like with a scheme, also right after a word character (``400https://...``, ``_https://``), with
  spaces around its ``:`` or slashes (``https ://``), and with JSON-escaped slashes (``https:\\/\\/``);
- ``hooks.slack.com/...`` without a scheme, and a webhook's token path (``T.../B.../secret``) on its own;
- Slack tokens (``xoxb-...``, ``xapp-...``);
- full-width and other compatibility forms of all of these (the text is NFKC-normalised first, and invisible
  format characters are removed, so full-width letters or a zero-width space inside a host hide nothing);
- and every form of a secret the caller knows (``known``): whole, path, token segments, percent-encoded and
  JSON-escaped.

:func:`looks_like_a_secret` says whether a setting's value has such a shape, so settings that reach a Slack message
(the title, alarm names, routes, log group names) can refuse it. :func:`get_logger` gives module loggers whose
records are redacted before any handler sees them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from contextlib import suppress
from urllib.parse import quote, urlsplit

from accesslog_notifier.contract import pattern

SHOWN = "[hidden]"
_TOKEN_SEGMENT = 8  # path segments this long are (part of) a known secret
_SLASH = r"(?:\\?/|%2f)"
_URL = re.compile(rf"[a-z][a-z0-9+.\-]*\s*:\s*{_SLASH}\s*{_SLASH}\S*", re.IGNORECASE)
_SLACK_HOST = re.compile(r"hooks\s*\.\s*slack\s*\.\s*com\S*", re.IGNORECASE)
_TOKEN_PATH = re.compile(r"T[A-Z0-9]{6,}\s*(?:\\?/|%2[fF])\s*B[A-Z0-9]{6,}\s*(?:\\?/|%2[fF])\s*\S+")
# A token's prefix alone is hidden too (``*`` after it): a bare "xoxb-" is what secret_like refuses in a setting.
_SLACK_TOKEN = re.compile(r"xox[a-z]-[A-Za-z0-9\-]*|xapp-[A-Za-z0-9\-]*", re.IGNORECASE)
_PATTERNS = (_URL, _SLACK_HOST, _TOKEN_PATH, _SLACK_TOKEN)
_INVISIBLE = frozenset({"Cf"})


def _normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char) not in _INVISIBLE)


def known_forms(secret: str) -> list[str]:
    """Every form of a known secret's parts that a text could carry, longest first."""
    parts = [secret]
    with suppress(ValueError):  # a URL Python cannot split has no path to take apart: the whole URL is the secret
        path = urlsplit(secret).path
        if len(path) > 1:
            parts.append(path)
        parts += [segment for segment in path.split("/") if len(segment) >= _TOKEN_SEGMENT]
    forms = set()
    for part in parts:
        forms.update({part, quote(part, safe=""), quote(part), part.replace("/", "\\/"), _normalised(part)})
    return sorted((form for form in forms if len(form) >= 2), key=len, reverse=True)


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with every webhook URL, token and URL-like value hidden, and every form of ``known`` secrets."""
    forms = [form for secret in known if secret for form in known_forms(secret)]
    for form in forms:
        text = text.replace(form, SHOWN)
    # Again once normalised: a known secret written in full-width letters, or with a zero-width space inside, only
    # reads as itself now (the pass before normalising hides a secret that NFKC would merge with what follows it).
    text = _normalised(text)
    for form in forms:
        text = text.replace(form, SHOWN)
    for shape in _PATTERNS:
        text = shape.sub(SHOWN, text)
    return text


def looks_like_a_secret(value: str) -> bool:
    """Whether a setting's value has the shape of a webhook URL, a URL, or a Slack token: the contract's
    ``secret_like`` pattern, which the Terraform modules apply too, after the same normalisation as redact."""
    return pattern("secret_like").search(_normalised(value)) is not None


def looks_like_a_webhook(value: str) -> bool:
    """Whether a URL setting holds a Slack webhook or a token (a URL setting may hold other URLs)."""
    normalised = _normalised(value)
    return any(shape.search(normalised) for shape in (_SLACK_HOST, _TOKEN_PATH, _SLACK_TOKEN))


class RedactingFilter(logging.Filter):
    """Hides secrets in a record's message (arguments merged in) before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    """A module's logger whose records are redacted (a logger's filters apply to what it logs itself)."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
