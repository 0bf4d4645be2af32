"""Reading Word documents back (drafting/wordread.py): what drafting wrote, what a
reviewer changed in LibreOffice (tracked changes and a comment, made through UNO), and
.docx files that are not sound."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SYSTEM_PYTHON, has_uno

from drafting.build import build
from drafting.errors import DraftingError
from drafting.wordread import read_document, read_footnotes

ROOT = Path(__file__).resolve().parent.parent
OLD = "Even after her unjust conviction, the GOK continues attacks against Ms. Kharkova."
NEW = "Even after her conviction, the GOK continues its attacks on Ms. Kharkova."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("read") / "kazakhstan-2020.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", out)
    return out


def test_a_built_brief_reads_back(built: Path) -> None:
    document = read_document(built)
    headings = [p.text() for p in document.paragraphs if p.style == "Heading 1"]
    assert [h[:15] for h in headings] == ["I. Introduction", "II. The legal f",
                                          "III. The GOK Ta", "IV. Conclusion"]
    assert sum(p.style == "Block Quote" for p in document.paragraphs) == 5
    order = document.note_order()
    assert len(order) == 20 == len(set(order))
    refs, notes = read_footnotes(built)
    assert order == refs
    assert [document.note_text(n) for n in order] == [n.text for n in notes]
    third = document.footnotes[order[2]]
    assert [r.text for p in third for r in p.runs if r.italic] == ["Id."]
    first_links = {r.link for p in document.footnotes[order[0]] for r in p.runs if r.link}
    assert any(link.startswith("https://www.ilo.org/") for link in first_links)
    assert not any(p.changed for p in document.paragraphs)
    assert document.comments == {}


@pytest.mark.skipif(not has_uno(), reason="LibreOffice with python3-uno is not installed "
                    "(apt-get install libreoffice-writer-nogui python3-uno)")
def test_a_tracked_change_and_a_comment_made_in_libreoffice(built: Path,
                                                            tmp_path: Path) -> None:
    reviewed = tmp_path / "reviewed.docx"
    run = subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "uno_edit.py"), str(built),
                          str(reviewed), OLD, NEW, "Check this against the ITUC report.",
                          "Reviewer One"], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    document = read_document(reviewed)
    changed = [p for p in document.paragraphs if p.changed]
    assert len(changed) == 1
    paragraph = changed[0]
    assert paragraph.text(accepted=False).startswith(OLD)  # as it stood before review
    assert paragraph.text(accepted=True).startswith(NEW)  # with the change accepted
    authors = {r.inserted or r.deleted for r in paragraph.runs if r.inserted or r.deleted}
    assert authors == {"Reviewer One"}
    assert [document.comments[c] for c in paragraph.comments] == [
        document.comments[next(iter(document.comments))]]
    comment = next(iter(document.comments.values()))
    assert (comment.author, comment.text) == ("Reviewer One",
                                              "Check this against the ITUC report.")
    # the footnotes survive the round trip through LibreOffice, text for text
    original = read_document(built)
    assert [document.note_text(n) for n in document.note_order()] == \
        [original.note_text(n) for n in original.note_order()]


def zip_with(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"just some text"), "is not a Word .docx file"),
    (lambda p: p.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512),
     "is password-protected or an old .doc file"),
    (lambda p: zip_with(p, {"word/other.xml": b"<x/>"}), "no readable word/document.xml"),
    (lambda p: zip_with(p, {"word/document.xml": b"\0" * (101 * 1024 * 1024)}),
     "expands to more than 100 MB"),
    (lambda p: zip_with(p, {"word/document.xml": b"<w:document"}), "damaged XML"),
    (lambda p: p.mkdir(), "not found"),
])
def test_documents_that_are_not_sound_are_refused(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "filing.docx"
    make(path)
    with pytest.raises(DraftingError, match=message) as caught:
        read_document(path)
    assert "filing.docx" in str(caught.value)


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    """A document part with an entity bomb is read without expanding it."""
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>")
    path = zip_with(tmp_path / "bomb.docx", {"word/document.xml": bomb})
    document = read_document(path)
    assert len(document.paragraphs[0].text()) < 100
