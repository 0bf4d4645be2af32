"""A cache of per-file results, keyed by content hash, in ``.drafting-cache/``.

Results are plain JSON (never pickle: a cache file from a shared repository must not
be able to run code). A changed file has a new hash, so stale entries are never used;
entries not used by a run are dropped when it saves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CACHE_DIR = ".drafting-cache"


def temp_beside(path: Path, suffix: str = ".tmp") -> tuple[int, str]:
    """A new, private temporary file in ``path``'s folder (like ``mkstemp``, without
    loading the tempfile module): its descriptor and name."""
    while True:
        name = str(path.parent / f".{path.name}.{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), name
        except FileExistsError:
            continue


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``; the
    temporary file never outlives a failure (which raises ``OSError``)."""
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def digest(data: bytes, *salt: str) -> str:
    """A content hash, varied by ``salt`` (what kind of result, which version)."""
    h = hashlib.blake2b(data, digest_size=16)
    for part in salt:
        h.update(b"\0" + part.encode())
    return h.hexdigest()


class Cache:
    """A JSON dictionary of results that lives in one file (large results in files of
    their own, read only when needed)."""

    def __init__(self, root: Path, name: str, version: str, enabled: bool = True,
                 keep: int = 0, blob_over: int = 0) -> None:
        """``keep``: how many entries a run did not use survive it (most recent first);
        ``blob_over``: results larger than this many bytes get a file of their own."""
        self.path = root / CACHE_DIR / f"{name}.json"
        self.blobs = root / CACHE_DIR / f"{name}-blobs"
        self.version = version
        self.enabled = enabled
        self.keep = keep
        self.blob_over = blob_over
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
        if key not in self.entries:
            return None
        value = self.entries[key]
        if isinstance(value, dict) and "$blob" in value:
            try:
                value = json.loads((self.blobs / f"{key}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
        self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        """Write the entries this run used (and the ``keep`` most recent others),
        atomically; a read-only library is fine."""
        unused = [k for k in self.entries if k not in self.used]
        dropped = unused[: max(0, len(unused) - self.keep)]
        if not self.enabled or not (self.changed or dropped):
            return
        kept = {k: self.entries[k] for k in unused[len(dropped):]}
        kept.update((k, self.entries[k]) for k in self.entries if k in self.used)
        try:
            self.path.parent.mkdir(exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            if self.blob_over:
                self.write_blobs(kept)
            index = {"version": self.version, "entries": kept}
            replace_file(self.path, json.dumps(index, separators=(",", ":"),
                                               check_circular=False).encode())
            self.drop_blobs(set(kept))
        except OSError:
            pass

    def write_blobs(self, kept: dict[str, Any]) -> None:
        """Move large results into files of their own."""
        for key, value in kept.items():
            if isinstance(value, dict) and "$blob" in value:
                continue
            text = json.dumps(value, separators=(",", ":"), check_circular=False)
            if len(text) > self.blob_over:
                self.blobs.mkdir(exist_ok=True)
                blob = self.blobs / f"{key}.json"
                if not blob.exists():
                    replace_file(blob, text.encode())
                kept[key] = {"$blob": key}

    def drop_blobs(self, kept: set[str]) -> None:
        """Delete the files of results no longer kept."""
        if self.blobs.is_dir():
            for blob in self.blobs.glob("*.json"):
                if blob.stem not in kept:
                    blob.unlink(missing_ok=True)


def memoized(cache: Cache | None, data: bytes, kind: str, compute: Callable[[], T],
             encode: Callable[[T], Any] = lambda value: value,
             decode: Callable[[Any], T] = lambda value: value) -> T:
    """``compute()``, or its result for the same ``data`` from an earlier run.

    Results are stored as JSON (``encode``/``decode`` convert); errors are never cached."""
    if cache is None:
        return compute()
    key = digest(data, kind)
    stored = cache.get(key)
    if stored is not None:
        return decode(stored)
    value = compute()
    cache.put(key, encode(value))
    return value


def encode_json(value: Any) -> Any:
    """JSON-ready data, keeping dates (front matter has them) as ``{"$date": iso}``."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): encode_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_json(v) for v in value]
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return value


def decode_json(value: Any) -> Any:
    """The inverse of :func:`encode_json`."""
    import datetime as dt

    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        return {k: decode_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_json(v) for v in value]
    return value


# ---------------------------------------------------------------- compiled Jinja
# Templates (style templates, brief bodies) are named by the hash of their source, so
# Jinja's own bytecode cache can keep them compiled between runs.

_SOURCES: dict[str, str] = {}


def source_loader() -> Any:
    """A Jinja loader for the templates registered by :func:`template_from`."""
    from jinja2 import FunctionLoader

    return FunctionLoader(_SOURCES.get)


def template_from(env: Any, source: str) -> Any:
    """The compiled template for ``source`` (from the bytecode cache when it has one)."""
    name = digest(source.encode(), "jinja", "bounded")  # (limits.py: guarded loops)
    _SOURCES[name] = source
    return env.get_template(name)


_COMPILED_INTO: list[Path | None] = [None]
_ENVIRONMENTS: list[Any] = []


def jinja(name: str) -> Any:
    """A class from Jinja, imported on first use (``except jinja("TemplateError")``)."""
    import jinja2
    import jinja2.sandbox

    return getattr(jinja2, name, None) or getattr(jinja2.sandbox, name)


def registered(env: Any) -> Any:
    """Remember a Jinja environment, so :func:`compile_into` reaches it."""
    _ENVIRONMENTS.append(env)
    keep_compiled(env, _COMPILED_INTO[0])
    return env


def compile_into(folder: Path | None) -> None:
    """Keep compiled templates of every environment in ``folder`` (None: nowhere)."""
    _COMPILED_INTO[0] = folder
    for env in _ENVIRONMENTS:
        keep_compiled(env, folder)


def keep_compiled(env: Any, folder: Path | None) -> None:
    """Keep ``env``'s compiled templates in ``folder`` between runs (when writable)."""
    if folder is None:
        env.bytecode_cache = None
        return
    from jinja2 import FileSystemBytecodeCache

    class Quiet(FileSystemBytecodeCache):
        """A bytecode cache that a missing or read-only folder only makes slower."""

        def load_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        env.bytecode_cache = None
        return
    env.bytecode_cache = Quiet(str(folder))
