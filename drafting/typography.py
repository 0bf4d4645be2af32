"""Typeset text the way a court clerk expects it, after the citations are formatted.

The rules are switched on and off by the style (``typography:`` in its YAML):

- ``nbsp``: a non-breaking space after ``§`` and ``¶`` and before a ``§`` that follows
  an abbreviation (``19 U.S.C. § 2462``), so a section sign never ends a line;
- ``ellipsis``: ``...`` and ``…`` as ". . ." with non-breaking spaces (Bluebook R. 5.3);
- ``dashes``: ``--`` and ``---`` as an em dash, ``10--12`` as an en dash;
- ``quotes``: curly quotes in front-matter values (the Markdown body has them already).

Code spans and the text of links that show their own address are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from drafting.model import Block, Inline, Note, NoteMark, Span
from drafting.patterns import pattern
from drafting.values import dataclass

NBSP = "\u00a0"
SECTION_SPACE = pattern(r"([§¶]+)[ \t]+(?=\S)")
BEFORE_SECTION = pattern(r"(?<=\.)[ \t]+(?=§)")
ELLIPSIS = pattern(r"(?P<lead>[ \t\u00a0]?)(?P<dots>\.(?:[ \t\u00a0]?\.){2,})")
NUMBER_RANGE = pattern(r"(?<=\d)-{2,3}(?=\d)")
DASHES = pattern(r"(?<![-/_])-{2,3}(?![-/_])")
OPENS_AFTER = " \t\n\u00a0([{“‘—–-/"
ADDRESS_HINT = pattern(r"://|@|www\.|\\")
ADDRESS = pattern(r"[^\s<>()\[\]“”\"']*(?:://|@|www\.|\\)[^\s<>()\[\]“”\"']*")
HIDDEN = "\ue020"  # a private-use character around the number of a hidden address


@dataclass(unsafe_hash=True)
class Typography:
    """Which rules a style applies (all on unless the style turns one off)."""

    nbsp: bool = True
    ellipsis: bool = True
    dashes: bool = True
    quotes: bool = True

    @classmethod
    def of(cls, settings: Any) -> Typography:
        """The rules from a style's ``typography:`` mapping (unknown keys ignored)."""
        if not isinstance(settings, Mapping):
            return cls()
        known = {name: bool(settings[name]) for name in ("nbsp", "ellipsis", "dashes", "quotes")
                 if name in settings}
        return cls(**known)


def ellipsis(match: re.Match[str]) -> str:
    """``...`` → ``. . .``; four dots or more: the sentence's stop, then the ellipsis."""
    count = min(match["dots"].count("."), 4)
    lead, text = match["lead"], match.string
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else ""
    tail = " " if after.isalnum() else ""
    if count == 4 and not lead:
        return "." + NBSP + NBSP.join("...") + tail  # "word. . . ." ends a sentence
    if lead == NBSP or (not lead and before not in OPENS_AFTER):
        lead = " "
    return lead + NBSP.join("." * count) + tail


def outside_addresses(text: str, change: Callable[[str], str]) -> str:
    """``change(text)`` with the addresses in it (URLs, e-mail, paths) hidden, so they
    stay exactly as written."""
    if not ADDRESS_HINT.search(text):
        return change(text)
    addresses: list[str] = []

    def hide(match: re.Match[str]) -> str:
        addresses.append(match[0])
        return f"{HIDDEN}{len(addresses) - 1}{HIDDEN}"

    changed = change(ADDRESS.sub(hide, text.replace(HIDDEN, "")))
    return re.sub(f"{HIDDEN}(\\d+){HIDDEN}", lambda m: addresses[int(m[1])], changed)


def typeset(text: str, rules: Typography) -> str:
    """One run of text with the style's typography; addresses in it are kept as written."""
    return outside_addresses(text, lambda words: typeset_words(words, rules)) if text else text


def typeset_words(text: str, rules: Typography) -> str:
    """Text with no addresses in it, typeset."""
    if rules.ellipsis and ("…" in text or re.search(r"\.[ \t\u00a0]?\.", text)):
        text = ELLIPSIS.sub(ellipsis, text.replace("…", "..."))
    if rules.nbsp and ("§" in text or "¶" in text):
        text = BEFORE_SECTION.sub(NBSP, SECTION_SPACE.sub(lambda m: m[1] + NBSP, text))
    if rules.dashes and "--" in text:
        text = DASHES.sub("—", NUMBER_RANGE.sub("–", text))
    return text


def smart_quotes(text: str) -> str:
    """Straight quotes as curly ones (addresses in the text aside)."""
    return outside_addresses(text, curl_quotes)


def curl_quotes(text: str) -> str:
    """Straight quotes as curly ones: opening after a space or bracket, else closing."""
    text = re.sub(r'(^|[\s(\[{‘—–-])"', "\\1“", text).replace('"', "”")
    text = re.sub(r"(^|[\s(\[{“—–-])'(?=\w)", "\\1‘", text)
    return text.replace("'", "’")


def typeset_inlines(parts: Sequence[Inline], rules: Typography) -> list[Inline]:
    """Inline parts with typography applied to their text (notes inside too)."""
    out: list[Inline] = []
    for part in parts:
        if isinstance(part, Span) and not part.code and part.text != (part.link or None):
            text = typeset(part.text, rules)
            out.append(part if text == part.text else part.styled(text=text))
        elif isinstance(part, NoteMark):
            note = part.note
            out.append(NoteMark(Note(tuple(typeset_inlines(note.parts, rules)), note.where)))
        else:
            out.append(part)
    return out


def typeset_blocks(blocks: Sequence[Block], rules: Typography) -> list[Block]:
    """The body's blocks with typography applied."""
    return [block.holding(tuple(typeset_inlines(block.inlines, rules))) for block in blocks]


def typeset_values(value: Any, rules: Typography) -> Any:
    """Front-matter values (nested mappings and lists too) with curly quotes and the
    style's typography; keys, dates and numbers are left alone."""
    if isinstance(value, str):
        text = smart_quotes(value) if rules.quotes else value
        return typeset(text, rules)
    if isinstance(value, Mapping):
        return {key: typeset_values(item, rules) for key, item in value.items()}
    if isinstance(value, list):
        return [typeset_values(item, rules) for item in value]
    return value
