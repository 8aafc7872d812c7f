"""Deterministic Lambda packages: each folder under source_code/ becomes source_code/dist/<folder>.zip.

The zips are committed, because module users plan and apply on runners that may have no Python and this bundle
may use no provider but hashicorp/aws (no archive provider). Same sources, same bytes: entries sorted, every
timestamp 1980-01-01 00:00:00, every mode 0644, no compression (deflate output may differ between zlib
builds), no extra fields. So ``filebase64sha256`` changes only when the code does, and a plan never shows a
change nobody made.

    python -m tools.package_lambdas          # rebuild every zip
    python -m tools.package_lambdas --check  # exit 1 if a committed zip differs from its sources
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_ROOT = REPO_ROOT / "source_code"
DIST = SOURCE_ROOT / "dist"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
INCLUDED_SUFFIXES = {".py", ".json"}
REBUILD_COMMAND = "make package"
# Files from outside a package's folder that it carries, by package: path in the zip -> file. The contract lives
# in a neutral place the modules and the function both read (contract/contract.json); the function reads its copy.
EXTRA_FILES = {"notifier": {"accesslog_notifier/contract.json": REPO_ROOT / "contract" / "contract.json"}}


def package_sources(folder: Path) -> list[Path]:
    """The files that go into a package, sorted by their path inside the zip."""
    files = [
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in INCLUDED_SUFFIXES and "__pycache__" not in path.parts
    ]
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


def build_zip(folder: Path, extra: dict[str, Path] | None = None) -> bytes:
    """The package of one source folder (plus ``extra`` files: path in the zip -> file), as bytes."""
    entries = {path.relative_to(folder).as_posix(): path for path in package_sources(folder)}
    for name, path in (extra or {}).items():
        if name in entries:
            raise ValueError(f"{name} is both in {folder} and an extra file: keep one")
        entries[name] = path
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, so the mode above is what unzip and Lambda see
            archive.writestr(info, entries[name].read_bytes())
    return buffer.getvalue()


def build_package(folder: Path) -> bytes:
    """The zip of one package folder under source_code/, with the files it carries from elsewhere."""
    return build_zip(folder, EXTRA_FILES.get(folder.name))


def package_folders() -> list[Path]:
    return sorted(path for path in SOURCE_ROOT.iterdir() if path.is_dir() and path != DIST and path.name[0] not in "._")


def stale_packages() -> list[str]:
    """Names of the zips whose committed bytes differ from a fresh build (or that are missing)."""
    stale = []
    for folder in package_folders():
        target = DIST / f"{folder.name}.zip"
        if not target.is_file() or target.read_bytes() != build_package(folder):
            stale.append(target.relative_to(REPO_ROOT).as_posix())
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a committed zip differs from its sources")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_packages()
        if stale:
            print(f"out of date: {', '.join(stale)}; run `{REBUILD_COMMAND}` and commit the zips", file=sys.stderr)
            return 1
        print("every package matches its sources")
        return 0
    DIST.mkdir(exist_ok=True)
    for folder in package_folders():
        target = DIST / f"{folder.name}.zip"
        target.write_bytes(build_package(folder))
        print(f"built {target.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
