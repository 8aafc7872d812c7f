"""The access-log fields, declared once in contract.json (``access_log.fields``): every field the notifier and the
error alarm read exists there for the API types whose lines carry it, and the notifier names none of them itself.

Which API type has which $context variable comes from the API Gateway Developer Guide ("$context variables for data
models, authorizers, mapping templates, and access logging" for REST APIs; "Customizing HTTP API access logs" for
HTTP APIs), written out here, not read from the contract under test.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from accesslog_notifier import fields

from tests.support.notifier import access_line, http_access_line

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FIELDS: dict[str, dict] = json.loads((REPO_ROOT / "contract" / "contract.json").read_text())["access_log"][
    "fields"
]
PACKAGE = REPO_ROOT / "source_code" / "notifier" / "accesslog_notifier"
ERROR_ALARM = REPO_ROOT / "modules" / "error-alarm"
BOTH, REST, HTTP = frozenset({"REST", "HTTP"}), frozenset({"REST"}), frozenset({"HTTP"})

# What the notifier reads, by role, and the API types whose lines have it: a route is a REST resource path or an
# HTTP API route key; only REST APIs have $context.xrayTraceId, only HTTP APIs report $context.integrationLatency
# (REST lines give the latency as responseLatency, which HTTP lines have too).
READ_BY_THE_NOTIFIER = {
    "status": BOTH,
    "method": BOTH,
    "resource_path": REST,
    "route_key": HTTP,
    "path": BOTH,
    "request_id": BOTH,
    "source_ip": BOTH,
    "response_latency": BOTH,
    "integration_latency": HTTP,
    "integration_error": BOTH,
    "error_message": BOTH,
    "xray_trace_id": REST,
    "api_id": BOTH,
    "stage": BOTH,
}
# The $context variable each role carries (same documents).
VARIABLES = {
    "status": "$context.status",
    "method": "$context.httpMethod",
    "resource_path": "$context.resourcePath",
    "route_key": "$context.routeKey",
    "path": "$context.path",
    "request_id": "$context.requestId",
    "source_ip": "$context.identity.sourceIp",
    "response_latency": "$context.responseLatency",
    "integration_latency": "$context.integrationLatency",
    "integration_error": "$context.integrationErrorMessage",
    "error_message": "$context.error.message",
    "xray_trace_id": "$context.xrayTraceId",
    "api_id": "$context.apiId",
    "stage": "$context.stage",
}


def names_for(api_type: str) -> set[str]:
    return {field["name"] for field in CONTRACT_FIELDS.values() if api_type in field["api_types"]}


def test_the_notifier_reads_the_roles_this_test_declares():
    # A new field read by the notifier needs its row above, with the API types that have it.
    assert set(fields.READ) == set(READ_BY_THE_NOTIFIER)


@pytest.mark.parametrize("role", sorted(READ_BY_THE_NOTIFIER))
def test_each_field_the_notifier_reads_is_in_the_contract_for_its_api_types(role):
    declared = CONTRACT_FIELDS[role]
    assert frozenset(declared["api_types"]) == READ_BY_THE_NOTIFIER[role]
    assert declared["variable"] == VARIABLES[role]
    assert fields.READ[role] == declared["name"]


def test_status_is_the_only_number():
    # Metric filters compare numbers only: { $.status >= 400 } must see 404, not "404".
    assert {role for role, field in CONTRACT_FIELDS.items() if field["type"] == "number"} == {"status"}
    assert {field["type"] for field in CONTRACT_FIELDS.values()} == {"string", "number"}


def test_names_can_stand_unquoted_in_queries_filters_and_as_extra_fields():
    # Logs Insights and metric filters take a bare identifier ($.name, `by name`); the access-log-group module
    # accepts extra fields named the same way.
    for field in CONTRACT_FIELDS.values():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", field["name"]), field
        assert re.fullmatch(r"\$context\.[A-Za-z0-9_.]+", field["variable"]), field
        assert set(field["api_types"]) <= BOTH and field["api_types"], field


@pytest.mark.parametrize("api_type", ["REST", "HTTP"])
def test_names_are_unique_within_a_format(api_type):
    names = [field["name"] for field in CONTRACT_FIELDS.values() if api_type in field["api_types"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("api_type", "line"), [("REST", access_line()), ("HTTP", http_access_line())])
def test_the_test_lines_are_of_the_contracts_format(api_type, line):
    # The unit tests' lines stand for what the stage writes: they must use the contract's names for their API type.
    assert set(json.loads(line)) <= names_for(api_type)


def _filter_selectors_by_api_type() -> dict[str, set[str]]:
    """The JSON fields the error alarm's filter patterns select ($.name), per API type, as its tests pin them."""
    default = re.search(
        r'variable "api_type" \{.*?default\s*=\s*"(\w+)"', (ERROR_ALARM / "variables.tf").read_text(), re.S
    )
    assert default is not None
    selectors: dict[str, set[str]] = {"REST": set(), "HTTP": set()}
    for test_file in sorted((ERROR_ALARM / "tests").glob("*.tftest.hcl")):
        for run in test_file.read_text().split('\nrun "')[1:]:
            api_type = re.search(r'\bapi_type\s*=\s*"(\w+)"', run)
            for line in run.splitlines():
                if ".pattern ==" in line:
                    selectors[api_type[1] if api_type else default[1]].update(re.findall(r"\$\.([A-Za-z_]\w*)", line))
    return selectors


def test_the_error_alarms_filters_select_fields_of_their_api_types_format():
    selectors = _filter_selectors_by_api_type()
    # Not vacuous: the tests pin a REST route exclusion, an HTTP one, and status comparisons for both.
    assert {"status", "httpMethod", "resourcePath"} <= selectors["REST"]
    assert {"status", "routeKey"} <= selectors["HTTP"]
    for api_type, names in selectors.items():
        assert names <= names_for(api_type), api_type


def test_the_error_alarm_module_takes_the_fields_it_selects_from_the_contract():
    text = (ERROR_ALARM / "main.tf").read_text()
    assert re.findall(r"\$\.[A-Za-z_]", text) == []  # no $.name written out
    roles = set(re.findall(r"\$\.\$\{local\.field\.(\w+)\}", text))
    assert {"status", "method", "resource_path", "route_key"} <= roles <= set(CONTRACT_FIELDS)


# A string that is a field name, in the package, for something else: (module, string) -> what it is.
NOT_ACCESS_LOG_FIELDS = {
    ("insights.py", "status"): "GetQueryResults' own status (Complete, Running ...)",
    ("state.py", "status"): "an attribute of the state table's items",
}


def test_the_notifier_names_no_access_log_field_itself():
    # So renaming a field is one edit of the contract: the package takes every name from accesslog_notifier.fields.
    names = names_for("REST") | names_for("HTTP")
    camel_case = {name for name in names if name != name.lower()}
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "fields.py":
            continue
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
                continue
            # A whole string that is a name (line.get("status")), or a camelCase name anywhere (query text).
            if node.value in names and (path.name, node.value) not in NOT_ACCESS_LOG_FIELDS:
                found.append((path.name, node.lineno, node.value))
            found += [(path.name, node.lineno, word) for word in set(re.findall(r"\w+", node.value)) & camel_case]
    assert found == []
