"""Write library files safely: atomically, under the library lock, and all-or-nothing.

Every write goes to a temporary file in the same folder and is renamed over the
target, so a crash never leaves half a file. Every command that changes the library
holds one lock, ``.drafting-cache/library.lock``, for its whole read-modify-write. A
:class:`Transaction` stages every change of a multi-file edit (a rename, fmt), records
them in the journal (:mod:`drafting.journal`) and only then swaps them in, with Ctrl-C
and SIGTERM held back until it is done; a crash at any moment leaves a journal that the
next command, read or write, rolls forward or back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import field
from pathlib import Path
from typing import BinaryIO

from drafting import journal
from drafting.cache import CACHE_DIR, cache_path, temp_beside
from drafting.errors import DraftingError, Location
from drafting.values import dataclass


def default_mode() -> int:
    """The permissions a new file gets from the user's umask (mkstemp makes 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output(target: Path, fill: Callable[[BinaryIO], None], what: str) -> None:
    """Write a built file (a .docx, a PDF) through a temporary file beside ``target``
    and a rename, keeping an existing file's permissions: a reader never sees half of
    it, and a failure is one error naming ``what`` could not be written."""
    try:
        fd, tmp = temp_beside(target, f"{target.suffix}.tmp")
    except OSError as err:
        raise DraftingError(f"cannot write to the output folder ({err.strerror})",
                            Location(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else default_mode())
        os.replace(tmp, target)
    except OSError as err:
        raise DraftingError(f"cannot write the {what} ({err.strerror})",
                            Location(target)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def copied(source: Path) -> Callable[[BinaryIO], None]:
    """For :func:`write_output`: the bytes of the file ``source``."""
    def fill(handle: BinaryIO) -> None:
        with source.open("rb") as data:
            shutil.copyfileobj(data, handle)
    return fill


def stage(path: Path, text: str | bytes) -> Path:
    """A temporary file beside ``path`` holding ``text`` (same permissions), not yet in place."""
    mode = path.stat().st_mode & 0o777 if path.exists() else default_mode()
    try:
        fd, name = temp_beside(path)
    except OSError as err:
        raise DraftingError(f"cannot write in this folder ({err.strerror})",
                            Location(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, mode)
    except BaseException as err:  # a full disk, or Ctrl-C: never leave the file behind
        os.unlink(name)
        if isinstance(err, OSError):
            raise DraftingError(f"cannot write the file ({err.strerror})",
                                Location(path)) from None
        raise
    return Path(name)


# ------------------------------------------------------------------ the library lock

LOCK_NAME = "library.lock"
_held = threading.local()


def lock_timeout() -> float:
    """Seconds to wait for the lock: ``DRAFTING_LOCK_TIMEOUT``, else 30."""
    try:
        return max(0.0, float(os.environ.get("DRAFTING_LOCK_TIMEOUT", "30")))
    except ValueError:
        return 30.0


@contextlib.contextmanager
def library_lock(root: Path) -> Iterator[Path]:
    """Hold the library's one lock (re-entrant within a thread) and, on taking it, finish
    or undo any change a crashed command left. Yields the resolved root."""
    root = Path(root).resolve()
    held: dict[Path, int] = _held.__dict__.setdefault("roots", {})
    if held.get(root):
        held[root] += 1
        try:
            yield root
        finally:
            held[root] -= 1
        return
    lock = acquire(root)
    held[root] = 1
    try:
        finish_interrupted(root)
        yield root
    finally:
        del held[root]
        lock.release()


def acquire(root: Path) -> object:
    """Take ``.drafting-cache/library.lock``, or fail with a one-line error after the
    timeout (never hang)."""
    from filelock import FileLock, Timeout

    path = cache_path(root, LOCK_NAME)
    if path is None:
        raise DraftingError("the .drafting-cache folder is a link or not a folder; delete it "
                            "(drafting makes it again)", Location(root / CACHE_DIR))
    timeout = lock_timeout()
    try:
        path.parent.mkdir(exist_ok=True)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            path.unlink()  # a planted link or pipe is never opened
        lock = FileLock(path)
        lock.acquire(timeout=timeout)
    except Timeout:
        raise DraftingError(f"another drafting command has held the library lock for "
                            f"{timeout:g} s; wait for it to finish, then try again",
                            Location(path)) from None
    except OSError as err:
        raise DraftingError(f"cannot take the library lock ({err.strerror})",
                            Location(path)) from None
    return lock


def finish_interrupted(root: Path) -> None:
    """Roll a leftover journal forward or back (the lock is held) and say so on stderr."""
    try:
        note = journal.recover(root)
    except OSError as err:
        raise DraftingError(f"cannot finish an interrupted change ({err.strerror}); fix "
                            "that and run any drafting command again",
                            Location(journal.journal_path(root))) from None
    if note:
        sys.stderr.write(f"note: {note}\n")


def recover(root: Path) -> None:
    """Finish or undo an interrupted change, if one was left; a single stat when none was.
    Every library command, reading or writing, calls this first."""
    if journal.left_over(Path(root)):
        with library_lock(root):
            pass


DEFERRED = ("SIGINT", "SIGTERM", "SIGHUP")


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP for the block; they take effect after it (the
    process then stops as it would have). Only the main thread gets signals in Python."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for name in DEFERRED:
        if hasattr(signal, name):
            number = getattr(signal, name)
            previous[number] = signal.signal(number, lambda n, _frame: caught.append(n))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in caught:
            signal.raise_signal(number)


def crash_point(phase: str) -> int | None:
    """For the crash tests only: ``DRAFTING_TEST_CRASH_AFTER=stage:N`` or ``replace:N``
    ends the process (like SIGKILL) after N files staged or renamed."""
    value = os.environ.get("DRAFTING_TEST_CRASH_AFTER", "")
    where, _, count = value.rpartition(":")
    return int(count) if (where or "replace") == phase and count.isdigit() else None


def replace_hook() -> Callable[[int], None] | None:
    """For the crash tests only: what to do before each rename of a commit, given how
    many were done. ``DRAFTING_TEST_CRASH_AFTER=replace:N`` dies there; with
    ``DRAFTING_TEST_SIGNAL_AFTER=N:SIGINT`` the process sends itself that signal."""
    crash = crash_point("replace")
    count, _, name = os.environ.get("DRAFTING_TEST_SIGNAL_AFTER", "").partition(":")
    number = getattr(signal, name, None) if count.isdigit() else None
    if crash is None and number is None:
        return None

    def hook(done: int) -> None:
        if crash is not None and done >= crash:
            os._exit(75)
        if number is not None and done == int(count):
            os.kill(os.getpid(), number)

    return hook


# ------------------------------------------------------------------ transactions

@dataclass
class Transaction:
    """Several file changes inside one library that happen together or not at all."""

    root: Path
    writes: dict[Path, str | bytes] = field(default_factory=dict)
    deletes: list[Path] = field(default_factory=list)

    def write(self, path: Path, text: str | bytes) -> None:
        self.writes[path] = text

    def delete(self, path: Path) -> None:
        self.deletes.append(path)

    @property
    def paths(self) -> list[Path]:
        return [*self.writes, *self.deletes]

    def commit(self) -> None:
        """Stage every write, journal them, then swap them all in; on a failure change
        nothing, and after a crash leave a journal the next command completes."""
        if not self.paths:
            return
        with library_lock(self.root) as root:
            try:
                record, originals = self.prepare(root)
                with signals_deferred():
                    self.publish(root, record, originals)
            except BaseException:  # a full disk, Ctrl-C while staging: settle it now
                with contextlib.suppress(OSError):
                    journal.recover(root)  # undone before the commit record, else finished
                raise

    def prepare(self, root: Path) -> tuple[journal.Record, dict[Path, bytes]]:
        """Journal the targets, stage every write, and return the commit record (not yet
        saved) with the files' current bytes; nothing in the library has changed."""
        originals = {p: p.read_bytes() for p in self.paths if p.exists()}
        name = {p: journal.relative(root, p) for p in self.paths}
        save(root, journal.Record("staging", list(name.values())))
        staged = self.stage_all(root)
        record = journal.Record(
            "commit", list(name.values()),
            [(journal.relative(root, staged[p]), name[p], journal.text_digest(as_bytes(t)))
             for p, t in self.writes.items()],
            [(name[p], journal.text_digest(originals[p])) for p in self.deletes
             if p in originals])
        return record, originals

    def publish(self, root: Path, record: journal.Record, originals: dict[Path, bytes]) -> None:
        """Save the commit record (the point of no return), then swap the files in."""
        save(root, record)
        self.swap(root, record, originals)

    def stage_all(self, root: Path) -> dict[Path, Path]:
        """A temporary file for each write (the journal names their targets, so a failure
        or interrupt here is undone by :func:`journal.recover`)."""
        staged: dict[Path, Path] = {}
        crash = crash_point("stage")
        for path, text in self.writes.items():
            staged[path] = stage(path, text)
            if crash is not None and len(staged) >= crash:
                os._exit(75)
        return staged

    def swap(self, root: Path, record: journal.Record, originals: dict[Path, bytes]) -> None:
        """Rename the staged files into place; if a rename fails, put everything back."""
        try:
            journal.apply(root, record, replace_hook())
        except OSError as err:
            where = Location(Path(err.filename or "."))
            try:
                self.undo(root, record, originals)
            except (OSError, DraftingError):
                raise DraftingError(f"could not change every file ({err.strerror}), nor put "
                                    "them back; the next drafting command will finish it",
                                    where) from None
            raise DraftingError(f"could not change every file ({err.strerror}); nothing was "
                                "changed", where) from None
        journal.clear(root)

    def undo(self, root: Path, record: journal.Record, originals: dict[Path, bytes]) -> None:
        """Put back the files already changed, as a journaled change of its own."""
        back = Transaction(root)
        for path in self.paths:
            current = path.read_bytes() if path.exists() else None
            if path in originals and current != originals[path]:
                back.write(path, originals[path])
            elif path not in originals and current is not None:
                back.delete(path)
        staged = {p: stage(p, t) for p, t in back.writes.items()}
        undo = journal.Record(
            "commit", [journal.relative(root, p) for p in back.paths],
            [(journal.relative(root, staged[p]), journal.relative(root, p),
              journal.text_digest(as_bytes(t))) for p, t in back.writes.items()],
            [(journal.relative(root, p), journal.digest(p) or "") for p in back.deletes],
            [w[0] for w in record.writes])
        journal.save(root, undo)
        journal.apply(root, undo)
        journal.clear(root)


def as_bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else text


def save(root: Path, record: journal.Record) -> None:
    """Write the journal, or fail with a one-line error (nothing has changed yet)."""
    try:
        journal.save(root, record)
    except OSError as err:
        raise DraftingError(f"could not change every file ({err.strerror}); nothing was "
                            "changed", Location(journal.journal_path(root))) from None
