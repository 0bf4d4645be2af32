"""Load the fact library: facts from ``snippets/`` and sources from ``sources.bib``.

Everything read from disk is checked here (encoding, size, front matter, BibTeX
syntax), so later steps work on clean data and every problem names its file:line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from drafting.cache import Cache, decode_json, encode_json, memoized
from drafting.errors import DraftingError, Location, raise_all
from drafting.inputs import (  # noqa: F401
    BIB_TOO_LARGE,
    MAX_BIB_BYTES,
    MAX_TEXT_BYTES,
    confined,
    find_root,
    read_bytes,
)
from drafting.model import Fact, Source
from drafting.patterns import pattern
from drafting.values import dataclass

# PyYAML and bibtexparser load on first use: a rebuild whose files are all in the cache
# needs neither.



#: Fields kept verbatim: addresses and paths, where LaTeX decoding would do harm.
VERBATIM_FIELDS = {"url", "doi", "file", "eprint", "urldate", "date", "isbn", "issn"}
#: BibTeX field names and the BibLaTeX names they stand for.
BIBTEX_ALIASES = {"journal": "journaltitle", "address": "location", "school": "institution"}
#: Name lists: decoded name by name, so ``{Human Rights Watch}`` stays one corporate name.
NAME_FIELDS = {"author", "editor", "shortauthor", "translator"}
FACT_ID = pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CONTROL = pattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
BARE_WORD = pattern(r"^[A-Za-z][\w:.+-]*$")
#: The @strings BibTeX itself defines (``month = jan``, as Zotero and Better BibTeX
#: write months): never "undefined".
BIBTEX_MONTHS = frozenset(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                           "oct", "nov", "dec"))
LATEX_SPECIAL = pattern(r"[\\{}~$]|--|``|''")


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, refusing binary, oversized or control-character input."""
    return decode_text(read_bytes(path, MAX_TEXT_BYTES), path)


def read_bib_bytes(path: Path, too_large: str = BIB_TOO_LARGE) -> bytes:
    """The bytes of sources.bib or a Zotero export (a text file's checks, a larger
    limit)."""
    return read_bytes(path, MAX_BIB_BYTES, too_large=too_large)


def read_bib_text(path: Path, too_large: str = BIB_TOO_LARGE) -> str:
    """Read sources.bib or a Zotero export (:func:`read_bib_bytes`, decoded)."""
    return decode_text(read_bib_bytes(path, too_large), path)


def decode_text(data: bytes, path: Path) -> str:
    """Bytes of a library file as text: UTF-8, no control characters, ``\n`` line ends."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DraftingError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8",
            Location(path, line)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise DraftingError(
            f"control character U+{ord(bad.group()):04X} in the text; delete it",
            Location(path, line))
    return text


def split_front_matter(text: str, path: Path,
                       memo: Cache | None = None) -> tuple[dict[str, Any], str, int]:
    """Split ``---`` YAML front matter from a Markdown body.

    Returns the metadata, the body, and the 1-based line where the body starts. The
    YAML is parsed again only when the front matter itself changed (``memo``).
    """
    if not text.startswith("---\n"):
        raise DraftingError(
            "no front matter; start the file with a '---' line, YAML fields, and another '---'",
            Location(path, 1),
        )
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if end is None:
        raise DraftingError(
            "front matter is not closed; add a '---' line after it", Location(path, 1)
        )
    raw = text[4 : 4 + end.start()]
    meta = memoized(memo, raw.encode(), f"yaml:{path}", lambda: front_matter(raw, path),
                    encode_json, decode_json)
    body_start = 4 + end.end()
    body = text[body_start:].lstrip("\n")
    skipped = text[body_start : len(text) - len(body)].count("\n")
    line = text.count("\n", 0, body_start) + 1 + skipped
    return meta, body, line


def front_matter(raw: str, path: Path) -> dict[str, Any]:
    """Parse the YAML between the ``---`` lines (plain values only: :mod:`yamldata`)."""
    from drafting.yamldata import parse_yaml

    meta = parse_yaml(raw, path, 2, "front matter") if raw.strip() else {}
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DraftingError("front matter must be 'name: value' fields", Location(path, 2))
    return meta


def load_fact(path: Path, memo: Cache | None = None) -> Fact:
    """Read one fact file (its parsed front matter from ``memo`` when unchanged)."""
    text = read_text(path)
    meta, body, line = split_front_matter(text, path, memo)
    if not body.strip():
        raise DraftingError(
            "the fact has no text; write it below the front matter", Location(path, line)
        )
    return Fact(id=path.stem, path=path, meta=meta, body=body.rstrip() + "\n", body_line=line)


@dataclass
class Library:
    """A library root: where facts, sources, templates and briefs live."""

    root: Path
    fact_paths: dict[str, list[Path]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    memo: Cache | None = None  # parsed files from earlier runs, by content hash
    _facts: dict[str, Fact] = field(default_factory=dict)

    def fact(self, fact_id: str, where: Location | None = None) -> Fact:
        """The fact with this id, loaded on first use."""
        if fact_id in self._facts:
            return self._facts[fact_id]
        if not FACT_ID.match(fact_id):
            raise DraftingError(
                f"'{fact_id}' is not a fact id; ids are file names like 'ilo-cas-2019-regret'",
                where,
            )
        paths = self.fact_paths.get(fact_id)
        if not paths:
            hint = suggest(fact_id, self.fact_paths)
            raise DraftingError(f"unknown fact '{fact_id}'{hint}", where)
        if len(paths) > 1:
            listed = ", ".join(str(p.relative_to(self.root)) for p in paths)
            raise DraftingError(
                f"fact id '{fact_id}' is used by several files: {listed}; rename one", where
            )
        fact = load_fact(confined(paths[0], self.root, Location(paths[0]), "fact file"), self.memo)
        self._facts[fact_id] = fact
        return fact


def suggest(name: str, known: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` hint for a misspelt name, to put right after it."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def scan_facts(snippets: Path) -> dict[str, list[Path]]:
    """Map every fact id to the files that define it (more than one is a conflict).

    What ``sorted(snippets.rglob("*.md"))`` gives (links to folders not followed), in
    a tenth of the time on 10,000 facts: os.walk; sorted by the path with its parts
    joined by NUL (which orders as the parts do: no name holds one, and it sorts
    first); each path made from its folder's (:func:`child`)."""
    found: dict[str, list[Path]] = {}
    if not snippets.is_dir():
        return found
    base = str(snippets)
    named: list[tuple[str, str, Path]] = []
    for folder, dirs, files in os.walk(base):
        inside = folder[len(base) + 1:]
        key = inside.replace(os.sep, "\0") + "\0" if inside else ""
        parent = Path(folder)
        named.extend((key + name, name, parent) for name in (*dirs, *files)
                     if name.endswith(".md"))
    named.sort(key=lambda item: item[0])
    for _, name, parent in named:
        found.setdefault(name[:-3], []).append(child(parent, name))
    return found


def child(folder: Path, name: str) -> Path:
    """``folder / name`` for a name os.walk gave (one part): through pathlib's own
    helper for that, which skips parsing the name (ten times quicker), where this
    Python has it."""
    make = getattr(folder, "_make_child_relpath", None)
    return make(name) if make is not None else folder / name


def load_library(root: Path, bibliography: Path | None = None,
                 memo: Cache | None = None) -> Library:
    """Open the library at ``root``: index the facts and load the sources."""
    library = Library(root=root, fact_paths=scan_facts(root / "snippets"), memo=memo)
    bib = bibliography or root / "sources.bib"
    if bib.exists():
        library.sources = load_sources(bib, memo)
    return library


def load_sources(path: Path, memo: Cache | None = None) -> dict[str, Source]:
    """Parse a BibLaTeX file; every broken entry is an error with its line."""
    text = read_bib_text(path)

    def parse() -> dict[str, Source]:
        sources, errors = parse_sources(text, path)
        raise_all(errors)
        return sources

    def encode(sources: dict[str, Source]) -> list[Any]:
        return [[s.key, s.type, s.fields, s.where.line] for s in sources.values()]

    def decode(data: list[Any]) -> dict[str, Source]:
        return {k: Source(k, t, f, Location(path, line)) for k, t, f, line in data}

    return memoized(memo, text.encode(), f"sources:{path}", parse, encode, decode)


def parse_sources(text: str, path: Path) -> tuple[dict[str, Source], list[DraftingError]]:
    """Parse BibLaTeX text: the entries it could read, and an error for each it could not."""
    import logging

    import bibtexparser
    from bibtexparser.middlewares import (
        MonthIntMiddleware,
        RemoveEnclosingMiddleware,
        ResolveStringReferencesMiddleware,
    )

    from drafting.limits import blank_deep_entries, brace_error

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL + 1)  # we report failures
    from drafting.bibfile import place

    text, deep = blank_deep_entries(text)
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    lines = {id(block): line for _, line, block in place(text, parsed.blocks)}

    def where(block: Any) -> Location:
        return Location(path, lines.get(id(block), block.start_line + 1))

    errors = [brace_error(line, path) for line in deep]
    errors += [DraftingError(failed_block_reason(b), where(b)) for b in parsed.failed_blocks]
    strings = {s.key.lower() for s in parsed.strings} | BIBTEX_MONTHS
    for entry in parsed.entries:
        repeated = repeated_field(f.key for f in entry.fields)
        if repeated:
            errors.append(DraftingError(
                f"@{entry.entry_type}{{{entry.key}}} gives field '{repeated.lower()}' twice "
                "(field names ignore case); keep one", where(entry)))
        for fld in entry.fields:
            value = str(fld.value).strip()
            if BARE_WORD.match(value) and value.lower() not in strings and not value.isdigit():
                errors.append(DraftingError(
                    f"@{entry.entry_type}{{{entry.key}}}: field '{fld.key}' uses @string "
                    f"'{value}', which is not defined; put the value in braces",
                    where(entry)))
    ResolveStringReferencesMiddleware(True).transform(parsed)
    RemoveEnclosingMiddleware(True).transform(parsed)
    MonthIntMiddleware(True).transform(parsed)  # jan, January, Jan. → 1
    sources: dict[str, Source] = {}
    for entry in parsed.entries:
        fields = {f.key.lower(): decode_field(f.key.lower(), str(f.value)) for f in entry.fields}
        for old, new in BIBTEX_ALIASES.items():  # BibLaTeX reads these BibTeX names too
            if old in fields and new not in fields:
                fields[new] = fields[old]
        sources[entry.key] = Source(key=entry.key, type=entry.entry_type.lower(), fields=fields,
                                    where=where(entry))
    return sources, errors


def failed_block_reason(block: Any) -> str:
    """What is wrong with a BibTeX block the parser could not read, and what to do."""
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "") or "cannot be parsed"
    first = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
    kind = type(block).__name__
    if kind == "DuplicateBlockKeyBlock":
        reason = f"duplicate key '{block.key}'; give one of the entries another key"
    elif kind == "DuplicateFieldKeyBlock":
        reason = f"an entry repeats a field ({reason}); keep one"
    else:
        reason = f"{reason.strip()} in '{first}'; check its braces and quotes"
    return reason


def repeated_field(fields: Iterable[str]) -> str:
    """A field name given twice in one entry, ignoring case (BibTeX does), or ``""``."""
    seen: set[str] = set()
    for name in fields:
        if name.lower() in seen:
            return name
        seen.add(name.lower())
    return ""


def decode_field(name: str, value: str) -> str:
    """LaTeX to plain Unicode (``{\\'e}`` → ``é``), except for URLs, dates and paths."""
    value = " ".join(value.split())
    if name in VERBATIM_FIELDS or name in NAME_FIELDS or not LATEX_SPECIAL.search(value):
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    protected = re.sub(r"(?<!\\)%", r"\\%", value).replace("``", "“").replace("''", "”")
    try:
        return " ".join(LatexNodes2Text().latex_to_text(protected).split())
    except Exception:  # noqa: BLE001 - LaTeX pylatexenc cannot read: kept as written
        return value


@dataclass(unsafe_hash=True)
class Name:
    """A person's or an organisation's name from a BibTeX name list (BibTeX's four
    parts: first, von, last, jr)."""

    first: str
    last: str
    corporate: bool = False
    von: str = ""
    jr: str = ""

    @property
    def family(self) -> str:
        """The surname with its particle: ``van der Berg``."""
        return f"{self.von} {self.last}" if self.von else self.last

    @property
    def natural(self) -> str:
        """``Andrei Grishin``, ``Jan van der Berg``, ``John Marshall, Jr.``."""
        if self.corporate:
            return self.last
        name = f"{self.first} {self.family}" if self.first else self.family
        return f"{name}, {self.jr}" if self.jr else name

    @property
    def inverted(self) -> str:
        """``Grishin, Andrei``, ``van der Berg, Jan``, ``Marshall, John, Jr.``."""
        if self.corporate or not self.first:
            return self.natural
        return f"{self.family}, {self.first}" + (f", {self.jr}" if self.jr else "")


def is_one_group(text: str) -> bool:
    """Whether ``text`` is one brace group: ``{Human Rights Watch}``."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def parse_names(value: str) -> list[Name]:
    """Parse a BibTeX name list (``Grishin, Andrei and {Human Rights Watch}``) with
    bibtexparser's own name splitting, which knows "von" parts and "Jr."; a name in
    braces is an institution and stays whole."""
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if is_one_group(raw):
            names.append(Name("", decode_field("name", raw[1:-1]), corporate=True))
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except InvalidNameError:
            names.append(Name("", decode_field("name", raw)))
            continue

        def text(words: list[str]) -> str:
            return decode_field("name", " ".join(words))

        names.append(Name(text(parts.first), text(parts.last), von=text(parts.von),
                          jr=text(parts.jr)))
    return [name for name in names if name.natural.strip().strip("{}")]
