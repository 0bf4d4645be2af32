"""CSL-JSON (Zotero's and Better BibTeX's native export, pandoc's and Zotero's API's)
as the BibLaTeX entries the styles read.

Types and fields follow the CSL 1.0 specification and Better BibTeX's own mapping;
names become BibLaTeX name lists (an institution, CSL's ``literal``, in braces), dates
in ``date-parts`` become ISO dates (a range as ``start/end``). The result goes through
the same ``source add`` / ``import`` / ``sync`` path as a .bib export.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from drafting.errors import DraftingError, Location

#: CSL type → (BibLaTeX type, entrysubtype).
TYPES = {
    "article-journal": ("article", ""), "article": ("article", ""),
    "article-magazine": ("article", "magazine"), "article-newspaper": ("article", "newspaper"),
    "book": ("book", ""), "chapter": ("incollection", ""), "entry-encyclopedia":
    ("inreference", ""), "entry-dictionary": ("inreference", ""), "paper-conference":
    ("inproceedings", ""), "report": ("report", ""), "thesis": ("thesis", ""),
    "webpage": ("online", ""), "post-weblog": ("online", ""), "post": ("online", ""),
    "legal_case": ("jurisdiction", ""), "legislation": ("legislation", ""),
    "bill": ("legislation", ""), "treaty": ("legislation", "treaty"),
    "hearing": ("report", "hearing"), "interview": ("misc", "interview"),
    "manuscript": ("unpublished", ""), "dataset": ("dataset", ""),
    "software": ("software", ""), "personal_communication": ("letter", ""),
}
#: CSL variable → BibLaTeX field, for every type.
FIELDS = {
    "title": "title", "title-short": "shorttitle", "collection-title": "series",
    "publisher-place": "location", "volume": "volume", "edition": "edition",
    "ISBN": "isbn", "ISSN": "issn", "DOI": "doi", "URL": "url", "note": "note",
    "abstract": "abstract", "language": "langid", "genre": "type", "number": "number",
    "event-title": "eventtitle", "container-title-short": "shortjournal",
    "journalAbbreviation": "shortjournal", "section": "chapter",
}
DATES = {"issued": "date", "accessed": "urldate", "original-date": "origdate",
         "event-date": "eventdate"}
NAMES = {"author": "author", "editor": "editor", "translator": "translator",
         "interviewer": "editor", "container-author": "bookauthor", "director": "author"}
#: An id that can be a key as it is (Better BibTeX's keys; not Zotero's item URIs).
KEY = re.compile(r"^[A-Za-z][\w:.+-]*$")


def looks_like_csl(text: str) -> bool:
    """Whether an export is CSL-JSON (a JSON array or object) rather than BibTeX."""
    return text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{")


def to_biblatex(text: str, origin: Path | None) -> str:
    """CSL-JSON items as BibLaTeX entries (refusing JSON that is not CSL, with its line)."""
    where = origin or Path("<stdin>")
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as err:
        raise DraftingError(f"not valid JSON ({err.msg}); export CSL JSON again from "
                            "Zotero", Location(where, err.lineno)) from None
    items = data.get("items", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DraftingError("not CSL JSON (a list of items, each an object); export CSL "
                            "JSON from Zotero", Location(where))
    keys: set[str] = set()
    return "\n".join(entry(item, index, keys, where) for index, item in enumerate(items, 1))


def entry(item: dict[str, Any], index: int, keys: set[str], where: Path) -> str:
    """One CSL item as a BibLaTeX entry."""
    kind, subtype = TYPES.get(str(item.get("type", "")), ("misc", ""))
    key = item_key(item, index, keys)
    fields: dict[str, str] = {}
    for csl, name in NAMES.items():
        if isinstance(item.get(csl), list) and name not in fields:
            fields[name] = " and ".join(person(p) for p in item[csl] if isinstance(p, dict))
    for csl, name in FIELDS.items():
        if item.get(csl) not in (None, "") and name not in fields:
            fields[name] = value(item[csl])
    container(item, kind, fields)
    for csl, name in DATES.items():
        date = csl_date(item.get(csl))
        if date:
            fields[name] = date
    if item.get("page"):
        fields["pages"] = value(item["page"]).replace("–", "--").replace("-", "--") \
            .replace("----", "--")
    if item.get("issue"):
        fields["number" if kind == "article" else "issue"] = value(item["issue"])
    if item.get("publisher"):
        fields["institution" if kind in ("report", "thesis") else "publisher"] = \
            value(item["publisher"])
    if item.get("authority"):
        fields["institution" if kind != "jurisdiction" else "court"] = value(item["authority"])
    if subtype:
        fields["entrysubtype"] = subtype
    if not fields.get("title"):
        raise DraftingError(f"CSL item {index} ('{key}') has no title; give it one in "
                            "Zotero", Location(where))
    body = ",\n".join(f"  {name} = {{{text}}}" for name, text in fields.items() if text)
    return f"@{kind}{{{key},\n{body},\n}}\n"


def container(item: dict[str, Any], kind: str, fields: dict[str, str]) -> None:
    """Where the item appeared: a journal, a book, a site, a case's reporter."""
    title = item.get("container-title")
    if not title:
        return
    name = {"article": "journaltitle", "incollection": "booktitle", "inreference": "booktitle",
            "inproceedings": "booktitle", "online": "organization",
            "jurisdiction": "reporter", "legislation": "journaltitle"}.get(kind, "journaltitle")
    fields.setdefault(name, value(title))


def item_key(item: dict[str, Any], index: int, keys: set[str]) -> str:
    """The item's citation key (Better BibTeX's ``citation-key``, else its ``id`` when
    it can be a key), unique in the export."""
    for name in ("citation-key", "citationKey", "id"):
        candidate = str(item.get(name, "")).strip()
        if candidate and KEY.match(candidate) and not candidate.isdigit():
            break
    else:
        candidate = made_key(item) or f"csl-{index}"
    key, number = candidate, 2
    while key in keys:
        key, number = f"{candidate}-{number}", number + 1
    keys.add(key)
    return key


def made_key(item: dict[str, Any]) -> str:
    """A key from the first author, year and title: ``hrw-2018-kazakhstan``."""
    from drafting.propose import initials, slug

    names = item.get("author") or item.get("editor") or []
    first = names[0] if names and isinstance(names[0], dict) else {}
    who = initials("{" + str(first["literal"]) + "}") if first.get("literal") else \
        slug(str(first.get("family", "")), 1)
    year = csl_date(item.get("issued"))[:4]
    title = slug(str(item.get("title", "")), 1)
    return "-".join(p for p in ((who, year, title) if who else (title, year)) if p)


def person(name: dict[str, Any]) -> str:
    """A CSL name as BibLaTeX writes it: ``von Last, Jr., First``; an institution (a
    ``literal`` name) whole, in braces."""
    if name.get("literal"):
        return "{" + value(name["literal"]) + "}"
    family = " ".join(str(p) for p in (name.get("non-dropping-particle"),
                                       name.get("family")) if p)
    given = " ".join(str(p) for p in (name.get("given"), name.get("dropping-particle")) if p)
    parts = [value(family)] + ([value(name["suffix"])] if name.get("suffix") else []) \
        + ([value(given)] if given else [])
    return ", ".join(parts) if family else value(given)


def csl_date(date: Any) -> str:
    """A CSL date as ISO 8601: ``{"date-parts": [[2019, 3, 14]]}`` → ``2019-03-14``; a
    range ``start/end``; a ``raw`` or ``literal`` date only when it already is ISO."""
    if not isinstance(date, dict):
        return ""
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        ends = ["-".join(f"{int(p):02d}" if i else f"{int(p):04d}"
                         for i, p in enumerate(part[:3]) if str(p).strip().lstrip("-").isdigit())
                for part in parts[:2] if part]
        ends = [e for e in ends if e]
        return "/".join(dict.fromkeys(ends))
    raw = str(date.get("raw") or date.get("literal") or "").strip()
    return raw if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?", raw) \
        else ""


def value(text: Any) -> str:
    """A value as a BibLaTeX field holds it: braces balanced, ``%`` escaped, spaces
    folded."""
    text = " ".join(str(text).split())
    text = re.sub(r"(?<!\\)%", r"\\%", text)
    if text.count("{") != text.count("}"):
        text = text.replace("{", "").replace("}", "")
    return text
