"""A cache of per-file results, keyed by content hash, in ``.drafting-cache/``.

Results are plain JSON (never pickle: a cache file from a shared repository must not
be able to run code). A changed file has a new hash, so stale entries are never used;
entries not used by a run are dropped when it saves.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR = ".drafting-cache"


def digest(data: bytes, *salt: str) -> str:
    """A content hash, varied by ``salt`` (what kind of result, which version)."""
    h = hashlib.blake2b(data, digest_size=16)
    for part in salt:
        h.update(b"\0" + part.encode())
    return h.hexdigest()


class Cache:
    """A JSON dictionary of results that lives in one file."""

    def __init__(self, root: Path, name: str, version: str, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / f"{name}.json"
        self.version = version
        self.enabled = enabled
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.changed = False
        if enabled and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("version") == version:
                    self.entries = data.get("entries", {})
            except (OSError, ValueError):
                self.entries = {}

    def get(self, key: str) -> Any:
        if key in self.entries:
            self.used.add(key)
            return self.entries[key]
        return None

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        """Write the entries this run used, atomically; a read-only library is fine."""
        if not self.enabled or not (self.changed or len(self.used) < len(self.entries)):
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            self.path.parent.mkdir(exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": self.version, "entries": kept}, handle)
            os.replace(tmp, self.path)
        except OSError:
            pass
