"""Zotero attachments become archived copies (for ``source add``, ``import``, ``sync``).

Zotero and Better BibTeX export a source's attachments in its ``file`` field, as
``Description:/path/to/file.pdf:application/pdf`` items joined by ``;`` (``\\:``,
``\\;`` and ``\\\\`` escape those characters in paths), or as plain paths. The first
attachment that exists on disk and that the quote check can read (PDF, HTML, text,
Markdown) is copied into ``sources/archive/KEY.ext``; the entry's ``file`` then points
there and ``archivesha256`` records its digest (``check`` reports a copy that changed
since). An attachment that is not on disk is reported, and no dangling path is kept.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from drafting.values import dataclass

#: What the quote check reads, best first.
READABLE = (".pdf", ".html", ".htm", ".txt", ".md")
ARCHIVE = Path("sources") / "archive"
DIGEST_FIELD = "archivesha256"


@dataclass(frozen=True)
class Archived:
    """What became of one entry's attachments."""

    field: str | None  # the new ``file`` value (None: drop the field)
    digest: str = ""
    copy: tuple[Path, bytes] | None = None  # the file to write, and its bytes
    problem: str = ""  # an attachment that could not be archived, and why


def attachment_paths(value: str) -> list[str]:
    """The paths in a Zotero / Better BibTeX ``file`` field, in order."""
    items, current, escaped = [], "", False
    parts: list[str] = []
    for char in value.strip().strip("{}"):
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ":":
            parts.append(current)
            current = ""
        elif char == ";":
            parts.append(current)
            items.append(parts)
            parts, current = [], ""
        else:
            current += char
    parts.append(current)
    items.append(parts)
    paths = []
    for item in items:
        # description:path:mime (a Windows drive letter splits the path too)
        path = ":".join(item[1:-1]) if len(item) >= 3 else ":".join(item)
        if path.strip():
            paths.append(path.strip())
    return paths


def in_archive(value: str) -> bool:
    """Whether a ``file`` field already points at the library's archive."""
    return value.strip().strip("{}").replace("\\", "/").startswith(ARCHIVE.as_posix() + "/")


def archive(key: str, value: str, root: Path, origin: Path | None,
            taken: set[Path]) -> Archived:
    """Where an entry's attachments go: a copy in ``sources/archive/``, or nothing."""
    paths = attachment_paths(value)
    found = []
    for name in paths:
        path = Path(name).expanduser()
        if not path.is_absolute() and origin is not None:
            path = origin.parent / path
        if path.is_file() and path.suffix.lower() in READABLE:
            found.append(path)
    if not found:
        missing = ", ".join(paths) or value
        return Archived(None, problem=f"{key}: attachment {missing} is not on this disk "
                                      "(or not a PDF, HTML or text file); the entry keeps "
                                      "no file field")
    best = min(found, key=lambda p: READABLE.index(p.suffix.lower()))
    data = best.read_bytes()
    target = free_name(root / ARCHIVE, re.sub(r"[^\w.-]", "-", key),
                       best.suffix.lower(), data, taken)
    taken.add(target)
    return Archived(target.relative_to(root).as_posix(), hashlib.sha256(data).hexdigest(),
                    (target, data))


def free_name(folder: Path, stem: str, suffix: str, data: bytes, taken: set[Path]) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``...: never over another file (the
    same bytes already there are fine)."""
    target, number = folder / f"{stem}{suffix}", 2
    while target in taken or (target.exists() and target.read_bytes() != data):
        target, number = folder / f"{stem}-{number}{suffix}", number + 1
    return target


def changed_copy(value: str, recorded: str, root: Path) -> bool:
    """Whether an archived copy's bytes are no longer those archived. Only a regular
    file inside the library, within the size limit, is read (a pipe, a device or a
    file elsewhere is archive-unsafe's to report, and never opened here)."""
    from drafting.errors import DraftingError
    from drafting.inputs import MAX_BINARY_BYTES, read_bytes
    from drafting.quotes import archive_path

    path = archive_path(value.strip().strip("{}"), root)
    if not archived_inside(path, root):
        return False
    try:
        data = read_bytes(path, MAX_BINARY_BYTES)
    except DraftingError:
        return False  # missing or unsafe: archive-missing or archive-unsafe says so
    return hashlib.sha256(data).hexdigest() != recorded.strip().strip("{}")


def archived_inside(path: Path, root: Path) -> bool:
    """Whether an archived copy lies inside the library, outside git's and drafting's
    own folders."""
    from drafting.cache import CACHE_DIR
    from drafting.inputs import inside

    if not inside(path, root):
        return False
    try:
        first = path.resolve().relative_to(root.resolve()).parts[:1]
    except ValueError:
        return False
    return first not in ((".git",), (CACHE_DIR,))
