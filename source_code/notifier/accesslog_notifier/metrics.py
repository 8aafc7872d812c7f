"""The run's CloudWatch metrics, in embedded metric format (EMF) inside its one summary log line: no API call.

CloudWatch Logs extracts metrics from any log event that is a JSON object with an ``_aws`` member describing them
(CloudWatch User Guide, "Specification: Embedded metric format"). With Lambda's JSON log format the Python
runtime writes the ``extra`` fields of a log record as top-level keys of the event, so the summary line carries
the ``_aws`` member and the metric values at its root.
"""

from __future__ import annotations

import math
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


# CloudWatch takes metric values between 8.515920e-109 and 1.174271e+108 in magnitude (PutMetricData, "Value").
MAX_VALUE = 1e108


def metric_value(value: Any) -> float:
    """A summary figure as a metric value; never raises (the summary is logged after a digest may have gone out, and
    nothing after delivery may fail the run): what is not a finite number in CloudWatch's range counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    if isinstance(value, int) and abs(value) > MAX_VALUE:
        return 0.0  # float() of a huge int would overflow
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= MAX_VALUE else 0.0


def embedded_metrics(summary: Mapping[str, Any], function_name: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF members for a run summary: ``_aws``, the dimension, one number per metric."""
    values = {name: metric_value(summary.get(key)) for name, (key, _) in METRICS.items()}
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
