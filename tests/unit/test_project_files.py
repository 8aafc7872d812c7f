"""tests/support/files.py lists the same files with and without git, so a source archive tests what a clone does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.files import REPO_ROOT, ignore_patterns, project_files, walked_files


@pytest.mark.skipif(not (REPO_ROOT / ".git").exists() or shutil.which("git") is None, reason="needs a git clone")
def test_the_walk_lists_exactly_what_git_lists() -> None:
    # Both include new files not yet committed and leave out what .gitignore names (.venv, .terraform...).
    assert walked_files() == project_files()


def test_the_walk_leaves_out_what_gitignore_names(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("# comment\n.venv/\n.venv-checkov/\n.terraform/\n*.tfstate\n.mutation-*/\n")
    for name in [
        "main.tf",
        "modules/a/main.tf",
        "modules/a/.terraform/providers/p",
        "modules/a/terraform.tfstate",
        ".venv/bin/python",
        ".venv-checkov/lib/x.py",
        ".mutation-3/src/y.py",
        "tests/keep.py",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert walked_files(root=tmp_path) == [".gitignore", "main.tf", "modules/a/main.tf", "tests/keep.py"]
    assert walked_files("modules", root=tmp_path) == ["modules/a/main.tf"]
    assert project_files("tests", root=tmp_path) == ["tests/keep.py"]  # no .git here: the walk


def test_a_gitignore_beyond_the_subset_read_is_refused_not_misread(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n!build/keep\n")
    with pytest.raises(ValueError, match="beyond what"):
        ignore_patterns(tmp_path)


def test_the_repository_gitignore_keeps_the_virtual_environments_out() -> None:
    folders, _ = ignore_patterns()
    assert {".venv", ".venv-checkov", ".terraform"} <= set(folders)
