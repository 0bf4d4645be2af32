"""The notes' content is kept by what decides it (drafting.build.format_notes): an edit
of a fact's words reuses it, and anything that changes a note formats them again."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from drafting import style
from drafting.build import build

sys.path.insert(0, str(Path(__file__).parent))
from test_trust_cache import EDITS, fact_a, keeping_stat, make_library, toggle  # noqa: E402


def footnotes(root: Path, use_cache: bool) -> bytes:
    out = root / "build" / ("cached.docx" if use_cache else "cold.docx")
    out.parent.mkdir(exist_ok=True)
    build(root / "briefs" / "brief.md", out, use_cache=use_cache)
    with zipfile.ZipFile(out) as docx:
        return docx.read("word/footnotes.xml")


def formatting_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the notes were formatted again")

    monkeypatch.setattr(style.Formatter, "note", refuse)


def test_an_edit_of_a_facts_words_reuses_the_notes(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    make_library(tmp_path)
    footnotes(tmp_path, True)
    keeping_stat(fact_a(tmp_path), toggle(b"forced labour", b"FORCED LABOUR"))
    keeping_stat(fact_a(tmp_path), toggle(b"---\nThe report", b"---\nA new line.\n\nThe report"))
    with monkeypatch.context() as patched:
        formatting_refused(patched)
        cached = footnotes(tmp_path, True)
    assert cached == footnotes(tmp_path, False)


@pytest.mark.parametrize("edit", ["fact citation", "bibliography", "style", "built-in style",
                                  "brief paragraphs swapped"])
def test_an_edit_that_changes_a_note_formats_them_again(tmp_path: Path, edit: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    make_library(tmp_path)
    before = footnotes(tmp_path, True)
    EDITS[edit](tmp_path)
    calls = []
    real = style.Formatter.note
    monkeypatch.setattr(style.Formatter, "note",
                        lambda self, note: calls.append(1) or real(self, note))
    cached = footnotes(tmp_path, True)
    assert calls, edit
    assert cached == footnotes(tmp_path, False) != before
