"""Plain data that flows between the steps: text spans, citations, notes and blocks.

These are values: equal when their fields are, hashable, and never assigned to once
made (a changed one is a new one: :meth:`Span.styled`, ``dataclasses.replace``). They
are not ``frozen``: a frozen dataclass costs twice the time to define (paid at every
start) and four times the time to make, and a build makes tens of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from drafting.errors import Location
from drafting.values import dataclass


@dataclass(unsafe_hash=True)
class Span:
    """A run of text with its character formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    sup: bool = False
    sub: bool = False
    smallcaps: bool = False
    link: str | None = None
    code: bool = False
    argument: bool = False  # marked as the writer's own words: no source needed

    def styled(self, **marks: Any) -> Span:
        """A copy with other marks (made directly: twice as quick as ``replace``, and a
        build makes thousands)."""
        return Span(**{**self.__dict__, **marks})


@dataclass(unsafe_hash=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(unsafe_hash=True)
class SoftBreak:
    """A line end in the source inside a paragraph: a space in the output."""


@dataclass(unsafe_hash=True)
class CrossRef:
    """A reference to a labelled heading: ``[see Part @sec:legal]``."""

    label: str
    signal: str = ""  # the words before the noun: "see", "as discussed", ...
    noun: str = ""  # "Part", "Section", ...
    where: Location = field(default_factory=Location, compare=False)


@dataclass(unsafe_hash=True)
class HeadingRef:
    """The number of a labelled heading, kept live (Word's REF to a bookmark)."""

    label: str
    number: str

    @property
    def text(self) -> str:
        return self.number


@dataclass(unsafe_hash=True)
class NoteRef:
    """The number of another footnote, kept live (``supra note 8``: Word's NOTEREF)."""

    number: int

    @property
    def text(self) -> str:
        return str(self.number)


@dataclass(unsafe_hash=True)
class CiteItem:
    """One authority in a citation: ``see also @key, 5 ("explains")``."""

    key: str
    signal: str = ""
    pin: str = ""
    parenthetical: str = ""


@dataclass(unsafe_hash=True)
class Citation:
    """A bracketed citation: one or more authorities (a string cite)."""

    items: tuple[CiteItem, ...]
    where: Location = field(default_factory=Location, compare=False)


@dataclass(unsafe_hash=True)
class FactMark:
    """Where a fact's text starts or ends in an assembled brief (a hidden bookmark in
    Word, so ``pull`` can find the fact's text in an edited document)."""

    fact: str
    occurrence: int  # 1 for the fact's first use in the brief, 2 for its second...
    start: bool
    version: str = ""  # a digest of the fact's text as built


Inline = Union[Span, LineBreak, SoftBreak, NoteRef, HeadingRef, CrossRef, Citation, "NoteMark",
               FactMark]


@dataclass(unsafe_hash=True)
class Note:
    """A footnote's content: a citation alone, or free text with citations in place."""

    parts: tuple[Inline, ...]
    where: Location = field(default_factory=Location, compare=False)

    @property
    def citations(self) -> list[Citation]:
        """The citations in this note, in order."""
        return [p for p in self.parts if isinstance(p, Citation)]


@dataclass(unsafe_hash=True)
class NoteMark:
    """The place in the text where a footnote reference goes."""

    note: Note


@dataclass(unsafe_hash=True)
class Block:
    """A paragraph-level block: ``para``, ``heading``, ``quote``, ``bullet`` or ``number``."""

    kind: str
    inlines: tuple[Inline, ...]
    level: int = 0
    argument: bool = False  # the whole block is marked {.argument}
    line: int = 0  # 1-based line in its file, 0 when unknown
    label: str = ""  # a heading's label ({#sec:legal}), for cross-references

    def with_inlines(self, inlines: tuple[Inline, ...]) -> Block:
        """A copy holding other inlines (made directly: quicker than ``replace``)."""
        return Block(self.kind, inlines, self.level, self.argument, self.line, self.label)

    def holding(self, inlines: tuple[Inline, ...]) -> Block:
        """This block if it holds these inlines already, else :meth:`with_inlines`."""
        return self if inlines == self.inlines else self.with_inlines(inlines)


@dataclass
class Source:
    """One bibliography entry, its fields decoded to plain text."""

    key: str
    type: str
    fields: dict[str, str]
    where: Location = field(default_factory=Location)


@dataclass
class Fact:
    """One fact from the library: front matter and a Markdown body."""

    id: str
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file


def plain_text(parts: Iterable[Any]) -> str:
    """The text of inlines, without their formatting (marks and citations add nothing)."""
    return "".join(getattr(part, "text", "") for part in parts)


# ---------------------------------------------------------------- plain-data form
# Parsed facts are cached between runs as JSON; these turn blocks into lists and back.

SPAN_FLAGS = ("bold", "italic", "underline", "strike", "sup", "sub", "smallcaps", "code",
              "argument")


def _where(where: Location) -> list[Any]:
    return [str(where.path) if where.path else None, where.line, where.col]


def _place(data: list[Any], at: Location | None = None) -> Location:
    """A stored location; with ``at``, one stored relative to a piece of text (lines
    from 1, no file) placed where the piece starts."""
    if at is None:
        return Location(_path(data[0]) if data[0] else None, data[1], data[2])
    line = data[1] if data[1] is None else data[1] + (at.line or 1) - 1
    return Location(at.path, line, data[2])


@lru_cache(maxsize=1024)
def _path(name: str) -> Path:
    return Path(name)


@lru_cache(maxsize=1024)
def _span_flags(bits: int) -> tuple[bool, ...]:
    """The flags of :data:`SPAN_FLAGS` that ``bits`` has, in that order."""
    return tuple(bool(bits & (1 << i)) for i in range(len(SPAN_FLAGS)))


def encode_inline(item: Inline) -> list[Any]:
    """An inline as JSON-ready lists."""
    if isinstance(item, Span):
        flags = sum(1 << i for i, name in enumerate(SPAN_FLAGS) if getattr(item, name))
        return ["S", item.text, flags, item.link]
    if isinstance(item, LineBreak):
        return ["B"]
    if isinstance(item, SoftBreak):
        return ["b"]
    if isinstance(item, NoteRef):
        return ["R", item.number]
    if isinstance(item, HeadingRef):
        return ["H", item.label, item.number]
    if isinstance(item, CrossRef):
        return ["X", item.label, item.signal, item.noun, _where(item.where)]
    if isinstance(item, Citation):
        return ["C", [[i.key, i.signal, i.pin, i.parenthetical] for i in item.items],
                _where(item.where)]
    if isinstance(item, NoteMark):
        return ["N", [encode_inline(p) for p in item.note.parts], _where(item.note.where)]
    if isinstance(item, FactMark):
        return ["F", item.fact, item.occurrence, item.start, item.version]
    raise TypeError(f"cannot encode {item!r}")


def unplaced(data: list[Any]) -> list[Any]:
    """An encoded inline without the places it holds (what it is, not where it was
    written: for cache keys)."""
    if data[0] in ("C", "X"):
        return data[:-1]
    if data[0] == "N":
        return ["N", [unplaced(p) for p in data[1]]]
    return data


def decode_inline(data: list[Any], at: Location | None = None) -> Inline:
    """The inverse of :func:`encode_inline` (``at``: see :func:`decode_blocks`)."""
    tag = data[0]
    if tag == "S":  # positional: three times quicker than by keyword (a build makes many)
        bold, italic, underline, strike, sup, sub, smallcaps, code, argument = \
            _span_flags(data[2])
        return Span(data[1], bold, italic, underline, strike, sup, sub, smallcaps, data[3],
                    code, argument)
    if tag == "B":
        return LineBreak()
    if tag == "b":
        return SoftBreak()
    if tag == "R":
        return NoteRef(data[1])
    if tag == "H":
        return HeadingRef(data[1], data[2])
    if tag == "X":
        return CrossRef(data[1], data[2], data[3], _place(data[4], at))
    if tag == "C":
        return Citation(tuple(CiteItem(*i) for i in data[1]), _place(data[2], at))
    if tag == "N":
        return NoteMark(Note(tuple(decode_inline(p, at) for p in data[1]), _place(data[2], at)))
    if tag == "F":
        return FactMark(str(data[1]), int(data[2]), bool(data[3]),
                        str(data[4]) if len(data) > 4 else "")
    raise ValueError(f"unknown inline tag {tag!r}")


def encode_blocks(blocks: list[Block]) -> list[Any]:
    return [[b.kind, [encode_inline(i) for i in b.inlines], b.level, b.argument, b.line,
             b.label] for b in blocks]


def decode_blocks(data: list[Any], at: Location | None = None) -> list[Block]:
    """The inverse of :func:`encode_blocks`. With ``at``, the blocks were parsed alone as
    a piece of text (lines from 1, no file) and are placed where that piece starts."""
    shift = (at.line or 1) - 1 if at is not None else 0
    return [Block(kind, tuple(decode_inline(i, at) for i in inlines), level, argument,
                  line + shift if line else line, label)
            for kind, inlines, level, argument, line, label in data]
