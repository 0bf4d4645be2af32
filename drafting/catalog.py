"""Look things up in the library: list, show and trace facts and sources.

Reads go through the checker's per-file analysis (cached by content hash), so
listing 10,000 facts does not parse them again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from pathlib import Path
from typing import Any

from drafting import record
from drafting.cache import Cache
from drafting.check import CHECK_VERSION, Library, fact_ids, load
from drafting.config import as_date, load_config
from drafting.errors import DraftingError, Location, display_path
from drafting.inputs import confined
from drafting.library import load_fact, suggest
from drafting.markdown import parse_blocks
from drafting.model import Block, Citation, CiteItem, Inline, Note, NoteMark
from drafting.record import NoteRecord
from drafting.resolve import resolve
from drafting.style import Formatter, load_style
from drafting.values import dataclass


def open_library(root: Path) -> Library:
    """The checker's view of the library (facts, briefs, sources), from the cache; an
    error when sources.bib cannot be read at all (too large, not UTF-8, not a file),
    rather than a library that seems to have no sources."""
    cache = Cache(root, "check", CHECK_VERSION)
    lib = load(root, cache)
    cache.save()
    bib = root / "sources.bib"
    for rule, path, line, col, message, _ in lib.problems:
        if rule == "file" and Path(path) == bib:
            raise DraftingError(message, Location(bib, line, col))
    return lib


@dataclass
class FactRow:
    """A fact in a listing."""

    id: str
    title: str
    as_of: str
    tags: list[str]
    sources: list[str]
    path: str
    stale: str = ""  # why it is stale, if it is


def fact_rows(root: Path, tag: str | None = None, stale: bool = False,
              source: str | None = None) -> list[FactRow]:
    """Facts, filtered by tag, staleness or a cited source; sorted by id."""
    lib = open_library(root)
    config = load_config(root)
    limit = dt.timedelta(days=config.stale_after_days)
    today = config.reference_date()
    rows = []
    for fact_id, path in sorted(fact_ids(lib).items()):
        report = lib.facts[path]
        meta = report["meta"]
        as_of = as_date(meta.get("as_of") or "")
        why = ""
        if meta.get("superseded_by"):
            why = f"superseded by {meta['superseded_by']}"
        elif as_of and today - as_of > limit:
            why = f"older than {config.stale_after_days} days"
        keys = list(dict.fromkeys(key for key, _ in report["cites"]))
        row = FactRow(fact_id, meta.get("title", ""), meta.get("as_of") or "",
                      meta.get("tags", []), keys, display_path(path), why)
        if (tag and tag not in row.tags) or (stale and not why) or (source and source not in keys):
            continue
        rows.append(row)
    return rows


def find_fact(lib: Library, fact_id: str) -> Path:
    """The file of a fact, or an error with a suggestion."""
    ids = fact_ids(lib)
    if fact_id not in ids:
        raise DraftingError(f"unknown fact '{fact_id}'{suggest(fact_id, ids)}")
    return ids[fact_id]


@dataclass
class Shown:
    """A fact's text as it would read in a brief: paragraphs and numbered notes."""

    id: str
    title: str
    path: str
    blocks: list[Block]
    notes: list[list[Inline]]
    meta: dict[str, Any] = field(default_factory=dict)


def library_style(root: Path) -> str:
    """The library's own style (``check: style:`` in drafting.yaml; house if unset)."""
    from drafting.config import load_config

    return load_config(root).style


def show_fact(root: Path, fact_id: str, style_name: str | None = None) -> Shown:
    """A fact with its citations formatted as footnotes 1..N (as if it opened a brief)."""
    from drafting.library import load_library

    library = load_library(root)
    lib = open_library(root)
    path = find_fact(lib, fact_id)
    fact = load_fact(confined(path, root, Location(path), "fact file"))
    blocks = parse_blocks(fact.body, Location(fact.path, fact.body_line))
    notes = [i.note for b in blocks for i in b.inlines if isinstance(i, NoteMark)]
    for note in notes:
        for citation in note.citations:
            for item in citation.items:
                if item.key not in library.sources:
                    raise DraftingError(f"unknown source key '@{item.key}'", citation.where)
    style = load_style(style_name or library_style(root), root)
    types = {k: s.type for k, s in library.sources.items()}
    formatter = Formatter(style, library.sources)
    formatted = [formatter.note(n) for n in resolve(notes, types, no_supra=style.no_supra)]
    return Shown(fact.id, str(fact.meta.get("title", "")), display_path(fact.path), blocks,
                 formatted, fact.meta)


@dataclass
class Use:
    """A place that uses a fact or source, and the footnotes it became in the last build."""

    path: str
    line: int
    how: str
    notes: list[int] | None = None  # None: the brief has not been built yet

    @property
    def landed(self) -> str:
        if self.how != "brief":
            return ""
        if self.notes is None:
            return "not built yet"
        if not self.notes:
            return "no footnote"
        return ("notes " if len(self.notes) > 1 else "note ") + ", ".join(map(str, self.notes))


def last_builds(root: Path) -> dict[str, list[NoteRecord]]:
    """The notes of each brief's last build, by the brief's path in the library."""
    return record.all_records(root)


def used_by(root: Path, fact_id: str) -> list[Use]:
    """Every place that uses a fact, with the footnotes its citations became."""
    lib = open_library(root)
    find_fact(lib, fact_id)
    builds = last_builds(root)
    places = []
    for path, report in sorted(lib.briefs.items()):
        notes = builds.get(record.brief_name(root, path))
        for used, line in report["facts"]:
            if used == fact_id:
                landed = None if notes is None else [n.number for n in notes
                                                     if n.fact == fact_id]
                places.append(Use(display_path(path), line, "brief", landed))
    for path, report in sorted(lib.facts.items()):
        if report["meta"].get("superseded_by") == fact_id:
            places.append(Use(display_path(path), 2, "superseded_by"))
    return places


def source_used_by(root: Path, key: str) -> list[Use]:
    """Every fact and brief line citing a source, and the footnotes it is in per brief."""
    lib = open_library(root)
    if key not in lib.sources:
        raise DraftingError(f"unknown source key '{key}'{suggest(key, lib.sources)}")
    cites = dict.fromkeys((display_path(path), line) for path, line in cited_by(lib).get(key, []))
    places = [Use(path, line, "cites") for path, line in cites]
    builds = last_builds(root)
    for path in sorted(lib.briefs):
        notes = builds.get(record.brief_name(root, path))
        landed = [n.number for n in notes if key in n.keys] if notes is not None else None
        if landed or notes is None:
            places.append(Use(display_path(path), 1, "brief", landed))
    return places


@dataclass
class SourceRow:
    """A source in a listing."""

    key: str
    type: str
    title: str
    date: str
    cited_by: int


def cited_by(lib: Library) -> dict[str, list[tuple[Path, int]]]:
    """Source key → the facts and briefs that cite it, with lines."""
    found: dict[str, list[tuple[Path, int]]] = {}
    for path, report in [*lib.facts.items(), *lib.briefs.items()]:
        for key, line in report["cites"]:
            found.setdefault(key, []).append((path, line))
    return found


def source_rows(root: Path) -> list[SourceRow]:
    """Every source, sorted by key, with how often it is cited."""
    lib = open_library(root)
    counts = cited_by(lib)
    return [SourceRow(key, s.type, s.fields.get("title", ""),
                      s.fields.get("date") or s.fields.get("year", ""), len(counts.get(key, [])))
            for key, s in sorted(lib.sources.items())]


def show_source(root: Path, key: str, style_name: str | None = None) -> dict[str, Any]:
    """A source's fields, its forms in the style, and who cites it."""
    lib = open_library(root)
    if key not in lib.sources:
        raise DraftingError(f"unknown source key '{key}'{suggest(key, lib.sources)}")
    source = lib.sources[key]
    style = load_style(style_name or library_style(root), root)
    other = "__another__"
    sources = {**lib.sources, other: source}
    types = {k: s.type for k, s in sources.items()}
    cite = [Note((Citation((CiteItem(key, pin="5"),)),)),
            Note((Citation((CiteItem(key, pin="7"),)),)),
            Note((Citation((CiteItem(other),)),)),
            Note((Citation((CiteItem(key, pin="9"),)),))]
    formatter = Formatter(style, sources)
    notes = [formatter.note(n) for n in resolve(cite, types, no_supra=style.no_supra)]
    forms = {"full": notes[0], "id": notes[1], "later": notes[3]}
    return {"key": key, "type": source.type, "fields": source.fields,
            "where": str(source.where), "forms": forms,
            "cited_by": [(display_path(p), line) for p, line in cited_by(lib).get(key, [])]}
