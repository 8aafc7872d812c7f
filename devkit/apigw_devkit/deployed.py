"""Import a deployed function's own code (an unzipped package) instead of the checkout's, without touching sys.path.

.venv has the notifier's package installed from source_code/notifier; a run that must prove it executes what was
deployed (the demo) imports the package from the folder the zip was unpacked into. The package's submodules follow
it there, because they are found through the package's ``__path__``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def import_deployed(code_dir: Path, module: str) -> ModuleType:
    """``module`` (e.g. ``accesslog_notifier.handler``) with its top-level package taken from ``code_dir`` alone.

    Any copy of that package already imported (the checkout's) is forgotten first, so nothing mixes the two.
    """
    package = module.partition(".")[0]
    for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
        del sys.modules[name]
    spec = importlib.machinery.PathFinder.find_spec(package, [str(code_dir)])
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no package {package!r} in {code_dir}", name=package)
    top = importlib.util.module_from_spec(spec)
    sys.modules[package] = top
    try:
        spec.loader.exec_module(top)
    except BaseException:
        del sys.modules[package]
        raise
    return importlib.import_module(module)
