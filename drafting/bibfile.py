"""Edit a BibTeX file without losing a character that is not being changed.

The file is cut into chunks, one per block bibtexparser finds (entries, @string,
@preamble, comments, and blocks it cannot parse), each keeping its exact text; chunks
are cut at character offsets, so two entries on one line are two chunks. Joining the
chunks gives back the file byte for byte; an edit touches only its own chunk, and
:func:`summary` (what the file means, without its layout) lets every edit be checked.
:func:`canonical` rewrites entries in one merge-friendly layout (fields one per line in
a fixed order, a trailing comma, entries sorted by key) and keeps everything else as it
was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import field
from typing import Any

import bibtexparser

from drafting.library import VERBATIM_FIELDS
from drafting.values import dataclass

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
#: Where a block starts, as bibtexparser sees it: ``@type`` and its ``{`` or ``(``.
BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
#: BibTeX's own white space, which ``fmt`` folds; other spaces (U+2028, U+00A0, ...) are text.
LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
#: Field names and keys ``fmt`` can lay out again; an entry with others is kept verbatim.
PLAIN_NAME = re.compile(r"\w[\w.:+-]*\Z")
PLAIN_KEY = re.compile(r"[^\s,{}()\"#%'=\\]+\Z")


@dataclass
class Chunk:
    """One block of the file and its exact text."""

    kind: str  # entry, string, preamble, comment, failed
    text: str
    line: int  # 1-based line of the block's start
    key: str = ""  # an entry's key, a @string's name, or the key of a failed entry
    type: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)  # lower-case names, raw values
    start: int = 0  # where the block starts in ``text`` (after blank lines before it)
    value: str = ""  # a @string's or @preamble's raw value
    problem: str = ""  # why a failed block cannot be read, and what to do


KINDS = {"Entry": "entry", "String": "string", "Preamble": "preamble",
         "ExplicitComment": "comment", "ImplicitComment": "comment"}


def parse(text: str) -> list[Chunk]:
    """Cut BibTeX text into chunks that join back into exactly ``text``.

    Each block bibtexparser finds gets its own chunk, cut at the block's character
    offset (at its line start when only blanks precede it there), so two entries on
    one line are two chunks and line separators bibtexparser does not know (U+2028,
    U+0085, ...) change nothing; lines count ``\n`` only, as bibtexparser's do."""
    import logging

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL + 1)  # reported by us
    library = bibtexparser.parse_string(text, parse_stack=[])
    placed = place(text, library.blocks)
    cuts = [0] + [line_start(text, at, placed[i - 1][0] + len(placed[i - 1][2].raw))
                  for i, (at, _, _) in enumerate(placed) if i]
    chunks = []
    for i, (at, line, block) in enumerate(placed):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        chunk = Chunk(kind="", text=text[cuts[i]:end], line=line, start=at - cuts[i])
        describe(chunk, block)
        chunks.append(chunk)
    if not chunks and text:
        chunks.append(Chunk("comment", text, 1))
    return chunks


def place(text: str, blocks: list[Any]) -> list[tuple[int, int, Any]]:
    """Each block (in file order) with its offset in ``text`` and its 1-based line.

    The line counts every ``\n``; bibtexparser's own ``start_line`` misses one after a
    line ending in a backslash (``\\`` at the end of a line in a note)."""
    placed = []
    pos, line, counted = 0, 1, 0
    for block in blocks:
        at = text.find(block.raw, pos) if block.raw else -1
        if at >= 0:
            line += text.count("\n", counted, at)
            counted = at
            placed.append((at, line, block))
            pos = at + len(block.raw)
    return placed


def line_start(text: str, at: int, floor: int) -> int:
    """``at``, or the start of its line when only blanks precede it there (not before
    ``floor``, the end of the block before)."""
    begin = max(text.rfind("\n", 0, at) + 1, floor)
    return begin if not text[begin:at].strip(" \t") else at


def describe(chunk: Chunk, block: object) -> None:
    """Fill in a chunk's kind, key, type, fields and problem from its parsed block."""
    from drafting.library import failed_block_reason, repeated_field

    name = type(block).__name__
    chunk.kind = KINDS.get(name, "failed")
    if chunk.kind == "entry":
        chunk.key, chunk.type = block.key, block.entry_type.lower()
        chunk.fields = [(f.key.lower(), str(f.value)) for f in block.fields]
        repeated = repeated_field(f.key for f in block.fields)
        if repeated:
            chunk.kind = "failed"
            chunk.problem = (f"@{chunk.type}{{{chunk.key}}} gives field '{repeated.lower()}' "
                             "twice (field names ignore case); keep one")
    elif chunk.kind == "string":
        chunk.key, chunk.value = block.key, str(block.value)
    elif chunk.kind == "preamble":
        chunk.value = str(block.value)
    elif chunk.kind == "failed":
        inner = getattr(block, "ignore_error_block", None)
        match = KEY_HEADER.search(block.raw)
        chunk.key = getattr(inner, "key", "") or (match[2] if match else "")
        chunk.problem = failed_block_reason(block)
        if type(inner).__name__ == "String":
            chunk.problem = f"@string '{chunk.key}' is defined twice; keep one"


def join(chunks: list[Chunk]) -> str:
    """The file text of some chunks."""
    return "".join(c.text for c in chunks)


def entries(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.key: c for c in chunks if c.kind == "entry"}


def failed(chunks: list[Chunk]) -> list[Chunk]:
    """The blocks the parser could not read (bad syntax, duplicate keys or fields)."""
    return [c for c in chunks if c.kind == "failed"]


def rename_key(chunk: Chunk, new: str) -> None:
    """Change an entry's key in its own text (just the key, after its ``@type{``)."""
    header = BLOCK_START.match(chunk.text, chunk.start)
    assert header, chunk.text  # a parsed entry starts so
    rest = chunk.text[header.end():]
    at = header.end() + len(rest) - len(rest.lstrip())
    assert chunk.text.startswith(chunk.key, at), chunk.text
    chunk.text = chunk.text[:at] + new + chunk.text[at + len(chunk.key):]
    chunk.key = new


def field_sort_key(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name), "") if name in FIELD_ORDER else (len(FIELD_ORDER), name)


def fold(value: str) -> str:
    """A value with BibTeX's white space folded (how ``fmt`` may change it)."""
    return LAYOUT_SPACE.sub(" ", value).strip(" ")


def can_format(chunk: Chunk) -> bool:
    """Whether an entry can be laid out again (plain key and field names)."""
    return bool(PLAIN_KEY.match(chunk.key)) and all(PLAIN_NAME.match(n) for n, _ in chunk.fields)


def format_entry(chunk: Chunk) -> str:
    """One entry in the canonical layout; values exactly as written (BibTeX's white
    space folded). An entry with an odd key or field name stays as it was."""
    if can_format(chunk):
        text = layout(chunk)
        again = parse(text)
        if [c.kind for c in again] == ["entry"] and summary(again) == summary([chunk]):
            return text
    return chunk.text[chunk.start:].rstrip(" \t\n") + "\n"


def layout(chunk: Chunk) -> str:
    """An entry's text in the canonical layout."""
    lines = [f"@{chunk.type}{{{chunk.key},"]
    for name, value in sorted(chunk.fields, key=lambda f: field_sort_key(f[0])):
        if name not in VERBATIM_FIELDS:
            value = fold(value)
        lines.append(f"  {name:<12} = {value.strip(' ')},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def canonical(chunks: list[Chunk], sort_entries: bool = True) -> str:
    """The canonical text: entries reformatted (and sorted by key), all else verbatim.

    A comment just before an entry moves with it (before the first entry: only one on
    the line right above it); what else comes before the first entry (a header) and
    every @string and @preamble stay at the top. Applying it twice changes nothing."""
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
            if not seen_entry:
                head.extend(pending)
                pending = []
            head.append(body)  # definitions before any entry that uses them
        elif seen_entry or touches_next(chunk.text):
            pending.append(body)
        else:
            head.extend([*pending, body])
            pending = []
    if sort_entries:
        units.sort(key=lambda unit: unit[0])
    parts = head + [text for _, text in units] + pending
    return "\n\n".join(parts) + "\n" if parts else ""


def touches_next(text: str) -> bool:
    """Whether no blank line separates a chunk from the next one."""
    return text[len(text.rstrip()):].count("\n") <= 1


def normalized_values(chunks: list[Chunk]) -> dict[str, dict[str, str]]:
    """Each entry's fields with spaces folded (to compare files that ``fmt`` rewrote)."""
    return {c.key: {n: fold(v) for n, v in c.fields} for c in chunks if c.kind == "entry"}


def summary(chunks: list[Chunk]) -> dict[str, object]:
    """What a file means, without its layout: entries (type and fields), @strings,
    @preambles, comments and unreadable blocks. Two files with the same summary hold
    the same data; every edit is checked against the summary it should give."""
    def of(kind: str, part: Callable[[Chunk], object]) -> list:
        return sorted(part(c) for c in chunks if c.kind == kind)

    return {
        "entries": {c.key: (c.type, sorted((n, fold(v)) for n, v in c.fields))
                    for c in chunks if c.kind == "entry"},
        "strings": of("string", lambda c: (c.key.lower(), fold(c.value))),
        "preambles": of("preamble", lambda c: fold(c.value)),
        "comments": of("comment", lambda c: fold(c.text)),
        "failed": of("failed", lambda c: fold(c.text)),
    }
