"""The Logs Insights edge with botocore's Stubber: AWS's answers (tests/fixtures), statuses, errors, limits, deadlines.

The Stubber checks every request against the service model and answers with the shapes real AWS returns, so these
tests cover what the emulator cannot: Scheduled/Running before Complete, Failed and Timeout, the refusal of a time
range before a log group existed, the account's limit on concurrent queries, and StopQuery at the deadline.
"""

from __future__ import annotations

import boto3
import pytest
from accesslog_notifier.insights import run_queries
from accesslog_notifier.window import Window
from botocore.stub import Stubber

from tests.support.notifier import FakeClock, iso_ms

WINDOW = Window(iso_ms("2026-11-25T09:30:00.000Z"), iso_ms("2026-11-25T09:35:00.000Z"))
QUERY = [("totals", "stats count(*) as lines")]


@pytest.fixture
def client():
    return boto3.client("logs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")


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

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

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

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

    assert outcome.status == "Failed" and not outcome.answered
    assert f"ended {status}" in outcome.error


def test_a_range_before_the_log_group_existed_answers_no_rows_not_a_failure(client):
    # The error AWS gives when StartQuery's range ends before the group's creation time or lies beyond retention.
    clock = FakeClock()
    message = (
        "Query's end date and time is either before the log groups creation time or exceeds the log groups log "
        "retention settings ([0,79])"
    )
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", message, 400)

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

    assert outcome.status == "Empty" and outcome.answered and outcome.rows == []


def test_any_other_malformed_query_is_a_failure(client):
    clock = FakeClock()
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "MalformedQueryException", "unexpected symbol at line 2", 400)

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

    assert outcome.status == "Failed" and "MalformedQueryException: unexpected symbol" in outcome.error


def test_a_query_refused_for_the_accounts_concurrency_limit_waits_for_a_place(client, load_fixture):
    clock = FakeClock()
    with Stubber(client) as stubber:
        stubber.add_client_error("start_query", "LimitExceededException", "too many concurrent queries", 400)
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-complete.json"), "q-1")

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

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

        outcomes = run_queries(
            client, ["/g"], WINDOW, queries, concurrency=2, deadline=clock.now + 60, clock=clock.as_clock()
        )

        stubber.assert_no_pending_responses()
    assert [outcome.status for outcome in outcomes] == ["Complete"] * 3


def test_queries_still_running_at_the_deadline_are_stopped(client, load_fixture):
    clock = FakeClock()
    with Stubber(client) as stubber:
        start(stubber, "q-1")
        results(stubber, load_fixture("insights-results-running.json"), "q-1")
        stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})

        [outcome] = run_queries(
            client, ["/g"], WINDOW, QUERY, concurrency=4, deadline=clock.now + 0.1, clock=clock.as_clock()
        )

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

        outcomes = run_queries(
            client, groups, WINDOW, QUERY, concurrency=4, deadline=clock.now + 60, clock=clock.as_clock()
        )

    assert [len(outcome.log_group_names) for outcome in outcomes] == [50, 5]
