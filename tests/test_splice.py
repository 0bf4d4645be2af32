"""The body's XML spliced in as text when the parts are written (drafting.word.fill)
writes the same bytes as parsing it into the tree, whatever the facts hold; and the
cases that need the tree (a table of authorities, the template's own notes) use it."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import word
from drafting.build import build
from drafting.errors import DraftingError

sys.path.insert(0, str(Path(__file__).parent))
from test_trust_cache import make_library  # noqa: E402

LINES = ["Plain words [@grishin-2019, 3].", "A & B < C > D \"quoted\" 'single'",
         "*emphasis* and **strong** and `code <x>`", "^[A note with [@arch, 2] & more.]",
         "[a link](https://example.org/?a=1&b=2)", "Arabic مرحبا بالعالم [@arch]",
         "- an item [@grishin-2019]", "1. numbered", "> quoted [@arch, 4]", "",
         "# A heading {#sec:one}", "See [Part @sec:one]. [@grishin-2019, 5]",
         "line with a hard break\\", "H<sub>2</sub>O and 16<sup>th</sup>", "[@arch, 3-4]",
         "Id. twice [@arch, 3]. [@arch, 3]", "tab\there", "ends."]
PARTS = ("word/document.xml", "word/footnotes.xml", "word/_rels/document.xml.rels",
         "word/_rels/footnotes.xml.rels")


def parts(root: Path, name: str) -> dict[str, bytes] | str:
    out = root / "build" / f"{name}.docx"
    out.parent.mkdir(exist_ok=True)
    try:
        build(root / "briefs" / "brief.md", out, use_cache=False, remember=False)
    except DraftingError as err:
        return str(err)
    with zipfile.ZipFile(out) as docx:
        return {part: docx.read(part) for part in PARTS if part in docx.namelist()}


def both_ways(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    calls = []
    real = word.spliceable
    monkeypatch.setattr(word, "spliceable", lambda *a: calls.append(real(*a)) or calls[-1])
    spliced = parts(root, "spliced")
    monkeypatch.setattr(word, "spliceable", lambda *a: False)
    return spliced, parts(root, "tree"), calls


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=10))
def test_spliced_text_writes_what_the_tree_writes(tmp_path_factory, monkeypatch,
                                                  lines: list[str]) -> None:
    root = tmp_path_factory.mktemp("lib")
    make_library(root)
    (root / "snippets" / "a.md").write_text("---\ntitle: A\n---\n" + "\n".join(lines),
                                            encoding="utf-8")
    with monkeypatch.context() as patched:
        spliced, tree, calls = both_ways(root, patched)
    assert spliced == tree
    assert isinstance(spliced, str) or calls == [True]  # the text was spliced in


def test_a_table_of_authorities_or_a_templates_own_note_uses_the_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_library(tmp_path)
    brief = tmp_path / "briefs" / "brief.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        "title: Test Review", "title: Test Review\ntable_of_authorities: true"),
        encoding="utf-8")
    with monkeypatch.context() as patched:
        spliced, tree, calls = both_ways(tmp_path, patched)
    assert spliced == tree and calls == [False]


def test_a_character_reference_xml_cannot_hold_is_dropped(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``&#12;`` in a fact's Markdown decodes to a form feed, which XML cannot hold: the
    document is still sound (it used to be written unreadable), both ways alike."""
    import docx

    make_library(tmp_path)
    (tmp_path / "snippets" / "a.md").write_text(
        "---\ntitle: A\n---\nCtrl [&#12;] vt [&#11;] nul [&#0;] end. [@grishin-2019, 3]\n",
        encoding="utf-8")
    with monkeypatch.context() as patched:
        spliced, tree, calls = both_ways(tmp_path, patched)
    assert spliced == tree and calls == [True]
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "build" / "spliced.docx"))
                     .paragraphs)
    line = next(t for t in text.splitlines() if t.startswith("Ctrl ["))
    assert line.endswith("] end.") and not any(ch in line for ch in "\x0b\x0c\x00")
