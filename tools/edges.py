"""Both edges of every Terraform validation, generated from one table per module.

Each module keeps a table, ``modules/<name>/tests/edges.json`` (the root module's is
``tests/terraform/edges.json``): for every variable with a validation, the values just inside and just outside each
of its rules (min-1, min, max, max+1 of a range, each allowed value of a small enum and its neighbours, the longest
accepted string and one character more), written from the AWS documentation the rule encodes, not from the rule
itself. This turns each table into ``edges.tftest.hcl`` beside it:

- accepted values go together into as few ``plan`` runs as the rules allow (first fit, in table order), and each
  run must plan;
- refused values go together the same way, each run listing every refused variable in ``expect_failures``, so a
  variable whose rule lets its value through fails the run by name;
- two values never share a run when one variable's rule reads the other, directly or through another rule
  (Terraform skips a rule whose inputs failed, and an accepted value may be refused beside another's);
- the notifier's ``notifier_settings`` keys come from the contract (contract/contract.json), one refusal per key
  and side (one map variable cannot say which key failed). A string setting with a ``pattern`` and a list(string)
  setting's ``item_pattern`` take their values from the table's ``setting_patterns``: per pattern name, values
  written from the documentation that respect it (``accepted``) and violate it (``refused``); the accepted values
  of a string setting must include one of its ``min_length`` and one of its ``max_length``.

Strings may be written ``"{x*99}"`` for 99 x's, and a list of n items ``{"$items": "GET /r%d", "count": n}``
(``%d`` numbered from 1), or of n numbers ``{"$items": 400, "count": n}`` (400, 401...). An entry is a value,
or ``{"value": v, "with": {...}}`` when it needs other variables set. ``tests/unit/test_edges.py`` checks that
every validated variable has a row and that the generated files are current.

    python -m tools.edges          # regenerate every module's edges.tftest.hcl
    python -m tools.edges --check  # exit 1 if one is missing or differs from its table
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTRACT = REPO_ROOT / "contract" / "contract.json"
TABLE, GENERATED = "edges.json", "edges.tftest.hcl"
_OPTIONS = SerializationOptions(strip_string_quotes=True, with_comments=False)
_REPEAT = re.compile(r"\{(.)\*(\d+)\}")
_VAR_REFERENCE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_]*)")


def module_dirs() -> list[Path]:
    """The root module and every module under modules/."""
    return [REPO_ROOT, *sorted(path for path in (REPO_ROOT / "modules").iterdir() if (path / "variables.tf").is_file())]


def tests_dir(module_dir: Path) -> str:
    """Where a module's terraform tests live (the root module keeps tests/ for Python)."""
    return "tests/terraform" if module_dir == REPO_ROOT else "tests"


def validated_variables(module_dir: Path) -> dict[str, set[str]]:
    """Each variable with at least one validation, and the other variables its rules read, directly or through
    another rule (Terraform skips a rule when a variable it reads failed, or was itself skipped)."""
    with (module_dir / "variables.tf").open() as handle:
        parsed = hcl2.load(handle, serialization_options=_OPTIONS)
    result = {}
    for block in parsed.get("variable", []):
        for name, body in block.items():
            rules = body.get("validation", [])
            if rules:
                read = {ref for rule in rules for ref in _VAR_REFERENCE.findall(str(rule["condition"]))}
                result[name] = read - {name}
    changed = True
    while changed:
        changed = False
        for name, read in result.items():
            more = set().union(*(result.get(other, set()) for other in read)) - read - {name}
            if more:
                read |= more
                changed = True
    return result


def expand(value: Any) -> Any:
    """A table value with ``{c*n}`` runs written out."""
    if isinstance(value, str):
        return _REPEAT.sub(lambda match: match[1] * int(match[2]), value)
    if isinstance(value, list):
        return [expand(item) for item in value]
    if isinstance(value, dict) and "$items" in value:
        template = value["$items"]
        if isinstance(template, int):
            return [template + i for i in range(value["count"])]
        return [expand(template.replace("%d", str(i))) for i in range(1, value["count"] + 1)]
    if isinstance(value, dict):
        return {key: expand(item) for key, item in value.items()}
    return value


def hcl(value: Any) -> str:
    """A JSON value as an HCL expression (objects and lists as constructors, templates escaped)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return "[" + ", ".join(hcl(item) for item in value) + "]"
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {hcl(item)}" for key, item in value.items()) + " }"
    return json.dumps(value)


@dataclass
class Entry:
    variable: str
    value: Any
    context: dict[str, Any]

    @property
    def touched(self) -> dict[str, Any]:
        """Every variable this entry sets: its own and its context."""
        return {**self.context, self.variable: self.value}


def _interferes(one: Entry, other: Entry, reads: dict[str, set[str]]) -> bool:
    """Whether one's rule reads a variable the other sets, to a value one did not ask for itself."""
    return any(
        name in reads.get(one.variable, set()) and one.context.get(name, _UNSET) != value
        for name, value in other.touched.items()
    )


_UNSET = object()


@dataclass
class Run:
    name: str
    entries: list[Entry] = field(default_factory=list)
    refusing: bool = False

    @property
    def values(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for entry in self.entries:
            merged.update(entry.context)
        for entry in self.entries:
            merged[entry.variable] = entry.value
        return merged

    @property
    def refused(self) -> list[str]:
        return [entry.variable for entry in self.entries] if self.refusing else []

    def admits(self, entry: Entry, reads: dict[str, set[str]]) -> bool:
        """A variable once per run; settings agree; no rule reads what another entry of the run sets (Terraform
        skips a rule whose inputs are invalid, and an accepted value can be refused beside another's)."""
        for other in self.entries:
            if entry.variable in other.touched or other.variable in entry.touched:
                return False
            shared = set(entry.context) & set(other.context)
            if any(entry.context[name] != other.context[name] for name in shared):
                return False
            if _interferes(entry, other, reads) or _interferes(other, entry, reads):
                return False
        return True


def entries(rules: dict[str, Any], kind: str) -> list[list[Entry]]:
    """Per variable, its accepted or refused entries in table order."""
    result = []
    for variable, rule in rules.items():
        common = expand(rule.get("with", {}))
        row = []
        for item in rule.get(kind, []):
            if isinstance(item, dict) and "value" in item:
                row.append(Entry(variable, expand(item["value"]), {**common, **expand(item.get("with", {}))}))
            else:
                row.append(Entry(variable, expand(item), common))
        result.append(row)
    return result


def pack(rows: list[list[Entry]], prefix: str, reads: dict[str, set[str]], refusing: bool) -> list[Run]:
    """Entries into as few runs as possible (first fit, in table order)."""
    runs: list[Run] = []
    for row in rows:
        for entry in row:
            run = next((run for run in runs if run.admits(entry, reads)), None)
            if run is None:
                run = Run(f"{prefix}_{len(runs) + 1}", refusing=refusing)
                runs.append(run)
            run.entries.append(entry)
    return runs


def _pattern_examples(patterns: dict[str, Any], name: str, key: str) -> tuple[list[Any], list[Any]]:
    """The table's accepted and refused values for a contract pattern (expanded), or an error naming what is missing."""
    examples = patterns.get(name)
    if not examples or not examples.get("accepted") or not examples.get("refused"):
        raise ValueError(f"{TABLE}: setting_patterns.{name} needs accepted and refused values (for {key})")
    return expand(examples["accepted"]), expand(examples["refused"])


def settings_rules(contract: dict[str, Any], patterns: dict[str, Any] | None = None) -> tuple[list[Run], list[Run]]:
    """Runs for notifier_settings from the contract: all lowest, all highest, every other accepted example of a
    pattern, and one refusal per key and side. ``patterns`` is the table's ``setting_patterns``."""
    patterns = patterns or {}
    low: dict[str, Any] = {}
    high: dict[str, Any] = {}
    more: dict[str, list[Any]] = {}  # accepted values that are neither the lowest nor the highest
    refused: list[tuple[str, Any]] = []
    for key, spec in contract["settings"].items():
        if spec["source"] != "settings":
            continue
        kind = spec["type"]
        if "allowed" in spec:
            allowed = spec["allowed"]
            low[key], high[key] = allowed[0], allowed[-1]
            if kind == "string":
                refused += [(key, allowed[0].lower() if allowed[0] != allowed[0].lower() else allowed[0].upper())]
                refused += [(key, "")]
            else:
                refused += [(key, min(allowed) - 1), (key, max(allowed) + 1)]
                gaps = [low + 1 for low, high in itertools.pairwise(allowed) if high - low > 1]
                refused += [(key, gaps[0])] if gaps else []  # a value between two allowed ones
        elif kind == "integer":
            low[key], high[key] = spec["minimum"], spec["maximum"]
            refused += [(key, spec["minimum"] - 1), (key, spec["maximum"] + 1), (key, spec["minimum"] + 0.5)]
        elif kind == "number":
            low[key], high[key] = spec["minimum"], spec["maximum"]
            refused += [(key, spec["minimum"] - 0.01), (key, spec["maximum"] + 0.01)]
        elif kind == "string" and "pattern" in spec:
            accepted, wrong = _pattern_examples(patterns, spec["pattern"], key)
            lengths = {len(value) for value in accepted}
            if spec["min_length"] not in lengths or spec["max_length"] not in lengths:
                raise ValueError(
                    f"{TABLE}: setting_patterns.{spec['pattern']} needs accepted values of {spec['min_length']} and "
                    f"{spec['max_length']} characters, the edges of {key}"
                )
            low[key] = min(accepted, key=len)
            high[key] = max(accepted, key=len)
            more[key] = [value for value in accepted if value not in (low[key], high[key])]
            refused += [(key, value) for value in wrong]
            refused += [(key, "x" * (spec["max_length"] + 1))]
            if spec["min_length"] > 0:
                refused += [(key, "x" * (spec["min_length"] - 1))]
        elif kind == "string":
            low[key], high[key] = "x" * spec["min_length"], "x" * spec["max_length"]
            refused += [(key, "x" * (spec["max_length"] + 1))]
            if spec["min_length"] > 0:
                refused += [(key, "x" * (spec["min_length"] - 1))]
        elif kind == "list(string)":
            accepted, wrong = _pattern_examples(patterns, spec["item_pattern"], key)
            least, most = spec["min_items"], spec["max_items"]
            low[key] = list(itertools.islice(itertools.cycle(accepted), least))
            high[key] = list(itertools.islice(itertools.cycle(accepted), most))
            # Examples the longest list leaves out, one list of the fewest items allowed (at least one) each.
            more[key] = [[value] * max(least, 1) for value in accepted[most:]]
            pad = [accepted[0]] * max(least - 1, 0)  # a refused item among otherwise accepted ones
            refused += [(key, [value, *pad]) for value in wrong]
            refused += [(key, list(itertools.islice(itertools.cycle(accepted), most + 1)))]
            if least > 0:
                refused += [(key, list(itertools.islice(itertools.cycle(accepted), least - 1)))]
            refused += [(key, accepted[0])]  # one window, not a list of them
        else:
            raise ValueError(f"contract.json: no edges for type {kind} of {key}")
    accepted_runs = [
        Run("settings_accepts_every_lowest", [Entry("notifier_settings", low, {})]),
        Run("settings_accepts_every_highest", [Entry("notifier_settings", high, {})]),
    ]
    for i in range(max((len(values) for values in more.values()), default=0)):
        values = {key: examples[i] for key, examples in more.items() if i < len(examples)}
        accepted_runs.append(Run(f"settings_accepts_examples_{i + 1}", [Entry("notifier_settings", values, {})]))
    refusals = [
        Run(f"settings_refuses_{key}_{i}", [Entry("notifier_settings", {key: value}, {})], refusing=True)
        for i, (key, value) in enumerate(refused, start=1)
    ]
    return accepted_runs, refusals


def _assignments(values: dict[str, Any], indent: str) -> list[str]:
    """``name = value`` lines aligned the way terraform fmt aligns them."""
    width = max((len(name) for name in values), default=0)
    return [f"{indent}{name.ljust(width)} = {hcl(expand(value))}" for name, value in values.items()]


def render(module_dir: Path) -> str:
    table = json.loads((module_dir / tests_dir(module_dir) / TABLE).read_text())
    rules = table["rules"]
    reads = validated_variables(module_dir)
    accepted = pack(entries(rules, "accepted"), "accepts", reads, refusing=False)
    refused = pack(entries(rules, "refused"), "refuses", reads, refusing=True)
    if table.get("settings_from_contract"):
        more_accepted, more_refused = settings_rules(json.loads(CONTRACT.read_text()), table.get("setting_patterns"))
        accepted += more_accepted
        refused += more_refused
    mocks = "./tests/terraform/mocks" if module_dir == REPO_ROOT else "../../tests/terraform/mocks"
    lines = [
        f"# Generated by `make edges` (python -m tools.edges) from {TABLE}: do not edit; edit the table, regenerate.",
        "# Every validation at both edges: accepted values must plan, refused ones must fail their own variable.",
        "",
        'mock_provider "aws" {',
        f'  source = "{mocks}"',
        "}",
        "",
        "variables {",
        *_assignments(table["variables"], "  "),
        "}",
    ]
    for run in [*accepted, *refused]:
        lines += ["", f'run "{run.name}" {{', "  command = plan", "", "  variables {"]
        lines += _assignments(run.values, "    ")
        lines.append("  }")
        if run.refused:
            lines += ["", "  expect_failures = [", *(f"    var.{name}," for name in run.refused), "  ]"]
        lines.append("}")
    return "\n".join(lines) + "\n"


def stale() -> list[str]:
    problems = []
    for module_dir in module_dirs():
        generated = module_dir / tests_dir(module_dir) / GENERATED
        relative = generated.relative_to(REPO_ROOT).as_posix()
        if not (module_dir / tests_dir(module_dir) / TABLE).is_file():
            problems.append(f"{(module_dir / tests_dir(module_dir)).relative_to(REPO_ROOT)} has no {TABLE}")
        elif not generated.is_file() or generated.read_text() != render(module_dir):
            problems.append(f"{relative} differs from its table")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a generated file differs from its table")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run `make edges`", file=sys.stderr)
        return 1 if problems else 0
    for module_dir in module_dirs():
        if (module_dir / tests_dir(module_dir) / TABLE).is_file():
            generated = module_dir / tests_dir(module_dir) / GENERATED
            generated.write_text(render(module_dir))
            print(f"wrote {generated.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
