"""``drafting import FILING.docx``: a Word filing into a brief, facts and sources.

The proof is the round trip: the example brief built to .docx, imported into an empty
library and built again gives the same footnotes (and the same *Id.*), in each shipped
style; and a .docx that pandoc wrote from the reference filing does the same. Bad
files are refused with one line and nothing written.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import rewrite_docx

from drafting.build import build
from drafting.wordread import read_document

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TEMPLATE = "notice-and-pre-hearing-brief"


def drafting(*args: object, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it in a library."""
    return subprocess.run([sys.executable, "-m", "drafting", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def empty_library(folder: Path, style: str) -> Path:
    """A new library (``drafting init``) with its example brief, fact and source removed."""
    result = drafting("init", folder, "--style", style, cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    for item in (folder / "briefs").iterdir():
        item.unlink()
    shutil.rmtree(folder / "snippets")
    (folder / "snippets").mkdir()
    (folder / "sources.bib").write_text("", encoding="utf-8")
    return folder


def imported(original: Path, library: Path) -> dict:
    """``drafting import --write --format json`` of ``original`` into ``library``: its plan."""
    result = drafting("import", original, "--write", "--format", "json", cwd=library)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def notes(path: Path) -> list[str]:
    document = read_document(path)
    return [" ".join(document.note_text(n).split()) for n in document.note_order()]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".drafting-cache" not in p.parts}


@pytest.mark.parametrize("style", ["house", "bluebook", "ibid"])
def test_the_example_brief_survives_the_round_trip(style: str, tmp_path: Path) -> None:
    """Build the example, import it into an empty library, build again: the same
    footnotes word for word, Id. where Id. was."""
    original = tmp_path / "kazakhstan.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", original, style=style)
    library = empty_library(tmp_path / "lib", style)

    dry = drafting("import", original, "--template", TEMPLATE, cwd=library)
    assert dry.returncode == 0, dry.stderr
    assert "20 footnotes: 20 rebuild exactly as in Word" in dry.stdout
    assert "dry run: nothing written" in dry.stdout
    assert not (library / "briefs" / "kazakhstan.md").exists()

    wrote = drafting("import", original, "--template", TEMPLATE, "--write", cwd=library)
    assert wrote.returncode == 0, wrote.stderr
    brief = library / "briefs" / "kazakhstan.md"
    assert brief.exists() and len(list((library / "snippets" / "kazakhstan").glob("*.md"))) == 15

    again = tmp_path / "again.docx"
    built = drafting("build", brief, "-o", again, cwd=library)
    assert built.returncode == 0, built.stderr
    before, after = notes(original), notes(again)
    assert after == before
    short = "Ibid." if style == "ibid" else "Id."
    assert [i for i, n in enumerate(after, 1) if n.startswith(short)] == [3, 10]


def test_the_import_is_a_library_that_checks(tmp_path: Path) -> None:
    """What import writes is sound: every fact cites, every key is known, the brief
    builds; the only errors left are the fields the footnotes never gave."""
    original = tmp_path / "kazakhstan.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", original, style="house")
    library = empty_library(tmp_path / "lib", "house")
    assert drafting("import", original, "--write", cwd=library).returncode == 0
    result = drafting("check", "--format", "json", cwd=library)

    rules = {p["rule"] for p in json.loads(result.stdout)["problems"]
             if p["severity"] == "error"}
    assert rules <= {"missing-field", "uncited-claim"}, rules
    assert "unknown-key" not in rules and "fact-uncited" not in rules


def test_a_filing_written_by_pandoc(tmp_path: Path) -> None:
    """The reference filing as pandoc writes it (real Word footnotes, its own styles:
    First Paragraph, Block Text, Heading 3): the same notes rebuilt, but for the comma
    the Bluebook wants after "e.g." that the filing left out."""
    filing = DATA / "pandoc-filing.docx"
    library = empty_library(tmp_path / "lib", "house")
    result = drafting("import", filing, "--write", "--template", TEMPLATE, cwd=library)
    assert result.returncode == 0, result.stderr
    assert "20 footnotes: 18 rebuild exactly as in Word, 2 differ" in result.stdout
    assert "note 11:" in result.stdout and "note 14:" in result.stdout
    out = tmp_path / "rebuilt.docx"
    built = drafting("build", library / "briefs" / "pandoc-filing.md", "-o", out, cwd=library)
    assert built.returncode == 0, built.stderr
    # pandoc left the filing's straight quotes straight; the rebuild curls them
    curly = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})
    before = [n.translate(curly) for n in notes(filing)]
    after = [n.translate(curly) for n in notes(out)]
    assert len(after) == len(before) == 20
    for number, (word, ours) in enumerate(zip(before, after, strict=True), 1):
        if number in (11, 14):
            assert ours.startswith("See, e.g., ") and word.startswith("See, e.g. ")
            assert ours.removeprefix("See, e.g., ").rstrip(".") == \
                word.removeprefix("See, e.g. ").rstrip(".")
        else:
            assert ours.rstrip(".,") == word.rstrip(".,"), number
    assert after[2] == "Id." and after[9] == "Id."
    # the caption before the first heading gave the front matter
    brief = (library / "briefs" / "pandoc-filing.md").read_text(encoding="utf-8")
    assert "docket: USTR-2013-0008" in brief and "filing_date: 2020-01-17" in brief
    # block quotes stay block quotes, with their lead-in, in one fact
    # italic paragraphs after a lead-in ending in a colon are a block quote: one fact
    quote = next(p for p in (library / "snippets" / "pandoc-filing").glob("*.md")
                 if "following conclusions" in p.read_text(encoding="utf-8"))
    text = quote.read_text(encoding="utf-8")
    assert text.count("\n> *") == 5 and "Observations: [@cescr-2019-concluding]\n\n> *“27. " in text


def test_importing_into_the_example_library_matches_its_sources(tmp_path: Path) -> None:
    """Into a library that has the sources: every one matched, none added; a second
    import of the same file is suffixed, never written over."""
    library = tmp_path / "example"
    shutil.copytree(ROOT, library, ignore=shutil.ignore_patterns(
        ".git", "build", ".drafting-cache", "tests", "bench", "*.egg-info", "__pycache__"))
    original = tmp_path / "kazakhstan-2020.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", original)
    bib = (library / "sources.bib").read_bytes()
    existing = (library / "briefs" / "kazakhstan-2020.md").read_bytes()

    first = drafting("import", original, "--write", cwd=library)
    assert first.returncode == 0, first.stderr
    assert "brief 'kazakhstan-2020' exists: importing as 'kazakhstan-2020-2'" in first.stdout
    assert first.stdout.count("matched ") == 19 and "0 new sources" in first.stdout
    assert (library / "sources.bib").read_bytes() == bib
    assert (library / "briefs" / "kazakhstan-2020.md").read_bytes() == existing
    second = drafting("import", original, "--write", cwd=library)
    assert second.returncode == 0, second.stderr
    assert (library / "briefs" / "kazakhstan-2020-3.md").exists()
    assert (library / "briefs" / "kazakhstan-2020-2.md").exists()
    facts = drafting("check", cwd=library)
    assert "duplicate-fact" not in facts.stdout


def docx_with(paragraphs: list[str], picture: bool = False) -> bytes:
    """A real Word document (python-docx) without footnotes."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if picture:
        document.add_picture(io.BytesIO(png()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png() -> bytes:
    """A 1x1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (101 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (lambda: docx_with(["A letter with no notes at all."]), "has no footnotes"),
    (lambda: docx_with([], picture=True), "has no text (only images?)"),
    (lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512, "password-protected"),
    (lambda: b"just some text", "is not a Word .docx file"),
    (zip_bomb, "expands to more than 100 MB"),
])
def test_what_is_not_a_filing_is_refused(content, message: str, tmp_path: Path) -> None:
    library = empty_library(tmp_path / "lib", "house")
    before = snapshot(library)
    filing = tmp_path / "filing.docx"
    filing.write_bytes(content())
    for args in ([], ["--write"]):
        result = drafting("import", filing, *args, cwd=library)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "filing.docx" in lines[0] and message in lines[0], lines
        assert "Traceback" not in result.stderr
    assert snapshot(library) == before


def test_usage_errors(tmp_path: Path) -> None:
    library = empty_library(tmp_path / "lib", "house")
    assert drafting("import", cwd=library).returncode == 2
    assert drafting("import", tmp_path / "missing.docx", cwd=library).returncode == 2


def test_a_crash_while_writing_leaves_nothing_half_written(tmp_path: Path) -> None:
    """Killed after staging some files: the next command puts the library back as it
    was (no brief, no facts, sources.bib as before); the import can then run again."""
    original = tmp_path / "kazakhstan.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", original, style="house")
    library = empty_library(tmp_path / "lib", "house")
    before = snapshot(library)
    crashed = drafting("import", original, "--write", cwd=library,
                       env={"DRAFTING_TEST_CRASH_AFTER": "stage:5"})
    assert crashed.returncode == 75
    assert drafting("fact", "list", cwd=library).returncode == 0  # recovers first
    assert snapshot(library) == before
    assert drafting("import", original, "--write", cwd=library).returncode == 0
    assert (library / "briefs" / "kazakhstan.md").exists()


def test_sources_to_review_are_listed_by_check(tmp_path: Path) -> None:
    """A citation the style cannot print back word for word becomes an entry holding it
    verbatim, with a `review` field that check warns about until it is removed."""
    filing = DATA / "pandoc-filing.docx"
    library = empty_library(tmp_path / "lib", "house")
    assert drafting("import", filing, "--write", cwd=library).returncode == 0
    bib = (library / "sources.bib").read_text(encoding="utf-8")
    assert "review" in bib and "imported from pandoc-filing.docx note 18" in bib
    result = drafting("check", cwd=library)
    assert "[source-review]" in result.stdout
    assert "needs review: imported from pandoc-filing.docx note 18" in result.stdout


#: Every kind of source in tests/data/bluebook.bib, each cited twice (the second time
#: with a signal: "See id."), then cited again later (supra and short forms).
KINDS = {"compa-vogt-2001": "205", "rhode-1989": "12", "wright-miller": "§ 1357",
         "ilo-digest": "66-67", "dickens": "40", "deaux-major": "92", "rosenthal": "A9",
         "sorbello": "", "hrw-2016": "24", "wp": "3", "cescr": "¶ 27", "ilo-cas": "198",
         "hearing": "12", "hrw-attack": "", "grishin": "", "brown": "495", "sdny": "1300",
         "usc": "§ 2462(b)", "usc-plain": "§ 2462(d)", "trade-act": "§ 501",
         "kaz-tu": "art. 10", "cfr": "§ 1910.1", "fedreg": "32,380", "c087": "art. 3",
         "interview": ""}


def test_every_kind_of_source_in_the_bluebook(tmp_path: Path, make_library) -> None:
    """Books, chapters, journals, newspapers, reports, web pages, cases, statutes,
    regulations, treaties and interviews, built in the Bluebook style and imported into
    an empty library: cases and statutes read through eyecite, articles as articles,
    and every footnote rebuilt as it was, but for the capitals the style gives a
    citation it could only keep word for word."""
    shutil.copy(DATA / "bluebook.bib", make_library.root / "sources.bib")
    lines = [f"Claim {key} holds. [@{key}{', ' + pin if pin else ''}] So it does. "
             f"[see @{key}{', ' + pin if pin else ''}]" for key, pin in KINDS.items()]
    lines.append("Back again. [@compa-vogt-2001, 207] And the case. [@brown, 496]")
    make_library.fact("all", "\n\n".join(lines))
    brief = make_library.brief('# I. Everything\n\n{{ fact("all") }}',
                               front="template: pre-hearing-brief\nstyle: bluebook\n"
                               "title: T\ndocket: D\nfiling_date: 2020-01-17\n"
                               "petitioner:\n  name: P\n")
    original = tmp_path / "every.docx"
    build(brief, original)
    library = empty_library(tmp_path / "empty", "bluebook")
    plan = imported(original, library)
    how = {s["note"]: s["how"] for s in plan["sources"]}
    before = notes(original)
    number = {key: 1 + 2 * index for index, key in enumerate(KINDS)}
    assert how[number["brown"]] == how[number["sdny"]] == "case"
    assert how[number["usc-plain"]] == "statute"
    assert how[number["compa-vogt-2001"]] == how[number["rosenthal"]] == "article"
    # a citation kept word for word (flagged for review) may come back title-cased:
    # the style capitalises a title's words ("art. 10" → "Art. 10"); nothing else differs
    verbatim = {s["note"] for s in plan["sources"] if s["how"] == "verbatim" and s["review"]}
    differing = [d["note"] for d in plan["differing"]]
    assert set(differing) <= verbatim, plan["differing"]
    assert all(d["word"].lower() == d["rebuilt"].lower() for d in plan["differing"])
    assert number["fedreg"] in verbatim and len(verbatim) <= 4
    out = tmp_path / "again.docx"
    built = drafting("build", library / "briefs" / "every.md", "-o", out, cwd=library)
    assert built.returncode == 0, built.stderr
    after = notes(out)
    assert len(after) == len(before)
    same = [i for i, (a, b) in enumerate(zip(before, after, strict=True), 1) if a == b]
    assert len(same) >= len(before) - len(differing)
    assert [i for i, n in enumerate(after, 1) if n == "See id."] == \
        [i for i, n in enumerate(before, 1) if n == "See id."]
    assert after[-2].startswith("Compa & Vogt, supra note 1, at 207")
    assert after[-1] == "Brown, 347 U.S. at 496."


def test_short_forms_that_point_nowhere_stay_text(tmp_path: Path, make_library) -> None:
    """An *Id.* with nothing before it, a *supra* to a note without that authority: kept
    as the note's words, reported, and no source is made of them."""
    make_library.fact("x", "First. ^[Id. at 3.] Second. [@grishin-2019, 5] Third. "
                           "^[Nobody, supra note 9.]")
    brief = make_library.brief('{{ fact("x") }}')
    original = tmp_path / "odd.docx"
    build(brief, original)
    library = empty_library(tmp_path / "empty", "house")
    plan = imported(original, library)
    assert "note 1: 'Id.' follows no single authority" in plan["problems"]
    assert any(p.startswith("note 3: 'Nobody, supra note 9'") for p in plan["problems"])
    assert [s["note"] for s in plan["sources"]] == [2]
    fact = next((library / "snippets" / "odd").glob("*.md")).read_text(encoding="utf-8")
    assert "^[Id. at 3.]" in fact and "^[Nobody, supra note 9.]" in fact


def test_odd_footnotes(tmp_path: Path, make_library) -> None:
    """A footnote in a heading is kept; an empty footnote is left out and said so (no
    "[]" in the text); a citation holding LaTeX's special characters prints back as it
    was; a document whose footnotes part is gone is refused."""
    make_library.fact("x", "One claim. [@grishin-2019, 4]\n\nAnother claim. "
                      r"^[Report on \$100 \{x\} wages \~ & 50% more\_now (2019).]")
    brief = make_library.brief('# I. Facts [@grishin-2019, 2]\n\n{{ fact("x") }}\n\nLast one. '
                               "^[An explanatory note.]")
    original = tmp_path / "odd.docx"
    build(brief, original)
    from lxml import etree

    from drafting.wordml import w

    def empty_last(parts: dict) -> None:
        root = etree.fromstring(parts["word/footnotes.xml"])
        last = [n for n in root.iter(w("footnote")) if n.get(w("type")) is None][-1]
        for text in last.iter(w("t")):
            text.text = ""
        parts["word/footnotes.xml"] = etree.tostring(root)

    odd = rewrite_docx(original, tmp_path / "odd-empty.docx", empty_last)
    library = empty_library(tmp_path / "empty", "house")
    result = drafting("import", odd, "--write", "--format", "json", cwd=library)
    assert result.returncode == 0, result.stderr

    plan = json.loads(result.stdout)
    assert "note 4: empty in Word; left out" in plan["problems"]
    assert plan["differing"] == []  # the heading's note, and the special characters, too
    brief_text = (library / "briefs" / "odd-empty.md").read_text(encoding="utf-8")
    assert "# I. Facts [@" in brief_text and "[]" not in brief_text
    built = drafting("build", library / "briefs" / "odd-empty.md", "-o", tmp_path / "again.docx",
                     cwd=library)
    assert built.returncode == 0, built.stderr
    assert any("Report on $100 {x} wages ~ & 50% more_now" in n
               for n in notes(tmp_path / "again.docx"))

    gone = rewrite_docx(original, tmp_path / "gone.docx",
                         lambda parts: parts.pop("word/footnotes.xml"))
    refused = drafting("import", gone, "--write", cwd=library)
    assert refused.returncode == 1 and "has no footnote text" in refused.stderr


def test_a_signal_alone_is_no_source(tmp_path: Path, make_library) -> None:
    make_library.fact("x", "A claim. [@grishin-2019, 4] More. ^[Cf. the debate in parliament.]")
    original = tmp_path / "signal.docx"
    build(make_library.brief('{{ fact("x") }}'), original)
    library = empty_library(tmp_path / "empty", "house")
    result = drafting("import", original, "--format", "json", cwd=library)

    sources = json.loads(result.stdout)["sources"]
    assert [s["note"] for s in sources] == [1]  # "Cf. the debate…" stays the note's words
