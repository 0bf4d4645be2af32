"""The page layout of the shipped templates (issue 14, "Pages"): read from the .docx
XML, and seen through LibreOffice, page by page (``pdftotext -f N -l N``).

The LibreOffice tests are skipped (with the reason) when it is not installed; `.ci/run`
installs it, so in CI they always run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import SOURCES
from lxml import etree

from drafting.build import build
from drafting.cli import cli
from drafting.word import R_NS, W_NS
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
W = f"{{{W_NS}}}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
MISSING = "LibreOffice (soffice) and pdftotext/pdfinfo are not installed; " \
    "apt-get install libreoffice-writer-nogui poppler-utils"
if os.environ.get("CI") and not (SOFFICE and POPPLER):  # CI installs them: never skip there
    raise RuntimeError(f"CI must run the LibreOffice tests: {MISSING}")
needs_office = pytest.mark.skipif(not (SOFFICE and POPPLER), reason=MISSING)

SENTENCE = ("The Government has not taken steps to afford internationally recognized worker "
            "rights to the workers of Kazakhstan. ")
#: Lengths (in sentences) of the brief before a signature block, around a page's end.
SIGNATURE_LENGTHS = (22, 23, 24, 25)


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ the documents


def short_notice(root: Path, filler: int) -> Path:
    """A new library's notice of intent: four facts with notes, the last paragraph's
    note a long one, near the end of the first page."""
    assert CliRunner().invoke(cli, ["init", str(root), "--style", "house"]).exit_code == 0
    with (root / "sources.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + SOURCES)
    facts = {
        "refused": "Over 600 unions were refused registration. [@grishin-2019, 3]",
        "regret": "The Committee regretted the persistent lack of progress. [@ilo-cas-2019, 198]",
        "dismissed": "Workers were dismissed for organizing. [@hrw-2016, 12]",
        "kharkova": "Its president, Larisa Kharkova, was convicted in 2017 of abuse of office "
                    "for her work as the leader of the Confederation of Independent Trade "
                    "Unions, and she was sentenced to four years of restricted freedom.^[The "
                    "sentence was upheld on appeal in September 2017, and the court also barred "
                    "her from holding any office in a public association for five years after "
                    "her release; she must report to the police on a schedule the court fixed "
                    "and may not leave the city without permission. See [@hrw-2016, 14]; "
                    "[@grishin-2019, 4].]",
    }
    for name, text in facts.items():
        (root / "snippets" / f"{name}.md").write_text(
            f"---\ntitle: {name}\ntags: [test]\nas_of: 2020-01-01\n---\n{text}\n",
            encoding="utf-8")
    brief = root / "briefs" / "notice.md"
    brief.write_text(textwrap.dedent("""\
        ---
        template: notice-of-intent
        title: Kazakhstan Country Practice Review
        docket: USTR-2013-0008
        filing_date: 2020-01-17
        hearing_date: 2020-01-30
        witness: Cassandra Waters
        hearing_subject: Kazakhstan's compliance with the worker rights criterion
        petitioner:
          name: Test Union
          address: 815 16^th^ Street, N.W., Washington, D.C., 20006
          email: test@example.org
        ---
        # I. Introduction

        {{ fact("refused") }}

        {{ fact("regret") }}

        """) + SENTENCE * filler + '\n\n{{ fact("dismissed") }}\n\n{{ fact("kharkova") }}\n',
        encoding="utf-8")
    return brief


def signed_brief(root: Path, sentences: int) -> Path:
    """A post-hearing brief of one paragraph, then its signature block."""
    (root / "briefs").mkdir(parents=True)
    (root / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "post-hearing-brief.docx", root / "templates")
    (root / "sources.bib").write_text(SOURCES, encoding="utf-8")
    brief = root / "briefs" / "signed.md"
    brief.write_text("---\ntemplate: post-hearing-brief\ntitle: T\ndocket: D\n"
                     "filing_date: 2020-02-13\nwitness: Cassandra Waters\npetitioner:\n"
                     "  name: Test Union\n---\n# I. Conclusion\n\n" + SENTENCE * sentences + "\n",
                     encoding="utf-8")
    return brief


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every document these tests read, built once."""
    out = tmp_path_factory.mktemp("layout")
    briefs = {
        "post-hearing": ROOT / "briefs" / "post-hearing-2020.md",
        "kazakhstan": ROOT / "briefs" / "kazakhstan-2020.md",
        "notice": short_notice(out / "new", filler=7),
    }
    for length in SIGNATURE_LENGTHS:
        briefs[f"signed-{length}"] = signed_brief(out / f"signed-{length}", length)
    documents = {}
    for name, brief in briefs.items():
        documents[name] = out / f"{name}.docx"
        build(brief, documents[name])
    return documents


@pytest.fixture(scope="module")
def pages(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, list[str]]:
    """Each document's pages as LibreOffice lays them out (one conversion for all)."""
    if not (SOFFICE and POPPLER):
        pytest.skip(MISSING)
    out = tmp_path_factory.mktemp("pdf")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, built.values())], check=True, capture_output=True, timeout=300)
    return {name: page_texts(out / f"{name}.pdf") for name in built}


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of a PDF, read one page at a time."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    count = int(re.search(r"(?m)^Pages:\s+(\d+)", info)[1])
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
            for n in range(1, count + 1)]


def lines(page: str) -> list[str]:
    """A page's lines, squashed, without blank ones and the page number at its foot."""
    found = [squash(line) for line in page.splitlines() if line.strip()]
    return found[:-1] if found and found[-1].isdigit() else found


def first_page_with(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in squash(page))


# ------------------------------------------------------------------ seen through LibreOffice


@needs_office
def test_the_table_of_authorities_has_pages_of_its_own(pages) -> None:
    """Post-hearing brief: the caption alone on page 1, the table at the top of the
    next page, the brief at the top of a page after the table, the list of sources last."""
    doc = pages["post-hearing"]
    caption = first_page_with(doc, "Filed by the")
    table = first_page_with(doc, "Table of Authorities")
    body = first_page_with(doc, "I. The legal standard")
    assert caption < table < body
    assert lines(doc[table])[0] == "Table of Authorities"
    assert lines(doc[body])[0] == "I. The legal standard"
    assert "Statutes" not in squash(doc[caption])
    sources = first_page_with(doc, "List of Sources")
    assert sources > body and lines(doc[sources])[0] == "List of Sources"


@needs_office
def test_a_brief_without_a_table_gets_no_page_break(pages) -> None:
    """The example asks for no table: its notice, brief title and first heading share
    the caption's page, and no page is blank."""
    doc = pages["kazakhstan"]
    for text in ("Filed by the", "Notice of Intent to Testify:", "Pre-Hearing Brief:",
                 "I. Introduction"):
        assert first_page_with(doc, text) == 0, text
    assert all(lines(page) for page in doc)


def footnote_lines(page: str, notes: list[str]) -> tuple[int, int]:
    """How many of a page's lines are body text, and how many are footnote text (a
    note's number alone on a line counts as neither)."""
    body = note = 0
    for line in lines(page):
        if line.isdigit():
            continue
        if any(line in text for text in notes):
            note += 1
        else:
            body += 1
    return body, note


@needs_office
def test_a_short_notice_keeps_its_notes_with_their_marks(pages, built) -> None:
    """A new library's notice of intent, its last paragraph's long note near the end of
    page 1: no page holds footnote text alone, every note is on its mark's page.

    LibreOffice follows the templates' widow/orphan and keep settings for the body, but
    not for a note that does not fit below its mark: when the mark's line is not the
    last that fits on the page, it leaves the mark and moves the note on (see the README),
    whatever the styles say; Word moves the mark's lines with the note."""
    doc = pages["notice"]
    notes = [squash(note.text) for note in read_footnotes(built["notice"])[1]]
    assert len(doc) == 2 and len(notes) == 4
    for number, page in enumerate(doc, start=1):
        body, note = footnote_lines(page, notes)
        assert body or not note, f"page {number} holds only footnote text"
    for number, text in enumerate(notes, start=1):
        on = first_page_with(doc, text[:40])
        assert re.search(rf"[^\d\s]{number}(\s|$)", doc[on]), (number, on)  # its mark


@needs_office
@pytest.mark.parametrize("length", SIGNATURE_LENGTHS)
def test_the_signature_block_stays_on_one_page(pages, length: int) -> None:
    """At every length around a page's end, the closing lines share one page."""
    doc = pages[f"signed-{length}"]
    closing = first_page_with(doc, "Respectfully submitted,")
    assert "Cassandra Waters" in squash(doc[closing])
    assert lines(doc[closing])[-1] == "Test Union"


# ------------------------------------------------------------------ read from the .docx


def style_of(document, name: str):
    return document.styles[name]


def effective(style, attribute: str) -> bool | None:
    """A font attribute (``bold``) of a style, inherited through its base styles."""
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def test_the_caption_bolds_its_three_titles_only(built) -> None:
    document = docx.Document(str(built["kazakhstan"]))
    caption = []
    for paragraph in document.paragraphs:
        if paragraph.text == "Notice of Intent to Testify:":
            break
        if paragraph.text.strip():
            caption.append(paragraph)
    bold = [p.text for p in caption
            if all(r.bold if r.bold is not None else effective(p.style, "bold")
                   for r in p.runs if r.text.strip())]
    assert len(caption) == 8
    assert bold == ["Kazakhstan Country Practice Review", "Worker Rights",
                    "Notice of Intent to Testify & Pre-Hearing Brief"]


@pytest.mark.parametrize("template", sorted((ROOT / "templates").glob("*.docx")),
                         ids=lambda p: p.stem)
def test_the_templates_keep_lines_together_and_italicise_sub_headings(template: Path) -> None:
    document = docx.Document(str(template))
    styles = document.styles
    assert effective(styles["Heading 2"], "italic") and not effective(styles["Heading 2"],
                                                                      "bold")
    assert effective(styles["Heading 1"], "bold")
    assert styles["Normal"].paragraph_format.widow_control
    assert styles["Footnote Text"].paragraph_format.widow_control
    # a note kept whole moves away from its mark in LibreOffice: it may split
    assert not styles["Footnote Text"].paragraph_format.keep_together
    for name in ("Heading 1", "Heading 2", "Heading 3", "Section Title", "Signature"):
        fmt = styles[name].paragraph_format
        assert fmt.keep_with_next and fmt.keep_together, name


def test_the_signature_block_does_not_keep_with_what_follows() -> None:
    document = docx.Document(str(ROOT / "templates" / "post-hearing-brief.docx"))
    block = [p for p in document.paragraphs if p.style.name == "Signature"]
    assert [p.text for p in block] == ["Respectfully submitted,", "", "{{ witness }}",
                                      "{{ petitioner.name }}"]
    assert block[-1].paragraph_format.keep_with_next is False


def petitioner_paragraphs(path: Path) -> list:
    body = etree.fromstring(_part(path, "word/document.xml"))
    return [p for p in body.iter(f"{W}p")
            if "".join(p.itertext()).startswith(("Petitioner:", "e-mail:"))]


def _part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_an_ordinal_in_the_front_matter_is_superscript(built) -> None:
    """``815 16^th^ Street`` in the example's front matter: "th" raised, the rest of the
    address in the template run's formatting, the notes unchanged."""
    address = petitioner_paragraphs(built["kazakhstan"])[0]
    runs = [(("".join(r.itertext())), r.find(f"{W}rPr/{W}vertAlign")) for r in
            address.iter(f"{W}r")]
    assert "".join(text for text, _ in runs) == \
        "Petitioner: AFL-CIO, 815 16th Street, N.W., Washington, D.C., 20006"
    raised = [text for text, align in runs if align is not None]
    assert raised == ["th"] and all(
        align.get(f"{W}val") == "superscript" for _, align in runs if align is not None)


def test_an_email_field_is_a_mailto_link(built) -> None:
    paragraph = petitioner_paragraphs(built["kazakhstan"])[1]
    links = paragraph.findall(f"{W}hyperlink")
    assert len(links) == 1 and "".join(links[0].itertext()) == "cwaters@aficio.org"
    assert links[0].find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"
    rels = etree.fromstring(_part(built["kazakhstan"], "word/_rels/document.xml.rels"))
    rel = next(r for r in rels if r.get("Id") == links[0].get(f"{{{R_NS}}}id"))
    assert rel.get("Target") == "mailto:cwaters@aficio.org"
    assert rel.get("TargetMode") == "External" and rel.get("Type").endswith("/hyperlink")
    assert "".join(paragraph.itertext()) == "e-mail: cwaters@aficio.org"


def test_the_notice_links_and_raises_too(built) -> None:
    """The same in a new library's notice (any template printing the fields)."""
    address, email = petitioner_paragraphs(built["notice"])
    assert [r for r in address.iter(f"{W}vertAlign")]
    assert "".join(email.find(f"{W}hyperlink").itertext()) == "test@example.org"


def test_an_email_field_that_is_not_text_is_a_located_error(fresh: Path) -> None:
    brief = fresh / "briefs" / "bad.md"
    brief.write_text("---\ntemplate: notice-of-intent\ntitle: T\ndocket: D\n"
                     "filing_date: 2020-01-17\nhearing_date: 2020-01-30\nwitness: W\n"
                     "hearing_subject: S\npetitioner:\n  name: P\n  address: A\n"
                     "  email: [a@b.org, c@d.org]\n---\nText.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(brief)])
    assert result.exit_code == 1
    assert result.output == ("error: briefs/bad.md:12: front-matter field petitioner.email "
                             "must be an e-mail address like name@example.org, not a list\n")
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_an_email_field_without_an_address_prints_as_written(fresh: Path, tmp_path) -> None:
    brief = fresh / "briefs" / "tbd.md"
    brief.write_text("---\ntemplate: notice-of-intent\ntitle: The 116^th^ Congress\n"
                     "docket: D\nfiling_date: 2020-01-17\nhearing_date: 2020-01-30\n"
                     "witness: W\nhearing_subject: S\npetitioner:\n  name: P\n  address: A\n"
                     "  contact_email: x@y.org\n  email: to follow\n---\nText.\n",
                     encoding="utf-8")
    out = tmp_path / "tbd.docx"
    build(brief, out)
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "The 116th Congress"
    assert [r.text for r in document.paragraphs[0].runs if r.font.superscript] == ["th"]
    email = petitioner_paragraphs(out)[1]
    assert "".join(email.itertext()) == "e-mail: to follow"
    assert email.find(f"{W}hyperlink") is None


def test_the_make_script_rebuilds_the_shipped_templates(tmp_path: Path) -> None:
    """tools/make_templates.py gives the committed templates byte for byte, and the
    copies ``init`` uses are the same files."""
    spec = importlib.util.spec_from_file_location("make_templates",
                                                  ROOT / "tools" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for made in sorted(tmp_path.glob("*.docx")):
        assert made.read_bytes() == (ROOT / "templates" / made.name).read_bytes(), made.name
        assert made.read_bytes() == (ROOT / "drafting" / "skeleton" / "templates"
                                     / made.name).read_bytes(), made.name
    assert len(list(tmp_path.glob("*.docx"))) == 4
