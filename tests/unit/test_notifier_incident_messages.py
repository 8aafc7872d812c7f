"""The text and Block Kit structure of an incident's messages and of the muted summary (incident_messages.py).

Expected texts are written from the inputs each test gives and the rules the module states (the first three log
groups, names cut to 60 characters; a sparkline from the first minute to the last seen, or to now while open; the
numbers of a muted summary before its reasons), and from Slack's Block Kit reference for the structure.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from accesslog_notifier.incident_messages import Muted, muted_summary, parent_message, resolution_message, with_mention
from accesslog_notifier.incidents import OPEN, RESOLVED, Incident

from tests.support.notifier import iso_ms

MINUTE = 60_000
T0 = iso_ms("2026-11-25T09:30:00.000Z")


def an_incident(**changes: Any) -> Incident:
    base = Incident(
        status=OPEN,
        incident_id=str(T0),
        first_seen_ms=T0,
        last_seen_ms=T0 + 20 * MINUTE,
        errors=165,
        requests=4000,
        errors_5xx=120,
        minutes={T0 + MINUTE: 5, T0 + 6 * MINUTE: 40, T0 + 11 * MINUTE: 120},
        window_errors=(5, 40, 120),
    )
    return replace(base, **changes)


def parent(incident: Incident, *, now_ms: int = T0 + 20 * MINUTE, **options: Any) -> dict[str, Any]:
    options.setdefault("log_group_names", ["/g"])
    return parent_message(incident, title="orders-api", now_ms=now_ms, **options)


def section_text(payload: dict[str, Any]) -> str:
    return payload["blocks"][0]["text"]["text"]


def lines_of(payload: dict[str, Any]) -> list[str]:
    return section_text(payload).split("\n")


def line_starting(payload: dict[str, Any], prefix: str) -> str:
    [line] = [line for line in lines_of(payload) if line.startswith(prefix)]
    return line


def sparkline_of(payload: dict[str, Any]) -> str:
    """The characters between the backticks of the parent's "Errors per minute" line."""
    return line_starting(payload, "Errors per minute `").split("`")[1]


def text_objects(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every text object of the payload's blocks: a section's text, a context's elements."""
    found = []
    for block in payload["blocks"]:
        if block["type"] == "section":
            found.append(block["text"])
        elif block["type"] == "context":
            found.extend(block["elements"])
    return found


# --- Block Kit structure -------------------------------------------------------------------------------------------


def every_message() -> list[dict[str, Any]]:
    resolved = an_incident(status=RESOLVED, resolved_at_ms=T0 + 30 * MINUTE)
    return [
        parent(an_incident()),
        parent(resolved, now_ms=T0 + 30 * MINUTE),
        resolution_message(resolved, title="orders-api", quiet_windows=2, interval_minutes=5),
        muted_summary(Muted(T0, T0 + MINUTE, reasons=("muted",)), title="orders-api"),
        with_mention({"text": "digest"}, "here"),
    ]


def test_every_text_is_mrkdwn_shown_verbatim_so_slack_neither_links_names_nor_parses_mentions() -> None:
    # Block Kit text object: type "mrkdwn" renders *bold* and `code`; verbatim false (the default) would let Slack
    # turn URLs and channel names into links and parse some mentions by itself.
    for payload in every_message():
        objects = text_objects(payload)
        assert objects
        for text_object in objects:
            assert (text_object["type"], text_object["verbatim"]) == ("mrkdwn", True)


def test_the_parent_footer_says_when_it_was_updated_and_names_the_incident() -> None:
    message = parent(replace(an_incident(), incident_id="inc-7"), now_ms=T0 + 20 * MINUTE)
    assert message["blocks"][1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "Updated 09:50 UTC · incident inc-7", "verbatim": True}],
    }


# --- the parent ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "more"), [(1, ""), (3, ""), (4, " (+1 more)"), (5, " (+2 more)")])
def test_the_parent_names_the_first_three_log_groups_and_counts_the_others(count: int, more: str) -> None:
    names = [f"/aws/apigateway/api-{index}" for index in range(count)]
    line = line_starting(parent(an_incident(), log_group_names=names), "Log groups: ")
    assert line == "Log groups: " + ", ".join(f"`{name}`" for name in names[:3]) + more


@pytest.mark.parametrize("length", [60, 61, 512])  # 512: the longest log group name CloudWatch Logs accepts
def test_a_log_group_name_is_shown_up_to_sixty_characters_then_cut_with_an_ellipsis(length: int) -> None:
    name = "/" + "n" * (length - 1)
    shown = name if length <= 60 else name[:59] + "…"
    assert line_starting(parent(an_incident(), log_group_names=[name]), "Log groups: ") == f"Log groups: `{shown}`"


@pytest.mark.parametrize(("errors", "words"), [(1, "*1* error in"), (2, "*2* errors in")])
def test_the_parent_says_one_error_and_two_errors(errors: int, words: str) -> None:
    assert words in section_text(parent(an_incident(errors=errors)))


@pytest.mark.parametrize(("quiet_windows", "words"), [(1, "1 quiet window"), (3, "3 quiet windows")])
def test_an_open_parent_says_how_many_quiet_windows_in_a_row_resolve_it(quiet_windows: int, words: str) -> None:
    line = lines_of(parent(an_incident(), quiet_windows=quiet_windows))[-1]
    assert line == f"Trend: rising · resolves after {words} in a row · each window's digest is in the thread"


def test_the_parent_assumes_the_settings_default_of_two_quiet_windows() -> None:
    # contract.json, incident_quiet_windows: default 2.
    assert "resolves after 2 quiet windows in a row" in section_text(parent(an_incident()))


def test_a_resolved_parent_edited_hours_later_still_says_when_it_resolved() -> None:
    resolved = an_incident(status=RESOLVED, resolved_at_ms=T0 + 30 * MINUTE)
    text = section_text(parent(resolved, now_ms=T0 + 3 * 60 * MINUTE))
    assert "Resolved at 10:00 UTC after 20 min of errors" in text


def test_a_one_minute_incident_draws_one_character() -> None:
    one_minute = an_incident(status=RESOLVED, last_seen_ms=T0 + MINUTE, minutes={T0: 4}, resolved_at_ms=T0 + MINUTE)
    assert sparkline_of(parent(one_minute)) == "█"


def test_a_resolved_parent_draws_first_to_last_seen_however_late_it_is_edited() -> None:
    # Quiet windows after the last one past the thresholds still add their errors (at and after last seen): they are
    # in the totals, not in the drawing of the incident's span.
    resolved = an_incident(
        status=RESOLVED,
        last_seen_ms=T0 + 5 * MINUTE,
        minutes={T0 + MINUTE: 3, T0 + 5 * MINUTE: 1, T0 + 7 * MINUTE: 1},
        resolved_at_ms=T0 + 15 * MINUTE,
    )
    assert sparkline_of(parent(resolved, now_ms=T0 + 3 * 60 * MINUTE)) == "▁█▁▁▁"  # 5 minutes, the peak at 09:31


def test_an_open_parent_draws_every_minute_up_to_now_quiet_ones_included() -> None:
    still_open = an_incident(last_seen_ms=T0 + 5 * MINUTE, minutes={T0 + MINUTE: 7, T0 + 7 * MINUTE: 7})
    assert sparkline_of(parent(still_open, now_ms=T0 + 10 * MINUTE)) == "▁█▁▁▁▁▁█▁▁"  # 10 minutes, 09:30 to 09:39


# --- the resolution reply ------------------------------------------------------------------------------------------


def test_the_resolution_notification_is_the_reply_without_mrkdwn_markers() -> None:
    message = resolution_message(an_incident(status=RESOLVED), title="orders-api", quiet_windows=2, interval_minutes=5)
    assert "*" in section_text(message) and "`" in section_text(message)  # bold title, code time in the reply
    assert message["text"] == section_text(message).replace("*", "").replace("`", "")
    assert message["text"].startswith(":white_check_mark: orders-api: resolved")
    assert message["text"].endswith("from 2026-11-25 09:30:00.000 UTC.")


# --- the mention ---------------------------------------------------------------------------------------------------


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "digest", "verbatim": True}}
CONTEXT = {"type": "context", "elements": [{"type": "mrkdwn", "text": "continued", "verbatim": True}]}


@pytest.mark.parametrize(
    ("blocks", "kept"),
    [(None, []), ([], []), ([CONTEXT], [CONTEXT]), ([CONTEXT, SECTION], [CONTEXT, SECTION])],
    ids=["no blocks", "empty blocks", "a context first", "a section after a context"],
)
def test_with_mention_opens_with_its_own_section_when_the_first_block_is_no_section(blocks, kept) -> None:
    payload: dict[str, Any] = {"text": "digest"} if blocks is None else {"text": "digest", "blocks": blocks}
    marked = with_mention(payload, "here")
    mention = {"type": "section", "text": {"type": "mrkdwn", "text": "<!here> :red_circle: critical", "verbatim": True}}
    assert marked["blocks"] == [mention, *kept]
    assert marked["text"] == "<!here> digest"


def test_with_mention_of_a_payload_without_text_notifies_with_the_mention_alone() -> None:
    marked = with_mention({"blocks": [SECTION]}, "channel")
    assert marked["text"].strip() == "<!channel>"


# --- the muted summary ---------------------------------------------------------------------------------------------


def held(**changes: Any) -> Muted:
    return replace(Muted(T0, T0 + 60 * MINUTE, windows=12, errors=340, requests=9000), **changes)


def summary_lines(muted: Muted, **options: Any) -> list[str]:
    return lines_of(muted_summary(muted, title="orders-api", **options))


@pytest.mark.parametrize(("errors", "words"), [(1, "*1* error in"), (2, "*2* errors in")])
def test_the_muted_summary_says_one_error_and_two_errors(errors: int, words: str) -> None:
    assert summary_lines(held(errors=errors))[1].startswith(words)


def test_a_muted_summary_without_a_reason_says_it_was_muted() -> None:
    assert summary_lines(held(reasons=()))[-1] == "Why: muted"


def test_the_muted_summary_gives_three_reasons_at_most_separated_by_semicolons() -> None:
    reasons = ("quiet hours * 22:00-07:00 UTC", "muted until 10:30 UTC (deploy 1.4.2)", "muted until 11:00 UTC", "x")
    assert summary_lines(held(reasons=reasons))[-1] == "Why: " + "; ".join(reasons[:3])


def test_the_longest_mute_reason_the_cli_accepts_is_shown_whole() -> None:
    # The mute command keeps 120 characters of --reason; delivery says "muted until HH:MM UTC (<reason>)".
    reason = f"muted until 10:30 UTC ({'r' * 120})"
    assert summary_lines(held(reasons=(reason,)))[-1] == f"Why: {reason}"


def test_a_reason_longer_than_any_delivery_writes_is_cut_with_an_ellipsis() -> None:
    longest = len(f"muted until 10:30 UTC ({'r' * 120})")
    reason = "r" * (longest + 1)
    assert summary_lines(held(reasons=(reason,)))[-1] == f"Why: {reason[: longest - 1]}…"


def test_statuses_with_as_many_errors_are_ranked_by_status_code() -> None:
    lines = summary_lines(held(errors_by_status={503: 5, 404: 5, 500: 5}))
    assert "By status: `404` 5, `500` 5, `503` 5" in lines


def test_the_muted_summary_ranks_as_many_statuses_as_top_n_does_by_default() -> None:
    # contract.json, top_n: default 10 rows in a ranking of statuses.
    statuses = {400 + index: 100 - index for index in range(12)}  # 400 has the most errors, 411 the fewest
    ranked = ", ".join(f"`{400 + index}` {100 - index}" for index in range(10))
    assert f"By status: {ranked}" in summary_lines(held(errors_by_status=statuses))


def test_the_muted_notification_says_the_title_the_errors_and_the_span() -> None:
    text = muted_summary(held(), title="orders-api")["text"]
    assert text == "orders-api: 340 errors while muted (09:30 to 10:30 UTC)"


def test_long_reasons_cannot_push_the_numbers_out_of_the_muted_summary() -> None:
    # JSON escapes every CJK character to 6 characters: a 150-character title and three long mute reasons are more
    # than the section holds. The numbers stay; what does not fit is cut, with an ellipsis.
    reasons = tuple(f"muted until 1{hour}:00 UTC ({'障' * 120})" for hour in range(3))
    muted = held(errors_by_status={503: 300, 404: 40}, unparsed=2, reasons=reasons)
    lines = lines_of(muted_summary(muted, title="障" * 150))
    assert lines[1:] == [
        "*340* errors in 9,000 requests (3.8 %) over 12 windows",
        "By status: `503` 300, `404` 40",
        "2 lines could not be read",
        "…",
    ]
