"""The brief's body as Word XML: paragraphs, runs, fields, bookmarks and footnotes.

Written as text and parsed once (:func:`fragment`), not element by element: lxml
makes each element and attribute through a Python call, and a brief has tens of
thousands; the text is two and a half times quicker and parses to the same tree.
:mod:`drafting.word` puts the parsed paragraphs where ``{{ body }}`` was and the
notes into ``word/footnotes.xml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from lxml import etree

from drafting.model import (
    Block,
    FactMark,
    HeadingRef,
    Inline,
    LineBreak,
    NoteMark,
    NoteRef,
    SoftBreak,
    Span,
)
from drafting.patterns import pattern
from drafting.resolve import heading_number
from drafting.wordml import DOCUMENT, R_NS, W_NS, Package, fact_bookmark

#: Word style names tried, in order, for each kind of block.
BLOCK_STYLES = {
    "para": ("Body Text", "Normal"),
    "quote": ("Block Quote", "Quote", "Block Text"),
    "bullet": ("List Bullet",),
    "number": ("List Number",),
}
#: Order of run properties that the OOXML schema requires.
RPR_ORDER = ("rStyle", "rFonts", "b", "i", "smallCaps", "strike", "u", "vertAlign", "rtl")
#: Parses what this module writes; huge_tree: a long brief is one large fragment (the
#: text is ours, escaped, with no DTD or entities).
PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
FRAGMENT = f'<w:fragment xmlns:w="{W_NS}" xmlns:r="{R_NS}">'


#: Characters XML 1.0 cannot hold at all (a library file may not have them, but a
#: character reference such as ``&#12;`` in a fact's Markdown gives one): dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """``value`` as element content (a parser keeps every character of it, but those
    XML cannot hold). Chained ``replace`` calls: ``str.translate`` with a table is ten
    times slower here."""
    if NOT_XML.search(value):
        value = NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\r", "&#13;")


def attr(value: str) -> str:
    """``value`` as a double-quoted attribute (tabs and line ends kept, not normalised)."""
    return text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def fragment(xml: str) -> list[Any]:
    """The elements of ``xml`` (written with the ``w:`` and ``r:`` prefixes), parsed."""
    return list(etree.fromstring(f"{FRAGMENT}{xml}</w:fragment>", PARSER))


def text_runs(value: str) -> str:
    """A run's content for ``value``: tabs become ``w:tab``, newlines ``w:br``; spaces are
    kept."""
    if "\n" not in value and "\t" not in value:  # the common case, quickly
        return f'<w:t xml:space="preserve">{text(value)}</w:t>' if value else ""
    out = []
    for i, line in enumerate(value.split("\n")):
        if i:
            out.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if chunk:
                out.append(f'<w:t xml:space="preserve">{text(chunk)}</w:t>')
    return "".join(out)


def run_properties(span: Span, link_style: str | None) -> str:
    """``w:rPr`` for a span's marks, in schema order, or nothing for a span without any."""
    marks = (link_style, span.code, span.bold, span.italic, span.smallcaps, span.strike,
             span.underline, span.sup, span.sub, is_rtl(span.text))
    return _properties(marks) if any(marks) else ""


@lru_cache(maxsize=256)
def _properties(marks: tuple) -> str:
    link_style, code, bold, italic, smallcaps, strike, underline, sup, sub, rtl = marks
    wanted: dict[str, str] = {}
    if link_style:
        wanted["rStyle"] = f' w:val="{attr(link_style)}"'
    if code:
        wanted["rFonts"] = ' w:ascii="Courier New" w:hAnsi="Courier New"'
    for on, tag in ((bold, "b"), (italic, "i"), (smallcaps, "smallCaps"), (strike, "strike")):
        if on:
            wanted[tag] = ""
    if underline:
        wanted["u"] = ' w:val="single"'
    if sup or sub:
        wanted["vertAlign"] = f' w:val="{"superscript" if sup else "subscript"}"'
    if rtl:
        wanted["rtl"] = ""
    inner = "".join(f"<w:{tag}{wanted[tag]}/>" for tag in RPR_ORDER if tag in wanted)
    return f"<w:rPr>{inner}</w:rPr>"


RTL = pattern("[\u0590-\u08ff\ufb1d-\ufefc]")


def is_rtl(value: str) -> bool:
    """Whether ``value`` is mostly right-to-left script (Hebrew, Arabic, ...)."""
    if RTL.search(value) is None:
        return False
    rtl = len(RTL.findall(value))
    return rtl * 2 >= sum(1 for ch in value if ch.isalpha())


def field(instruction: str, result: str | None) -> str:
    """A complex field (``NOTEREF ...``) with its cached result (``None``: a field that
    shows nothing, like ``TA``), in runs."""
    code = (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
            f'xml:space="preserve"> {text(instruction)} </w:instrText></w:r>')
    if result is None:
        return code + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    return (code + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{text_runs(result)}</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def heading_bookmark(label: str) -> str:
    """The (hidden) bookmark on a labelled heading's number."""
    return "_RefSec_" + re.sub(r"\W", "_", label)[:32]


def note_bookmark(number: int) -> str:
    """The (hidden) bookmark on the mark of footnote ``number``."""
    return f"_RefNote{number}"


def field_text(value: str) -> str:
    """Text for a quoted field argument: no straight double quotes."""
    return " ".join(value.replace('"', "”").split())


class BodyWriter:
    """Writes paragraphs (and their footnotes, kept in :attr:`notes`) for one filing,
    numbering footnotes and bookmarks on from what the template has."""

    def __init__(self, package: Package, styles: dict[str, str], notes_name: str,
                 next_id: int, number: int, next_bookmark: int, targets: set[int],
                 table: Any = None) -> None:
        self.package = package
        self.styles = styles
        self.notes_name = notes_name
        self.next_id = next_id  # the next footnote's w:id
        self.number = number  # the number of the last note written
        self.next_bookmark = next_bookmark
        self.targets = targets  # notes other notes refer to (supra note N)
        self.table = table  # the table of authorities, when the brief has one
        self.notes: list[str] = []  # each footnote written, as XML, in order
        self.facts_open: dict[tuple[str, int], tuple[int, int]] = {}  # use: id, part
        self.facts_going_on: dict[tuple[str, int], int] = {}  # use: its next part
        self.versions: dict[tuple[str, int], str] = {}  # use: its text's digest
        self.reference = attr(styles.get("footnotereference", "FootnoteReference"))
        self.note_style = attr(styles.get("footnotetext", "FootnoteText"))

    def style(self, names: Iterable[str]) -> str | None:
        """The id of the first of the style ``names`` the template has."""
        return next((self.styles[n.lower()] for n in names if n.lower() in self.styles), None)

    def paragraph(self, block: Block, notes: Iterable[Sequence[Inline]]) -> str:
        """A ``w:p`` for a block; its note marks take contents from ``notes`` in order."""
        if block.kind == "heading":
            names: tuple[str, ...] = (f"Heading {min(block.level, 9)}",)
        else:
            names = BLOCK_STYLES.get(block.kind, BLOCK_STYLES["para"])
        style = self.style(names)
        out = [f'<w:p><w:pPr><w:pStyle w:val="{attr(style)}"/></w:pPr>' if style else "<w:p>"]
        inlines = list(block.inlines)
        if block.label:  # cross-references point at the heading's number
            number = heading_number(block)
            first = inlines[0] if inlines and isinstance(inlines[0], Span) else None
            if first is not None and first.text.lstrip().startswith(number):
                cut = first.text.index(number) + len(number)
                self.bookmark(out, heading_bookmark(block.label),
                              [first.styled(text=first.text[:cut])])
                inlines[0] = first.styled(text=first.text[cut:])
            else:
                self.bookmark(out, heading_bookmark(block.label), inlines)
                inlines = []
        self.open_facts(out)
        self.inlines(out, inlines, DOCUMENT, notes)
        self.close_facts(out)
        out.append("</w:p>")
        return "".join(out)

    def bookmark(self, out: list[str], name: str, inlines: Sequence[Inline]) -> None:
        """Inlines enclosed in a bookmark."""
        mark = self.next_bookmark
        self.next_bookmark += 1
        out.append(f'<w:bookmarkStart w:id="{mark}" w:name="{attr(name)}"/>')
        self.inlines(out, inlines, DOCUMENT, None)
        out.append(f'<w:bookmarkEnd w:id="{mark}"/>')

    def inlines(self, out: list[str], inlines: Iterable[Inline], part: str,
                notes: Iterable[Sequence[Inline]] | None) -> None:
        """Runs (and hyperlinks, and footnote marks) for ``inlines``."""
        note_iter = iter(notes) if notes is not None else None
        for item in inlines:
            if isinstance(item, Span):
                self.span(out, item, part)
            elif isinstance(item, LineBreak):
                out.append("<w:r><w:br/></w:r>")
            elif isinstance(item, SoftBreak):
                out.append('<w:r><w:t xml:space="preserve"> </w:t></w:r>')
            elif isinstance(item, NoteRef):
                out.append(field(f"NOTEREF {note_bookmark(item.number)} \\h",
                                 str(item.number)))
            elif isinstance(item, HeadingRef):
                out.append(field(f"REF {heading_bookmark(item.label)} \\h", item.number))
            elif isinstance(item, NoteMark) and note_iter is not None:
                self.footnote(out, next(note_iter))
            elif isinstance(item, FactMark) and part == DOCUMENT:
                self.fact_mark(out, item)

    def inlines_xml(self, inlines: Iterable[Inline]) -> str:
        """:meth:`inlines` of the document (no notes) as one string."""
        out: list[str] = []
        self.inlines(out, inlines, DOCUMENT, None)
        return "".join(out)

    def fact_mark(self, out: list[str], mark: FactMark) -> None:
        """The start or end of a fact's text: a hidden bookmark in each paragraph it
        spans (:meth:`close_facts` ends it at a paragraph's end, :meth:`open_facts`
        takes it on in the next)."""
        use = (mark.fact, mark.occurrence)
        if mark.start:
            self.versions[use] = mark.version
            self.fact_start(out, use, 1)
        elif use in self.facts_open:
            mark_id, _ = self.facts_open.pop(use)
            out.append(f'<w:bookmarkEnd w:id="{mark_id}"/>')

    def fact_start(self, out: list[str], use: tuple[str, int], part: int) -> None:
        name = fact_bookmark(use[0], use[1], part, self.versions.get(use, ""))
        out.append(f'<w:bookmarkStart w:id="{self.next_bookmark}" w:name="{attr(name)}"/>')
        self.facts_open[use] = (self.next_bookmark, part)
        self.next_bookmark += 1

    def close_facts(self, out: list[str]) -> None:
        """End, at a paragraph's end, the bookmarks of facts that go on after it."""
        for use, (mark_id, part) in self.facts_open.items():
            out.append(f'<w:bookmarkEnd w:id="{mark_id}"/>')
            self.facts_going_on[use] = part + 1
        self.facts_open.clear()

    def open_facts(self, out: list[str]) -> None:
        """Start, at a paragraph's start, the bookmarks of facts that went on into it."""
        for use, part in self.facts_going_on.items():
            self.fact_start(out, use, part)
        self.facts_going_on.clear()

    def span(self, out: list[str], span: Span, part: str) -> None:
        """One run, inside a hyperlink when the span is a link."""
        props = run_properties(span, self.styles.get("hyperlink") if span.link else None)
        run = f"<w:r>{props}{text_runs(span.text)}</w:r>"
        if span.link:
            rid = self.package.relate(part, "hyperlink", span.link, external=True)
            run = f'<w:hyperlink r:id="{attr(rid)}">{run}</w:hyperlink>'
        out.append(run)

    def footnote(self, out: list[str], content: Sequence[Inline]) -> None:
        """A footnote mark in the paragraph and its note in :attr:`notes`."""
        note_id = self.next_id
        self.next_id += 1
        self.number += 1
        bookmark = self.number in self.targets
        if bookmark:  # NOTEREF fields point here
            out.append(f'<w:bookmarkStart w:id="{self.next_bookmark}" '
                       f'w:name="{note_bookmark(self.number)}"/>')
        out.append(f'<w:r><w:rPr><w:rStyle w:val="{self.reference}"/></w:rPr>'
                   f'<w:footnoteReference w:id="{note_id}"/></w:r>')
        if bookmark:
            out.append(f'<w:bookmarkEnd w:id="{self.next_bookmark}"/>')
            self.next_bookmark += 1
        note = [f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="'
                f'{self.note_style}"/></w:pPr><w:r><w:rPr><w:rStyle w:val="{self.reference}"/>'
                '</w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>']
        self.inlines(note, content, self.notes_name, None)
        if self.table is not None:  # mark the authorities cited here for Word's TOA
            for authority in self.table.by_note.get(self.number, []):
                category = self.table.category_of[authority.key]
                note.append(field(f'TA \\l "{field_text(authority.plain)}" '
                                  f'\\s "{authority.key}" \\c {category}', None))
        note.append("</w:p></w:footnote>")
        self.notes.append("".join(note))
