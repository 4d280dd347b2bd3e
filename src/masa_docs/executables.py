"""Finding the external programs masa-docs drives (LibreOffice, Chromium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence


def find_executable(env_var: str, names: Sequence[str], candidates: Sequence[str] = ()) -> str | None:
    """Path of a program: ``$env_var`` if set (and executable), then ``names`` on PATH, then
    the usual install places in ``candidates``; None when it is not installed."""
    override = os.environ.get(env_var)
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    return None
