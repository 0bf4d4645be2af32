"""Cut Markdown into pieces that parse alone exactly as they parse together.

The assembled brief is parsed piece by piece so that a cache can keep each paragraph's
parse: an edit to one fact re-parses that fact's paragraphs, not the whole brief.
(No markdown-it here: a rebuild whose pieces are all cached never loads it.)
"""

from __future__ import annotations

import re

from drafting.patterns import pattern

#: Lines that make a cut unsafe anywhere in the text: fences and HTML blocks of the
#: kinds that may hold blank lines, and link reference definitions (which reach across
#: the whole document), at a line's start or after quote and list markers.
UNCUTTABLE = pattern(r"^[ \t>*+\-\d.)]*(?:```|~~~|<(?:script|pre|style|textarea|!|\?))"
                        r"|^[ \t>*+\-\d.)]*\[(?:[^\]\\]|\\.)*\]:", re.M | re.I)
#: What a blank line may hold (CommonMark: spaces and tabs, nothing else).
BLANK = " \t"
#: A line that starts a new block after a blank line, whatever came before: not
#: indented (a list item's or code's continuation) and not a list item (a loose list).
FRESH_START = pattern(r"^(?![ \t]|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))\S")
#: An attributes line (``{.argument}``, ``{#sec:x}``) applies to the block after it.
ATTRIBUTES_LINE = pattern(r"^\s*\{.*\}\s*$")  # (the attrs plugin takes odd ones too)


def chunks(text: str) -> list[tuple[int, str]]:
    """``text`` cut into pieces that parse alone exactly as they parse together, with
    the 0-based line each starts on: cuts fall before a blank line's next block when
    CommonMark starts afresh there (so a cache can keep each paragraph's parse)."""
    if "\r" in text or UNCUTTABLE.search(text):
        return [(0, text)]
    lines = text.split("\n")
    out, start, last_filled = [], 0, ""
    for index, line in enumerate(lines):
        if not line.strip(BLANK):
            continue
        if (index > start and not lines[index - 1].strip(BLANK) and FRESH_START.match(line)
                and not ATTRIBUTES_LINE.match(last_filled)):
            out.append((start, "\n".join(lines[start:index])))
            start = index
        last_filled = line
    out.append((start, "\n".join(lines[start:])))
    return out
