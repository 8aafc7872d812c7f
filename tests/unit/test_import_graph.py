"""The project's two Python packages import in one direction: no cycles inside either, the Lambda's package imports
nothing of the harness or the tests (it ships alone in the zip), and the harness nothing of the tests.

Read from the source with ``ast`` (every import, also those inside functions, since a lazy import still ties two
modules together), so it holds whatever is installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.files import REPO_ROOT

PACKAGES = {
    "accesslog_notifier": REPO_ROOT / "source_code" / "notifier" / "accesslog_notifier",
    "apigw_devkit": REPO_ROOT / "devkit" / "apigw_devkit",
}


def imports_of(path: Path, package: str) -> set[str]:
    """The top-level names (``tests``, ``boto3``) and the package's own modules (``accesslog_notifier.state``)
    that the file imports; relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = f"{package}.{base}".rstrip(".")
            names = [base] if base != package else [f"{package}.{alias.name}" for alias in node.names]
            if base.startswith(f"{package}.") or base == package:
                names += [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found.add(".".join(parts[:2]) if parts[0] == package else parts[0])
    return found


def graph(package: str) -> dict[str, set[str]]:
    folder = PACKAGES[package]
    modules = {f"{package}.{path.stem}": path for path in folder.glob("*.py") if path.stem != "__init__"}
    return {name: imports_of(path, package) & set(modules) - {name} for name, path in modules.items()}


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at its end), or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_a_package_has_no_import_cycle(package):
    edges = graph(package)
    assert len(edges) >= 9, f"{package}: too few modules read ({sorted(edges)})"
    assert cycle_in(edges) is None, f"{package} imports in a cycle: {' -> '.join(cycle_in(edges) or [])}"


def test_the_lambda_package_imports_neither_the_harness_nor_the_tests():
    for path in PACKAGES["accesslog_notifier"].glob("*.py"):
        assert not imports_of(path, "accesslog_notifier") & {"apigw_devkit", "tests", "tools"}, path.name


def test_the_harness_imports_nothing_of_the_tests_or_tools():
    for path in PACKAGES["apigw_devkit"].glob("*.py"):
        assert not imports_of(path, "apigw_devkit") & {"tests", "tools"}, path.name
