"""Bluebook tables applied to what a citation prints: institutional names (T6, T10),
periodicals (T13), months (T12), title capitalisation (R. 8), ordinals (R. 6.2(b)).

The tables are data: YAML files in ``drafting/styles/tables/`` that a style lists under
``tables:``; a library's ``styles/tables/NAME.yaml`` is merged over the built-in one,
so an editor adds a journal without touching Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Any

from drafting.patterns import pattern
from drafting.values import dataclass

WORD_SPLIT = pattern(r"([^\w'’]+)")
SINGLE_CAPITAL = pattern(r"^[A-Z]\.$")
MAX_PHRASE = 8  # the longest table key looked for, in words
WORD_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                 "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
                 "twelfth": 12}
ENGLISH = {"", "english", "american", "british", "en", "en-us", "en-gb", "usenglish",
           "ukenglish", "canadian", "australian", "newzealand"}


@dataclass(unsafe_hash=True)
class Tables:
    """The loaded tables of a style (all keys lower-cased for matching)."""

    words: dict[str, str] = field(default_factory=dict)  # T6 + T10: names
    case_words: dict[str, str] = field(default_factory=dict)  # T6 alone: case names
    periodicals: dict[str, str] = field(default_factory=dict)  # T13 full names
    periodical_words: dict[str, str] = field(default_factory=dict)  # T13 + T6 + T10
    omit: frozenset[str] = frozenset()  # T13: words left out of periodical names
    places: dict[str, str] = field(default_factory=dict)  # T10 alone
    months: tuple[str, ...] = ()  # T12
    longest_words: int = 1  # the most words in a key of `words` / `periodical_words`
    longest_periodical_words: int = 1

    def __bool__(self) -> bool:
        return bool(self.words or self.periodicals or self.places or self.months)


def lower_keys(mapping: Any) -> dict[str, str]:
    """A table's ``Word: Abbr.`` pairs with the words lower-cased and spaces collapsed."""
    if not isinstance(mapping, Mapping):
        return {}
    return {" ".join(str(k).split()).lower(): str(v) for k, v in mapping.items()}


def build_tables(tables: Iterable[Mapping[str, Any]]) -> Tables:
    """One :class:`Tables` from the parsed table files (later files win)."""
    words: dict[str, str] = {}
    places: dict[str, str] = {}
    periodicals: dict[str, str] = {}
    periodical_words: dict[str, str] = {}
    omit: set[str] = set()
    months: tuple[str, ...] = ()
    for table in tables:
        words.update(lower_keys(table.get("words")))
        places.update(lower_keys(table.get("places")))
        periodical_words.update(lower_keys(table.get("periodical_words")))
        periodicals.update({periodical_key(k): v
                            for k, v in lower_keys(table.get("periodicals")).items()})
        omit |= {str(w).lower() for w in table.get("omit") or []}
        if isinstance(table.get("months"), list) and len(table["months"]) == 12:
            months = tuple(str(m) for m in table["months"])
    names = {**places, **words}
    periodical = {**places, **words, **periodical_words}
    return Tables(words=names, case_words=words, periodicals=periodicals,
                  periodical_words=periodical,
                  omit=frozenset(omit), places=places, months=months,
                  longest_words=longest(names), longest_periodical_words=longest(periodical))


def periodical_key(name: str) -> str:
    """A periodical's name reduced for lookup: case, "&"/"and", a leading "The"."""
    text = " ".join(name.replace("&", " and ").split()).lower()
    return text.removeprefix("the ")


def replace_words(text: str, table: Mapping[str, str], omit: frozenset[str] = frozenset(),
                  most: int = 0) -> str:
    """Replace the table's words and phrases (longest first, at most ``most`` words),
    leaving out ``omit``."""
    tokens = WORD_SPLIT.split(text)  # words at even indices, separators at odd ones
    most = most or longest(table)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if i % 2 or not word:
            out.append(word)
            i += 1
            continue
        for size in range(most, 0, -1):
            end = i + 2 * (size - 1)
            if end >= len(tokens) or any(tokens[j] != " " for j in range(i + 1, end, 2)):
                continue
            phrase = " ".join(tokens[i:end + 1:2]).lower()
            if phrase in table:
                out.append(table[phrase])
                i = end + 1
                break
        else:
            if word.lower() in omit and out:
                out.pop()  # the space before it
            elif word.lower() in omit and i + 1 < len(tokens):
                i += 1  # a leading omitted word takes the space after it
            else:
                out.append(word)
            i += 1
    return "".join(out).strip()


def longest(table: Mapping[str, str]) -> int:
    """The number of words in the table's longest key (at most :data:`MAX_PHRASE`)."""
    return min(MAX_PHRASE, max((key.count(" ") + 1 for key in table), default=1))


def close_up(text: str) -> str:
    """Close up adjacent single capitals (R. 6.1(a)): ``L. J.`` → ``L.J.``, but not a
    single capital with a longer abbreviation (``N.Y.U. L. Rev.``)."""
    out: list[str] = []
    joinable = False  # whether the last word is single capitals closed up
    for word in text.split(" "):
        single = SINGLE_CAPITAL.match(word) is not None
        if single and joinable:
            out[-1] += word
        else:
            out.append(word)
            joinable = single
    return " ".join(out)


def abbreviate_name(name: str, tables: Tables) -> str:
    """An institution's name with T6 and T10 words abbreviated: "International Labour
    Organization" → "Int'l Lab. Org."."""
    return replace_words(name, tables.words, most=tables.longest_words) if tables.words \
        else name


def abbreviate_case_name(name: str, tables: Tables) -> str:
    """A case name with T6 words abbreviated (R. 10.2.2: "Brown v. Bd. of Educ."); places
    are not, since a place is often a party ("United States v. ...")."""
    return replace_words(name, tables.case_words, most=tables.longest_words) \
        if tables.case_words else name


def abbreviate_periodical(name: str, tables: Tables) -> str:
    """A periodical's T13 abbreviation: listed, else word by word, single capitals
    closed up: "Comparative Labor Law & Policy Journal" → "Comp. Lab. L. & Pol'y J."."""
    key = periodical_key(name)
    if key in tables.periodicals:
        return tables.periodicals[key]
    if not tables.periodical_words:
        return name
    text = name.strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return close_up(replace_words(text, tables.periodical_words, tables.omit,
                                  tables.longest_periodical_words))


def title_case(title: str, small_words: Iterable[str], language: str = "",
               foreign_words: Iterable[str] = ()) -> str:
    """R. 8(a): capitalise every word of a title except articles, conjunctions and short
    prepositions (``small_words``) that neither begin the title nor follow a colon.
    Only words written all in lower case are raised, and only capitalised small words
    lowered, so acronyms, names like "iPhone" and a label like "Exhibit A" are kept. A
    title in another language is left as written: one whose ``language`` is not English,
    or, without one, one with two or more of ``foreign_words`` ("de", "la") in it."""
    if language.strip().lower() not in ENGLISH:
        return title
    words = title.split(" ")
    foreign = {w.lower() for w in foreign_words}
    if not language and foreign and sum(w.lower() in foreign for w in words) >= 2:
        return title
    small = {w.lower() for w in small_words}
    out = []
    start = True
    for word in words:
        out.append(case_word(word, small, start))
        if word:
            start = word.endswith((":", "—", "?", "!")) or word in ("—", "–", "-")
    return " ".join(out)


def split_punctuation(word: str) -> tuple[str, str, str]:
    """``“(word),”`` → ``“(``, ``word``, ``),”`` (a linear scan, never a backtracking
    regex: a title may be long)."""
    start = 0
    while start < len(word) and not word[start].isalnum():
        start += 1
    end = len(word)
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[:start], word[start:end], word[end:]


def case_word(word: str, small: set[str], start: bool) -> str:
    """One word of a title in R. 8 capitalisation. In a hyphenated compound the first
    part is treated as a word and the others keep small words in lower case
    ("Right-to-Work")."""
    lead, core, tail = split_punctuation(word)
    if not core or any(c.isdigit() for c in core) or "." in core or "/" in core:
        return word
    is_small = core.lower() in small or (core + tail[:1]).lower() in small
    if not start and is_small and (core.islower() or (core.istitle() and len(core) > 1)):
        return lead + core.lower() + tail
    first, *rest = core.split("-")
    parts = [raise_first(first)] + [p if p.lower() in small else raise_first(p) for p in rest]
    return lead + "-".join(parts) + tail


def raise_first(part: str) -> str:
    """A part written all in lower case, with a capital first letter."""
    return part[:1].upper() + part[1:] if part.islower() else part


def ordinal(number: int) -> str:
    """R. 6.2(b): 1st, 2d, 3d, 4th, 11th, 21st, 22d, 23d."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}" + {1: "st", 2: "d", 3: "d"}.get(number % 10, "th")


def edition(text: str) -> str:
    """An ``edition`` field as the Bluebook prints it before "ed.": ``2`` → ``2d``,
    ``Fifth (revised)`` → ``5th rev.``; a first edition prints nothing (R. 15.4)."""
    out = []
    for word in text.replace("(", " ").replace(")", " ").split():
        low = word.lower().rstrip(".,")
        number = re.fullmatch(r"(\d+)(?:st|nd|rd|th|d)?", low)
        if low in WORD_ORDINALS or number:
            out.append(ordinal(WORD_ORDINALS.get(low) or int(number[1])))
        elif low in ("revised", "rev"):
            out.append("rev.")
        elif low not in ("edition", "ed", "edn"):
            out.append(word)
    return "" if out == ["1st"] else " ".join(out)


def first_page(pages: str) -> str:
    """The first page of a ``pages`` range (``199--240`` → ``199``), with a comma in
    numbers of five or more digits (R. 6.2(a): ``12,345``)."""
    first = re.split(r"\s*(?:-+|–|—)\s*", pages.strip(), maxsplit=1)[0]
    return thousands(first)


def thousands(number: str) -> str:
    """``12345`` → ``12,345`` (R. 6.2(a)); other text as it is."""
    return f"{int(number):,}" if number.isdigit() and len(number) >= 5 else number
