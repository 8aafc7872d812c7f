"""The notifier from a laptop: report a time range, or replay the windows a deployed notifier could not report.

    python -m accesslog_notifier --log-group NAME [--since 15m | --start ISO --end ISO] [--dry-run]
    python -m accesslog_notifier replay --queue-url URL --function-name NAME [--max N]
    python -m accesslog_notifier mute --function-name NAME --for 30m [--reason TEXT] | --end

The first form runs the same check as the Lambda (settings from the same environment variables; the flags win)
over any range. The webhook URL is never accepted on the command line, where shell history and process lists would
keep it: name the SSM parameter that holds it, or use ``--dry-run`` to print the Slack payloads instead.

``replay`` reads the failure queue (the notifier's on-failure destination: each message is Lambda's record of a
run that failed for good, its ``requestPayload`` the original event) and invokes the function again with each
original event, so it reports exactly the window it could not report; a message is deleted once the function
succeeded. It uses the standard AWS environment and credentials (``lambda:InvokeFunction``,
``sqs:ReceiveMessage``, ``sqs:DeleteMessage``).

``mute`` silences a deployed notifier for a while, e.g. from a deploy pipeline: its runs post nothing until then,
and the first run after posts one message with what the mute held (nothing goes unreported). It reads the
function's state table and log groups from its configuration (``lambda:GetFunctionConfiguration``) and writes the
mute (``dynamodb:PutItem``; ``--end`` deletes it: ``dynamodb:DeleteItem``).

Exit status: 0 when everything was reported, 1 when something was not, 2 for usage or configuration errors (a
missing AWS region or credentials included: one line says what to set).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from accesslog_notifier.config import ConfigError, load_settings
from accesslog_notifier.events import MANUAL, Invocation
from accesslog_notifier.handler import (
    DEFAULT_TIME_BUDGET_S,
    Dependencies,
    aws_session,
    configure_logging,
    default_dependencies,
    run_window,
)
from accesslog_notifier.records import safe_text
from accesslog_notifier.redaction import looks_like_a_secret, redact
from accesslog_notifier.state import StateError, StateStore, scope_of
from accesslog_notifier.window import Window, format_iso, parse_duration_seconds, parse_iso_ms

Invoker = Callable[[str, dict[str, Any]], tuple[bool, str]]
RECEIVE_BATCH = 10  # SQS ReceiveMessage returns at most 10 messages
# Long polling: a short poll samples a subset of SQS's servers and may answer nothing while messages wait (SQS
# Developer Guide, "Amazon SQS short and long polling"); a long poll asks them all, so an empty answer means empty.
RECEIVE_WAIT_S = 5
REPLAY_VISIBILITY_S = 900


def _positive_int(text: str) -> int:
    """A whole number of at least 1 (``--max 0`` would replay nothing and still succeed)."""
    if not text.strip().isascii() or not text.strip().isdigit() or len(text.strip()) > 9 or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    """A positive, finite number of seconds (``nan`` would disable every deadline)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors never repeat a URL (a webhook URL typed by mistake stays off the screen)."""

    def error(self, message: str) -> NoReturn:
        super().error(redact(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m accesslog_notifier",
        description="Count API Gateway access-log errors in a time range and report them to Slack as one digest.",
    )
    parser.add_argument("--log-group", action="append", dest="log_groups", metavar="NAME", help="repeatable")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="DURATION", help="e.g. 15m, 2h, 1d: the range ending now (default 15m)")
    when.add_argument("--start", metavar="ISO", help="range start (included), e.g. 2026-11-25T11:59:00Z; needs --end")
    parser.add_argument("--end", metavar="ISO", help="range end (excluded); needs --start")
    parser.add_argument("--threshold", type=int, help="a status >= this is an error (default ERROR_STATUS_THRESHOLD)")
    parser.add_argument(
        "--webhook-parameter",
        metavar="NAME",
        help="SSM SecureString holding the webhook URL (the URL itself is never taken on the command line)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the Slack payloads as JSON instead of posting")
    parser.add_argument("--time-budget", type=_seconds, default=DEFAULT_TIME_BUDGET_S, metavar="SECONDS")
    return parser


def build_replay_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m accesslog_notifier replay",
        description="Invoke the notifier again with each event its failure queue holds; delete what succeeded.",
    )
    parser.add_argument("--queue-url", required=True, help="the failure queue (output notifier_failure_queue_url)")
    parser.add_argument("--function-name", required=True, help="the notifier function (output notifier_function_name)")
    parser.add_argument("--max", type=_positive_int, default=100, help="replay at most this many windows (default 100)")
    return parser


def _window(args: argparse.Namespace, now_ms: int, parser: argparse.ArgumentParser) -> Window:
    try:
        if args.start:
            return Window(parse_iso_ms(args.start), parse_iso_ms(args.end))
        since_s = parse_duration_seconds(args.since or "15m")
        return Window(now_ms - since_s * 1000, now_ms)
    except ValueError as error:
        parser.error(str(error))


def main(argv: Sequence[str] | None = None, *, dependencies: Dependencies | None = None) -> int:
    """Run the range check; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["replay"]:
        return replay_main(argv[1:])
    if argv[:1] == ["mute"]:
        return mute_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.log_groups:
        parser.error("--log-group is required")
    if bool(args.start) != bool(args.end):
        parser.error("--start and --end go together")
    # To stderr; the levels are configure_logging's (LOG_LEVEL for this package, WARNING for the AWS SDK).
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")

    environ = dict(os.environ)
    environ["LOG_GROUP_NAMES"] = json.dumps(args.log_groups)
    if args.threshold is not None:
        environ["ERROR_STATUS_THRESHOLD"] = str(args.threshold)
    if args.webhook_parameter:
        environ["WEBHOOK_PARAMETER_NAME"] = args.webhook_parameter
    if not args.dry_run and not environ.get("WEBHOOK_PARAMETER_NAME"):
        print("--webhook-parameter (or WEBHOOK_PARAMETER_NAME) is required unless --dry-run", file=sys.stderr)
        return 2
    try:
        settings = load_settings(environ, require_webhook=not args.dry_run)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings, {})
    if dependencies is None:
        problem = aws_setup_problem()
        if problem:
            print(f"{parser.prog}: error: {problem}", file=sys.stderr)
            return 2
        dependencies = default_dependencies()
    invocation = Invocation(MANUAL, _window(args, dependencies.now_ms(), parser))
    outcome = run_window(settings, invocation, dependencies, time_budget_s=args.time_budget, send=not args.dry_run)
    if args.dry_run:
        print(json.dumps(outcome.payloads, indent=2, ensure_ascii=False))
    print(json.dumps(outcome.summary, sort_keys=True), file=sys.stderr)
    return 1 if outcome.unreported or outcome.summary["problems"] else 0


def lambda_invoker(client: Any = None) -> Invoker:
    """Invoke the deployed function synchronously; (succeeded, what it answered)."""

    def invoke(function_name: str, event: dict[str, Any]) -> tuple[bool, str]:

        lambda_client = client or aws_session().client("lambda")
        response = lambda_client.invoke(
            FunctionName=function_name, InvocationType="RequestResponse", Payload=json.dumps(event)
        )
        answer = response["Payload"].read().decode(errors="replace")  # UTF-8
        return response.get("StatusCode") == 200 and "FunctionError" not in response, answer

    return invoke


def _event_time(event: dict[str, Any]) -> str | None:
    """When the failed run's event happened: a scheduled event's time, or an SNS message's timestamp."""
    if isinstance(event.get("time"), str):
        return event["time"]
    try:
        return str(event["Records"][0]["Sns"]["Timestamp"])
    except (KeyError, IndexError, TypeError):
        return None


def _replay_one(message: dict[str, Any], function_name: str, invoke: Invoker) -> dict[str, Any]:
    """Invoke the function with one failure record's original event; the result (``replayed`` says whether)."""
    result: dict[str, Any] = {"message_id": message.get("MessageId")}
    try:
        record = json.loads(message["Body"])
        event = record["requestPayload"]
        if not isinstance(event, dict):
            raise TypeError("requestPayload is not an event")
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        return {**result, "replayed": False, "problem": f"not a Lambda failure record: {safe_text(str(error))}"}
    result["event_time"] = _event_time(event)
    try:
        succeeded, answer = invoke(function_name, event)
    except Exception as error:  # an AWS error (throttled, denied...) leaves this one for later, not the others
        if not _is_aws_error(error):
            raise
        return {**result, "replayed": False, "problem": f"invoke failed: {safe_text(str(error), 300)}"}
    return {**result, "replayed": succeeded, "answer": safe_text(answer, 500)}


def _is_aws_error(error: Exception) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, ClientError | BotoCoreError)


def replay(queue_url: str, function_name: str, *, sqs: Any, invoke: Invoker, limit: int) -> list[dict[str, Any]]:
    """Replay up to ``limit`` failed runs from the queue; one result per message (deleted when it succeeded).

    A message that was not replayed is made visible again at the end, whatever happened, so the queue (and its
    alarm) still shows it.
    """
    results: list[dict[str, Any]] = []
    hidden: list[str] = []  # receipts of messages received and not deleted
    try:
        while len(results) < limit:
            batch = min(RECEIVE_BATCH, limit - len(results))
            messages = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=batch,
                VisibilityTimeout=REPLAY_VISIBILITY_S,
                WaitTimeSeconds=RECEIVE_WAIT_S,
            ).get("Messages")
            if not messages:
                break
            hidden += [message["ReceiptHandle"] for message in messages]
            for message in messages:
                result = _replay_one(message, function_name, invoke)
                if result["replayed"]:
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                    hidden.remove(message["ReceiptHandle"])
                results.append(result)
    finally:
        for receipt in hidden:
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0)
    return results


def aws_setup_problem() -> str:
    """What is missing for the AWS SDK to make a call (a region, credentials), in one line; "" when nothing is."""
    session = aws_session()
    if not session.region_name:
        return "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), or use a profile with a region (AWS_PROFILE)"
    try:
        credentials = session.get_credentials()
    except Exception as error:  # a broken profile or credential process: botocore raises its own errors
        if not _is_aws_error(error):
            raise
        return f"the AWS credentials cannot be read ({type(error).__name__}): check AWS_PROFILE and its configuration"
    if credentials is None:
        return "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    return ""


def replay_main(argv: Sequence[str], *, sqs: Any = None, invoke: Invoker | None = None) -> int:
    """``replay``: returns 0 when every message was replayed (or there was none), 1 otherwise; 2 for usage errors
    and a missing region or credentials."""
    parser = build_replay_parser()
    args = parser.parse_args(list(argv))
    if sqs is None or invoke is None:
        problem = aws_setup_problem()
        if problem:
            print(f"{parser.prog}: error: {problem}", file=sys.stderr)
            return 2
    if sqs is None:
        sqs = aws_session().client("sqs")
    results = replay(args.queue_url, args.function_name, sqs=sqs, invoke=invoke or lambda_invoker(), limit=args.max)
    for result in results:
        print(json.dumps(result, sort_keys=True))
    print(f"{sum(r['replayed'] for r in results)} of {len(results)} window(s) replayed", file=sys.stderr)
    return 0 if all(result["replayed"] for result in results) else 1


def build_mute_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m accesslog_notifier mute",
        description="Post nothing for a while (a deploy, planned work); what was held is posted when the mute ends.",
    )
    parser.add_argument("--function-name", required=True, help="the notifier function (output notifier_function_name)")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--for", dest="duration", metavar="DURATION", help="e.g. 30m, 2h (at most 7d)")
    when.add_argument("--end", action="store_true", help="end the mute now (the next run posts what it held)")
    parser.add_argument("--reason", default="", help="said in the summary, e.g. 'deploy 1.4.2' (no secrets)")
    return parser


MAX_MUTE_S = 7 * 86400


def mute_main(
    argv: Sequence[str], *, lambda_client: Any = None, dynamodb: Any = None, now_ms: int | None = None
) -> int:
    """``mute``: 0 when the mute was set or ended, 2 for usage errors and a function without a state table."""
    parser = build_mute_parser()
    args = parser.parse_args(list(argv))
    seconds = 0
    if args.duration is not None:
        try:
            seconds = parse_duration_seconds(args.duration)
        except ValueError as error:
            parser.error(str(error))
        if seconds > MAX_MUTE_S:
            parser.error(f"--for is at most 7d (got {args.duration})")
    if looks_like_a_secret(args.reason):
        parser.error("--reason must not hold a URL or a token: it is posted to Slack")
    if lambda_client is None or dynamodb is None:
        problem = aws_setup_problem()
        if problem:
            print(f"{parser.prog}: error: {problem}", file=sys.stderr)
            return 2
        session = aws_session()
        lambda_client = lambda_client or session.client("lambda")
        dynamodb = dynamodb or session.client("dynamodb")
    try:
        configuration = lambda_client.get_function_configuration(FunctionName=args.function_name)
    except Exception as error:
        if not _is_aws_error(error):
            raise
        print(f"{parser.prog}: error: {safe_text(redact(str(error)), 300)}", file=sys.stderr)
        return 2
    variables = (configuration.get("Environment") or {}).get("Variables") or {}
    table = variables.get("STATE_TABLE_NAME", "")
    try:
        groups = json.loads(variables.get("LOG_GROUP_NAMES", "[]"))
    except ValueError:
        groups = []
    if not table or not isinstance(groups, list) or not groups:
        print(
            f"{parser.prog}: error: {args.function_name} has no state table (create_state_table), so it cannot be "
            "muted",
            file=sys.stderr,
        )
        return 2
    store = StateStore(dynamodb, table, scope_of(groups))
    now = now_ms if now_ms is not None else time.time_ns() // 1_000_000
    try:
        if args.end:
            store.clear_mute()
            print(f"{args.function_name}: mute ended; the next run posts what it held")
        else:
            until = now + seconds * 1000
            reason = safe_text(args.reason, 120) or "a mute"
            store.set_mute(until, reason, now_ms=now)
            print(f"{args.function_name}: muted until {format_iso(until)} ({reason})")
    except StateError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
