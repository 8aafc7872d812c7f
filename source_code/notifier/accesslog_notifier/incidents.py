"""Incidents: windows with errors grouped into one story, from the first window past the thresholds to the quiet
windows that end it. Pure: what a window does to the stored incident, decided here; stored by state.py, posted by
delivery.py.

- No open incident, a window past the thresholds: the incident **opens** (its parent message is posted).
- Open, a window past the thresholds: it is **updated** (a reply in its thread, the parent edited).
- Open, a window below them: one more **quiet** window (nothing posted); after ``quiet_windows`` of them in a row
  it is **resolved** (the parent says so, a last reply too).
- Every scheduled window's counts are added to an open incident, posted or not, so its totals are the errors
  written; an alarm digest only posts (its window overlaps scheduled ones, whose counts come later).

Severity: a window whose 5xx errors reach ``critical_5xx_count`` or whose 5xx share reaches
``critical_5xx_rate_percent`` (0 turns either off) makes the incident critical; the configured mention goes out
once, with the first message posted after that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

OPEN, OPENING, RESOLVED = "open", "opening", "resolved"
OPENS, UPDATES, QUIET, RESOLVES, NOTHING = "opens", "updates", "quiet", "resolves", "nothing"
MAX_MINUTES = 1440  # per-minute counts kept for the sparkline: the last day of an incident
MAX_WINDOW_TREND = 12  # errors of the latest windows, for the trend


@dataclass(frozen=True)
class WindowFacts:
    """What one window brought: its counts, whether it is past the noise thresholds, whether it is critical."""

    start_ms: int
    end_ms: int
    errors: int
    requests: int
    errors_5xx: int
    errors_by_minute: Mapping[int, int] = field(default_factory=dict)
    reportable: bool = False
    critical: bool = False


@dataclass(frozen=True)
class Incident:
    """The stored incident of a scope (the notifier's log groups)."""

    status: str
    incident_id: str
    first_seen_ms: int
    last_seen_ms: int
    errors: int = 0
    requests: int = 0
    errors_5xx: int = 0
    minutes: Mapping[int, int] = field(default_factory=dict)
    window_errors: tuple[int, ...] = ()
    critical: bool = False
    mentioned: bool = False
    quiet: int = 0
    resolved_at_ms: int | None = None
    parent_ts: str | None = None
    channel: str | None = None
    owner: str | None = None
    owner_expires_ms: int = 0
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in (OPEN, OPENING)

    def trend(self) -> str:
        """rising, falling or steady: the latest window's errors against the one before (more than a fifth up is
        rising, more than a fifth down falling); new before the second window."""
        if len(self.window_errors) < 2:
            return "new"
        last, before = self.window_errors[-1], self.window_errors[-2]
        if last > before * 1.2:
            return "rising"
        if last < before * 0.8:
            return "falling"
        return "steady"


def is_critical(errors_5xx: int, requests: int, count: int, rate_percent: float) -> bool:
    """Whether one window's 5xx errors make the incident critical (a threshold of 0 is off)."""
    by_count = count > 0 and errors_5xx >= count
    # The share, one correctly rounded division, against the setting as written: a share exactly at the setting
    # (33 of 3,000 at 1.1) compares equal, where rate_percent * requests can round above it (1.1 * 3000 > 3300).
    by_rate = rate_percent > 0 and requests > 0 and 100 * errors_5xx / requests >= rate_percent
    return by_count or by_rate


def next_step(incident: Incident | None, facts: WindowFacts, quiet_windows: int) -> str:
    """What ``facts`` does to the incident (OPENS, UPDATES, QUIET, RESOLVES or NOTHING)."""
    open_now = incident is not None and incident.is_open
    if facts.reportable:
        return UPDATES if open_now else OPENS
    if not open_now:
        return NOTHING
    assert incident is not None  # open_now says so; for the type checker
    return RESOLVES if incident.quiet + 1 >= quiet_windows else QUIET


def _merged_minutes(minutes: Mapping[int, int], more: Mapping[int, int]) -> dict[int, int]:
    merged = dict(minutes)
    for minute, count in more.items():
        if count:
            merged[minute] = merged.get(minute, 0) + count
    return dict(sorted(merged.items())[-MAX_MINUTES:])


def opened(facts: WindowFacts, *, owner: str, owner_expires_ms: int, previous: Incident | None) -> Incident:
    """The incident a window opens, claimed by ``owner`` until its parent message is posted."""
    return Incident(
        status=OPENING,
        incident_id=f"{facts.start_ms}",
        first_seen_ms=facts.start_ms,
        last_seen_ms=facts.end_ms,
        owner=owner,
        owner_expires_ms=owner_expires_ms,
        version=(previous.version + 1) if previous is not None else 1,
    )


def counted(incident: Incident, facts: WindowFacts, step: str, *, now_ms: int) -> Incident:
    """The incident once the window's counts are in (every step but NOTHING adds them)."""
    if step == NOTHING:
        return incident
    critical = incident.critical or facts.critical
    quiet = incident.quiet + 1 if step in (QUIET, RESOLVES) else 0
    return replace(
        incident,
        status=RESOLVED if step == RESOLVES else OPEN,
        last_seen_ms=facts.end_ms if facts.reportable else incident.last_seen_ms,
        errors=incident.errors + facts.errors,
        requests=incident.requests + facts.requests,
        errors_5xx=incident.errors_5xx + facts.errors_5xx,
        minutes=_merged_minutes(incident.minutes, facts.errors_by_minute),
        window_errors=(*incident.window_errors, facts.errors)[-MAX_WINDOW_TREND:],
        critical=critical,
        quiet=quiet,
        # The end of the window that made it quiet long enough, not the run's clock: a replay hours later says the
        # same.
        resolved_at_ms=facts.end_ms if step == RESOLVES else None,
        version=incident.version + 1,
    )


def needs_mention(incident: Incident, facts: WindowFacts, mention: str) -> bool:
    """Whether the message posted for this window carries the mention: the incident's first critical window."""
    return bool(mention) and facts.critical and not incident.mentioned


def mention_markup(mention: str) -> str:
    """Slack's markup for a configured mention (from the settings only, never from log text)."""
    if mention in ("here", "channel"):
        return f"<!{mention}>"
    return f"<!subteam^{mention}>"
