"""Run the check from a laptop: ``python -m accesslog_notifier --log-group NAME [...] [--dry-run]``.

It uses the standard AWS environment and credentials (or ``AWS_ENDPOINT_URL`` for the emulator) and the same
settings as the Lambda (``ERROR_STATUS_THRESHOLD``, ``QUERY_LIMIT`` ... from the environment; the flags win). The
webhook URL is never accepted on the command line, where shell history and process lists would keep it: name the
SSM parameter that holds it, or use ``--dry-run`` to print the Slack payloads instead of posting them.

Exit status: 0 when the run succeeded, 1 when it found problems (failed query, incomplete totals, delivery
failure), 2 for usage or configuration errors.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from accesslog_notifier.config import ConfigError, load_settings
from accesslog_notifier.handler import (
    DEFAULT_TIME_BUDGET_S,
    Dependencies,
    configure_logging,
    default_dependencies,
    run_check,
)
from accesslog_notifier.window import Window, parse_duration_seconds, parse_iso_ms


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m accesslog_notifier",
        description="Count API Gateway access-log errors in a time range and report them to Slack as one digest.",
    )
    parser.add_argument(
        "--log-group", action="append", required=True, dest="log_groups", metavar="NAME", help="repeatable"
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="DURATION", help="e.g. 15m, 2h, 1d: the range ending now (default 15m)")
    when.add_argument("--start", metavar="ISO", help="range start (included), e.g. 2026-11-25T11:59:00Z; needs --end")
    parser.add_argument("--end", metavar="ISO", help="range end (excluded); needs --start")
    parser.add_argument("--threshold", type=int, help="a status >= this is an error (default ERROR_STATUS_THRESHOLD)")
    parser.add_argument(
        "--webhook-parameter",
        metavar="NAME",
        help="SSM SecureString holding the webhook URL (or WEBHOOK_PARAMETER_NAME)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the Slack payloads as JSON instead of posting")
    parser.add_argument(
        "--time-budget", type=float, default=DEFAULT_TIME_BUDGET_S, metavar="SECONDS", help="default %(default)s"
    )
    return parser


def _window(args: argparse.Namespace, now_ms: int, parser: argparse.ArgumentParser) -> Window:
    try:
        if args.start:
            return Window(parse_iso_ms(args.start), parse_iso_ms(args.end))
        since_s = parse_duration_seconds(args.since or "15m")
        return Window(now_ms - since_s * 1000, now_ms)
    except ValueError as error:
        parser.error(str(error))
    raise AssertionError("unreachable")  # parser.error exits


def main(argv: Sequence[str] | None = None, *, dependencies: Dependencies | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.end and not args.start:
        parser.error("--end needs --start")
    if args.start and not args.end:
        parser.error("--start needs --end")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    environ = dict(os.environ)
    environ["LOG_GROUP_NAMES"] = json.dumps(args.log_groups)
    if args.threshold is not None:
        environ["ERROR_STATUS_THRESHOLD"] = str(args.threshold)
    if args.webhook_parameter:
        environ["WEBHOOK_PARAMETER_NAME"] = args.webhook_parameter
    if not args.dry_run and not environ.get("WEBHOOK_PARAMETER_NAME", "").strip():
        print("--webhook-parameter (or WEBHOOK_PARAMETER_NAME) is required unless --dry-run", file=sys.stderr)
        return 2
    try:
        settings = load_settings(environ, require_webhook=not args.dry_run)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings, {})

    dependencies = dependencies or default_dependencies()
    window = _window(args, dependencies.now_ms(), parser)
    outcome = run_check(settings, window, dependencies, time_budget_s=args.time_budget, send=not args.dry_run)
    if args.dry_run:
        print(json.dumps(outcome.payloads, indent=2, ensure_ascii=False))
    print(json.dumps(outcome.summary, sort_keys=True), file=sys.stderr)
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
