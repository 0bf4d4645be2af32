"""Read Word documents back: paragraphs with their styles, runs (italic, bold, links),
footnotes, bookmarks, tracked changes and comments, as plain data.

A tracked change is kept on each run (``inserted`` / ``deleted``), so a caller can
see the document as it stands in review (:meth:`WordParagraph.text` with
``accepted=False`` shows what was there before the change) or as if every change were
accepted. Shares its WordprocessingML names with the writer (``wordml``); lxml reads
the parts directly (python-docx hides footnotes, tracked changes and comments).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import Any

from lxml import etree

from drafting.errors import DraftingError, Location
from drafting.values import dataclass
from drafting.wordml import DOCUMENT, R_NS, SPECIAL_NOTES, Package, read_docx, w

#: The largest .docx read back (a filing with many images can be large).
MAX_READ_BYTES = 50 * 1024 * 1024
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class WordRun:
    """A run of text with its formatting, its tracked change, or a footnote mark."""

    text: str
    italic: bool = False
    bold: bool = False
    sup: bool = False
    link: str | None = None
    note: int | None = None  # a footnote reference: the note's id
    inserted: str | None = None  # the author of a tracked insertion
    deleted: str | None = None  # the author of a tracked deletion
    restyled: bool = False  # its formatting was changed with tracking on (w:rPrChange)

    def shown(self, accepted: bool) -> bool:
        """Whether the run is in the text with changes accepted (or as before them)."""
        return not (self.deleted if accepted else self.inserted)


@dataclass
class WordParagraph:
    """A paragraph: its style's name, runs, bookmarks and the comments anchored in it."""

    style: str
    runs: list[WordRun] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    #: Bookmark starts and ends: (index of the run they come before, bookmark id, name
    #: for a start or "" for an end).
    marks: list[tuple[int, int, str]] = field(default_factory=list)
    #: The author who deleted this paragraph's mark with tracking on: the paragraph is
    #: joined to the next one once the change is accepted.
    joined: str | None = None

    def text(self, accepted: bool = True) -> str:
        """The paragraph's text, tracked changes accepted (or rejected)."""
        return "".join(run.text for run in self.runs if run.shown(accepted) and run.note is None)

    def notes(self, accepted: bool = True) -> list[int]:
        """The footnote ids referenced in this paragraph, in order."""
        return [run.note for run in self.runs if run.note is not None and run.shown(accepted)]

    @property
    def changed(self) -> bool:
        return any(run.inserted or run.deleted for run in self.runs)


@dataclass(frozen=True)
class WordComment:
    """A reviewer's comment."""

    id: int
    author: str
    text: str


@dataclass
class WordDocument:
    """A .docx read back: body paragraphs, footnotes by id, comments by id."""

    paragraphs: list[WordParagraph]
    footnotes: dict[int, list[WordParagraph]]
    comments: dict[int, WordComment]

    def note_order(self, accepted: bool = True) -> list[int]:
        """Footnote ids in the order their marks appear in the body."""
        return [n for p in self.paragraphs for n in p.notes(accepted)]

    def bookmark_ranges(self) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
        """Each bookmark's (paragraph, run) where it starts and where it ends; a
        bookmark whose end is gone ends where the document does."""
        starts: dict[int, tuple[str, tuple[int, int]]] = {}
        out: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}
        for index, paragraph in enumerate(self.paragraphs):
            for run, mark_id, name in paragraph.marks:
                if name:
                    starts[mark_id] = (name, (index, run))
                elif mark_id in starts:
                    name, start = starts.pop(mark_id)
                    out[name] = (start, (index, run))
        last = (len(self.paragraphs) - 1, len(self.paragraphs[-1].runs)) \
            if self.paragraphs else (0, 0)
        for name, start in starts.values():
            out.setdefault(name, (start, last))
        return out

    def note_text(self, note: int, accepted: bool = True) -> str:
        """A footnote's text (its paragraphs joined by spaces)."""
        return " ".join(p.text(accepted) for p in self.footnotes.get(note, [])).strip()


def parse_part(package: Package, name: str, where: Location) -> Any:
    """An XML part parsed without entities or network (a located error if damaged)."""
    try:
        return etree.fromstring(package.data[name], SAFE_XML)
    except etree.XMLSyntaxError as err:
        raise DraftingError(f"the document's {name} is damaged XML ({err}); save it again "
                            "from Word", where) from None


def read_document(path: Path) -> WordDocument:
    """Read a .docx (checked first: a zip, not password-protected, not a zip bomb)."""
    data = read_docx(path, "document", MAX_READ_BYTES, "save it again from Word as .docx")
    where = Location(path)
    package = Package(data, where, "the document")
    styles = style_names(package, where)
    links = hyperlinks(package, DOCUMENT, where)
    body = parse_part(package, DOCUMENT, where).find(w("body"))
    paragraphs = [paragraph(p, styles, links) for p in body.iter(w("p"))] \
        if body is not None else []
    footnotes: dict[int, list[WordParagraph]] = {}
    notes_part = package.target(DOCUMENT, "footnotes")
    if notes_part and notes_part in package.data:
        note_links = hyperlinks(package, notes_part, where)
        for note in parse_part(package, notes_part, where):
            if note.get(w("type")) in SPECIAL_NOTES or not number(note.get(w("id"))):
                continue
            footnotes[number(note.get(w("id")))] = [paragraph(p, styles, note_links)
                                                    for p in note.iter(w("p"))]
    return WordDocument(paragraphs, footnotes, comments(package, where))


def number(value: str | None) -> int:
    """A ``w:id`` as a number (0 when it is not one)."""
    try:
        return int(value or "")
    except ValueError:
        return 0


def style_names(package: Package, where: Location) -> dict[str, str]:
    """Paragraph style ids → their names (``Heading1`` → ``Heading 1``)."""
    name = package.target(DOCUMENT, "styles") or "word/styles.xml"
    if name not in package.data:
        return {}
    names = {}
    for style in parse_part(package, name, where).iter(w("style")):
        label = style.find(w("name"))
        text = label.get(w("val"), "") if label is not None else ""
        # Word stores its built-in names in lower case ("heading 1"); show them as Word does
        names[style.get(w("styleId"), "")] = text.title() if text.islower() else text
    return names


def hyperlinks(package: Package, part: str, where: Location) -> dict[str, str]:
    """A part's external relationship ids → their addresses."""
    folder, _, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in package.data:
        return {}
    return {rel.get("Id", ""): rel.get("Target", "") for rel in parse_part(package, rels, where)
            if rel.get("TargetMode") == "External"}


def paragraph(p: Any, styles: dict[str, str], links: dict[str, str]) -> WordParagraph:
    """One ``w:p`` as a :class:`WordParagraph`."""
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    sid = style.get(w("val"), "") if style is not None else ""
    out = WordParagraph(styles.get(sid, sid) or "Normal")
    mark = p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}")
    if mark is not None:
        out.joined = mark.get(w("author"), "") or "unknown"
    for element in p.iter(w("bookmarkStart"), w("bookmarkEnd"), w("commentRangeStart"),
                          w("r")):
        if element.tag == w("bookmarkStart"):
            out.bookmarks.append(element.get(w("name"), ""))
            out.marks.append((len(out.runs), number(element.get(w("id"))),
                              element.get(w("name"), "")))
        elif element.tag == w("bookmarkEnd"):
            out.marks.append((len(out.runs), number(element.get(w("id"))), ""))
        elif element.tag == w("commentRangeStart"):
            out.comments.append(number(element.get(w("id"))))
        else:
            out.runs.extend(runs_of(element, links))
    return out


def change_author(run: Any, tag: str) -> str | None:
    """The author of the tracked change (``w:ins``/``w:del``) a run sits in, if any."""
    for parent in run.iterancestors(w(tag)):
        return parent.get(w("author"), "") or "unknown"
    return None


def runs_of(r: Any, links: dict[str, str]) -> Iterator[WordRun]:
    """The runs of text (and footnote marks) in one ``w:r``."""
    props = r.find(w("rPr"))

    def on(tag: str) -> bool:
        mark = props.find(w(tag)) if props is not None else None
        return mark is not None and mark.get(w("val"), "true") not in ("false", "0", "none")

    vertical = props.find(w("vertAlign")) if props is not None else None
    link = None
    for parent in r.iterancestors(w("hyperlink")):
        link = links.get(parent.get(f"{{{R_NS}}}id", ""), parent.get(w("anchor")))
        break
    common = dict(italic=on("i"), bold=on("b"),
                  sup=vertical is not None and vertical.get(w("val")) == "superscript",
                  link=link, inserted=change_author(r, "ins"), deleted=change_author(r, "del"),
                  restyled=props is not None and props.find(w("rPrChange")) is not None)
    text: list[str] = []
    for child in r:
        if child.tag in (w("t"), w("delText")):
            text.append(child.text or "")
        elif child.tag == w("tab"):
            text.append("\t")
        elif child.tag in (w("br"), w("cr")):
            text.append("\n")
        elif child.tag == w("noBreakHyphen"):
            text.append("-")
        elif child.tag == w("footnoteReference"):
            if text:
                yield WordRun("".join(text), **common)
                text = []
            yield WordRun("", note=number(child.get(w("id"))), **common)
    if text:
        yield WordRun("".join(text), **common)


def comments(package: Package, where: Location) -> dict[int, WordComment]:
    """The document's comments (``word/comments.xml``)."""
    name = package.target(DOCUMENT, "comments")
    if not name or name not in package.data:
        return {}
    out = {}
    for comment in parse_part(package, name, where).iter(w("comment")):
        text = " ".join("".join(t.text or "" for t in p.iter(w("t")))
                        for p in comment.iter(w("p"))).strip()
        cid = number(comment.get(w("id")))
        out[cid] = WordComment(cid, comment.get(w("author"), ""), text)
    return out


@dataclass(frozen=True)
class NoteText:
    """A footnote read back from a .docx: its id, its text, and its italic parts."""

    id: int
    text: str
    italic: tuple[str, ...]


def read_footnotes(path: Path) -> tuple[list[int], list[NoteText]]:
    """Read a .docx: the footnote ids in body reference order, and the notes in file order."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"), SAFE_XML)
        names = set(archive.namelist())
        notes_xml = archive.read("word/footnotes.xml") if "word/footnotes.xml" in names else None
    refs = [int(r.get(w("id"))) for r in body.iter(w("footnoteReference"))]
    notes = []
    if notes_xml is not None:
        for note in etree.fromstring(notes_xml, SAFE_XML):
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
