"""Write library files safely: atomically, under a lock, and all-or-nothing.

Every write goes to a temporary file in the same folder and is renamed over the
target, so a crash never leaves half a file. A :class:`Transaction` stages every
change of a multi-file edit (a rename) first and only then swaps them in; if a swap
fails, the files already swapped are put back.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from drafting.cache import temp_beside
from drafting.errors import DraftingError, Location


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = stage(path, text)
    try:
        os.replace(tmp, path)
    except OSError as err:
        os.unlink(tmp)
        raise DraftingError(f"cannot write the file ({err.strerror})", Location(path)) from None


def default_mode() -> int:
    """The permissions a new file gets from the user's umask (mkstemp makes 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def stage(path: Path, text: str) -> Path:
    """A temporary file beside ``path`` holding ``text`` (same permissions), not yet in place."""
    mode = path.stat().st_mode & 0o777 if path.exists() else default_mode()
    try:
        fd, name = temp_beside(path)
    except OSError as err:
        raise DraftingError(f"cannot write in this folder ({err.strerror})",
                            Location(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, mode)
    except OSError as err:
        os.unlink(name)
        raise DraftingError(f"cannot write the file ({err.strerror})", Location(path)) from None
    return Path(name)


@contextlib.contextmanager
def locked(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of ``path`` (the lock file lives in
    ``.drafting-cache/`` beside it, out of the way)."""
    folder = path.parent / ".drafting-cache"
    folder.mkdir(exist_ok=True)
    handle = open(folder / f"{path.name}.lock", "a+")  # noqa: SIM115 - held for the block
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX
            fcntl = None
        if fcntl is not None:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise DraftingError("another drafting command has held the lock for "
                                            f"{timeout:.0f} s; try again", Location(path)) from None
                    time.sleep(0.05)
        yield
    finally:
        handle.close()


@dataclass
class Transaction:
    """Several file changes that happen together or not at all."""

    writes: dict[Path, str] = field(default_factory=dict)
    deletes: list[Path] = field(default_factory=list)

    def write(self, path: Path, text: str) -> None:
        self.writes[path] = text

    def delete(self, path: Path) -> None:
        self.deletes.append(path)

    @property
    def paths(self) -> list[Path]:
        return [*self.writes, *self.deletes]

    def commit(self) -> None:
        """Stage every write, then swap them all in; on any failure change nothing."""
        originals = {p: p.read_bytes() for p in self.paths if p.exists()}
        staged: dict[Path, Path] = {}
        try:
            for path, text in self.writes.items():
                staged[path] = stage(path, text)
        except DraftingError:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
            raise
        done: list[Path] = []
        try:
            for path, tmp in staged.items():
                os.replace(tmp, path)
                done.append(path)
            for path in self.deletes:
                path.unlink()
                done.append(path)
        except OSError as err:
            self.restore(done, originals, staged)
            raise DraftingError(f"could not change every file ({err.strerror}); nothing was "
                                "changed", Location(Path(err.filename or "."))) from None

    @staticmethod
    def restore(done: list[Path], originals: dict[Path, bytes], staged: dict[Path, Path]) -> None:
        """Put back the files already changed, and drop the staged ones."""
        for path in done:
            if path in originals:
                path.write_bytes(originals[path])
            else:
                path.unlink(missing_ok=True)
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
