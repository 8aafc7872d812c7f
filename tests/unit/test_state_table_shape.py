"""The harness's state table (apigw_devkit.state_table, used by the demo, the benchmark and the tests) has the keys
modules/notifier/state_table.tf gives the real one, read from the Terraform file."""

from __future__ import annotations

import hcl2
from apigw_devkit.state_table import KEYS

from tests.support.files import REPO_ROOT


def unquote(value: str) -> str:
    return value.strip('"')


def test_the_harness_table_has_the_modules_keys_and_types():
    with open(REPO_ROOT / "modules" / "notifier" / "state_table.tf", encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    # python-hcl2 keeps the quotes of labels and string values.
    [table] = [
        block['"aws_dynamodb_table"']['"this"'] for block in parsed["resource"] if '"aws_dynamodb_table"' in block
    ]
    attributes = {unquote(attribute["name"]): unquote(attribute["type"]) for attribute in table["attribute"]}

    assert ((unquote(table["hash_key"]), "HASH"), (unquote(table["range_key"]), "RANGE")) == KEYS
    assert attributes == {key: "S" for key, _ in KEYS}
