"""Parse pandoc-style citations: ``[see also @key, 66-67 ("explains"); @other]``.

The Markdown step finds the brackets; this module turns their content into a
:class:`~drafting.model.Citation`, or raises an error that says what to fix.
"""

from __future__ import annotations

import re

from drafting.errors import DraftingError, Location
from drafting.model import Citation, CiteItem
from drafting.patterns import pattern

#: Bluebook signals (rule 1.2), lowercase, as writers type them before a key.
SIGNALS: tuple[str, ...] = (
    "e.g.",
    "accord",
    "see",
    "see also",
    "cf.",
    "compare",
    "with",
    "and",
    "contra",
    "but see",
    "but cf.",
    "see generally",
)

KEY = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
#: Something in brackets is a citation when an ``@key`` starts a word in it.
LOOKS_LIKE_CITATION = pattern(r"(?:^|[\s;,(])-?@" + KEY)
ITEM = pattern(r"^(?P<prefix>.*?)(?:^|(?<=[\s,]))-?@(?P<key>" + KEY + r")(?P<suffix>.*)$", re.S)
UNCLOSED = pattern(r"\[(?:[^\]]*?[\s;,])?-?@" + KEY)


def looks_like_citation(text: str) -> bool:
    """Whether bracket content ``text`` is meant as a citation (has an ``@key``)."""
    return LOOKS_LIKE_CITATION.search(text) is not None


def normalize_signal(prefix: str) -> str:
    """``"See, e.g.,"`` → ``"see, e.g."``; the empty string when there is no signal."""
    text = " ".join(prefix.replace("*", "").split()).rstrip(",:").strip().lower()
    return text.replace("e.g.,", "e.g.").rstrip(",")


def is_known_signal(signal: str) -> bool:
    """Whether ``signal`` is a Bluebook signal, optionally followed by ``, e.g.``."""
    base = signal.removesuffix(", e.g.").removesuffix(" e.g.")
    return signal in SIGNALS or base in SIGNALS


def split_items(text: str) -> list[str]:
    """Split a string cite at top-level semicolons (not inside parentheses)."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items


def split_parenthetical(suffix: str) -> tuple[str, str]:
    """``'66-67 ("why")'`` → ``('66-67', '"why"')``; ``'§ 2462(d)'`` stays a pinpoint."""
    if not suffix.endswith(")"):
        return suffix, ""
    depth = 0
    for i in range(len(suffix) - 1, -1, -1):
        if suffix[i] == ")":
            depth += 1
        elif suffix[i] == "(":
            depth -= 1
            if depth == 0:
                if i == 0 or suffix[i - 1].isspace():
                    return suffix[:i].strip(), suffix[i + 1 : -1].strip()
                return suffix, ""
    return suffix, ""


def parse_item(text: str, where: Location) -> CiteItem:
    """Parse one authority of a citation."""
    match = ITEM.match(text.strip())
    if match is None:
        raise DraftingError(
            f"citation part '{text.strip()}' has no @key; write it as [@key] or [see @key, 5]",
            where,
        )
    signal = normalize_signal(match["prefix"])
    if signal and not is_known_signal(signal):
        known = ", ".join(s for s in SIGNALS if s not in ("with", "and"))
        raise DraftingError(
            f"unknown signal '{match['prefix'].strip()}' before @{match['key']}; "
            f"use one of: {known}",
            where,
        )
    suffix = match["suffix"].strip()
    if suffix.count("(") != suffix.count(")"):
        raise DraftingError(f"unbalanced parentheses after @{match['key']}: '{suffix}'", where)
    suffix = suffix.removeprefix(",").strip()
    pin, parenthetical = split_parenthetical(suffix)
    pin = re.sub(r"^at\s+", "", pin.rstrip(","))
    if "@" in pin and re.search(r"(?:^|\s)-?@\w", pin):
        raise DraftingError(
            f"two keys in one citation part near @{match['key']}; separate authorities with ';'",
            where,
        )
    return CiteItem(key=match["key"], signal=signal, pin=pin, parenthetical=parenthetical)


def parse_citation(content: str, where: Location) -> Citation:
    """Parse the text between the brackets of ``[...]`` into a citation."""
    items = tuple(parse_item(part, where) for part in split_items(content) if part.strip())
    if not items:
        raise DraftingError("empty citation '[]'", where)
    return Citation(items=items, where=where)


def find_unclosed(text: str) -> int:
    """Offset of a ``[@key`` that was never closed with ``]``, or -1."""
    match = UNCLOSED.search(text)
    return match.start() if match else -1
