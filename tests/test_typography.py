"""Typography (drafting/typography.py) and the Bluebook tables' functions
(drafting/abbreviations.py): tables of input → output, and invariants."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.abbreviations import (
    Tables,
    abbreviate_periodical,
    build_tables,
    close_up,
    edition,
    first_page,
    ordinal,
    title_case,
)
from drafting.typography import Typography, smart_quotes, typeset

ALL = Typography()
N = "\u00a0"


@pytest.mark.parametrize(("text", "expected"), [
    ("19 U.S.C. § 2462(d)", f"19 U.S.C.{N}§{N}2462(d)"),
    ("¶¶ 27-28", f"¶¶{N}27-28"),
    ("§§ 2461--2467", f"§§{N}2461–2467"),  # a range of numbers: en dash
    ("to ... take", f"to .{N}.{N}. take"),  # R. 5.3
    ("to...take", f"to .{N}.{N}. take"),
    ("to … take", f"to .{N}.{N}. take"),
    ("the end....", f"the end.{N}.{N}.{N}."),  # the sentence's stop, then the ellipsis
    ("“[...] we", f"“[.{N}.{N}.] we"),
    ("a logo -- if any", "a logo — if any"),  # an em dash
    ("a logo---if any", "a logo—if any"),
    ("https://x.org/---ed_norm/a--b", "https://x.org/---ed_norm/a--b"),  # an address
    ("See https://x.org/r--2019/s...final.pdf -- or jane--doe@union.org.",
     "See https://x.org/r--2019/s...final.pdf — or jane--doe@union.org."),  # in text too
    ("plain text", "plain text"),
])
def test_typeset(text: str, expected: str) -> None:
    assert typeset(text, ALL) == expected


def test_rules_can_be_turned_off() -> None:
    rules = Typography.of({"ellipsis": False, "dashes": False})
    assert typeset("a -- b ... see § 5", rules) == f"a -- b ... see §{N}5"
    assert Typography.of("not a mapping") == ALL


@pytest.mark.parametrize(("text", "expected"), [
    ('The "GSP" review', "The “GSP” review"),
    ("AFL-CIO's brief", "AFL-CIO’s brief"),
    ("'quoted' and (\"more\")", "‘quoted’ and (“more”)"),
    ("info@union.org", "info@union.org"),
])
def test_smart_quotes(text: str, expected: str) -> None:
    assert smart_quotes(text) == expected


TEXT = st.text(alphabet=st.sampled_from(list("ab19 .-§¶…'\"\u00a0/:@")), max_size=40)


@settings(max_examples=500)
@given(TEXT)
def test_typesetting_is_idempotent_and_keeps_the_words(text: str) -> None:
    """Typesetting twice changes nothing more, and only spaces, dots and dashes change:
    never a letter or a digit."""
    once = typeset(text, ALL)
    assert typeset(once, ALL) == once
    assert re.sub(r"[^\w§¶]", "", once) == re.sub(r"[^\w§¶]", "", text)


@given(st.text(alphabet=st.sampled_from(list("ab '\"(-")), max_size=30))
def test_smart_quotes_keep_everything_but_the_quotes(text: str) -> None:
    out = smart_quotes(text)
    assert smart_quotes(out) == out
    assert re.sub(r"[\"'“”‘’]", "", out) == re.sub(r"[\"'“”‘’]", "", text)
    assert '"' not in out and "'" not in out


SMALL = ["a", "an", "the", "and", "of", "on", "in", "for", "v."]


@pytest.mark.parametrize(("title", "expected"), [
    ("Concluding observations on the second periodic report of Kazakhstan",
     "Concluding Observations on the Second Periodic Report of Kazakhstan"),
    ("Workers On Strike For Pay", "Workers on Strike for Pay"),  # R. 8: small words lower
    ("the rise: a history", "The Rise: A History"),  # first and after a colon: capital
    ("Brown v. Board of Education", "Brown v. Board of Education"),
    ("the iPhone and ILO rules", "The iPhone and ILO Rules"),  # acronyms, odd case kept
    ("labor-market rules", "Labor-Market Rules"),
])
def test_title_case(title: str, expected: str) -> None:
    assert title_case(title, SMALL) == expected


def test_title_case_leaves_other_languages() -> None:
    assert title_case("le droit du travail", SMALL, "french") == "le droit du travail"


@given(st.text(alphabet=st.sampled_from(list("abAB :-.")), max_size=40))
def test_title_case_only_changes_case(title: str) -> None:
    assert title_case(title, SMALL).lower() == title.lower()


@pytest.mark.parametrize(("number", "expected"), [
    (1, "1st"), (2, "2d"), (3, "3d"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (22, "22d"), (102, "102d"), (111, "111th"), (116, "116th"),
])
def test_ordinals_r_6_2(number: int, expected: str) -> None:
    assert ordinal(number) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2", "2d"), ("3rd", "3d"), ("2nd edition", "2d"), ("Fifth (revised)", "5th rev."),
    ("1", ""), ("rev.", "rev."),
])
def test_editions(text: str, expected: str) -> None:
    assert edition(text) == expected


def test_first_page_and_thousands() -> None:
    assert first_page("199--240") == "199"
    assert first_page("12345–12350") == "12,345"
    assert first_page("A1") == "A1"


TABLES = build_tables([
    {"words": {"International": "Int'l", "Law": "L."}, "places": {"New York": "N.Y."}},
    {"periodicals": {"Yale Law Journal": "Yale L.J."},
     "periodical_words": {"New York University": "N.Y.U.", "Journal": "J.", "Law": "L.",
                          "Review": "Rev.", "University": "U.", "and": "&"},
     "omit": ["of", "the"]},
])


@pytest.mark.parametrize(("name", "expected"), [
    ("Yale Law Journal", "Yale L.J."),  # listed
    ("the yale law journal", "Yale L.J."),  # case, a leading "The"
    ("Journal of International Law", "J. Int'l L."),  # word by word, "of" left out
    ("New York University Law Review", "N.Y.U. L. Rev."),  # R. 6.1(a): not "N.Y.U.L."
    ("Law and Society Review", "L. & Society Rev."),
    ("Unlisted Words", "Unlisted Words"),
])
def test_periodicals(name: str, expected: str) -> None:
    assert abbreviate_periodical(name, TABLES) == expected


def test_close_up_joins_only_single_capitals() -> None:
    assert close_up("L. J.") == "L.J."
    assert close_up("Yale L. J. Online") == "Yale L.J. Online"
    assert close_up("N.Y. L. Sch. L. Rev.") == "N.Y. L. Sch. L. Rev."


def test_without_tables_nothing_is_abbreviated() -> None:
    assert abbreviate_periodical("Yale Law Journal", Tables()) == "Yale Law Journal"
    assert not Tables()
