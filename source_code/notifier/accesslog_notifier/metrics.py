"""The run's CloudWatch metrics, in embedded metric format (EMF) inside its one summary log line: no API call.

CloudWatch Logs extracts metrics from any log event that is a JSON object with an ``_aws`` member describing them
(CloudWatch User Guide, "Specification: Embedded metric format"). With Lambda's JSON log format the Python
runtime writes the ``extra`` fields of a log record as top-level keys of the event, so the summary line carries
the ``_aws`` member and the metric values at its root.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NAMESPACE = "AccessLogNotifier"
# Metric name -> (summary key, unit). A window that went unreported is seen by the failure alarm through Lambda's
# own AsyncEventsDropped; these say how each run went.
METRICS = {
    "Requests": ("requests", "Count"),
    "Errors": ("errors", "Count"),
    "UnparsedLines": ("unparsed", "Count"),
    "QueriesRun": ("queries", "Count"),
    "QueryFailures": ("query_failures", "Count"),
    "IncompleteWindows": ("incomplete", "Count"),
    "DeliveryFailures": ("delivery_failed", "Count"),
    "MessagesDelivered": ("messages_sent", "Count"),
    "BytesScanned": ("bytes_scanned", "Bytes"),
}


def embedded_metrics(summary: Mapping[str, Any], function_name: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF members for a run summary: ``_aws``, the dimension, one number per metric."""
    values = {name: float(summary.get(key) or 0) for name, (key, _) in METRICS.items()}
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["FunctionName"]],
                    "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in METRICS.items()],
                }
            ],
        },
        "FunctionName": function_name,
        **values,
    }
