"""Where the bundled data lives: the repository's `data/` and `static/`, or POSITIONS_HOME."""
from __future__ import annotations

import os
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path:
    """The folder holding `data/` and `static/`: $POSITIONS_HOME, the source checkout, or the cwd.

    An installed package (`pip install .`) has no data of its own, so it reads the checkout or
    folder it is run from.
    """
    env = os.environ.get("POSITIONS_HOME")
    if env:
        return Path(env).resolve()
    if (_SOURCE_ROOT / "data").is_dir():
        return _SOURCE_ROOT
    return Path.cwd()


ROOT = project_root()
DATA_DIR = ROOT / "data"
STATIC_DIR = ROOT / "static"
