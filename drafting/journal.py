"""The write-ahead journal that makes a multi-file change all-or-nothing across crashes.

A change first records which files it will touch (state ``staging``), writes every new
text to a temporary file beside its target, then records the temporary files, their
targets and content hashes (state ``commit``) before the first rename. The journal is
``.drafting-journal.json`` in the library root: not in ``.drafting-cache/``, which users
may delete at any time, and on the same file system as the files it names.

The next command that finds a journal, holding the library lock, rolls a committed
change forward and undoes one that never reached ``commit``; either way it removes the
temporary files. A journal is trusted only as far as it names temporary files of ours
beside files inside the library: anything else in it is ignored, never followed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import field
from pathlib import Path, PurePosixPath

from drafting.cache import CACHE_DIR, temp_beside
from drafting.errors import DraftingError, Location
from drafting.hashing import sha256
from drafting.patterns import pattern
from drafting.values import dataclass

JOURNAL = ".drafting-journal.json"
VERSION = 1
TEMP_NAME = pattern(r"\.(?P<name>.+)\.[0-9a-f]{12}\.tmp")
OFF_LIMITS = {".git", CACHE_DIR}


def journal_path(root: Path) -> Path:
    return root / JOURNAL


def digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or ``None`` when it is missing or unreadable."""
    try:
        return sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def text_digest(data: bytes) -> str:
    return sha256(data).hexdigest()


def fsync_folder(folder: Path) -> None:
    """Make renames and deletes in ``folder`` durable (where the platform allows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ records

@dataclass
class Record:
    """One journal entry; paths are relative to the library root, in POSIX form."""

    state: str  # "staging" or "commit"
    targets: list[str] = field(default_factory=list)
    writes: list[tuple[str, str, str]] = field(default_factory=list)  # temp, target, sha256
    deletes: list[tuple[str, str]] = field(default_factory=list)  # target, sha256 to delete
    discard: list[str] = field(default_factory=list)  # temp files to remove

    def body(self) -> dict:
        return {"version": VERSION, "state": self.state, "targets": self.targets,
                "writes": [list(w) for w in self.writes],
                "deletes": [list(d) for d in self.deletes], "discard": self.discard}


def checksum(body: dict) -> str:
    return text_digest(json.dumps(body, sort_keys=True).encode("utf-8"))


def save(root: Path, record: Record) -> None:
    """Write the journal atomically and durably (temporary file, fsync, rename)."""
    body = record.body()
    data = json.dumps({**body, "checksum": checksum(body)}, indent=1).encode("utf-8")
    path = journal_path(root)
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    fsync_folder(root)


def clear(root: Path) -> None:
    """Remove the journal: the change it described is finished or undone."""
    with contextlib.suppress(FileNotFoundError):
        journal_path(root).unlink()
    fsync_folder(root)


def load(root: Path) -> Record:
    """The journal's record; one in state ``damaged`` when it is truncated, planted by
    hand, or of another version, with every string it holds as ``targets`` (to remove
    temporary files of ours beside them)."""
    try:
        raw = journal_path(root).read_bytes().decode("utf-8", "replace")
    except OSError:
        return Record("damaged")
    salvage = Record("damaged", targets=quoted(raw))  # every path it still names
    try:
        data = json.loads(raw)
    except ValueError:
        return salvage
    if not isinstance(data, dict):
        return salvage
    body = {k: v for k, v in data.items() if k != "checksum"}
    if data.get("checksum") != checksum(body) or data.get("version") != VERSION \
            or data.get("state") not in ("staging", "commit"):
        return salvage
    writes, deletes = data.get("writes"), data.get("deletes")
    if not (isinstance(writes, list) and all(is_strings(w, 3) for w in writes)
            and isinstance(deletes, list) and all(is_strings(d, 2) for d in deletes)):
        return salvage
    return Record(data["state"], strings(data.get("targets")), [tuple(w) for w in writes],
                  [tuple(d) for d in deletes], strings(data.get("discard")))


def quoted(raw: str) -> list[str]:
    """The JSON strings in what is left of a damaged journal."""
    found = []
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"', raw):
        with contextlib.suppress(ValueError):
            found.append(json.loads(match[0]))
    return found


def strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def is_strings(value: object, size: int) -> bool:
    return isinstance(value, list) and len(value) == size and all(isinstance(v, str)
                                                                  for v in value)


# ------------------------------------------------------------------ trusting paths

def relative(root: Path, path: Path) -> str:
    """``path`` (a file inside the library) relative to ``root``, as the journal keeps it;
    a file reached through a link to outside the library is refused."""
    real = Path(path).absolute().parent.resolve() / Path(path).name
    if inside(root, rel := real.relative_to(root).as_posix() if root in real.parents
              else "") is None:
        raise DraftingError("this file is outside the library (through a link?); drafting "
                            "changes only files inside it: replace the link by the folder",
                            Location(Path(path)))
    return rel


def inside(root: Path, name: str) -> Path | None:
    """The file ``name`` (relative) names inside ``root``, or ``None`` when it is absolute,
    climbs out, passes through a link to elsewhere, or is in ``.git``/the cache."""
    pure = PurePosixPath(name)
    if not name or "\\" in name or "\0" in name or pure.is_absolute() \
            or any(part in ("..", ".", "") for part in name.split("/")) \
            or OFF_LIMITS & set(pure.parts) or name == JOURNAL:
        return None
    path = root.joinpath(*pure.parts)
    try:
        folder = path.parent.resolve()
    except OSError:
        return None
    if folder != root and (root not in folder.parents
                           or OFF_LIMITS & set(folder.relative_to(root).parts)):
        return None
    return folder / path.name


def our_temp(root: Path, temp: str, target: str) -> Path | None:
    """The temporary file ``temp`` names, if it is one of ours beside ``target``."""
    temp_path, target_path = inside(root, temp), inside(root, target)
    if temp_path is None or target_path is None or temp_path.parent != target_path.parent:
        return None
    match = TEMP_NAME.fullmatch(temp_path.name)
    return temp_path if match and match["name"] == target_path.name else None


def strays(root: Path, targets: Iterable[str]) -> list[Path]:
    """Temporary files of ours beside the given targets (left by a killed command)."""
    names: dict[Path, set[str]] = {}
    for target in targets:
        if (path := inside(root, target)) is not None:
            names.setdefault(path.parent, set()).add(path.name)
    found: list[Path] = []
    for folder, wanted in names.items():
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            found += [folder / e.name for e in entries if (m := TEMP_NAME.fullmatch(e.name))
                      and m["name"] in wanted and e.is_file(follow_symlinks=False)]
    return found


def remove(paths: Iterable[Path]) -> int:
    count = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            count += 1
    return count


# ------------------------------------------------------------------ applying

def apply(root: Path, record: Record,
          before_replace: Callable[[int], None] | None = None) -> list[str]:
    """Carry out a committed record: rename each staged file over its target (unless
    that was done already), delete what it deletes. Returns the targets it could not
    finish (their staged copy is gone and they do not hold the new text).
    ``before_replace`` (tests only) is told how many renames are done before each."""
    unfinished: list[str] = []
    folders: set[Path] = set()
    replaced = 0
    for temp, target, sha in record.writes:
        temp_path, target_path = our_temp(root, temp, target), inside(root, target)
        if temp_path is None or target_path is None:
            unfinished.append(target)
            continue
        if digest(temp_path) == sha:
            if before_replace is not None:
                before_replace(replaced)
            os.replace(temp_path, target_path)
            folders.add(target_path.parent)
            replaced += 1
        elif digest(target_path) != sha:
            unfinished.append(target)
    for target, sha in record.deletes:
        target_path = inside(root, target)
        if target_path is not None and target_path.exists() and digest(target_path) == sha:
            target_path.unlink()
            folders.add(target_path.parent)
        elif target_path is None or target_path.exists():
            unfinished.append(target)
    remove(p for t in record.discard if (p := inside(root, t)) and TEMP_NAME.fullmatch(p.name))
    for folder in folders:
        fsync_folder(folder)
    return unfinished


def forwardable(root: Path, record: Record) -> tuple[bool, bool]:
    """Whether every write of a committed record can still be finished, and whether any
    was done already."""
    can, started = True, False
    for temp, target, sha in record.writes:
        temp_path, target_path = our_temp(root, temp, target), inside(root, target)
        if temp_path is not None and digest(temp_path) == sha:
            continue
        if target_path is not None and digest(target_path) == sha:
            started = True
        else:
            can = False
    return can, started


def everything_named(record: Record) -> list[str]:
    return [*record.targets, *(w[1] for w in record.writes), *(d[0] for d in record.deletes)]


def left_over(root: Path) -> bool:
    """Whether a journal, or a temporary file of one, is in ``root`` (one folder read)."""
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        return any(e.name.startswith((JOURNAL, f".{JOURNAL}.")) for e in entries)
    return False


def journal_temps(root: Path) -> list[Path]:
    """Temporary files of the journal itself (a command killed while writing it)."""
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        return [root / e.name for e in entries if (m := TEMP_NAME.fullmatch(e.name))
                and m["name"] == JOURNAL and e.is_file(follow_symlinks=False)]
    return []


def recover(root: Path) -> str | None:
    """Finish or undo the change a leftover journal describes (the caller holds the
    library lock); what was done, for a note to the user, or ``None`` without a journal."""
    remove(journal_temps(root))
    if not journal_path(root).exists():
        return None
    record = load(root)
    if record.state == "commit":
        can, started = forwardable(root, record)
        if can or started:
            unfinished = apply(root, record)
            remove(strays(root, everything_named(record)))
            clear(root)
            if unfinished:
                more = f" and {len(unfinished) - 3} more" if len(unfinished) > 3 else ""
                return ("finished an interrupted change except for "
                        f"{', '.join(unfinished[:3])}{more}: check those files")
            count = len(record.writes) + len(record.deletes)
            return f"finished an interrupted change ({count} file{'s' * (count != 1)})"
    named = everything_named(record) + record.discard
    temps = [p for t in named if (p := inside(root, t)) and TEMP_NAME.fullmatch(p.name)]
    removed = remove(temps) + remove(strays(root, named))
    clear(root)
    if record.state == "damaged":
        return (f"removed {JOURNAL}: it could not be read, so its change had not started "
                f"({removed} temporary files removed)")
    return f"undid an interrupted change that had not started ({removed} temporary files removed)"
