"""Logs Insights: every query status (botocore Stubber), the deadline, batching, and splitting storms."""

from __future__ import annotations

import copy
import logging
import random
from collections.abc import Sequence
from typing import Any

import botocore.session
import pytest
from accesslog_notifier.query import (
    MAX_POLL_INTERVAL_S,
    Collection,
    QueryDeadlineError,
    QueryError,
    batched,
    build_query_string,
    collect,
    run_query,
)
from accesslog_notifier.records import Tally
from accesslog_notifier.window import Window
from botocore.stub import ANY, Stubber

from tests.support.notifier import FakeClock, FakeInsights, access_line, aws_row, aws_timestamp, iso_ms

GROUP = "/aws/apigateway/orders-prod"
WINDOW = Window(iso_ms("2026-11-25T11:59:00.000Z"), iso_ms("2026-11-25T12:04:00.000Z"))
QUERY = build_query_string(400, 10000)


@pytest.fixture
def logs_client():
    session = botocore.session.get_session()
    return session.create_client(
        "logs", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.fixture
def stubber(logs_client):
    with Stubber(logs_client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def start(stub, query_id="q-1", groups=(GROUP,), window=WINDOW, query=QUERY):
    start_s, end_s = window.query_seconds()
    stub.add_response(
        "start_query",
        {"queryId": query_id},
        {"logGroupNames": list(groups), "startTime": start_s, "endTime": end_s, "queryString": query},
    )


def results(stub, body, query_id="q-1"):
    stub.add_response("get_query_results", copy.deepcopy(body), {"queryId": query_id})


def status_only(status: str) -> dict:
    return {"results": [], "status": status}


def collect_into(
    client: Any,
    clock: FakeClock,
    tally: Tally,
    *,
    groups: Sequence[str] = (GROUP,),
    window: Window = WINDOW,
    limit: int = 10000,
    seconds_left: float = 60,
) -> Collection:
    """collect() with this file's usual arguments: threshold 400, the deadline ``seconds_left`` from now."""
    return collect(
        client,
        list(groups),
        window,
        tally.add_rows,
        threshold=400,
        limit=limit,
        deadline=clock.now + seconds_left,
        clock=clock.as_clock(),
    )


def test_the_query_selects_errors_and_everything_it_cannot_classify_oldest_first():
    query = build_query_string(500, 777)

    assert query.splitlines() == [
        "fields @timestamp, @message",
        r"| filter status >= 500 or not ispresent(status) or not (status like /^\d+$/ and status < 500)",
        "| sort @timestamp asc",
        "| limit 777",
    ]


def test_scheduled_then_running_then_complete_returns_the_complete_rows(stubber, logs_client, load_fixture):
    clock = FakeClock()
    start(stubber)
    results(stubber, load_fixture("insights-results-scheduled.json"))
    results(stubber, load_fixture("insights-results-running.json"))
    results(stubber, load_fixture("insights-results-running.json"))
    complete = load_fixture("insights-results-complete.json")
    results(stubber, complete)

    query_id, rows = run_query(logs_client, [GROUP], WINDOW, QUERY, deadline=clock.now + 60, clock=clock.as_clock())

    assert query_id == "q-1"
    assert rows == complete["results"]  # partial Running rows are never used
    assert clock.sleeps == [0.25, 0.375, 0.5625]  # a short, growing interval through the injected sleep


def test_the_poll_interval_stops_growing(stubber, logs_client):
    clock = FakeClock()
    start(stubber)
    for _ in range(12):
        results(stubber, status_only("Running"))
    results(stubber, status_only("Complete"))

    run_query(logs_client, [GROUP], WINDOW, QUERY, deadline=clock.now + 600, clock=clock.as_clock())

    assert clock.sleeps == sorted(clock.sleeps)
    assert max(clock.sleeps) == MAX_POLL_INTERVAL_S


@pytest.mark.parametrize("status", ["Failed", "Cancelled", "Timeout", "Unknown"])
def test_a_final_status_other_than_complete_is_an_error_naming_query_groups_window_and_status(
    stubber, logs_client, load_fixture, status
):
    clock = FakeClock()
    start(stubber, query_id="q-failing")
    results(stubber, load_fixture("insights-results-scheduled.json"), query_id="q-failing")
    results(stubber, status_only(status), query_id="q-failing")

    with pytest.raises(QueryError) as raised:
        run_query(logs_client, [GROUP], WINDOW, QUERY, deadline=clock.now + 60, clock=clock.as_clock())

    message = str(raised.value)
    assert "q-failing" in message
    assert GROUP in message
    assert "2026-11-25 11:59:00.000 to 2026-11-25 12:04:00.000 UTC" in message
    assert message.endswith(f"status {status}")
    assert not isinstance(raised.value, QueryDeadlineError)


@pytest.mark.parametrize("status", ["Failed", "Cancelled", "Timeout", "Unknown"])
def test_a_failed_query_makes_the_collection_incomplete(stubber, logs_client, status):
    clock = FakeClock()
    start(stubber)
    results(stubber, status_only(status))
    tally = Tally(400, 5)

    collection = collect_into(logs_client, clock, tally)

    assert not collection.complete
    assert collection.queries == 1
    assert "q-1" in collection.problems[0] and status in collection.problems[0]


def test_at_the_deadline_the_query_is_stopped_and_the_run_is_incomplete(stubber, logs_client):
    clock = FakeClock()
    start(stubber)
    for _ in range(4):
        results(stubber, status_only("Running"))
    stubber.add_response("stop_query", {"success": True}, {"queryId": "q-1"})

    with pytest.raises(QueryDeadlineError, match=r"q-1 .* was still Running at the deadline and was stopped"):
        run_query(logs_client, [GROUP], WINDOW, QUERY, deadline=clock.now + 1.2, clock=clock.as_clock())

    assert sum(clock.sleeps) <= 1.2  # never slept past the deadline


def test_a_failing_stop_query_is_logged_not_raised(stubber, logs_client, caplog):
    # moto 5.2 does not implement StopQuery (it answers 500); the run must go on.
    clock = FakeClock()
    start(stubber)
    results(stubber, status_only("Scheduled"))
    stubber.add_client_error("stop_query", service_error_code="InternalFailure", http_status_code=500)
    tally = Tally(400, 5)

    with caplog.at_level(logging.WARNING, logger="accesslog_notifier"):
        collection = collect_into(logs_client, clock, tally, seconds_left=0.1)

    assert not collection.complete
    assert "still Scheduled at the deadline" in collection.problems[0]
    assert any("could not stop Logs Insights query q-1" in record.getMessage() for record in caplog.records)


def test_no_query_starts_once_the_deadline_has_passed(stubber, logs_client):
    clock = FakeClock()
    tally = Tally(400, 5)

    collection = collect_into(logs_client, clock, tally, seconds_left=-1)

    assert collection.queries == 0
    assert not collection.complete
    assert "deadline came before 1 time range(s) could be queried" in collection.problems[0]


def test_more_than_fifty_log_groups_are_queried_in_batches(stubber, logs_client):
    groups = [f"/aws/apigateway/api-{index:03d}" for index in range(120)]
    clock = FakeClock()
    for index, batch in enumerate(batched(groups)):
        start(stubber, query_id=f"q-{index}", groups=batch)
        row = aws_row(WINDOW.start_ms + index, access_line(status=500 + index))
        results(stubber, {"results": [row], "status": "Complete"}, query_id=f"q-{index}")
    tally = Tally(400, 5)

    collection = collect_into(logs_client, clock, tally, groups=groups)

    assert [len(batch) for batch in batched(groups)] == [50, 50, 20]
    assert collection.complete and collection.queries == 3
    assert dict(tally.by_status) == {500: 1, 501: 1, 502: 1}


def test_a_batch_that_cannot_start_does_not_stop_the_others(stubber, logs_client):
    groups = [f"g{index}" for index in range(60)]
    clock = FakeClock()
    stubber.add_client_error("start_query", service_error_code="ResourceNotFoundException", http_status_code=400)
    start(stubber, query_id="q-2", groups=groups[50:])
    results(stubber, {"results": [aws_row(WINDOW.start_ms, access_line())], "status": "Complete"}, query_id="q-2")
    tally = Tally(400, 5)

    collection = collect_into(logs_client, clock, tally, groups=groups)

    assert tally.matched == 1
    assert not collection.complete
    assert "could not start a query over log groups g0, g1, g2 (+47 more)" in collection.problems[0]
    assert "ResourceNotFoundException" in collection.problems[0]


def rows_at(*offsets_ms: int, base_ms: int = WINDOW.start_ms) -> dict:
    rows = [aws_row(base_ms + offset, access_line(status=500, requestId=f"at-{offset}")) for offset in offsets_ms]
    return {"results": rows, "status": "Complete"}


def collect_stubbed(logs_client, window, limit, clock=None):
    clock = clock or FakeClock()
    tally = Tally(400, 10)
    collection = collect_into(logs_client, clock, tally, window=window, limit=limit)
    return collection, tally


def test_rows_at_the_limit_count_as_far_as_they_reach_and_the_rest_is_split_in_halves(stubber, logs_client):
    # Records at 0.1 s, 1.5 s, 2.5 s, 3.5 s and 4.0 s (the end: outside); the limit is 3.
    window = Window(WINDOW.start_ms, WINDOW.start_ms + 4000)
    query = build_query_string(400, 3)
    start(stubber, "q-all", window=window, query=query)
    results(stubber, rows_at(100, 1500, 2500), "q-all")  # oldest first: these hold everything before 2.5 s
    # counted: [0 s, 2 s) from these rows; the rest, [2 s, 4 s), is split on a whole second
    start(stubber, "q-third", window=Window(window.start_ms + 2000, window.start_ms + 3000), query=query)
    results(stubber, rows_at(2500, 3500), "q-third")  # the whole-second superset reaches into the next part
    start(stubber, "q-fourth", window=Window(window.start_ms + 3000, window.end_ms), query=query)
    results(stubber, rows_at(3500, 4000), "q-fourth")

    collection, tally = collect_stubbed(logs_client, window, limit=3)

    assert collection.complete, collection.problems
    assert (collection.queries, collection.rows) == (3, 7)
    assert tally.matched == 4
    assert [sample.request_id for sample in tally.samples] == ["at-100", "at-1500", "at-2500", "at-3500"]


def test_rows_at_the_limit_that_reach_past_the_end_are_complete(stubber, logs_client):
    window = Window(WINDOW.start_ms, WINDOW.start_ms + 2000)
    start(stubber, window=window, query=build_query_string(400, 3))
    results(stubber, rows_at(100, 1500, 2000))  # the third row is at the end (excluded): nothing was cut

    collection, tally = collect_stubbed(logs_client, window, limit=3)

    assert collection.complete and collection.queries == 1
    assert tally.matched == 2


def test_rows_that_do_not_come_oldest_first_are_not_trusted_and_the_part_is_halved(stubber, logs_client):
    window = Window(WINDOW.start_ms, WINDOW.start_ms + 4000)
    query = build_query_string(400, 3)
    start(stubber, "q-1", window=window, query=query)
    results(stubber, rows_at(2500, 100, 1500), "q-1")
    start(stubber, "q-2", window=Window(window.start_ms, window.start_ms + 2000), query=query)
    results(stubber, rows_at(100, 1500), "q-2")
    start(stubber, "q-3", window=Window(window.start_ms + 2000, window.end_ms), query=query)
    results(stubber, rows_at(2500), "q-3")

    collection, tally = collect_stubbed(logs_client, window, limit=3)

    assert collection.complete
    assert tally.matched == 3


def test_a_second_that_alone_fills_the_limit_gives_a_lower_bound(stubber, logs_client):
    # Records at 0.1, 0.5, 0.9, 0.95 s (four in the first second) and 2.5 s; the limit is 3.
    window = Window(WINDOW.start_ms, WINDOW.start_ms + 4000)
    query = build_query_string(400, 3)
    start(stubber, "q-1", window=window, query=query)
    results(stubber, rows_at(100, 500, 900), "q-1")
    start(stubber, "q-2", window=Window(window.start_ms + 1000, window.start_ms + 2000), query=query)
    results(stubber, rows_at(2500), "q-2")
    start(stubber, "q-3", window=Window(window.start_ms + 2000, window.end_ms), query=query)
    results(stubber, rows_at(2500), "q-3")

    collection, tally = collect_stubbed(logs_client, window, limit=3)

    assert not collection.complete
    assert tally.matched == 4  # a lower bound: the saturated second is counted as far as it was seen
    assert "q-1" in collection.problems[0] and "within one second" in collection.problems[0]
    assert "2026-11-25 11:59:00.000 to 2026-11-25 11:59:01.000 UTC" in collection.problems[0]


def test_a_one_second_window_at_the_limit_gives_a_lower_bound_when_rows_are_unordered(stubber, logs_client):
    window = Window(WINDOW.start_ms, WINDOW.start_ms + 1000)
    start(stubber, window=window, query=build_query_string(400, 2))
    results(stubber, rows_at(500, 100))

    collection, tally = collect_stubbed(logs_client, window, limit=2)

    assert tally.matched == 2
    assert "cannot be split further" in collection.problems[0]


@pytest.mark.parametrize("end_second_whole", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_splitting_storms_gives_exact_totals_whatever_the_distribution(seed, end_second_whole):
    generator = random.Random(seed)  # noqa: S311 - test data, not cryptography
    timestamps = [WINDOW.start_ms - 500, WINDOW.end_ms, WINDOW.end_ms + 10]  # outside: never counted
    for _ in range(generator.randint(1, 6)):  # bursts
        center = generator.randint(WINDOW.start_ms, WINDOW.end_ms - 1)
        timestamps += [
            min(max(center + int(generator.gauss(0, 8000)), WINDOW.start_ms), WINDOW.end_ms - 1)
            for _ in range(generator.randint(50, 400))
        ]
    timestamps += [WINDOW.start_ms, WINDOW.end_ms - 1]
    expected = sum(1 for ts in timestamps if WINDOW.contains(ts))
    per_second = max(sum(1 for t in timestamps if t // 1000 == s // 1000) for s in timestamps)
    limit = max(per_second * 2 + 1, 20)
    engine = FakeInsights(timestamps, end_second_whole=end_second_whole)
    clock = FakeClock()
    tally = Tally(400, 3)

    collection = collect_into(engine, clock, tally, limit=limit)

    assert collection.complete, collection.problems
    assert tally.matched == expected
    assert collection.queries > 1 or expected < limit


def test_the_deadline_cuts_splitting_short_and_the_totals_become_lower_bounds():
    timestamps = [WINDOW.start_ms + index * 10 for index in range(20_000)]  # 200 s of 100 lines per second
    clock = FakeClock()
    engine = FakeInsights(timestamps, clock=clock, seconds_per_query=5.0)
    tally = Tally(400, 3)

    collection = collect_into(engine, clock, tally, limit=1000, seconds_left=30)

    assert not collection.complete
    assert 0 < tally.matched < 20_000
    assert any("deadline" in problem for problem in collection.problems)
    assert len(engine.queries) == collection.queries <= 7


def test_rows_are_counted_only_inside_their_own_part_so_nothing_is_counted_twice():
    # Every part's query reads a whole-second superset that overlaps its neighbours.
    timestamps = [WINDOW.start_ms + 999 + 1000 * index for index in range(300)] * 3
    engine = FakeInsights(timestamps, end_second_whole=True)
    clock = FakeClock()
    tally = Tally(400, 3)

    collection = collect_into(engine, clock, tally, limit=50)

    assert collection.complete
    assert collection.queries > 10
    assert tally.matched == 900


def test_stubbed_start_query_parameters_are_whole_second_supersets(stubber, logs_client):
    window = Window(iso_ms("2026-11-25T11:59:00.250Z"), iso_ms("2026-11-25T12:04:00.750Z"))
    clock = FakeClock()
    stubber.add_response(
        "start_query",
        {"queryId": "q-ms"},
        {
            "logGroupNames": [GROUP],
            "startTime": window.start_ms // 1000,
            "endTime": window.end_ms // 1000 + 1,
            "queryString": ANY,
        },
    )
    results(stubber, rows_at(0, 250, 300_750, base_ms=iso_ms("2026-11-25T11:59:00.000Z")), "q-ms")
    tally = Tally(400, 5)

    collect_into(logs_client, clock, tally, window=window)

    assert tally.matched == 1  # 11:59:00.000 and 12:04:00.750 are outside the millisecond window
    assert aws_timestamp(tally.samples[0].timestamp_ms) == "2026-11-25 11:59:00.250"
