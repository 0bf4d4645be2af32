"""Write Word documents: the only module that knows Word XML.

A template (.docx with docxtpl/Jinja2 fields) is rendered with the brief's front
matter; the paragraph holding ``{{ body }}`` is replaced by the brief's blocks; every
note becomes a real footnote in ``word/footnotes.xml``. Footnote ids are then
renumbered in reference order (LibreOffice pairs marks and texts by id order).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from drafting.errors import DraftingError, Location
from drafting.model import Block, Inline, LineBreak, NoteMark, SoftBreak, Span
from drafting.store import default_mode

# python-docx and docxtpl are imported inside the functions that write Word files, so
# commands that only read the library (check, fact, source) start fast.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HYPERLINK_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
BODY_MARKER = "DRAFTING-BODY-PLACEHOLDER"
SPECIAL_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
#: Word style names tried, in order, for each kind of block.
BLOCK_STYLES = {
    "para": ("Body Text", "Normal"),
    "quote": ("Block Quote", "Quote", "Block Text"),
    "bullet": ("List Bullet",),
    "number": ("List Number",),
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def w(tag: str) -> str:
    """Clark name of a ``w:`` tag or attribute."""
    return f"{{{W_NS}}}{tag}"


def longdate(value: Any) -> str:
    """Template filter: a date as ``January 17, 2020``; other values unchanged."""
    if isinstance(value, dt.date):
        return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"
    return "" if value is None else str(value)


def template_environment() -> SandboxedEnvironment:
    """Sandboxed, escaping Jinja for .docx templates: no access to Python internals."""
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters["longdate"] = longdate
    return env


def check_template_file(path: Path) -> None:
    """Refuse a template that is missing, not a .docx zip, too large or a zip bomb."""
    where = Location(path)
    if not path.is_file():
        raise DraftingError(
            "template not found; check the 'template' name in the front matter "
            "and the templates/ folder",
            where,
        )
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise DraftingError("template is larger than 20 MB; remove large images from it", where)
    if not zipfile.is_zipfile(path):
        raise DraftingError(
            "template is not a Word .docx file (not a zip archive); save it from Word as .docx",
            where,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise DraftingError(
            f"template is a damaged .docx ({err}); save it again from Word", where
        ) from None
    if total > MAX_UNZIPPED_BYTES:
        raise DraftingError(
            "template expands to more than 100 MB; it is not a normal Word file", where
        )
    if bad is not None or "word/document.xml" not in names:
        raise DraftingError(
            "template is a damaged .docx (no readable word/document.xml); save it again from Word",
            where,
        )


@dataclass
class Filing:
    """A rendered template waiting for its body and footnotes."""

    template: Any  # a rendered docxtpl.DocxTemplate
    path: Path
    marker: Any  # the w:p element holding {{ body }}
    notes_before: int  # footnotes the template has before the body

    @property
    def document(self) -> Any:
        return self.template.docx


def render_template(path: Path, context: dict[str, Any], brief: Location) -> Filing:
    """Render a .docx template's fields; find the ``{{ body }}`` paragraph."""
    from docxtpl import DocxTemplate

    check_template_file(path)
    try:
        template = DocxTemplate(str(path))
        template.render({**context, "body": BODY_MARKER}, template_environment())
    except UndefinedError as err:
        raise DraftingError(
            f"template {path.name} uses {err.message.replace(' is undefined', '')}, "
            "which the front matter does not define; add it",
            brief,
        ) from None
    except TemplateSyntaxError as err:
        near = " ".join(" ".join(getattr(err, "docx_context", [])).split())[:80]
        raise DraftingError(
            f"Jinja syntax error in the template: {err.message}"
            + (f" (near '{near}')" if near else ""),
            Location(path),
        ) from None
    except TemplateError as err:
        raise DraftingError(f"template error: {err}", Location(path)) from None
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as err:
        raise DraftingError(
            f"template is a damaged .docx ({err}); save it again from Word", Location(path)
        ) from None
    body = template.docx.element.body
    markers = [p for p in body.iter(w("p")) if BODY_MARKER in text_of(p)]
    if len(markers) != 1:
        problem = "has no" if not markers else "has more than one"
        raise DraftingError(
            f"template {problem} {{{{ body }}}} paragraph; put {{{{ body }}}} "
            "alone in the paragraph where the brief's text goes",
            Location(path),
        )
    marker = markers[0]
    if text_of(marker).strip() != BODY_MARKER:
        raise DraftingError(
            "the {{ body }} paragraph must hold nothing else; move the other "
            "text to its own paragraph",
            Location(path),
        )
    before = 0
    for el in body.iter(w("p"), w("footnoteReference")):
        if el is marker:
            break
        before += el.tag == w("footnoteReference")
    return Filing(template=template, path=path, marker=marker, notes_before=before)


DOCXTPL_PREFIXES = re.compile(r"(\{[{%])(?:p|r|tr|tc)\s")


def template_source(path: Path) -> str:
    """The Jinja source of a template's body: its paragraphs' text, one per line."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    lines = [text_of(p) for p in body.iter(w("p"))]
    return DOCXTPL_PREFIXES.sub(r"\1 ", "\n".join(lines))


def read_template_source(path: Path) -> str:
    """:func:`template_source` of a template file already known to be a .docx zip."""
    try:
        return template_source(path)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as err:
        raise DraftingError(f"template is a damaged .docx ({err}); save it again from Word",
                            Location(path)) from None


def undefined_field(err: UndefinedError, path: Path, brief: Location | None) -> DraftingError:
    """The error for a template field the brief's front matter does not define."""
    return DraftingError(f"template {path.name} uses {err.message.replace(' is undefined', '')}"
                         ", which the front matter does not define; add it", brief)


def check_template(path: Path, context: dict[str, Any] | None = None,
                   brief: Location | None = None) -> None:
    """Check a template without the Word stack: a sound .docx, valid Jinja, one paragraph
    holding only ``{{ body }}``, and, given a brief's ``context``, every field defined."""
    check_template_file(path)
    source = read_template_source(path)
    try:
        if context is None:
            template_environment().parse(source)
            rendered = re.sub(r"\{\{-?\s*body\s*-?\}\}", BODY_MARKER, source)
        else:
            rendered = template_environment().from_string(source).render(
                {**context, "body": BODY_MARKER})
    except UndefinedError as err:
        raise undefined_field(err, path, brief) from None
    except TemplateSyntaxError as err:
        raise DraftingError(f"Jinja syntax error in the template: {err.message}",
                            Location(path)) from None
    except TemplateError as err:
        raise DraftingError(f"template error: {err}", Location(path)) from None
    if sum(line.strip() == BODY_MARKER for line in rendered.splitlines()) != 1:
        raise DraftingError("template needs exactly one paragraph holding only {{ body }}",
                            Location(path))


def text_of(paragraph: Any) -> str:
    """The plain text of a ``w:p``."""
    return "".join(t.text or "" for t in paragraph.iter(w("t")))


class _Styles:
    """Looks up style ids by name, adding the footnote and link styles a template lacks."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.ids: dict[str, str] = {}
        for style in document.styles:
            self.ids[style.name.lower()] = style.style_id
            self.ids[style.style_id.lower()] = style.style_id

    def find(self, names: Iterable[str]) -> str | None:
        return next((self.ids[n.lower()] for n in names if n.lower() in self.ids), None)

    def ensure(self, name: str, kind: Any, setup: Callable[[Any], None]) -> str:
        found = self.find([name, name.replace(" ", "")])
        if found:
            return found
        style = self.document.styles.add_style(name, kind)
        setup(style)
        self.ids[name.lower()] = style.style_id
        return style.style_id

    def footnote_text(self) -> str:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        def setup(style: Any) -> None:
            style.base_style = self.document.styles["Normal"]
            style.font.size = Pt(10)
            style.paragraph_format.space_after = Pt(0)

        return self.ensure("Footnote Text", WD_STYLE_TYPE.PARAGRAPH, setup)

    def footnote_reference(self) -> str:
        from docx.enum.style import WD_STYLE_TYPE

        def setup(style: Any) -> None:
            style.font.superscript = True

        return self.ensure("Footnote Reference", WD_STYLE_TYPE.CHARACTER, setup)

    def hyperlink(self) -> str:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import RGBColor

        def setup(style: Any) -> None:
            style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
            style.font.underline = True

        return self.ensure("Hyperlink", WD_STYLE_TYPE.CHARACTER, setup)


def footnotes_part(document: Any) -> Any:
    """The document's footnotes part, created with its two separators if missing."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype == RT.FOOTNOTES:
            return rel.target_part
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
        'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml.encode("utf-8"), document.part.package
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    return part


class _Writer:
    """Builds paragraphs and footnotes into one rendered template."""

    def __init__(self, filing: Filing) -> None:
        self.document = filing.document
        self.styles = _Styles(self.document)
        self.part = footnotes_part(self.document)
        self.notes_root = etree.fromstring(self.part.blob)
        self.next_id = 1 + max([int(n.get(w("id"))) for n in self.notes_root] + [0])
        self.footnote_text = self.styles.footnote_text()
        self.footnote_reference = self.styles.footnote_reference()
        self._link_style: str | None = None

    def link_style(self) -> str:
        if self._link_style is None:
            self._link_style = self.styles.hyperlink()
        return self._link_style

    def paragraph(self, block: Block, notes: Iterable[Sequence[Inline]]) -> Any:
        """A ``w:p`` for a block; its note marks take contents from ``notes`` in order."""
        p = etree.Element(w("p"))
        if block.kind == "heading":
            names: tuple[str, ...] = (f"Heading {min(block.level, 9)}",)
        else:
            names = BLOCK_STYLES.get(block.kind, BLOCK_STYLES["para"])
        style = self.styles.find(names)
        if style:
            etree.SubElement(etree.SubElement(p, w("pPr")), w("pStyle")).set(w("val"), style)
        self.inlines(p, block.inlines, self.document.part, notes)
        return p

    def inlines(
        self,
        parent: Any,
        inlines: Iterable[Inline],
        part: Any,
        notes: Iterable[Sequence[Inline]] | None,
    ) -> None:
        """Append runs (and hyperlinks, and footnote marks) for ``inlines``."""
        note_iter = iter(notes) if notes is not None else None
        for item in inlines:
            if isinstance(item, Span):
                self.span(parent, item, part)
            elif isinstance(item, LineBreak):
                etree.SubElement(etree.SubElement(parent, w("r")), w("br"))
            elif isinstance(item, SoftBreak):
                add_text(etree.SubElement(parent, w("r")), " ")
            elif isinstance(item, NoteMark) and note_iter is not None:
                self.footnote(parent, next(note_iter))

    def span(self, parent: Any, span: Span, part: Any) -> None:
        """One run, inside a hyperlink when the span is a link."""
        if span.link:
            rid = part.relate_to(span.link, HYPERLINK_RT, is_external=True)
            parent = etree.SubElement(parent, w("hyperlink"))
            parent.set(f"{{{R_NS}}}id", rid)
        run = etree.SubElement(parent, w("r"))
        props = run_properties(span, self.link_style() if span.link else None)
        if len(props):
            run.append(props)
        add_text(run, span.text)

    def footnote(self, paragraph: Any, content: Sequence[Inline]) -> None:
        """A footnote mark in ``paragraph`` and its note in footnotes.xml."""
        note_id = str(self.next_id)
        self.next_id += 1
        run = etree.SubElement(paragraph, w("r"))
        rpr = etree.SubElement(run, w("rPr"))
        etree.SubElement(rpr, w("rStyle")).set(w("val"), self.footnote_reference)
        etree.SubElement(run, w("footnoteReference")).set(w("id"), note_id)
        note = etree.SubElement(self.notes_root, w("footnote"))
        note.set(w("id"), note_id)
        p = etree.SubElement(note, w("p"))
        etree.SubElement(etree.SubElement(p, w("pPr")), w("pStyle")).set(
            w("val"), self.footnote_text
        )
        ref = etree.SubElement(p, w("r"))
        etree.SubElement(etree.SubElement(ref, w("rPr")), w("rStyle")).set(
            w("val"), self.footnote_reference
        )
        etree.SubElement(ref, w("footnoteRef"))
        add_text(etree.SubElement(p, w("r")), " ")
        self.inlines(p, content, self.part, None)

    def finish(self) -> None:
        """Renumber the notes in reference order and store footnotes.xml."""
        renumber(self.document.element.body, self.notes_root)
        self.part._blob = etree.tostring(
            self.notes_root, xml_declaration=True, encoding="UTF-8", standalone=True
        )


#: Order of run properties that the OOXML schema requires.
RPR_ORDER = ("rStyle", "rFonts", "b", "i", "smallCaps", "strike", "u", "vertAlign", "rtl")


def run_properties(span: Span, link_style: str | None) -> Any:
    """``w:rPr`` for a span's marks, in schema order."""
    rpr = etree.Element(w("rPr"))
    wanted: dict[str, dict[str, str]] = {}
    if link_style:
        wanted["rStyle"] = {"val": link_style}
    if span.code:
        wanted["rFonts"] = {"ascii": "Courier New", "hAnsi": "Courier New"}
    for mark, tag in (
        ("bold", "b"),
        ("italic", "i"),
        ("smallcaps", "smallCaps"),
        ("strike", "strike"),
    ):
        if getattr(span, mark):
            wanted[tag] = {}
    if span.underline:
        wanted["u"] = {"val": "single"}
    if span.sup or span.sub:
        wanted["vertAlign"] = {"val": "superscript" if span.sup else "subscript"}
    if is_rtl(span.text):
        wanted["rtl"] = {}
    for tag in RPR_ORDER:
        if tag in wanted:
            el = etree.SubElement(rpr, w(tag))
            for key, value in wanted[tag].items():
                el.set(w(key), value)
    return rpr


def is_rtl(text: str) -> bool:
    """Whether ``text`` is mostly right-to-left script (Hebrew, Arabic, ...)."""
    rtl = sum(1 for ch in text if "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc")
    return rtl > 0 and rtl * 2 >= sum(1 for ch in text if ch.isalpha())


def add_text(run: Any, text: str) -> None:
    """Text into a run: tabs become ``w:tab``, newlines ``w:br``; spaces are kept."""
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(run, w("br"))
        for j, chunk in enumerate(line.split("\t")):
            if j:
                etree.SubElement(run, w("tab"))
            if chunk:
                t = etree.SubElement(run, w("t"))
                t.text = chunk
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def renumber(body: Any, notes_root: Any) -> None:
    """Give notes ids 1..N in the order the body references them, and store them in that order."""
    notes = {n.get(w("id")): n for n in notes_root if n.get(w("type")) not in SPECIAL_NOTES}
    specials = [n for n in notes_root if n.get(w("type")) in SPECIAL_NOTES]
    next_id = 1 + max([int(n.get(w("id"))) for n in specials] + [0])
    new_ids: dict[str, str] = {}
    for ref in body.iter(w("footnoteReference")):
        old = ref.get(w("id"))
        if old not in new_ids and old in notes:
            new_ids[old] = str(next_id)
            next_id += 1
        if old in new_ids:
            ref.set(w("id"), new_ids[old])
    ordered = [notes[old] for old in new_ids]
    unreferenced = [n for key, n in notes.items() if key not in new_ids]
    for old, new in new_ids.items():
        notes[old].set(w("id"), new)
    for note in unreferenced:
        note.set(w("id"), str(next_id))
        next_id += 1
    for note in notes.values():
        notes_root.remove(note)
    for note in ordered + unreferenced:
        notes_root.append(note)


def fill(filing: Filing, blocks: Sequence[Block], notes: Sequence[Sequence[Inline]]) -> None:
    """Put the blocks where ``{{ body }}`` was; ``notes`` are the note contents in order."""
    writer = _Writer(filing)
    note_iter = iter(notes)
    parent = filing.marker.getparent()
    index = parent.index(filing.marker)
    for offset, block in enumerate(blocks):
        count = sum(isinstance(i, NoteMark) for i in block.inlines)
        block_notes = [next(note_iter) for _ in range(count)]
        parent.insert(index + offset, writer.paragraph(block, block_notes))
    parent.remove(filing.marker)
    writer.finish()


def save(filing: Filing, out: Path) -> None:
    """Save through a temporary file in the same folder, then rename over ``out``."""
    folder = out.parent
    if not folder.is_dir():
        raise DraftingError(
            "the output folder does not exist; create it or choose another path with -o",
            Location(out),
        )
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.stem}.", suffix=".docx.tmp")
    except OSError as err:
        raise DraftingError(
            f"cannot write to the output folder ({err.strerror})", Location(out)
        ) from None
    os.close(fd)
    try:
        filing.template.save(tmp)
        os.chmod(tmp, out.stat().st_mode & 0o777 if out.exists() else default_mode())
        os.replace(tmp, out)
    except OSError as err:
        raise DraftingError(
            f"cannot write the output file ({err.strerror})", Location(out)
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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
