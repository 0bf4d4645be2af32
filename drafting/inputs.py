"""Read the library's files safely, and remember what a result was made from.

Every input (a fact, a brief, sources.bib, a style, a template, an archived copy) is
read here:

- only regular files, checked on the open file itself (a FIFO or ``/dev/zero`` is
  refused, and a symlink cannot swap in something ``stat`` did not see);
- never more than a size limit, counted on what is actually read;
- only inside the library (after resolving symlinks), when a root is given.

While a :class:`Reads` recorder is active (``with recording() as reads:``), every
read and every probe for a file's existence is noted with the content digest of what
was seen, so a cached result can be checked against the files as they are now
(:func:`unchanged`) instead of being trusted.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from collections.abc import Iterator
from dataclasses import field
from functools import lru_cache
from pathlib import Path

from drafting.cache import digest
from drafting.errors import DraftingError, Location
from drafting.values import dataclass

#: The largest library text file (a fact, a brief, a style).
MAX_TEXT_BYTES = 5 * 1024 * 1024
#: The largest template (.docx) or archived copy (PDF, HTML, text).
MAX_BINARY_BYTES = 50 * 1024 * 1024
#: The largest sources.bib or Zotero export (one file: a team library of tens of
#: thousands of sources, with abstracts, passes 5 MB; no more than the digest of an
#: input reads, so that a build's up-to-date check sees it).
MAX_BIB_BYTES = MAX_BINARY_BYTES
#: What to do about a sources.bib over the limit.
BIB_TOO_LARGE = ("remove the entries no fact cites, or fields no citation uses such as "
                 "abstract")
#: What to do about a Zotero export over the limit.
EXPORT_TOO_LARGE = "export one collection rather than the whole library, without abstracts"
MISSING = "-"  # the digest recorded for a path that is not a file


@dataclass
class Reads:
    """What a computation read: resolved path → content digest (or ``MISSING``)."""

    seen: dict[str, str] = field(default_factory=dict)

    def note(self, path: Path, data: bytes | None) -> None:
        """Record ``path`` (resolved, and as named when that differs: a link pointed
        elsewhere later then reads differently) with its content's digest."""
        found = MISSING if data is None else digest(data)
        self.seen[str(path.resolve())] = found
        named = str(path.absolute())
        if named not in self.seen:
            self.seen[named] = found


def unchanged(seen: object) -> bool:
    """Whether every file recorded in ``seen`` (a stored :attr:`Reads.seen`) still has
    the same content (and every missing one is still missing)."""
    if not isinstance(seen, dict) or not seen:
        return False
    return all(isinstance(name, str) and current_digest(Path(name)) == expected
               for name, expected in seen.items())


_RECORDER: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """Record every input read or probed inside the block."""
    reads = Reads()
    token = _RECORDER.set(reads)
    try:
        yield reads
    finally:
        _RECORDER.reset(token)


def _note(path: Path, data: bytes | None) -> None:
    reads = _RECORDER.get()
    if reads is not None:
        reads.note(path, data)


def current_digest(path: Path) -> str:
    """The content digest of a file now, ``MISSING`` when it is not a readable file."""
    try:
        return digest(read_bytes(path, MAX_BINARY_BYTES))
    except DraftingError:
        return MISSING


def is_input(path: Path) -> bool:
    """Whether ``path`` is a regular file (a probe the recorder remembers)."""
    found = path.is_file()
    if not found:
        _note(path, None)
    return found


@lru_cache(maxsize=4096)
def real_folder(folder: str) -> str:
    """A folder's real path (memoised: a library has few folders and many files; a run
    starts with :func:`forget_folders`)."""
    return os.path.realpath(folder)


def forget_folders() -> None:
    """Start a run afresh: folders may have been moved or linked since the last one."""
    real_folder.cache_clear()


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (after resolving symlinks) lies inside ``root``."""
    try:
        top = real_folder(str(root))
        name = str(path)
        target = os.path.realpath(name) if os.path.islink(name) else \
            os.path.join(real_folder(os.path.dirname(name) or "."), os.path.basename(name))
    except (OSError, ValueError, RuntimeError):
        return False
    return target == top or target.startswith(top.rstrip(os.sep) + os.sep)


def confined(path: Path, root: Path, where: Location | None, what: str) -> Path:
    """``path``, if it stays inside the library at ``root``; a located error if not."""
    if not inside(path, root):
        raise DraftingError(f"{what} '{path}' is outside the library ({root}); copy it into "
                            "the library and give a path inside it", where)
    return path


def read_bytes(path: Path, limit: int, where: Location | None = None,
               too_large: str = "split it into smaller files", record: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (recorded when recording,
    unless ``record`` is off).

    The checks run on the opened file, so what is read is what was checked."""
    where = where or Location(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise DraftingError(f"cannot read file: {err.strerror}", where) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DraftingError("not a regular file (a device, pipe or folder); give a "
                                "text or document file", where)
        data = _read_at_most(fd, limit + 1, info.st_size + 1)
    except OSError as err:
        raise DraftingError(f"cannot read file: {err.strerror}", where) from None
    finally:
        os.close(fd)
    within(data, limit, where, too_large)
    if record:
        _note(path, data)
    return data


def within(data: bytes, limit: int, where: Location, too_large: str,
           what: str = "file") -> bytes:
    """``data``, read up to one byte past ``limit``, if it is not past it; an error
    saying what to do (``too_large``) if it is."""
    if len(data) > limit:
        raise DraftingError(f"{what} is too large (the limit is {limit // (1024 * 1024)} MB); "
                            f"{too_large}", where)
    return data


def _read_at_most(fd: int, size: int, expected: int) -> bytes:
    """Up to ``size`` bytes from ``fd`` (a regular file of about ``expected - 1`` bytes:
    a read shorter than asked for is its end)."""
    chunks, left = [], size
    while left > 0:
        want = min(left, max(expected, 1 << 16))
        chunk = os.read(fd, want)
        chunks.append(chunk)
        left -= len(chunk)
        if len(chunk) < want:
            break
    return b"".join(chunks)


def find_root(start: Path) -> Path:
    """The library root above ``start``: the first folder with ``snippets/`` or ``sources.bib``."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        if (folder / "snippets").is_dir() or (folder / "sources.bib").is_file():
            return folder
    return start
