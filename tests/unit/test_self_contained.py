"""The repository stands on its own: a copy of its files, alone in an empty folder and without ``.git`` (what a
source archive gives), passes the lint and the unit tests.

A user's clone has nothing beside it, and a release tarball or a registry download has no ``.git`` either. Copying
only the project's files into a fresh temporary folder (whose parent holds nothing else) and running ruff and the
unit tests there fails if any test, fixture or tool reads a path outside the repository or needs git, whatever the
layout of the machine that runs this.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.files import REPO_ROOT, project_files

THIS_TEST = "tests/unit/test_self_contained.py"
# What a path outside the repository looks like in source: a sibling folder, or climbing above the root.
OUTSIDE = re.compile(r"\.\./shared|['\"]shared['\"]|parent\s*/\s*['\"]shared|parents\[[3-9]\]")


# What make test leaves in a checkout besides the project's files: its virtual environments. Planted in the copy
# (with code ruff would flag) so the lint run there shows they are left alone without git's help.
UNLINTED = ".venv-checkov/lib/python3/site-packages/networkx/examples/unlinted.py"


@pytest.fixture(scope="module")
def lone_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's files, copied into <empty folder>/clone (no .git, no siblings), plus a stand-in venv."""
    parent = tmp_path_factory.mktemp("alone")
    clone = parent / "clone"
    for name in project_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    planted = clone / UNLINTED
    planted.parent.mkdir(parents=True)
    planted.write_text("import os, sys\nx=eval( '1' )\n")
    assert [path.name for path in parent.iterdir()] == ["clone"]
    assert not (clone / ".git").exists()
    return clone


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "COV_"))}


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_passes_in_a_copy_without_git(lone_copy: Path, command: list[str]) -> None:
    ruff = Path(sys.executable).with_name("ruff")
    flagged = subprocess.run(
        [str(ruff), "check", "--no-cache", "--isolated", UNLINTED], cwd=lone_copy, capture_output=True, text=True
    )
    assert flagged.returncode == 1, "the planted file must be something ruff flags, or this test proves nothing"
    completed = subprocess.run(
        [str(ruff), *command[:-1], "--no-cache", command[-1]],
        cwd=lone_copy,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]


def test_no_source_file_names_a_path_outside_the_repository() -> None:
    offenders = []
    for name in project_files():
        if name == THIS_TEST or not name.endswith((".py", ".sh", ".tf", ".hcl", "Makefile", ".toml", ".yaml")):
            continue
        for number, line in enumerate((REPO_ROOT / name).read_text().splitlines(), start=1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_unit_tests_pass_in_a_copy_with_nothing_beside_it(lone_copy: Path) -> None:
    environment = _environment()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/unit",
            "-q",
            "-p",
            "no:cacheprovider",
            # The copy has this test too; running it there would copy the copy.
            f"--deselect={THIS_TEST}",
        ],
        cwd=lone_copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert re.search(r"\d+ passed", completed.stdout), completed.stdout[-2000:]
    assert " error" not in completed.stdout.splitlines()[-1]
