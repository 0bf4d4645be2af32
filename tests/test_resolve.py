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


def pinned(*items: tuple[str, str]) -> Note:
    """A note citing ``(key, pin)`` pairs."""
    return Note((Citation(tuple(CiteItem(k, pin=p) for k, p in items)),))


def forms_and_pins(notes: list[Note]) -> list[str]:
    """``form`` or ``form@pin`` for every cited item (the pinpoint that will print)."""
    out = []
    for resolved in resolve(notes, TYPES):
        for part in resolved.parts:
            for item in getattr(part, "items", ()):
                out.append(f"{item.form}@{item.pin}" if item.pin else item.form)
    return out


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        # R. 4.1: the same pinpoint as the citation just before is "Id." alone
        ([[("a", "24")], [("a", "24")]], ["full@24", "id"]),
        # a different pinpoint is "Id. at 27"
        ([[("a", "24")], [("a", "27")]], ["full@24", "id@27"]),
        # the same, decided on the normalised pinpoint (spaces, dashes, NBSP)
        ([[("a", "¶ 32")], [("a", "¶32")]], ["full@¶ 32", "id"]),
        ([[("a", "66-67")], [("a", "66–67")]], ["full@66-67", "id"]),
        ([[("a", "§ 2462(d)")], [("a", "§\u00a02462(d)")]], ["full@§ 2462(d)", "id"]),
        # a chain of the same pinpoint stays "Id."; a new one shows; then "Id." again
        ([[("a", "5")], [("a", "5")], [("a", "5")], [("a", "6")], [("a", "6")]],
         ["full@5", "id", "id", "id@6", "id"]),
        # a case cited at 207 twice
        ([[("case", "207")], [("case", "207")]], ["full@207", "id"]),
        # a pinpoint after a citation of the whole work: "Id. at 5"
        ([[("a", "")], [("a", "5")]], ["full", "id@5"]),
        # the whole work again after the whole work: "Id."
        ([[("a", "")], [("a", "")]], ["full", "id"]),
        # the whole work after a pinpoint of it: not "Id." alone (it would mean the
        # same page), but the short form that names the work
        ([[("a", "24")], [("a", "")]], ["full@24", "supra"]),
        ([[("usc", "§ 2462")], [("usc", "")]], ["full@§ 2462", "short"]),
        # ... after which "Id." refers to the whole work again
        ([[("a", "24")], [("a", "")], [("a", "")]], ["full@24", "supra", "id"]),
        # inside one note: the previous citation of the same authority
        ([[("a", "3"), ("a", "3")]], ["full@3", "id"]),
        ([[("a", "3"), ("a", "4")]], ["full@3", "id@4"]),
        # a pinpoint is compared only with the citation just before, not older ones
        ([[("a", "5")], [("b", "")], [("a", "5")], [("a", "5")]],
         ["full@5", "full", "supra@5", "id"]),
    ],
)
def test_id_pinpoints(sequence: list[list[tuple[str, str]]], expected: list[str]) -> None:
    assert forms_and_pins([pinned(*items) for items in sequence]) == expected
