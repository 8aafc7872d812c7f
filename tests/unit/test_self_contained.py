"""The repository stands on its own: a copy of its tracked files, alone in an empty folder, passes the unit tests.

A user's clone has nothing beside it. Copying only what git tracks into a fresh temporary folder (whose parent
holds nothing else) and running the unit tests there fails if any test, fixture or tool reads a path outside the
repository, whatever the layout of the machine that runs this.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
THIS_TEST = "tests/unit/test_self_contained.py"
# What a path outside the repository looks like in source: a sibling folder, or climbing above the root.
OUTSIDE = re.compile(r"\.\./shared|['\"]shared['\"]|parent\s*/\s*['\"]shared|parents\[[3-9]\]")


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    return [name for name in listed if name and (REPO_ROOT / name).is_file()]


@pytest.fixture(scope="module")
def lone_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files, copied into <empty folder>/clone: the clone has no siblings."""
    parent = tmp_path_factory.mktemp("alone")
    clone = parent / "clone"
    for name in tracked_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    assert [path.name for path in parent.iterdir()] == ["clone"]
    return clone


def test_no_source_file_names_a_path_outside_the_repository() -> None:
    offenders = []
    for name in tracked_files():
        if name == THIS_TEST or not name.endswith((".py", ".sh", ".tf", ".hcl", "Makefile", ".toml", ".yaml")):
            continue
        for number, line in enumerate((REPO_ROOT / name).read_text().splitlines(), start=1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_unit_tests_pass_in_a_copy_with_nothing_beside_it(lone_copy: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "COV_"))}
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
