"""Edit a BibTeX file without losing a character that is not being changed.

The file is cut into chunks, one per block bibtexparser finds (entries, @string,
@preamble, comments, and blocks it cannot parse), each keeping its exact text. Joining
the chunks gives back the file byte for byte; an edit touches only its own chunk.
:func:`canonical` rewrites entries in one merge-friendly layout (fields one per line in
a fixed order, a trailing comma, entries sorted by key) and keeps everything else as it
was.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import bibtexparser

from drafting.library import VERBATIM_FIELDS

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL + 1)  # we report failures

#: The order of fields in a canonical entry; others follow alphabetically.
FIELD_ORDER = (
    "author", "editor", "shortauthor", "title", "subtitle", "titleaddon", "shorttitle",
    "shorthand", "journaltitle", "booktitle", "maintitle", "organization", "institution",
    "publisher", "location", "edition", "volume", "number", "pages", "pagination", "date",
    "year", "month", "eventdate", "origdate", "urldate", "url", "doi", "isbn", "issn", "file",
    "crossref", "keywords", "langid", "note", "abstract",
)
KEY_HEADER = re.compile(r"(@\s*\w+\s*[{(]\s*)([^,\s]+)(\s*,)")


@dataclass
class Chunk:
    """One block of the file and its exact text."""

    kind: str  # entry, string, preamble, comment, failed
    text: str
    line: int  # 1-based first line
    key: str = ""
    type: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)  # raw values, as written


KINDS = {"Entry": "entry", "String": "string", "Preamble": "preamble",
         "ExplicitComment": "comment", "ImplicitComment": "comment"}


def parse(text: str) -> list[Chunk]:
    """Cut BibTeX text into chunks that join back into exactly ``text``."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    lines = text.splitlines(keepends=True)
    blocks = sorted(library.blocks, key=lambda b: b.start_line)
    starts = [b.start_line for b in blocks]
    chunks: list[Chunk] = []
    for index, block in enumerate(blocks):
        start = 0 if index == 0 else block.start_line
        end = starts[index + 1] if index + 1 < len(blocks) else len(lines)
        if chunks and start < len(lines) and block.start_line == blocks[index - 1].start_line:
            continue  # two blocks on one line stay in one chunk
        chunk = Chunk(kind=KINDS.get(type(block).__name__, "failed"),
                      text="".join(lines[start:end]), line=block.start_line + 1)
        if chunk.kind == "entry":
            chunk.key, chunk.type = block.key, block.entry_type.lower()
            chunk.fields = [(f.key.lower(), str(f.value)) for f in block.fields]
        elif chunk.kind == "failed":
            match = KEY_HEADER.search(block.raw)
            chunk.key = match[2] if match else ""
        chunks.append(chunk)
    if not chunks and text:
        chunks.append(Chunk("comment", text, 1))
    return chunks


def join(chunks: list[Chunk]) -> str:
    """The file text of some chunks."""
    return "".join(c.text for c in chunks)


def entries(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.key: c for c in chunks if c.kind == "entry"}


def rename_key(chunk: Chunk, new: str) -> None:
    """Change an entry's key in its own text."""
    chunk.text = KEY_HEADER.sub(lambda m: m[1] + new + m[3], chunk.text, count=1)
    chunk.key = new


def field_sort_key(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name), "") if name in FIELD_ORDER else (len(FIELD_ORDER), name)


def format_entry(chunk: Chunk) -> str:
    """One entry in the canonical layout; values exactly as written (spaces folded)."""
    lines = [f"@{chunk.type}{{{chunk.key},"]
    for name, value in sorted(chunk.fields, key=lambda f: field_sort_key(f[0])):
        if name not in VERBATIM_FIELDS:
            value = " ".join(value.split())
        lines.append(f"  {name:<12} = {value.strip()},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def canonical(chunks: list[Chunk], sort_entries: bool = True) -> str:
    """The canonical text: entries reformatted (and sorted by key), all else verbatim.

    A comment just before an entry moves with it; what comes before the first entry
    (a header) and every @string and @preamble stay at the top."""
    head: list[str] = []
    units: list[tuple[str, str]] = []  # (sort key, text)
    pending: list[str] = []
    seen_entry = False
    for chunk in chunks:
        body = chunk.text.strip("\n")
        if chunk.kind in ("entry", "failed"):
            text = format_entry(chunk).rstrip("\n") if chunk.kind == "entry" else body
            units.append((chunk.key.lower(), "\n".join([*pending, text])))
            pending = []
            seen_entry = True
        elif not body.strip():
            continue
        elif chunk.kind in ("string", "preamble"):
            head.append(body)  # definitions before any entry that uses them
        elif seen_entry:
            pending.append(body)
        else:
            head.append(body)
    if sort_entries:
        units.sort(key=lambda unit: unit[0])
    parts = head + [text for _, text in units] + pending
    return "\n\n".join(parts) + "\n" if parts else ""


def normalized_values(chunks: list[Chunk]) -> dict[str, dict[str, str]]:
    """Each entry's fields with spaces folded (to compare files that ``fmt`` rewrote)."""
    return {c.key: {n: " ".join(v.split()) for n, v in c.fields} for c in chunks
            if c.kind == "entry"}
