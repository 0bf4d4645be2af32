"""Write Word documents (with `wordml` and `wordread`, the only modules that know
Word XML).

A template (.docx with docxtpl/Jinja2 fields) is rendered with the brief's front
matter; the paragraph holding ``{{ body }}`` is replaced by the brief's blocks; every
note becomes a real footnote in ``word/footnotes.xml``. Footnote ids are then
renumbered in reference order (LibreOffice pairs marks and texts by id order).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from drafting.cache import (
    code_digest,
    digest,
    jinja,
    keep,
    kept,
    template_from,
    typed_key,
)
from drafting.errors import DraftingError, Location
from drafting.limits import EXPRESSION_ERRORS, LimitError
from drafting.model import (
    Block,
    Inline,
    NoteMark,
    NoteRef,
    Span,
)
from drafting.patterns import pattern
from drafting.store import write_output
from drafting.values import dataclass
from drafting.wordbody import BodyWriter, field, fragment, run_properties, text_runs
from drafting.wordml import (
    DOCUMENT,
    FOOTNOTES_CT,
    R_NS,
    SPECIAL_NOTES,
    W_NS,
    Package,
    check_docx,
    read_docx,
    w,
)

# docxtpl (and with it python-docx) is imported only to render a template that is not
# in the cache yet; everything else here is zipfile and lxml, so builds start fast.

BODY_MARKER = "DRAFTING-BODY-PLACEHOLDER"
AUTHORITIES_MARKER = "DRAFTING-AUTHORITIES-PLACEHOLDER"
#: Values every template may use besides the brief's front matter.
PLACEHOLDERS = {"body": BODY_MARKER, "authorities": AUTHORITIES_MARKER}
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


def read_template(path: Path, checked: bool = True) -> bytes:
    """A template's bytes, checked to be a sound .docx (see :func:`read_docx`); without
    ``checked``, only read (within the size limit), for :func:`check_docx` later."""
    if not path.is_file():
        raise DraftingError("template not found; check the 'template' name in the front "
                            "matter and the templates/ folder", Location(path))
    return read_docx(path, "template", checked=checked)


def longdate(value: Any) -> str:
    """Template filter: a date as ``January 17, 2020``; other values unchanged."""
    if isinstance(value, dt.date):
        return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"
    return "" if value is None else str(value)


def template_environment() -> Any:
    """Sandboxed, escaping Jinja for .docx templates: no access to Python internals."""
    from jinja2 import StrictUndefined

    from drafting.sandbox import BoundedEnvironment

    env = BoundedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters["longdate"] = longdate
    return env


@dataclass
class Filing:
    """A rendered template waiting for its body and footnotes."""

    package: Package
    path: Path
    marker: Any  # the w:p element holding {{ body }}
    notes_before: int  # footnotes the template has before the body
    authorities: Any = None  # the w:p holding {{ authorities }}, if the template has one


def render_template(path: Path, context: dict[str, Any], brief: Location,
                    cache: Path | None = None) -> Filing:
    """Render a .docx template's fields; find the ``{{ body }}`` paragraph.

    The rendered template is kept in ``cache`` (a folder), keyed by the template's bytes
    and the values, and sealed (:mod:`drafting.seal`), so a rebuild of the same filing
    skips docxtpl and python-docx, and a planted or damaged file is never used."""
    return start_template(path, context, brief, cache).filing()


@dataclass
class Rendering:
    """A template's rendering under way (:func:`start_template`)."""

    path: Path
    cache: Path | None
    key: str | None
    rich: Any
    data: bytes | None  # from the cache, or once rendered
    work: Any = None  # the rendering by docxtpl, when there is one (Forked or Here)

    def filing(self) -> Filing:
        """Wait for the rendering; the filing it gives."""
        if self.data is None:
            with self.work:
                self.data = self.work.result()
            if self.cache is not None and self.key is not None:
                keep(self.cache / f"{self.key}.docx", self.data, f"rendered:{self.key}")
        return filing_of(Package(self.data, Location(self.path)), self.path, self.cache,
                         self.rich)

    def stop(self) -> None:
        """Give the rendering up (the build failed before it was needed)."""
        if self.work is not None:
            self.work.stop()

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def start_template(path: Path, context: dict[str, Any], brief: Location,
                   cache: Path | None = None, background: bool = False) -> Rendering:
    """:func:`render_template` begun: from the cache, or rendered by docxtpl, with
    ``background`` in a forked child (:class:`~drafting.parallel.Forked`) while the
    build goes on; :meth:`Rendering.filing` finishes it."""
    template = read_template(path, checked=False)
    try:
        context, rich = rich_values(context, brief)
    except DraftingError:
        check_docx(template, Location(path))  # a damaged template is reported first
        raise
    key = rendered_key(template, context)
    rendering = Rendering(path, cache, key, rich, cached_rendering(cache, key))
    if rendering.data is None:  # (a rendering kept for these very bytes was checked)
        from functools import partial

        from drafting.parallel import Forked, Here

        check_docx(template, Location(path))
        work = partial(render_with_docxtpl, template, path, context, brief)
        rendering.work = Forked(work) if background else Here(work)
    return rendering


def filing_of(package: Package, path: Path, cache: Path | None, rich: Any) -> Filing:
    """The rendered template as a filing: styles ensured, rich values in, and the
    ``{{ body }}`` paragraph found."""
    ensure_styles(package, cache)
    expand_rich_values(package, rich)
    body = package.tree(DOCUMENT).find(w("body"))
    markers = [p for p in body.iter(w("p")) if BODY_MARKER in text_of(p)]
    if len(markers) != 1:
        problem = "has no" if not markers else "has more than one"
        raise DraftingError(f"template {problem} {{{{ body }}}} paragraph; put {{{{ body }}}} "
                            "alone in the paragraph where the brief's text goes", Location(path))
    marker = markers[0]
    if text_of(marker).strip() != BODY_MARKER:
        raise DraftingError("the {{ body }} paragraph must hold nothing else; move the other "
                            "text to its own paragraph", Location(path))
    before = 0
    for el in body.iter(w("p"), w("footnoteReference")):
        if el is marker:
            break
        before += el.tag == w("footnoteReference")
    found = [p for p in body.iter(w("p")) if text_of(p).strip() == AUTHORITIES_MARKER]
    return Filing(package=package, path=path, marker=marker, notes_before=before,
                  authorities=found[0] if found else None)


def rendered_key(template: bytes, context: dict[str, Any]) -> str | None:
    """A hash of a template's bytes, the values it is rendered with (their types told
    apart) and this drafting; None when the values cannot be keyed."""
    try:
        values = typed_key(context)
    except TypeError:
        return None
    return digest(template + b"\0" + values, "rendered-template", code_digest())


def cached_rendering(cache: Path | None, key: str | None) -> bytes | None:
    """A rendered template from the cache, if it is there, sealed by us, under this key."""
    if cache is None or key is None:
        return None
    return kept(cache / f"{key}.docx", f"rendered:{key}")


def refuse_missing_fields(path: Path, context: dict[str, Any], brief: Location | None) -> None:
    """Every required field the brief's front matter lacks, in one error."""
    from drafting.templates import missing_fields, template_fields

    missing = missing_fields(template_fields(path), context)
    if missing:
        raise DraftingError(f"template {path.stem} needs front-matter field"
                            f"{'s' * (len(missing) > 1)} this brief does not give: "
                            f"{', '.join(missing)}; add {'them' if len(missing) > 1 else 'it'} "
                            f"(drafting template show {path.stem} lists every field)", brief)


def render_with_docxtpl(data: bytes, path: Path, context: dict[str, Any],
                        brief: Location) -> bytes:
    """Render the template's Jinja fields with docxtpl; the .docx as bytes."""
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render({**context, **PLACEHOLDERS}, template_environment())
        buffer = io.BytesIO()
        template.save(buffer)
    except jinja("UndefinedError") as err:
        refuse_missing_fields(path, context, brief)  # every missing field at once
        raise undefined_field(err, path, brief) from None
    except jinja("TemplateSyntaxError") as err:
        near = " ".join(" ".join(getattr(err, "docx_context", [])).split())[:80]
        raise DraftingError(f"Jinja syntax error in the template: {err.message}"
                            + (f" (near '{near}')" if near else ""), Location(path)) from None
    except jinja("TemplateError") as err:
        raise DraftingError(f"template error: {err}", Location(path)) from None
    except LimitError as err:
        raise LimitError(err.message, Location(path)) from None
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as err:
        raise DraftingError(f"template is a damaged .docx ({err}); save it again from Word",
                            Location(path)) from None
    except EXPRESSION_ERRORS as err:
        raise expression_error(err, path) from None
    return buffer.getvalue()


def expression_error(err: BaseException, path: Path) -> DraftingError:
    """The error for a template field that fails as it is worked out (``{{ 1/0 }}``,
    ``{% include %}``)."""
    if "no loader" in str(err):
        return DraftingError("a template cannot include other files; put the text in the "
                             "template itself", Location(path))
    return DraftingError(f"error in a template field: {err}", Location(path))


DOCXTPL_PREFIXES = pattern(r"(\{[{%])(?:p|r|tr|tc)\s")


def template_source(data: bytes) -> str:
    """The Jinja source of a template's body: its paragraphs' text, one per line."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    lines = [text_of(p) for p in body.iter(w("p"))]
    return DOCXTPL_PREFIXES.sub(r"\1 ", "\n".join(lines))


def read_template_source(data: bytes, path: Path) -> str:
    """:func:`template_source` of a template already known to be a .docx zip."""
    try:
        return template_source(data)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as err:
        raise DraftingError(f"template is a damaged .docx ({err}); save it again from Word",
                            Location(path)) from None


def undefined_field(err: Any, path: Path, brief: Location | None) -> DraftingError:
    """The error for a template field the brief's front matter does not define."""
    return DraftingError(f"template {path.name} uses {err.message.replace(' is undefined', '')}"
                         ", which the front matter does not define; add it", brief)


def check_template(path: Path, context: dict[str, Any] | None = None,
                   brief: Location | None = None) -> None:
    """Check a template without the Word stack: a sound .docx, valid Jinja, one paragraph
    holding only ``{{ body }}``, and, given a brief's ``context``, every field defined."""
    source = checked_source(path, read_template(path, checked=False))
    if context is not None:
        context = rich_values(context, brief or Location(path))[0]
    try:
        if context is None:
            template_environment().parse(source)
            rendered = re.sub(r"\{\{-?\s*body\s*-?\}\}", BODY_MARKER, source)
        else:  # (a check renders every brief's: compiled once per process)
            rendered = template_from(checking_environment(), source).render(
                {**context, **PLACEHOLDERS})
    except jinja("UndefinedError") as err:
        if context is not None:
            refuse_missing_fields(path, context, brief)  # every missing field at once
        raise undefined_field(err, path, brief) from None
    except jinja("TemplateSyntaxError") as err:
        raise DraftingError(f"Jinja syntax error in the template: {err.message}",
                            Location(path)) from None
    except jinja("TemplateError") as err:
        raise DraftingError(f"template error: {err}", Location(path)) from None
    except LimitError as err:
        raise LimitError(err.message, Location(path)) from None
    except EXPRESSION_ERRORS as err:
        raise expression_error(err, path) from None
    if sum(line.strip() == BODY_MARKER for line in rendered.splitlines()) != 1:
        raise DraftingError("template needs exactly one paragraph holding only {{ body }}",
                            Location(path))


#: Templates whose parts parsed, and their Jinja source, by path and digest (a check
#: checks every brief's template: the same few, over and over).
_CHECKED: dict[tuple[str, str], str] = {}


def checked_source(path: Path, data: bytes) -> str:
    """The Jinja source of a template that is a sound .docx whose XML parts all parse
    (else an error); the same bytes are checked once."""
    key = (str(path), digest(data, "checked-template"))
    if key not in _CHECKED:
        check_docx(data, Location(path))
        check_xml_parts(data, path)
        if len(_CHECKED) >= 32:  # (a watch runs for hours: keep the memo small)
            _CHECKED.clear()
        _CHECKED[key] = read_template_source(data, path)
    return _CHECKED[key]


@lru_cache(maxsize=1)
def checking_environment() -> Any:
    """One :func:`template_environment` for checking templates in this process."""
    return template_environment()


#: A front-matter field whose value is an e-mail address, printed as a mailto: link.
EMAIL_FIELD = pattern(r"(?:\w+_)?e-?mail", re.IGNORECASE)
EMAIL_ADDRESS = pattern(r"[^@\s<>()\[\]\"',;:]+@[^@\s<>()\[\]\"',;:]+\.[^@\s<>()\[\]\"',;:]+")
#: Pandoc's superscript, as in the body: ``16^th^``.
SUPERSCRIPT = pattern(r"\^([^\s^]+)\^")
#: Around the number of a value that prints as runs (private use: no text has it).
RICH = "\ue021"
RICH_MARK = pattern(f"{RICH}(\\d+){RICH}")


def rich_values(context: dict[str, Any], brief: Location
                ) -> tuple[dict[str, Any], list[tuple[Span, ...]]]:
    """The front matter with each value that prints as more than plain text replaced by
    a marker, and the spans of each marker: an e-mail field's address (``email``,
    ``contact_email``) as a mailto: link, ``16^th^`` as a superscript.
    :func:`expand_rich_values` puts the spans in once docxtpl has rendered the template."""
    found: list[tuple[Span, ...]] = []

    def visit(value: Any, name: str) -> Any:
        leaf = name.rpartition(".")[2]
        if EMAIL_FIELD.fullmatch(leaf):
            spans = email_spans(value, name, brief)
        elif isinstance(value, Mapping):
            return {key: visit(item, f"{name}.{key}" if name else str(key))
                    for key, item in value.items()}
        elif isinstance(value, list):
            return [visit(item, name) for item in value]
        elif isinstance(value, str) and SUPERSCRIPT.search(value):
            spans = superscript_spans(value)
        else:
            return value
        if spans is None:
            return value
        found.append(spans)
        return f"{RICH}{len(found) - 1}{RICH}"

    return visit(context, ""), found


def email_spans(value: Any, name: str, brief: Location) -> tuple[Span, ...] | None:
    """An e-mail field's link; None for text that is no address (printed as written)."""
    if not isinstance(value, str):
        raise DraftingError(f"front-matter field {name} must be an e-mail address like "
                            f"name@example.org, not {kind_of(value)}", field_location(brief, name))
    address = value.strip()
    if not EMAIL_ADDRESS.fullmatch(address):
        return None
    return (Span(address, link=f"mailto:{address}"),)


def superscript_spans(value: str) -> tuple[Span, ...]:
    """``815 16^th^ Street`` as spans, ``th`` raised."""
    pieces = SUPERSCRIPT.split(value)
    return tuple(Span(piece, sup=bool(i % 2)) for i, piece in enumerate(pieces) if piece)


def kind_of(value: Any) -> str:
    """What a YAML value is, in words."""
    if value is None:
        return "empty"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, dt.date):
        return f"a date ({value})"
    return f"a number ({value})" if isinstance(value, (int, float)) else repr(value)


def field_location(brief: Location, name: str) -> Location:
    """The line of a front-matter field (its last part, ``email``) in the brief."""
    leaf = re.escape(name.rpartition(".")[2])
    try:
        lines = brief.path.read_text(encoding="utf-8").splitlines() if brief.path else []
    except (OSError, UnicodeDecodeError):
        lines = []
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if re.match(rf"\s*{leaf}\s*:", line):
            return Location(brief.path, number)
    return brief


def expand_rich_values(package: Package, rich: Sequence[tuple[Span, ...]]) -> None:
    """Put the spans of :func:`rich_values` where docxtpl printed their markers: runs
    with the template run's formatting, raised or inside a link."""
    if not rich:
        return
    link_style = style_ids(package).get("hyperlink")
    for part in [n for n in package.names if n.startswith("word/") and n.endswith(".xml")]:
        if part not in package.trees and RICH.encode("utf-8") not in package.data[part]:
            continue
        root = package.tree(part)
        for text in [t for t in root.iter(w("t"), w("instrText")) if RICH in (t.text or "")]:
            run = text.getparent()
            if text.tag == w("t") and run.tag == w("r"):
                split_run(package, part, text, rich, link_style)
            else:  # a field's code: the plain text
                text.text = RICH_MARK.sub(lambda m: "".join(
                    s.text for s in rich[int(m[1])]), text.text)


def split_run(package: Package, part: str, text: Any, rich: Sequence[tuple[Span, ...]],
              link_style: str | None) -> None:
    """Replace the ``w:t`` holding markers by runs: its text and the markers' spans."""
    run = text.getparent()
    base = run.find(w("rPr"))
    in_link = run.getparent().tag == w("hyperlink")
    pieces = RICH_MARK.split(text.text)
    after = list(text.itersiblings())
    new: list[Any] = []
    for i, piece in enumerate(pieces):
        spans = rich[int(piece)] if i % 2 else ((Span(piece),) if piece else ())
        for span in spans:
            link = None if in_link else span.link
            piece_run = etree.Element(w("r"))
            props = merged_properties(base, run_properties_element(
                span, link_style if link else None))
            if len(props):
                piece_run.append(props)
            add_text(piece_run, span.text)
            if link:
                wrapper = etree.Element(w("hyperlink"))
                wrapper.set(f"{{{R_NS}}}id", package.relate(part, "hyperlink", link,
                                                            external=True))
                wrapper.append(piece_run)
                piece_run = wrapper
            new.append(piece_run)
    if after:
        tail = etree.Element(w("r"))
        if base is not None:
            tail.append(copy.deepcopy(base))
        tail.extend(after)
        new.append(tail)
    run.remove(text)
    anchor = run
    for element in new:
        anchor.addnext(element)
        anchor = element
    if all(child.tag == w("rPr") for child in run):
        run.getparent().remove(run)


#: Every ``w:rPr`` child, in the schema's order.
RPR_SCHEMA = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
              "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
              "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
              "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
              "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def merged_properties(base: Any, extra: Any) -> Any:
    """A run's ``w:rPr``: ``base`` (may be None) with ``extra``'s properties (may be
    None) over it."""
    rpr = copy.deepcopy(base) if base is not None else etree.Element(w("rPr"))
    for child in extra if extra is not None else ():
        name = etree.QName(child).localname
        old = rpr.find(w(name))
        if old is not None:
            rpr.replace(old, copy.deepcopy(child))
            continue
        rank = RPR_SCHEMA.index(name)
        later = [c for c in rpr if etree.QName(c).localname in RPR_SCHEMA[rank + 1:]]
        if later:
            later[0].addprevious(copy.deepcopy(child))
        else:
            rpr.append(copy.deepcopy(child))
    return rpr


def check_xml_parts(data: bytes, path: Path) -> None:
    """Every XML part of a template parses (a build would fail on a damaged one)."""
    package = Package(data, Location(path))
    for name in package.names:
        if name.endswith((".xml", ".rels")):
            package.tree(name)


def text_of(paragraph: Any) -> str:
    """The plain text of a ``w:p``."""
    return "".join(t.text or "" for t in paragraph.iter(w("t")))


#: Styles a brief needs, added to a template that lacks them (id, XML).
NEEDED_STYLES = {
    "FootnoteText": '<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote '
                    'text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr>'
                    '<w:rPr><w:sz w:val="20"/></w:rPr></w:style>',
    "FootnoteReference": '<w:style w:type="character" w:styleId="FootnoteReference"><w:name '
                         'w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/>'
                         '</w:rPr></w:style>',
    "Hyperlink": '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
                 '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>',
}


def styles_part(package: Package) -> str | None:
    """The name of the package's styles part, if it has one."""
    name = package.target(DOCUMENT, "styles") or "word/styles.xml"
    return name if name in package.data else None


def ensure_styles(package: Package, cache: Path | None = None) -> None:
    """Give a template the footnote and link styles if it lacks them. What its styles
    part has is kept in ``cache`` by the part's digest (parsing a Word styles part takes
    about 10 ms), so a template that lacks none is not parsed again."""
    name = styles_part(package)
    if name is None:
        return
    known = known_styles(package, name, cache)
    missing = [style_id for style_id in NEEDED_STYLES if style_id not in known["present"]]
    if not missing:
        package.style_ids = dict(known["ids"])
        return
    styles = package.tree(name)
    for style_id in missing:
        xml = NEEDED_STYLES[style_id]
        styles.append(etree.fromstring(xml.replace("<w:style ", f'<w:style xmlns:w="{W_NS}" ',
                                                   1)))


def known_styles(package: Package, name: str, cache: Path | None) -> dict[str, Any]:
    """``{"present": [style ids], "ids": {name or id: id}}`` of a styles part, from the
    cache (sealed, under the part's digest) or by parsing it."""
    import json

    key = digest(package.data[name], "styles-part", code_digest()) if cache else ""
    path = cache / f"{key}.styles.json" if cache is not None else None
    payload = kept(path, f"styles:{key}")
    try:
        known = json.loads(payload) if payload is not None else None
        if isinstance(known, dict) and isinstance(known.get("present"), list) \
                and all(isinstance(x, str) for x in known["present"]) \
                and isinstance(known.get("ids"), dict) \
                and all(isinstance(k, str) and isinstance(v, str)
                        for k, v in known["ids"].items()):
            return known
    except ValueError:
        pass  # damaged: parsed again
    root = package.trees.get(name)
    root = package.parsed(name) if root is None else root
    known = {"present": sorted({s.get(w("styleId"), "") for s in root.iter(w("style"))}),
             "ids": ids_of_styles(root)}
    if path is not None:
        keep(path, json.dumps(known).encode(), f"styles:{key}")
    return known


def style_ids(package: Package) -> dict[str, str]:
    """Style names (lowercase) and ids → style id."""
    name = styles_part(package)
    if name is None:
        return {}
    if name not in package.trees and package.style_ids is not None:
        return dict(package.style_ids)
    return ids_of_styles(package.tree(name))


def ids_of_styles(root: Any) -> dict[str, str]:
    """Style names (lowercase) and ids → style id, in a parsed styles part."""
    found: dict[str, str] = {}
    for style in root.iter(w("style")):
        style_id = style.get(w("styleId"), "")
        label = style.find(w("name"))
        found[style_id.lower()] = style_id
        if label is not None:
            found[label.get(w("val"), "").lower()] = style_id
    return found


def footnotes_root(package: Package) -> tuple[str, Any]:
    """The footnotes part (its name and root), created with its separators if missing."""
    name = package.target(DOCUMENT, "footnotes")
    if name and name in package.data:
        return name, package.tree(name)
    root = etree.fromstring(
        f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
        'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
        "</w:r></w:p></w:footnote></w:footnotes>")
    package.add("word/footnotes.xml", root, FOOTNOTES_CT)
    package.relate(DOCUMENT, "footnotes", "footnotes.xml")
    return "word/footnotes.xml", root


def writer_for(filing: Filing, targets: set[int], table: Any = None
               ) -> tuple[BodyWriter, Any]:
    """The body writer for a rendered template (footnote and bookmark numbers go on
    from the ones it has), and the footnotes part's root its notes go into."""
    package = filing.package
    notes_name, notes_root = footnotes_root(package)
    marks = package.tree(DOCUMENT).iter(w("bookmarkStart"))
    return BodyWriter(
        package, style_ids(package), notes_name,
        next_id=1 + max([number(n.get(W_ID)) for n in notes_root] + [0]),
        number=filing.notes_before,
        next_bookmark=1 + max([number(b.get(W_ID)) for b in marks] + [0]),
        targets=targets, table=table), notes_root


def simple(writer: BodyWriter, words: str, styles: tuple[str, ...], bold: bool = False,
           center: bool = False) -> Any:
    """A paragraph of plain text in the first of ``styles`` the template has."""
    p = etree.Element(W_P)
    ppr = etree.SubElement(p, W_PPR)
    style = writer.style(styles)
    if style:
        etree.SubElement(ppr, W_PSTYLE).set(W_VAL, style)
    if center:
        etree.SubElement(ppr, w("jc")).set(W_VAL, "center")
    run = etree.SubElement(p, W_R)
    if bold:
        etree.SubElement(etree.SubElement(run, W_RPR), w("b"))
    add_text(run, words)
    return p


def table_of_authorities(writer: BodyWriter, table: Any) -> list[Any]:
    """The table: a title, then per category a heading and a TOA field whose cached
    result lists each authority with the notes citing it (Word puts pages there when
    it updates fields)."""
    from drafting.authorities import pages

    out = [simple(writer, table.title, ("Section Title", "Heading 1"), bold=True, center=True)]
    for category in table.categories:
        out.append(simple(writer, category.name, ("toa heading", "Heading 2"), bold=True))
        entries = []
        for authority in category.authorities:
            p = etree.Element(W_P)
            ppr = etree.SubElement(p, W_PPR)
            style = writer.style(("table of authorities",))
            if style:
                etree.SubElement(ppr, W_PSTYLE).set(W_VAL, style)
            tab = etree.SubElement(etree.SubElement(ppr, w("tabs")), w("tab"))
            tab.set(W_VAL, "right")
            tab.set(w("leader"), "dot")
            tab.set(w("pos"), "9350")
            etree.SubElement(ppr, w("ind")).set(w("hanging"), "360")
            p.extend(fragment(writer.inlines_xml(authority.entry)))
            add_text(etree.SubElement(p, W_R), "\t" + pages(authority.notes))
            entries.append(p)
        # the field begins before the first entry and ends after the last
        runs = fragment(field(f'TOA \\c "{category.number}" \\p', ""))
        first, last = entries[0], entries[-1]
        for run in reversed(runs[:3]):  # begin, instruction, separate
            first.insert(1, run)
        last.append(runs[-1])  # end
        out.extend(entries)
    return out


def list_of_sources(writer: BodyWriter, title: str, entries: Sequence[Sequence[Inline]]
                    ) -> list[Any]:
    """A heading and one paragraph per source."""
    heading = simple(writer, title, ("Heading 1",), bold=True, center=True)
    page_break_before(heading)
    out = [heading]
    for entry in entries:
        p = etree.Element(W_P)
        ppr = etree.SubElement(p, W_PPR)
        style = writer.style(("Bibliography", "Normal"))
        if style:
            etree.SubElement(ppr, W_PSTYLE).set(W_VAL, style)
        ind = etree.SubElement(ppr, w("ind"))
        ind.set(w("left"), "720")
        ind.set(w("hanging"), "720")
        etree.SubElement(ppr, w("spacing")).set(w("after"), "120")
        p.extend(fragment(writer.inlines_xml(entry)))
        out.append(p)
    return out


#: Clark names of the tags and attributes written here most.
W_P, W_PPR, W_PSTYLE, W_R, W_RPR = (w(t) for t in ("p", "pPr", "pStyle", "r", "rPr"))
W_VAL, W_ID = w("val"), w("id")
W_FOOTNOTE_REFERENCE = w("footnoteReference")


def run_properties_element(span: Span, link_style: str | None) -> Any:
    """``w:rPr`` for a span's marks as an element, or None for a span without any."""
    xml = run_properties(span, link_style)
    return fragment(xml)[0] if xml else None


def add_text(run: Any, value: str) -> None:
    """Text into a run element: tabs become ``w:tab``, newlines ``w:br``; spaces are kept."""
    run.extend(fragment(text_runs(value)))


def number(value: str | None) -> int:
    """A numeric ``w:id`` (a template may carry odd ones, like ``abc``: those count 0)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def renumber(body: Any, notes_root: Any) -> None:
    """Give notes ids 1..N in the order the body references them, and store them in that order."""
    notes = {n.get(W_ID): n for n in notes_root if n.get(w("type")) not in SPECIAL_NOTES}
    specials = [n for n in notes_root if n.get(w("type")) in SPECIAL_NOTES]
    next_id = 1 + max([number(n.get(W_ID)) for n in specials] + [0])
    new_ids: dict[str, str] = {}
    for ref in body.iter(W_FOOTNOTE_REFERENCE):
        old = ref.get(W_ID)
        if old not in new_ids and old in notes:
            new_ids[old] = str(next_id)
            next_id += 1
        if old in new_ids:
            ref.set(W_ID, new_ids[old])
    ordered = [notes[old] for old in new_ids]
    unreferenced = [n for key, n in notes.items() if key not in new_ids]
    for old, new in new_ids.items():
        notes[old].set(W_ID, new)
    for note in unreferenced:
        note.set(W_ID, str(next_id))
        next_id += 1
    for note in notes.values():
        notes_root.remove(note)
    for note in ordered + unreferenced:
        notes_root.append(note)


def fill(filing: Filing, blocks: Sequence[Block], notes: Sequence[Sequence[Inline]],
         table: Any = None, sources: tuple[str, Sequence[Sequence[Inline]]] | None = None
         ) -> None:
    """Put the blocks where ``{{ body }}`` was; ``notes`` are the note contents in order.

    ``table`` (a table of authorities) goes where ``{{ authorities }}`` is, or before the
    body; ``sources`` (a title and entries) is a list of sources after it. When the
    template needs nothing of the body but its place (:func:`spliceable`), the body's
    XML goes in as text when the parts are written; else it is parsed into the tree
    (the two write the same bytes)."""
    targets = {p.number for note in notes for p in note if isinstance(p, NoteRef)}
    writer, notes_root = writer_for(filing, targets, table)
    note_iter = iter(notes)
    written = []
    for block in blocks:
        count = sum(isinstance(i, NoteMark) for i in block.inlines)
        written.append(writer.paragraph(block, [next(note_iter) for _ in range(count)]))
    if spliceable(filing, notes_root, table, sources):
        if filing.authorities is not None:  # its place, with no table to put there
            filing.authorities.getparent().remove(filing.authorities)
        filing.package.splice(DOCUMENT, filing.marker, "".join(written))
        end = etree.SubElement(notes_root, W_P)  # (a place at the notes' end)
        filing.package.splice(writer.notes_name, end, "".join(writer.notes))
        return
    paragraphs = fragment("".join(written))
    for paragraph in paragraphs:  # each before the marker: linear (insert(i) is O(i))
        filing.marker.addprevious(paragraph)
    notes_root.extend(fragment("".join(writer.notes)))
    parent = filing.marker.getparent()
    if sources is not None:  # an appendix: after everything, on a page of its own
        body = filing.package.tree(DOCUMENT).find(w("body"))
        end = body.find(w("sectPr"))
        for paragraph in list_of_sources(writer, *sources):
            if end is not None:
                end.addprevious(paragraph)
            else:
                body.append(paragraph)
    entries = table_of_authorities(writer, table) if table is not None and table.categories \
        else []
    at = filing.authorities if filing.authorities is not None else paragraphs[0] \
        if paragraphs else filing.marker
    for paragraph in entries:
        at.addprevious(paragraph)
    if filing.authorities is not None:
        filing.authorities.getparent().remove(filing.authorities)
    parent.remove(filing.marker)
    if entries:  # the table on pages of its own, between the caption and the brief
        page_break_before(entries[0])
        following = next_paragraph(entries[-1])
        if following is not None:
            page_break_before(following)
    renumber(filing.package.tree(DOCUMENT).find(w("body")), notes_root)


def spliceable(filing: Filing, notes_root: Any, table: Any, sources: Any) -> bool:
    """Whether the body's XML can go in as text: no table of authorities or list of
    sources to place around it, no footnotes of the template's own (the body's notes
    are then numbered in order already, as :func:`renumber` would), and both parts
    declaring the ``w:`` and ``r:`` prefixes the text uses."""
    document = filing.package.tree(DOCUMENT)
    return ((table is None or not table.categories) and sources is None
            and all(n.get(w("type")) in SPECIAL_NOTES for n in notes_root)
            and next(document.iter(W_FOOTNOTE_REFERENCE), None) is None
            and all(root.nsmap.get("w") == W_NS and root.nsmap.get("r") == R_NS
                    for root in (document, notes_root)))


#: ``w:pPr`` children that come before ``w:pageBreakBefore`` (the schema's order).
BEFORE_PAGE_BREAK = ("pStyle", "keepNext", "keepLines")


def page_break_before(paragraph: Any) -> None:
    """Start a page with ``paragraph`` (Word's "page break before")."""
    ppr = paragraph.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        paragraph.insert(0, ppr)
    if ppr.find(w("pageBreakBefore")) is not None:
        return
    place = sum(1 for child in ppr if etree.QName(child).localname in BEFORE_PAGE_BREAK)
    ppr.insert(place, etree.Element(w("pageBreakBefore")))


def next_paragraph(element: Any) -> Any:
    """The paragraph after ``element`` in the body (a table's first), or None."""
    for sibling in element.itersiblings():
        if sibling.tag == W_P:
            return sibling
        if sibling.tag == w("tbl"):
            return next(sibling.iter(W_P), None)
        if sibling.tag == w("sectPr"):
            return None
    return None


def save(filing: Filing, out: Path) -> None:
    """Save through a temporary file in the same folder, then rename over ``out``."""
    folder = out.parent
    if not folder.is_dir():
        raise DraftingError("the output folder does not exist; create it or choose "
                            "another path with -o", Location(out))
    write_output(out, lambda handle: handle.write(filing.package.to_bytes()), "output file")
