"""The protege home: the one directory where protege keeps models, logs, datasets and runs.

``$PROTEGE_HOME`` when set, else ``~/.protege``. Read at call time (never cached at import), so
tests can point it at a temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path


def protege_home() -> Path:
    """Return the protege home directory, creating it if needed."""
    root = Path(os.environ.get("PROTEGE_HOME") or Path.home() / ".protege").expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root
