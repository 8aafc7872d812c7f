"""The generated Terraform CLI config: a filesystem mirror when the machine has one, the registry otherwise."""

from __future__ import annotations

from pathlib import Path

from apigw_devkit import tfcli


def _fake_mirror(root: Path) -> Path:
    (root / tfcli.PROVIDER / "5.100.0" / tfcli.platform_dir()).mkdir(parents=True)
    return root


def test_mirror_is_used_and_the_network_excluded(tmp_path: Path, monkeypatch) -> None:
    mirror = _fake_mirror(tmp_path / "mirror")
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(mirror))
    env = tfcli.terraform_environment(tmp_path / "state")
    config = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert f'path    = "{mirror}"' in config
    assert f'exclude = ["{tfcli.PROVIDER}"]' in config
    assert f'plugin_cache_dir = "{tmp_path / "state" / "plugin-cache"}"' in config
    assert (tmp_path / "state" / "plugin-cache").is_dir()


def test_registry_is_used_without_a_mirror(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TF_PROVIDER_MIRROR", raising=False)
    monkeypatch.setattr(tfcli, "MIRROR_CANDIDATES", (str(tmp_path / "nowhere"),))
    env = tfcli.terraform_environment(tmp_path / "state")
    config = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    assert "provider_installation" not in config
    assert "plugin_cache_dir" in config


def test_a_mirror_for_another_platform_is_not_used(tmp_path: Path, monkeypatch) -> None:
    other = tmp_path / "mirror"
    (other / tfcli.PROVIDER / "5.100.0" / "plan9_mips").mkdir(parents=True)
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(other))
    monkeypatch.setattr(tfcli, "MIRROR_CANDIDATES", ())
    assert tfcli.find_provider_mirror() is None
