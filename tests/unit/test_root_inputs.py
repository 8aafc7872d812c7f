"""The root module forwards every module input under the module's own name, and writes no rule a module owns.

Read from the HCL (python-hcl2): each argument of each module call in main.tf is either ``x = var.x`` (forwarded,
same name at both layers) or listed in WIRED with the reason the root sets it itself; every module variable is
passed or listed in NOT_EXPOSED with a reason. Root variables validate only rules that span parts. A forwarded
variable has its module's type, default and flags, and its description (one text per input: `make docs` copies it,
tools/docs.py lists the few the root words itself, and why).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions

from tools import docs

REPO_ROOT = Path(__file__).resolve().parents[2]
OPTIONS = SerializationOptions(strip_string_quotes=True, with_comments=False)
META_ARGUMENTS = {"source", "count", "for_each", "depends_on", "providers", "__is_block__"}

# module call -> argument -> why the root computes it rather than forwarding a root variable of the same name.
WIRED = {
    "error_alarm": {
        "access_log_group_name": "the access-log group of this stage (created or given)",
        "sns_topic_publisher_alarm_arns": "the caller's alarms and the notifier's failure alarms",
    },
    "notifier": {
        "log_group_names": "the access-log group of this stage",
        "notifier_settings": "message_title defaults to the API's name",
        "create_notifier_failure_alarm": "on with the alarms: the failure alarm needs their topic",
        "notifier_failure_alarm_sns_topic_arn": "the alarm topic",
        "alarm_digest_sns_topic_arn": "the alarm topic",
        "alarm_digest_alarm_names": "the 4xx/5xx alarms, none other",
    },
}
# module call -> variable the root does not pass -> why.
NOT_EXPOSED: dict[str, dict[str, str]] = {}
# Required by a module, optional at the root because the module itself is behind a switch: variable -> switch.
OPTIONAL_AT_ROOT = {"rest_api_id": "create_method_settings", "stage_name": "create_method_settings"}
# Root variables whose validations span parts: variable -> what the rule ties together.
SPANNING_RULES = {
    "api_type": "HTTP APIs have no method settings",
    "enable_alarm_digest": "the alarm digest needs the alarms and the notifier",
    "rest_api_id": "method settings need a stage",
    "stage_name": "method settings need a stage",
    "create_chatbot_channel": "Chatbot needs the alarms",
}


def _load(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return hcl2.load(handle, serialization_options=OPTIONS)


def module_calls() -> dict[str, dict[str, Any]]:
    calls = {}
    for block in _load(REPO_ROOT / "main.tf")["module"]:
        for name, body in block.items():
            calls[name] = body
    return calls


def variables(directory: Path) -> dict[str, dict[str, Any]]:
    return {name: body for block in _load(directory / "variables.tf")["variable"] for name, body in block.items()}


def module_dir(call: dict[str, Any]) -> Path:
    return (REPO_ROOT / call["source"]).resolve()


CALLS = module_calls()


@pytest.mark.parametrize("call_name", sorted(CALLS))
def test_each_argument_is_forwarded_under_its_own_name_or_wired_for_a_reason(call_name: str) -> None:
    root_variables = variables(REPO_ROOT)
    wired = WIRED.get(call_name, {})
    for argument, expression in CALLS[call_name].items():
        if argument in META_ARGUMENTS:
            continue
        if argument in wired:
            assert expression != f"${{var.{argument}}}", f"{call_name}.{argument} is plain forwarding, not wiring"
            continue
        assert expression == f"${{var.{argument}}}", (
            f"module.{call_name}: {argument} = {expression}; forward it as var.{argument}, or list it in WIRED"
        )
        assert argument in root_variables, f"module.{call_name} forwards var.{argument}, which the root lacks"


@pytest.mark.parametrize("call_name", sorted(CALLS))
def test_every_module_input_is_passed_or_its_absence_explained(call_name: str) -> None:
    module_variables = variables(module_dir(CALLS[call_name]))
    passed = set(CALLS[call_name]) - META_ARGUMENTS
    missing = set(module_variables) - passed - set(NOT_EXPOSED.get(call_name, {}))
    assert missing == set(), f"module.{call_name} does not pass {sorted(missing)}: expose them or say why not"


def test_every_root_variable_reaches_a_module_or_an_output() -> None:
    text = "\n".join((REPO_ROOT / name).read_text() for name in ("main.tf", "outputs.tf"))
    unused = [name for name in variables(REPO_ROOT) if not re.search(rf"\bvar\.{name}\b", text)]
    assert unused == []


def test_root_variables_validate_only_rules_that_span_parts() -> None:
    validated = {name for name, body in variables(REPO_ROOT).items() if body.get("validation")}
    assert validated == set(SPANNING_RULES)


def test_a_forwarded_variable_has_the_modules_type_and_default() -> None:
    root_variables = variables(REPO_ROOT)
    for call_name, call in CALLS.items():
        module_variables = variables(module_dir(call))
        for argument in set(call) - META_ARGUMENTS - set(WIRED.get(call_name, {})):
            root, module = root_variables[argument], module_variables[argument]
            assert root.get("type") == module.get("type"), f"{argument}: type differs from module.{call_name}"
            if argument in OPTIONAL_AT_ROOT:
                assert root.get("default", "required") is None and OPTIONAL_AT_ROOT[argument] in root_variables
                continue
            if "default" in module:
                assert root.get("default") == module["default"], f"{argument}: default differs from {call_name}"
            for flag in ("sensitive", "ephemeral", "nullable"):
                assert root.get(flag, flag == "nullable") == module.get(flag, flag == "nullable"), (
                    f"{argument}: {flag} differs from module.{call_name}"
                )


def forwarded() -> dict[str, list[str]]:
    """Root variable -> the module calls that take it as is (every argument neither a meta-argument nor WIRED)."""
    calls: dict[str, list[str]] = {}
    for call_name, call in CALLS.items():
        for argument in set(call) - META_ARGUMENTS - set(WIRED.get(call_name, {})):
            calls.setdefault(argument, []).append(call_name)
    return calls


def test_a_forwarded_variable_has_the_modules_description() -> None:
    # Read with python-hcl2, not with the generator's own reading of the files, so a copy it garbled is seen.
    root_variables = variables(REPO_ROOT)
    compared, drifted = 0, []
    for argument, call_names in sorted(forwarded().items()):
        if argument in docs.ROOT_OWN_DESCRIPTIONS:
            continue
        for call_name in call_names:
            module_description = variables(module_dir(CALLS[call_name]))[argument].get("description")
            compared += 1
            if root_variables[argument].get("description") != module_description:
                drifted.append(f"{argument} (module.{call_name})")
    assert compared > 0
    assert drifted == [], f"root descriptions differ from the modules': {', '.join(drifted)}; run `make docs`"


def test_a_root_description_of_its_own_has_a_reason() -> None:
    """An exception is a forwarded variable no single module text describes: its modules disagree, or the root
    makes optional what a module requires. Anything else takes the module's words."""
    root_variables = variables(REPO_ROOT)
    calls = forwarded()
    for name, reason in docs.ROOT_OWN_DESCRIPTIONS.items():
        assert name in calls, f"{name} is not forwarded as is: drop it from docs.ROOT_OWN_DESCRIPTIONS"
        module_texts = {variables(module_dir(CALLS[call_name]))[name].get("description") for call_name in calls[name]}
        assert len(module_texts) > 1 or name in OPTIONAL_AT_ROOT, (
            f"{name}: {calls[name]} describe it in one text; let `make docs` copy it (drop it from the exceptions)"
        )
        assert root_variables[name].get("description") not in module_texts, f"{name}: the root repeats a module's text"
        assert len(reason) >= 40, f"{name}: say why the root needs its own words"
