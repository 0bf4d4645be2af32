"""Plain data that flows between the steps: text spans, citations, notes and blocks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

from drafting.errors import Location


@dataclass(frozen=True)
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
        """A copy with other marks."""
        return replace(self, **marks)


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class SoftBreak:
    """A line end in the source inside a paragraph: a space in the output."""


@dataclass(frozen=True)
class CiteItem:
    """One authority in a citation: ``see also @key, 5 ("explains")``."""

    key: str
    signal: str = ""
    pin: str = ""
    parenthetical: str = ""


@dataclass(frozen=True)
class Citation:
    """A bracketed citation: one or more authorities (a string cite)."""

    items: tuple[CiteItem, ...]
    where: Location = field(default_factory=Location, compare=False)


Inline = Union[Span, LineBreak, SoftBreak, Citation, "NoteMark"]


@dataclass(frozen=True)
class Note:
    """A footnote's content: a citation alone, or free text with citations in place."""

    parts: tuple[Inline, ...]
    where: Location = field(default_factory=Location, compare=False)

    @property
    def citations(self) -> list[Citation]:
        """The citations in this note, in order."""
        return [p for p in self.parts if isinstance(p, Citation)]


@dataclass(frozen=True)
class NoteMark:
    """The place in the text where a footnote reference goes."""

    note: Note


@dataclass(frozen=True)
class Block:
    """A paragraph-level block: ``para``, ``heading``, ``quote``, ``bullet`` or ``number``."""

    kind: str
    inlines: tuple[Inline, ...]
    level: int = 0
    argument: bool = False  # the whole block is marked {.argument}
    line: int = 0  # 1-based line in its file, 0 when unknown


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
