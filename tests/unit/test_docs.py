"""The generated parts: the inputs/outputs tables in every module README, the root descriptions from the modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import docs


def test_readme_tables_match_the_code() -> None:
    stale = docs.stale_readmes()
    assert stale == [], f"{stale}: run `{docs.REGENERATE_COMMAND}`"


def test_every_module_has_a_readme_with_tables() -> None:
    for module_dir in docs.module_dirs():
        text = (module_dir / "README.md").read_text()
        assert docs.BEGIN in text and "## Inputs" in text and "## Outputs" in text, module_dir


def test_tables_show_required_defaults_types_and_sensitivity(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        """
variable "name" {
  description = "Name, used as /aws/<name> | prefix."
  type        = string
}

variable "retention" {
  description = "Days."
  type        = number
  default     = 90
}

variable "webhook" {
  description = "Secret."
  type        = string
  sensitive   = true
  default     = null
}

variable "fields" {
  description = "Map."
  type        = map(string)
  default     = { a = "b" }
}
"""
    )
    (tmp_path / "outputs.tf").write_text('output "arn" {\n  description = "The ARN."\n  value       = "x"\n}\n')
    tables = docs.render_tables(tmp_path)
    assert "| `name` | Name, used as /aws/&lt;name&gt; \\| prefix. | `string` | n/a | yes |" in tables
    assert "| `retention` | Days. | `number` | `90` | no |" in tables
    assert "| `webhook` | Secret. (sensitive) | `string` | `null` | no |" in tables
    assert '| `fields` | Map. | `map(string)` | `{"a" = "b"}` | no |' in tables
    assert "| `arn` | The ARN. |" in tables


def test_updated_readme_replaces_only_between_markers() -> None:
    text = f"# Title\n\nintro\n\n{docs.BEGIN}\nold\n{docs.END}\n\nafter\n"
    assert docs.updated_readme(text, "new") == f"# Title\n\nintro\n\n{docs.BEGIN}\nnew\n{docs.END}\n\nafter\n"


def test_every_checkov_skip_gives_a_reason_and_is_listed() -> None:
    skips = docs.checkov_skips()
    assert skips, "the modules accept some checkov findings; the scanner for them found none"
    for skip in skips:
        # A reviewer accepts a reason, not an id: a sentence that says why, not "n/a".
        assert len(skip["reason"]) >= 60, f"{skip['module']} {skip['address']} {skip['check']} has no real reason"
        assert skip["address"], f"{skip['module']} {skip['check']} is outside any resource or data block"
    table = docs.render_skips_table()
    assert all(f"| {skip['check']} |" in table for skip in skips)


def test_a_skip_without_a_reason_is_seen(tmp_path: Path, monkeypatch) -> None:
    module = tmp_path / "modules" / "m"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'resource "aws_cloudwatch_log_group" "this" {\n  #checkov:skip=CKV_AWS_338\n  name = "x"\n}\n'
    )
    monkeypatch.setattr(docs, "REPO_ROOT", tmp_path)
    assert docs.checkov_skips() == [
        {"module": "m", "address": "aws_cloudwatch_log_group.this", "check": "CKV_AWS_338", "reason": ""}
    ]


def _bundle(root: Path, root_variables: str, modules: dict[str, str]) -> None:
    """A root module calling each module of ``modules`` (name -> variables.tf), forwarding what main.tf says."""
    calls = []
    for name, text in modules.items():
        (root / "modules" / name).mkdir(parents=True)
        (root / "modules" / name / "variables.tf").write_text(text)
        calls.append(
            f'module "{name}" {{\n  source = "./modules/{name}"\n  count  = 1\n\n'
            "  common = var.common\n  wired  = local.wired\n"
            + ("  own = var.own\n  only_a = var.only_a\n" if name == "a" else "")
            + "}\n"
        )
    (root / "main.tf").write_text('locals {\n  wired = "w"\n}\n\n' + "\n".join(calls))
    (root / "variables.tf").write_text(root_variables)


def _variable(name: str, description: str) -> str:
    return f'variable "{name}" {{\n  description = {description}\n  type        = string\n  default     = null\n}}\n'


def test_root_descriptions_are_copied_from_the_modules(tmp_path: Path, monkeypatch) -> None:
    module_a = (
        _variable("common", '"Shared, said once."')
        + _variable("wired", '"Wired by the root."')
        + _variable("own", '"Module words."')
        + _variable("only_a", r'"Name => \"$context.x\" (see \\ <this>)."')
    )
    module_b = _variable("common", '"Shared, said once."') + _variable("wired", '"Wired differently."')
    root = "# header\n\n" + "\n".join(
        _variable(name, '"Root words."') for name in ("common", "wired", "own", "only_a", "root_only")
    )
    _bundle(tmp_path, root, {"a": module_a, "b": module_b})
    monkeypatch.setattr(docs, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(docs, "ROOT_OWN_DESCRIPTIONS", {"own": "the root words it in its own way"})
    assert docs.stale_root_variables() == ["variables.tf"]
    expected = "# header\n\n" + "\n".join(
        [
            _variable("common", '"Shared, said once."'),  # two modules, one text
            _variable("wired", '"Root words."'),  # not forwarded as is: the root's own
            _variable("own", '"Root words."'),  # an exception
            _variable("only_a", r'"Name => \"$context.x\" (see \\ <this>)."'),  # copied as written, escapes and all
            _variable("root_only", '"Root words."'),
        ]
    )
    assert docs.regenerated_root_variables() == expected
    (tmp_path / "variables.tf").write_text(expected)
    assert docs.stale_root_variables() == []


def test_modules_that_describe_a_forwarded_variable_differently_are_named(tmp_path: Path, monkeypatch) -> None:
    module_a = "".join(_variable(name, '"A."') for name in ("common", "wired", "own", "only_a"))
    module_b = _variable("common", '"B."') + _variable("wired", '"B."')
    root = "".join(_variable(name, '"Root."') for name in ("common", "wired", "own", "only_a"))
    _bundle(tmp_path, root, {"a": module_a, "b": module_b})
    monkeypatch.setattr(docs, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(docs, "ROOT_OWN_DESCRIPTIONS", {})
    with pytest.raises(ValueError, match=r"common is described differently by a / b"):
        docs.regenerated_root_variables()
    assert docs.stale_root_variables()[0].startswith("variables.tf (common is described differently")
