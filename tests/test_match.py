"""Matching recovered citations to sources.bib entries (drafting/match.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.build import build, prepare, resolved_notes
from drafting.library import load_sources
from drafting.match import match_source, normal_url
from drafting.model import Source
from drafting.recover import Recovered, recover_note, resolve_short_forms
from drafting.resolve import FULL
from drafting.wordread import read_document

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "hrw": Source("hrw", "report", {"author": "{Human Rights Watch}", "date": "2016-11",
                                    "title": "``We Are Not the Enemy'': Violations of Workers' "
                                             "Rights in Kazakhstan"}),
    "tsoi": Source("tsoi", "article", {"author": "Tsoi, Ekaterina", "title": "Trade unions",
                                       "date": "2018", "doi": "10.1080/02634937.2018.1534805"}),
    "web": Source("web", "online", {"title": "A page", "url": "https://www.Example.org/a/"}),
    "smith-a": Source("smith-a", "book",
                      {"author": "Smith, Jane", "title": "Labour", "date": "2001"}),
    "smith-b": Source("smith-b", "book",
                      {"author": "Smith, Jane", "title": "Unions", "date": "2001"}),
    "doe": Source("doe", "book", {"author": "Doe, John", "title": "Strikes", "date": "1999"}),
}


@pytest.mark.parametrize(("a", "b"), [
    ("https://www.example.org/a/", "http://example.org/a"),
    ("https://EXAMPLE.org/a?x=1", "example.org/a?x=1"),
    ("https://example.org/a.", "https://example.org/a"),
])
def test_urls_compare_by_what_they_address(a: str, b: str) -> None:
    assert normal_url(a) == normal_url(b)


@pytest.mark.parametrize(("item", "key", "how"), [
    (Recovered("Another name for it", url="http://example.org/a"), "web", "url"),
    (Recovered("Tsoi, Trade unions, https://doi.org/10.1080/02634937.2018.1534805"), "tsoi",
     "doi"),
    # curly or straight quotes, case and spacing do not matter to a title
    (Recovered('Human Rights Watch, "We are not the enemy": violations of workers’ rights in '
               "Kazakhstan"), "hrw", "title"),
    # an author and a year that only one entry has
    (Recovered("J. Doe, a book about strikes", date="1999"), "doe", "author+year"),
    # ... but not when two entries share them
    (Recovered("Jane Smith, her book", date="2001"), None, ""),
    (Recovered("Something else entirely", date="2020"), None, ""),
])
def test_match_source(item: Recovered, key: str | None, how: str) -> None:
    got = match_source(item, SOURCES)
    assert (got.key, got.how) == (key, how)


@pytest.mark.parametrize("style", ["house", "bluebook", "ibid"])
def test_the_example_brief_matches_every_source_it_cites(style: str, tmp_path: Path) -> None:
    """Built in any style, read back and recovered, every full citation of the example
    brief matches the entry it was made from."""
    brief = ROOT / "briefs" / "kazakhstan-2020.md"
    out = tmp_path / "brief.docx"
    build(brief, out, style=style)
    resolved, _ = resolved_notes(prepare(brief, style), 1)
    cited = [[i.item.key for p in note.parts for i in getattr(p, "items", ()) if i.form == FULL]
             for note in resolved]
    document = read_document(out)
    notes, _ = resolve_short_forms([recover_note(document.note_text(n))
                                    for n in document.note_order()])
    sources = load_sources(ROOT / "sources.bib")
    matched = [[match_source(i, sources).key for i in note if i.form == "full"]
               for note in notes]
    assert matched == cited
