"""Full-text search over facts: an SQLite FTS5 index kept in ``.drafting-cache/``.

The index is brought up to date on every search from file sizes and modification
times, so only changed facts are read again; results are ranked with BM25, titles
weighing most, then tags, then the text.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from drafting.cache import CACHE_DIR
from drafting.errors import DraftingError
from drafting.library import decode_text, scan_facts, split_front_matter

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT, fact_id TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS facts USING fts5(
    fact_id UNINDEXED, title, tags, body, tokenize='unicode61 remove_diacritics 2');
"""
WEIGHTS = (0.0, 10.0, 5.0, 1.0)  # fact_id, title, tags, body


@dataclass(frozen=True)
class Hit:
    """A fact that matches a search."""

    fact_id: str
    title: str
    snippet: str
    score: float


def open_index(root: Path) -> sqlite3.Connection:
    """The search index of a library, created when missing (in memory when read-only)."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        connection = sqlite3.connect(folder / "search.sqlite", timeout=30)
    except (OSError, sqlite3.Error):
        connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    return connection


def stamp(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def document(path: Path) -> tuple[str, str, str]:
    """Title, tags and plain body of a fact (unreadable facts index their raw text)."""
    try:
        meta, body, _ = split_front_matter(decode_text(path.read_bytes(), path), path)
    except (OSError, DraftingError):
        return "", "", path.read_text(encoding="utf-8", errors="replace")
    tags = meta.get("tags")
    tags_text = " ".join(str(t) for t in tags) if isinstance(tags, list) else str(tags or "")
    plain = re.sub(r"\[[^\]]*@[^\]]*\]|[*_>#^{}]", " ", body)
    return str(meta.get("title") or ""), tags_text, " ".join(plain.split())


def refresh(connection: sqlite3.Connection, root: Path) -> None:
    """Bring the index in line with the files on disk."""
    known = dict(connection.execute("SELECT path, stamp FROM files"))
    current = {str(p): p for paths in scan_facts(root / "snippets").values() for p in paths}
    with connection:
        for gone in set(known) - set(current):
            connection.execute("DELETE FROM facts WHERE rowid IN "
                               "(SELECT rowid FROM files WHERE path = ?)", (gone,))
            connection.execute("DELETE FROM files WHERE path = ?", (gone,))
        for name, path in current.items():
            now = stamp(path)
            if known.get(name) == now:
                continue
            row = connection.execute("SELECT rowid FROM files WHERE path = ?", (name,)).fetchone()
            if row:
                connection.execute("DELETE FROM facts WHERE rowid = ?", row)
                connection.execute("DELETE FROM files WHERE rowid = ?", row)
            cursor = connection.execute("INSERT INTO files (path, stamp, fact_id) VALUES (?,?,?)",
                                        (name, now, path.stem))
            connection.execute("INSERT INTO facts (rowid, fact_id, title, tags, body) "
                               "VALUES (?,?,?,?,?)", (cursor.lastrowid, path.stem,
                                                      *document(path)))


def fts_query(words: list[str]) -> str:
    """Words as an FTS5 query: every word must match (as a word or a word's start)."""
    terms = [re.sub(r'"', "", w) for w in " ".join(words).split()]
    return " ".join(f'"{t}"*' for t in terms if t)


def search(root: Path, words: list[str], limit: int = 20) -> list[Hit]:
    """Facts matching all ``words``, best first."""
    query = fts_query(words)
    if not query:
        return []
    connection = open_index(root)
    try:
        refresh(connection, root)
        rows = connection.execute(
            "SELECT fact_id, title, snippet(facts, 3, '[', ']', '…', 12), "
            f"bm25(facts, {', '.join(map(str, WEIGHTS))}) AS score FROM facts "
            "WHERE facts MATCH ? ORDER BY score LIMIT ?", (query, limit)).fetchall()
    except sqlite3.OperationalError as err:
        raise DraftingError(f"cannot search for {' '.join(words)!r}: {err}") from None
    finally:
        connection.close()
    return [Hit(fact_id, title, snip, -score) for fact_id, title, snip, score in rows]
