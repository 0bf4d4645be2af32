"""Decide footnote numbers and short forms on the final order of the document.

Bluebook rules 4.1 and 4.2, as one ordered pass over the notes (the way eyecite
resolves short forms against the last authority):

* the first citation of an authority is its full citation;
* the authority cited immediately before, when the preceding note cites only that
  one authority (or it was the previous citation in the same note), is *Id.*;
* an authority cited earlier is a short form with *supra* note N, N being the note
  of its full citation; types in ``no_supra`` (statutes, cases) repeat a short form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drafting.model import Citation, CiteItem, Inline, Note

FULL, ID, SUPRA, SHORT = "full", "id", "supra", "short"


@dataclass(frozen=True)
class ResolvedItem:
    """One authority with the form it takes here."""

    item: CiteItem
    form: str
    full_note: int  # the note holding this authority's full citation


@dataclass(frozen=True)
class ResolvedCitation:
    """A citation whose authorities have their forms decided."""

    items: tuple[ResolvedItem, ...]


@dataclass(frozen=True)
class ResolvedNote:
    """A footnote with its number and its parts, citations resolved."""

    number: int
    parts: tuple[Inline | ResolvedCitation, ...]


def resolve(
    notes: Iterable[Note],
    types: Mapping[str, str],
    first_number: int = 1,
    no_supra: Iterable[str] = ("legislation", "jurisdiction"),
) -> list[ResolvedNote]:
    """Number ``notes`` from ``first_number`` and give every cited authority its form.

    ``types`` maps each source key to its entry type, for the ``no_supra`` rule.
    """
    no_supra = set(no_supra)
    full_note: dict[str, int] = {}
    previous_note: set[str] = set()
    out: list[ResolvedNote] = []
    for number, note in enumerate(notes, start=first_number):
        previous_item: str | None = None
        parts: list[Inline | ResolvedCitation] = []
        cited: set[str] = set()
        for part in note.parts:
            if not isinstance(part, Citation):
                parts.append(part)
                continue
            items = []
            for item in part.items:
                if previous_item is None:
                    is_id = previous_note == {item.key}
                else:
                    is_id = previous_item == item.key
                if is_id:
                    form = ID
                elif item.key in full_note:
                    form = SHORT if types.get(item.key) in no_supra else SUPRA
                else:
                    form = FULL
                    full_note[item.key] = number
                items.append(ResolvedItem(item, form, full_note[item.key]))
                previous_item = item.key
                cited.add(item.key)
            parts.append(ResolvedCitation(tuple(items)))
        previous_note = cited
        out.append(ResolvedNote(number, tuple(parts)))
    return out
