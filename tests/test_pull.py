"""``drafting pull REVIEWED.docx``: edits made in Word come back into the facts.

The reviewed documents are made by LibreOffice through its UNO API (tests/uno_edit.py):
change tracking on, sentences replaced, a footnote rewritten, a paragraph typed, a
comment added, saved as Word.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SYSTEM_PYTHON, has_uno, rewrite_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.errors import DraftingError
from drafting.wordml import FACT_BOOKMARK
from drafting.wordread import read_document

ROOT = Path(__file__).resolve().parent.parent
FACT = "snippets/kazakhstan/ilo-cas-2019-regret.md"
OLD = "The Committee was so concerned with that lack of progress"
NEW = "The Committee was so troubled by that lack of progress"


needs_uno = pytest.mark.skipif(not has_uno(), reason="LibreOffice with python3-uno")


def drafting(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drafting", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ))


def example(tmp_path: Path) -> Path:
    """A copy of the example library to edit."""
    library = tmp_path / "library"
    shutil.copytree(ROOT, library, ignore=shutil.ignore_patterns(
        ".git", "build", ".drafting-cache", "tests", "bench", "*.egg-info", "__pycache__"))
    return library


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def review(built: Path, out: Path, ops: list[dict], author: str = "Reviewer One") -> Path:
    edits = out.with_suffix(".json")
    edits.write_text(json.dumps(ops), encoding="utf-8")
    run = subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "uno_edit.py"), str(built),
                          str(out), "--ops", str(edits), author],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    return out


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    library = example(tmp_path)
    out = tmp_path / "kazakhstan-2020.docx"
    result = drafting("build", "briefs/kazakhstan-2020.md", "-o", out, cwd=library)
    assert result.returncode == 0, result.stderr
    return library, out


def test_each_use_of_a_fact_is_marked_invisibly(built: tuple[Path, Path]) -> None:
    """One hidden bookmark per paragraph of each fact used (16 facts; the CESCR fact's
    lead-in and its four quoted paragraphs make five)."""
    _, out = built
    document = read_document(out)
    names = [n for p in document.paragraphs for n in p.bookmarks if FACT_BOOKMARK.match(n)]
    assert all(n.startswith("_") for n in names)  # hidden in Word
    uses = {FACT_BOOKMARK.match(n)[1] for n in names}
    assert len(uses) == 16
    parts = [FACT_BOOKMARK.match(n) for n in names]
    assert max(int(m[3]) for m in parts) == 5


def test_an_unedited_build_pulls_nothing(built: tuple[Path, Path]) -> None:
    library, out = built
    before = snapshot(library)
    result = drafting("pull", out, cwd=library)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no text to change"
    assert drafting("pull", out, "--write", cwd=library).returncode == 0
    assert snapshot(library) == before


@needs_uno
def test_a_reviewers_edits_come_back(built: tuple[Path, Path], tmp_path: Path) -> None:
    library, out = built
    reviewed = review(out, tmp_path / "reviewed.docx", [
        {"op": "replace", "old": OLD, "new": NEW, "comment": "Is troubled right?"},
        {"op": "replace", "old": "the GOK regularly detains human rights defenders",
         "new": "the GOK often detains human rights defenders"},
        {"op": "replace", "old": "This brief incorporates by reference all prior petitions",
         "new": "This brief incorporates by reference every prior petition",
         "comment": "Check the plural."},
        {"op": "note", "old": "Kazakh Oil-Industry Workers On Strike For Pay Raise",
         "new": "Kazakh Oil Workers Strike"},
        {"op": "insert", "after": "The AFL-CIO and its partners are not aware of strikes",
         "text": "A new paragraph typed by a reviewer."},
    ])
    before = snapshot(library)
    dry = drafting("pull", reviewed, cwd=library)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert f"--- a/{FACT}" in lines
    assert any(line.startswith("-") and OLD in line for line in lines)
    assert any(line.startswith("+") and NEW in line for line in lines)
    assert "--- a/briefs/kazakhstan-2020.md" in lines
    # comments where their words are in the library, with their authors
    assert f"{FACT}:6: Is troubled right? (Reviewer One)" in lines
    assert "briefs/kazakhstan-2020.md:22: Check the plural. (Reviewer One)" in lines
    # a rewritten footnote is for a person; a new paragraph is reported where it is
    assert any(line.startswith("snippets/kazakhstan/strikes-resolved-extractives.md:6: a "
                               "footnote was rewritten in Word") for line in lines)
    assert any("new text in no fact: “A new paragraph typed by a reviewer.”" in line
               for line in lines)
    assert any(line.startswith("warning:") and "briefs/post-hearing-2020.md" in line
               for line in lines)
    assert "dry run: 3 files would change" in dry.stdout
    assert snapshot(library) == before

    only = drafting("pull", reviewed, "--only", "ilo-cas-2019-regret", "--write", cwd=library)
    assert only.returncode == 0, only.stderr
    changed = {k for k, v in snapshot(library).items() if before[k] != v}
    assert changed == {FACT}
    assert NEW in (library / FACT).read_text(encoding="utf-8")

    everything = drafting("pull", reviewed, "--write", cwd=library)
    assert everything.returncode == 0, everything.stderr
    changed = {k for k, v in snapshot(library).items() if before[k] != v}
    assert changed == {FACT, "briefs/kazakhstan-2020.md",
                       "snippets/kazakhstan/kz-repression-of-dissent.md"}
    again = drafting("pull", reviewed, cwd=library)
    assert "would change" not in again.stdout  # pulled once, nothing left to pull

    # the rebuild reads as the reviewed document with its changes accepted
    rebuilt = tmp_path / "rebuilt.docx"
    assert drafting("build", "briefs/kazakhstan-2020.md", "-o", rebuilt,
                    cwd=library).returncode == 0
    new, old = read_document(rebuilt), read_document(reviewed)
    texts = {p.text() for p in new.paragraphs}
    for paragraph in old.paragraphs:
        if paragraph.changed and "typed by a reviewer" not in paragraph.text():
            assert paragraph.text(accepted=True) in texts
    # the citations were kept: the footnotes are those of the first build
    first = read_document(out)
    assert [new.note_text(n) for n in new.note_order()] == \
        [first.note_text(n) for n in first.note_order()]


def rewritten_document(source: Path, target: Path, change) -> Path:
    """``source`` with ``change(root)`` applied to its document.xml tree."""
    from lxml import etree

    def rewrite(parts: dict) -> None:
        root = etree.fromstring(parts["word/document.xml"])
        change(root)
        parts["word/document.xml"] = etree.tostring(root)

    return rewrite_docx(source, target, rewrite)


def without_bookmarks(source: Path, target: Path, digest: str) -> Path:
    """The document with one fact's markers taken out (as when its words are retyped)."""
    from drafting.wordml import w

    def change(root) -> None:
        ids = set()
        for start in list(root.iter(w("bookmarkStart"))):
            if start.get(w("name"), "").startswith(f"_df_{digest}_"):
                ids.add(start.get(w("id")))
                start.getparent().remove(start)
        for end in list(root.iter(w("bookmarkEnd"))):
            if end.get(w("id")) in ids:
                end.getparent().remove(end)

    return rewritten_document(source, target, change)


def test_a_fact_whose_marker_is_gone_is_reported(built: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    from drafting.wordml import fact_digest

    library, out = built
    edited = without_bookmarks(out, tmp_path / "edited.docx", fact_digest("ilo-cas-2019-regret"))
    result = drafting("pull", edited, cwd=library)
    assert result.returncode == 0, result.stderr
    assert "briefs/kazakhstan-2020.md:29: the text of fact 'ilo-cas-2019-regret' is gone " \
        "from edited.docx" in result.stdout


def test_documents_drafting_did_not_build_are_refused(tmp_path: Path) -> None:
    library = example(tmp_path)
    before = snapshot(library)
    other = drafting("pull", ROOT / "tests" / "data" / "pandoc-filing.docx", "--write",
                     cwd=library)
    assert other.returncode == 1
    assert "has no fact markers" in other.stderr and "Traceback" not in other.stderr
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"not a zip")
    bad = drafting("pull", junk, cwd=library)
    assert bad.returncode == 1 and "is not a Word .docx file" in bad.stderr
    unknown = drafting("pull", ROOT / "tests" / "data" / "pandoc-filing.docx", "--only",
                       "no-such-fact", cwd=library)
    assert unknown.returncode == 1
    assert snapshot(library) == before


WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                              blacklist_characters="\n\r\t\u00a0\u2028\u2e32\u2e35"),
                min_size=1, max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=1, max_size=3), st.booleans())
def test_pulling_an_unedited_build_changes_nothing(make_library, tmp_path: Path,
                                                   sentences: list[str], quoted: bool) -> None:
    """Invariant: whatever a fact says (Markdown syntax in it, escapes, quotes, a block
    quote), pulling the document built from it proposes no change."""
    from drafting.build import build
    from drafting.mdwrite import escape, escape_block
    from drafting.pull import plan_pull

    root = make_library.root
    if not (root / "snippets").exists():
        make_library.__init__(root)
    # a paragraph, as pull writes one back (escape_block: "# x" would be a heading,
    # which gets no fact markers: test_a_fact_that_is_a_heading_is_not_pulled)
    body = escape_block(" ".join(escape(s) for s in sentences) + " [@grishin-2019, 5]")
    text = f"Lead-in:\n\n> {body}" if quoted else body
    for old in (root / "snippets").glob("*.md"):
        old.unlink()
    make_library.fact("x", text)
    brief = make_library.brief('{{ fact("x") }}')
    out = tmp_path / "out.docx"
    build(brief, out)
    plan = plan_pull(root, out)
    assert plan.edits == {} and plan.to_resolve == [], plan.to_resolve


def test_a_fact_that_is_a_heading_is_not_pulled(make_library, tmp_path: Path) -> None:
    """A known limit (hypothesis found it): a fact whose text is a heading gets no
    fact markers (marks there would change its Markdown), so pull says plainly that it
    finds no fact in the document instead of guessing."""
    from drafting.build import build
    from drafting.pull import plan_pull

    make_library.fact("x", "# [@grishin-2019, 5]")
    out = tmp_path / "out.docx"
    build(make_library.brief('{{ fact("x") }}'), out)
    with pytest.raises(DraftingError, match="the document has no fact markers"):
        plan_pull(make_library.root, out)


def edited_text(source: Path, target: Path, old: str, new: str) -> Path:
    """The document with ``old`` replaced by ``new`` in one run, without tracking (as a
    colleague who forgot to turn it on)."""
    from drafting.wordml import w

    def change(root) -> None:
        hits = [t for t in root.iter(w("t")) if t.text and old in t.text]
        assert len(hits) == 1
        hits[0].text = hits[0].text.replace(old, new)

    return rewritten_document(source, target, change)


def test_untracked_edits_with_markdown_characters_come_back(built: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    """An edit made without tracking is found too (the fact's Markdown is compared with
    the document); text that looks like Markdown is escaped, so the rebuild prints it."""
    library, out = built
    typed = "so concerned (*really*, [sic] {{ 50% }} $5) with"
    edited = edited_text(out, tmp_path / "edited.docx", "so concerned with", typed)
    assert drafting("pull", edited, "--write", cwd=library).returncode == 0
    text = (library / FACT).read_text(encoding="utf-8")
    assert r"(\*really\*, \[sic\] \{\{ 50% \}\} \$5)" in text
    assert "[@ilo-cas-2019, 198]" in text  # the citation kept as written
    rebuilt = tmp_path / "rebuilt.docx"
    assert drafting("build", "briefs/kazakhstan-2020.md", "-o", rebuilt,
                    cwd=library).returncode == 0
    assert any(typed in p.text() for p in read_document(rebuilt).paragraphs)


def with_new_paragraph(source: Path, target: Path, after: str, text: str) -> Path:
    """The document with a paragraph typed after the one starting ``after``, without
    tracking."""
    from lxml import etree

    from drafting.wordml import w

    def change(root) -> None:
        anchor = next(p for p in root.iter(w("p"))
                      if "".join(t.text or "" for t in p.iter(w("t"))).startswith(after))
        paragraph = etree.Element(w("p"))
        etree.SubElement(etree.SubElement(paragraph, w("r")), w("t")).text = text
        anchor.addnext(paragraph)

    return rewritten_document(source, target, change)


def test_text_typed_without_tracking_is_reported(built: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    """A paragraph typed in Word with tracking off belongs to no fact and is not in the
    brief: pull says where it is; and pulling does not count as the brief's last build
    (``build --changes`` still compares with the real one)."""
    library, out = built
    record = next((library / ".drafting-cache" / "builds").glob("*kazakhstan-2020*"))
    kept = record.read_bytes()
    edited = with_new_paragraph(out, tmp_path / "typed.docx", "The ILO is far from",
                                "A sentence typed with tracking off.")
    result = drafting("pull", edited, cwd=library)
    assert result.returncode == 0, result.stderr
    assert "text the brief does not print: “A sentence typed with tracking off.”" \
        in result.stdout
    assert "after “The ILO is far from the only internation" in result.stdout
    assert record.read_bytes() == kept


@needs_uno
def test_what_pull_must_not_write(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Three edits a pull must not apply on its own: one to a fact that changed in the
    library since the build (it would undo that change), one that runs across the edge
    of a fact's words; and a brief paragraph's citation is kept when its words change."""
    library, out = built
    reviewed = review(out, tmp_path / "reviewed.docx", [
        {"op": "replace", "old": OLD, "new": NEW},
        {"op": "replace", "old": "norms. However, in practice", "new": "norms. Yet in practice"},
        {"op": "replace", "old": "must promptly enact", "new": "must immediately enact"},
    ])
    fact = library / FACT  # changed in the library after the build
    fact.write_text(fact.read_text(encoding="utf-8").replace("annual report", "yearly report"),
                    encoding="utf-8")
    detained = library / "snippets/kazakhstan/zhanaozen-2019-detentions.md"
    detained.write_text(detained.read_text(encoding="utf-8").replace(
        "20 workers were detained", "twenty workers were detained"), encoding="utf-8")
    before = snapshot(library)
    result = drafting("pull", reviewed, "--write", cwd=library)
    assert result.returncode == 0, result.stderr
    assert f"{FACT}:1: the fact changed in the library since reviewed.docx was built" \
        in result.stdout
    assert "kz-repression-of-dissent.md:6: a change in Word runs across the edge" in result.stdout
    changed = {k for k, v in snapshot(library).items() if before[k] != v}
    assert changed == {"briefs/kazakhstan-2020.md"}  # only the brief's own paragraph
    brief = (library / "briefs" / "kazakhstan-2020.md").read_text(encoding="utf-8")
    assert "must immediately enact labor law reform consistent with the recommendations in " \
        "the 2017 ILO report, [@ilo-cas-followup-2017] including" in brief
    assert "yearly report" in fact.read_text(encoding="utf-8")
    assert "twenty workers" in detained.read_text(encoding="utf-8")


def test_citation_like_words_typed_in_word_build_again(built: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    library, out = built
    typed = "so concerned ([see @fake] {{ x }}) with"
    edited = edited_text(out, tmp_path / "edited.docx", "so concerned with", typed)
    assert drafting("pull", edited, "--write", cwd=library).returncode == 0
    rebuilt = tmp_path / "rebuilt.docx"
    result = drafting("build", "briefs/kazakhstan-2020.md", "-o", rebuilt, cwd=library)
    assert result.returncode == 0, result.stderr
    assert any(typed in p.text() for p in read_document(rebuilt).paragraphs)


def test_formatting_changes_and_joined_paragraphs(built: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    """Italics added with tracking on (no word changed) come back as *…*; a paragraph
    joined to the next with tracking on is listed for a person, not dropped."""
    from lxml import etree

    from drafting.wordml import w

    library, out = built

    def italics(root) -> None:
        run = next(r for r in root.iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t")))
                   .startswith("At the International Labor Organization"))
        props = run.find(w("rPr"))
        if props is None:
            props = etree.Element(w("rPr"))
            run.insert(0, props)
        etree.SubElement(props, w("i"))
        change = etree.SubElement(props, w("rPrChange"))
        change.set(w("id"), "901")
        change.set(w("author"), "Reviewer")
        etree.SubElement(change, w("rPr"))

    def join(root) -> None:
        paragraph = next(p for p in root.iter(w("p")) if "".join(
            t.text or "" for t in p.iter(w("t"))).startswith("The United Nations Committee"))
        props = paragraph.find(w("pPr"))
        marks = props.find(w("rPr"))
        if marks is None:
            marks = etree.SubElement(props, w("rPr"))
        deleted = etree.SubElement(marks, w("del"))
        deleted.set(w("id"), "902")
        deleted.set(w("author"), "Reviewer")

    styled = rewritten_document(out, tmp_path / "styled.docx", italics)
    result = drafting("pull", styled, cwd=library)
    assert any(line.startswith("+*At the International Labor Organization")
               for line in result.stdout.splitlines()), result.stdout
    joined = rewritten_document(out, tmp_path / "joined.docx", join)
    result = drafting("pull", joined, cwd=library)
    assert "cescr-2019-concluding-observations.md:6: this paragraph was joined to the next " \
        "one in Word" in result.stdout
