"""Evaluates resource policies (SNS topic policies, KMS key policies) for one request, the way AWS does.

moto stores resource policies but enforces none, so a topic policy that refuses an alarm's notifications passes
every emulator test. This evaluator follows the IAM User Guide ("Policy evaluation logic", "IAM JSON policy
elements: Principal, Action, Resource, Condition", "Condition operators"): a request is allowed when some Allow
statement matches it and no Deny statement does; a statement matches when its principal, action, resource and every
condition match. Supported: Principal ("*", {"AWS": ...}, {"Service": ...}), Action/NotAction and
Resource/NotResource with * and ? wildcards, and the condition operators this project's policies use (StringEquals,
StringLike, ArnEquals, ArnLike and their Not forms); an unknown operator raises rather than guessing. Written from
the documentation for the tests; nothing of the project's code is used to decide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ALLOW, DENY, IMPLICIT_DENY = "Allow", "Deny", "ImplicitDeny"


@dataclass(frozen=True)
class Request:
    """Who asks to do what to which resource, and the request's condition keys (names are case-insensitive)."""

    action: str
    resource: str
    service_principal: str | None = None  # e.g. cloudwatch.amazonaws.com
    principal_arn: str | None = None  # e.g. arn:aws:iam::123456789012:role/x
    context: Mapping[str, str] = field(default_factory=dict)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _wildcard(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    # IAM wildcards: * any run of characters, ? one character; nothing else is special.
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, flags=0 if case_sensitive else re.IGNORECASE) is not None


def _account_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else None


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise ValueError(f"unsupported Principal {principal!r}")
    for kind, values in principal.items():
        for value in _as_list(values):
            if kind == "Service" and request.service_principal == value:
                return True
            if kind == "AWS" and request.principal_arn is not None:
                if value == "*" or value == request.principal_arn:
                    return True
                # "arn:aws:iam::123456789012:root" (or the bare account id) stands for every principal of the account.
                account = value if value.isdigit() else (value.split(":")[4] if value.endswith(":root") else None)
                if account is not None and _account_of(request.principal_arn) == account:
                    return True
    return False


def _arn_like(pattern: str, value: str) -> bool:
    # ArnLike compares the six colon-separated parts, each with wildcards (case-sensitive).
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(_wildcard(p, v, case_sensitive=True) for p, v in zip(pattern_parts, value_parts, strict=True))


OPERATORS = {
    "StringEquals": lambda expected, actual: expected == actual,
    "StringLike": lambda expected, actual: _wildcard(expected, actual, case_sensitive=True),
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
}


def _condition_matches(conditions: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    lowered = {key.lower(): value for key, value in context.items()}
    for operator, keys in conditions.items():
        negated = operator.startswith(("StringNot", "ArnNot"))
        base = operator.replace("Not", "", 1) if negated else operator
        if base not in OPERATORS:
            raise ValueError(f"condition operator {operator} is not supported by this evaluator")
        for key, expected_values in keys.items():
            actual = lowered.get(key.lower())
            if actual is None:
                # A missing key never satisfies a positive operator; a negated one is then true.
                if not negated:
                    return False
                continue
            matched = any(OPERATORS[base](expected, actual) for expected in _as_list(expected_values))
            if matched == negated:
                return False
    return True


def _statement_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" in statement and not _principal_matches(statement["Principal"], request):
        return False
    if "Action" in statement:
        if not any(_wildcard(a, request.action, case_sensitive=False) for a in _as_list(statement["Action"])):
            return False
    elif any(_wildcard(a, request.action, case_sensitive=False) for a in _as_list(statement.get("NotAction"))):
        return False
    if "Resource" in statement:
        if not any(_wildcard(r, request.resource, case_sensitive=True) for r in _as_list(statement["Resource"])):
            return False
    elif any(_wildcard(r, request.resource, case_sensitive=True) for r in _as_list(statement.get("NotResource"))):
        return False
    return _condition_matches(statement.get("Condition", {}), request.context)


def evaluate(policy: str | Mapping[str, Any], request: Request) -> str:
    """Allow, Deny or ImplicitDeny for ``request`` under ``policy`` (a JSON string or a parsed document)."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    decision = IMPLICIT_DENY
    for statement in statements:
        if _statement_matches(statement, request):
            if statement.get("Effect") == "Deny":
                return DENY
            decision = ALLOW
    return decision


__all__ = ["ALLOW", "DENY", "IMPLICIT_DENY", "Request", "evaluate"]
