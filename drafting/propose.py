"""Propose a sources.bib entry for a citation that matches none (for ``import``).

A citation's text is read several ways (a case or a statute through eyecite, a journal
article, a book as the house style prints one, a web page or report as "Author, Title
(Date), URL"), each giving a candidate entry. The importer keeps the first candidate
that the library's own style prints back as the very text it came from; when none
does, the entry holds the citation word for word and is flagged for review.

Plain text in, BibLaTeX text out; which candidate wins is decided by ``importer``,
which knows the style.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import field
from functools import cache

from drafting.recover import Recovered
from drafting.values import dataclass

#: Months as a citation prints them: full names and Bluebook T12 abbreviations.
MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
MONTH = r"(?P<{0}>[A-Za-z]{{3,9}})\.?"
DAY_DATE = re.compile(MONTH.format("month") + r"\s+(?P<day>\d{1,2})(?:\s*[-–]\s*(?P<to>\d{1,2}))?"
                      r",?\s+(?P<year>\d{4})$")
MONTH_DATE = re.compile(r"(?:" + MONTH.format("month") + r"\s*[-–]\s*)?"
                        + MONTH.format("month2") + r"\s+(?P<year>\d{4})$")
YEAR_ONLY = re.compile(r"(?P<year>\d{4})$")
EDITION = re.compile(r"^(?P<what>.+?)\s+eds?\.(?P<comma>,)?\s+(?P<year>\d{4})$")
PUBLISHED = re.compile(r"^(?P<event>.+?),\s+published\s+(?P<year>\d{4})$")
QUOTED = (re.compile(r'^(?:(?P<author>[^“"]+?),\s+)?[“"](?P<title>.+?),[”"]\s*(?P<rest>.*)$'),
          re.compile(r'^(?:(?P<author>[^“"]+?),\s+)?[“"](?P<title>[^”"]+?)[”"],?\s*(?P<rest>.*)$'))
ARTICLE = re.compile(r"^(?P<author>[^,]+(?:,\s*(?:Jr\.|Sr\.|II|III))?),\s+(?P<title>.+),\s+"
                     r"(?P<volume>\d+)\s+(?P<journal>[A-Z][^,()]*?)\s+(?P<first>\d+)"
                     r"(?:,\s*(?P<pin>\d[\d\-–, ]*))?\s+\((?P<year>[^()]*\d{4})\)$")
NEWSPAPER = re.compile(r"^(?:(?P<author>[^,]+),\s+)?(?P<title>.+),\s+(?P<paper>[^,]+),\s+"
                       r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}),\s+at\s+"
                       r"(?P<first>[A-Z]?\d+)(?:,\s*(?P<pin>[A-Z]?\d[\d\-–, ]*))?$")
BOOK = re.compile(r"^(?:(?P<author>[^,]+),\s+)?(?P<title>.+?)(?:,\s+(?P<location>[^,]+))?,\s+"
                  r"(?P<publisher>[^,]+),\s+(?P<edition>[^,]+?)\s+edition,\s+(?P<year>\d{4})"
                  r"(?:,\s+(?P<pin>[^,]+?))?(?:,?\s+available\s+at\s+(?P<url>\S+))?$")
#: A document's symbol or number: a slash or a dot between letters and digits.
SYMBOL = re.compile(r"^(?=[^ ]*\d)(?=[^ ]*/)[A-Z0-9][\w./-]*(?: [A-Z]{2,5})?$")
#: A first part longer than this is a title, not an author's name.
MAX_AUTHOR_WORDS = 8


@cache
def word_list(name: str) -> frozenset[str]:
    """A word list from ``data/import.yaml`` (institution_words, stopwords)."""
    from importlib import resources

    import yaml

    text = resources.files("drafting").joinpath("data/import.yaml").read_text(encoding="utf-8")
    return frozenset(str(word) for word in yaml.safe_load(text)[name])


@dataclass(frozen=True)
class Proposal:
    """A candidate entry: its type, BibLaTeX field values (braced as written), and the
    pinpoint to cite it at."""

    type: str
    fields: dict[str, str] = field(default_factory=dict)
    pin: str = ""
    how: str = "web"  # case, statute, article, book, web, verbatim

    def with_fields(self, **extra: str) -> Proposal:
        return Proposal(self.type, {**self.fields, **extra}, self.pin, self.how)


def iso_date(text: str) -> str | None:
    """"March 14, 2019" → 2019-03-14; "Oct. 15-17, 2019" → 2019-10-15/2019-10-17;
    "May–June 2016" → 2016-05/2016-06; "2019" → 2019; else None."""
    text = " ".join(text.split())
    match = DAY_DATE.match(text)
    if match and match["month"].lower() in MONTHS:
        month = MONTHS[match["month"].lower()]
        start = f"{match['year']}-{month:02d}-{int(match['day']):02d}"
        return start + (f"/{match['year']}-{month:02d}-{int(match['to']):02d}"
                        if match["to"] else "")
    match = MONTH_DATE.match(text)
    if match and match["month2"].lower() in MONTHS:
        end = f"{match['year']}-{MONTHS[match['month2'].lower()]:02d}"
        if match["month"]:
            if match["month"].lower() not in MONTHS:
                return None
            return f"{match['year']}-{MONTHS[match['month'].lower()]:02d}/{end}"
        return end
    match = YEAR_ONLY.match(text)
    return match["year"] if match else None


#: Characters LaTeX would read as commands, and how BibLaTeX writes them as text (the
#: library reads field values through LaTeX: a bare ``~`` is a space, ``$`` math).
LATEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
              "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
              "^": r"\string^"}


def braced(value: str) -> str:
    """A value as a BibLaTeX field holds it, printing back exactly as written."""
    return "".join(LATEX_TEXT.get(char, char) for char in value)


def url_field(url: str) -> str:
    """A URL as BibLaTeX's verbatim ``url`` field holds it (only braces matter)."""
    return url.replace("{", "%7B").replace("}", "%7D")


def is_institution(name: str) -> bool:
    """Whether an author's name is an organisation's (not a person's, nor people's:
    "Lance Compa & Jeffrey S. Vogt" is two people)."""
    found = re.findall(r"\w+", re.sub(r"['’]", "", name.lower()))
    if any(word in word_list("institution_words") for word in found) \
            or any(word.isupper() and len(word) > 1 for word in re.findall(r"\w+", name)):
        return True
    people = re.split(r"\s+(?:&|and)\s+", name)
    return any(len(person.split()) > 4 for person in people)


def author_field(name: str) -> str:
    """``{{Human Rights Watch}}`` for an institution, ``Andrei Grishin`` for a person,
    ``A & B`` as ``A and B``."""
    if is_institution(name):
        return "{" + braced(name) + "}"
    if re.fullmatch(r"[^,]+,\s*[^,]+", name):  # "Grishin, Andrei": already Last, First
        return braced(name)
    return " and ".join(braced(n.strip()) for n in re.split(r"\s+&\s+|\s+and\s+", name))


def candidates(item: Recovered) -> list[Proposal]:
    """Every reading of a full citation, most specific first; the last always holds the
    citation word for word."""
    found: list[Proposal] = []
    found += legal(item.raw)
    found += article(item.raw)
    found += newspaper(item.raw)
    found += book(item.raw)
    found += quoted(item)
    found += generic(item)
    found.append(verbatim(item))
    if item.hereinafter:
        found = [p.with_fields(shorthand=braced(item.hereinafter)) for p in found]
    return found


def legal(raw: str) -> list[Proposal]:
    """A case or a statute, as eyecite reads it."""
    try:
        from eyecite import get_citations
        from eyecite.models import FullCaseCitation, FullLawCitation
    except ImportError:  # pragma: no cover - eyecite is a dependency
        return []
    found: list[Proposal] = []
    try:
        cites = get_citations(raw)
    except ValueError:  # eyecite refuses text with nothing to read in it
        return []
    for cite in cites:
        meta, groups = cite.metadata, cite.groups
        if isinstance(cite, FullCaseCitation) and meta.year:
            found += case(raw, groups, meta)
        elif isinstance(cite, FullLawCitation):
            found += statute(raw, groups, meta)
        if found:
            break
    return found


def case(raw: str, groups: dict, meta: object) -> list[Proposal]:
    """``Brown v. Board of Education, 347 U.S. 483, 495 (1954)``."""
    start = raw.find(f"{groups['volume']} {groups['reporter']}")
    title = raw[:start].strip().rstrip(",").strip() if start > 0 else ""
    if not title:
        return []
    court = ""
    tail = re.search(r"\(([^()]*?)\s*\d{4}\)$", raw)
    if tail:
        court = tail[1].strip()
    fields = {"title": braced(title), "volume": groups["volume"],
              "reporter": groups["reporter"], "pages": groups["page"],
              "date": meta.year}
    if court:
        fields["court"] = braced(court)
    plaintiff = getattr(meta, "plaintiff", None)
    if plaintiff and plaintiff != title:
        fields["shorttitle"] = braced(plaintiff)
    return [Proposal("jurisdiction", fields, meta.pin_cite or "", "case")]


def statute(raw: str, groups: dict, meta: object) -> list[Proposal]:
    """``19 U.S.C. § 2462(b) (2018)``: the code and title as the entry, the section as
    the pinpoint (so every section cites one entry)."""
    volume = groups.get("title") or groups.get("chapter") or ""
    reporter = groups.get("reporter", "")
    section = groups.get("section", "")
    if not (volume.isdigit() and reporter and section):
        return []
    pin = f"§ {section}{meta.pin_cite or ''}"
    base = {"date": meta.year} if meta.year else {}
    at = raw.find(f"{volume} {reporter}")
    name = raw[:at].strip().rstrip(",").strip() if at > 0 else ""
    found = [Proposal("legislation", {"title": braced(f"{volume} {reporter}"), **base},
                      pin, "statute")]
    if name:
        found.append(Proposal("legislation", {"title": braced(name), "volume": volume,
                                              "journaltitle": reporter, **base}, pin,
                              "statute"))
    return found


def article(raw: str) -> list[Proposal]:
    """``Author, Title, 22 Comp. Lab. L. & Pol'y J. 199, 205 (2001)``."""
    match = ARTICLE.match(raw)
    date = iso_date(match["year"]) if match else None
    if not match or not date:
        return []
    fields = {"author": author_field(match["author"]), "title": braced(match["title"]),
              "journaltitle": braced(match["journal"]), "volume": match["volume"],
              "pages": match["first"], "date": date}
    return [Proposal("article", fields, (match["pin"] or "").strip(), "article")]


def newspaper(raw: str) -> list[Proposal]:
    """``Author, Title, N.Y. Times, Aug. 3, 1992, at A1, 9`` (R. 16.6: the date, no
    volume, "at" the first page)."""
    match = NEWSPAPER.match(raw)
    date = iso_date(match["date"]) if match else None
    if not match or not date:
        return []
    fields = {"title": braced(match["title"]), "journaltitle": braced(match["paper"]),
              "date": date, "pages": braced(match["first"])}
    if match["author"]:
        fields = {"author": author_field(match["author"]), **fields}
    return [Proposal("article", fields, (match["pin"] or "").strip(), "article")]


def book(raw: str) -> list[Proposal]:
    """A book as the house style prints one: ``Title, Place, Publisher, Fifth edition,
    2006, 66-67, available at URL``."""
    match = BOOK.match(raw)
    if not match:
        return []
    fields = {"title": braced(match["title"]), "publisher": braced(match["publisher"]),
              "edition": braced(match["edition"]), "date": match["year"]}
    for name in ("location", "url"):
        if match[name]:
            fields[name] = url_field(match[name]) if name == "url" else braced(match[name])
    pin = (match["pin"] or "").strip()
    author = match["author"]
    untitled = {**fields, "title": braced(f"{author}, {match['title']}")} if author else None
    if author and len(author.split()) <= MAX_AUTHOR_WORDS:
        found = [Proposal("book", {"author": author_field(author), **fields}, pin, "book")]
        return found + [Proposal("book", untitled or fields, pin, "book")]
    return [Proposal("book", untitled or fields, pin, "book")]


def quoted(item: Recovered) -> list[Proposal]:
    """A title in quotation marks, as notes in a report style print it: ``Author,
    “Title,” Site, March 14, 2019, ¶ 27, URL``."""
    match = QUOTED[0].match(item.raw) or QUOTED[1].match(item.raw)
    if not match:
        return []
    rest = match["rest"].replace(item.url, "") if item.url else match["rest"]
    chunks = [c.strip() for c in rest.split(",") if c.strip()]
    site: list[str] = []
    pins: list[str] = []
    dates: dict[str, str] | None = None
    index = 0
    while index < len(chunks):
        for width in (2, 1):  # "March 14" + "2019" is one date
            found = dated(", ".join(chunks[index:index + width])) if dates is None else None
            if found and len(chunks[index:index + width]) == width:
                dates, index = found, index + width
                break
        else:
            (pins if dates is not None else site).append(chunks[index])
            index += 1
    fields = {"title": braced(match["title"])}
    if match["author"]:
        fields = {"author": author_field(match["author"]), **fields}
    if site:
        fields["organization"] = braced(", ".join(site))
    fields.update({**(dates or {}), **({"url": url_field(item.url)} if item.url else {})})
    return [Proposal("online" if item.url else "report", fields, ", ".join(pins), "web")]


def generic(item: Recovered) -> list[Proposal]:
    """A web page or report: ``Author, [Site,] Title (Date), URL`` in its readings."""
    dates = dated(item.date)
    if dates is None:
        return []
    kind = "online" if item.url else "report"
    base = {**dates, **({"url": url_field(item.url)} if item.url else {})}
    parts = [p.strip() for p in item.text.split(", ")]
    found: list[dict[str, str]] = []
    if len(parts) >= 2 and len(parts[0].split()) <= MAX_AUTHOR_WORDS:
        if len(parts) >= 3 and not is_institution(parts[0]) and is_institution(parts[1]):
            # a person writing for a site: "Andrei Grishin, Fergana News Agency, Title"
            found += [{"author": author_field(parts[0]), "organization": braced(parts[1]),
                       **t} for t in titled(parts[2:])]
        found += [{"author": author_field(parts[0]), **t} for t in titled(parts[1:])]
    found += titled(parts)
    if "edition" in dates or "editor" in dates:
        kind = "book"
    return [Proposal(kind, {**fields, **base}, item.pin, "web") for fields in found]


def titled(parts: list[str]) -> list[dict[str, str]]:
    """A title from comma-separated parts; a closing document symbol
    ("E/C.12/KAZ/CO/2", "2019/2610 RSP") read as its number, and as part of it."""
    whole = {"title": braced(", ".join(parts))}
    if len(parts) >= 2 and SYMBOL.match(parts[-1]):
        return [{"title": braced(", ".join(parts[:-1])), "number": braced(parts[-1])}, whole]
    return [whole]


def dated(text: str) -> dict[str, str] | None:
    """The date fields a citation's date gives (``{}`` for none, None if unreadable)."""
    if not text:
        return {}
    date = iso_date(text)
    if date:
        return {"date": date}
    match = PUBLISHED.match(text.strip())
    if match and iso_date(match["event"]):
        return {"eventdate": iso_date(match["event"]) or "", "date": match["year"]}
    match = EDITION.match(text.strip())  # Bluebook's "(5th rev. ed. 2006)", "(Jane Doe ed., 2006)"
    if match:
        name = "editor" if match["comma"] else "edition"
        return {name: braced(match["what"]), "date": match["year"]}
    return None


def verbatim(item: Recovered) -> Proposal:
    """The citation word for word, as a title (for a reviewer to put in its fields)."""
    return Proposal("misc", {"title": "{" + braced(item.raw) + "}"}, "", "verbatim")


def slug(text: str, words: int = 3) -> str:
    """Lower-case ASCII words joined by hyphens: ``Kazakhstan: Attack on`` →
    ``kazakhstan-attack``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"\b((?:[A-Za-z]\.){2,})", lambda m: m[1].replace(".", ""), ascii_text)
    stop = word_list("stopwords")
    found = [w for w in re.findall(r"[a-z0-9]+", ascii_text.lower()) if w not in stop]
    return "-".join(found[:words])


def initials(name: str) -> str:
    """An institution's initials (``Human Rights Watch`` → ``hrw``), a person's surname."""
    clean = re.sub(r"['’]s\b", "", name.replace("{", "").replace("}", ""))
    clean = re.sub(r"['’]", "", clean)  # "Int’l" is one word
    if not is_institution(clean):
        return slug(clean.split(" and ")[0].split()[-1] if clean.split() else clean, 1)
    acronym = re.search(r"\b([A-Z]{2,})\b", clean)
    if acronym:
        return acronym[1].lower()
    kept = [w for w in re.findall(r"[A-Za-z]+", clean) if w.lower() not in word_list("stopwords")]
    return "".join(w[0] for w in kept).lower()[:6]


def make_key(proposal: Proposal, taken: set[str]) -> str:
    """A readable key not in ``taken``: ``hrw-2018-kazakhstan``, ``brown-1954``,
    ``usc-19``."""
    fields = {k: v.replace("{", "").replace("}", "") for k, v in proposal.fields.items()}
    year = (fields.get("date") or "")[:4]
    title = fields.get("title", "")
    if proposal.how == "case":
        base = "-".join(filter(None, (slug(fields.get("shorttitle") or title, 2), year)))
    elif proposal.how == "statute":
        base = slug(f"{fields.get('journaltitle', '')} {title}", 4)
    else:
        who = initials(fields["author"]) if fields.get("author") else ""
        base = "-".join(filter(None, (who, year, slug(title, 1)) if who
                            else (slug(title, 3), year)))
    base = base or "imported"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def entry_text(key: str, proposal: Proposal, extra: dict[str, str] | None = None) -> str:
    """The BibLaTeX entry, laid out as ``drafting fmt`` lays entries out."""
    fields = {**proposal.fields, **(extra or {})}
    width = max(len(name) for name in fields)
    lines = [f"  {name:<{width}} = {{{value}}}," for name, value in fields.items()]
    return f"@{proposal.type}{{{key},\n" + "\n".join(lines) + "\n}\n"
