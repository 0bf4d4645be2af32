"""Regenerate the shipped Word templates in templates/.

The templates are data: edit them in Word. This script is how the first versions
were made (python-docx), kept so their look can be rebuilt and reviewed:
Times New Roman 12 pt, a centred caption block, centred headings, indented block
quotes, 10 pt footnotes and page numbers in the footer. The output is reproducible
(fixed times in the zip), so an unchanged look rebuilds byte for byte.

    python tools/make_templates.py && cp templates/*.docx drafting/skeleton/templates/
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates"
FONT = "Times New Roman"
#: The time stamped on every part of the .docx zip (python-docx would write the clock's).
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def set_font(style, size: float, bold=None, italic=None) -> None:
    """A fixed serif font (no theme fonts), black."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts is not None and fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def paragraph_style(doc, name: str, base: str = "Normal"):
    """The named paragraph style, created if the default template lacks it."""
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        return style


def setup_styles(doc) -> None:
    """The house look."""
    normal = doc.styles["Normal"]
    set_font(normal, 12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    # no line of a paragraph alone at a page's foot or head: every style below inherits it
    normal.paragraph_format.widow_control = True

    body = paragraph_style(doc, "Body Text")
    set_font(body, 12)
    body.paragraph_format.first_line_indent = Inches(0.5)
    body.paragraph_format.space_after = Pt(12)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    for level, (align, bold, italic) in enumerate(
        [
            (WD_ALIGN_PARAGRAPH.CENTER, True, False),
            (WD_ALIGN_PARAGRAPH.LEFT, False, True),  # sub-headings: italic, as filed
            (WD_ALIGN_PARAGRAPH.LEFT, False, True),
            (WD_ALIGN_PARAGRAPH.LEFT, False, True),
        ],
        start=1,
    ):
        heading = doc.styles[f"Heading {level}"]
        set_font(heading, 12, bold=bold, italic=italic)
        fmt = heading.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(12)
        fmt.space_after = Pt(12)
        fmt.keep_with_next = True  # never alone at a page's foot
        fmt.keep_together = True

    quote = paragraph_style(doc, "Block Quote")
    set_font(quote, 12)
    fmt = quote.paragraph_format
    fmt.left_indent = Inches(0.75)
    fmt.right_indent = Inches(0.75)
    fmt.space_after = Pt(12)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    for name in ("List Bullet", "List Number"):
        set_font(doc.styles[name], 12)
        doc.styles[name].paragraph_format.space_after = Pt(6)

    note = paragraph_style(doc, "Footnote Text")
    set_font(note, 10)
    note.paragraph_format.space_after = Pt(4)
    note.paragraph_format.widow_control = True  # a note split over pages: 2 lines or more each
    ref = doc.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True
    link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True

    toa = paragraph_style(doc, "table of authorities")
    set_font(toa, 12)
    toa.paragraph_format.space_after = Pt(6)
    toa_heading = paragraph_style(doc, "toa heading")
    set_font(toa_heading, 12, bold=True)
    toa_heading.paragraph_format.space_before = Pt(12)
    toa_heading.paragraph_format.space_after = Pt(6)
    toa_heading.paragraph_format.keep_with_next = True

    caption = paragraph_style(doc, "Caption Block")
    set_font(caption, 12)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption_title = paragraph_style(doc, "Caption Title", base="Caption Block")
    set_font(caption_title, 12, bold=True)
    caption_title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    section = paragraph_style(doc, "Section Title")
    set_font(section, 12, bold=True)
    section.paragraph_format.space_before = Pt(12)
    section.paragraph_format.space_after = Pt(12)
    section.paragraph_format.keep_with_next = True
    section.paragraph_format.keep_together = True
    signature = paragraph_style(doc, "Signature")
    set_font(signature, 12)
    signature.paragraph_format.keep_with_next = True  # the block stays on one page
    signature.paragraph_format.keep_together = True


def setup_page(doc) -> None:
    """US Letter, one-inch margins, centred page number in the footer."""
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)


def caption(doc, document_title: str) -> None:
    """The centred caption block of a filing: its titles bold, the rest plain."""
    titles = [
        "{{ title }}",
        "{%p if subtitle is defined %}",
        "{{ subtitle }}",
        "{%p endif %}",
        "",
        "{{ document_title|default('" + document_title + "') }}",
    ]
    for line in titles:
        doc.add_paragraph(line, style="Caption Title" if line.startswith("{{") else "Caption Block")
    lines = [
        "",
        "Before the {{ agency|default('United States Trade Representative') }}",
        "{{ docket }}",
        "",
        "Filed by the",
        "{{ petitioner.name }}",
        "",
        "{{ filing_date|longdate }}",
    ]
    for line in lines:
        doc.add_paragraph(line, style="Caption Block")


def section_title(doc, text: str) -> None:
    doc.add_paragraph(text, style="Section Title")


def notice(doc) -> None:
    """The request to testify and the petitioner's details."""
    section_title(doc, "Notice of Intent to Testify:")
    doc.add_paragraph(
        "This constitutes a request for {{ witness }} to present testimony at the "
        "{{ hearing_date|longdate }} hearing regarding {{ hearing_subject }}. "
        "Docket number {{ docket }}.",
        style="Body Text",
    )
    p = doc.add_paragraph(style="Normal")
    p.add_run("Petitioner:").italic = True
    p.add_run(" {{ petitioner.short_name|default(petitioner.name) }}, {{ petitioner.address }}")
    doc.add_paragraph("e-mail: {{ petitioner.email }}", style="Normal")
    doc.add_paragraph("", style="Normal")


def signature(doc) -> None:
    """A closing signature block, kept on one page (its last line need not keep with
    what follows)."""
    for line in ("Respectfully submitted,", "", "{{ witness }}", "{{ petitioner.name }}"):
        last = doc.add_paragraph(line, style="Signature")
    last.paragraph_format.keep_with_next = False


def body(doc, title: str | None = None) -> None:
    """The brief: a table of authorities when the brief asks for one (on pages of its
    own; otherwise the paragraph is dropped), the brief's title, its text."""
    doc.add_paragraph("{{ authorities }}", style="Normal")
    if title:
        section_title(doc, title)
    doc.add_paragraph("{{ body }}", style="Body Text")


def new_document():
    doc = Document()
    setup_styles(doc)
    setup_page(doc)
    # python-docx's default template starts with no paragraphs; keep it that way
    return doc


def main(out: Path = OUT) -> None:
    """Write the four templates into ``out``."""
    out.mkdir(exist_ok=True)
    builds = {
        "notice-of-intent": ("Notice of Intent to Testify", [notice, body]),
        "pre-hearing-brief": (
            "Pre-Hearing Brief",
            [lambda d: body(d, "Pre-Hearing Brief:")],
        ),
        "notice-and-pre-hearing-brief": (
            "Notice of Intent to Testify & Pre-Hearing Brief",
            [notice, lambda d: body(d, "Pre-Hearing Brief:")],
        ),
        "post-hearing-brief": ("Post-Hearing Brief and Written Testimony", [body, signature]),
    }
    for name, (title, parts) in builds.items():
        doc = new_document()
        caption(doc, title)
        for part in parts:
            part(doc)
        doc.core_properties.title = title
        doc.core_properties.author = "drafting"
        doc.save(out / f"{name}.docx")
        reproducible(out / f"{name}.docx")
        print(f"wrote {out / name}.docx")


def reproducible(path: Path) -> None:
    """Rewrite a saved .docx with fixed times on its parts (their bytes unchanged)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main()
