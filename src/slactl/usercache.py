"""A small cache of values slactl derives from a library, kept in the user's cache folder.

The folder is ``$SLACTL_CACHE_DIR`` when set (empty: no cache at all), else
``$XDG_CACHE_HOME/slactl``, else ``~/.cache/slactl``. Each :class:`JsonStore` is one JSON file
whose name carries a key: the versions of the code that made its values (a new key is a new
file; stale files are never read). Every failure of the file (absent, unreadable, damaged,
another layout, a folder that cannot be written) costs only speed: the value is computed as
if there were no cache. Writes go to a temporary file renamed over the old one, so a reader
or a second process never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["JsonStore", "cache_folder"]

_FORMAT = 1


def cache_folder() -> Path | None:
    """The folder of slactl's user cache, or None when there is none (``SLACTL_CACHE_DIR=``)."""
    chosen = os.environ.get("SLACTL_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "slactl"
    try:
        return Path.home() / ".cache" / "slactl"
    except RuntimeError:  # no home folder to be found
        return None


class JsonStore:
    """``name-key.json`` in the cache folder: string keys to JSON values, read once, written through."""

    def __init__(self, name: str, key: str) -> None:
        folder = cache_folder()
        self.path = None if folder is None else folder / f"{name}-{key}.json"
        self._values: dict[str, Any] | None = None

    def get(self, key: str) -> Any:
        """The stored value, or None."""
        if self._values is None:
            self._values = self._read()
        return self._values.get(key)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` (merged with what other processes stored meanwhile); failures are ignored."""
        if self.path is None:
            return
        values = self._read()
        values[key] = value
        self._values = values
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            tmp = Path(name)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"format": _FORMAT, "values": values}, fh, ensure_ascii=False, sort_keys=True)
                tmp.replace(self.path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except OSError:
            pass

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        values = data.get("values") if isinstance(data, dict) and data.get("format") == _FORMAT else None
        return values if isinstance(values, dict) else {}
