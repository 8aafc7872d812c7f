"""One Slack thread per incident with app delivery: the handler in-process over an hour of windows, its state in
DynamoDB on moto's server, Slack's Web API as a real HTTP stand-in on 127.0.0.1 (devkit/apigw_devkit/slack_api.py)
that answers chat.postMessage, chat.update and their errors as Slack documents them and checks every payload
against Block Kit's limits.

What the issue asks, each a test: a storm that starts, grows and ends gives exactly one parent, one reply per window
with errors and a resolution, with totals equal to the errors written; the same with Lambda's retries and a
replay in the middle; two runs side by side still make one thread; a critical incident mentions once, and no log
text mentions anyone; a revoked token fails the run, says so, and is shown nowhere; a table that cannot be read
still delivers.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
from apigw_devkit.slack_api import ApiAnswer, SlackApiStandIn, mentions

from tests.support.incident_hour import TOKEN_PARAMETER, IncidentHour, create_state_table, environment
from tests.support.notifier import alarm_event, iso_ms

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

CHANNEL = "C07EZ1ABC23"
TOKEN = "xoxb-1234-5678-standin"
FIRST = iso_ms("2026-11-25T09:05:00.000Z")
STORM = [0, 5, 30, 80, 60, 20, 0, 0, 0, 0, 0, 0]  # starts, grows, calms, ends; twelve five-minute windows


@pytest.fixture
def slack(slack_api: SlackApiStandIn) -> SlackApiStandIn:
    return slack_api


def incident_hour(boto_session, slack: SlackApiStandIn) -> IncidentHour:
    dynamodb = boto_session.client("dynamodb")
    create_state_table(dynamodb)
    return IncidentHour(
        dynamodb,
        {TOKEN_PARAMETER: TOKEN},
        FIRST,
        environment("app", SLACK_API_URL=slack.base_url, CRITICAL_5XX_COUNT=50, CRITICAL_MENTION="here"),
    )


@pytest.fixture
def hour(boto_session, slack: SlackApiStandIn) -> IncidentHour:
    return incident_hour(boto_session, slack)


def write_storm(hour: IncidentHour) -> None:
    for index, count in enumerate(STORM):
        hour.write(index, count)


def parent_text(message: Any) -> str:
    return message.blocks[0]["text"]["text"]


def assert_one_incident_thread(slack: SlackApiStandIn) -> Any:
    """Exactly one top-level message, whose thread holds one digest per window with errors and the resolution."""
    [parent] = slack.messages(CHANNEL)
    windows_with_errors = sum(1 for count in STORM if count)
    replies = parent.replies
    assert len(replies) == windows_with_errors + 1, [reply.text for reply in replies]
    assert "resolved" in replies[-1].text
    assert parent_text(parent).startswith(":white_check_mark: Resolved")
    # The parent's running totals are the errors written.
    assert f"*{sum(STORM)}* errors in {sum(STORM)} requests so far" in parent_text(parent)
    assert slack.warnings() == []  # every payload within Slack's documented limits
    return parent


def test_a_storm_is_one_thread_updated_in_place_and_resolved(hour, slack):
    write_storm(hour)
    for index in range(len(STORM)):
        assert hour.run(index)["reported"] is True

    parent = assert_one_incident_thread(slack)
    # Edited after every window from the second with errors on (four updates, two quiet windows, the resolution).
    assert parent.edits == 6
    steps = [summary.get("incident") for summary in hour.summaries]
    assert (
        steps == ["nothing", "opens", "updates", "updates", "updates", "updates", "quiet", "resolves"] + ["nothing"] * 4
    )
    print(slack.render(CHANNEL))


def test_lambda_retries_and_a_replay_in_the_middle_post_and_count_nothing_twice(hour, slack):
    write_storm(hour)
    for index in range(3):
        hour.run(index)
    # Window 3: its reply fails four times (Slack errors), so the run fails and Lambda retries it (same request id).
    slack.script("chat.postMessage", *[ApiAnswer.server_error(500, "oops")] * 4)
    failed = hour.run(3)
    assert failed["reported"] is False and "raised" in failed
    retried = hour.run(3)  # Lambda's retry: the same request id
    assert retried["reported"] is True and retried["messages_sent"] == 1
    # The failure queue's replay of a window already reported, with a new request id.
    replayed = hour.run(3, request_id="replay-3")
    assert replayed["messages_sent"] == 0
    assert "already reported by an earlier run: nothing posted or counted again" in replayed["notes"]
    for index in range(4, len(STORM)):
        hour.run(index)
    hour.run(5, request_id="replay-5")

    assert_one_incident_thread(slack)


def test_a_post_whose_answer_was_lost_is_posted_again_by_the_replay_the_one_documented_duplicate(hour, slack):
    write_storm(hour)
    hour.run(0)
    hour.run(1)
    # Window 2's reply reaches Slack but its answer is lost, and every retry's connection too: the run cannot know
    # the reply exists, so it fails and gives the window back; the replay posts the reply again.
    slack.script("chat.postMessage", ApiAnswer.connection_reset(apply=True), *[ApiAnswer.connection_reset()] * 3)
    first = hour.run(2)
    assert first["reported"] is False
    replayed = hour.run(2, request_id="replay-2")
    assert replayed["reported"] is True

    [parent] = slack.messages(CHANNEL)
    # Window 1's digest, then window 2's twice: the one case where a reply repeats (README, "Incidents").
    assert len(parent.replies) == 3 and parent.replies[1].text == parent.replies[2].text


def test_two_runs_side_by_side_open_one_thread(hour, slack):
    hour.write(1, 30)
    message = {
        "AlarmName": "orders-api-5xx",
        "NewStateValue": "ALARM",
        "NewStateReason": "1 out of the last 1 datapoints [30.0 (25/11/26 09:05:00)] was greater than ...",
        "StateChangeTime": "2026-11-25T09:06:40.000+0000",
        "Trigger": {"Period": 60, "EvaluationPeriods": 1},
    }
    env = {"ALARM_NAMES": json.dumps(["orders-api-5xx"])}
    barrier = threading.Barrier(2)
    results: list[dict[str, Any]] = []

    def scheduled() -> None:
        barrier.wait()
        results.append(hour.run(1, **env))

    def alarm() -> None:
        barrier.wait()
        results.append(hour.run_event(alarm_event(message), request_id="alarm", now_ms=FIRST + 100_000, **env))

    threads = [threading.Thread(target=scheduled), threading.Thread(target=alarm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert all(result["reported"] for result in results), results
    [parent] = slack.messages(CHANNEL)  # one thread, whichever run opened it
    assert len(parent.replies) == 2  # the window's digest and the alarm digest


def test_a_critical_incident_mentions_its_target_exactly_once_and_log_text_never_does(hour, slack):
    # A hostile path in every line; 80 and 60 5xx errors pass critical_5xx_count = 50 in windows 3 and 4.
    for index, count in enumerate(STORM):
        hour.write(index, count, resourcePath="/<!channel>/<@U0123>/<!subteam^S1>")
    for index in range(len(STORM)):
        hour.run(index)

    every = [message for parent in slack.messages(CHANNEL) for message in (parent, *parent.replies)]
    carrying = [message for message in every if mentions(message)]
    assert len(carrying) == 1, [message.text for message in carrying]
    assert {found.syntax for found in mentions(carrying[0])} == {"<!here>"}
    # It came with window 3, the first whose 5xx errors (80) passed critical_5xx_count (50): a reply in the thread.
    assert carrying[0] in slack.messages(CHANNEL)[0].replies and "80 errors" in carrying[0].text


def test_a_revoked_token_fails_the_run_says_why_and_never_shows_the_token(hour, slack, caplog):
    hour.write(0, 5)
    slack.revoke(TOKEN)

    summary = hour.run(0)

    assert summary["reported"] is False and summary["delivery_failed"] == 1
    assert any("token_revoked" in problem for problem in summary["problems"])
    assert TOKEN not in json.dumps(summary) and TOKEN not in caplog.text
    assert slack.token_leaks() == []


def test_a_channel_the_bot_is_not_in_fails_the_run_with_slacks_reason(hour, slack):
    hour.write(0, 5)
    slack.leave(CHANNEL)

    summary = hour.run(0)

    assert summary["reported"] is False
    assert any(re.search(r"not_in_channel", problem) for problem in summary["problems"])


def test_rate_limits_are_waited_out(hour, slack):
    write_storm(hour)
    slack.script("chat.postMessage", ApiAnswer.ratelimited(1))
    for index in range(3):
        assert hour.run(index)["reported"] is True
    ratelimited = [call for call in slack.calls_to("chat.postMessage") if call.status == 429]
    assert len(ratelimited) == 1 and len(slack.messages(CHANNEL)[0].replies) == 2


def test_an_unreadable_table_still_delivers_the_digest_on_its_own(hour, slack):
    hour.write(0, 5)

    summary = hour.run(0, STATE_TABLE_NAME="no-such-table")

    assert summary["reported"] is True and summary["messages_sent"] == 1
    assert any("state table unavailable" in problem for problem in summary["problems"])
    [message] = slack.messages(CHANNEL)
    assert not message.replies and "5 errors" in message.text


@pytest.mark.parametrize("missing_thread", ["refuse", "hide", "top_level"])
def test_a_parent_deleted_mid_incident_is_posted_again_and_the_incident_goes_on_in_its_thread(
    boto_session, missing_thread
):
    """Someone deletes the incident's parent while the storm goes on. chat.update on it gets message_not_found
    (documented); what a reply to its thread gets is not documented, so each reading people report is run: refused,
    accepted and seen nowhere, or posted as a new top-level message. Under each the next run posts a new parent
    before any reply, and the rest of the incident (replies, resolution, running totals) is there."""
    with SlackApiStandIn(missing_thread=missing_thread) as slack:
        hour = incident_hour(boto_session, slack)
        write_storm(hour)
        for index in range(3):  # opens at window 1, updates at window 2
            hour.run(index)
        [deleted] = slack.messages(CHANNEL)
        assert slack.delete_message(CHANNEL, deleted.ts) == 3  # the parent and windows 1 and 2's replies

        summaries = [hour.run(index) for index in range(3, len(STORM))]

        assert all(summary["reported"] for summary in summaries), summaries
        moved = [
            index
            for index, summary in enumerate(summaries, 3)
            if any("was gone" in n for n in summary.get("notes", []))
        ]
        assert moved == [3]
        [parent] = slack.messages(CHANNEL)
        assert parent.ts != deleted.ts
        assert parent_text(parent).startswith(":white_check_mark: Resolved")
        assert f"*{sum(STORM)}* errors in {sum(STORM)} requests so far" in parent_text(parent)
        assert len(parent.replies) == sum(1 for count in STORM[3:] if count) + 1
        assert "resolved" in parent.replies[-1].text
        assert slack.hidden_messages() == [] and slack.warnings() == []
