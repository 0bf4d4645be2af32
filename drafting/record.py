"""Remember what each build put in which footnote, to trace uses and show changes.

After a build, ``.drafting-cache/builds/<brief>.json`` lists every footnote: its
number, text, the sources it cites and the fact it came from. ``fact used-by`` and
``source used-by`` read it; ``build --changes`` compares it with the previous one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting.cache import cache_path, read_cached, replace_file
from drafting.errors import shorten
from drafting.seal import seal, unseal


@dataclass(frozen=True)
class NoteRecord:
    """One footnote of a build."""

    number: int
    text: str
    keys: list[str]
    fact: str  # the fact it came from, or "" for the brief's own text


def brief_name(root: Path, brief: Path) -> str:
    """A brief's path inside the library (``briefs/kazakhstan-2020.md``)."""
    try:
        return brief.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return brief.name


def record_path(root: Path, brief: Path) -> Path | None:
    """Where the record of a brief's last build lives."""
    return cache_path(root, "builds", brief_name(root, brief).replace("/", "__") + ".json")


def read_record(path: Path) -> tuple[str, list[NoteRecord]] | None:
    """A build record (the brief it is of, and its notes), or None when it is missing,
    damaged, of the wrong shape, or not sealed by this user's drafting."""
    raw = read_cached(path)
    try:
        payload = unseal(raw, f"record:{path.name}") if raw is not None else None
        data = json.loads(payload) if payload is not None else None
        notes = [NoteRecord(int(n["number"]), str(n["text"]), [str(k) for k in n["keys"]],
                            str(n["fact"])) for n in data["notes"]]
        return str(data["brief"]), notes
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def load(root: Path, brief: Path) -> list[NoteRecord] | None:
    """The notes of the brief's last build, or None if it has none."""
    path = record_path(root, brief)
    found = read_record(path) if path else None
    return found[1] if found else None


def save(root: Path, brief: Path, output: Path, notes: list[NoteRecord]) -> None:
    """Keep the notes of this build (quietly skipped when the cache cannot be written)."""
    path = record_path(root, brief)
    if path is None:
        return
    data = {"brief": brief_name(root, brief), "output": str(output),
            "built": dt.datetime.now().isoformat(timespec="seconds"),
            "notes": [{"number": n.number, "text": n.text, "keys": n.keys, "fact": n.fact}
                      for n in notes]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, seal(json.dumps(data, ensure_ascii=False).encode(),
                                f"record:{path.name}"))
    except OSError:
        pass


def all_records(root: Path) -> dict[str, list[NoteRecord]]:
    """Every brief's last build: brief file → its notes."""
    found = {}
    folder = cache_path(root, "builds", folder=True)
    for path in sorted(folder.glob("*.json")) if folder else []:
        record = read_record(path)
        if record is not None:
            found[record[0]] = record[1]
    return found


def changes(old: list[NoteRecord], new: list[NoteRecord]) -> list[str]:
    """What a reviewer must recheck: notes whose text changed, new and removed notes, and
    notes that kept their text under a new number."""
    import difflib

    a, b = [n.text for n in old], [n.text for n in new]
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            if old[i1].number != new[j1].number:
                many = j2 - j1 > 1
                lines.append(f"note{'s' * many} {numbers(j1, j2, new)}: renumbered "
                             f"(w{'ere' if many else 'as'} {numbers(i1, i2, old)})")
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            lines.append(f"note {new[j1 + k].number}: text changed "
                         f"(was note {old[i1 + k].number}): {clip(old[i1 + k].text)} → "
                         f"{clip(new[j1 + k].text)}")
        for k in range(j1 + pairs, j2):
            lines.append(f"note {new[k].number}: new: {clip(new[k].text)}")
        for k in range(i1 + pairs, i2):
            lines.append(f"old note {old[k].number}: removed: {clip(old[k].text)}")
    return lines


def numbers(start: int, end: int, notes: list[NoteRecord]) -> str:
    """``7`` or ``12–21``: the numbers of a run of notes."""
    first, last = notes[start].number, notes[end - 1].number
    return str(first) if first == last else f"{first}–{last}"


def clip(text: str, size: int = 60) -> str:
    return f"“{shorten(text, size)}”"


def places(records: dict[str, list[NoteRecord]], test: Any) -> dict[str, list[int]]:
    """For each brief, the numbers of the notes for which ``test(note)`` holds."""
    return {brief: [n.number for n in notes if test(n)] for brief, notes in records.items()}
