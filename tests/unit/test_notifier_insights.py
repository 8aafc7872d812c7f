"""The Logs Insights edge with botocore's Stubber: AWS's answers (tests/fixtures), statuses, errors, limits, deadlines.

The Stubber checks every request against the service model and answers with the shapes real AWS returns, so these
tests cover what the emulator cannot: Scheduled/Running before Complete, Failed and Timeout, the refusal of a time
range before a log group existed, the account's limit on concurrent queries, and StopQuery at the deadline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from accesslog_notifier.insights import QueryOutcome, QueryRequest, batched, describe_log_groups, run_queries
from accesslog_notifier.window import Window
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from tests.support.notifier import FakeClock, iso_ms

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))
QUERY = [("totals", "stats count(*) as lines")]


@pytest.fixture
def client():
    return boto3.client("logs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")


def run_over(client, log_group_names, queries, **options) -> list[QueryOutcome]:
    """run_queries for every (name, query) over every batch of ``log_group_names``, over WINDOW."""
    requests = [
        QueryRequest(name, batch, WINDOW, query) for batch in batched(list(log_group_names)) for name, query in queries
    ]
    return run_queries(client, requests, **options)


def start(stubber, query_id, groups=("/g",), query="stats count(*) as lines"):
    start_s, end_s = WINDOW.query_seconds()
    stubber.add_response(
        "start_query",
        {"queryId": query_id},
        {"logGroupNames": list(groups), "startTime": start_s, "endTime": end_s, "queryString": query},
    )


def results(stubber, answer, query_id):
    stubber.add_response("get_query_results", answer, {"queryId": query_id})


def test_scheduled_then_running_then_complete_gives_the_complete_rows(client, load_fixture):
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-scheduled.json"), "q-1")
        results(stubber, load_fixture("insights-results-running.json"), "q-1")
        complete = load_fixture("insights-results-complete.json")
        results(stubber, complete, "q-1")

        [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock())

        stubber.assert_no_pending_responses()
    assert outcome.status == "Complete" and outcome.answered
    assert outcome.rows == complete["results"]
    assert outcome.statistics["bytesScanned"] == 488960.0
    assert clock.sleeps == [0.25, 0.375]  # polls back off


@pytest.mark.parametrize("status", ["Failed", "Cancelled", "Timeout", "Unknown", "SomethingNew"])
def test_a_final_status_other_than_complete_fails_that_query(client, load_fixture, status):
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, {**load_fixture("insights-results-scheduled.json"), "status": status}, "q-1")

        [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock())

    assert outcome.status == "Failed" and not outcome.answered
    assert f"ended {status}" in outcome.error


# What AWS answers when StartQuery's range ends before a group's creation time or lies beyond its retention. AWS does
# not document the wording, so the notifier never reads it: it asks DescribeLogGroups about each group instead.
RANGE_REFUSAL = (
    "Query's end date and time is either before the log groups creation time or exceeds the log groups log "
    "retention settings ([0,79])"
)


def described(stubber, name, created_ms, retention_days=None):
    group = {"logGroupName": name, "creationTime": created_ms, "arn": f"arn:aws:logs:eu-west-1:1:log-group:{name}:*"}
    if retention_days is not None:
        group["retentionInDays"] = retention_days
    stubber.add_response("describe_log_groups", {"logGroups": [group]}, {"logGroupNamePrefix": name, "limit": 1})


def test_a_range_before_the_log_group_existed_answers_no_rows_not_a_failure(client):
    clock = FakeClock(wall_ms=WINDOW.end_ms + 60_000)
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", RANGE_REFUSAL, 400)
        described(stubber, "/g", created_ms=WINDOW.end_ms + 1000)

        [outcome] = run_over(
            client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock(), now_ms=clock.now_ms
        )

        stubber.assert_no_pending_responses()
    assert outcome.status == "Empty" and outcome.answered and outcome.rows == []
    assert outcome.left_out == ("/g",) and outcome.error == ""


def test_a_range_past_the_groups_retention_answers_no_rows(client):
    clock = FakeClock(wall_ms=WINDOW.end_ms + 3 * 86_400_000)  # three days later, one day of retention
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", RANGE_REFUSAL, 400)
        described(stubber, "/g", created_ms=0, retention_days=1)

        [outcome] = run_over(
            client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock(), now_ms=clock.now_ms
        )

    assert outcome.status == "Empty" and outcome.left_out == ("/g",)


def test_only_the_groups_that_cannot_hold_the_range_are_left_out_of_the_batch(client, load_fixture):
    clock = FakeClock(wall_ms=WINDOW.end_ms + 60_000)
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", RANGE_REFUSAL, 400)
        described(stubber, "/old", created_ms=0, retention_days=30)
        described(stubber, "/new", created_ms=WINDOW.end_ms + 1000)
        start(stubber, "q-1", groups=("/old",))
        complete = load_fixture("insights-results-complete.json")
        results(stubber, complete, "q-1")

        [outcome] = run_over(
            client,
            ["/old", "/new"],
            QUERY,
            concurrency=4,
            deadline=clock.now + 60,
            clock=clock.as_clock(),
            now_ms=clock.now_ms,
        )

        stubber.assert_no_pending_responses()
    assert outcome.status == "Complete" and outcome.rows == complete["results"]
    assert outcome.log_group_names == ("/old",) and outcome.left_out == ("/new",)


def test_a_refusal_the_groups_do_not_explain_fails_with_awss_message(client):
    clock = FakeClock(wall_ms=WINDOW.end_ms + 60_000)
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", RANGE_REFUSAL, 400)
        described(stubber, "/g", created_ms=0)

        [outcome] = run_over(
            client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock(), now_ms=clock.now_ms
        )

    assert outcome.status == "Failed" and "MalformedQueryException: Query's end date" in outcome.error
    assert outcome.left_out == ()


def test_a_refusal_whose_groups_cannot_be_described_fails(client):
    clock = FakeClock(wall_ms=WINDOW.end_ms + 60_000)
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", RANGE_REFUSAL, 400)
        stubber.add_client_error("describe_log_groups", "AccessDeniedException", "not allowed", 400)

        [outcome] = run_over(
            client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock(), now_ms=clock.now_ms
        )

    assert outcome.status == "Failed" and "MalformedQueryException" in outcome.error


def test_any_other_malformed_query_is_a_failure(client):
    clock = FakeClock()
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", "unexpected symbol at line 2", 400)

        [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock())

    assert outcome.status == "Failed" and "MalformedQueryException: unexpected symbol" in outcome.error


def test_a_query_refused_for_the_accounts_concurrency_limit_waits_for_a_place(client, load_fixture):
    clock = FakeClock()
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "LimitExceededException", "too many concurrent queries", 400)
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-complete.json"), "q-1")

        [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock())

        stubber.assert_no_pending_responses()
    assert outcome.status == "Complete"
    assert clock.sleeps == [0.25]


def test_at_most_concurrency_queries_run_at_once_and_they_are_polled_together(client, load_fixture):
    clock = FakeClock()
    queries = [(f"q{index}", f"stats count(*) as n{index}") for index in range(3)]
    running, complete = load_fixture("insights-results-running.json"), load_fixture("insights-results-complete.json")
    with Stubber(client) as stubber:
        # Two start; both are polled; one completes, the third starts in its place.
        start(stubber, "id-0", query=queries[0][1])
        start(stubber, "id-1", query=queries[1][1])
        results(stubber, running, "id-0")
        results(stubber, complete, "id-1")
        start(stubber, "id-2", query=queries[2][1])
        results(stubber, complete, "id-0")
        results(stubber, complete, "id-2")

        outcomes = run_over(client, ["/g"], queries, concurrency=2, deadline=clock.now + 60, clock=clock.as_clock())

        stubber.assert_no_pending_responses()
    assert [outcome.status for outcome in outcomes] == ["Complete"] * 3


def test_queries_still_running_at_the_deadline_are_stopped(client, load_fixture):
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-running.json"), "q-1")
        stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})

        [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + 0.1, clock=clock.as_clock())

        stubber.assert_no_pending_responses()
    assert outcome.status == "Failed" and "still running at the run's deadline" in outcome.error
    assert clock.sleeps == []


def test_fifty_log_groups_a_query_so_each_batch_runs_every_query(client, load_fixture):
    clock = FakeClock()
    groups = [f"/g{index:02d}" for index in range(55)]
    with Stubber(client) as stubber:
        start(stubber, "a", groups=groups[:50])
        start(stubber, "b", groups=groups[50:])
        results(stubber, load_fixture("insights-results-complete.json"), "a")
        results(stubber, load_fixture("insights-results-complete.json"), "b")

        outcomes = run_over(client, groups, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock())

    assert [len(outcome.log_group_names) for outcome in outcomes] == [50, 5]


def run_one(client: Any, clock: FakeClock, deadline_s: float = 60) -> QueryOutcome:
    [outcome] = run_over(client, ["/g"], QUERY, concurrency=4, deadline=clock.now + deadline_s, clock=clock.as_clock())
    return outcome


class Failing:
    """The stubbed client, except that ``operation`` raises ``error`` as botocore would before any answer."""

    def __init__(self, client: Any, operation: str, error: Exception) -> None:
        self._client, self._operation, self._error = client, operation, error

    def __getattr__(self, name: str) -> Any:
        if name == self._operation:

            def fail(**kwargs: Any) -> Any:
                raise self._error

            return fail
        return getattr(self._client, name)


TRANSPORT_ERRORS = [
    EndpointConnectionError(endpoint_url="https://logs.eu-west-1.amazonaws.com/"),
    ReadTimeoutError(endpoint_url="https://logs.eu-west-1.amazonaws.com/"),
]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ResourceNotFoundException", "The query q-1 was not found"),  # a modelled error
        ("ExpiredTokenException", "The security token included in the request is expired"),  # not modelled for Logs
    ],
)
def test_an_aws_error_while_polling_fails_that_query_with_the_code_and_message(
    client: Any, code: str, message: str
) -> None:
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        stubber.add_client_error("get_query_results", code, message, 400)

        outcome = run_one(client, clock)

        stubber.assert_no_pending_responses()
    assert outcome.status == "Failed" and not outcome.answered
    assert code in outcome.error and message in outcome.error


@pytest.mark.parametrize("error", TRANSPORT_ERRORS, ids=lambda error: type(error).__name__)
@pytest.mark.parametrize("operation", ["start_query", "get_query_results"])
def test_a_request_that_gets_no_answer_fails_that_query_naming_what_went_wrong(
    client: Any, error: Exception, operation: str
) -> None:
    clock = FakeClock()
    with Stubber(client) as stubber:
        if operation != "start_query":
            start(stubber, "q-1")

        outcome = run_one(Failing(client, operation, error), clock)

    assert outcome.status == "Failed" and type(error).__name__ in outcome.error


def test_a_client_error_without_an_error_member_fails_the_query_instead_of_the_run(client: Any) -> None:
    error = ClientError({"ResponseMetadata": {"HTTPStatusCode": 502}}, "StartQuery")

    outcome = run_one(Failing(client, "start_query", error), FakeClock())

    assert outcome.status == "Failed" and outcome.error == "StartQuery failed: ClientError: "


def test_a_long_aws_error_message_is_kept_to_its_first_300_characters(client: Any) -> None:
    clock = FakeClock()
    message = "a" * 300 + "b" * 100
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", message, 400)

        outcome = run_one(client, clock)

    assert outcome.error == "StartQuery failed: MalformedQueryException: " + "a" * 300


def test_a_long_aws_error_message_while_polling_is_kept_to_its_first_300_characters(client: Any) -> None:
    clock = FakeClock()
    message = "a" * 300 + "b" * 100
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        stubber.add_client_error("get_query_results", "ResourceNotFoundException", message, 400)

        outcome = run_one(client, clock)

    assert outcome.error == "GetQueryResults failed: ResourceNotFoundException: " + "a" * 300


@pytest.mark.parametrize("operation", ["start_query", "get_query_results"])
def test_a_programming_error_is_not_mistaken_for_a_failed_query(client: Any, operation: str) -> None:
    with Stubber(client) as stubber:
        if operation != "start_query":
            start(stubber, "q-1")

        with pytest.raises(TypeError, match="not an AWS error"):
            run_one(Failing(client, operation, TypeError("not an AWS error")), FakeClock())


def test_an_answer_without_a_status_fails_the_query(client: Any, load_fixture: Callable[[str], Any]) -> None:
    answer = load_fixture("insights-results-complete.json")
    del answer["status"]
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, answer, "q-1")

        outcome = run_one(client, FakeClock())

    assert outcome.status == "Failed" and outcome.rows == []
    assert outcome.error == "query q-1 ended Unknown"  # what AWS calls a status it cannot tell


@pytest.mark.parametrize(
    ("error", "named"),
    [
        (
            ClientError(
                {"Error": {"Code": "InvalidParameterException", "Message": "query already ended"}}, "StopQuery"
            ),
            "InvalidParameterException",
        ),
        (EndpointConnectionError(endpoint_url="https://logs.eu-west-1.amazonaws.com/"), "EndpointConnectionError"),
        (NotImplementedError("StopQuery"), "NotImplementedError"),  # what an emulator without StopQuery raises
    ],
    ids=["refused", "no answer", "not implemented"],
)
def test_a_query_that_cannot_be_stopped_still_fails_and_the_warning_names_it(
    client: Any, load_fixture: Callable[[str], Any], caplog: pytest.LogCaptureFixture, error: Exception, named: str
) -> None:
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-7f3a")
        results(stubber, load_fixture("insights-results-running.json"), "q-7f3a")

        with caplog.at_level(logging.WARNING, logger="accesslog_notifier.insights"):
            outcome = run_one(Failing(client, "stop_query", error), clock, deadline_s=0.1)

    assert outcome.status == "Failed" and "still running" in outcome.error
    [warning] = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warning == f"could not stop Logs Insights query q-7f3a: {named}"


def test_a_programming_error_while_stopping_is_not_swallowed(client: Any, load_fixture: Callable[[str], Any]) -> None:
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-running.json"), "q-1")

        with pytest.raises(TypeError):
            run_one(Failing(client, "stop_query", TypeError("bug")), FakeClock(), deadline_s=0.1)


def test_queries_not_started_by_the_deadline_fail_and_every_failure_is_logged_with_its_log_groups(
    client: Any, load_fixture: Callable[[str], Any], caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    groups = [f"/aws/apigateway/api-{index:02d}" for index in range(55)]
    queries = [("totals", "stats count(*) as lines"), ("errors", "filter status >= 500")]
    with Stubber(client) as stubber:
        start(stubber, "q-1", groups=groups[:50])
        results(stubber, load_fixture("insights-results-running.json"), "q-1")
        stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})

        with caplog.at_level(logging.ERROR, logger="accesslog_notifier.insights"):
            outcomes = run_over(
                client, groups, queries, concurrency=1, deadline=clock.now + 0.1, clock=clock.as_clock()
            )

        stubber.assert_no_pending_responses()
    assert [(outcome.name, len(outcome.log_group_names), outcome.status) for outcome in outcomes] == [
        ("totals", 50, "Failed"),
        ("errors", 50, "Failed"),
        ("totals", 5, "Failed"),
        ("errors", 5, "Failed"),
    ]
    assert all(outcome.error == "not started: the run's deadline came first" for outcome in outcomes[1:])
    logged = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(logged) == len(outcomes)
    assert logged[1] == (
        "Logs Insights query errors over /aws/apigateway/api-00, /aws/apigateway/api-01, /aws/apigateway/api-02 "
        "(+47 more): not started: the run's deadline came first"
    )
    for outcome, message in zip(outcomes, logged, strict=True):
        assert outcome.name in message and outcome.error in message
        shown = outcome.log_group_names[:3]
        assert all(group in message for group in shown)
        assert outcome.log_group_names[3] not in message  # the rest are counted, not listed
        assert f"+{len(outcome.log_group_names) - 3} more" in message


def test_a_query_completing_exactly_at_the_deadline_boundary_is_still_polled(
    client: Any, load_fixture: Callable[[str], Any]
) -> None:
    # The first poll says Running; the next poll would come exactly at the deadline: it still happens.
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-running.json"), "q-1")
        results(stubber, load_fixture("insights-results-complete.json"), "q-1")

        outcome = run_one(client, clock, deadline_s=0.25)

        stubber.assert_no_pending_responses()
    assert outcome.status == "Complete" and clock.sleeps == [0.25]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "/g0"),
        (3, "/g0, /g1, /g2"),
        (4, "/g0, /g1, /g2 (+1 more)"),
        (50, "/g0, /g1, /g2 (+47 more)"),
    ],
)
def test_log_groups_are_named_in_messages_three_at_most(count: int, expected: str) -> None:
    assert describe_log_groups([f"/g{index}" for index in range(count)]) == expected
