"""The access-log fields the notifier reads, by role: their JSON names come from the contract (``access_log.fields``
in contract.json, the declaration modules/access-log-group builds the format from), so a field renamed there is
renamed in every query and parser.

REST lines name a route by method and resource path, HTTP API lines by route key; the contract says which API
types have which field (tests/unit/test_access_log_fields.py holds what is read here against it).
"""

from __future__ import annotations

from accesslog_notifier.contract import contract


def field_name(role: str) -> str:
    """The JSON name of the access-log field with this role (``status``, ``method``, ``route_key`` ...)."""
    return str(contract()["access_log"]["fields"][role]["name"])


# The fields the notifier reads, by role: the queries (status, method, the route), the samples (the rest).
READ: dict[str, str] = {
    role: field_name(role)
    for role in (
        "status",
        "method",
        "resource_path",  # REST APIs
        "route_key",  # HTTP APIs
        "path",
        "request_id",
        "source_ip",
        "response_latency",
        "integration_latency",  # HTTP APIs
        "integration_error",
        "error_message",
        "xray_trace_id",  # REST APIs
        "api_id",
        "stage",
    )
}
STATUS = READ["status"]
METHOD = READ["method"]
RESOURCE_PATH = READ["resource_path"]
ROUTE_KEY = READ["route_key"]
PATH = READ["path"]
REQUEST_ID = READ["request_id"]
SOURCE_IP = READ["source_ip"]
RESPONSE_LATENCY = READ["response_latency"]
INTEGRATION_LATENCY = READ["integration_latency"]
INTEGRATION_ERROR = READ["integration_error"]
ERROR_MESSAGE = READ["error_message"]
XRAY_TRACE_ID = READ["xray_trace_id"]
API_ID = READ["api_id"]
STAGE = READ["stage"]
