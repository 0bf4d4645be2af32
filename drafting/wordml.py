"""WordprocessingML names and the .docx package, shared by the Word writer (``word``)
and the Word reader (``wordread``): the only modules that know Word XML."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from drafting.errors import DraftingError, Location
from drafting.hashing import sha1
from drafting.inputs import read_bytes
from drafting.patterns import pattern

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
SPECIAL_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
#: A password-protected .docx (and an old .doc) is an OLE compound file, not a zip.
#: zlib's level for the parts of a built .docx: a third of the time of the default (6)
#: for a file about 30% larger; Word and LibreOffice read any level.
COMPRESS_LEVEL = 1
OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCUMENT = "word/document.xml"



def w(tag: str) -> str:
    """Clark name of a ``w:`` tag or attribute."""
    return f"{{{W_NS}}}{tag}"


def read_docx(path: Path, what: str = "template", limit: int = MAX_DOCX_BYTES,
              hint: str = "save it again from Word", checked: bool = True) -> bytes:
    """A .docx's bytes, refused when missing, not a .docx zip (a password-protected file
    is not one), too large or a zip bomb. Everything after works on these bytes, so
    what was checked is what is used. Without ``checked``, only the size is: the
    caller checks them (:func:`check_docx`) when it has to use more than their digest."""
    where = Location(path)
    if not path.is_file():
        raise DraftingError(f"{what} not found; check the path", where)
    data = read_bytes(path, limit, where, too_large="remove large images from it")
    if checked:
        check_docx(data, where, what, hint)
    return data


def check_docx(data: bytes, where: Location, what: str = "template",
               hint: str = "save it again from Word") -> None:
    """Refuse bytes that are not a sound .docx (see :func:`read_docx`)."""
    if data[:8] == OLE_SIGNATURE:
        raise DraftingError(f"{what} is password-protected or an old .doc file; remove the "
                            "password (or save it as .docx) in Word and try again", where)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DraftingError(
            f"{what} is not a Word .docx file (not a zip archive); save it from Word as .docx",
            where,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
            bad = archive.testzip() if total <= MAX_UNZIPPED_BYTES else None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
        raise DraftingError(f"{what} is a damaged .docx ({err}); {hint}", where) from None
    if total > MAX_UNZIPPED_BYTES:
        raise DraftingError(
            f"{what} expands to more than 100 MB; it is not a normal Word file", where
        )
    if bad is not None or DOCUMENT not in names:
        raise DraftingError(
            f"{what} is a damaged .docx (no readable word/document.xml); {hint}", where
        )


class Package:
    """A .docx as its parts (zip members); the XML parts we change are parsed once."""

    def __init__(self, data: bytes, where: Location | None = None,
                 what: str = "the template") -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.names = archive.namelist()
            self.data = {name: archive.read(name) for name in self.names}
        self.trees: dict[str, Any] = {}
        self.splices: dict[str, list[tuple[bytes, bytes]]] = {}  # part: (placeholder, XML)
        self.style_ids: dict[str, str] | None = None  # known without parsing (word.py)
        self.where = where
        self.what = what

    def tree(self, name: str) -> Any:
        """The parsed root of an XML part (a located error when it is not sound XML)."""
        if name not in self.trees:
            self.trees[name] = self.parsed(name)
        return self.trees[name]

    def parsed(self, name: str) -> Any:
        """A part parsed afresh, to read only: the part is written back as it came."""
        try:
            return etree.fromstring(self.data[name])
        except etree.XMLSyntaxError as err:
            raise DraftingError(f"{self.what}'s {name} is damaged XML ({err}); save it "
                                "again from Word", self.where) from None

    def add(self, name: str, root: Any, content_type: str | None = None) -> None:
        """A new XML part (with its content type, unless a default covers it)."""
        self.names.append(name)
        self.trees[name] = root
        if content_type:
            types = self.tree("[Content_Types].xml")
            override = etree.SubElement(types, f"{{{CT_NS}}}Override")
            override.set("PartName", "/" + name)
            override.set("ContentType", content_type)

    def rels(self, part: str) -> Any:
        """The relationships of a part, created empty if it has none."""
        folder, _, base = part.rpartition("/")
        name = f"{folder}/_rels/{base}.rels"
        if name not in self.data and name not in self.trees:
            self.add(name, etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS}))
        return self.tree(name)

    def target(self, part: str, kind: str) -> str | None:
        """The part a relationship of this kind points to (``word/footnotes.xml``)."""
        folder = part.rpartition("/")[0]
        for rel in self.rels(part):
            if rel.get("Type") == RT_BASE + kind and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
        return None

    def relate(self, part: str, kind: str, target: str, external: bool = False) -> str:
        """Add a relationship from ``part``; returns its id."""
        rels = self.rels(part)
        numbers = [int(m[1]) for r in rels if (m := re.fullmatch(r"rId(\d+)", r.get("Id", "")))]
        rid = f"rId{max(numbers, default=0) + 1}"
        rel = etree.SubElement(rels, f"{{{PR_NS}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", RT_BASE + kind)
        rel.set("Target", target)
        if external:
            rel.set("TargetMode", "External")
        return rid

    def splice(self, name: str, element: Any, xml: str) -> None:
        """Put ``xml`` (elements written with the prefixes the part declares) where
        ``element`` is in part ``name`` when the part is written, without parsing it: a
        processing instruction with a name of this run's own holds the place."""
        place = etree.ProcessingInstruction(f"drafting-splice-{os.urandom(8).hex()}")
        element.getparent().replace(element, place)
        self.splices.setdefault(name, []).append((etree.tostring(place), xml.encode()))

    def serialised(self, name: str) -> bytes:
        """An XML part as it is written (its splices in their places)."""
        data = etree.tostring(self.trees[name], xml_declaration=True, encoding="UTF-8",
                              standalone=True)
        for placeholder, xml in self.splices.get(name, ()):
            if data.count(placeholder) != 1:
                raise ValueError(f"the place kept in {name} for its text is gone")
            data = data.replace(placeholder, xml, 1)
        return data

    def to_bytes(self) -> bytes:
        """The .docx file, with the changed parts serialised."""
        buffer = io.BytesIO()
        # (the level goes to writestr: a ZipInfo of our own does not take the archive's)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.names:
                data = self.serialised(name) if name in self.trees else self.data[name]
                # a fixed date: the same build gives the same bytes (reproducible)
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=COMPRESS_LEVEL)
        return buffer.getvalue()


#: The hidden bookmarks a build puts around each use of a fact, one per paragraph (a
#: bookmark across paragraphs does not survive LibreOffice): ``_df_`` + the first ten
#: hex digits of the id's SHA-1 + which use in the brief + which paragraph of it + eight
#: hex digits of the fact's text as built (so ``pull`` knows a fact changed since).
#: Word allows 40 letters, digits and ``_`` in a name; a leading ``_`` hides it.
FACT_BOOKMARK = pattern(r"^_df_([0-9a-f]{10})_(\d+)_(\d+)(?:_([0-9a-f]{8}))?$")


def fact_digest(fact_id: str) -> str:
    """The part of a fact's bookmarks that names the fact."""
    return sha1(fact_id.encode("utf-8")).hexdigest()[:10]


def text_version(body: str) -> str:
    """The part of a fact's bookmarks that names its text as built."""
    return sha1(body.strip().encode("utf-8")).hexdigest()[:8]


def fact_bookmark(fact_id: str, occurrence: int, part: int, version: str = "") -> str:
    """The bookmark around paragraph ``part`` of the ``occurrence``-th use of a fact."""
    return f"_df_{fact_digest(fact_id)}_{occurrence}_{part}" + (f"_{version}" if version else "")
