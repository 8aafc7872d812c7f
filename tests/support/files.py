"""The project's own files, in a clone and in a source archive alike.

A clone lists them with ``git ls-files``. A source archive (``git archive``, a release tarball, a module registry
download) has no ``.git``: there the tree is walked and whatever ``.gitignore`` names is left out (virtual
environments, Terraform working folders, caches). Tests and tools that need "the repository's files" use this,
never git directly, so ``make test`` passes in both (tests/unit/test_project_files.py keeps the two in step).
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def ignore_patterns(root: Path = REPO_ROOT) -> tuple[list[str], list[str]]:
    """(directory patterns, file patterns) of ``root/.gitignore``: the subset of gitignore it uses (names and globs
    matched at any depth, a trailing / for folders; no negation, no anchored paths)."""
    folders, files = [".git"], []
    gitignore = root / ".gitignore"
    for raw in gitignore.read_text().splitlines() if gitignore.is_file() else []:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!") or "/" in line.rstrip("/"):
            raise ValueError(f".gitignore pattern {line!r} is beyond what tests/support/files.py reads: extend it")
        (folders if line.endswith("/") else files).append(line.rstrip("/"))
    return folders, files


def _walk(root: Path, under: tuple[str, ...]) -> list[str]:
    folders, files = ignore_patterns(root)
    found = []
    starts = [root / part for part in under] if under else [root]
    for start in starts:
        if start.is_file():
            found.append(start.relative_to(root).as_posix())
            continue
        for directory, subdirectories, names in os.walk(start):
            subdirectories[:] = sorted(
                name
                for name in subdirectories
                if not any(fnmatch.fnmatchcase(name, pattern) for pattern in folders + files)
            )
            for name in names:
                if not any(fnmatch.fnmatchcase(name, pattern) for pattern in files):
                    found.append((Path(directory) / name).relative_to(root).as_posix())
    return sorted(found)


def _git_files(root: Path, under: tuple[str, ...]) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *under],
            cwd=root,
            capture_output=True,
            check=True,
            text=True,
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(name for name in listed if name and (root / name).is_file())


def project_files(*under: str, root: Path = REPO_ROOT) -> list[str]:
    """Paths (relative, POSIX) of the project's files, optionally only those under the given folders: what git
    tracks or would track, or, without git, the tree less what .gitignore names."""
    listed = _git_files(root, under)
    return listed if listed is not None else _walk(root, under)


def walked_files(*under: str, root: Path = REPO_ROOT) -> list[str]:
    """The tree less what .gitignore names, whether or not git is there (what a source archive gives)."""
    return _walk(root, under)
