"""The committed Lambda zips are exactly what the sources build to, byte for byte."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from tools import package_lambdas


def test_committed_zips_match_their_sources() -> None:
    stale = package_lambdas.stale_packages()
    assert stale == [], f"{stale} differ from source_code/: run `{package_lambdas.REBUILD_COMMAND}` and commit"


def test_every_source_folder_has_a_package() -> None:
    folders = {folder.name for folder in package_lambdas.package_folders()}
    packages = {path.stem for path in package_lambdas.DIST.glob("*.zip")}
    assert folders == packages
    assert {"backend", "notifier"} <= folders


def test_build_ignores_timestamps_and_caches(tmp_path: Path) -> None:
    source = package_lambdas.SOURCE_ROOT / "backend"
    copy = tmp_path / "backend"
    shutil.copytree(source, copy)
    for path in copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "backend.cpython-311.pyc").write_bytes(b"\x00cache")
    assert package_lambdas.build_zip(copy) == package_lambdas.build_zip(source)


def test_entries_are_sorted_with_fixed_time_and_mode(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "z.py").write_text("z = 1\n")
    (folder / "a.py").write_text("a = 1\n")
    (folder / "notes.md").write_text("not packaged\n")
    archive = zipfile.ZipFile(__import__("io").BytesIO(package_lambdas.build_zip(folder)))
    infos = archive.infolist()
    assert [info.filename for info in infos] == ["a.py", "b/z.py"]
    assert {info.date_time for info in infos} == {package_lambdas.FIXED_TIME}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_a_changed_source_is_reported_with_the_command(tmp_path: Path, monkeypatch, capsys) -> None:
    source_root = tmp_path / "source_code"
    shutil.copytree(package_lambdas.SOURCE_ROOT / "backend", source_root / "backend")
    (source_root / "dist").mkdir()
    (source_root / "dist" / "backend.zip").write_bytes(package_lambdas.build_zip(source_root / "backend"))
    monkeypatch.setattr(package_lambdas, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(package_lambdas, "SOURCE_ROOT", source_root)
    monkeypatch.setattr(package_lambdas, "DIST", source_root / "dist")
    assert package_lambdas.main(["--check"]) == 0

    with (source_root / "backend" / "backend.py").open("a") as handle:
        handle.write("# changed\n")
    assert package_lambdas.main(["--check"]) == 1
    assert "source_code/dist/backend.zip" in capsys.readouterr().err
