"""Brief bodies whose only Jinja is ``{{ fact("id") }}``, read without Jinja.

Most briefs are Markdown with fact calls and nothing else Jinja gives meaning to. For
such a body, :func:`plain_calls` finds the calls (with their lines) and
:func:`plain_render` writes what Jinja's render would, with one regular expression:
no Jinja import (about 30 ms at start-up) and no compiling of the body (a quarter of a
second for a brief of 1,000 notes). Anything else Jinja would read (another ``{{``,
``{%`` or ``{##``, a call written another way, a carriage return, which Jinja turns
into a line feed) makes them answer None, and Jinja reads the body. A hypothesis test
holds them to Jinja's result.
"""

from __future__ import annotations

from collections.abc import Callable

from drafting.limits import MAX_RENDER_CHARS
from drafting.patterns import pattern

#: A fact call written the plain way: the id in quotes, no escapes, spaces only.
FACT_CALL = pattern(r"""\{\{ *fact\( *(?:"([^"\\\n{}]*)"|'([^'\\\n{}]*)') *\) *\}\}""")
#: Where Jinja would start reading (the body environment's delimiters,
#: :func:`drafting.assemble.body_env`): every ``{`` that begins one, overlaps included.
JINJA_START = pattern(r"\{(?=[{%]|##)")


def plain_calls(source: str) -> list[tuple[str, int, int, int]] | None:
    """``(id, line, start, end)`` of each fact call (line from 1, offsets in
    ``source``) when the body is plain, else None."""
    if "\r" in source or len(source) >= MAX_RENDER_CHARS:  # Jinja's output limit
        return None
    calls = [(m[1] if m[1] is not None else m[2], m.start(), m.end())
             for m in FACT_CALL.finditer(source)]
    starts = {start for _, start, _ in calls}
    if any(m.start() not in starts for m in JINJA_START.finditer(source)):
        return None
    out, line, counted = [], 1, 0
    for fact_id, start, end in calls:
        line += source.count("\n", counted, start)
        counted = start
        out.append((fact_id, line, start, end))
    return out


def plain_render(source: str, calls: list[tuple[str, int, int, int]],
                 fact: Callable[[str], str]) -> str:
    """The body with each call (from :func:`plain_calls`) replaced by ``fact(id)``."""
    parts, done = [], 0
    for fact_id, _, start, end in calls:
        parts += [source[done:start], fact(fact_id)]
        done = end
    parts.append(source[done:])
    return "".join(parts)
