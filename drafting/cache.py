"""A cache of per-file results, keyed by content hash, in ``.drafting-cache/``.

Results are plain JSON, never pickle, and every cache file is sealed with a key that
lives in the user's own cache folder (:mod:`drafting.seal`), so a ``.drafting-cache/``
that came with a shared library (planted, corrupt or from another machine) is
discarded and rebuilt, never trusted or executed. A changed input has a new hash, so
stale entries are never used; entries not used by a run are dropped when it saves.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from drafting import seal
from drafting.hashing import blake2b

T = TypeVar("T")

CACHE_DIR = ".drafting-cache"
#: Whether caches may be read and written here: ``--no-cache`` turns them off for the
#: whole command, the caches a step opens on its own (drafting.yaml's) included.
CACHING: ContextVar[bool] = ContextVar("caching", default=True)
MAX_CACHE_BYTES = 512 * 1024 * 1024


def cache_path(root: Path, *parts: str, folder: bool = False) -> Path | None:
    """``ROOT/.drafting-cache/PARTS...`` (a file, or with ``folder`` a folder), or None
    when a folder on the way is a symlink or not a folder: a planted link must not make
    drafting read or write elsewhere."""
    path = root / CACHE_DIR
    for part in ("", *(parts if folder else parts[:-1])):
        path = path / part if part else path
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return None
    return path if folder or not parts else path / parts[-1]


def read_cached(path: Path | None) -> bytes | None:
    """The bytes of a cache file: a regular file, not a link, of a sane size; else None."""
    from drafting.errors import DraftingError
    from drafting.inputs import read_bytes

    if path is None or path.is_symlink():
        return None
    try:
        return read_bytes(path, MAX_CACHE_BYTES, record=False)
    except DraftingError:
        return None


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


def kept(path: Path | None, label: str) -> bytes | None:
    """A file of the cache, if it is there and sealed by us under ``label``."""
    data = read_cached(path)
    return seal.unseal(data, label) if data is not None else None


def keep(path: Path, data: bytes, label: str) -> None:
    """Store a file in the cache, sealed under ``label`` (quietly skipped when it cannot
    be)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, seal.seal(data, label))
    except OSError:
        pass


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of drafting's own code and built-in styles: results cached by one version
    (or one edit of a development checkout) are never used by another."""
    return package_digest(os.path.dirname(os.path.abspath(__file__)))


def package_digest(package: str) -> str:
    """:func:`code_digest` of the package in the folder ``package``."""
    h = blake2b(digest_size=16)
    for name in code_files(package):
        with open(os.path.join(package, name), "rb") as handle:
            h.update(name.encode() + b"\0" + handle.read() + b"\0")
    h.update(json.dumps(dependency_versions()).encode())
    return h.hexdigest()


#: drafting's folders whose files change what it makes, and the files that count there.
CODE_FOLDERS = (("", ".py"), ("styles", ".yaml"), ("styles/tables", ".yaml"),
                ("data", ".yaml"))


def code_files(package: str) -> list[str]:
    """The files :func:`code_digest` reads, relative to the package, sorted."""
    found = []
    for folder, suffix in CODE_FOLDERS:
        try:
            names = os.listdir(os.path.join(package, folder))
        except OSError:
            continue
        found += [f"{folder}/{n}" if folder else n for n in names if n.endswith(suffix)]
    return sorted(found)


#: The libraries whose parsing or printing ends up in cached results.
DEPENDENCIES = ("markdown-it-py", "mdit-py-plugins", "bibtexparser", "pylatexenc", "Jinja2",
                "docxtpl", "python-docx", "PyYAML", "lxml", "eyecite", "rapidfuzz")


def dependency_versions() -> list[str]:
    """Their installed versions, by the names of their ``.dist-info`` folders (an
    upgrade is another drafting, for the caches); one listing per folder on sys.path,
    far quicker than importlib.metadata's search."""
    import sys

    wanted = {name.lower().replace("-", "_"): name for name in DEPENDENCIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info"):
                project, _, version = entry[: -len(".dist-info")].partition("-")
                key = project.lower().replace("-", "_").replace(".", "_")
                if key in wanted and key not in found:
                    found[key] = version
    return [f"{wanted[k]}=={found.get(k, 'none')}" for k in sorted(wanted)]


def digest(data: bytes, *salt: str) -> str:
    """A content hash, varied by ``salt`` (what kind of result, which version)."""
    h = blake2b(data, digest_size=16)
    for part in salt:
        h.update(b"\0" + part.encode())
    return h.hexdigest()


#: What an entry's line holds when its result is in a file of its own (not JSON, so no
#: result can be taken for it).
BLOB = b"@blob"


@contextlib.contextmanager
def caching(on: bool) -> Iterator[None]:
    """Caches on or off (:data:`CACHING`) for what runs inside."""
    token = CACHING.set(on and CACHING.get())
    try:
        yield
    finally:
        CACHING.reset(token)


class Cache:
    """Results, one per key, that live in one sealed file (large results in files of
    their own, read only when needed).

    The file holds a header line, then one line per entry: its key, a tab, and its
    result as JSON (or :data:`BLOB`). Loading splits the lines and decodes an entry only
    when a run asks for it; saving writes the lines it read back as they were and
    encodes only this run's new results. A build uses a fraction of what its library's
    cache holds, and JSON is slow to parse and to write (about 15 MB/s here): this keeps
    a cache's cost near that of reading its file."""

    def __init__(self, root: Path, name: str, version: str, enabled: bool = True,
                 keep: int = 0, blob_over: int = 0) -> None:
        """``keep``: how many entries a run did not use survive it (most recent first);
        ``blob_over``: results larger than this many bytes get a file of their own."""
        path = cache_path(root, f"{name}.json")
        blobs = cache_path(root, f"{name}-blobs", folder=True)
        enabled = enabled and CACHING.get() and path is not None and blobs is not None
        self.path = path or root / CACHE_DIR / f"{name}.json"
        self.blobs = blobs or root / CACHE_DIR / f"{name}-blobs"
        self.version = f"{version}:{code_digest()}"
        self.enabled = enabled
        self.keep = keep
        self.blob_over = blob_over
        self.lines: dict[str, bytes] = {}  # key -> its result's JSON, as stored
        self.values: dict[str, Any] = {}  # key -> its result, once decoded or put
        self.used: set[str] = set()
        self.fresh: set[str] = set()  # put by this run (the others were stored before)
        self.changed = False
        if enabled:
            self.lines = self.load()

    def header(self) -> bytes:
        return json.dumps({"version": self.version, "format": "lines"}).encode()

    def load(self) -> dict[str, bytes]:
        """The sealed entries on disk, undecoded; nothing when they are missing,
        damaged or foreign."""
        payload = kept(self.path, self.path.name)
        if payload is None:
            return {}
        lines = payload.split(b"\n")
        if lines[0] != self.header():
            return {}
        entries: dict[str, bytes] = {}
        for line in lines[1:]:
            key, tab, value = line.partition(b"\t")
            if tab:
                entries[key.decode("utf-8", "replace")] = value
        return entries

    def get(self, key: str) -> Any:
        if key in self.values:
            self.used.add(key)
            return self.values[key]
        raw = self.lines.get(key)
        if raw is None:
            return None
        if raw == BLOB:
            value = self.read_blob(key)
        else:
            try:
                value = json.loads(raw)
            except ValueError:
                value = None
        if value is None:  # damaged, or a blob gone: a miss, dropped
            del self.lines[key]
            return None
        self.values[key] = value
        self.used.add(key)
        return value

    def read_blob(self, key: str) -> Any:
        """A large result from its own sealed file (None when missing or damaged)."""
        return self.read_sealed(self.blobs / f"{key}.json", self.blob_label(key))

    def blob_label(self, key: str) -> str:
        """What a blob is sealed under: its key and this cache's version (a blob that
        another version of drafting wrote under the same key is not this one's)."""
        return f"blob:{self.version}:{key}"

    @staticmethod
    def read_sealed(path: Path, name: str) -> Any:
        """The JSON in a sealed cache file, or None."""
        payload = kept(path, name)
        try:
            return json.loads(payload) if payload is not None else None
        except ValueError:
            return None

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (plain JSON data: else ``TypeError`` or ``ValueError``, and
        nothing is kept) under ``key``; a later :meth:`get` in this run returns it as
        JSON gives it back (lists for tuples)."""
        if "\n" in key or "\t" in key:
            raise ValueError("a cache key is one line without tabs")
        text = json.dumps(value, separators=(",", ":"), check_circular=False).encode()
        self.lines[key] = text
        self.values.pop(key, None)
        self.used.add(key)
        self.fresh.add(key)
        self.changed = True

    def save(self) -> None:
        """Write the entries this run used (and the ``keep`` most recent others),
        atomically; a read-only library is fine."""
        unused = [k for k in self.lines if k not in self.used]
        dropped = unused[: max(0, len(unused) - self.keep)]
        if not self.enabled or not (self.changed or dropped):
            return
        kept = {k: self.lines[k] for k in unused[len(dropped):]}
        kept.update((k, self.lines[k]) for k in self.lines if k in self.used)
        try:
            self.path.parent.mkdir(exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if gitignore.is_symlink() or not gitignore.is_file():
                replace_file(gitignore, b"*\n")
            if self.blob_over:
                self.write_blobs(kept)
            payload = b"\n".join([self.header(), *(k.encode() + b"\t" + v
                                                   for k, v in kept.items())])
            replace_file(self.path, seal.seal(payload, self.path.name))
            self.drop_blobs(set(kept))
        except OSError:
            pass

    def write_blobs(self, kept: dict[str, bytes]) -> None:
        """Move this run's large results into files of their own (what came from disk
        was moved when it was stored)."""
        for key in self.fresh & kept.keys():
            text = kept[key]
            if len(text) > self.blob_over:
                self.blobs.mkdir(exist_ok=True)
                replace_file(self.blobs / f"{key}.json", seal.seal(text, self.blob_label(key)))
                kept[key] = BLOB

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
        try:
            return decode(stored)
        except Exception:  # noqa: BLE001 - an entry of the wrong shape: computed again
            pass
    value = compute()
    with contextlib.suppress(TypeError, ValueError):  # not plain data: not kept
        cache.put(key, encode(value))
    return value


def encode_json(value: Any) -> Any:
    """JSON-ready data that decodes back to the same types: dates (front matter has them)
    become ``{"$date": iso}``, and a mapping that could be mistaken for one is wrapped
    as ``{"$map": ...}``. Raises ``TypeError`` for values YAML front matter should not
    have (sets, bytes, datetimes)."""
    import datetime as dt

    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("mapping keys must be strings")
        encoded = {k: encode_json(v) for k, v in value.items()}
        return {"$map": encoded} if any(k.startswith("$") for k in value) else encoded
    if isinstance(value, (list, tuple)):
        return [encode_json(v) for v in value]
    if isinstance(value, dt.datetime):
        raise TypeError("a date and time")
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a {type(value).__name__}")


def decode_json(value: Any) -> Any:
    """The inverse of :func:`encode_json`."""
    import datetime as dt

    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        if set(value) == {"$map"}:
            return {k: decode_json(v) for k, v in value["$map"].items()}
        return {k: decode_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_json(v) for v in value]
    return value


def typed_key(value: Any) -> bytes:
    """Bytes that tell apart every value :func:`encode_json` accepts, for cache keys:
    ``2020-01-17`` the date and ``"2020-01-17"`` the string differ (``$date``), and
    JSON already writes 1, 1.0 and true differently."""
    return json.dumps(encode_json(value), sort_keys=True, ensure_ascii=False).encode()


# ---------------------------------------------------------------- compiled Jinja
# Templates (style templates, brief bodies) are compiled once per run. Jinja's
# bytecode cache is not used: it unpickles files, and a cache folder that came with
# a shared library must never run code.

_COMPILED: dict[tuple[int, str], Any] = {}


def template_from(env: Any, source: str) -> Any:
    """The compiled template for ``source`` (compiled once per process)."""
    key = (id(env), source)
    if key not in _COMPILED:
        _COMPILED[key] = env.from_string(source)
    return _COMPILED[key]


def jinja(name: str) -> Any:
    """A class from Jinja, imported on first use (``except jinja("TemplateError")``)."""
    import jinja2
    import jinja2.sandbox

    return getattr(jinja2, name, None) or getattr(jinja2.sandbox, name)
