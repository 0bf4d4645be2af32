"""Short forms decided on the final order: tables of citations → forms."""

from __future__ import annotations

import pytest

from drafting.model import Citation, CiteItem, Note, Span
from drafting.resolve import resolve

TYPES = {"a": "report", "b": "online", "c": "book", "usc": "legislation", "case": "jurisdiction"}


def note(*keys: str, text: str = "") -> Note:
    """A note citing ``keys`` (a string cite when several); free text when ``text``."""
    citation = Citation(tuple(CiteItem(k) for k in keys))
    return Note((Span(text), citation)) if text else Note((citation,))


def forms(notes: list[Note], first: int = 1) -> list[str]:
    """``full``, ``id``, ``supra:N`` or ``short`` for every cited item, note by note."""
    out = []
    for resolved in resolve(notes, TYPES, first_number=first):
        for part in resolved.parts:
            for item in getattr(part, "items", ()):
                out.append(f"supra:{item.full_note}" if item.form == "supra" else item.form)
    return out


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        # first citation full, the immediate repeat Id.
        ([("a",), ("a",)], ["full", "id"]),
        # seed filing notes 9-10: Id. after a one-authority note
        ([("a",), ("b",), ("b",)], ["full", "full", "id"]),
        # cited earlier, not just before: supra to the note with the full form
        ([("a",), ("b",), ("a",)], ["full", "full", "supra:1"]),
        # never Id. after a string cite of several authorities
        ([("a", "b"), ("b",)], ["full", "full", "supra:1"]),
        # Id. inside a string cite when the previous citation was the same
        ([("a", "a")], ["full", "id"]),
        ([("a",), ("a", "b"), ("b",)], ["full", "id", "full", "supra:2"]),
        # statutes and cases never take supra: a repeated short form
        ([("usc",), ("a",), ("usc",)], ["full", "full", "short"]),
        ([("case",), ("a",), ("case",)], ["full", "full", "short"]),
        ([("usc",), ("usc",)], ["full", "id"]),
        # Id. chains go on
        ([("a",), ("a",), ("a",)], ["full", "id", "id"]),
        # a note with no citation breaks the chain
        ([("a",), (), ("a",)], ["full", "supra:1"]),
    ],
)
def test_forms(sequence: list[tuple[str, ...]], expected: list[str]) -> None:
    notes = [note(*keys) if keys else Note((Span("A remark."),)) for keys in sequence]
    assert forms(notes) == expected


def test_free_text_note_counts_as_its_authorities() -> None:
    notes = [note("a", text="For examples, see "), note("a")]
    assert forms(notes) == ["full", "id"]


def test_numbers_start_after_template_notes() -> None:
    notes = [note("a"), note("b"), note("a")]
    resolved = resolve(notes, TYPES, first_number=3)
    assert [n.number for n in resolved] == [3, 4, 5]
    assert forms(notes, first=3) == ["full", "full", "supra:3"]
