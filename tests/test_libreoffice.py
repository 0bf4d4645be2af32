"""A real word processor opens what we write: LibreOffice renders the seed brief to PDF.

Skipped (with the reason) when LibreOffice is not installed; `.ci/run` installs it,
so in CI these tests always run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from drafting.build import build
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

MISSING = "LibreOffice (soffice) and pdftotext are not installed; " \
    "apt-get install libreoffice-writer-nogui poppler-utils"
if os.environ.get("CI") and not (SOFFICE and PDFTOTEXT):  # CI installs them: never skip there
    raise RuntimeError(f"CI must run the LibreOffice tests: {MISSING}")
pytestmark = pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason=MISSING)


def to_pdf_pages(docx: Path, tmp: Path) -> list[str]:
    """Convert with LibreOffice, then read each page's text with its layout."""
    profile = tmp / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp / (docx.stem + ".pdf")
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def squash(text: str) -> str:
    return " ".join(text.split())


def number_lines(page: str) -> list[int]:
    """Numbers standing alone on a line: footnote numbers at the foot (and the page number)."""
    return [int(m) for m in re.findall(r"(?m)^\s*(\d+)\s*$", page)]


def page_of_note(pages: list[str], number: int, text: str) -> int:
    """The page whose foot has note ``number`` with ``text``, or -1."""
    start = squash(text)[:40]
    for index, page in enumerate(pages):
        if number in number_lines(page) and start in squash(page).replace("- ", "-"):
            return index
    return -1


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    tmp = tmp_path_factory.mktemp("lo")
    out = tmp / "kazakhstan-2020.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", out)
    return to_pdf_pages(out, tmp), [n.text for n in read_footnotes(out)[1]]


def test_every_note_sits_at_the_foot_of_its_page_with_its_own_text(rendered) -> None:
    pages, expected = rendered
    placed = [page_of_note(pages, n, text) for n, text in enumerate(expected, start=1)]
    assert -1 not in placed, placed
    assert placed == sorted(placed)  # notes run in order through the pages
    for number, index in enumerate(placed, start=1):
        # the mark in the text of the same page: a superscript after a word or quote
        assert re.search(rf"[^\d\s] ?{number}(\s|$)", pages[index]), number


def test_id_notes_follow_their_authority(rendered) -> None:
    pages, expected = rendered
    for number, authority in ((3, "European Parliament"), (10, "Andrei Grishin")):
        assert expected[number - 1] == "Id."
        page = pages[page_of_note(pages, number, "Id.")]
        after = page[re.search(rf"(?m)^\s*{number}\s*$", page).end() :].split()
        assert after[0] == "Id."
        assert page_of_note(pages, number - 1, authority) >= 0


def test_headings_and_page_numbers_render(rendered) -> None:
    pages, _ = rendered
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        last = [line for line in page.splitlines() if line.strip()][-1]
        assert last.strip() == str(number)
    text = squash("\n".join(pages))
    for heading in (
        "Notice of Intent to Testify:",
        "Pre-Hearing Brief:",
        "I. Introduction",
        "IV. Conclusion",
        "USTR-2013-0008",
        "January 17, 2020",
    ):
        assert heading in text


def test_build_pdf_writes_a_pdf_beside_the_docx(make_library) -> None:
    from click.testing import CliRunner

    from drafting.cli import cli

    make_library.fact("x", "Over 600 unions were refused. [@grishin-2019, 3]")
    brief = make_library.brief('# I. Facts\n\n{{ fact("x") }}')
    result = CliRunner().invoke(cli, ["build", "--pdf", str(brief)])
    assert result.exit_code == 0, result.output
    pdf = make_library.root / "build" / "test.pdf"
    assert "wrote" in result.output and pdf.is_file()
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Over 600 unions were refused." in text
    assert "Andrei Grishin, Fergana News Agency, A Country Under a Paragraph 3" in squash(text)
    assert not list((make_library.root / "build").glob(".*tmp"))


def test_table_of_authorities_and_supra_numbers_render(make_library, tmp_path: Path) -> None:
    out = tmp_path / "post-hearing.docx"
    build(ROOT / "briefs" / "post-hearing-2020.md", out)
    text = squash("\n".join(to_pdf_pages(out, tmp_path)))
    assert "Table of Authorities Statutes 19 U.S.C. (2018)" in text
    assert re.search(r"19 U\.S\.C\. \(2018\)\.*\s*nn\. 1, 2, 8", text)
    assert "International materials" in text and "List of Sources" in text
    make_library.fact("x", "One [@grishin-2019, 3]. Two [@ilo-cas-2019]. Three [@grishin-2019, 4].")
    supra = tmp_path / "supra.docx"
    build(make_library.brief('{{ fact("x") }}'), supra)
    (tmp_path / "s").mkdir()
    assert "Grishin, supra note 1, at 4." in squash("\n".join(to_pdf_pages(supra, tmp_path / "s")))
