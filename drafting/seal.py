"""Seal cache files so that only this user's own runs of drafting are trusted.

Everything drafting keeps in ``.drafting-cache/`` (parsed files, check results,
rendered templates, build records, the search index rows) is made by drafting and
read back later. That folder travels with a library (a zip, a shared drive, a
careless commit), so its files cannot be trusted as they are: each one is sealed with
a keyed BLAKE2b MAC whose key lives in the user's own cache folder
(``~/.cache/drafting/key``, or ``$XDG_CACHE_HOME``, ``%LOCALAPPDATA%``) and never in
the library. A file that is damaged, planted, or made on another machine fails the
check and is treated as absent: the result is computed again.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from drafting.hashing import blake2b, compare_digest

MAGIC = b"drafting-sealed-1\n"
KEY_BYTES = 32
TAG_CHARS = 32  # hex characters of a 16-byte MAC


def key_file() -> Path:
    """Where this user's sealing key lives (outside any library)."""
    if os.environ.get("DRAFTING_KEY_FILE"):
        return Path(os.environ["DRAFTING_KEY_FILE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    folder = Path(base) if base else Path.home() / ".cache"
    return folder / "drafting" / "key"


@lru_cache(maxsize=1)
def secret() -> bytes:
    """This user's key, created on first use; a key for this run only when no key can be
    kept (then caches only help within one run, and are never wrong)."""
    path = key_file()
    try:
        return read_key(path)
    except OSError:
        pass
    fresh = os.urandom(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".key.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(fresh)
        try:
            os.link(tmp, path)  # never replaces a key another process made first
        finally:
            os.unlink(tmp)
        return read_key(path)
    except OSError:
        return fresh


def read_key(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) != KEY_BYTES:
        raise OSError("damaged key file")
    return data


def tag(payload: bytes, name: str) -> bytes:
    """The MAC of ``payload`` stored under ``name`` (moving a sealed file to another
    name breaks its seal)."""
    mac = blake2b(key=secret(), digest_size=TAG_CHARS // 2)
    mac.update(name.encode("utf-8", "surrogatepass") + b"\0")
    mac.update(payload)
    return mac.hexdigest().encode()


def seal(payload: bytes, name: str) -> bytes:
    """``payload`` with its seal, ready to be written to a cache file called ``name``."""
    return MAGIC + tag(payload, name) + b"\n" + payload


def unseal(data: bytes, name: str) -> bytes | None:
    """The payload of a sealed file, or None if it is not one of ours, intact."""
    head = len(MAGIC) + TAG_CHARS + 1
    if len(data) < head or not data.startswith(MAGIC) or data[head - 1:head] != b"\n":
        return None
    payload = data[head:]
    return payload if compare_digest(data[len(MAGIC):head - 1], tag(payload, name)) \
        else None
