"""A pure-Python evaluator for the subset of the CloudWatch Logs Insights query language the notifier uses.

moto stores log events but ignores ``filter`` and ``stats``; the notifier computes its counts with Logs Insights
aggregation queries, so the emulator the tests, the demo and the benchmark run needs an evaluator that follows AWS's
documented definitions. This module is a pure library (standard library only): :func:`parse_query` turns a query
string into a :class:`Query` or raises :class:`MalformedQueryError` (what AWS reports as ``MalformedQueryException``)
for anything outside the subset, and :func:`run_query` evaluates a query over :class:`LogEvent` objects and returns
what ``GetQueryResults`` would.

Documents followed (AWS, read 2026; each construct below cites the page it follows)
------------------------------------------------------------------------------------
- Query syntax overview, pipes and comments:
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
- fields: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html
- filter (comparisons, and/or/not, in, like, =~):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html
- stats (bin units, two-stats rules): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html
- sort (natural sort order): https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html
- limit (default 10,000, maximum 100,000):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html
- display: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Display.html
- functions (toMillis, ispresent, coalesce, bin caps, comparison operators):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html
- aliases and comments: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-alias.html
- backticks: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Guidelines.html
- system fields and JSON field discovery (dot notation, arrays, ``@@``, 200 fields):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
- StartQuery (time range in epoch seconds, inclusive at both ends):
  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
- GetQueryResults / ResultField / QueryStatistics (result shape, statistics as doubles):
  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html,
  https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_QueryStatistics.html
- An earlier edition of the syntax page (one page for all commands) whose examples the current pages dropped:
  ``filter statusCode in [300,400,500]`` "returns log events that have a statusCode of "300", "400", or "500"",
  ``filter Type not in ["foo","bar",1]``, ``filter logGroup in ["example_group"]``,
  ``filter f1 =~ /^(?i)Exception$/`` (archived at https://github.com/awsdocs/amazon-cloudwatch-logs-user-guide,
  doc_source/CWL_QuerySyntax.md).

The subset
----------
Commands ``fields``, ``filter``, ``stats`` (one), ``sort``, ``limit``, ``display``, separated by ``|``; ``#`` starts a
comment that runs to the end of the line. Expressions: field names (``@``-fields, discovered JSON fields, backticked
names, aliases), number and string literals, ``toMillis``, ``ispresent``, ``coalesce``; conditions with ``and``,
``or``, ``not``, parentheses, ``= != < <= > >=``, ``in [...]``, ``not in [...]``, ``like``/``not like`` with a
string or ``/regex/``, ``=~``; aggregates ``count(*)``, ``count()``, ``count(field)``, ``sum``, ``min``, ``max``;
``by`` a field or ``bin(period)``. Everything else (other commands such as ``parse`` or ``dedup``, other functions,
arithmetic, a second ``stats``, ``limit any``, ``bin`` with days or longer) raises :class:`MalformedQueryError`
naming what was refused and where; nothing is silently ignored. Regular expressions run on Python's ``re`` (AWS
uses Hyperscan/RE2): the documented forms behave the same; ``(?i)`` after leading anchors is moved to the front (as
in the documented ``/^(?i)Exception$/``) and anywhere else it is refused.

Choices where the documents are silent or unclear (each pinned by a test)
-------------------------------------------------------------------------
- String vs number (``status >= 400`` when the JSON holds ``"status":"503"``): compared as numbers when the string
  is a plain decimal number, because the documents' own examples rely on it: ``filter statusCode in [300,400,500]``
  is said to return statusCode "300", "400" or "500", and ``accountId=123456789012`` is used with the JSON example
  whose ``"accountId"`` is a string. A string that is not a number (``"-"``) is unequal to every number: ``=``, ``<``,
  ``<=``, ``>``, ``>=`` are false and ``!=`` is true. Two strings compare as strings.
- A comparison, ``in`` or ``like`` on a field an event lacks: the documents say nothing, so there are two readings
  (``missing_comparison``). By default (``"false"``) it is false, whichever operator (``!=`` too), and ``not``,
  ``not in`` and ``not like`` negate the positive form, so they are true for a missing field (two-valued logic: the
  documents define ``not in``/``not like`` as ``not`` used with ``in``/``like``). With ``"unknown"`` it is SQL's
  unknown: ``not`` of unknown is unknown, ``and``/``or`` follow Kleene's three-valued logic (false and unknown is
  false, true or unknown is true), and ``filter`` keeps only events whose condition is true. Under the first reading
  ``not (httpMethod = "GET" and resourcePath = "/health")`` keeps HTTP-API lines, which have no ``resourcePath``;
  under the second it drops them. ``ispresent`` is true or false under both, so a condition that guards each
  comparison with it (or compares only fields every event has) means the same under both.
- ``stats ... by a, b`` when an event lacks ``a``: by default (``missing_group_field="group"``) the event counts in a
  group whose ``a`` is missing, and the row omits ``a`` (as GetQueryResults omits fields an event does not have);
  ``missing_group_field="drop"`` drops such events instead (they still count in ``recordsMatched``).
- Groups are keyed by the value as displayed, so ``"503"`` and ``503`` are one group (consistent with the comparison
  choice). Rows come in the order their groups were first seen; AWS does not document the order, so tests should not
  depend on it without a ``sort``.
- ``stats`` without ``by`` when no event reaches it: the documents do not say. By default
  (``empty_stats="no_rows"``) there are no rows, the reading a caller must cope with in any case (a missing count
  means 0); ``empty_stats="zero_row"`` returns one row with the counts at 0, the SQL-like reading.
- ``sort`` without ``asc``/``desc``: the sort page does not state a default, so by default (``sort_default="refuse"``)
  it raises :class:`MalformedQueryError` asking for an explicit direction; ``sort_default="asc"|"desc"`` models either
  reading. A missing value sorts as the smallest (first ascending, last descending: "the results are the reverse").
- ``sum`` over no numeric value, and ``min``/``max`` over no value, leave the field out of the row. ``min``/``max`` use
  the documented sort order; ``sum`` adds numbers and numeric strings and skips anything else.
- JSON discovery: a message is JSON only when the whole message (surrounding white space allowed) is one JSON object;
  truncated JSON, plain text and top-level arrays contribute no fields but are still events (``count(*)`` counts them).
  ``true``/``false`` become the strings ``"true"``/``"false"``; ``null`` is treated as absent (``coalesce`` skips it);
  empty objects and arrays contribute nothing; ``NaN``/``Infinity`` make the message non-JSON. When more than 200 fields
  flatten out, the first 200 in document order are kept (the documents give the cap, not which fields survive). A
  literal key that collides with a flattened path keeps the first in document order.
- Field names starting with one ``@`` other than the six modelled here (``@timestamp``, ``@message``, ``@logStream``,
  ``@log``, ``@ptr``, ``@ingestionTime``) are fields AWS generates for particular log types (Lambda's ``@duration``...);
  they are refused rather than silently absent. ``@ptr`` can be displayed but not filtered, sorted or aggregated.
- ``@timestamp`` (and ``@ingestionTime``) are timestamps: compare ``toMillis(@timestamp)``, not ``@timestamp``, with a
  number ("Currently, CloudWatch Logs Insights doesn't support filtering logs with human readable timestamps");
  ``@ingestionTime`` is shown like ``@timestamp``.
- ``ispresent(...)`` shown by ``fields`` is ``1`` or ``0`` (the fields page: "The value of isRes equals 0 or 1").
- ``bin(period)`` rounds ``@timestamp`` down to a multiple of the period counted from the epoch; a period above the
  documented cap of its unit is capped ("if you specify bin(300s), CloudWatch Logs actually implements this as 60
  seconds"). Units: the ms, s, m and h families with their documented long forms and plurals.
- Rows of a query without ``stats`` and without ``sort`` come in input order.
- statistics: ``recordsScanned`` = events in the time range; ``recordsMatched`` = events that passed every ``filter``
  before ``stats`` (before any ``limit``); ``bytesScanned`` = UTF-8 bytes of the scanned events' messages (the API says
  "total number of bytes in the log events scanned" without saying what a log event's size is; the message is the
  part a test controls); ``logGroupsScanned`` = distinct log groups among the scanned events; the estimated* values 0.
- Time range: StartQuery includes both ends and takes whole seconds. By default (``end_second="whole"``) the whole
  end second is included (``start*1000 <= @timestamp <= end*1000 + 999``); ``end_second="first_ms"`` models an AWS that
  includes only its first millisecond. A query that filters on ``toMillis(@timestamp)`` inside the range is exact
  under both.

Performance
-----------
Each event's message is parsed at most once per run, and only when the query uses a discovered field; what was
extracted (the named fields only, to keep memory small) is cached on the LogEvent so that later runs over the same
LogEvent objects reuse it (``cache_fields=False`` turns this off; a caller that builds new LogEvents per query gets
no reuse). Measured on this machine (2 cores, shared, Python 3.11) over 1,000,000 API Gateway access-log events of
about 500 bytes, all inside the range, the four notifier queries in order:

- ``stats count(*) as lines``: 1.0-1.3 s (no JSON parsed);
- ``stats count(*) as requests by status, httpMethod, resourcePath, routeKey``: 6.6-8 s on first sight of the
  events (typical; 11 s once under load from other work), of which decoding the JSON is about 4.5-6 s (the C
  decoder of the standard library, the floor for this engine), and 0.9-1.2 s when run again over the cached fields;
  without the cache 6.9-10.7 s. The cache holds about 340 MB for the million events;
- ``stats count(*) as requests by bin(1m) as minute, status``: 1.5-2.0 s (cached);
- the ``fields``/``filter``/``sort @timestamp desc``/``limit 20`` error query: 2.3-2.7 s (cached, 875,000 matches).
"""

from __future__ import annotations

import base64
import gc
import heapq
import json
import math
import operator
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "LogEvent",
    "MalformedQueryError",
    "Query",
    "QueryResult",
    "format_timestamp",
    "parse_query",
    "run_query",
]

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html: "If you omit limit, the query
# defaults to returning up to 10,000 log events. You can specify a limit value of up to 100,000."
DEFAULT_LIMIT = 10_000
MAX_LIMIT = 100_000

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html: "CloudWatch
# Logs Insights can extract a maximum of 200 log event fields from a JSON log."
MAX_DISCOVERED_FIELDS = 200


# ----------------------------------------------------------------------------------------------------------------
# Public types
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEvent:
    """One stored log event, as PutLogEvents stored it."""

    timestamp_ms: int  # the event's @timestamp, epoch milliseconds
    message: str  # @message
    log_group: str = ""  # @log is "<account>:<log group>" on AWS; the group name is kept here
    log_stream: str = ""  # @logStream
    ingestion_time_ms: int | None = None  # @ingestionTime


class MalformedQueryError(ValueError):
    """What AWS reports as MalformedQueryException: the message says what was refused and where.

    ``position`` is the 0-based offset in the query string (None when the problem is not at one place).
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass
class QueryResult:
    """What GetQueryResults returns for a completed query."""

    results: list[list[dict[str, str]]]  # rows of {"field": ..., "value": ...}
    statistics: dict[str, float]  # recordsMatched, recordsScanned, ... as floats, as AWS returns them


def format_timestamp(timestamp_ms: int) -> str:
    """``YYYY-MM-DD HH:MM:SS.mmm`` in UTC, as GetQueryResults shows ``@timestamp`` (``2026-11-25 09:31:12.907``)."""
    seconds, millis = divmod(timestamp_ms, 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}"


# ----------------------------------------------------------------------------------------------------------------
# Tokens
# ----------------------------------------------------------------------------------------------------------------


def _where(source: str, position: int) -> str:
    line = source.count("\n", 0, position) + 1
    column = position - (source.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def _refuse(source: str, position: int | None, message: str) -> MalformedQueryError:
    if position is None:
        return MalformedQueryError(message)
    return MalformedQueryError(f"{message} (at {_where(source, position)})", position)


@dataclass(frozen=True)
class _Token:
    kind: str  # name, qname, string, regex, number, period, op, ( ) [ ] , | *, eof
    text: str  # the source text of the token
    value: Any  # decoded value (string contents, number, name)
    pos: int
    end: int


_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_PERIOD = re.compile(r"\d+[A-Za-z]+")
_OPERATORS = ("=~", "!=", "<=", ">=", "=", "<", ">")
_PUNCTUATION = "()[],|*"
# Words after which a '-' followed by a digit is a negative number rather than (unsupported) subtraction.
_OPERAND_WORDS = frozenset({"and", "or", "not", "in", "filter", "limit", "fields", "display"})


def _name_char(ch: str) -> bool:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Guidelines.html: names may hold
    # alphanumerics, "@" and "."; anything else needs backticks.
    return ch.isalnum() or ch in "_@."


def _expects_pattern(previous: _Token | None) -> bool:
    # A '/' starts a regular expression only where one is allowed: after like or =~
    # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html).
    if previous is None:
        return False
    return (previous.kind == "name" and previous.text.lower() == "like") or (
        previous.kind == "op" and previous.text == "=~"
    )


def _expects_operand(previous: _Token | None) -> bool:
    if previous is None or previous.kind in ("op", "(", "[", ",", "|"):
        return True
    return previous.kind == "name" and previous.text.lower() in _OPERAND_WORDS


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-alias.html: "Use the hash
            # character (#) to set off comments"; the stats page puts them after a command, so a comment runs from
            # '#' to the end of the line.
            newline = source.find("\n", i)
            i = n if newline < 0 else newline
            continue
        start = i
        previous = tokens[-1] if tokens else None
        if ch == "/" and _expects_pattern(previous):
            i += 1
            pattern: list[str] = []
            while i < n and source[i] != "/":
                if source[i] == "\\" and i + 1 < n:
                    # "\/" is a slash inside the pattern; other escapes belong to the regex and are kept.
                    pattern.append("/" if source[i + 1] == "/" else source[i : i + 2])
                    i += 2
                    continue
                pattern.append(source[i])
                i += 1
            if i >= n:
                raise _refuse(source, start, "unterminated regular expression: no closing '/'")
            i += 1
            if i < n and source[i].isalpha():
                raise _refuse(source, i, f"regular expression flag {source[i]!r} after the closing '/' is unsupported")
            tokens.append(_Token("regex", source[start:i], "".join(pattern), start, i))
        elif ch in "\"'":
            i += 1
            chars: list[str] = []
            while i < n and source[i] != ch:
                if source[i] == "\\" and i + 1 < n:
                    following = source[i + 1]
                    chars.append(following if following in (ch, "\\") else source[i : i + 2])
                    i += 2
                    continue
                chars.append(source[i])
                i += 1
            if i >= n:
                raise _refuse(source, start, f"unterminated string: no closing {ch}")
            i += 1
            tokens.append(_Token("string", source[start:i], "".join(chars), start, i))
        elif ch == "`":
            close = source.find("`", i + 1)
            if close < 0:
                raise _refuse(source, start, "unterminated backticked name: no closing '`'")
            i = close + 1
            tokens.append(_Token("qname", source[start:i], source[start + 1 : close], start, i))
        elif ch.isdigit() or (ch == "-" and i + 1 < n and source[i + 1].isdigit() and _expects_operand(previous)):
            negative = ch == "-"
            digits_at = i + 1 if negative else i
            number = _NUMBER.match(source, digits_at)
            assert number is not None  # a digit is there, so the pattern matches
            i = number.end()
            if i < n and (source[i].isalpha() or source[i] == "_"):
                period = _PERIOD.match(source, digits_at)
                if negative or period is None or (period.end() < n and _name_char(source[period.end()])):
                    raise _refuse(source, start, f"malformed number or time period {source[start : i + 1]!r}")
                i = period.end()
                tokens.append(_Token("period", source[start:i], source[start:i], start, i))
            else:
                text = source[start:i]
                value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
                tokens.append(_Token("number", text, value, start, i))
        elif ch.isalpha() or ch in "_@":
            if ch == "@" and i + 1 < n and source[i + 1] == "`":
                # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Guidelines.html:
                # @`name with specials` for system fields.
                close = source.find("`", i + 2)
                if close < 0:
                    raise _refuse(source, start, "unterminated backticked name: no closing '`'")
                i = close + 1
                tokens.append(_Token("qname", source[start:i], "@" + source[start + 2 : close], start, i))
                continue
            while i < n and _name_char(source[i]):
                i += 1
            tokens.append(_Token("name", source[start:i], source[start:i], start, i))
        elif ch in "=!<>":
            for op in _OPERATORS:
                if source.startswith(op, i):
                    i += len(op)
                    tokens.append(_Token("op", op, op, start, i))
                    break
            else:
                raise _refuse(source, start, f"unexpected character {ch!r}")
        elif ch in _PUNCTUATION:
            i += 1
            tokens.append(_Token(ch, ch, ch, start, i))
        elif ch in "+-/%^":
            raise _refuse(source, start, f"arithmetic operator {ch!r} is not supported by this engine")
        else:
            raise _refuse(source, start, f"unexpected character {ch!r}")
    tokens.append(_Token("eof", "", None, n, n))
    return tokens


# ----------------------------------------------------------------------------------------------------------------
# Syntax tree
# ----------------------------------------------------------------------------------------------------------------

Kind = Literal["value", "timestamp", "bool"]

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html: the fields
# CloudWatch Logs generates for every log event.
SYSTEM_FIELDS: dict[str, Kind] = {
    "@timestamp": "timestamp",
    "@ingestionTime": "timestamp",
    "@message": "value",
    "@logStream": "value",
    "@log": "value",
    "@ptr": "value",
}


@dataclass(frozen=True)
class Expr:
    """Base of expression nodes; ``text`` is the expression as written in the query."""

    text: str

    @property
    def kind(self) -> Kind:
        """What the expression yields: a value (string or number), a timestamp or a boolean."""
        return "value"


@dataclass(frozen=True)
class Field(Expr):
    """A system field (``@timestamp``...) or a field discovered in JSON messages (``status``, ``a.b``, ``@@x``)."""

    name: str

    @property
    def kind(self) -> Kind:
        """Timestamps for @timestamp and @ingestionTime, values otherwise."""
        return SYSTEM_FIELDS.get(self.name, "value")


@dataclass(frozen=True)
class Const(Expr):
    """A number or string literal."""

    value: str | int | float


@dataclass(frozen=True)
class Alias(Expr):
    """A name given with ``as`` in an earlier ``fields`` command, standing for its expression."""

    name: str
    target: Expr

    @property
    def kind(self) -> Kind:
        """The aliased expression's kind."""
        return self.target.kind


@dataclass(frozen=True)
class Column(Expr):
    """An output column of ``stats``, referenced by a command after it."""

    name: str
    column_kind: Kind

    @property
    def kind(self) -> Kind:
        """The column's kind (timestamp for bin columns)."""
        return self.column_kind


@dataclass(frozen=True)
class Call(Expr):
    """``toMillis``, ``ispresent`` or ``coalesce`` (aggregates and ``bin`` live in :class:`StatsCommand`)."""

    function: str  # canonical name: toMillis, ispresent, coalesce
    args: tuple[Expr, ...]

    @property
    def kind(self) -> Kind:
        """toMillis yields a number, ispresent a boolean, coalesce the kind of its arguments."""
        if self.function == "ispresent":
            return "bool"
        if self.function == "coalesce":
            return self.args[0].kind
        return "value"


@dataclass(frozen=True)
class Condition(Expr):
    """An expression whose value is a boolean (comparisons, list and pattern tests, and/or/not)."""

    @property
    def kind(self) -> Kind:
        return "bool"


@dataclass(frozen=True)
class Compare(Condition):
    """``left op right`` with op one of ``= != < <= > >=``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class InList(Condition):
    """``operand [not] in [literal, ...]``."""

    operand: Expr
    values: tuple[str | int | float, ...]
    negated: bool


@dataclass(frozen=True)
class Match(Condition):
    """``operand [not] like "substring"|/regex/`` and ``operand =~ ...``."""

    operand: Expr
    pattern: str
    regex: re.Pattern[str] | None  # None: substring match
    negated: bool


@dataclass(frozen=True)
class BoolOp(Condition):
    """``left and right`` / ``left or right``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Not(Condition):
    """``not operand``."""

    operand: Expr


@dataclass(frozen=True)
class OutputItem:
    """One field a ``fields`` or ``display`` command shows, under ``name``."""

    name: str
    expr: Expr


@dataclass(frozen=True)
class FieldsCommand:
    """``fields expr [as alias], ...``."""

    items: tuple[OutputItem, ...]


@dataclass(frozen=True)
class DisplayCommand:
    """``display field, ...``."""

    items: tuple[OutputItem, ...]


@dataclass(frozen=True)
class FilterCommand:
    """``filter condition``."""

    condition: Expr


@dataclass(frozen=True)
class Aggregate:
    """``count(*)``, ``count(field)``, ``sum(field)``, ``min(field)`` or ``max(field)`` shown under ``name``."""

    name: str
    function: str  # count_star, count, sum, min, max
    arg: Expr | None

    @property
    def kind(self) -> Kind:
        """min/max of a timestamp are timestamps; everything else is a value."""
        if self.function in ("min", "max") and self.arg is not None:
            return self.arg.kind
        return "value"


@dataclass(frozen=True)
class Group:
    """A ``by`` expression: a field, or ``bin(period)`` when ``bin_ms`` is set."""

    name: str
    expr: Expr | None
    bin_ms: int | None

    @property
    def kind(self) -> Kind:
        """bin and @timestamp groups are timestamps."""
        if self.bin_ms is not None:
            return "timestamp"
        assert self.expr is not None  # a Group is a field or a bin
        return self.expr.kind


@dataclass(frozen=True)
class StatsCommand:
    """``stats aggregate [as alias], ... [by group [as alias], ...]``."""

    aggregates: tuple[Aggregate, ...]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class SortKey:
    """One ``sort`` key; ``descending`` is None when the query gave no direction."""

    name: str
    expr: Expr
    descending: bool | None
    position: int


@dataclass(frozen=True)
class SortCommand:
    """``sort field [asc|desc], ...``."""

    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class LimitCommand:
    """``limit N``."""

    count: int


Command = FieldsCommand | DisplayCommand | FilterCommand | StatsCommand | SortCommand | LimitCommand


@dataclass(frozen=True)
class Query:
    """A parsed query: its commands in order, with names already resolved (aliases, stats columns)."""

    source: str
    commands: tuple[Command, ...]

    @property
    def stats(self) -> StatsCommand | None:
        """The query's ``stats`` command, if it has one."""
        return next((command for command in self.commands if isinstance(command, StatsCommand)), None)


# ----------------------------------------------------------------------------------------------------------------
# Parser
# ----------------------------------------------------------------------------------------------------------------

# Commands of the Logs Insights language this engine does not implement, so that refusing one names it as such
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html lists them).
_UNSUPPORTED_COMMANDS = frozenset(
    {
        "parse",
        "dedup",
        "unmask",
        "unnest",
        "pattern",
        "diff",
        "anomaly",
        "filterindex",
        "source",
        "lookup",
        "join",
        "where",
        "addtotals",
        "expand",
        "relevantfields",
        "autoregress",
        "logcompare",
        "filldown",
        "fillmissing",
        "cidrlookup",
        "outlier",
        "accum",
        "appendcols",
        "sessionize",
        "countfrequent",
        "head",
        "tail",
    }
)
_FUNCTIONS = {"tomillis": "toMillis", "ispresent": "ispresent", "coalesce": "coalesce"}
_AGGREGATES = frozenset({"count", "sum", "min", "max"})
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html lists the bin units and says
# "For all units and abbreviations that include more than one character, adding s to pluralize is supported";
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html gives the caps:
# "The cap for ms is 1000, the caps for s and m are 60, and the cap for h is 24."
_MS_PER_UNIT = {
    **dict.fromkeys(("ms", "msec", "msecs", "millisecond", "milliseconds"), 1),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1_000),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60_000),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3_600_000),
}
_UNIT_CAP = {1: 1000, 1_000: 60, 60_000: 60, 3_600_000: 24}
_LONG_UNITS = frozenset(
    {"d", "day", "days", "w", "week", "weeks", "mo", "mon", "mons", "month", "months"}
    | {"q", "qtr", "qtrs", "quarter", "quarters", "y", "yr", "yrs", "year", "years"}
)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.i = 0
        self.aliases: dict[str, Expr] = {}  # names given by fields ... as, before stats
        self.columns: dict[str, Kind] | None = None  # stats output columns, once stats has been parsed

    # -- token helpers ---------------------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        if token.kind != "eof":
            self.i += 1
        return token

    def at_word(self, word: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "name" and token.text.lower() == word

    def error(self, message: str, token: _Token | None = None) -> MalformedQueryError:
        token = token or self.peek()
        return _refuse(self.source, token.pos, message)

    def describe(self, token: _Token) -> str:
        return "the end of the query" if token.kind == "eof" else repr(token.text)

    def expect(self, kind: str, what: str) -> _Token:
        token = self.peek()
        if token.kind != kind:
            raise self.error(f"expected {what} but found {self.describe(token)}")
        return self.take()

    def text_between(self, first: _Token, last: _Token) -> str:
        return self.source[first.pos : last.end]

    # -- query -----------------------------------------------------------------------------------------------------

    def parse(self) -> Query:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html: "To create queries that
        # contain multiple commands, separate the commands with the pipe character (|)."
        if self.peek().kind == "eof":
            raise MalformedQueryError("the query is empty (or only comments)")
        commands: list[Command] = []
        while True:
            commands.append(self.command(commands))
            token = self.peek()
            if token.kind == "eof":
                break
            if token.kind != "|":
                raise self.error(f"expected '|' or the end of the query but found {self.describe(token)}")
            self.take()
        return Query(self.source, tuple(commands))

    def command(self, earlier: list[Command]) -> Command:
        token = self.peek()
        if token.kind != "name":
            raise self.error(f"expected a command but found {self.describe(token)}")
        word = token.text.lower()
        after_stats = self.columns is not None
        if word in _UNSUPPORTED_COMMANDS:
            raise self.error(f"command {token.text!r} is not supported by this engine")
        if word == "fields":
            if after_stats:
                raise self.error("'fields' after 'stats' is not supported: only stats outputs exist there")
            self.take()
            return FieldsCommand(self.output_items(allow_expressions=True))
        if word == "display":
            self.take()
            return DisplayCommand(self.output_items(allow_expressions=False))
        if word == "filter":
            self.take()
            return FilterCommand(self.condition())
        if word == "stats":
            if after_stats:
                # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html allows two.
                raise self.error("a second 'stats' command is not supported by this engine")
            for command in earlier:
                if isinstance(command, DisplayCommand):
                    raise self.error("'display' before 'stats' would have no effect: put it after 'stats'")
                if isinstance(command, SortCommand | LimitCommand):
                    # The stats page: "If you use a sort or limit command, it must appear after the second stats
                    # command"; sorting or limiting events before aggregating them is refused here as well.
                    raise self.error("'sort' and 'limit' must come after 'stats'")
            self.take()
            return self.stats()
        if word == "sort":
            self.take()
            return self.sort()
        if word == "limit":
            if any(isinstance(command, LimitCommand) for command in earlier):
                raise self.error("a second 'limit' command is not supported")
            self.take()
            return self.limit()
        raise self.error(f"unknown command {token.text!r}")

    # -- fields / display ------------------------------------------------------------------------------------------

    def output_items(self, *, allow_expressions: bool) -> tuple[OutputItem, ...]:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html and -Display.html.
        items: list[OutputItem] = []
        while True:
            token = self.peek()
            if token.kind in ("name", "qname") and token.value == "@ptr" and self.peek(1).kind != "(":
                self.take()
                if self.at_word("as"):
                    raise self.error("@ptr cannot be renamed")
                items.append(OutputItem("@ptr", Field(token.text, "@ptr")))
                if self.peek().kind != ",":
                    return tuple(items)
                self.take()
                continue
            expr = self.value() if allow_expressions else self.reference()
            name = expr.name if isinstance(expr, Field | Alias | Column) else expr.text
            if self.at_word("as"):
                if not allow_expressions:
                    raise self.error("'as' is not supported in 'display'")
                self.take()
                name = self.alias_name()
                # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html: "fields
                # ispresent as isRes creates an extracted field named isRes, and the extracted field can be used in
                # the rest of your query."
                self.aliases[name] = expr
            items.append(OutputItem(name, expr))
            if self.peek().kind != ",":
                return tuple(items)
            self.take()

    def alias_name(self) -> str:
        token = self.peek()
        if token.kind not in ("name", "qname"):
            raise self.error(f"expected a name after 'as' but found {self.describe(token)}")
        self.take()
        return token.value

    # -- names -----------------------------------------------------------------------------------------------------

    def reference(self) -> Expr:
        token = self.peek()
        if token.kind not in ("name", "qname"):
            raise self.error(f"expected a field name but found {self.describe(token)}")
        self.take()
        return self.resolve(token)

    def resolve(self, token: _Token) -> Expr:
        name: str = token.value
        if self.columns is not None:
            # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html: "Any fields that
            # you reference after the first stats command must be defined in that first stats command."
            if name not in self.columns:
                raise self.error(
                    f"field {name!r} does not exist after 'stats' (its outputs are: {', '.join(self.columns)})", token
                )
            return Column(token.text, name, self.columns[name])
        if name in self.aliases:
            return Alias(token.text, name, self.aliases[name])
        if name == "@ptr":
            # GetQueryResults shows @ptr as an opaque pointer; it is no value to compute with.
            raise self.error("@ptr can only be displayed: name it directly in 'fields' or 'display'", token)
        if name in SYSTEM_FIELDS:
            return Field(token.text, name)
        if name.startswith("@") and not name.startswith("@@"):
            raise self.error(
                f"field {name!r} is generated by AWS only for particular log types and is not modelled here "
                f"(modelled: {', '.join(SYSTEM_FIELDS)})",
                token,
            )
        if name in ("", "@@"):
            raise self.error("empty field name", token)
        return Field(token.text, name)

    # -- values ----------------------------------------------------------------------------------------------------

    def value(self) -> Expr:
        token = self.peek()
        if token.kind == "number":
            self.take()
            return Const(token.text, token.value)
        if token.kind == "string":
            self.take()
            return Const(token.text, token.value)
        if token.kind == "name" and self.peek(1).kind == "(":
            return self.call()
        if token.kind in ("name", "qname"):
            if token.kind == "name" and token.text.lower() in ("and", "or", "not", "in", "like", "as", "by"):
                raise self.error(f"expected a value but found the keyword {token.text!r}")
            self.take()
            return self.resolve(token)
        if token.kind == "period":
            raise self.error(f"a time period such as {token.text!r} is only allowed inside bin()")
        raise self.error(f"expected a value but found {self.describe(token)}")

    def call(self) -> Expr:
        name_token = self.take()
        lowered = name_token.text.lower()
        if lowered in _AGGREGATES:
            raise self.error(f"aggregate function {name_token.text!r} is only allowed in 'stats'", name_token)
        if lowered == "bin":
            raise self.error("bin() is only supported as a 'stats ... by' expression", name_token)
        if lowered not in _FUNCTIONS:
            raise self.error(
                f"function {name_token.text!r} is not supported by this engine "
                "(supported: toMillis, ispresent, coalesce; count, sum, min, max and bin in stats)",
                name_token,
            )
        function = _FUNCTIONS[lowered]
        self.take()  # (
        args: list[Expr] = []
        if self.peek().kind != ")":
            while True:
                args.append(self.value())
                if self.peek().kind != ",":
                    break
                self.take()
        close = self.expect(")", f"')' to close {name_token.text}(")
        text = self.text_between(name_token, close)
        return self.check_call(function, tuple(args), text, name_token)

    def check_call(self, function: str, args: tuple[Expr, ...], text: str, token: _Token) -> Call:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html
        if function == "toMillis":
            # "toMillis(fieldName: Timestamp) ... Converts the timestamp found in the named field into a number
            # representing the milliseconds since the Unix epoch."
            if len(args) != 1 or args[0].kind != "timestamp":
                raise self.error("toMillis() takes one timestamp field (@timestamp or @ingestionTime)", token)
        elif function == "ispresent":
            # "ispresent(fieldName: LogField) ... Returns true if the field exists."
            if len(args) != 1 or not isinstance(args[0], Field | Alias | Column):
                raise self.error("ispresent() takes one field name", token)
        elif function == "coalesce":
            # "coalesce(fieldName: LogField, ...fieldNames: LogField[]) ... Returns the first non-null value".
            if not args:
                raise self.error("coalesce() takes at least one argument", token)
            kinds = {arg.kind for arg in args}
            if "bool" in kinds or len(kinds) > 1:
                raise self.error("coalesce() arguments must all be values or all be timestamps", token)
        return Call(text, function, args)

    # -- conditions ------------------------------------------------------------------------------------------------

    def condition(self) -> Expr:
        first = self.peek()
        expr = self.disjunction()
        if expr.kind != "bool":
            raise self.error(f"expected a condition but {expr.text!r} is a value", first)
        return expr

    def disjunction(self) -> Expr:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html:
        # "Use the Boolean operators and, or, and not ... only in functions that return a value of TRUE or FALSE."
        first = self.peek()
        left = self.conjunction()
        while self.at_word("or"):
            operator_token = self.take()
            right = self.conjunction()
            self.require_condition(left, first)
            self.require_condition(right, operator_token)
            left = BoolOp(self.text_between(first, self.tokens[self.i - 1]), "or", left, right)
        return left

    def conjunction(self) -> Expr:
        first = self.peek()
        left = self.negation()
        while self.at_word("and"):
            operator_token = self.take()
            right = self.negation()
            self.require_condition(left, first)
            self.require_condition(right, operator_token)
            left = BoolOp(self.text_between(first, self.tokens[self.i - 1]), "and", left, right)
        return left

    def require_condition(self, expr: Expr, token: _Token) -> None:
        if expr.kind != "bool":
            raise self.error(f"'and', 'or' and 'not' need conditions, but {expr.text!r} is a value", token)

    def negation(self) -> Expr:
        if self.at_word("not"):
            first = self.take()
            operand = self.negation()
            self.require_condition(operand, first)
            return Not(self.text_between(first, self.tokens[self.i - 1]), operand)
        return self.predicate()

    def predicate(self) -> Expr:
        first = self.peek()
        if first.kind == "(":
            self.take()
            inner = self.disjunction()
            self.expect(")", "')' to close '('")
            return inner
        left = self.value()
        token = self.peek()
        if token.kind == "op" and token.text in _COMPARISONS:
            # Comparison operators "accept all data types as arguments and return a Boolean result".
            self.take()
            right = self.value()
            for side in (left, right):
                if side.kind == "timestamp":
                    raise self.error(
                        f"{side.text!r} is a timestamp: compare toMillis({side.text}) with a number instead "
                        "(the documents: filtering on human readable timestamps is not supported)",
                        token,
                    )
            expr: Expr = Compare(self.text_between(first, self.tokens[self.i - 1]), token.text, left, right)
        elif self.at_word("in") or (self.at_word("not") and (self.at_word("in", 1) or self.at_word("like", 1))):
            negated = self.at_word("not")
            if negated:
                self.take()
            if self.at_word("in"):
                self.take()
                values = self.literal_list()
                expr = InList(self.text_between(first, self.tokens[self.i - 1]), left, values, negated)
            else:
                self.take()  # like
                expr = self.match(first, left, negated, operator_word="like")
        elif self.at_word("like"):
            self.take()
            expr = self.match(first, left, negated=False, operator_word="like")
        elif token.kind == "op" and token.text == "=~":
            self.take()
            expr = self.match(first, left, negated=False, operator_word="=~")
        else:
            return left
        following = self.peek()
        if following.kind == "op" or self.at_word("in") or self.at_word("like"):
            raise self.error(f"unexpected {self.describe(following)}: comparisons cannot be chained")
        return expr

    def literal_list(self) -> tuple[str | int | float, ...]:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html: "You can use the
        # keyword in to test for set membership ... put the array after in."
        self.expect("[", "'[' after 'in'")
        values: list[str | int | float] = []
        while True:
            token = self.peek()
            if token.kind not in ("number", "string"):
                raise self.error(f"'in' lists hold number and string literals, found {self.describe(token)}")
            values.append(self.take().value)
            if self.peek().kind != ",":
                break
            self.take()
        self.expect("]", "']' to close the 'in' list")
        return tuple(values)

    def match(self, first: _Token, operand: Expr, negated: bool, operator_word: str) -> Match:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Filter.html: like/not like with a
        # quoted substring or a /regular expression/, and =~ with a /regular expression/ (the earlier edition:
        # "Enclose your match string with double quotes or single quotes to perform substring matching").
        token = self.peek()
        if token.kind == "string":
            self.take()
            return Match(self.text_between(first, token), operand, token.value, None, negated)
        if token.kind == "regex":
            self.take()
            return Match(self.text_between(first, token), operand, token.value, self.compile_regex(token), negated)
        raise self.error(f"expected a quoted string or a /regular expression/ after {operator_word!r}")

    def compile_regex(self, token: _Token) -> re.Pattern[str]:
        pattern: str = token.value
        inline = pattern.find("(?i)")
        if inline > 0:
            # RE2 applies an inline flag from where it stands; Python only accepts global flags at the start. The
            # documented /^(?i)Exception$/ has only anchors before it, so moving the flag to the front is exact.
            if re.fullmatch(r"(?:\^|\\A|\\b)*", pattern[:inline]) is None:
                raise self.error("'(?i)' is only supported at the start of a regular expression (after anchors)", token)
            pattern = "(?i)" + pattern[:inline] + pattern[inline + 4 :]
        try:
            return re.compile(pattern)
        except re.error as failure:
            raise self.error(f"invalid regular expression {token.text}: {failure}", token) from None

    # -- stats -----------------------------------------------------------------------------------------------------

    def stats(self) -> StatsCommand:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html
        outputs: list[tuple[str, Kind, _Token]] = []
        aggregates: list[Aggregate] = []
        while True:
            first = self.peek()
            aggregates.append(self.aggregate())
            outputs.append((aggregates[-1].name, aggregates[-1].kind, first))
            if self.peek().kind != ",":
                break
            self.take()
        groups: list[Group] = []
        if self.at_word("by"):
            self.take()
            while True:
                first = self.peek()
                groups.append(self.group())
                outputs.append((groups[-1].name, groups[-1].kind, first))
                if self.peek().kind != ",":
                    break
                self.take()
        # Rows hold the by-expressions first, then the aggregates.
        columns: dict[str, Kind] = {}
        for name, kind, token in outputs[len(aggregates) :] + outputs[: len(aggregates)]:
            if name in columns:
                raise self.error(f"two 'stats' outputs are named {name!r}; give one of them an alias", token)
            columns[name] = kind
        self.columns = columns
        return StatsCommand(tuple(aggregates), tuple(groups))

    def aggregate(self) -> Aggregate:
        token = self.peek()
        if token.kind != "name" or self.peek(1).kind != "(":
            raise self.error(f"expected an aggregate function such as count(*) but found {self.describe(token)}")
        lowered = token.text.lower()
        if lowered not in _AGGREGATES:
            raise self.error(
                f"function {token.text!r} is not supported in 'stats' by this engine (supported: count, sum, min, max)"
            )
        self.take()
        self.take()  # (
        arg: Expr | None = None
        if self.peek().kind == "*":
            if lowered != "count":
                raise self.error(f"{token.text}(*) is not valid: only count takes *")
            self.take()
        elif self.peek().kind != ")":
            arg = self.reference()
        elif lowered != "count":
            raise self.error(f"{token.text}() needs a field")
        close = self.expect(")", f"')' to close {token.text}(")
        # count() and count(*) count every event; count(fieldName) "counts all records that include the specified
        # field name" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html).
        function = "count_star" if lowered == "count" and arg is None else lowered
        name = self.text_between(token, close)
        if self.at_word("as"):
            self.take()
            name = self.alias_name()
        return Aggregate(name, function, arg)

    def group(self) -> Group:
        token = self.peek()
        if token.kind == "name" and self.peek(1).kind == "(":
            if token.text.lower() != "bin":
                raise self.error(
                    f"'stats ... by' takes field names or bin(period) in this engine, not {token.text}(...)"
                )
            self.take()
            self.take()  # (
            period = self.peek()
            if period.kind != "period":
                raise self.error(f"bin() takes a time period such as 5m, found {self.describe(period)}")
            self.take()
            close = self.expect(")", "')' to close bin(")
            bin_ms = self.period_ms(period)
            name = self.text_between(token, close)
            expr: Expr | None = None
        else:
            expr = self.reference()
            name = expr.name if isinstance(expr, Field | Alias) else expr.text
            bin_ms = None
        if self.at_word("as"):
            self.take()
            name = self.alias_name()
        return Group(name, expr, bin_ms)

    def period_ms(self, token: _Token) -> int:
        match = re.fullmatch(r"(\d+)([A-Za-z]+)", token.text)
        assert match is not None  # the tokenizer only makes periods of this shape
        amount, unit = int(match.group(1)), match.group(2)
        if unit in _LONG_UNITS:
            raise self.error(f"bin() periods in {unit!r} are not supported by this engine (ms, s, m and h are)", token)
        if unit not in _MS_PER_UNIT:
            raise self.error(f"unknown time unit {unit!r} in {token.text!r}", token)
        if amount == 0:
            raise self.error(f"a bin() period must be positive, found {token.text!r}", token)
        unit_ms = _MS_PER_UNIT[unit]
        # "CloudWatch Logs caps your request according to the time unit that you choose ... if you specify
        # bin(300s), CloudWatch Logs actually implements this as 60 seconds".
        return min(amount, _UNIT_CAP[unit_ms]) * unit_ms

    # -- sort / limit ----------------------------------------------------------------------------------------------

    def sort(self) -> SortCommand:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html
        keys: list[SortKey] = []
        while True:
            token = self.peek()
            expr = self.reference()
            descending: bool | None = None
            if self.at_word("asc") or self.at_word("desc"):
                descending = self.take().text.lower() == "desc"
            name = expr.name if isinstance(expr, Field | Alias | Column) else expr.text
            keys.append(SortKey(name, expr, descending, token.pos))
            if self.peek().kind != ",":
                return SortCommand(tuple(keys))
            self.take()

    def limit(self) -> LimitCommand:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html
        token = self.peek()
        if self.at_word("any"):
            raise self.error("'limit any' is not supported by this engine")
        if token.kind != "number" or not isinstance(token.value, int):
            raise self.error(f"'limit' takes a whole number from 1 to {MAX_LIMIT}, found {self.describe(token)}")
        if not 1 <= token.value <= MAX_LIMIT:
            raise self.error(f"'limit' takes a whole number from 1 to {MAX_LIMIT}, found {token.value}")
        self.take()
        return LimitCommand(token.value)


def parse_query(query_string: str) -> Query:
    """Parse a Logs Insights query of the supported subset; raise MalformedQueryError for anything else."""
    if not isinstance(query_string, str):
        raise TypeError(f"the query must be a string, got {type(query_string).__name__}")
    return _Parser(query_string).parse()


# ----------------------------------------------------------------------------------------------------------------
# Values: discovery, comparison, order, display
# ----------------------------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# The C scanner of a decoder that refuses NaN and Infinity (not JSON, so such a message has no fields). Calling it
# directly skips json.loads' Python-level wrapping, which matters a million times over.
_SCAN = json.JSONDecoder(parse_constant=_reject_constant).scan_once
_CACHE_ATTRIBUTE = "_logs_insights_fields"
_INTERNED_NAME_SETS: dict[frozenset[str], frozenset[str]] = {}


@dataclass(frozen=True, eq=False)
class _Projection:
    """Which discovered fields a run needs, and how to find each at the top level of a JSON object."""

    names: frozenset[str]
    keys: tuple[tuple[str, str], ...]  # (field name, top-level JSON key)
    dotted: bool  # some name needs the flattened view (a.b, items.0.x)
    absent: dict[str, None]  # the projection of a message without fields (shared, never mutated)


_PROJECTIONS: dict[frozenset[str], _Projection] = {}


def _projection(names: frozenset[str]) -> _Projection:
    projection = _PROJECTIONS.get(names)
    if projection is None:
        # A JSON key starting with "@" is known as "@@key" (the discovered-fields page), so "@@x" is key "@x".
        keys = tuple((name, name[1:] if name.startswith("@@") else name) for name in sorted(names))
        projection = _Projection(names, keys, any("." in name for name in names), dict.fromkeys(names))
        _PROJECTIONS[names] = projection
    return projection


def _leaf(value: Any) -> Any:
    # JSON numbers stay numbers and strings stay strings; short strings are interned because the same methods and
    # paths repeat across a million cached events.
    kind = type(value)
    if kind is str:
        return sys.intern(value) if len(value) <= 64 else value
    if kind is bool:
        return "true" if value else "false"
    return value  # int, float or None (None: absent)


def _json_object(message: str) -> dict[str, Any] | None:
    start = 0
    if not message.startswith("{"):
        stripped = message.lstrip()
        if not stripped.startswith("{"):
            return None
        start = len(message) - len(stripped)
    try:
        document, end = _SCAN(message, start)
    except (ValueError, RecursionError, StopIteration):
        return None  # truncated JSON, NaN, too deep: no discovered fields
    if end != len(message) and not message[end:].isspace():
        return None  # something after the object: not a JSON message
    return document  # type: ignore[no-any-return]


def _flatten(document: dict[str, Any]) -> dict[str, Any]:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html: nested
    # objects in dot notation (userIdentity.type), arrays by position (items.0.instanceId), "@" doubled in front of a
    # name that starts with "@", at most 200 fields.
    flat: dict[str, Any] = {}

    def walk(node: Any, prefix: str) -> None:
        pairs = node.items() if type(node) is dict else enumerate(node)
        for key, value in pairs:
            if len(flat) >= MAX_DISCOVERED_FIELDS:
                return
            name = f"{prefix}{key}"
            if not prefix and name.startswith("@"):
                name = "@" + name
            if type(value) is dict or type(value) is list:
                walk(value, name + ".")
            elif value is not None and name not in flat:
                flat[name] = _leaf(value)

    walk(document, "")
    return flat


def _extract(message: str, projection: _Projection) -> dict[str, Any]:
    """The discovered fields a run needs from one message: every needed name, None when absent."""
    document = _json_object(message)
    if document is None:
        return projection.absent
    # Every leaf field needs a ':' (object member) or a ',' (array element after the first), so fewer than 200 of
    # them together bound the fields by 200 and the cap cannot bite: a name without a dot is then exactly the
    # top-level key. Otherwise the flattened view (with the cap applied in document order) decides.
    if projection.dotted or message.count(":") + message.count(",") >= MAX_DISCOVERED_FIELDS:
        flat = _flatten(document)
        return {name: flat.get(name) for name in projection.names}
    values: dict[str, Any] = {}
    for name, key in projection.keys:
        value = document.get(key)
        kind = type(value)
        if kind is str:
            values[name] = sys.intern(value) if len(value) <= 64 else value
        elif kind is int or kind is float:
            values[name] = value
        elif kind is bool:
            values[name] = "true" if value else "false"
        else:
            values[name] = None  # absent, null, or an object/array (not a leaf field)
    return values


def _interned(names: frozenset[str]) -> frozenset[str]:
    return _INTERNED_NAME_SETS.setdefault(names, names)


def _cached_fields(event: LogEvent, projection: _Projection) -> dict[str, Any]:
    # The projection is kept on the event itself: LogEvent is frozen, so the entry goes into the instance __dict__
    # directly (it is not a dataclass field and takes no part in equality or hashing). Only the names asked for are
    # kept, which holds memory to a few hundred bytes per event where whole parsed messages would take kilobytes.
    cached = event.__dict__.get(_CACHE_ATTRIBUTE)
    if cached is not None:
        have, values = cached
        if have is projection.names or projection.names <= have:
            return values  # type: ignore[no-any-return]
        projection = _projection(_interned(have | projection.names))
    values = _extract(event.message, projection)
    event.__dict__[_CACHE_ATTRIBUTE] = (projection.names, values)
    return values


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _as_number(value: Any) -> int | float | None:
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[no-any-return]
    if kind is bool:
        return int(value)
    if kind is str and _DECIMAL.fullmatch(value):
        try:
            return int(value)
        except ValueError:
            return float(value)
    return None


_OPERATOR_FUNCTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _compare(op: str, left: Any, right: Any) -> bool:
    """Comparison semantics (see the module docstring): missing is false, numbers win over numeric strings."""
    if left is None or right is None:
        return False
    if type(left) is str and type(right) is str:
        return _OPERATOR_FUNCTIONS[op](left, right)
    left_number, right_number = _as_number(left), _as_number(right)
    if left_number is None or right_number is None:
        return op == "!="
    return _OPERATOR_FUNCTIONS[op](left_number, right_number)


def _format_number(value: int | float) -> str:
    if type(value) is int:
        return str(value)
    if value == value and value not in (float("inf"), float("-inf")) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _plain(value: Any) -> str:
    """A value as text (for like/=~ and for grouping)."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is bool:
        return "1" if value else "0"
    return _format_number(value)


def _render(value: Any, kind: Kind) -> str:
    if kind == "timestamp" and type(value) is int:
        return format_timestamp(value)
    return _plain(value)


_CHUNKS = re.compile(r"[0-9]+|[^0-9]+")


def _sort_key(value: Any) -> tuple[Any, ...]:
    """https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html, ascending.

    "All non-number values come before all number values. Number values are values that include only numbers";
    non-number values are compared chunk by chunk: digit runs "by their length first and then by their numerical
    value", other runs "by their Unicode values". A digit run and another run compare by Unicode too (the page:
    "2345 is compared with @ in the unicode order"); tagging digit runs with "0" achieves exactly that, because a
    non-digit run's first character is below "0" exactly when it is below every digit. Missing values come first.
    """
    if value is None:
        return (0,)
    kind = type(value)
    if kind is int or kind is float or kind is bool:
        return (2, value, "")
    if value.isascii() and value.isdigit():
        return (2, int(value), value)
    return (
        1,
        tuple(("0", len(chunk), chunk) if chunk[0].isdigit() else (chunk,) for chunk in _CHUNKS.findall(value)),
    )


# ----------------------------------------------------------------------------------------------------------------
# Compilation to closures: fn(event, fields) where fields is the event's discovered-field dict (or a stats row)
# ----------------------------------------------------------------------------------------------------------------

Fn = Callable[[Any, Any], Any]


def _discovered_names(expr: Expr | None) -> set[str]:
    if expr is None:
        return set()
    if isinstance(expr, Field):
        return set() if expr.name in SYSTEM_FIELDS else {expr.name}
    if isinstance(expr, Alias):
        return _discovered_names(expr.target)
    if isinstance(expr, Call):
        return set().union(*(_discovered_names(arg) for arg in expr.args))
    if isinstance(expr, Compare | BoolOp):
        return _discovered_names(expr.left) | _discovered_names(expr.right)
    if isinstance(expr, InList | Match):
        return _discovered_names(expr.operand)
    if isinstance(expr, Not):
        return _discovered_names(expr.operand)
    return set()


def _kleene_and(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _kleene_or(left: bool | None, right: bool | None) -> bool | None:
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


class _Compiler:
    def __init__(self, account_id: str, missing_comparison: Literal["false", "unknown"] = "false") -> None:
        self.account_id = account_id
        # What a comparison on a missing field gives: False (two-valued), or None for SQL's unknown.
        self.unknown = missing_comparison == "unknown"
        self.missing: bool | None = None if self.unknown else False

    def compile(self, expr: Expr) -> Fn:
        if isinstance(expr, Field):
            return self.field(expr.name)
        if isinstance(expr, Const):
            constant = expr.value
            return lambda event, fields: constant
        if isinstance(expr, Alias):
            return self.compile(expr.target)
        if isinstance(expr, Column):
            name = expr.name
            return lambda event, row: row.get(name)
        if isinstance(expr, Call):
            return self.call(expr)
        if isinstance(expr, Compare):
            return self.comparison(expr)
        if isinstance(expr, InList):
            return self.membership(expr)
        if isinstance(expr, Match):
            return self.matching(expr)
        if isinstance(expr, BoolOp):
            left, right = self.compile(expr.left), self.compile(expr.right)
            if self.unknown:
                combine = _kleene_and if expr.op == "and" else _kleene_or
                return lambda event, fields: combine(left(event, fields), right(event, fields))
            if expr.op == "and":
                return lambda event, fields: left(event, fields) and right(event, fields)
            return lambda event, fields: left(event, fields) or right(event, fields)
        if isinstance(expr, Not):
            operand = self.compile(expr.operand)
            if self.unknown:
                return lambda event, fields: None if (value := operand(event, fields)) is None else not value
            return lambda event, fields: not operand(event, fields)
        raise TypeError(f"cannot evaluate {expr!r}")  # pragma: no cover -- the parser makes only the nodes above

    def field(self, name: str) -> Fn:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
        if name == "@timestamp":
            return lambda event, fields: event.timestamp_ms
        if name == "@ingestionTime":
            return lambda event, fields: event.ingestion_time_ms
        if name == "@message":
            return lambda event, fields: event.message
        if name == "@logStream":
            return lambda event, fields: event.log_stream
        if name == "@log":
            # "@log is a log group identifier in the form of account-id:log-group-name."
            prefix = f"{self.account_id}:"
            return lambda event, fields: prefix + event.log_group
        if name == "@ptr":
            raise AssertionError("@ptr is rendered, not evaluated")  # pragma: no cover -- refused by the parser
        return lambda event, fields: fields.get(name)

    def call(self, expr: Call) -> Fn:
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html
        if expr.function == "toMillis":
            return self.compile(expr.args[0])  # a timestamp already is epoch milliseconds here
        if expr.function == "ispresent":
            argument = self.compile(expr.args[0])
            return lambda event, fields: argument(event, fields) is not None
        arguments = [self.compile(arg) for arg in expr.args]

        def coalesce(event: Any, fields: Any) -> Any:
            for argument in arguments:
                value = argument(event, fields)
                if value is not None:
                    return value
            return None

        return coalesce

    def comparison(self, expr: Compare) -> Fn:
        op = expr.op
        function = _OPERATOR_FUNCTIONS[op]
        left = self.compile(expr.left)
        right_expr = expr.right
        if isinstance(right_expr, Const) and type(right_expr.value) in (int, float):
            constant = right_expr.value
            left_expr = expr.left
            if isinstance(left_expr, Call) and left_expr.function == "toMillis":
                timestamp = left
                # The notifier's window filter: toMillis(@timestamp) against a number, on every event.
                if isinstance(left_expr.args[0], Field) and left_expr.args[0].name == "@timestamp":
                    return lambda event, fields: function(event.timestamp_ms, constant)
                missing = self.missing
                return lambda event, fields: (
                    missing if (value := timestamp(event, fields)) is None else function(value, constant)
                )
            unequal = op == "!="
            missing_number = self.missing

            def against_number(event: Any, fields: Any) -> bool:
                value = left(event, fields)
                kind = type(value)
                if kind is int or kind is float:
                    return function(value, constant)
                if value is None:
                    return missing_number
                number = _as_number(value)
                return unequal if number is None else function(number, constant)

            return against_number
        if isinstance(right_expr, Const):
            # A string constant: strings compare as strings; a number against a numeric string as numbers.
            text = right_expr.value
            text_number = _as_number(text)
            unequal_text = op == "!="
            missing_text = self.missing

            def against_string(event: Any, fields: Any) -> bool | None:
                value = left(event, fields)
                if type(value) is str:
                    return function(value, text)
                if value is None:
                    return missing_text
                if text_number is None:
                    return unequal_text
                return function(_as_number(value), text_number)

            return against_string
        right = self.compile(right_expr)
        missing = self.missing

        def against_value(event: Any, fields: Any) -> bool | None:
            left_value, right_value = left(event, fields), right(event, fields)
            if left_value is None or right_value is None:
                return missing
            return _compare(op, left_value, right_value)

        return against_value

    def membership(self, expr: InList) -> Fn:
        # "in" is "=" against each listed literal (same semantics as _compare), done with sets: a string value is
        # in the list if it equals a listed string or, as a number, a listed number; a number value if it equals a
        # listed number or a listed numeric string.
        operand = self.compile(expr.operand)
        negated = expr.negated
        strings = frozenset(value for value in expr.values if type(value) is str)
        numbers = frozenset(value for value in expr.values if type(value) is not str)
        numeric_strings = frozenset(number for text in strings if (number := _as_number(text)) is not None)
        unknown = self.unknown

        def member(event: Any, fields: Any) -> bool | None:
            value = operand(event, fields)
            kind = type(value)
            if kind is str:
                found = value in strings or _as_number(value) in numbers
            elif value is None:
                if unknown:
                    return None
                found = False
            else:
                found = value in numbers or value in numeric_strings
            return found != negated

        return member

    def matching(self, expr: Match) -> Fn:
        operand = self.compile(expr.operand)
        negated = expr.negated
        unknown = self.unknown
        if expr.regex is not None:
            search = expr.regex.search

            def regex(event: Any, fields: Any) -> bool | None:
                value = operand(event, fields)
                if value is None and unknown:
                    return None
                found = value is not None and search(_plain(value)) is not None
                return found != negated

            return regex
        substring = expr.pattern

        def contains(event: Any, fields: Any) -> bool | None:
            value = operand(event, fields)
            if value is None and unknown:
                return None
            found = value is not None and substring in _plain(value)
            return found != negated

        return contains


def _conjuncts(expr: Expr) -> list[Expr]:
    # filter a and b behaves as filter a | filter b; splitting lets the cheap time test run before any JSON parsing.
    if isinstance(expr, BoolOp) and expr.op == "and":
        return _conjuncts(expr.left) + _conjuncts(expr.right)
    return [expr]


# ----------------------------------------------------------------------------------------------------------------
# Running a query
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class _Output:
    name: str
    fn: Fn | None  # None: @ptr
    kind: Kind


def _pointer(event: LogEvent, index: int) -> str:
    # "@ptr": any opaque string unique per event; the position in the input makes it unique within a run.
    raw = f"{event.log_group}\n{event.log_stream}\n{event.timestamp_ms}\n{index}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_MIRRORED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "="}


def _unaliased(expr: Expr) -> Expr:
    while isinstance(expr, Alias):
        expr = expr.target
    return expr


def _is_timestamp_millis(expr: Expr) -> bool:
    expr = _unaliased(expr)
    if not (isinstance(expr, Call) and expr.function == "toMillis"):
        return False
    argument = _unaliased(expr.args[0])
    return isinstance(argument, Field) and argument.name == "@timestamp"


def _time_bounds(expr: Expr) -> tuple[int | None, int | None] | None:
    """The @timestamp range (lowest, highest) that ``toMillis(@timestamp) op number`` keeps, or None."""
    if not isinstance(expr, Compare) or expr.op == "!=":
        return None
    left, op, right = expr.left, expr.op, expr.right
    if isinstance(left, Const) and _is_timestamp_millis(right):
        left, op, right = right, _MIRRORED[op], left
    if not (_is_timestamp_millis(left) and isinstance(right, Const) and type(right.value) in (int, float)):
        return None
    number = right.value
    assert isinstance(number, int | float)  # checked just above; for the type checker
    if not math.isfinite(number):
        return None
    if op == ">=":
        return math.ceil(number), None
    if op == ">":
        return math.floor(number) + 1, None
    if op == "<=":
        return None, math.floor(number)
    if op == "<":
        return None, math.ceil(number) - 1
    return math.ceil(number), math.floor(number)  # "=": empty unless the number is whole


@dataclass(frozen=True)
class _SortSpec:
    fn: Fn
    descending: bool
    timestamp: bool  # the key is @timestamp itself: always present, ordered as its milliseconds


def _ordered(records: list[Any], keys: list[_SortSpec], value_of: Callable[[Any, Fn], Any], limit: int | None) -> Any:
    """``records`` sorted by ``keys`` (the documented order), cut to ``limit`` rows when given."""

    def key_function(spec: _SortSpec) -> Callable[[Any], Any]:
        if spec.timestamp:
            return lambda record: value_of(record, spec.fn)
        return lambda record: _sort_key(value_of(record, spec.fn))

    if len(keys) == 1 and limit is not None:
        # heapq's nsmallest/nlargest are documented as sorted(...)[:n]: the same rows, without sorting them all.
        chosen = heapq.nlargest if keys[0].descending else heapq.nsmallest
        return chosen(limit, records, key=key_function(keys[0]))
    # Stable sorts from the last key to the first give a multi-key sort with a direction per key; descending is
    # the reverse of ascending, as the sort page says.
    for spec in reversed(keys):
        records.sort(key=key_function(spec), reverse=spec.descending)
    return records if limit is None else records[:limit]


def _run_stages(stages: list[tuple[str, Any]], records: list[Any], value_of: Callable[[Any, Fn], Any]) -> list[Any]:
    position = 0
    while position < len(stages):
        stage, argument = stages[position]
        if stage == "filter":
            records = [record for record in records if value_of(record, argument)]
        elif stage == "sort":
            following = stages[position + 1] if position + 1 < len(stages) else None
            if following is not None and following[0] == "limit":
                records = _ordered(records, argument, value_of, following[1])
                position += 1
            else:
                records = _ordered(records, argument, value_of, None)
        else:
            records = records[:argument]
        position += 1
    return records


def run_query(
    query_string: str,
    events: Iterable[LogEvent],
    start_time_s: int,
    end_time_s: int,
    *,
    account_id: str = "123456789012",
    end_second: Literal["whole", "first_ms"] = "whole",
    missing_group_field: Literal["group", "drop"] = "group",
    missing_comparison: Literal["false", "unknown"] = "false",
    sort_default: Literal["refuse", "asc", "desc"] = "refuse",
    empty_stats: Literal["no_rows", "zero_row"] = "no_rows",
    cache_fields: bool = True,
) -> QueryResult:
    """Evaluate ``query_string`` over ``events`` as StartQuery + GetQueryResults would, for the supported subset.

    ``start_time_s``/``end_time_s`` are StartQuery's epoch seconds, both included; ``end_second`` says whether the
    whole end second counts (``"whole"``) or only its first millisecond (``"first_ms"``). ``missing_group_field``,
    ``missing_comparison``, ``sort_default`` and ``empty_stats`` choose a reading where the documents are silent
    (module docstring).
    ``cache_fields`` keeps the discovered fields a query used on each LogEvent for later runs.
    Raises MalformedQueryError for queries outside the subset and ValueError for a bad range or option.
    """
    for option, value, allowed in (
        ("end_second", end_second, ("whole", "first_ms")),
        ("missing_group_field", missing_group_field, ("group", "drop")),
        ("missing_comparison", missing_comparison, ("false", "unknown")),
        ("sort_default", sort_default, ("refuse", "asc", "desc")),
        ("empty_stats", empty_stats, ("no_rows", "zero_row")),
    ):
        if value not in allowed:
            raise ValueError(f"{option} must be one of {allowed}, got {value!r}")
    if type(start_time_s) is not int or type(end_time_s) is not int:
        raise ValueError("start_time_s and end_time_s are whole epoch seconds (int)")
    if end_time_s < start_time_s:
        raise ValueError(f"end_time_s ({end_time_s}) is before start_time_s ({start_time_s})")

    query = parse_query(query_string)
    compiler = _Compiler(account_id, missing_comparison)

    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html: startTime and endTime
    # are epoch seconds and "The range is inclusive".
    lowest_ms = start_time_s * 1000
    highest_ms = end_time_s * 1000 + (999 if end_second == "whole" else 0)

    def sort_specs(command: SortCommand) -> list[_SortSpec]:
        specs = []
        for key in command.keys:
            descending = key.descending
            if descending is None:
                if sort_default == "refuse":
                    raise _refuse(
                        query.source,
                        key.position,
                        f"'sort {key.name}' gives no direction and the sort page does not document a default: "
                        "write asc or desc (or pass sort_default)",
                    )
                descending = sort_default == "desc"
            plain = _unaliased(key.expr)
            timestamp = isinstance(plain, Field) and plain.name == "@timestamp"
            specs.append(_SortSpec(compiler.compile(key.expr), descending, timestamp))
        return specs

    stats = query.stats
    stats_at = query.commands.index(stats) if stats is not None else len(query.commands)
    before, after = query.commands[:stats_at], query.commands[stats_at + 1 :]

    # Before stats (or in a query without stats) filters stream over the events until the first sort or limit; from
    # there on the pipeline works on the list of matched events. toMillis(@timestamp) bounds in the streaming part
    # become a plain range test (the notifier's window filter, on every event).
    filter_lowest, filter_highest = lowest_ms, highest_ms
    streaming: list[tuple[bool, Fn]] = []
    listed: list[tuple[str, Any]] = []
    needed: set[str] = set()
    outputs_items: list[OutputItem] = []
    display_items: tuple[OutputItem, ...] | None = None
    for command in before:
        if isinstance(command, FilterCommand):
            for part in _conjuncts(command.condition):
                names = _discovered_names(part)
                needed |= names
                bounds = None if listed else _time_bounds(part)
                if bounds is not None:
                    if bounds[0] is not None:
                        filter_lowest = max(filter_lowest, bounds[0])
                    if bounds[1] is not None:
                        filter_highest = min(filter_highest, bounds[1])
                elif listed:
                    listed.append(("filter", compiler.compile(part)))
                else:
                    streaming.append((bool(names), compiler.compile(part)))
        elif isinstance(command, FieldsCommand):
            # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Fields.html: "If your query
            # contains multiple fields commands and doesn't include a display command, the results display all of
            # the fields that are specified in the fields commands."
            outputs_items.extend(command.items)
        elif isinstance(command, DisplayCommand):
            # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Display.html: "If your query
            # contains multiple display commands, the query results show only the field or fields that you
            # specified in the final display command."
            display_items = command.items
        elif isinstance(command, SortCommand):
            for key in command.keys:
                needed |= _discovered_names(key.expr)
            listed.append(("sort", sort_specs(command)))
        elif isinstance(command, LimitCommand):
            listed.append(("limit", command.count))

    outputs: list[_Output] = []
    post: list[tuple[str, Any]] = []
    post_display: tuple[OutputItem, ...] | None = None
    explicit_limit = any(isinstance(command, LimitCommand) for command in query.commands)
    if stats is None:
        shown = display_items if display_items is not None else tuple(outputs_items)
        if not shown:
            # The filter row of the earlier syntax page: without fields, "the results show the @timestamp and all
            # log data in the @message field".
            shown = (
                OutputItem("@timestamp", Field("@timestamp", "@timestamp")),
                OutputItem("@message", Field("@message", "@message")),
            )
        seen: set[str] = set()
        for item in shown:
            if item.name in seen or (isinstance(item.expr, Field) and item.expr.name == "@ptr"):
                continue
            seen.add(item.name)
            needed |= _discovered_names(item.expr)
            outputs.append(_Output(item.name, compiler.compile(item.expr), item.expr.kind))
        outputs.append(_Output("@ptr", None, "value"))
    else:
        for aggregate in stats.aggregates:
            needed |= _discovered_names(aggregate.arg)
        for group in stats.groups:
            needed |= _discovered_names(group.expr)
        for command in after:
            if isinstance(command, FilterCommand):
                post.append(("filter", compiler.compile(command.condition)))
            elif isinstance(command, SortCommand):
                post.append(("sort", sort_specs(command)))
            elif isinstance(command, LimitCommand):
                post.append(("limit", command.count))
            elif isinstance(command, DisplayCommand):
                post_display = command.items

    projection = _projection(_interned(frozenset(needed)))

    def fields_of(event: LogEvent) -> dict[str, Any]:
        if cache_fields:
            return _cached_fields(event, projection)
        return _extract(event.message, projection)

    sink_needs_fields = bool(projection.names)
    matched_events: list[tuple[int, LogEvent, Any]] = []
    aggregation = _Aggregation(stats, compiler, drop_missing=missing_group_field == "drop") if stats else None
    sink: Callable[[int, LogEvent, Any], None]
    if aggregation is not None:
        sink = aggregation.sink
    else:

        def sink(index: int, event: LogEvent, fields: Any) -> None:
            matched_events.append((index, event, fields))

    scanned = matched = scanned_bytes = 0
    log_groups: set[str] = set()
    # The scan allocates up to millions of long-lived objects (cached fields, matched events) and none that form
    # cycles; left on, the cyclic collector re-traverses all of them again and again (measured: 12.7 s instead of
    # 8.6 s for a million events). It is switched off for the scan only and restored as it was.
    collector_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for index, event in enumerate(events):
            timestamp = event.timestamp_ms
            if timestamp < lowest_ms or timestamp > highest_ms:
                continue
            scanned += 1
            message = event.message
            scanned_bytes += len(message) if message.isascii() else len(message.encode("utf-8"))
            log_groups.add(event.log_group)
            if timestamp < filter_lowest or timestamp > filter_highest:
                continue
            fields = None
            for needs_fields, predicate in streaming:
                if needs_fields and fields is None:
                    fields = fields_of(event)
                if not predicate(event, fields):
                    break
            else:
                matched += 1
                if sink_needs_fields and fields is None:
                    fields = fields_of(event)
                sink(index, event, fields)
    finally:
        if collector_was_enabled:
            gc.enable()

    results: list[list[dict[str, str]]] = []
    if aggregation is None:
        records = _run_stages(listed, matched_events, lambda record, fn: fn(record[1], record[2]))
        if not explicit_limit:
            records = records[:DEFAULT_LIMIT]
        for index, event, fields in records:
            row: list[dict[str, str]] = []
            for output in outputs:
                if output.fn is None:
                    row.append({"field": "@ptr", "value": _pointer(event, index)})
                    continue
                value = output.fn(event, fields)
                if value is not None:
                    row.append({"field": output.name, "value": _render(value, output.kind)})
            results.append(row)
    else:
        assert stats is not None  # the aggregation exists exactly when the query has stats
        rows = _run_stages(post, aggregation.rows(zero_row=empty_stats == "zero_row"), lambda row, fn: fn(None, row))
        if not explicit_limit:
            rows = rows[:DEFAULT_LIMIT]
        kinds = {group.name: group.kind for group in stats.groups} | {agg.name: agg.kind for agg in stats.aggregates}
        columns = [item.name for item in post_display] if post_display is not None else list(kinds)
        for stats_row in rows:
            results.append(
                [
                    {"field": column, "value": _render(stats_row[column], kinds[column])}
                    for column in columns
                    if stats_row.get(column) is not None
                ]
            )

    statistics = {
        "recordsMatched": float(matched),
        "recordsScanned": float(scanned),
        "estimatedRecordsSkipped": 0.0,
        "bytesScanned": float(scanned_bytes),
        "estimatedBytesSkipped": 0.0,
        "logGroupsScanned": float(len(log_groups)),
    }
    return QueryResult(results, statistics)


def _display_key(component: Any) -> Any:
    # Groups are keyed by the value as displayed, so "503" and 503 form one group (module docstring).
    if component is None or type(component) is str:
        return component
    return _plain(component)


class _Aggregation:
    """The groups of a ``stats`` command and their aggregate states, fed one matched event at a time.

    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html
    """

    def __init__(self, stats: StatsCommand, compiler: _Compiler, *, drop_missing: bool) -> None:
        self.stats = stats
        self.drop_missing = drop_missing
        self.groups: dict[Any, Any] = {}
        self.count_only = all(aggregate.function == "count_star" for aggregate in stats.aggregates)
        # Timestamp groups (bin, @timestamp) stay milliseconds; every other group is keyed as displayed. The count(*)
        # path keys by raw values and merges equal displays at the end, which keeps the per-event work in C.
        self.timestamps = tuple(group.kind == "timestamp" for group in stats.groups)
        self.components: list[Fn] = []
        for group in stats.groups:
            if group.bin_ms is not None:
                # bin(period) "Rounds the value of @timestamp to the given time period and then truncates": down to
                # a multiple of the period (CWL_QuerySyntax-operations-functions.html).
                self.components.append(lambda event, fields, period=group.bin_ms: event.timestamp_ms // period * period)
            else:
                assert group.expr is not None  # a Group is a field or a bin
                self.components.append(compiler.compile(group.expr))
        self.updaters = [_updater(position, aggregate, compiler) for position, aggregate in enumerate(stats.aggregates)]
        self.single = False  # whether count-only keys are bare values rather than tuples (one discovered field)
        self.sink = self._count_sink() if self.count_only else self._general_sink()

    def _count_sink(self) -> Callable[[int, LogEvent, Any], None]:
        groups, get, drop = self.groups, self.groups.get, self.drop_missing
        discovered = [
            group.expr.name
            for group in self.stats.groups
            if isinstance(group.expr, Field) and group.expr.name not in SYSTEM_FIELDS
        ]
        if self.stats.groups and len(discovered) == len(self.stats.groups):
            # Every group is a discovered field, and a projection holds every needed name: one C call per event.
            pick = operator.itemgetter(*discovered)
            single = len(discovered) == 1

            def by_fields(index: int, event: LogEvent, fields: Any) -> None:
                key = pick(fields)
                if drop and (key is None if single else None in key):
                    return
                groups[key] = get(key, 0) + 1

            self.single = single
            return by_fields
        components = self.components

        def by_components(index: int, event: LogEvent, fields: Any) -> None:
            key = tuple([component(event, fields) for component in components])
            if drop and None in key:
                return
            groups[key] = get(key, 0) + 1

        return by_components

    def _general_sink(self) -> Callable[[int, LogEvent, Any], None]:
        groups, drop, size = self.groups, self.drop_missing, len(self.stats.aggregates)
        pairs = list(zip(self.components, self.timestamps, strict=True))
        updaters = self.updaters

        def sink(index: int, event: LogEvent, fields: Any) -> None:
            key = tuple(
                [
                    component(event, fields) if timestamp else _display_key(component(event, fields))
                    for component, timestamp in pairs
                ]
            )
            if drop and None in key:
                return
            state = groups.get(key)
            if state is None:
                state = groups[key] = [None] * size
            for update in updaters:
                update(state, event, fields)

        return sink

    def rows(self, *, zero_row: bool) -> list[dict[str, Any]]:
        """One dict per group: the by-columns (missing ones absent) then the aggregates, in first-seen order."""
        stats = self.stats
        groups: dict[Any, Any] = self.groups
        if self.count_only:
            merged: dict[Any, int] = {}
            for key, count in groups.items():
                parts = (key,) if self.single else key
                display = tuple(
                    part if timestamp else _display_key(part)
                    for part, timestamp in zip(parts, self.timestamps, strict=True)
                )
                merged[display] = merged.get(display, 0) + count
            groups = merged
        if zero_row and not groups and not stats.groups:
            # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html does not say what
            # stats without by returns when nothing matched; empty_stats="zero_row" models one row of zero counts.
            groups = {(): 0 if self.count_only else [None] * len(stats.aggregates)}
        rows: list[dict[str, Any]] = []
        for key, state in groups.items():
            row: dict[str, Any] = {}
            for group, component in zip(stats.groups, key, strict=True):
                row[group.name] = component
            for position, aggregate in enumerate(stats.aggregates):
                value = state if self.count_only else state[position]
                if aggregate.function in ("count_star", "count"):
                    value = value or 0
                elif aggregate.function in ("min", "max") and value is not None:
                    value = value[1]
                row[aggregate.name] = value
            rows.append(row)
        return rows


def _updater(position: int, aggregate: Aggregate, compiler: _Compiler) -> Callable[[list[Any], Any, Any], None]:
    # Aggregation functions: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html
    if aggregate.function == "count_star":

        def count_all(state: list[Any], event: Any, fields: Any) -> None:
            state[position] = (state[position] or 0) + 1

        return count_all
    assert aggregate.arg is not None  # every aggregate but count(*) has a field
    value_of = compiler.compile(aggregate.arg)
    if aggregate.function == "count":

        def count_present(state: list[Any], event: Any, fields: Any) -> None:
            present = value_of(event, fields) is not None
            state[position] = (state[position] or 0) + present

        return count_present
    if aggregate.function == "sum":

        def add(state: list[Any], event: Any, fields: Any) -> None:
            number = _as_number(value_of(event, fields))
            if number is not None:
                state[position] = number if state[position] is None else state[position] + number

        return add
    smaller = aggregate.function == "min"

    def extreme(state: list[Any], event: Any, fields: Any) -> None:
        value = value_of(event, fields)
        if value is None:
            return
        key = _sort_key(value)
        best = state[position]
        if best is None or (key < best[0] if smaller else key > best[0]):
            state[position] = (key, value)

    return extreme
