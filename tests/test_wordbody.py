"""The body written as Word XML text (drafting/wordbody.py): whatever the text and its
marks, the XML parses back to exactly that text, with those marks, in schema order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from drafting.model import Block, LineBreak, Note, NoteMark, SoftBreak, Span
from drafting.wordbody import BodyWriter, attr, fragment, text
from drafting.wordml import DOCUMENT, W_NS, Package

#: Any text a library file can hold: no control characters (library.py refuses them),
#: with the characters XML escapes, tabs, line ends and right-to-left script.
TEXT = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                      blacklist_characters="\ufffe\uffff"), max_size=8)
                | st.sampled_from(list("&<>\"'\t\n\r \x0b\x0c\x00\ufffe")
                                  + ["مرحبا", "שלום", "]]>", "<?pi?>"]),
                max_size=6).map("".join)
MARKS = ("bold", "italic", "underline", "strike", "sup", "sub", "smallcaps", "code")
SPANS = st.builds(lambda t, flags, link: Span(t, link=link, **dict(zip(MARKS, flags, strict=True))),
                  TEXT, st.tuples(*[st.booleans()] * len(MARKS)),
                  st.none() | st.sampled_from(["https://example.org/?a=1&b=<2>", "mailto:x@y.z"]))
INLINES = st.lists(SPANS | st.just(LineBreak()) | st.just(SoftBreak()), max_size=6)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def xml_only(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (the writer drops them)."""
    return "".join(ch for ch in value if ch in "\t\n\r" or (
        ch >= " " and ch not in "\ufffe\uffff" and not "\ud800" <= ch <= "\udfff"))


@given(TEXT)
def test_text_and_attributes_parse_back_to_themselves(value: str) -> None:
    [element] = fragment(f'<w:t w:val="{attr(value)}">{text(value)}</w:t>')
    assert (element.text or "") == xml_only(value)
    assert element.get(w("val")) == xml_only(value)


def writer(package: Package) -> BodyWriter:
    return BodyWriter(package, {"hyperlink": "Hyperlink", "body text": "BodyText"},
                      "word/footnotes.xml", next_id=1, number=0, next_bookmark=1,
                      targets=set())


def empty_package() -> Package:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as docx:
        docx.writestr(DOCUMENT, f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>')
    return Package(data.getvalue())


def read_back(run: etree._Element) -> str:
    """A run's text as Word shows it."""
    out = []
    for child in run:
        if child.tag == w("t"):
            out.append(child.text or "")
        elif child.tag == w("tab"):
            out.append("\t")
        elif child.tag == w("br"):
            out.append("\n")
    return "".join(out)


@given(INLINES)
def test_a_paragraph_reads_back_as_its_inlines(inlines: list) -> None:
    """One run per inline, in order: its text as written, its marks, its link."""
    package = empty_package()
    [paragraph] = fragment(writer(package).paragraph(Block("para", tuple(inlines)), []))
    assert paragraph.find(w("pPr")).find(w("pStyle")).get(w("val")) == "BodyText"
    runs = list(paragraph.iter(w("r")))
    assert len(runs) == len(inlines)
    for item, run in zip(inlines, runs, strict=True):
        if isinstance(item, LineBreak):
            assert read_back(run) == "\n"
            continue
        if isinstance(item, SoftBreak):
            assert read_back(run) == " "
            continue
        assert read_back(run) == xml_only(item.text)
        props = run.find(w("rPr"))
        tags = {etree.QName(c).localname for c in props} if props is not None else set()
        for mark, tag in (("bold", "b"), ("italic", "i"), ("strike", "strike"),
                          ("smallcaps", "smallCaps"), ("underline", "u"), ("code", "rFonts")):
            assert (tag in tags) == getattr(item, mark), (mark, item)
        shift = props.find(w("vertAlign")) if props is not None else None
        expected = "superscript" if item.sup else "subscript" if item.sub else None
        assert (shift.get(w("val")) if shift is not None else None) == expected
        in_link = run.getparent().tag == w("hyperlink")
        assert in_link == bool(item.link) == ("rStyle" in tags)


@given(st.lists(SPANS, min_size=1, max_size=4))
def test_marks_are_written_in_schema_order(spans: list[Span]) -> None:
    package = empty_package()
    [paragraph] = fragment(writer(package).paragraph(Block("para", tuple(spans)), []))
    order = ("rStyle", "rFonts", "b", "i", "smallCaps", "strike", "u", "vertAlign", "rtl")
    for rpr in paragraph.iter(w("rPr")):
        tags = [etree.QName(c).localname for c in rpr]
        assert tags == sorted(tags, key=order.index)


def test_a_footnote_goes_to_the_notes_with_its_mark_in_the_text() -> None:
    package = empty_package()
    body = writer(package)
    mark = NoteMark(Note((Span("n"),)))
    [paragraph] = fragment(body.paragraph(Block("para", (Span("a & b"), mark)),
                                          [[Span("Id. at <5>.", italic=True)]]))
    [reference] = paragraph.iter(w("footnoteReference"))
    [note] = fragment("".join(body.notes))
    assert note.get(w("id")) == reference.get(w("id")) == "1"
    assert "".join(t.text for t in note.iter(w("t"))) == " Id. at <5>."
