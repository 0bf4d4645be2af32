"""Decide footnote numbers and short forms on the final order of the document.

Bluebook rules 4.1 and 4.2, as one ordered pass over the notes (the way eyecite
resolves short forms against the last authority):

* the first citation of an authority is its full citation;
* the authority cited immediately before, when the preceding note cites only that
  one authority (or it was the previous citation in the same note), is *Id.*: alone
  when the pinpoint is the one the reader already has (R. 4.1: "Id." means the same
  page), "Id. at 7" when it differs;
* a citation of the whole work (no pinpoint) right after a pinpoint citation of it is
  not *Id.*: "Id." alone would send the reader to the same page again, so it takes the
  short form (*supra* note N, or the type's short form), which names the work as a
  whole;
* an authority cited earlier is a short form with *supra* note N, N being the note
  of its full citation; types in ``no_supra`` (statutes, cases) repeat a short form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from drafting.errors import DraftingError, raise_all
from drafting.model import (
    Block,
    Citation,
    CiteItem,
    CrossRef,
    HeadingRef,
    Inline,
    Note,
    NoteMark,
    Span,
    plain_text,
)
from drafting.patterns import pattern
from drafting.values import dataclass

FULL, ID, SUPRA, SHORT = "full", "id", "supra", "short"


@dataclass(unsafe_hash=True)
class ResolvedItem:
    """One authority with the form it takes here."""

    item: CiteItem
    form: str
    full_note: int  # the note holding this authority's full citation
    pin: str = ""  # the pinpoint to print: empty for an Id. to the same pinpoint


@dataclass(unsafe_hash=True)
class ResolvedCitation:
    """A citation whose authorities have their forms decided."""

    items: tuple[ResolvedItem, ...]


@dataclass(unsafe_hash=True)
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
    last_pin: dict[str, str] = {}  # each authority's pinpoint when last cited
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
                previous_pin = last_pin.get(item.key, "")
                if is_id and previous_pin and not item.pin:
                    is_id = False  # the whole work after a page of it: not "Id." alone
                pin = item.pin
                if is_id:
                    form = ID
                    if same_pin(pin, previous_pin):
                        pin = ""
                elif item.key in full_note:
                    form = SHORT if types.get(item.key) in no_supra else SUPRA
                else:
                    form = FULL
                    full_note[item.key] = number
                items.append(ResolvedItem(item, form, full_note[item.key], pin))
                previous_item = item.key
                last_pin[item.key] = item.pin
                cited.add(item.key)
            parts.append(ResolvedCitation(tuple(items)))
        previous_note = cited
        out.append(ResolvedNote(number, tuple(parts)))
    return out


DASHES = pattern(r"[\u2010-\u2015\u2212]")


def normal_pin(pin: str) -> str:
    """A pinpoint reduced to what it says: ``¶ 27–28``, ``¶27-28`` and ``¶ 27--28`` are
    the same; ``§ 158(a)`` and ``§ 158(A)`` are not."""
    import unicodedata

    text = DASHES.sub("-", unicodedata.normalize("NFKC", pin))
    text = re.sub(r"-+", "-", text)  # "5--6" is "5–6"
    return re.sub(r"\s+", "", text)  # case counts: § 158(a) is not § 158(A)


def same_pin(pin: str, previous: str) -> bool:
    """Whether ``pin`` is the pinpoint the preceding citation already gave."""
    return normal_pin(pin) == normal_pin(previous)


# ---------------------------------------------------------------- cross-references

ENUMERATOR = pattern(r"^\s*((?:[IVXLCDM]+|[A-Z]|\d+(?:\.\d+)*))[.)]?\s")


def heading_number(block: Block) -> str:
    """``II`` of "II. The legal framework"; the whole heading when it has no number."""
    text = plain_text(block.inlines)
    match = ENUMERATOR.match(text)
    return match[1] if match else text.strip()


def resolve_cross_references(blocks: list[Block], before: str = "supra",
                             after: str = "infra") -> list[Block]:
    """Turn ``[see Part @sec:x]`` into "see *supra* Part II" (or *infra*), the number a
    live reference to the heading labelled ``sec:x``."""
    targets = {b.label: (index, heading_number(b)) for index, b in enumerate(blocks)
               if b.kind == "heading" and b.label}
    errors: list[DraftingError] = []

    def replace(parts: tuple[Inline, ...], here: int) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for part in parts:
            if isinstance(part, NoteMark):
                note = part.note
                out.append(NoteMark(Note(replace(note.parts, here), note.where)))
            elif isinstance(part, CrossRef):
                if part.label not in targets:
                    known = ", ".join(sorted(targets)) or "none; label one with {#sec:name}"
                    errors.append(DraftingError(f"no heading is labelled '{part.label}' "
                                                f"(labels: {known})", part.where))
                    continue
                index, number = targets[part.label]
                words = [part.signal] if part.signal else []
                out.append(Span(" ".join(words) + " " if words else ""))
                out.append(Span(before if index < here else after, italic=True))
                out.append(Span(f" {part.noun} " if part.noun else " "))
                out.append(HeadingRef(part.label, number))
            else:
                out.append(part)
        return tuple(p for p in out if not (isinstance(p, Span) and not p.text))

    resolved = [block.holding(replace(block.inlines, index))
                for index, block in enumerate(blocks)]
    raise_all(errors)
    return resolved
