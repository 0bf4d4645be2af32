"""Index what a brief cites: a table of authorities, and a list of sources.

Both are plain data here (the Word writer turns the table into TA/TOA fields). The
categories and their order come from the style (``authorities:``); an entry's
``toa_category`` field overrides the category of its type.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from drafting.model import Inline, Source, plain_text
from drafting.resolve import ResolvedCitation, ResolvedNote
from drafting.style import Formatter, Style
from drafting.values import dataclass

DEFAULT_CATEGORIES = [["Cases", 1], ["Statutes", 2], ["International materials", 8],
                      ["Reports and other authorities", 3]]
DEFAULT_TYPES = {"jurisdiction": "Cases", "legislation": "Statutes"}


@dataclass
class Authority:
    """One authority in the table: its citation, category, and the notes citing it."""

    key: str
    entry: list[Inline]
    plain: str
    notes: list[int] = field(default_factory=list)


@dataclass
class Category:
    """A heading of the table, Word's category number for it, and its authorities."""

    name: str
    number: int
    authorities: list[Authority] = field(default_factory=list)


@dataclass
class Table:
    """The table of authorities of a brief."""

    title: str
    categories: list[Category]
    by_note: dict[int, list[Authority]]  # the authorities each footnote cites
    category_of: dict[str, int]  # source key -> Word category number


def settings(style: Style) -> dict[str, Any]:
    return dict(style.data.get("authorities") or {})


def category_name(source: Source, style: Style) -> str:
    """The table category of a source: its ``toa_category``, else its type's."""
    config = settings(style)
    types = {**DEFAULT_TYPES, **(config.get("types") or {})}
    return source.fields.get("toa_category") or types.get(
        source.type, config.get("default", "Reports and other authorities"))


def plain(parts: list[Inline]) -> str:
    return plain_text(parts)


def cited_keys(notes: list[ResolvedNote]) -> dict[str, list[int]]:
    """Each cited source key with the numbers of the notes citing it, in order."""
    found: dict[str, list[int]] = {}
    for note in notes:
        for part in note.parts:
            if isinstance(part, ResolvedCitation):
                for item in part.items:
                    numbers = found.setdefault(item.item.key, [])
                    if note.number not in numbers:
                        numbers.append(note.number)
    return found


def table_of_authorities(notes: list[ResolvedNote], formatter: Formatter,
                         title: str | None = None) -> Table:
    """Every authority the notes cite, by category, alphabetically, with its notes."""
    style, sources = formatter.style, formatter.sources
    config = settings(style)
    order = config.get("categories") or DEFAULT_CATEGORIES
    categories = {name: Category(name, int(number)) for name, number in order}
    table = Table(title or config.get("title", "Table of Authorities"), [], {}, {})
    for key, numbers in cited_keys(notes).items():
        name = category_name(sources[key], style)
        category = categories.setdefault(name, Category(name, 3))
        entry = formatter.reference(key, closed=False)
        authority = Authority(key, entry, plain(entry), numbers)
        category.authorities.append(authority)
        table.category_of[key] = category.number
        for number in numbers:
            table.by_note.setdefault(number, []).append(authority)
    for category in categories.values():
        category.authorities.sort(key=lambda a: a.plain.lower().lstrip("“\"'*"))
    table.categories = [c for c in categories.values() if c.authorities]
    return table


def list_of_sources(notes: list[ResolvedNote], formatter: Formatter) -> list[list[Inline]]:
    """The full citation of every source the notes cite, alphabetically."""
    entries = [formatter.reference(key) for key in cited_keys(notes)]
    return sorted(entries, key=lambda e: plain(e).lower().lstrip("“\"'"))


def pages(numbers: list[int], passim: int = 6) -> str:
    """Where an authority is cited, before Word computes pages: ``n. 3``, ``nn. 1, 4``."""
    if len(numbers) >= passim:
        return "passim"
    label = "n." if len(numbers) == 1 else "nn."
    return f"{label} {', '.join(str(n) for n in numbers)}"
