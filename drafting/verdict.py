"""The whole check's result, kept under a digest of everything in the library.

``check`` is a function of the library's files, the date it judges staleness by and
drafting's own code. So the digest of every file's path and content (all of them, not
only those check reads: a superset cannot miss an input), with that date and the code's
digest, names the result: when nothing changed, the last run's problems are the answer,
and reading and hashing the files is all the work. Nothing is judged by size or mtime.

A result is kept only when the library's digest is the same after the check as
before it (a file saved while the check ran is checked again next time). Links and
special files are taken as they are (a link's target path, never followed; a FIFO is
never opened). This module loads nothing heavy, so a repeated check starts quickly.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from drafting.cache import CACHE_DIR, Cache, code_digest
from drafting.errors import display_path
from drafting.findings import Problem
from drafting.hashing import blake2b

VERSION = "2"
#: Folders that hold no input of a check: git's own, and drafting's caches.
SKIPPED = {".git", CACHE_DIR}
#: A file bigger than this makes the library too costly to hash on every run.
LARGEST = 64 * 1024 * 1024


def library_digest(root: Path) -> str | None:
    """A digest of every file's path and content under ``root`` (None when a file is
    too large or cannot be read: then there is no shortcut)."""
    h = blake2b(digest_size=20)
    try:
        for name, kind, data in sorted(entries(str(root), "")):
            named = name.encode("utf-8", "surrogateescape")  # every part's length first:
            h.update(b"%d:%s%d:%s%d:" % (len(named), named, len(kind), kind.encode(),
                                          len(data)))  # no two libraries run together
            h.update(data)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


def entries(folder: str, prefix: str) -> list[tuple[str, str, bytes]]:
    """(relative path, kind, content digest or link target) for everything in
    ``folder`` and below."""
    out: list[tuple[str, str, bytes]] = []
    with os.scandir(folder) as listing:
        for entry in listing:
            name = prefix + entry.name
            if entry.is_symlink():
                out.append((name, "link", os.readlink(entry.path).encode()))
            elif entry.is_dir(follow_symlinks=False):
                if not (prefix == "" and entry.name in SKIPPED):
                    out.append((name, "dir", b""))
                    out.extend(entries(entry.path, name + "/"))
            elif entry.is_file(follow_symlinks=False):
                out.append((name, "file", file_digest(entry.path)))
            else:
                mode = entry.stat(follow_symlinks=False).st_mode
                out.append((name, f"special-{stat.S_IFMT(mode)}", b""))
    return out


def file_digest(path: str) -> bytes:
    """The digest of a regular file's content (opened without following a link, and
    checked to be the regular file it was listed as)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST:
            raise ValueError(path)
        h = blake2b(os.read(fd, info.st_size + 1), digest_size=20)  # mostly all
        while chunk := os.read(fd, 1 << 20):  # a file that grew since it was listed
            h.update(chunk)
        return h.digest()
    finally:
        os.close(fd)


def key(library: str, today: dt.date | None) -> str:
    """The name of a check's result: the library, the date it is judged on, the code."""
    return blake2b(
        f"{VERSION}\0{library}\0{today or dt.date.today()}\0{code_digest()}".encode(),
        digest_size=20).hexdigest()


def remembered(root: Path, name: str) -> list[Problem] | None:
    """The problems a check of exactly this library found, if one was kept."""
    found = Cache(root, "verdicts", VERSION, keep=8).get(name)
    try:  # placed from where this check runs, in the order a check gives them
        return sorted(Problem(display_path(root / p["path"]), int(p["line"]), int(p["col"]),
                              str(p["severity"]), str(p["message"]), str(p["rule"]))
                      for p in found) if isinstance(found, list) else None
    except (KeyError, TypeError, ValueError):  # an entry of the wrong shape: none kept
        return None


def remember(root: Path, name: str, problems: list[Problem]) -> None:
    """Keep a check's problems under ``name`` (with the 8 most recent others), their
    paths from the library's top folder (so the answer holds from any folder)."""
    top = root.resolve()
    kept = []
    for problem in problems:
        where = Path(problem.path).resolve()
        inside = where.is_relative_to(top)
        kept.append({**asdict(problem),
                     "path": where.relative_to(top).as_posix() if inside else str(where)})
    cache = Cache(root, "verdicts", VERSION, keep=8)
    cache.put(name, kept)
    cache.save()


def checked(root: Path, paths: Iterable[Path], on: Any, use_cache: bool,
            changed: str | None, files: list[Path] | None = None) -> list:
    """The problems in ``paths`` (all when none; with ``changed``, in what changed since
    that git ref) as of the date ``on`` when given: the answer a check of the very same
    files gave, when one is kept."""
    import dataclasses

    from drafting.findings import select

    before = library_digest(root) if use_cache and not changed else None
    name = key(before, on) if before else ""
    kept = remembered(root, name) if name else None
    if kept is not None:
        return select(kept, paths)
    from drafting.check import run_check
    from drafting.config import load_config

    config = load_config(root)
    if on is not None:
        config = dataclasses.replace(config, today=on)
    if changed:
        return run_check(root, paths, config, use_cache=use_cache, changed=changed,
                         files=files)
    problems = run_check(root, (), config, use_cache=use_cache)
    if name and library_digest(root) == before:  # nothing saved meanwhile
        remember(root, name, problems)
    return select(problems, paths)
