"""The generated parts of the READMEs: inputs/outputs tables, the notifier settings table, the checkov skips.

terraform-docs cannot be installed here, so this does its job for the root module and every module under
modules/: the tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (terraform-docs' own
markers, so users who have it can regenerate them). The notifier settings (keys of ``notifier_settings``) come from
the one declaration the function and the module share, contract/contract.json, and go
between ``<!-- BEGIN_NOTIFIER_SETTINGS -->`` and ``<!-- END_NOTIFIER_SETTINGS -->``. The checkov findings the modules
accept (``#checkov:skip=ID:reason`` where they stand) are listed in the root README between
``<!-- BEGIN_CHECKOV_SKIPS -->`` and ``<!-- END_CHECKOV_SKIPS -->``.

    python -m tools.docs          # rewrite the tables
    python -m tools.docs --check  # exit 1 if a README's tables differ from the code
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "source_code" / "notifier"))

from accesslog_notifier.config import contract, describe_rule  # noqa: E402

BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
SETTINGS_BEGIN, SETTINGS_END = "<!-- BEGIN_NOTIFIER_SETTINGS -->", "<!-- END_NOTIFIER_SETTINGS -->"
SKIPS_BEGIN, SKIPS_END = "<!-- BEGIN_CHECKOV_SKIPS -->", "<!-- END_CHECKOV_SKIPS -->"
# The README that lists the checkov findings the bundle accepts, with their reasons.
SKIPS_README = "README.md"
_SKIP = re.compile(r"#checkov:skip=(?P<check>[A-Z0-9_]+)(?::(?P<reason>.*))?$")
_BLOCK = re.compile(r'^(?P<kind>resource|data) "(?P<type>[^"]+)" "(?P<name>[^"]+)"')
# READMEs that document notifier_settings.
SETTINGS_READMES = ("README.md", "modules/notifier/README.md")
REGENERATE_COMMAND = "make docs"
_OPTIONS = SerializationOptions(strip_string_quotes=True, with_comments=False)


def module_dirs() -> list[Path]:
    """The root module and every module under modules/."""
    return [REPO_ROOT, *sorted(path for path in (REPO_ROOT / "modules").iterdir() if (path / "variables.tf").is_file())]


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    if not path.is_file():
        return []
    with path.open() as handle:
        parsed = hcl2.load(handle, serialization_options=_OPTIONS)
    return [(name, body) for block in parsed.get(kind, []) for name, body in block.items()]


def _expression(value: Any) -> str:
    """HCL-ish text of a parsed value: interpolations unwrapped, literals as Terraform writes them."""
    if isinstance(value, str):
        match = re.fullmatch(r"\$\{(.*)\}", value, flags=re.DOTALL)
        return match.group(1) if match else json.dumps(value)
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if not key.startswith("__")}
    return json.dumps(value).replace(": ", " = ") if value not in (None, True, False) else json.dumps(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _prose(text: str) -> str:
    """A description for a table cell: angle brackets shown, not taken for HTML (``<name>`` would vanish)."""
    return _cell(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def render_tables(module_dir: Path) -> str:
    """The Markdown inputs and outputs tables of one module."""
    lines = ["## Inputs", "", "| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
    for name, body in sorted(_blocks(module_dir / "variables.tf", "variable")):
        required = "default" not in body
        default = "n/a" if required else f"`{_cell(_expression(body['default']))}`"
        description = body.get("description", "")
        if body.get("sensitive"):
            description += " (sensitive)"
        if body.get("ephemeral"):
            description += " (ephemeral)"
        kind = _cell(re.sub(r"^\$\{(.*)\}$", r"\1", body.get("type", "any"), flags=re.DOTALL))
        lines.append(f"| `{name}` | {_prose(description)} | `{kind}` | {default} | {'yes' if required else 'no'} |")
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in sorted(_blocks(module_dir / "outputs.tf", "output")):
        description = body.get("description", "") + (" (sensitive)" if body.get("sensitive") else "")
        lines.append(f"| `{name}` | {_prose(description)} |")
    return "\n".join(lines)


def render_settings_table() -> str:
    """The keys of notifier_settings: what each accepts and its default, from contract.json."""
    lines = [
        "| Key | Environment variable | Allowed | Default | Description |",
        "|---|---|---|---|---|",
    ]
    for key, spec in contract()["settings"].items():
        if spec["source"] != "settings":
            continue
        default = f"`{_cell(json.dumps(spec['default']))}`"
        lines.append(
            f"| `{key}` | `{spec['env']}` | {_prose(describe_rule(spec))} | {default} | {_prose(spec['description'])} |"
        )
    return "\n".join(lines)


def checkov_skips() -> list[dict[str, str]]:
    """Every ``#checkov:skip`` under modules/: module, block address, check id and reason (empty if none given)."""
    skips = []
    for tf_file in sorted((REPO_ROOT / "modules").glob("*/*.tf")):
        address = ""
        for line in tf_file.read_text().splitlines():
            block = _BLOCK.match(line)
            if block:
                prefix = "data." if block["kind"] == "data" else ""
                address = f"{prefix}{block['type']}.{block['name']}"
            skip = _SKIP.search(line.strip())
            if skip:
                skips.append(
                    {
                        "module": tf_file.parent.name,
                        "address": address,
                        "check": skip["check"],
                        "reason": (skip["reason"] or "").strip(),
                    }
                )
    return skips


def render_skips_table() -> str:
    """The accepted checkov findings, where they stand and why."""
    lines = ["| Module | Resource | Check | Why it is accepted |", "|---|---|---|---|"]
    for skip in checkov_skips():
        lines.append(f"| `{skip['module']}` | `{skip['address']}` | {skip['check']} | {_prose(skip['reason'])} |")
    return "\n".join(lines)


def updated_readme(readme_text: str, tables: str, begin: str = BEGIN, end: str = END) -> str:
    """The README with the text between the markers replaced by ``tables``."""
    if begin not in readme_text or end not in readme_text:
        raise ValueError(f"the README has no {begin} ... {end} markers")
    head, rest = readme_text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{tables}\n{end}{tail}"


def regenerated(readme: Path) -> str:
    """A README's text with every generated part brought up to date."""
    text = readme.read_text() if readme.is_file() else ""
    text = updated_readme(text, render_tables(readme.parent))
    if readme.relative_to(REPO_ROOT).as_posix() in SETTINGS_READMES:
        text = updated_readme(text, render_settings_table(), SETTINGS_BEGIN, SETTINGS_END)
    if readme.relative_to(REPO_ROOT).as_posix() == SKIPS_README:
        text = updated_readme(text, render_skips_table(), SKIPS_BEGIN, SKIPS_END)
    return text


def stale_readmes() -> list[str]:
    stale = []
    for module_dir in module_dirs():
        readme = module_dir / "README.md"
        try:
            if regenerated(readme) != readme.read_text():
                stale.append(readme.relative_to(REPO_ROOT).as_posix())
        except (ValueError, FileNotFoundError) as error:
            stale.append(f"{readme.relative_to(REPO_ROOT).as_posix()} ({error})")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a README's tables differ from the code")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_readmes()
        if stale:
            print(f"out of date: {', '.join(stale)}; run `{REGENERATE_COMMAND}`", file=sys.stderr)
            return 1
        print("every README's tables match the code")
        return 0
    for module_dir in module_dirs():
        readme = module_dir / "README.md"
        readme.write_text(regenerated(readme))
        print(f"updated {readme.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
