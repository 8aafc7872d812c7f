"""An in-memory CloudWatch Logs client for the handler's unit tests: the Logs Insights calls the notifier makes
(StartQuery, GetQueryResults, StopQuery), answered by the query-language engine of apigw_devkit.logs_insights.

The same engine answers inside moto's server for the integration tests (apigw_devkit.moto_insights); this one
runs in-process, so a test takes milliseconds and mutation testing can run the handler's tests for every mutant.
Refusals are real botocore ``ClientError``\\ s with AWS's codes and messages; results have AWS's shapes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from apigw_devkit.logs_insights import LogEvent, MalformedQueryError, run_query
from botocore.exceptions import ClientError

# What StartQuery answers for a range with no possible data (CloudWatch Logs, MalformedQueryException).
EMPTY_RANGE_MESSAGE = (
    "Query's end date and time is either before the log groups creation time or exceeds the log groups log "
    "retention settings"
)


def client_error(operation: str, code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@dataclass
class _Query:
    query_string: str
    log_group_names: list[str]
    result: Any
    polls_left: int
    status: str = "Running"


@dataclass
class InMemoryLogs:
    """Log groups of (timestamp ms, message) events, and the Insights API over them.

    ``running_polls``: GetQueryResults answers Running this many times before Complete (a large number keeps every
    query running, for deadline tests). ``refuse_starts``: error codes StartQuery answers, in order, before it
    accepts again (``LimitExceededException``, ``MalformedQueryException``...). ``reading``: the engine's options
    for what AWS leaves undocumented (``missing_comparison``, ``missing_group_field``, ``end_second``...), so a
    test can run the notifier under each. A group's creation time (``put(..., created_ms=...)``, default 0) is
    what DescribeLogGroups answers, and StartQuery refuses a range that ends before it with the empty-range
    message: when any queried group is that new (``empty_range_refusal="any"``, the default) or only when all
    are (``"all"``, as moto_insights does); AWS documents neither.
    """

    region_name: str = "eu-west-1"
    running_polls: int = 0
    refuse_starts: list[str] = field(default_factory=list)
    reading: dict[str, str] = field(default_factory=dict)
    empty_range_refusal: str = "any"
    groups: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    created_ms: dict[str, int] = field(default_factory=dict)
    queries: dict[str, _Query] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def meta(self) -> SimpleNamespace:
        return SimpleNamespace(region_name=self.region_name)

    def put(self, group: str, events: list[tuple[int, str]], *, created_ms: int | None = None) -> None:
        self.groups.setdefault(group, []).extend(events)
        if created_ms is not None or group not in self.created_ms:
            self.created_ms[group] = created_ms or 0

    def describe_log_groups(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("describe_log_groups", request))
        prefix = request.get("logGroupNamePrefix", "")
        names = sorted(name for name in self.groups if name.startswith(prefix))[: request.get("limit", 50)]
        return {"logGroups": [{"logGroupName": name, "creationTime": self.created_ms[name]} for name in names]}

    def start_query(self, **request: Any) -> dict[str, str]:
        self.calls.append(("start_query", request))
        names = request["logGroupNames"]
        if not 1 <= len(names) <= 50:
            raise client_error("StartQuery", "InvalidParameterException", "logGroupNames takes 1 to 50 groups")
        if self.refuse_starts:
            code = self.refuse_starts.pop(0)
            raise client_error("StartQuery", code, f"{code} from the test")
        for name in names:
            if name not in self.groups:
                raise client_error("StartQuery", "ResourceNotFoundException", "The specified log group does not exist.")
        too_new = [request["endTime"] * 1000 < self.created_ms[name] for name in names]
        if any(too_new) if self.empty_range_refusal == "any" else all(too_new):
            raise client_error("StartQuery", "MalformedQueryException", EMPTY_RANGE_MESSAGE)
        events = [
            LogEvent(timestamp, message, name, "stream", timestamp)
            for name in names
            for timestamp, message in self.groups[name]
        ]
        try:
            result = run_query(request["queryString"], events, request["startTime"], request["endTime"], **self.reading)
        except MalformedQueryError as error:
            raise client_error("StartQuery", "MalformedQueryException", str(error)) from None
        query_id = f"query-{next(self._ids)}"
        self.queries[query_id] = _Query(request["queryString"], list(names), result, self.running_polls)
        return {"queryId": query_id}

    def get_query_results(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("get_query_results", request))
        query = self.queries.get(request["queryId"])
        if query is None:
            raise client_error("GetQueryResults", "ResourceNotFoundException", "The query does not exist.")
        if query.status == "Running" and query.polls_left > 0:
            query.polls_left -= 1
            return {"results": [], "statistics": {}, "status": "Running"}
        if query.status == "Running":
            query.status = "Complete"
        if query.status == "Cancelled":
            return {"results": [], "statistics": {}, "status": "Cancelled"}
        return {"results": query.result.results, "statistics": query.result.statistics, "status": "Complete"}

    def stop_query(self, **request: Any) -> dict[str, bool]:
        self.calls.append(("stop_query", request))
        query = self.queries[request["queryId"]]
        stopped = query.status == "Running"
        if stopped:
            query.status = "Cancelled"
        return {"success": stopped}

    def started(self) -> list[dict[str, Any]]:
        """The StartQuery requests that were accepted or refused, in order."""
        return [request for name, request in self.calls if name == "start_query"]
