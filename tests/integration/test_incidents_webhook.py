"""Incidents, mentions, quiet hours and mutes with webhook delivery: the state in DynamoDB on moto's server, Slack
as a real HTTP receiver, an hour of windows run by the handler (tests/support/incident_hour.py).

Webhook delivery cannot thread or edit, so each window past the thresholds is its own digest, as before; the table
adds a single mention when an incident first becomes critical, a message when it resolves, quiet hours and mutes
with one summary afterwards, and windows that a retry or replay neither posts nor counts twice.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from accesslog_notifier import __main__ as cli
from accesslog_notifier.state import StateStore, scope_of

from tests.support.incident_hour import GROUP, TABLE, WEBHOOK_PARAMETER, IncidentHour, create_state_table, environment
from tests.support.notifier import iso_ms

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

# Wednesday 2026-11-25 09:05 UTC, a scheduled minute; twelve windows follow.
FIRST = iso_ms("2026-11-25T09:05:00.000Z")


@pytest.fixture
def hour(boto_session, slack_receiver) -> IncidentHour:
    dynamodb = boto_session.client("dynamodb")
    create_state_table(dynamodb)
    return IncidentHour(
        dynamodb,
        {WEBHOOK_PARAMETER: slack_receiver.webhook_url},
        FIRST,
        environment("webhook", CRITICAL_5XX_COUNT=50, CRITICAL_MENTION="here"),
    )


def texts(receiver) -> list[str]:
    return [post.payload["text"] for post in receiver.delivered]


def incident_item(hour: IncidentHour) -> dict[str, Any]:
    store = StateStore(hour.dynamodb, TABLE, scope_of([GROUP]))
    incident = store.incident()
    assert incident is not None
    return incident


def test_a_storm_gives_a_digest_per_window_one_mention_and_one_resolution(hour, slack_receiver):
    storm = [0, 5, 30, 80, 60, 0, 0, 0]
    for index, count in enumerate(storm):
        hour.write(index, count)
    for index in range(len(storm)):
        summary = hour.run(index)
        assert summary["reported"] is True, summary

    sent = texts(slack_receiver)
    # Windows 1-4 had errors: four digests; the second quiet window (6) resolves the incident.
    assert len(sent) == 5
    assert [summary.get("incident") for summary in hour.summaries] == [
        "nothing",
        "opens",
        "updates",
        "updates",
        "updates",
        "quiet",
        "resolves",
        "nothing",
    ]
    # 80 5xx errors passed critical_5xx_count = 50 at window 3: the mention goes out once, then never again.
    mentioned = [index for index, text in enumerate(sent) if "<!here>" in text]
    assert mentioned == [2]
    assert "resolved" in sent[4] and "175 errors" in sent[4]
    incident = incident_item(hour)
    assert (incident.status, incident.errors, incident.errors_5xx) == ("resolved", sum(storm), sum(storm))


def test_a_retried_or_replayed_window_neither_posts_nor_counts_twice(hour, slack_receiver):
    hour.write(0, 12)
    hour.write(1, 7)
    hour.run(0)
    hour.run(1)
    before = len(slack_receiver.delivered)

    retried = hour.run(1, request_id="request-1")  # Lambda's retry: the same request id
    replayed = hour.run(1, request_id="replayed-from-the-queue")

    assert len(slack_receiver.delivered) == before == 2
    for summary in (retried, replayed):
        assert summary["reported"] is True and summary["messages_sent"] == 0
        assert "already reported by an earlier run: nothing posted or counted again" in summary["notes"]
    assert incident_item(hour).errors == 19


def test_quiet_hours_post_nothing_and_one_summary_says_what_they_held(hour, slack_receiver):
    # 09:10 to 09:25 UTC is quiet: the windows scheduled at 09:10, 09:15 and 09:20 post nothing.
    quiet = {"QUIET_HOURS": json.dumps(["Wed 09:10-09:25 UTC"])}
    for index, count in enumerate([0, 4, 9, 2, 0, 0]):
        hour.write(index, count)
    for index in range(6):
        hour.run(index, **quiet)

    sent = texts(slack_receiver)
    assert [summary.get("incident") for summary in hour.summaries][1:4] == ["muted", "muted", "muted"]
    [summary] = [text for text in sent if "while muted" in text]
    assert summary.startswith("orders-api: API Gateway errors: 15 errors while muted (09:04 to 09:19 UTC)")
    # Posted once, by the first run after the quiet hours, and never again.
    assert sum("while muted" in text for text in sent) == 1
    assert hour.summaries[4]["messages_sent"] == 1 and hour.summaries[5]["messages_sent"] == 0
    blocks = json.dumps([post.payload for post in slack_receiver.delivered])
    assert "over 3 windows" in blocks and "`503` 15" in blocks


def test_a_mute_from_a_pipeline_holds_the_windows_until_it_ends(hour, slack_receiver, capsys):
    class Function:
        def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:
            return {"Environment": {"Variables": hour.environment}}

    status = cli.mute_main(
        ["--function-name", "orders-api-accesslog-notifier", "--for", "12m", "--reason", "deploy 1.4.2"],
        lambda_client=Function(),
        dynamodb=hour.dynamodb,
        now_ms=hour.minute(0) + 30_000,
    )
    assert status == 0 and "muted until 2026-11-25T09:17:30.000Z (deploy 1.4.2)" in capsys.readouterr().out

    for index, count in enumerate([3, 3, 3, 1]):
        hour.write(index, count)
    for index in range(4):
        hour.run(index)

    sent = texts(slack_receiver)
    # Windows scheduled at 09:10 and 09:15 fall in the mute (09:05:30 to 09:17:30); 09:05 does not.
    assert [summary.get("incident") for summary in hour.summaries] == ["opens", "muted", "muted", "updates"]
    assert any("while muted" in text for text in sent)
    assert "deploy 1.4.2" in json.dumps([post.payload for post in slack_receiver.delivered])
    assert incident_item(hour).errors == 3 + 1  # held windows are summarised, not added to the incident


def test_a_mute_can_be_ended_early(hour, capsys):
    class Function:
        def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:
            return {"Environment": {"Variables": hour.environment}}

    common = {"lambda_client": Function(), "dynamodb": hour.dynamodb, "now_ms": hour.minute(0)}
    assert cli.mute_main(["--function-name", "f", "--for", "2h"], **common) == 0
    assert cli.mute_main(["--function-name", "f", "--end"], **common) == 0
    assert StateStore(hour.dynamodb, TABLE, scope_of([GROUP])).mute_until() is None
    assert "mute ended" in capsys.readouterr().out


def test_without_its_table_a_window_is_still_delivered_and_the_run_says_why(hour, slack_receiver):
    hour.write(0, 5)

    summary = hour.run(0, STATE_TABLE_NAME="no-such-table")

    assert summary["reported"] is True and summary["messages_sent"] == 1
    assert any(
        re.search(r"state table unavailable.*ResourceNotFoundException", problem) for problem in summary["problems"]
    )
    assert len(slack_receiver.delivered) == 1
