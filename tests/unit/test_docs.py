"""The inputs/outputs tables in every module README are generated from the code."""

from __future__ import annotations

from pathlib import Path

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
