"""Write Markdown for text read from Word (``import`` and ``pull``).

Runs become inline Markdown (italics ``*…*``, bold ``**…**``, links ``[text](url)``)
with every character our Markdown would read as syntax escaped, so the text builds
back exactly as it was typed: ``*``, ``[``, a ``$``, Jinja's ``{{``, a paragraph that
starts like a list item ("27. The Committee").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from itertools import groupby

from drafting.wordread import WordRun

#: Characters our Markdown reads as syntax anywhere in a line (CommonMark's, pandoc's
#: ``^sup^`` and ``~``, math ``$``, Jinja's braces).
SPECIAL = re.compile(r"([\\`*_\[\]<>{}$^~|])")
#: A line start our Markdown would read as a heading, quote, list item or rule.
LINE_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s|$)|-(?=[\s-]*$)|\d+(?=[.)](?:\s|$)))")


def escape(text: str) -> str:
    """Text that parses back to itself."""
    return SPECIAL.sub(r"\\\1", text)


def escape_block(text: str) -> str:
    """A paragraph's Markdown whose start could be read as block syntax, made safe."""
    match = LINE_START.match(text)
    if not match:
        return text
    mark = match[2]
    if mark.isdigit():  # "27. The Committee": escape the stop, not the number
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return text[: match.start(2)] + "\\" + text[match.start(2):]


def runs_markdown(runs: Iterable[WordRun], note: Callable[[int], str],
                  accepted: bool = True) -> str:
    """A paragraph's runs as inline Markdown; ``note(id)`` gives a footnote mark's
    Markdown (its citation)."""
    shown = [r for r in runs if r.shown(accepted)]
    pieces: list[tuple[str, bool, bool, str | None, bool] | int] = []
    for (kind, italic, bold, link), group in groupby(shown, key=run_kind):
        items = list(group)
        if kind == "note":
            pieces += [run.note or 0 for run in items]
        else:
            pieces.append(("".join(run.text for run in items), italic, bold, link,
                           kind == "sup"))
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if isinstance(piece, int):
            out.append(note(piece))
            continue
        before = neighbour(pieces[index - 1], -1) if index else ""
        after = neighbour(pieces[index + 1], 0) if index + 1 < len(pieces) else ""
        out.append(formatted(*piece, before=before, after=after))
    return "".join(out)


def neighbour(piece: tuple[str, bool, bool, str | None, bool] | int, end: int) -> str:
    """The character of a neighbouring piece next to this one (its first, ``0``, or
    last, ``-1``); ``*`` stands for emphasised text touching this one."""
    if isinstance(piece, int) or not piece[0]:
        return ""
    char = piece[0][:1] if end == 0 else piece[0][-1:]
    return "*" if (piece[1] or piece[2]) and not char.isspace() else char


def punctuation(char: str) -> bool:
    """Punctuation as CommonMark's emphasis rules count it (Unicode P and S)."""
    return unicodedata.category(char)[0] in "PS"


def word_char(char: str) -> bool:
    """A character that is neither space nor punctuation (so ``*`` beside it after
    punctuation cannot open or close)."""
    return bool(char) and not char.isspace() and not punctuation(char)


def run_kind(run: WordRun) -> tuple[str, bool, bool, str | None]:
    if run.note is not None:
        return ("note", False, False, None)
    return ("sup" if run.sup else "text", run.italic, run.bold, run.link)


def formatted(text: str, italic: bool, bold: bool, link: str | None, sup: bool = False,
              before: str = "", after: str = "") -> str:
    """One stretch of text with its emphasis and link; spaces stay outside the marks
    (``* x*`` is not emphasis). Where ``*`` could not open or close (punctuation
    against a letter: ``0**:**``), the marks are HTML tags, which always do."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    body = f"<sup>{escape(core)}</sup>" if sup else escape(core)  # 16<sup>th</sup>
    if link and link.rstrip("/") != core.rstrip("/"):
        body = f"[{body}](<{link}>)"
    if not (italic or bold):
        return f"{lead}{body}{trail}"
    touching = (not lead and before == "*") or (not trail and after == "*")
    stuck = touching or (punctuation(body[0]) and not lead and word_char(before[-1:])) \
        or (punctuation(body[-1]) and not trail and word_char(after[:1]))
    if stuck:
        tags = (["b"] if bold else []) + (["i"] if italic else [])
        opened = "".join(f"<{t}>" for t in tags)
        closed = "".join(f"</{t}>" for t in reversed(tags))
        return f"{lead}{opened}{body}{closed}{trail}"
    mark = ("**" if bold else "") + ("*" if italic else "")
    return f"{lead}{mark}{body}{mark[::-1]}{trail}"
