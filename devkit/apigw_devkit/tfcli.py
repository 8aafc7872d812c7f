"""A Terraform CLI configuration of the project's own, so no run depends on the user's ~/.terraformrc.

Where a filesystem mirror of hashicorp/aws exists on the machine, providers come from it (and never from the
network); otherwise Terraform uses the registry as usual. Either way a plugin cache shared by every working
directory of this checkout turns each later ``terraform init`` into a symlink instead of a 700 MB copy.

``python -m apigw_devkit.tfcli`` prints ``export`` lines for shell scripts.
"""

from __future__ import annotations

import os
import platform
import shlex
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "registry.terraform.io/hashicorp/aws"

# Where machines conventionally keep provider mirrors; TF_PROVIDER_MIRROR names another one first.
MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


def platform_dir() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def find_provider_mirror() -> Path | None:
    """The first mirror folder holding hashicorp/aws for this platform, or None."""
    candidates = [os.environ.get("TF_PROVIDER_MIRROR", ""), *MIRROR_CANDIDATES]
    for candidate in filter(None, candidates):
        root = Path(candidate).expanduser()
        if any((version / platform_dir()).is_dir() for version in root.glob(f"{PROVIDER}/*")):
            return root
    return None


def cli_config_text(mirror: Path | None, plugin_cache: Path) -> str:
    lines = [f'plugin_cache_dir = "{plugin_cache}"', ""]
    if mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            f'    include = ["{PROVIDER}"]',
            "  }",
            "  direct {",
            f'    exclude = ["{PROVIDER}"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def terraform_environment(state_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that make ``terraform`` use the generated CLI config (written on each call)."""
    base = state_dir or REPO_ROOT / ".tfcli"
    plugin_cache = base / "plugin-cache"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    config_path = base / "terraformrc"
    config_path.write_text(cli_config_text(find_provider_mirror(), plugin_cache))
    return {
        "TF_CLI_CONFIG_FILE": str(config_path),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }


if __name__ == "__main__":
    for name, value in terraform_environment().items():
        print(f"export {name}={shlex.quote(value)}")
