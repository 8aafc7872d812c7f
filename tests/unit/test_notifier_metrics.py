"""The run's metrics in CloudWatch embedded metric format (EMF), checked against the specification, not the code.

CloudWatch User Guide, "Specification: Embedded metric format": the log event is a JSON object whose root member
``_aws`` holds ``Timestamp`` (epoch milliseconds) and ``CloudWatchMetrics``, a list of directives, each with a
``Namespace``, ``Dimensions`` (a list of dimension sets, each a list of root member names whose values are strings)
and ``Metrics`` (a list of ``{Name, Unit}``, each Name a root member holding the number). Names are case-sensitive.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

import pytest
from accesslog_notifier.metrics import embedded_metrics
from hypothesis import given, settings
from hypothesis import strategies as st

# CloudWatch's MetricDatum units (CloudWatch API Reference, MetricDatum "Unit"), the values EMF accepts.
CLOUDWATCH_UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}  # fmt: skip
FUNCTION = "orders-api-accesslog-notifier"
TIMESTAMP_MS = 1_795_000_000_000

# The published metrics (namespace AccessLogNotifier, dimension FunctionName) that dashboards and alarms look up:
# (run summary key, metric name, unit).
PUBLISHED = [
    ("requests", "Requests", "Count"),
    ("errors", "Errors", "Count"),
    ("unparsed", "UnparsedLines", "Count"),
    ("queries", "QueriesRun", "Count"),
    ("query_failures", "QueryFailures", "Count"),
    ("incomplete", "IncompleteWindows", "Count"),
    ("delivery_failed", "DeliveryFailures", "Count"),
    ("messages_sent", "MessagesDelivered", "Count"),
    ("bytes_scanned", "BytesScanned", "Bytes"),
]


def emf_problems(document: Mapping[str, Any]) -> list[str]:
    """What makes ``document`` not a log event CloudWatch extracts metrics from (empty when it is one)."""
    problems = []
    metadata = document.get("_aws")
    if not isinstance(metadata, dict):
        return ["no _aws object at the root"]
    timestamp = metadata.get("Timestamp")
    if type(timestamp) is not int or timestamp < 0:
        problems.append(f"Timestamp {timestamp!r} is not epoch milliseconds")
    directives = metadata.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "no CloudWatchMetrics directives"]
    for directive in directives:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
            problems.append(f"Namespace {namespace!r}")
        for dimension_set in directive.get("Dimensions", []):
            for name in dimension_set:
                if not isinstance(document.get(name), str):
                    problems.append(f"dimension {name!r} has no string value at the root")
        metrics = directive.get("Metrics")
        if not isinstance(metrics, list) or not 1 <= len(metrics) <= 100:
            problems.append("Metrics must list 1 to 100 definitions")
            continue
        names = [definition.get("Name") for definition in metrics]
        if len(set(names)) != len(names):
            problems.append("a metric is defined twice")
        for definition in metrics:
            name, unit = definition.get("Name"), definition.get("Unit", "None")
            value = document.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                problems.append(f"metric {name!r} has no number at the root")
            if unit not in CLOUDWATCH_UNITS:
                problems.append(f"metric {name!r} has unit {unit!r}")
    return problems


def directive_of(document: Mapping[str, Any]) -> dict[str, Any]:
    [directive] = document["_aws"]["CloudWatchMetrics"]
    return directive


counts = st.none() | st.integers(min_value=0, max_value=10**15)


@settings(max_examples=200, deadline=None)
@given(
    summary=st.fixed_dictionaries({}, optional={key: counts for key, _, _ in PUBLISHED}),
    function_name=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    timestamp_ms=st.integers(min_value=0, max_value=253_402_300_799_999),
)
def test_every_run_summary_gives_a_valid_emf_log_event(
    summary: dict[str, Any], function_name: str, timestamp_ms: int
) -> None:
    document = embedded_metrics({**summary, "kind": "scheduled", "problems": []}, function_name, timestamp_ms)

    assert emf_problems(document) == []
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert document["_aws"]["Timestamp"] == timestamp_ms
    # The members travel as a log record's extra fields, which must not clash with the record's own attributes.
    logging.getLogger("emf").makeRecord("emf", logging.INFO, __file__, 1, "run summary", (), None, extra=document)


def test_the_metrics_are_published_per_function_under_the_projects_namespace() -> None:
    document = embedded_metrics({"requests": 3}, FUNCTION, TIMESTAMP_MS)

    directive = directive_of(document)
    assert directive["Namespace"] == "AccessLogNotifier"
    assert directive["Dimensions"] == [["FunctionName"]]
    assert document["FunctionName"] == FUNCTION
    assert {definition["Name"] for definition in directive["Metrics"]} == {name for _, name, _ in PUBLISHED}


@pytest.mark.parametrize(("key", "name", "unit"), PUBLISHED)
def test_each_summary_count_becomes_its_metric_with_its_unit(key: str, name: str, unit: str) -> None:
    summary = {other: 1000 + index for index, (other, _, _) in enumerate(PUBLISHED)}  # all different
    summary[key] = 7_340_032

    document = embedded_metrics(summary, FUNCTION, TIMESTAMP_MS)

    assert document[name] == 7_340_032.0
    assert {"Name": name, "Unit": unit} in directive_of(document)["Metrics"]


@pytest.mark.parametrize("summary", [{}, {key: None for key, _, _ in PUBLISHED}, {key: 0 for key, _, _ in PUBLISHED}])
def test_a_count_the_summary_lacks_is_published_as_zero(summary: dict[str, Any]) -> None:
    document = embedded_metrics(summary, FUNCTION, TIMESTAMP_MS)

    assert [document[name] for _, name, _ in PUBLISHED] == [0.0] * len(PUBLISHED)
