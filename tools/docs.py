"""The generated parts of the READMEs: inputs/outputs tables, the notifier settings table, the checkov skips.

terraform-docs cannot be installed here, so this does its job for the root module and every module under
modules/: the tables go between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (terraform-docs' own
markers, so users who have it can regenerate them). The notifier settings (keys of ``notifier_settings``) come from
the one declaration the function and the module share, contract/contract.json, and go
between ``<!-- BEGIN_NOTIFIER_SETTINGS -->`` and ``<!-- END_NOTIFIER_SETTINGS -->``. The checkov findings the modules
accept (``#checkov:skip=ID:reason`` where they stand) are listed in the root README between
``<!-- BEGIN_CHECKOV_SKIPS -->`` and ``<!-- END_CHECKOV_SKIPS -->``.

The root module's variables.tf is generated in part too: a root variable forwarded as is to a module (``x = var.x``
in main.tf) takes that module's description, copied as written, so each input has one text, kept where its rules
are. A variable forwarded to several modules takes their common text (they must agree), unless it is listed in
ROOT_OWN_DESCRIPTIONS with the reason the root needs words of its own.

    python -m tools.docs          # rewrite the root descriptions, then the tables
    python -m tools.docs --check  # exit 1 if the root descriptions or a README's tables differ from the code
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import hcl2
from accesslog_notifier.config import contract, describe_rule
from hcl2 import SerializationOptions

REPO_ROOT = Path(__file__).resolve().parent.parent

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
ROOT_VARIABLES = "variables.tf"
# Root variables forwarded as is that keep a description of their own: no module's text is true at the root.
# variable -> why. tests/unit/test_root_inputs.py checks each one is forwarded and needs it.
ROOT_OWN_DESCRIPTIONS = {
    "name": "three modules derive different names from it, with different length limits; the root gives the one "
    "that holds for all (the notifier's 39 characters)",
    "api_type": "two modules read it for different things (the format; routes and metrics); the root also says which "
    "of its own switches an HTTP API turns off",
    "rest_api_id": "required by stage-logging, optional at the root: needed only with create_method_settings",
    "stage_name": "required by stage-logging, optional for the error-alarm's rate alarms; the root says when it is "
    "needed and what the stage's access-log settings point at",
}
_VARIABLE = re.compile(r'^variable "(?P<name>[^"]+)" \{$')
# A one-line description, its HCL string literal as written (quotes and escapes kept, so a copy needs no escaping).
_DESCRIPTION = re.compile(r'^(?P<head>\s+description\s+=\s+)(?P<literal>"(?:[^"\\]|\\.)*")\s*$')


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


def forwarded_variables() -> dict[str, list[Path]]:
    """Each root variable passed to a module as is (``x = var.x`` in main.tf): the directories of those modules."""
    forwarded: dict[str, list[Path]] = {}
    for _, call in _blocks(REPO_ROOT / "main.tf", "module"):
        for argument, expression in call.items():
            if expression == f"${{var.{argument}}}":
                forwarded.setdefault(argument, []).append((REPO_ROOT / call["source"]).resolve())
    return forwarded


def description_literals(variables_tf: Path) -> dict[str, str]:
    """Each variable's description in a variables.tf, as the HCL string literal written there."""
    literals: dict[str, str] = {}
    current = None
    for line in variables_tf.read_text().splitlines():
        block = _VARIABLE.match(line)
        if block:
            current = block["name"]
        elif line == "}":
            current = None
        elif current is not None and current not in literals:
            description = _DESCRIPTION.match(line)
            if description:
                literals[current] = description["literal"]
    return literals


def root_descriptions() -> dict[str, str]:
    """The description literal each root variable forwarded as is takes from its module(s).

    Raises ValueError when the modules a variable goes to describe it differently (and it is not in
    ROOT_OWN_DESCRIPTIONS), or when a module's description is not a one-line string.
    """
    wanted, problems = {}, []
    for name, modules in sorted(forwarded_variables().items()):
        if name in ROOT_OWN_DESCRIPTIONS:
            continue
        texts: dict[str | None, list[str]] = {}
        for module in modules:
            texts.setdefault(description_literals(module / "variables.tf").get(name), []).append(module.name)
        if None in texts:
            problems.append(f"{name} has no one-line description in modules/{', modules/'.join(texts[None])}")
        elif len(texts) > 1:
            problems.append(
                f"{name} is described differently by {' / '.join(', '.join(group) for group in texts.values())}: "
                "give it one text true in each module and at the root, or list it in ROOT_OWN_DESCRIPTIONS with why"
            )
        else:
            wanted[name] = next(iter(texts))
    if problems:
        raise ValueError("; ".join(problems))
    return wanted


def regenerated_root_variables() -> str:
    """The root variables.tf with each forwarded variable's description replaced by its module's."""
    wanted = root_descriptions()
    lines, replaced, current = [], set(), None
    for line in (REPO_ROOT / ROOT_VARIABLES).read_text().splitlines(keepends=True):
        text = line.rstrip("\n")
        block = _VARIABLE.match(text)
        if block:
            current = block["name"]
        elif text == "}":
            current = None
        elif current in wanted and current not in replaced:
            description = _DESCRIPTION.match(text)
            if description:
                line = f"{description['head']}{wanted[current]}{line[len(text) :]}"
                replaced.add(current)
        lines.append(line)
    missing = sorted(set(wanted) - replaced)
    if missing:
        raise ValueError(f"{', '.join(missing)}: give each a one-line description in {ROOT_VARIABLES} (any text)")
    return "".join(lines)


def stale_root_variables() -> list[str]:
    """[ROOT_VARIABLES] (with the reason, if it cannot be generated) when its descriptions differ from the modules'."""
    try:
        if regenerated_root_variables() != (REPO_ROOT / ROOT_VARIABLES).read_text():
            return [ROOT_VARIABLES]
    except ValueError as error:
        return [f"{ROOT_VARIABLES} ({error})"]
    return []


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
        stale = stale_root_variables() + stale_readmes()
        if stale:
            print(f"out of date: {', '.join(stale)}; run `{REGENERATE_COMMAND}`", file=sys.stderr)
            return 1
        print("the root descriptions and every README's tables match the code")
        return 0
    # The descriptions first: the root README's table is rendered from them.
    root_variables = REPO_ROOT / ROOT_VARIABLES
    try:
        text = regenerated_root_variables()
    except ValueError as error:
        print(f"{ROOT_VARIABLES}: {error}", file=sys.stderr)
        return 1
    if text != root_variables.read_text():
        root_variables.write_text(text)
        print(f"updated {ROOT_VARIABLES}")
    for module_dir in module_dirs():
        readme = module_dir / "README.md"
        readme.write_text(regenerated(readme))
        print(f"updated {readme.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
