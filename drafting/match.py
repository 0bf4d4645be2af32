"""Match a recovered citation (``recover``) to an entry of ``sources.bib``.

In order of trust: the same URL (scheme, ``www.``, case of the host and a trailing
slash aside), the same DOI, a near-identical title inside the citation's text
(rapidfuzz), then an author and a year that only one entry has. What matches nothing is
for the importer to propose as a new entry.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from drafting.library import parse_names
from drafting.model import Source
from drafting.recover import Recovered
from drafting.values import dataclass

DOI = re.compile(r"\b(10\.\d{4,9}/[^\s,;]+)", re.I)
YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "})
#: A title this similar (rapidfuzz's 0-100) to part of a citation is the same title.
TITLE_SCORE = 92
MIN_TITLE = 10  # shorter titles ("Id", "Report") are too common to match on alone


@dataclass(frozen=True)
class Match:
    """Which entry a citation is, and how that was decided."""

    key: str | None
    how: str = ""  # url, doi, title, author+year
    score: float = 0.0


def normal_url(url: str) -> str:
    """A URL reduced for comparison: no scheme, no ``www.``, host in lower case, no
    trailing slash or stop."""
    url = url.strip().rstrip(".,;")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = parts.netloc.lower().removeprefix("www.")
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return host + rest


def plain(text: str) -> str:
    """Text reduced for fuzzy comparison: straight quotes, one space, lower case."""
    return " ".join(text.translate(QUOTES).replace("{", "").replace("}", "").split()).lower()


def match_source(item: Recovered, sources: dict[str, Source]) -> Match:
    """The entry a full citation stands for (``Match(None)`` when none is close enough)."""
    if item.url:
        wanted = normal_url(item.url)
        for key, source in sources.items():
            if source.fields.get("url") and normal_url(source.fields["url"]) == wanted:
                return Match(key, "url", 100.0)
    text = " ".join(part for part in (item.text, item.date, item.url) if part)
    doi = DOI.search(text)
    if doi:
        for key, source in sources.items():
            if source.fields.get("doi", "").lower() == doi[1].lower().rstrip("."):
                return Match(key, "doi", 100.0)
    best = by_title(plain(item.text), sources)
    if best.key:
        return best
    return by_author_and_year(item, sources)


def by_title(text: str, sources: dict[str, Source]) -> Match:
    """The entry whose title (or short title) is most nearly inside ``text``."""
    from rapidfuzz import fuzz

    best = Match(None)
    for key, source in sources.items():
        for name in ("title", "shorttitle"):
            title = plain(source.fields.get(name, ""))
            if len(title) < MIN_TITLE or len(title) > len(text) + 5:
                continue
            score = fuzz.partial_ratio(title, text)
            if score >= TITLE_SCORE and score > best.score:
                best = Match(key, "title", score)
    return best


def by_author_and_year(item: Recovered, sources: dict[str, Source]) -> Match:
    """The one entry whose author's surname and year are both in the citation."""
    text = plain(item.text)
    years = set(YEAR.findall(item.date or item.text))
    found = []
    for key, source in sources.items():
        year = (source.fields.get("date") or source.fields.get("year") or "")[:4]
        names = [n.family for n in parse_names(source.fields.get("author", ""))]
        if year in years and names and all(plain(n) in text for n in names):
            found.append(key)
    return Match(found[0], "author+year", 80.0) if len(found) == 1 else Match(None)
