"""Recover citations from the text of a footnote someone else wrote (for ``import``).

A footnote is split into its citations (a string cite's semicolons, outside brackets
and quotation marks); each citation loses its Bluebook signal, its parenthetical and
its short-form words, and keeps what is left to be matched to a source. Short forms
are then resolved back to their authority on the order of the notes, as a reader does:
*Id.* and *Ibid.* are the authority cited just before, "*supra* note 8" and a
"hereinafter" name the one defined in that note.

Everything here is plain text in, plain data out; reading Word is ``wordread``'s job.
"""

from __future__ import annotations

import re
from dataclasses import replace

from drafting.values import dataclass

#: *Id.*, *Ibid.*, and *Id* without its stop (as typed in a hurry), alone or "at" a page.
ID = re.compile(r"^(?:id|ibid)(?:\.|(?=\s+at\s)|$),?\s*(?P<pin>.*)$", re.I)
SUPRA = re.compile(r"^(?P<name>.*?),?\s+supra\s+note\s+(?P<note>\d+)(?:,\s*(?P<pin>.*))?$", re.I)
HEREINAFTER = re.compile(r"\s*\[hereinafter\s+(?P<name>[^\]]+)\]")
URL = re.compile(r"(?:,?\s*(?:available\s+at)\s+)?(?P<url>https?://\S+?)[.,;]?$", re.I)
DATE = re.compile(r"\s*\((?P<date>[^()]*\d{4}[^()]*)\)$")
PARENTHETICAL = re.compile(r"\s+\((?P<text>[“\"][^()]*[”\"]|(?:quoting|citing|noting|"
                           r"explaining|finding|holding|stating|describing)[^()]*)\)$", re.I)
PIN_AT = re.compile(r"^at\s+")
#: A pinpoint at the end of a full citation, before its date: "Kazakhstan 198 (2019)",
#: "E/C.12/KAZ/CO/2 ¶¶ 27-28, 32-33", "19 U.S.C. § 2462(d)".
PIN_TAIL = re.compile(r"\s+(?P<pin>(?:[¶§]+|art\.|arts\.)\s*[\w().,\-–\s]*?|\d+(?:[-–]\d+)?"
                      r"(?:,\s*\d+(?:[-–]\d+)?)*)$")
SHORT_AT = re.compile(r"^(?P<name>.+?),?\s+at\s+(?P<pin>\S.*)$")
#: Free text before a signal inside a footnote: "For examples, see X".
LEAD = re.compile(r"^(?P<lead>[A-Z][^;]*?[\s,:])(?P<rest>(?:see|cf\.|but see|compare)\b.*)$")
#: Bluebook signals (R. 1.2) as they open a citation, longest first ("see also" wins
#: over "see"), in the spelling ``[see @key]`` takes.
SIGNAL_WORDS = sorted(("see, e.g.", "see also, e.g.", "see also", "see generally", "see",
                       "e.g.", "cf.", "but see", "but cf.", "compare", "accord", "contra"),
                      key=len, reverse=True)


@dataclass(frozen=True)
class Recovered:
    """One authority as a footnote cites it."""

    text: str  # the citation without signal, short-form words, pinpoint or parenthetical
    signal: str = ""
    pin: str = ""
    parenthetical: str = ""
    form: str = "full"  # full, id, supra, short ("Brown, 347 U.S. at 495")
    supra_note: int = 0  # for supra: the note holding the full citation
    hereinafter: str = ""  # a name this full citation defines
    lead: str = ""  # free text before the citation in the footnote ("For examples, ")
    url: str = ""
    date: str = ""
    authority: str = ""  # filled by resolve_short_forms: the full citation's text
    raw: str = ""  # the citation as printed, without lead, signal and parenthetical


def split_citations(note: str) -> list[str]:
    """A footnote's citations: split at semicolons outside brackets and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(note):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char in "“”\"":
            quoted = char == "“" or (char == '"' and not quoted)
        elif char == ";" and depth == 0 and not quoted:
            parts.append(note[start:index])
            start = index + 1
    parts.append(note[start:])
    return [p.strip() for p in parts if p.strip()]


def take_signal(text: str, spellings: dict[str, str] | None = None) -> tuple[str, str]:
    """``See, e.g., X`` → ``("see, e.g.", "X")``; no signal → ``("", text)``.

    ``spellings`` maps a style's own wording to the signal (``see, for example`` →
    ``see, e.g.``), tried before the Bluebook's."""
    lower = text.lower()
    words = {**{s.rstrip(", "): s for s in SIGNAL_WORDS},
             **{k.lower().rstrip(", "): v for k, v in (spellings or {}).items()}}
    for printed in sorted(words, key=len, reverse=True):
        if printed and lower.startswith(printed) and (len(text) == len(printed)
                                                      or not text[len(printed)].isalpha()):
            return words[printed], text[len(printed):].lstrip(", ")
    return "", text


def recover(citation: str, spellings: dict[str, str] | None = None) -> Recovered:
    """One citation's parts (the text of one authority in a string cite); ``spellings``
    as for :func:`take_signal`."""
    text = citation.strip()
    lead = ""
    match = LEAD.match(text)
    if match and not take_signal(text, spellings)[0]:
        lead, text = match["lead"], match["rest"]
    if not ID.match(take_signal(text, spellings)[1]):
        text = text.rstrip(".").strip()
    signal, text = take_signal(text, spellings)
    parenthetical = ""
    match = PARENTHETICAL.search(text)
    if match:
        parenthetical, text = match["text"], text[: match.start()]
    raw = text.strip()
    match = ID.match(text)
    if match:
        return Recovered("", signal, PIN_AT.sub("", match["pin"].strip(" ,.")), parenthetical,
                         "id", lead=lead, raw=raw)
    match = SUPRA.match(text)
    if match:
        return Recovered(match["name"].strip(), signal, PIN_AT.sub("", (match["pin"] or "")),
                         parenthetical, "supra", int(match["note"]), lead=lead, raw=raw)
    hereinafter = ""
    match = HEREINAFTER.search(text)
    if match:
        hereinafter, text = match["name"].strip(), text[: match.start()] + text[match.end():]
    url = date = ""
    match = URL.search(text)
    if match:
        url, text = match["url"], text[: match.start()]
    text = text.strip().rstrip(",").strip()
    match = DATE.search(text)
    pin = ""
    if match:
        date, text = match["date"], text[: match.start()]
        tail = PIN_TAIL.search(text)
        if tail:
            pin, text = tail["pin"].strip(), text[: tail.start()]
    form = "full"
    if not (date or url or pin or hereinafter):
        match = SHORT_AT.match(text.strip())
        if match:  # a short form with its pinpoint: "HRW Report at 4", "Brown, 347 U.S. at 495"
            text, pin, form = match["name"], match["pin"], "short"
    return Recovered(text.strip().rstrip(","), signal, pin, parenthetical, form,
                     hereinafter=hereinafter, url=url, date=date, lead=lead, raw=raw)


def recover_note(note: str, spellings: dict[str, str] | None = None) -> list[Recovered]:
    """Every authority a footnote cites, in order."""
    return [recover(part, spellings) for part in split_citations(note)]


def resolve_short_forms(notes: list[list[Recovered]], first: int = 1
                        ) -> tuple[list[list[Recovered]], list[str]]:
    """Give every *Id.* and *supra* the full citation it stands for.

    Returns the notes with ``authority`` filled in, and a problem for each short form
    that points at nothing (an *Id.* after a string cite, a *supra* to a note without
    that authority)."""
    full_in: dict[int, list[Recovered]] = {}
    named: dict[str, Recovered] = {}
    previous: Recovered | None = None  # what "Id." means at the start of a note
    problems: list[str] = []
    out: list[list[Recovered]] = []
    for number, items in enumerate(notes, start=first):
        resolved: list[Recovered] = []
        within = previous
        for item in items:
            if item.form == "short" and authority_of(item, within, full_in, named) is None:
                # a name at a page that no earlier authority begins with: a citation
                # in full after all ("Report at 4" is a title here)
                item = replace(item, form="full", text=item.raw, pin="")
            target = authority_of(item, within, full_in, named)
            if target is None:
                problems.append(f"note {number}: " + (
                    "'Id.' follows no single authority" if item.form == "id" else
                    f"'{item.text}, supra note {item.supra_note}' names no authority of "
                    "that note"))
            elif target is item:
                full_in.setdefault(number, []).append(item)
                if item.hereinafter:
                    named[item.hereinafter.lower()] = item
            resolved.append(replace(item, authority=target.authority or target.text)
                            if target else item)
            within = target
        distinct = {r.authority for r in resolved}
        previous = within if len(distinct) == 1 and "" not in distinct else None
        out.append(resolved)
    return out, problems


def authority_of(item: Recovered, previous: Recovered | None,
                 full_in: dict[int, list[Recovered]], named: dict[str, Recovered]
                 ) -> Recovered | None:
    """The full citation a recovered citation stands for (itself when it is one)."""
    if item.form == "id":
        return previous
    if item.form == "supra":
        return pick(full_in.get(item.supra_note, []), item.text) or named.get(item.text.lower())
    if item.text.lower() in named and not item.url and not item.date:
        return named[item.text.lower()]  # a hereinafter name used on its own
    if item.form == "short":  # "Brown, 347 U.S. at 495": the case cited in full before
        earlier = [c for cs in full_in.values() for c in cs]
        return pick_short(earlier, item.text) or named.get(item.text.lower())
    return item


def pick_short(candidates: list[Recovered], name: str) -> Recovered | None:
    """The earlier authority a short form's name ("Brown, 347 U.S.", "HRW Report")
    begins like: the same first words before a comma (the latest such, as a reader
    looks back)."""
    head = name.split(",")[0].strip().lower()
    for item in reversed(candidates):
        if head and (item.text.lower().startswith(head) or head == item.hereinafter.lower()):
            return item
    return None


def pick(candidates: list[Recovered], name: str) -> Recovered | None:
    """The authority of a note that a *supra* name (an author, a short title, a
    hereinafter name) points at."""
    if len(candidates) == 1:
        return candidates[0]
    low = name.lower()
    for item in candidates:
        if low and (low == item.hereinafter.lower() or item.text.lower().startswith(low)
                    or low in item.text.lower()):
            return item
    return None
