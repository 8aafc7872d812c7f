"""The example API's backend: a Lambda proxy integration that answers and writes one structured log line per request.

API Gateway truncates each execution-log event at 1 KiB, so request details that matter for debugging are logged
here, once, as JSON (with the API Gateway request id to join them with the access and execution logs). LOG_LEVEL
sets the level (DEBUG adds the query string and headers, which may be sensitive).

Query string ``?status=503`` makes it answer with that status, which the demo uses to produce errors.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())


def requested_status(event: dict[str, Any]) -> int:
    """The status the caller asked for with ?status=NNN (100-599), else 200."""
    raw = (event.get("queryStringParameters") or {}).get("status", "200")
    try:
        status = int(raw)
    except (TypeError, ValueError):
        return 400
    return status if 100 <= status <= 599 else 400


def log_fields(event: dict[str, Any], status: int, duration_ms: float) -> dict[str, Any]:
    """The one structured line logged per request."""
    context = event.get("requestContext") or {}
    fields: dict[str, Any] = {
        "message": "request handled",
        "apiRequestId": context.get("requestId"),
        "extendedRequestId": context.get("extendedRequestId"),
        "httpMethod": event.get("httpMethod"),
        "resource": event.get("resource"),
        "path": event.get("path"),
        "status": status,
        "durationMs": round(duration_ms, 3),
        "xrayTraceId": os.environ.get("_X_AMZN_TRACE_ID"),
    }
    if logger.isEnabledFor(logging.DEBUG):
        fields["queryStringParameters"] = event.get("queryStringParameters")
        fields["headers"] = event.get("headers")
    return fields


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    status = requested_status(event)
    body = {"ok": status < 400, "status": status}
    level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
    logger.log(level, json.dumps(log_fields(event, status, (time.perf_counter() - started) * 1000)))
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
