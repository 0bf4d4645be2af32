"""New entries from citation text (drafting/propose.py), chosen by printing them back
in the style (drafting/importer.py), and Markdown written from Word runs
(drafting/mdwrite.py) that parses back to the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drafting.errors import Location
from drafting.importer import Context, choose, laid_out, parsed_entry
from drafting.markdown import parse_blocks, parse_inline
from drafting.mdwrite import escape_block, runs_markdown
from drafting.model import Span
from drafting.propose import author_field, entry_text, iso_date, make_key
from drafting.recover import recover
from drafting.style import load_style
from drafting.wordread import WordRun

ROOT = Path(__file__).resolve().parent.parent


def context(style: str, tmp_path: Path) -> Context:
    return Context(tmp_path, load_style(style, ROOT), style, {}, set(), tmp_path / "f.docx")


@pytest.mark.parametrize(("text", "iso"), [
    ("March 14, 2019", "2019-03-14"), ("Mar. 14, 2019", "2019-03-14"),
    ("Sept. 1, 2019", "2019-09-01"), ("July 15 2019", "2019-07-15"),
    ("October 15-17, 2019", "2019-10-15/2019-10-17"), ("May–June 2016", "2016-05/2016-06"),
    ("August 2019", "2019-08"), ("2019", "2019"),
    ("Smarch 3, 2019", None), ("5th rev. ed. 2006", None), ("", None),
])
def test_dates_as_citations_print_them(text: str, iso: str | None) -> None:
    assert iso_date(text) == iso


@pytest.mark.parametrize(("name", "field"), [
    ("Human Rights Watch", "{Human Rights Watch}"),
    ("Int’l Lab. Org.", "{Int’l Lab. Org.}"),
    ("ITUC", "{ITUC}"),
    ("Andrei Grishin", "Andrei Grishin"),
    ("Grishin, Andrei", "Grishin, Andrei"),
    ("Lance Compa & Jeffrey S. Vogt", "Lance Compa and Jeffrey S. Vogt"),
])
def test_authors_people_or_institutions(name: str, field: str) -> None:
    assert author_field(name) == field


@pytest.mark.parametrize(("style", "citation", "how", "fields"), [
    ("bluebook", "Brown v. Bd. of Educ., 347 U.S. 483, 495 (1954)", "case",
     {"title": "Brown v. Bd. of Educ.", "volume": "347", "reporter": "U.S.",
      "pages": "483"}),
    ("bluebook", "Doe v. Unocal Corp., 110 F. Supp. 2d 1294, 1300 (C.D. Cal. 2000)", "case",
     {"court": "C.D. Cal.", "reporter": "F. Supp. 2d"}),
    ("bluebook", "19 U.S.C. § 2462(b) (2018)", "statute", {"title": "19 U.S.C."}),
    ("bluebook", "Lance Compa & Jeffrey S. Vogt, Labor Rights in the Generalized System of "
     "Preferences: A 20-Year Review, 22 Comp. Lab. L. & Pol'y J. 199, 205 (2001)", "article",
     {"volume": "22", "pages": "199", "date": "2001"}),
    ("bluebook", "Andrew Rosenthal, White House Tutors Kremlin in How a Presidential "
     "Campaign Should Be Run, N.Y. Times, Aug. 3, 1992, at A1", "article",
     {"date": "1992-08-03", "pages": "A1"}),
    ("house", "Human Rights Watch, Kazakhstan: Attack on Trade Union Leaders (November 12, "
     "2018) available at https://www.hrw.org/news/2018/11/12/attack", "web",
     {"author": "{Human Rights Watch}", "date": "2018-11-12",
      "url": "https://www.hrw.org/news/2018/11/12/attack"}),
    ("ibid", "Grishin, Andrei, “A Country Under a Paragraph,” Fergana News Agency, July 15, "
     "2019, https://fergana.agency/articles/108990/", "web",
     {"author": "Grishin, Andrei", "organization": "Fergana News Agency"}),
])
def test_a_citation_becomes_the_entry_that_prints_it(style: str, citation: str, how: str,
                                                     fields: dict, tmp_path: Path) -> None:
    proposal, exact = choose(recover(citation), context(style, tmp_path), set())
    assert exact and proposal.how == how, proposal
    for name, value in fields.items():
        assert proposal.fields[name] == value, name


def test_what_cannot_be_read_is_kept_word_for_word(tmp_path: Path) -> None:
    """A citation none of the readings prints back becomes a misc entry holding it."""
    text = "Telephone Interview with Michael Hoffman, Senior Engineer (Jan. 3, 2010)"
    proposal, exact = choose(recover(text), context("house", tmp_path), set())
    assert proposal.how == "verbatim" and proposal.fields["title"] == "{" + text + "}"


def test_keys_are_readable_and_new() -> None:
    from drafting.propose import Proposal

    web = Proposal("online", {"author": "{Human Rights Watch}", "title": "Kazakhstan: Attack",
                              "date": "2018-11-12"})
    assert make_key(web, set()) == "hrw-2018-kazakhstan"
    assert make_key(web, {"hrw-2018-kazakhstan"}) == "hrw-2018-kazakhstan-2"
    case = Proposal("jurisdiction", {"title": "Brown v. Board", "shorttitle": "Brown",
                                     "date": "1954"}, how="case")
    assert make_key(case, set()) == "brown-1954"
    untitled = Proposal("online", {"title": "ITUC Global Rights Index", "date": "2019"})
    assert make_key(untitled, set()) == "ituc-global-rights-2019"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_any_footnote_gives_an_entry_that_parses(tmp_path: Path, text: str) -> None:
    """Whatever a footnote holds (braces, percent signs, backslashes, @), the proposed
    entry is BibLaTeX the library reads back."""
    item = recover(text)
    proposal, _ = choose(item, context("house", tmp_path), set())
    entry = laid_out(entry_text("k", proposal))
    assert "k" in parsed_entry(entry, tmp_path)


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                             blacklist_characters="\"'\n\r\t\u00a0\u2028"),
               min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, st.booleans(), st.booleans(), st.booleans()), min_size=1,
                max_size=4))
@example([("-", False, False, False)])  # a lone dash: a list item unless escaped
@example([("- - -", False, False, False)])  # a rule
def test_runs_written_as_markdown_read_back_the_same(runs: list) -> None:
    """Markdown written from Word runs parses back to the same text with the same
    italics and bold, whatever the text holds (``*``, ``[@``, ``{{``, ``$``, ``^``,
    a leading ``#`` or ``27.``), superscripts included."""
    word = [WordRun(text, italic=italic, bold=bold, sup=sup) for text, italic, bold, sup in runs]
    markdown = escape_block(runs_markdown(word, lambda n: ""))
    wanted = [(c, i, b, u) for text, i, b, u in runs for c in text if not c.isspace()]
    if not wanted:
        return
    got = [(c, s.italic, s.bold, s.sup) for s in parse_inline(markdown) if isinstance(s, Span)
           for c in s.text if not c.isspace()]
    assert got == wanted, markdown
    blocks = parse_blocks(markdown, Location(Path("x.md")))
    assert len(blocks) == 1 and blocks[0].kind == "para", markdown
