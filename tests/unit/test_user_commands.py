"""The commands people run (tools/, bench/) and the harness they share (devkit/) stand on installed packages alone.

They import the notifier's package and apigw_devkit the way any installed package is imported (tools/bootstrap
installs both into .venv), never the tests, and never edit ``sys.path``; and the "demo" list of pyproject.toml, all
that ``make demo`` installs, provides every package the demo and the benchmark import.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from apigw_devkit.deployed import import_deployed
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.files import REPO_ROOT, project_files

USER_CODE = ("tools", "bench", "devkit")
# Mutations of sys.path, and the same written in code handed to another interpreter (python -c "...").
SYS_PATH_MUTATORS = {"insert", "append", "extend", "remove", "pop", "clear"}
SYS_PATH_IN_TEXT = re.compile(r"\bsys\.path\s*(\.\s*(insert|append|extend)\b|\[|\+=|=[^=])|\bsite\.addsitedir\b")
# Shell scripts and the Makefile: running or importing the tests' modules, or a path of one's own.
SHELL_OFFENDERS = re.compile(r"-m\s+tests\b|\bimport\s+tests\b|\bfrom\s+tests\b|\bPYTHONPATH\b")


def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def python_offences(source: str) -> list[str]:
    """What in ``source`` imports the tests' modules or edits sys.path, one line each (``line N: what``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"line {line}: imports {a.name}" for a in node.names if a.name.split(".")[0] == "tests"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "tests":
            found.append(f"line {line}: imports from {node.module}")
        elif isinstance(node, ast.Call):
            function = node.func
            if (
                isinstance(function, ast.Attribute)
                and _is_sys_path(function.value)
                and function.attr in SYS_PATH_MUTATORS
            ):
                found.append(f"line {line}: sys.path.{function.attr}(...)")
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            first = node.args[0] if node.args else None
            if (
                name in {"import_module", "__import__"}
                and isinstance(first, ast.Constant)
                and str(first.value).split(".")[0] == "tests"
            ):
                found.append(f"line {line}: imports {first.value}")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if _is_sys_path(target) or (isinstance(target, ast.Subscript) and _is_sys_path(target.value)):
                    found.append(f"line {line}: assigns sys.path")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SYS_PATH_IN_TEXT.search(node.value):
            found.append(f"line {line}: edits sys.path in code it hands on")
    return found


def shell_offences(source: str) -> list[str]:
    return [
        f"line {number}: {text.strip()}"
        for number, text in enumerate(source.splitlines(), start=1)
        if not text.lstrip().startswith("#") and SHELL_OFFENDERS.search(text)
    ]


def _user_files() -> list[str]:
    return [name for name in project_files(*USER_CODE) if (REPO_ROOT / name).is_file()]


def _is_shell_script(name: str) -> bool:
    path = REPO_ROOT / name
    return "." not in path.name and path.read_bytes().startswith(b"#!")


def test_user_commands_and_the_harness_import_no_test_module_and_edit_no_sys_path() -> None:
    offenders = []
    for name in _user_files():
        if name.endswith(".py"):
            offenders += [f"{name} {what}" for what in python_offences((REPO_ROOT / name).read_text())]
        elif _is_shell_script(name):
            offenders += [f"{name} {what}" for what in shell_offences((REPO_ROOT / name).read_text())]
    for name in ("Makefile", ".ci/run"):
        offenders += [f"{name} {what}" for what in shell_offences((REPO_ROOT / name).read_text())]
    assert offenders == [], "tools, bench and devkit must use installed packages (apigw_devkit), not tests or sys.path"


def test_the_scan_covers_the_commands() -> None:
    names = _user_files()
    assert {"tools/demo.py", "bench/storm.py", "tools/check", "devkit/apigw_devkit/moto_server.py"} <= set(names)


@pytest.mark.parametrize(
    "source",
    [
        "from tests.support.moto_server import MotoServer",
        "import tests.support.tfcli",
        "from tests import support",
        "import importlib\nimportlib.import_module('tests.support.notifier')",
        "import sys\nsys.path.insert(0, 'x')",
        "import sys\nsys.path.append('x')",
        "import sys\nsys.path[:0] = ['x']",
        "import sys\nsys.path += ['x']",
        "import sys\nsys.path = ['x']",
        "SCRIPT = '''\nimport sys\nsys.path.insert(0, sys.argv[1])\n'''",
        "import site\nSCRIPT = 'import site; site.addsitedir(\"x\")'",
    ],
)
def test_the_check_catches_each_way_in(source: str) -> None:
    assert python_offences(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from apigw_devkit.moto_server import MotoServer\nfrom tools.slack_render import render_message",
        "import sys\nprint(sys.path[0], sys.path == [])",
        "'''The engine the tests use (tests/support/fake_logs.py).'''",
    ],
)
def test_the_check_lets_installed_imports_and_reading_sys_path_pass(source: str) -> None:
    assert python_offences(source) == []


@pytest.mark.parametrize(
    ("line", "offends"),
    [
        ('eval "$(.venv/bin/python -m tests.support.tfcli)"', True),
        ("PYTHONPATH=. .venv/bin/python -m tools.demo", True),
        ('eval "$(.venv/bin/python -m apigw_devkit.tfcli)"', False),
        ("tests=(tests/unit/test_notifier_*.py)", False),
    ],
)
def test_the_shell_check(line: str, offends: bool) -> None:
    assert bool(shell_offences(line)) is offends


# --- make demo installs the "demo" list alone: it must hold everything the demo and the benchmark import -------------

DEMO_CODE = ("tools/demo.py", "tools/slack_render.py", "bench/storm.py")
FIRST_PARTY = {"tools", "tests", "bench", "apigw_devkit", "accesslog_notifier"}


def _imported_top_levels(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _demo_list_closure() -> set[str]:
    """Distributions the demo list installs: its requirements and theirs (with extras), as installed in this venv."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    project = canonicalize_name(pyproject["project"]["name"])
    lists = pyproject["project"]["optional-dependencies"]
    pending = [Requirement(text) for text in lists["demo"]]
    seen: set[tuple[str, str]] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name == project:
            pending += [Requirement(text) for extra in requirement.extras for text in lists[extra]]
            continue
        for extra in {"", *requirement.extras}:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for text in importlib.metadata.requires(name) or []:
                child = Requirement(text)
                if child.marker is None or child.marker.evaluate({"extra": extra}):
                    pending.append(child)
    return {name for name, _ in seen}


def test_the_demo_list_provides_every_package_the_demo_and_the_benchmark_import() -> None:
    modules = set().union(*(_imported_top_levels(REPO_ROOT / name) for name in DEMO_CODE))
    modules |= set().union(*(_imported_top_levels(path) for path in (REPO_ROOT / "devkit").rglob("*.py")))
    third_party = sorted(modules - FIRST_PARTY - set(sys.stdlib_module_names) - {"__future__"})
    assert "boto3" in third_party and "moto" in third_party  # the scan reads what it should
    providers = importlib.metadata.packages_distributions()
    installed = _demo_list_closure()
    missing = {
        module: providers.get(module, ["(not installed)"])
        for module in third_party
        if not {canonicalize_name(dist) for dist in providers.get(module, [])} & installed
    }
    assert missing == {}, "add these to pyproject.toml's demo list (make demo installs nothing else)"


# --- the demo runs the deployed code: apigw_devkit.deployed imports it from the unzipped folder, not the checkout ---


def _package(root: Path, marker: str) -> Path:
    package = root / "probe_deployed_package"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "handler.py").write_text(f"from probe_deployed_package import settings\nMARKER = {marker!r}\n")
    (package / "settings.py").write_text(f"MARKER = {marker!r}\n")
    return root


def test_the_deployed_package_is_imported_from_its_folder_and_replaces_another_copy(tmp_path: Path) -> None:
    checkout, deployed = _package(tmp_path / "checkout", "checkout"), _package(tmp_path / "deployed", "deployed")
    path_before = list(sys.path)
    try:
        first = import_deployed(checkout, "probe_deployed_package.handler")
        assert (first.MARKER, first.settings.MARKER) == ("checkout", "checkout")
        handler = import_deployed(deployed, "probe_deployed_package.handler")
        # The module and the submodules it imports all come from the deployed folder.
        assert (handler.MARKER, handler.settings.MARKER) == ("deployed", "deployed")
        assert Path(handler.__file__).is_relative_to(deployed)
        assert Path(sys.modules["probe_deployed_package.settings"].__file__).is_relative_to(deployed)
        assert sys.path == path_before
        with pytest.raises(ModuleNotFoundError):
            import_deployed(tmp_path / "empty", "probe_deployed_package.handler")
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == "probe_deployed_package"]:
            del sys.modules[name]
