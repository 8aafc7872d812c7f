"""Logs Insights inside moto's server: StartQuery/GetQueryResults/StopQuery answered by logs_insights.py (this package).

moto 5.2 stores log events but ignores a query's ``filter`` and ``stats``. Installed by moto_server.py,
this makes the emulator run the notifier's real query strings with the documented semantics the engine follows,
and answer as AWS does:

- a query outside the engine's subset is refused with MalformedQueryException (never silently ignored);
- a time range that ends before every queried log group was created, or lies beyond the groups' retention, is
  refused with MalformedQueryException and the message AWS gives ("... end date and time is either before the log
  groups creation time or exceeds the log groups log retention settings"), which the first run after a deploy meets;
- GetQueryResults answers ``Running`` (no rows) ``running_polls`` times before ``Complete``, with the rows in AWS's
  shape (``@timestamp`` as ``YYYY-MM-DD HH:MM:SS.mmm``) and the ``statistics``;
- StopQuery, which moto lacks, stops a query (its results say ``Cancelled``).

Each stored event becomes one engine LogEvent once, so fields the engine parsed are reused by later queries.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from apigw_devkit.logs_insights import LogEvent, MalformedQueryError, parse_query, run_query

EMPTY_RANGE_MESSAGE = (
    "Query's end date and time is either before the log groups creation time or exceeds the log groups log "
    "retention settings"
)
RUNNING_POLLS_ENV = "MOTO_INSIGHTS_RUNNING_POLLS"
DAY_MS = 86_400_000


class _EngineQuery:
    """A query the engine answered: Running for a few polls, then Complete (or Cancelled when stopped)."""

    def __init__(self, query_id: str, query: str, results: Any, running_polls: int) -> None:
        self.query_id = query_id
        self.query = query
        self.result = results
        self.polls_left = running_polls
        self.status = "Running"
        self.create_time_ms = int(time.time() * 1000)

    def next_answer(self) -> dict[str, Any]:
        if self.status == "Running" and self.polls_left > 0:
            self.polls_left -= 1
            return {"results": [], "statistics": _zero_statistics(), "status": "Running"}
        if self.status == "Running":
            self.status = "Complete"
        if self.status == "Cancelled":
            return {"results": [], "statistics": _zero_statistics(), "status": "Cancelled"}
        return {"results": self.result.results, "statistics": self.result.statistics, "status": "Complete"}


def _zero_statistics() -> dict[str, float]:
    names = (
        "recordsMatched",
        "recordsScanned",
        "estimatedRecordsSkipped",
        "bytesScanned",
        "estimatedBytesSkipped",
        "logGroupsScanned",
    )
    return dict.fromkeys(names, 0.0)


def _engine_events(group: Any) -> list[LogEvent]:
    events = []
    for stream_name, stream in group.streams.items():
        for event in stream.events:
            converted = getattr(event, "_insights_event", None)
            if converted is None:
                converted = LogEvent(event.timestamp, event.message, group.name, stream_name, event.ingestion_time)
                event._insights_event = converted
            events.append(converted)
    return events


def install() -> None:
    """Patch moto's Logs backend and responses (in the server process, before it serves)."""
    from moto.logs import models, responses
    from moto.logs.exceptions import LogsClientError, ResourceNotFoundException
    from moto.moto_api._internal import mock_random

    class MalformedQueryException(LogsClientError):
        def __init__(self, message: str) -> None:
            super().__init__("MalformedQueryException", message)

    running_polls = int(os.environ.get(RUNNING_POLLS_ENV, "1"))

    def start_query(self: Any, log_group_names: list[str], start_time: int, end_time: int, query_string: str) -> str:
        for name in log_group_names:
            if name not in self.groups:
                raise ResourceNotFoundException()
        groups = [self.groups[name] for name in log_group_names]
        try:
            parse_query(query_string)
        except MalformedQueryError as error:
            raise MalformedQueryException(str(error)) from None
        now_ms = int(time.time() * 1000)
        end_ms = end_time * 1000 + 999

        def no_data_possible(group: Any) -> bool:
            created_ms = int(models.unix_time_millis(group.creation_time))
            retention_days = group.retention_in_days
            expired = retention_days is not None and end_ms < now_ms - int(retention_days) * DAY_MS
            return end_ms < created_ms or expired

        if all(no_data_possible(group) for group in groups):
            raise MalformedQueryException(EMPTY_RANGE_MESSAGE)
        events = [event for group in groups for event in _engine_events(group)]
        result = run_query(query_string, events, start_time, end_time, account_id=groups[0].account_id)
        query_id = str(mock_random.uuid4())
        self.queries[query_id] = _EngineQuery(query_id, query_string, result, running_polls)
        return query_id

    def get_query_results(self: Any) -> str:
        query_id = self._get_param("queryId")
        query = self.logs_backend.queries.get(query_id)
        if query is None:
            raise ResourceNotFoundException("The query does not exist.")
        return json.dumps(query.next_answer())

    def stop_query(self: Any) -> str:
        query = self.logs_backend.queries.get(self._get_param("queryId"))
        if query is None:
            raise ResourceNotFoundException("The query does not exist.")
        success = query.status == "Running"
        if success:
            query.status = "Cancelled"
        return json.dumps({"success": success})

    models.LogsBackend.start_query = start_query
    responses.LogsResponse.get_query_results = get_query_results
    responses.LogsResponse.stop_query = stop_query
