"""Console links for the digest: Logs Insights for the window, a request's execution log, its X-Ray trace.

The console's domain depends on the partition: console.aws.amazon.com, console.amazonaws.cn (China),
console.amazonaws-us-gov.com (GovCloud). The isolated partitions (us-iso*, us-isob*, eu-isoe*, us-isof*) have no
public console: no links there. Links are built only from values shaped like what AWS writes, and every part of a
URL that comes from a log line is URL-encoded (an X-Ray trace id's shape holds nothing to encode).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from accesslog_notifier.records import Sample
from accesslog_notifier.window import Window, format_iso

MAX_URL_CHARS = 2000
EXECUTION_LOG_MARGIN_MS = 60_000
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}", re.ASCII)
_TRACE_ID = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}", re.ASCII)
_SAFE_ID = re.compile(r"[A-Za-z0-9._\-]{1,128}", re.ASCII)
CONSOLE_DOMAINS = (
    ("cn-", "console.amazonaws.cn"),
    ("us-gov-", "console.amazonaws-us-gov.com"),
    ("us-iso", None),
    ("eu-iso", None),
)


def console_domain(region: str) -> str | None:
    """The AWS console's domain for ``region``'s partition, or None where there is no public console."""
    if not _REGION.fullmatch(region or ""):
        return None
    for prefix, domain in CONSOLE_DOMAINS:
        if region.startswith(prefix):
            return domain
    return "console.aws.amazon.com"


def _cloudwatch_home(region: str) -> str | None:
    domain = console_domain(region)
    return None if domain is None else f"https://{domain}/cloudwatch/home?region={region}"


def _jsurl_text(text: str) -> str:
    # JSURL keeps [A-Za-z0-9_.-], writes $ as !, other characters as *xx, or **xxxx per UTF-16 code unit beyond
    # U+00FF (so a character beyond the BMP is two units: its surrogate pair).
    out = []
    for character in text:
        if character.isascii() and (character.isalnum() or character in "-_."):
            out.append(character)
        elif character == "$":
            out.append("!")
        elif ord(character) < 0x100:
            out.append(f"*{ord(character):02x}")
        else:
            units = character.encode("utf-16-be", errors="surrogatepass").hex()
            out.extend(f"**{units[i : i + 4]}" for i in range(0, len(units), 4))
    return "".join(out)


def jsurl(value: Any) -> str:
    """JSURL, the compact JSON-in-a-URL notation the CloudWatch console reads in its URL fragments."""
    if value is None:
        return "~null"
    if isinstance(value, bool):
        return "~true" if value else "~false"
    if isinstance(value, int | float):
        return f"~{value}"
    if isinstance(value, str):
        return "~'" + _jsurl_text(value)
    if isinstance(value, list | tuple):
        return "~(" + ("".join(jsurl(item) for item in value) or "~") + ")"
    if isinstance(value, dict):
        return "~(" + "~".join(_jsurl_text(str(key)) + jsurl(item) for key, item in value.items()) + ")"
    raise TypeError(f"jsurl cannot encode {type(value).__name__}")


def _fragment_escape(text: str) -> str:
    # The console's fragment encoding: URL-encode, then write % as $.
    return quote(text, safe="").replace("%", "$")


def insights_url(region: str, log_group_names: Sequence[str], window: Window, query: str) -> tuple[str | None, int]:
    """A Logs Insights console link for the window and query; (url, how many log groups it selects).

    The console selects at most 50 log groups; fewer when the URL would pass MAX_URL_CHARS.
    """
    home = _cloudwatch_home(region)
    if home is None:
        return None, 0

    def build(names: Sequence[str]) -> str:
        detail = {
            "end": format_iso(window.end_ms),
            "start": format_iso(window.start_ms),
            "timeType": "ABSOLUTE",
            "tz": "UTC",
            "editorString": query,
            "source": list(names),
        }
        return f"{home}#logsV2:logs-insights$3FqueryDetail$3D{jsurl(detail)}"

    count = min(len(log_group_names), 50)
    url = build(log_group_names[:count])
    while count > 1 and len(url) > MAX_URL_CHARS:
        count -= 1
        url = build(log_group_names[:count])
    return (url, count) if len(url) <= MAX_URL_CHARS else (None, 0)


def execution_log_url(region: str, sample: Sample) -> str | None:
    """The sample's execution-log events (REST APIs only), filtered by its request id; None when unsure."""
    home = _cloudwatch_home(region)
    if home is None or sample.is_http_api:
        return None  # HTTP APIs have no execution logs
    if not all(_SAFE_ID.fullmatch(value) for value in (sample.api_id, sample.stage, sample.request_id)):
        return None
    group = f"API-Gateway-Execution-Logs_{sample.api_id}/{sample.stage}"
    query = urlencode(
        {
            "filterPattern": f'"{sample.request_id}"',
            "start": sample.timestamp_ms - EXECUTION_LOG_MARGIN_MS,
            "end": sample.timestamp_ms + EXECUTION_LOG_MARGIN_MS,
        },
        quote_via=quote,
    )
    events = _fragment_escape("?" + query)
    return f"{home}#logsV2:log-groups/log-group/{_fragment_escape(quote(group, safe=''))}/log-events{events}"


def xray_trace_url(region: str, trace_id: str) -> str | None:
    """A console link to an X-Ray trace (``1-xxxxxxxx-...``), or None."""
    home = _cloudwatch_home(region)
    if home is None or not _TRACE_ID.fullmatch(trace_id):
        return None
    return f"{home}#xray:traces/{trace_id}"  # the shape leaves nothing to encode: digits, a-f and dashes
