"""The edge tables (modules/*/tests/edges.json) are complete and their generated tests are current.

The tests themselves run with terraform test; tests/integration/test_edges_catch.py shows they fail when a rule is
loosened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools import edges, query_cases

MODULES = edges.module_dirs()


def _table(module_dir: Path) -> dict:
    return json.loads((module_dir / edges.tests_dir(module_dir) / edges.TABLE).read_text())


@pytest.mark.parametrize("module_dir", MODULES, ids=lambda path: path.name)
def test_every_validated_variable_has_a_row_with_both_sides(module_dir: Path) -> None:
    rules = _table(module_dir)["rules"]
    validated = edges.validated_variables(module_dir)
    assert set(rules) == set(validated), "rows must be exactly the variables with a validation"
    for name, rule in rules.items():
        assert rule.get("accepted") and rule.get("refused"), f"{name} needs accepted and refused values"
        assert len(rule.get("source", "")) > 20, f"{name} must say where its edges come from"


@pytest.mark.parametrize("module_dir", MODULES, ids=lambda path: path.name)
def test_every_table_value_reaches_the_generated_file(module_dir: Path) -> None:
    generated = edges.render(module_dir)
    for rule in _table(module_dir)["rules"].values():
        for entry in [*rule["accepted"], *rule["refused"]]:
            value = entry["value"] if isinstance(entry, dict) and "value" in entry else entry
            assert edges.hcl(edges.expand(value)) in generated


def test_generated_files_are_current() -> None:
    assert edges.stale() == [], "run `make edges`"


def test_the_query_length_cases_are_current_and_bracket_the_limit() -> None:
    assert query_cases.main(["--check"]) == 0, "run `make edges`"
    text = query_cases.render()
    # The cases sit on both sides of StartQuery's limit: 10,000 accepted, 10,001 and 10,002 refused.
    for chars in (10_000, 10_001, 10_002):
        assert f"local.longest_query_chars == {chars}\n" in text
    assert text.count("expect_failures = [aws_lambda_function.this]") == 3


def test_rules_that_read_each_other_never_share_a_refusing_run() -> None:
    reads = {"a": {"b"}, "b": set(), "c": set()}
    rows = [[edges.Entry("a", 1, {})], [edges.Entry("b", 2, {})], [edges.Entry("c", 3, {})]]
    runs = edges.pack(rows, "refuses", reads, refusing=True)
    assert [sorted(run.values) for run in runs] == [["a", "c"], ["b"]]
    assert runs[0].refused == ["a", "c"]


def test_a_context_that_another_rule_reads_keeps_that_rule_out() -> None:
    # create_5xx_alarm reads create_4xx_alarm; a threshold of 599 needs create_4xx_alarm = false.
    reads = {"create_5xx_alarm": {"create_4xx_alarm"}, "error_status_threshold": set()}
    rows = [
        [edges.Entry("error_status_threshold", 599, {"create_4xx_alarm": False})],
        [edges.Entry("create_5xx_alarm", False, {})],
    ]
    runs = edges.pack(rows, "accepts", reads, refusing=False)
    assert len(runs) == 2


def test_reads_are_followed_through_other_rules(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "a" {\n  validation {\n    condition = var.a <= var.b\n    error_message = "a"\n  }\n}\n'
        'variable "b" {\n  validation {\n    condition = var.b <= var.c\n    error_message = "b"\n  }\n}\n'
        'variable "c" {\n  validation {\n    condition = var.c > 0\n    error_message = "c"\n  }\n}\n'
    )
    assert edges.validated_variables(tmp_path) == {"a": {"b", "c"}, "b": {"c"}, "c": set()}


def test_values_become_hcl_with_templates_escaped() -> None:
    assert edges.hcl({"ua": "$context.x", "t": "${var.x}", "n": [1, None, True]}) == (
        '{ "ua" = "$context.x", "t" = "$${var.x}", "n" = [1, null, true] }'
    )
    assert edges.expand({"$items": "GET /r%d", "count": 2}) == ["GET /r1", "GET /r2"]
    assert edges.expand({"$items": 400, "count": 2}) == [400, 401]
    assert edges.expand("/{p*3}/") == "/ppp/"


@pytest.mark.parametrize("module_dir", MODULES, ids=lambda path: path.name)
def test_every_setting_pattern_value_reaches_the_generated_file(module_dir: Path) -> None:
    generated = edges.render(module_dir)
    for examples in _table(module_dir).get("setting_patterns", {}).values():
        assert len(examples.get("source", "")) > 20, "each pattern must say where its values come from"
        for value in [*examples["accepted"], *examples["refused"]]:
            assert edges.hcl(edges.expand(value)) in generated


def _contract(**settings: dict) -> dict:
    return {"settings": {key: {"source": "settings", **spec} for key, spec in settings.items()}}


MENTION = {"type": "string", "pattern": "mention", "min_length": 4, "max_length": 7}
WINDOWS = {"type": "list(string)", "item_pattern": "window", "min_items": 0, "max_items": 2}
PATTERNS = {
    "mention": {"accepted": ["here", "channel", "S0123"], "refused": ["everyone"]},
    "window": {"accepted": ["Mon 01:00-02:00 UTC", "* 00:00-24:00 UTC", "Sun 03:00-04:00 UTC"], "refused": ["Mon"]},
}


def test_a_string_setting_with_a_pattern_takes_the_tables_values_at_both_length_edges() -> None:
    accepted, refused = edges.settings_rules(_contract(mention=MENTION), PATTERNS)
    values = [run.values["notifier_settings"]["mention"] for run in accepted]
    assert values == ["here", "channel", "S0123"]  # lowest, highest, then the others
    assert [run.values["notifier_settings"]["mention"] for run in refused] == ["everyone", "x" * 8, "xxx"]
    assert all(run.refused == ["notifier_settings"] for run in refused)


def test_a_pattern_without_values_at_the_length_edges_or_without_values_is_an_error() -> None:
    short = {**PATTERNS, "mention": {"accepted": ["here", "S0123"], "refused": ["everyone"]}}
    with pytest.raises(ValueError, match="7 characters"):
        edges.settings_rules(_contract(mention=MENTION), short)
    with pytest.raises(ValueError, match=r"setting_patterns\.mention"):
        edges.settings_rules(_contract(mention=MENTION), {})


def test_a_list_setting_takes_the_fewest_and_most_items_and_refuses_one_more_a_bad_item_and_a_bare_string() -> None:
    accepted, refused = edges.settings_rules(_contract(windows=WINDOWS), PATTERNS)
    lists = [run.values["notifier_settings"]["windows"] for run in accepted]
    assert lists == [[], ["Mon 01:00-02:00 UTC", "* 00:00-24:00 UTC"], ["Sun 03:00-04:00 UTC"]]
    assert [run.values["notifier_settings"]["windows"] for run in refused] == [
        ["Mon"],
        ["Mon 01:00-02:00 UTC", "* 00:00-24:00 UTC", "Sun 03:00-04:00 UTC"],
        "Mon 01:00-02:00 UTC",
    ]
