"""Live supra numbers, the table of authorities and the list of sources, read back."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from drafting.build import build
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(path: Path) -> tuple[str, str]:
    with zipfile.ZipFile(path) as archive:
        return (archive.read("word/document.xml").decode(),
                archive.read("word/footnotes.xml").decode())


def test_supra_number_is_a_noteref_field_to_the_full_citation(make_library, tmp_path) -> None:
    make_library.fact("x", "One [@grishin-2019, 3]. Two [@ilo-cas-2019]. Three [@grishin-2019, 4].")
    out = tmp_path / "s.docx"
    build(make_library.brief('{{ fact("x") }}'), out)
    notes = [n.text for n in read_footnotes(out)[1]]
    assert notes[2] == "Grishin, supra note 1, at 4."
    document, footnotes = parts(out)
    assert re.search(r"<w:instrText[^>]*> NOTEREF _RefNote1 \\h </w:instrText>", footnotes)
    # the bookmark encloses the mark of note 1 in the text, where Word looks for it
    body = docx.Document(str(out)).element.body
    start = next(b for b in body.iter(f"{W}bookmarkStart")
                 if not b.get(f"{W}name").startswith("_df_"))  # not a fact's marker
    assert start.get(f"{W}name") == "_RefNote1"
    run = start.getnext()
    assert run.find(f"{W}footnoteReference").get(f"{W}id") == "1"
    assert run.getnext().tag == f"{W}bookmarkEnd"
    assert run.getnext().get(f"{W}id") == start.get(f"{W}id")
    assert document.count("_RefNote") == 1


@pytest.fixture(scope="module")
def post_hearing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("toa") / "post-hearing.docx"
    build(ROOT / "briefs" / "post-hearing-2020.md", out)
    return out


def test_table_of_authorities_by_category(post_hearing: Path) -> None:
    texts = [p.text for p in docx.Document(str(post_hearing)).paragraphs]
    start = texts.index("Table of Authorities")
    assert [t for t in texts[start:start + 12] if t in (
        "Cases", "Statutes", "International materials", "Reports and other authorities")] == [
        "Statutes", "International materials", "Reports and other authorities"]
    assert "19 U.S.C. (2018).\tnn. 1, 2, 8" in texts or "19 U.S.C. (2018)\tnn. 1, 2, 8" in texts
    international = texts[texts.index("International materials") + 1:
                          texts.index("Reports and other authorities")]
    assert international == sorted(international, key=str.lower)
    assert international[0].startswith("Freedom of Association and Protection")
    assert texts.index("Table of Authorities") < texts.index("I. The legal standard")
    assert not any("DRAFTING-" in t for t in texts)


def test_toa_and_ta_fields(post_hearing: Path) -> None:
    document, footnotes = parts(post_hearing)
    for number in (2, 8, 3):
        assert f'TOA \\c "{number}" \\p' in document
    ta = re.findall(r'TA \\l "([^"]+)" \\s "([^"]+)" \\c (\d+)', footnotes)
    assert ("19 U.S.C. (2018)", "usc-19-2462", "2") in ta
    assert sum(key == "usc-19-2462" for _, key, _ in ta) == 3  # notes 1, 2 and 8
    assert ("ilo-c087", "8") in {(k, c) for _, k, c in ta}


def test_list_of_sources_is_an_appendix(post_hearing: Path) -> None:
    paragraphs = docx.Document(str(post_hearing)).paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index("List of Sources")
    assert start > texts.index("Respectfully submitted,")
    assert paragraphs[start]._p.find(f"{W}pPr/{W}pageBreakBefore") is not None
    entries = texts[start + 1:]
    assert len(entries) == 6 and entries == sorted(entries, key=str.lower)
    assert all(e.endswith(".") for e in entries)


def test_without_a_table_the_place_for_it_goes(tmp_path: Path) -> None:
    out = tmp_path / "k.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", out)
    document, footnotes = parts(out)
    assert "DRAFTING-AUTHORITIES" not in document and "TOA" not in document
    assert " TA " not in footnotes


def test_toa_category_override_and_copy_of_library(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for part in ("snippets", "briefs", "templates", "sources"):
        shutil.copytree(ROOT / part, root / part)
    bib = (ROOT / "sources.bib").read_text(encoding="utf-8")
    entry = re.search(r"@legislation\{ilo-c087,.*?\n\}", bib, re.S)[0]
    (root / "sources.bib").write_text(bib.replace(entry, entry.replace(
        "  toa_category = {International materials},\n", "")), encoding="utf-8")
    out = tmp_path / "p.docx"
    build(root / "briefs" / "post-hearing-2020.md", out)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    statutes = texts[texts.index("Statutes") + 1: texts.index("International materials")]
    assert any(t.startswith("Freedom of Association and Protection") for t in statutes)


def test_cross_references_to_headings(post_hearing: Path) -> None:
    document = docx.Document(str(post_hearing))
    texts = [p.text for p in document.paragraphs]
    assert any("As infra Part II shows" in t for t in texts)
    assert any(t.startswith("For the reasons given supra Part II, the AFL-CIO") for t in texts)
    heading = next(p for p in document.paragraphs if p.text.startswith("II. Kazakhstan"))
    start = heading._p.find(f"{W}bookmarkStart")
    assert start.get(f"{W}name") == "_RefSec_sec_record"
    held = [t.text for t in start.getnext().iter(f"{W}t")]
    assert held == ["II"]  # the bookmark holds the number
    raw = parts(post_hearing)[0]
    assert raw.count("> REF _RefSec_sec_record \\h <") == 2
    italic = [r.text for p in document.paragraphs for r in p.runs if r.italic]
    assert "infra" in italic and "supra" in italic


def test_unknown_heading_label(make_library, tmp_path: Path) -> None:
    from drafting.errors import DraftingError

    brief = make_library.brief("# I. Facts {#sec:facts}\n\nSee [Part @sec:law]. [@grishin-2019]")
    with pytest.raises(DraftingError, match=r"no heading is labelled 'sec:law' "
                                            r"\(labels: sec:facts\)"):
        build(brief, tmp_path / "x.docx")
