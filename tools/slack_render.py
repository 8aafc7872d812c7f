"""Slack Block Kit messages rendered for a terminal, so the demo shows what the channel would show."""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")


def mrkdwn_to_terminal(text: str, bold: tuple[str, str] = ("\033[1m", "\033[0m")) -> str:
    """Slack mrkdwn to plain text: links become their labels (their targets are listed apart), entities decoded."""
    text = LINK.sub(lambda match: f"[{match.group(2)}]", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", lambda match: f"{bold[0]}{match.group(1)}{bold[1]}", text)
    return html.unescape(text)


def links_of(text: str) -> list[tuple[str, str]]:
    return [(html.unescape(label), url) for url, label in LINK.findall(text)]


def render_message(payload: dict[str, Any], width: int = 100, color: bool = True) -> str:
    """One webhook payload as terminal text: sections, context lines, then the links it carries (the notifier sends
    only section and context blocks; anything else is not shown)."""
    bold = ("\033[1m", "\033[0m") if color else ("", "")
    lines: list[str] = []
    links: list[tuple[str, str]] = []
    for block in payload.get("blocks", []):
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind == "section":
            for raw_line in text.splitlines() or [""]:
                lines += textwrap.wrap(mrkdwn_to_terminal(raw_line, bold), width) or [""]
            links += links_of(text)
            lines.append("")
        elif kind == "context":
            for element in block.get("elements", []):
                element_text = element.get("text", "")
                lines.append(f"  {mrkdwn_to_terminal(element_text, bold)}")
                links += links_of(element_text)
    if not lines:
        lines = textwrap.wrap(html.unescape(payload.get("text", "")), width)
    if links:
        lines += ["", "Links:"] + [f"  [{label}] {url}" for label, url in links]
    return "\n".join(lines)
