"""What the bundle uses of hashicorp/aws, read from its Terraform files, and a check of that use against a schema.

``bundle_usage()`` parses every ``*.tf``, ``*.tftest.hcl`` and ``*.tfmock.hcl`` of the repository (hidden folders
such as ``.terraform`` and ``.venv`` left out) with python-hcl2's parse tree, so expressions are read as HCL reads
them, not as text: a name inside a string literal or a comment is not a use. It records, for ``aws_*`` types only:

- ``argument`` / ``block``: every argument and nested block written in a ``resource`` or ``data`` block, at any
  depth, a ``dynamic "x" { content { ... } }`` standing for block ``x``; the meta-arguments (``count``,
  ``for_each``, ``depends_on``, ``provider``, ``lifecycle``, ``provisioner``, ``connection``) are not the
  provider's;
- ``reference``: every attribute read in an expression anywhere, as ``aws_x.n.attr``, ``aws_x.n[*].attr``,
  ``aws_x.n[0].attr``, ``aws_x.n["k"].attr``, ``aws_x.n.*.attr`` or ``data.aws_x.n.attr``, and one level further
  when the next name follows (``aws_x.n["k"].metric_transformation[0].name`` -> ``metric_transformation.name``);
  also through a ``for`` expression's value variable over a resource's instances
  (``{ for k, f in aws_x.n : k => f.attr }``) and ``self`` in a resource's own conditions;
- ``value``: the attribute names given to ``mock_resource`` / ``mock_data`` (``defaults``) and
  ``override_resource`` / ``override_data`` (``values``) in test and mock files; Terraform refuses such a name
  when the schema lacks it.

``check()`` compares that use with a schema in the shape of ``terraform providers schema -json``, the live one or
an extract written by ``tools/provider_schema.py``, and returns what the schema lacks, with the files and lines.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "registry.terraform.io/hashicorp/aws"
REFRESH_COMMAND = "make provider-schemas"
TERRAFORM_SUFFIXES = (".tf", ".tftest.hcl", ".tfmock.hcl")

META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
KIND_SCHEMAS = {"resource": "resource_schemas", "data": "data_source_schemas"}
_CHAINS = frozenset({"get_attr_expr_term", "index_expr_term", "full_splat_expr_term", "attr_splat_expr_term"})
_FOR_EXPRESSIONS = frozenset({"for_tuple_expr", "for_object_expr"})
_INDEX = ("index", "")


@dataclass(frozen=True, order=True)
class Use:
    """One name of one type the bundle uses: ``path`` goes from the type's top level down into nested blocks."""

    kind: str  # "resource" or "data"
    type: str
    path: tuple[str, ...]
    form: str  # "argument", "block", "reference" or "value"

    def __str__(self) -> str:
        return f"{self.kind} {self.type}: {self.form} {'.'.join(self.path)}"


# Each use, with where it occurs ("modules/notifier/main.tf:210").
Usage = dict[Use, set[str]]


################################################################################
# Reading the files
################################################################################


def terraform_files(root: Path = REPO_ROOT) -> list[Path]:
    """Every Terraform, test and mock file under ``root``, outside hidden folders (.terraform, .venv, .git...)."""
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".") and name != "__pycache__"]
        found += [Path(folder) / name for name in files if name.endswith(TERRAFORM_SUFFIXES)]
    return sorted(found)


def bundle_usage(root: Path = REPO_ROOT) -> Usage:
    """What every Terraform file under ``root`` uses of hashicorp/aws."""
    return merge(file_usage(path, root) for path in terraform_files(root))


def merge(usages: Iterable[Usage]) -> Usage:
    """One usage of several (each use with the locations of all)."""
    merged: Usage = defaultdict(set)
    for usage in usages:
        for use, locations in usage.items():
            merged[use] |= locations
    return dict(merged)


def file_usage(path: Path, root: Path | None = None) -> Usage:
    """What one file uses; locations are relative to ``root`` when given."""
    name = str(path.relative_to(root)) if root is not None else str(path)
    return text_usage(path.read_text(), name)


def text_usage(text: str, name: str) -> Usage:
    """What one file's text uses; ``name`` starts each location."""
    reader = _Reader(name)
    tree = hcl2.parses_to_tree(text)
    reader.declarations(tree)
    reader.expressions(tree, {})
    return dict(reader.uses)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.uses: Usage = defaultdict(set)

    def add(self, kind: str, type_name: str, path: Iterable[str], form: str, node: Tree | Token) -> None:
        line = node.line if isinstance(node, Token) else node.meta.line
        self.uses[Use(kind, type_name, tuple(path), form)].add(f"{self.name}:{line}")

    # Arguments and blocks of resource and data blocks; names given to mocks and overrides.

    def declarations(self, tree: Tree) -> None:
        for block in _blocks(_body(tree)):
            block_type, labels, body = _block_parts(block)
            if block_type in ("resource", "data") and len(labels) == 2 and labels[0].startswith("aws_"):
                self.arguments(block_type, labels[0], (), body)
            elif block_type == "check":  # a check may hold a scoped data source
                self.declarations(Tree("start", [body]))
            self.mocks(block)

    def arguments(self, kind: str, type_name: str, path: tuple[str, ...], body: Tree) -> None:
        for child in body.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                name = _name(child.children[0])
                if path or name not in META_ARGUMENTS:
                    self.add(kind, type_name, (*path, name), "argument", child)
            elif child.data == "block":
                block_type, labels, nested_body = _block_parts(child)
                if not path and block_type in META_BLOCKS:
                    continue
                if block_type == "dynamic":
                    # dynamic "x" { for_each = ..., iterator = ..., content { ... } } writes blocks x.
                    block_type = labels[0]
                    contents = [
                        _block_parts(inner)[2]
                        for inner in _blocks(nested_body)
                        if _name(inner.children[0]) == "content"
                    ]
                    nested_body = contents[0] if contents else Tree("body", [])
                self.add(kind, type_name, (*path, block_type), "block", child)
                self.arguments(kind, type_name, (*path, block_type), nested_body)

    def mocks(self, block: Tree) -> None:
        """mock_resource/mock_data ``defaults`` and override_resource/override_data ``values``, at any depth."""
        block_type, labels, body = _block_parts(block)
        attributes = {_name(child.children[0]): child for child in body.children if _is(child, "attribute")}
        if block_type in ("mock_resource", "mock_data") and labels and labels[0].startswith("aws_"):
            kind, type_name, names = block_type.removeprefix("mock_"), labels[0], attributes.get("defaults")
        elif block_type in ("override_resource", "override_data") and "target" in attributes:
            kind, names = block_type.removeprefix("override_"), attributes.get("values")
            root, steps = _chain(_expression(attributes["target"]))
            addressed = [step[1] for step in [("attr", root), *steps] if step[0] == "attr" and step[1]]
            type_name = next((name for name in addressed if name.startswith("aws_")), "")
        else:
            for nested in _blocks(body):
                self.mocks(nested)
            return
        if type_name and names is not None:
            for key, node in _object_keys(_expression(names)):
                self.add(kind, type_name, (key,), "value", node)

    # References in expressions, anywhere in the file.

    def expressions(self, node: Tree | Token, scope: Mapping[str, tuple[str, str]], in_chain: bool = False) -> None:
        """Every attribute read in ``node``; ``scope`` binds names (a ``for`` variable, ``self``) to (kind, type).

        A traversal is read whole (``aws_x.n.block[0].name``), not again as each shorter traversal inside it
        (``in_chain``); expressions in its index brackets are read on their own."""
        if isinstance(node, Token):
            if "heredoc" in node.type.lower():
                for inner in _interpolations(node):
                    self.expressions(inner, scope)
            return
        if node.data == "block":
            block_type, labels, _ = _block_parts(node)
            if block_type in ("resource", "data") and len(labels) == 2 and labels[0].startswith("aws_"):
                scope = {**scope, "self": (block_type, labels[0])}
        if node.data in _FOR_EXPRESSIONS:
            self.for_expression(node, scope)
            return
        trees = [child for child in node.children if isinstance(child, Tree)]
        if node.data in _CHAINS:
            if not in_chain:
                root, steps = _chain(node)
                self.reference(root, steps, scope, node)
            self.expressions(trees[0], scope, in_chain=True)
            for child in trees[1:]:
                self.expressions(child, scope)
            return
        if node.data == "expr_term" and len(trees) == 1:  # a bare term, or one in parentheses
            self.expressions(trees[0], scope, in_chain)
            return
        for child in node.children:
            self.expressions(child, scope)

    def for_expression(self, node: Tree, scope: Mapping[str, tuple[str, str]]) -> None:
        intro = next(child for child in node.children if _is(child, "for_intro"))
        variables = [_name(child) for child in intro.children if _is(child, "identifier")]
        collection = [child for child in intro.children if isinstance(child, Tree) and child.data != "identifier"][-1]
        self.expressions(collection, scope)
        inner = {name: bound for name, bound in scope.items() if name not in variables}
        instances = _instances(collection)
        if instances is not None:
            inner[variables[-1]] = instances  # the value variable: one instance of the resource
        for child in node.children:
            if child is not intro:
                self.expressions(child, inner)

    def reference(
        self, root: str | None, steps: list[tuple[str, str]], scope: Mapping[str, tuple[str, str]], node: Tree
    ) -> None:
        if root is None:
            return
        if root == "data" and len(steps) >= 2 and steps[0][1].startswith("aws_") and steps[1][0] == "attr":
            kind, type_name, rest = "data", steps[0][1], steps[2:]
        elif root.startswith("aws_") and steps and steps[0][0] == "attr":
            kind, type_name, rest = "resource", root, steps[1:]
        elif root in scope:
            (kind, type_name), rest = scope[root], steps
        else:
            return
        # Index and splat steps are skipped: an instance key first, then an element of a nested block or list.
        path = [name for step, name in rest if step == "attr"][:2]
        if path:
            self.add(kind, type_name, path, "reference", node)


def _is(node: Tree | Token, data: str) -> bool:
    return isinstance(node, Tree) and node.data == data


def _body(tree: Tree) -> Tree:
    return next(child for child in tree.children if _is(child, "body"))


def _blocks(body: Tree) -> Iterator[Tree]:
    return (child for child in body.children if _is(child, "block"))


def _name(node: Tree | Token) -> str:
    """An identifier, keyword or quoted label, as text."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(str(part.children[0]) for part in node.children if _is(part, "string_part"))
    if node.data == "expr_term" and len(node.children) == 1:
        return _name(node.children[0])
    return "".join(_name(child) for child in node.children)


def _block_parts(block: Tree) -> tuple[str, list[str], Tree]:
    """(type, labels, body) of a block; labels quoted or not."""
    children = [child for child in block.children if isinstance(child, Tree)]
    return _name(children[0]), [_name(child) for child in children[1:-1]], children[-1]


def _expression(attribute: Tree) -> Tree:
    return next(child for child in attribute.children[1:] if isinstance(child, Tree))


def _object_keys(expression: Tree) -> Iterator[tuple[str, Tree]]:
    """The literal keys of an object expression (``{ arn = ..., "name" = ... }``)."""
    objects = [expression.children[0]] if _is(expression, "expr_term") and expression.children else [expression]
    for obj in objects:
        if not _is(obj, "object"):
            continue
        for element in obj.children:
            if _is(element, "object_elem"):
                key = element.children[0].children[0]
                if _is(key, "expr_term") and len(key.children) == 1:
                    yield _name(key), element


def _chain(node: Tree | Token) -> tuple[str | None, list[tuple[str, str]]]:
    """A traversal as (root name, steps): ``aws_x.n[0].a`` -> ("aws_x", [attr n, index, attr a])."""
    if isinstance(node, Token):
        return None, []
    trees = [child for child in node.children if isinstance(child, Tree)]
    if node.data == "identifier":
        return _name(node), []
    if node.data == "expr_term":
        # A bare term, or one in parentheses: "(", term, ")".
        return _chain(trees[0]) if len(trees) == 1 else (None, [])
    if node.data not in _CHAINS or len(trees) != 2:
        return None, []
    root, steps = _chain(trees[0])
    return root, steps + _steps(trees[1])


def _steps(node: Tree) -> list[tuple[str, str]]:
    if node.data == "get_attr":
        name = _name(next(child for child in node.children if _is(child, "identifier")))
        return [_INDEX if name.isdigit() else ("attr", name)]  # aws_x.n.0.attr: a legacy index
    if node.data in ("full_splat", "attr_splat"):
        return [("splat", ""), *(step for child in node.children if isinstance(child, Tree) for step in _steps(child))]
    return [_INDEX]


def _instances(collection: Tree) -> tuple[str, str] | None:
    """(kind, type) when a ``for`` expression iterates over one type's instances: ``aws_x.n``, ``aws_x.n[*]``,
    ``data.aws_x.n``, or a function of several such (``concat(aws_x.a, aws_x.b)``) of the same type."""
    node = collection.children[0] if _is(collection, "expr_term") and len(collection.children) == 1 else collection
    if _is(node, "function_call"):
        arguments = next((child for child in node.children if _is(child, "arguments")), None)
        found = (
            {_instances(argument) for argument in arguments.children if isinstance(argument, Tree)}
            if arguments
            else set()
        )
        return found.pop() if len(found) == 1 and None not in found else None
    root, steps = _chain(collection)
    names = [step for step in steps if step[0] != "splat"]
    if root is not None and root.startswith("aws_") and len(names) == 1 and names[0][0] == "attr":
        return "resource", root
    if root == "data" and len(names) == 2 and names[0][1].startswith("aws_") and names[1][0] == "attr":
        return "data", names[0][1]
    return None


def _interpolations(token: Token) -> Iterator[Tree]:
    """The ``${...}`` expressions of a heredoc (python-hcl2 keeps a heredoc as one token), parsed, with lines."""
    text, start = str(token), 0
    while (start := text.find("${", start)) != -1:
        if text[start - 1 : start] == "$":  # $${ is a literal ${
            start += 2
            continue
        depth, end = 0, start + 1
        while end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        inner = text[start + 2 : end]
        line = token.line + text.count("\n", 0, start)
        # Parsed as the value of a one-line attribute, preceded by blank lines so its line numbers stay true.
        tree = hcl2.parses_to_tree("\n" * (line - 1) + f"x = {inner}\n")
        yield _expression(next(child for child in _body(tree).children if _is(child, "attribute")))
        start = end


################################################################################
# Checking the use against a schema
################################################################################


@dataclass(frozen=True, order=True)
class Problem:
    """A use the schema does not allow, why, and where the use is."""

    use: Use
    reason: str
    locations: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.use}: {self.reason} ({', '.join(self.locations)})"


def check(usage: Usage, document: Mapping[str, Any], provider: str = PROVIDER) -> list[Problem]:
    """Every use the schema document (``terraform providers schema -json``'s shape) does not allow.

    An extract written by tools/provider_schema.py says in ``source.selection`` which types it holds: a type outside
    them is reported as not extracted (refresh with ``make provider-schemas``), a type inside them but absent as
    absent from that provider version."""
    schemas = document["provider_schemas"][provider]
    selection = document.get("source", {}).get("selection")
    problems = []
    for use, locations in sorted(usage.items()):
        table = schemas[KIND_SCHEMAS[use.kind]]
        if use.type in table:
            reason = path_problem(table[use.type]["block"], use.path, use.form)
        elif selection is not None and not _selected(use, selection):
            reason = (
                f"type not extracted: add it to PREFIXES or DATA_SOURCES in tools/provider_schema.py and run "
                f"`{REFRESH_COMMAND}`"
            )
        else:
            reason = f"no {use.kind} type {use.type} in this schema"
        if reason is not None:
            problems.append(Problem(use, reason, tuple(sorted(locations))))
    return problems


def _selected(use: Use, selection: Mapping[str, list[str]]) -> bool:
    return use.type.startswith(tuple(selection["prefixes"])) or (
        use.kind == "data" and use.type in selection["data_sources"]
    )


def path_problem(block: Mapping[str, Any], path: tuple[str, ...], form: str) -> str | None:
    """Why ``path`` cannot be used as ``form`` in ``block``, or None when it can.

    Blocks are followed down the path. An argument must end on a settable attribute and a block on a block; a
    reference or a mock value may end on either, and stops at an attribute (what follows is inside its value)."""
    for depth, name in enumerate(path):
        where, last = ".".join(path[: depth + 1]), depth == len(path) - 1
        attributes, block_types = block.get("attributes", {}), block.get("block_types", {})
        if name in block_types:
            if last and form == "argument":
                return f"{where} is a block in this schema, set as an argument"
            block = block_types[name]["block"]
        elif name in attributes:
            if form == "block" or (form == "argument" and not last):
                return f"{where} is an attribute in this schema, written as a block"
            flags = attributes[name]
            if form == "argument" and not (flags.get("optional") or flags.get("required")):
                return f"{where} is read-only (computed) in this schema, set as an argument"
            return None
        else:
            return f"no {where} in this schema"
    return None


def describe(problems: Iterable[Problem], schema_name: str) -> str:
    """One line per problem, for an assertion message."""
    lines = [f"  {problem}" for problem in problems]
    return f"{len(lines)} use(s) of hashicorp/aws that {schema_name} does not allow:\n" + "\n".join(lines)
