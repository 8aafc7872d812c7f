"""The contract the function and the Terraform modules share: the notifier's settings, the formats (patterns) every
module validates with, the route methods, the documented limits. Declared once, in the repository's
``contract/contract.json``; the modules read it with ``jsondecode(file(...))`` and ``make package`` puts a copy in the
function's zip, beside this module.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

FILE_NAME = "contract.json"
# In a source checkout the package has no copy: the repository's contract/ folder is a few levels up.
_REPOSITORY_FOLDER = Path("contract") / FILE_NAME
_LEVELS_UP = 4


@cache
def contract() -> dict[str, Any]:
    """The contract: the zip's copy (works from a directory and from a zip alike), or the repository's."""
    packaged = resources.files("accesslog_notifier").joinpath(FILE_NAME)
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    here = Path(__file__).resolve().parent
    for folder in list(here.parents)[:_LEVELS_UP]:
        candidate = folder / _REPOSITORY_FOLDER
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"{FILE_NAME} is neither in the package nor in a repository around it: run make package")


@cache
def pattern(name: str) -> re.Pattern[str]:
    """A named pattern of the contract (``log_group_name``, ``webhook_url`` ...)."""
    return re.compile(contract()["patterns"][name])
