"""Keep sources.bib in step with a Zotero export (``drafting source sync FILE``).

Each entry of the export is matched to one in sources.bib by key, else by DOI or URL;
a match is updated field by field (the library's key is kept, so citations still
point at it), a new one is added. Fields the library adds itself are never taken from
Zotero: ``shorthand``, ``review``, ``toa_category``, and an archived copy (``file`` in
sources/archive/ with its ``archivesha256``). A field the export lacks is kept, so
nothing is lost. Safe to run on every automatic export: a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from drafting import bibfile
from drafting.errors import DraftingError, Location
from drafting.progress import steps
from drafting.upkeep import (
    Merge,
    archive_attachments,
    in_layout,
    new_strings,
    normal_doi,
    normal_title,
    normal_url,
    read_bib,
    refuse_undefined_strings,
)
from drafting.values import dataclass

#: Fields the library owns: kept whatever the export says.
LIBRARY_FIELDS = ("shorthand", "review", "toa_category", "archivesha256")


@dataclass
class Sync:
    """What a sync changes: entries added, fields updated (key: [(field, old, new)])."""

    added: list[str] = field(default_factory=list)
    updated: dict[str, list[tuple[str, str | None, str | None]]] = field(default_factory=dict)
    matched_by: dict[str, str] = field(default_factory=dict)  # library key: export key, how
    unchanged: int = 0
    archived: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def match(chunk: bibfile.Chunk, existing: dict[str, bibfile.Chunk]) -> tuple[str, str]:
    """The library entry an exported one is: the same key, else DOI, else URL."""
    if chunk.key in existing:
        return chunk.key, "key"
    from rapidfuzz import fuzz

    mine = dict(chunk.fields)
    for key, other in existing.items():
        theirs = dict(other.fields)
        if mine.get("doi") and normal_doi(mine["doi"]) == normal_doi(theirs.get("doi", "")):
            return key, "DOI"
        if mine.get("url") and normal_url(mine["url"]) == normal_url(theirs.get("url", "")):
            return key, "URL"
    title = normal_title(mine.get("title", ""))
    for key, other in existing.items():  # no key, DOI or URL in common: the same work?
        theirs = dict(other.fields)
        if len(title) > 15 and other.type == chunk.type and year(mine) == year(theirs) \
                and fuzz.ratio(title, normal_title(theirs.get("title", ""))) >= 95:
            return key, "title and year"
    return "", ""


def year(fields: dict[str, str]) -> str:
    return (fields.get("date") or fields.get("year") or "").strip("{} ")[:4]


def updated_fields(ours: bibfile.Chunk, theirs: bibfile.Chunk
                   ) -> tuple[list[tuple[str, str]], list[tuple[str, str | None, str | None]]]:
    """Our entry's fields with the export's values (the library's own fields kept, and
    fields the export lacks), and what changed."""
    from drafting.attachments import in_archive

    mine, yours = dict(ours.fields), dict(theirs.fields)
    keep = set(LIBRARY_FIELDS)
    if in_archive(mine.get("file", "")):
        keep.add("file")
    merged = dict(mine)
    for name, value in yours.items():
        if name not in keep:
            merged[name] = value
    changes = [(name, mine.get(name), merged.get(name)) for name in merged
               if bibfile.fold(mine.get(name) or "") != bibfile.fold(merged.get(name) or "")]
    return list(merged.items()), changes


def sync_sources(root: Path, text: str, origin: Path | None, write: bool) -> Sync:
    """Plan (and with ``write``, apply under the library lock, all at once) a sync."""
    from drafting.csl import looks_like_csl, to_biblatex
    from drafting.store import Transaction, library_lock

    where = origin or Path("<stdin>")
    if looks_like_csl(text):
        text = to_biblatex(text, origin)
    incoming = bibfile.parse(text)
    for chunk in bibfile.failed(incoming):
        raise DraftingError(f"{chunk.problem}; fix it in the export and sync again",
                            Location(where, chunk.line))
    with library_lock(root):
        current = read_bib(root)
        for chunk in bibfile.failed(current.chunks):
            raise DraftingError(f"cannot sync: {chunk.problem}; fix it first (drafting "
                                "check lists it)", Location(current.path, chunk.line))
        refuse_undefined_strings(incoming, current.chunks, where)
        strings = new_strings(incoming, current.chunks, where)
        result = Sync()
        chunks, added, copies = plan(current.chunks, incoming, root, origin, result)
        if not (result.added or result.updated):
            return result
        added = [*strings, *added]
        body = bibfile.join(chunks).rstrip("\n")
        extra = "\n\n".join(bibfile.format_entry(c).rstrip("\n") if c.kind == "entry"
                            else c.text[c.start:].strip() for c in added)
        new = in_layout(current, (body + "\n\n" if body else "") + extra + "\n")
        check_meaning(current, new, chunks, added)
        if write:
            if copies:
                (root / "sources" / "archive").mkdir(parents=True, exist_ok=True)
            Transaction(root, {current.path: current.saved(new), **copies}).commit()
    return result


def plan(chunks: list[bibfile.Chunk], incoming: list[bibfile.Chunk], root: Path,
         origin: Path | None, result: Sync
         ) -> tuple[list[bibfile.Chunk], list[bibfile.Chunk], dict[Path, bytes]]:
    """sources.bib's chunks with updated entries replaced, the entries to add, and the
    archived copies to write."""
    from drafting.attachments import in_archive

    existing = bibfile.entries(chunks)
    out = list(chunks)
    added: list[bibfile.Chunk] = []
    merge = Merge()
    entries = [c for c in incoming if c.kind == "entry"]
    matches = [match(c, existing) for c in steps(entries, "matching entries")]  # fuzzy: costly
    names = [c.key for c in entries]  # as the export calls them
    todo: list[bibfile.Chunk] = []  # new entries, and matched ones not archived yet,
    for chunk, (key, _) in zip(entries, matches, strict=True):  # under the library's key
        if not key:
            todo.append(chunk)
        elif not in_archive(dict(existing[key].fields).get("file", "")):
            chunk.key = key
            todo.append(chunk)
    copies = archive_attachments(todo, root, origin, merge)
    result.archived += merge.archived
    result.notes += merge.notes
    for chunk, (key, how), name in zip(entries, matches, names, strict=True):
        if not key:
            added.append(chunk)
            result.added.append(chunk.key)
            continue
        fields, changes = updated_fields(existing[key], chunk)
        if chunk.type != existing[key].type:
            changes.insert(0, ("@type", existing[key].type, chunk.type))
        if not changes:
            result.unchanged += 1
            continue
        result.updated[key] = changes
        if how != "key":
            result.matched_by[key] = f"{name}, the same {how}"
        entry = bibfile.Chunk("entry", "", 0, key=key, type=chunk.type, fields=fields)
        index = out.index(existing[key])
        old = out[index]
        out[index] = bibfile.Chunk("entry", old.text[:old.start] + bibfile.layout(entry)
                                   + "\n", old.line, key, chunk.type, fields, old.start)
    return out, added, copies


def check_meaning(current: object, new: str, chunks: list[bibfile.Chunk],
                  added: list[bibfile.Chunk]) -> None:
    """Refuse a result that does not hold exactly the planned entries (a BibTeX layout
    the planner did not foresee)."""
    wanted = bibfile.summary([*chunks, *added])
    current.checked(new, wanted, "syncing")  # type: ignore[attr-defined]
