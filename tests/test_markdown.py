"""Inline Markdown and blocks carry through to Word formatting."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from drafting.build import build
from drafting.errors import Location
from drafting.markdown import parse_blocks
from drafting.model import LineBreak, NoteMark, Span
from drafting.word import W_NS

W = f"{{{W_NS}}}"


def test_blocks_and_marks() -> None:
    blocks = parse_blocks(
        "# Head\n\nSome *em* and **strong** and 16<sup>th</sup>  \nnext [link](https://x.org).\n\n"
        "> quoted [@a]\n\n- one\n- two\n\n1. first\n",
        Location(Path("f.md"), 5),
    )
    assert [(b.kind, b.level) for b in blocks] == [
        ("heading", 1), ("para", 0), ("quote", 0), ("bullet", 1), ("bullet", 1), ("number", 1)]
    para = blocks[1].inlines
    assert Span("em", italic=True) in para and Span("strong", bold=True) in para
    assert Span("th", sup=True) in para and any(isinstance(i, LineBreak) for i in para)
    assert Span("link", link="https://x.org") in para
    mark = blocks[2].inlines[-1]
    assert isinstance(mark, NoteMark) and mark.note.where.line == 10


def test_smart_quotes_in_text_and_notes() -> None:
    blocks = parse_blocks('He said "no" ^[She said "yes".]', Location(None, 1))
    spans = [i for i in blocks[0].inlines if isinstance(i, Span)]
    note = blocks[0].inlines[-1].note
    assert spans[0].text == "He said “no”"
    assert note.parts[0].text == "She said “yes”."


def test_legal_text_is_not_typographed() -> None:
    text = "Under § 2462(c)(7) -- and (c) (r) (tm) -- see [1] and a@b.org."
    blocks = parse_blocks(text, Location(None, 1))
    assert "".join(i.text for i in blocks[0].inlines) == text


@pytest.fixture
def built(make_library, tmp_path: Path) -> docx.document.Document:
    make_library.fact("x", """
        A *fact* with a [link](https://example.org/a_b) and **bold** text.

        > A quoted passage. [@grishin-2019]

        - first point
        - second point
        """)
    out = tmp_path / "m.docx"
    build(make_library.brief('# Heading\n\n{{ fact("x") }}\n\n## Sub'), out)
    return docx.Document(str(out))


def test_word_styles_for_blocks(built) -> None:
    styles = [(p.style.name, p.text) for p in built.paragraphs
              if p.text in ("Heading", "Sub", "first point", "second point")
              or p.text.startswith("A quoted")]
    assert styles == [("Heading 1", "Heading"), ("Block Quote", "A quoted passage."),
                      ("List Bullet", "first point"), ("List Bullet", "second point"),
                      ("Heading 2", "Sub")]


def test_word_runs_and_links(built) -> None:
    para = next(p for p in built.paragraphs if p.text.startswith("A fact"))
    runs = {r.text: r for r in para.runs}
    assert runs["fact"].italic and runs["bold"].bold
    links = para._p.findall(f"{W}hyperlink")
    assert len(links) == 1
    rid = links[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert built.part.rels[rid].target_ref == "https://example.org/a_b"
