"""Read Word documents back: footnotes (and, as the reader grows, paragraphs, tracked
changes and comments). Shares its WordprocessingML names with the writer (``wordml``)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from drafting.wordml import SPECIAL_NOTES, w


@dataclass(frozen=True)
class NoteText:
    """A footnote read back from a .docx: its id, its text, and its italic parts."""

    id: int
    text: str
    italic: tuple[str, ...]


def read_footnotes(path: Path) -> tuple[list[int], list[NoteText]]:
    """Read a .docx: the footnote ids in body reference order, and the notes in file order."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        names = set(archive.namelist())
        notes_xml = archive.read("word/footnotes.xml") if "word/footnotes.xml" in names else None
    refs = [int(r.get(w("id"))) for r in body.iter(w("footnoteReference"))]
    notes = []
    if notes_xml is not None:
        for note in etree.fromstring(notes_xml):
            if note.get(w("type")) in SPECIAL_NOTES:
                continue
            runs = list(note.iter(w("r")))
            text = "".join("".join(t.text or "" for t in r.iter(w("t"))) for r in runs)
            italic = tuple(
                "".join(t.text or "" for t in r.iter(w("t")))
                for r in runs
                if r.find(f"{w('rPr')}/{w('i')}") is not None
            )
            notes.append(NoteText(int(note.get(w("id"))), text.strip(), italic))
    return refs, notes
