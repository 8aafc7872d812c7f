"""The README's first command, end to end: `python -m tools.demo` (what `make demo` runs after bootstrapping)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.moto, pytest.mark.slack_receiver]

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_demo_applies_reports_to_slack_and_cleans_up(tmp_path: Path) -> None:
    report_path = tmp_path / "demo.json"
    result = subprocess.run(
        [sys.executable, "-m", "tools.demo", "--report", str(report_path), "--no-color"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads(report_path.read_text())

    # Every step ran, in order, with its progress line.
    for number in range(1, 8):
        assert f"[{number}/7]" in result.stdout
    assert "Demo finished" in result.stdout

    # The notifier counted exactly the errors and broken lines the demo wrote, and Slack got the digest.
    traffic, summary = report["traffic"], report["summary"]
    assert traffic["errors"] > 0 and traffic["unparsed"] == 2
    assert (summary["errors"], summary["unparsed"], summary["reported"]) == (traffic["errors"], 2, True)
    assert summary["requests"] == traffic["lines"] - traffic["unparsed"]
    assert summary["complete"] is True and summary["messages_sent"] == len(report["messages"]) >= 1
    assert summary["queries"] == 3  # totals, counts, and samples over the latest error minute
    first = report["messages"][0]
    assert f"{traffic['errors']} errors in {summary['requests']} requests" in first["text"]
    by_status_block = next(
        block["text"]["text"] for block in first["blocks"] if "By status" in block.get("text", {}).get("text", "")
    )
    for status, count in traffic["errors_by_status"].items():
        assert f"`{status}`  {count} (" in by_status_block
    # ...and the terminal shows that message.
    assert "Slack message 1 of" in result.stdout and "By status" in result.stdout

    # Method 1 and the schedule were shown; the emulator's limits were said plainly.
    ignored_route = '($.httpMethod != "DELETE" || $.resourcePath != "/orders")'  # examples/complete ignores it
    assert sorted(report["resources"]["metric_filters"]) == [
        f"{{ $.status >= 400 && $.status <= 499 && {ignored_route} }}",
        f"{{ $.status >= 500 && {ignored_route} }}",
    ]
    assert report["resources"]["rule_schedule"] == "cron(0/5 * * * ? *)"
    assert "does not evaluate them" in result.stdout

    # The incident as a Slack app's thread: one parent, edited in place, a reply per window with errors and the
    # resolution; one mention (the storm passes the demo's critical count once), none from log text.
    incident = report["incident"]
    assert incident["parents"] == 1
    assert incident["steps"] == ["opens", "updates", "updates", "quiet", "resolves"]
    assert incident["replies"] == [sum(count > 0 for count in (12, 60, 25)) + 1]
    assert incident["mentions"] == 1
    assert "the channel at the end" in result.stdout

    # Cleaned up, and the webhook URL (the receiver's, standing in for a secret) was never printed.
    assert report["destroyed"] is True
    assert "/services/T00000000" not in result.stdout + result.stderr
