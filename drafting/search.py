"""Full-text search over facts: an SQLite FTS5 index kept in ``.drafting-cache/``.

The index is brought up to date on every search from the facts' content hashes, so
only changed facts are indexed again; results are ranked with BM25, titles weighing
most, then tags, then the text. Each row is sealed (:mod:`drafting.seal`): an index
that is damaged, planted or made by someone else is thrown away and built again.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

from drafting.cache import cache_path, digest
from drafting.errors import DraftingError, Location
from drafting.inputs import (
    MAX_TEXT_BYTES,
    confined,
    forget_folders,
    read_bytes,
)
from drafting.library import decode_text, scan_facts, split_front_matter
from drafting.seal import tag
from drafting.values import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT, fact_id TEXT, seal TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS facts USING fts5(
    fact_id UNINDEXED, title, tags, body, tokenize='porter unicode61 remove_diacritics 2');
"""
SCHEMA_VERSION = 3  # 3: words stemmed (porter)
WEIGHTS = (0.0, 10.0, 5.0, 1.0)  # fact_id, title, tags, body


@dataclass(frozen=True)
class Hit:
    """A fact that matches a search."""

    fact_id: str
    title: str
    snippet: str
    score: float


def open_index(root: Path) -> sqlite3.Connection:
    """The search index of a library, created when missing and made again when it is
    damaged or of another version (in memory when the library is read-only)."""
    path = cache_path(root, "search.sqlite")
    for _ in range(2 if path else 0):
        if path.is_symlink() or (path.exists() and not path.is_file()):
            discard(path)  # a planted link or pipe: never opened
        try:
            path.parent.mkdir(exist_ok=True)
            connection = sqlite3.connect(path, timeout=30)
        except (OSError, sqlite3.Error):
            break
        try:
            return prepared(connection)
        except sqlite3.DatabaseError:  # not an index of ours: start again
            connection.close()
            discard(path)
    return prepared(sqlite3.connect(":memory:"))


def prepared(connection: sqlite3.Connection) -> sqlite3.Connection:
    """A connection whose database has this version's tables."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        connection.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS facts;")
    connection.executescript(SCHEMA)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return connection


def discard(path: Path) -> None:
    """Delete a damaged index and its journal files."""
    for name in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            name.unlink()


def row_seal(path: str, stamp: str, fields: tuple[str, ...]) -> str:
    """The seal of one indexed fact: its path, content hash and indexed text."""
    return tag("\0".join([path, stamp, *fields]).encode("utf-8", "surrogatepass"),
               "search-row").decode()


def document(data: bytes, path: Path) -> tuple[str, str, str]:
    """Title, tags and plain body of a fact (unreadable facts index their raw text)."""
    try:
        meta, body, _ = split_front_matter(decode_text(data, path), path)
    except DraftingError:
        return "", "", data.decode("utf-8", errors="replace")
    tags = meta.get("tags")
    tags_text = " ".join(str(t) for t in tags) if isinstance(tags, list) else str(tags or "")
    plain = re.sub(r"\[[^\]]*@[^\]]*\]|[*_>#^{}]", " ", body)
    return str(meta.get("title") or ""), tags_text, " ".join(plain.split())


def fact_bytes(path: Path, root: Path) -> bytes:
    """A fact file's bytes: a regular file inside the library, within the size limit."""
    confined(path, root, Location(path), "fact file")
    return read_bytes(path, MAX_TEXT_BYTES)


def refresh(connection: sqlite3.Connection, root: Path) -> None:
    """Bring the index in line with the files on disk (by content hash)."""
    known = dict(connection.execute("SELECT path, stamp FROM files"))
    current = {str(p): p for paths in scan_facts(root / "snippets").values() for p in paths}
    with connection:
        for gone in set(known) - set(current):
            forget(connection, gone)
        for name, path in current.items():
            data = fact_bytes(path, root)
            now = digest(data)
            if known.get(name) == now:
                continue
            forget(connection, name)
            fields = document(data, path)
            cursor = connection.execute(
                "INSERT INTO files (path, stamp, fact_id, seal) VALUES (?,?,?,?)",
                (name, now, path.stem, row_seal(name, now, fields)))
            connection.execute("INSERT INTO facts (rowid, fact_id, title, tags, body) "
                               "VALUES (?,?,?,?,?)", (cursor.lastrowid, path.stem, *fields))


def forget(connection: sqlite3.Connection, name: str) -> None:
    """Drop a file's row from the index."""
    row = connection.execute("SELECT rowid FROM files WHERE path = ?", (name,)).fetchone()
    if row:
        connection.execute("DELETE FROM facts WHERE rowid = ?", row)
        connection.execute("DELETE FROM files WHERE rowid = ?", row)


def intact(connection: sqlite3.Connection) -> bool:
    """Whether every row of the index carries our seal."""
    rows = connection.execute("SELECT files.path, files.stamp, files.seal, facts.title, "
                              "facts.tags, facts.body FROM files JOIN facts "
                              "ON facts.rowid = files.rowid")
    count = connection.execute("SELECT count(*) FROM files").fetchone()[0]
    total = connection.execute("SELECT count(*) FROM facts").fetchone()[0]
    checked = 0
    for path, stamp, sealed, *fields in rows:
        if not isinstance(sealed, str) or sealed != row_seal(str(path), str(stamp),
                                                            tuple(map(str, fields))):
            return False
        checked += 1
    return checked == count == total


#: A search's parts: a "quoted phrase", a parenthesis, or a word (AND, OR, NOT in
#: capitals are operators, as in FTS5).
QUERY_PART = re.compile(r'"([^"]*)"?|([()])|([^\s()"]+)')
OPERATORS = ("AND", "OR", "NOT")


def fts_query(words: list[str], synonyms: dict[str, list[str]] | None = None) -> str:
    """A search as an FTS5 query: each word matches as a word or a word's start, in
    every spelling ``synonyms`` gives it (stemmed: "strikes" finds "strike"); a
    "quoted phrase" matches those words in that order; AND, OR, NOT and parentheses
    combine them (words side by side must all match)."""
    out: list[str] = []
    for phrase, paren, word in QUERY_PART.findall(" ".join(words)):
        if paren:
            out.append(paren)
        elif word in OPERATORS:
            out.append(word)
        elif phrase.strip():
            out.append('"' + phrase.strip() + '"')
        elif word:
            term = re.sub(r'[*^:"]', "", word)
            forms = [term, *(synonyms or {}).get(term.lower(), [])] if term else []
            if len(forms) > 1:
                out.append("(" + " OR ".join(f'"{f}"*' for f in forms) + ")")
            elif forms:
                out.append(f'"{term}"*')
    return " ".join(out)


def load_synonyms(root: Path) -> dict[str, list[str]]:
    """Each word's other spellings: the shipped British/American list and the
    library's own (``search: synonyms:`` in drafting.yaml)."""
    from importlib import resources

    import yaml

    groups = yaml.safe_load(resources.files("drafting").joinpath("data/spellings.yaml")
                            .read_text(encoding="utf-8"))["synonyms"]
    config = root / "drafting.yaml"
    if config.is_file():
        from drafting.library import read_text
        from drafting.yamldata import parse_yaml

        data = parse_yaml(read_text(config), config, 1) or {}
        own = (data.get("search") or {}).get("synonyms") if isinstance(data, dict) else None
        if own is not None and not (isinstance(own, list)
                                    and all(isinstance(g, list) for g in own)):
            raise DraftingError("search.synonyms must be a list of lists of words, like "
                                "[[labor, labour]]", Location(config))
        groups = [*groups, *(own or [])]
    out: dict[str, list[str]] = {}
    for group in groups:
        words = [str(w) for w in group]
        for word in words:
            out.setdefault(word.lower(), []).extend(w for w in words if w.lower() != word.lower())
    return out


def search(root: Path, words: list[str], limit: int = 20, retry: bool = True) -> list[Hit]:
    """Facts matching all ``words``, best first."""
    query = fts_query(words, load_synonyms(root))
    if not query:
        return []
    forget_folders()
    connection = open_index(root)
    try:
        if not intact(connection):
            connection.executescript("DELETE FROM files; DELETE FROM facts;")
        refresh(connection, root)
        rows = connection.execute(
            "SELECT fact_id, title, snippet(facts, 3, '[', ']', '…', 12), "
            f"bm25(facts, {', '.join(map(str, WEIGHTS))}) AS score FROM facts "
            "WHERE facts MATCH ? ORDER BY score LIMIT ?", (query, limit)).fetchall()
    except sqlite3.OperationalError as err:
        raise DraftingError(f"cannot search for {' '.join(words)!r} ({err}); close every "
                            "quote and parenthesis, and put AND, OR, NOT between words") \
            from None
    except sqlite3.DatabaseError:  # damaged while in use: search once more, from nothing
        connection.close()
        index = cache_path(root, "search.sqlite")
        if index is not None:
            discard(index)
        return search(root, words, limit, retry=False) if retry else []
    finally:
        connection.close()
    return [Hit(fact_id, title, snip, -score) for fact_id, title, snip, score in rows]
