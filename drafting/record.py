"""Remember what each build put in which footnote, to trace uses and show changes.

After a build, ``.drafting-cache/builds/<brief>.json`` lists every footnote: its
number, text, the sources it cites and the fact it came from. ``fact used-by`` and
``source used-by`` read it; ``build --changes`` compares it with the previous one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

from drafting.cache import cache_path, kept, replace_file
from drafting.errors import shorten
from drafting.seal import seal
from drafting.values import dataclass


@dataclass(frozen=True)
class NoteRecord:
    """One footnote of a build."""

    number: int
    text: str
    keys: list[str]
    fact: str  # the fact it came from, or "" for the brief's own text
    cites: tuple[str, ...] = ()  # each citation as written: "key, pin" (what it is)


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
    try:
        payload = kept(path, f"record:{path.name}")
        data = json.loads(payload) if payload is not None else None
        notes = [NoteRecord(int(n["number"]), str(n["text"]), [str(k) for k in n["keys"]],
                            str(n["fact"]), tuple(str(c) for c in n.get("cites", [])))
                 for n in data["notes"]]
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
            "notes": [{"number": n.number, "text": n.text, "keys": n.keys, "fact": n.fact,
                       "cites": list(n.cites)} for n in notes]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, seal(json.dumps(data, ensure_ascii=False).encode(),
                                f"record:{path.name}"))
    except OSError:
        pass


def rename_fact(root: Path, old: str, new: str) -> None:
    """After ``fact rename``: the last builds' notes name the fact by its new id (so
    ``used-by`` still finds them before the next build). Quietly skipped when the cache
    cannot be written; a record not sealed by this user is left alone."""
    folder = cache_path(root, "builds", folder=True)
    for path in sorted(folder.glob("*.json")) if folder else []:
        payload = kept(path, f"record:{path.name}")
        try:
            data = json.loads(payload) if payload is not None else None
            notes = data["notes"] if isinstance(data, dict) else []
            hits = [n for n in notes if isinstance(n, dict) and n.get("fact") == old]
        except (ValueError, TypeError, KeyError):
            continue
        for note in hits:
            note["fact"] = new
        if hits:
            with contextlib.suppress(OSError):
                replace_file(path, seal(json.dumps(data, ensure_ascii=False).encode(),
                                        f"record:{path.name}"))


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
    """What a reviewer must recheck, notes aligned by content: notes whose text changed
    (the changed words shown, with the note they were), new and removed notes, and
    notes that kept their text under a new number (moved or renumbered)."""
    pairs = align(old, new)
    lines: list[str] = []
    moved: list[tuple[NoteRecord, NoteRecord]] = []
    paired_new = {id(b): a for a, b in pairs}
    paired_old = {id(a) for a, _ in pairs}
    for note in new:
        before = paired_new.get(id(note))
        if before is None:
            lines += flush(moved) + [f"note {note.number}: new: {clip(note.text)}"]
        elif before.text == note.text:
            if before.number != note.number:
                moved.append((before, note))
            continue
        else:
            was = f" (was note {before.number})" if before.number != note.number else ""
            lines += flush(moved)
            lines.append(f"note {note.number}{was}: {word_diff(before.text, note.text)}")
    lines += flush(moved)
    lines += [f"old note {n.number}: removed: {clip(n.text)}" for n in old
              if id(n) not in paired_old]
    return lines


def align(old: list[NoteRecord], new: list[NoteRecord]) -> list[tuple[NoteRecord, NoteRecord]]:
    """Old and new notes paired: the same text first (nearest number wins), then the
    same citations (sources and pinpoints: the same citation moved, its short form
    changed), then the same sources (a pinpoint changed), in order."""
    pairs: list[tuple[NoteRecord, NoteRecord]] = []
    free = list(old)
    for match in (lambda a, b: a.text == b.text, lambda a, b: a.cites == b.cites and a.cites,
                  lambda a, b: a.keys == b.keys and a.keys):
        for note in new:
            if any(b is note for _, b in pairs):
                continue
            found = [o for o in free if match(o, note)]
            if found:
                best = min(found, key=lambda o: abs(o.number - note.number))
                free.remove(best)
                pairs.append((best, note))
    return pairs


def flush(moved: list[tuple[NoteRecord, NoteRecord]]) -> list[str]:
    """Runs of notes that kept their text under new numbers, one line per run."""
    lines = []
    while moved:
        run = [moved.pop(0)]
        while moved and moved[0][1].number == run[-1][1].number + 1 \
                and moved[0][0].number == run[-1][0].number + 1:
            run.append(moved.pop(0))
        first, last = run[0], run[-1]
        if len(run) == 1:
            lines.append(f"note {first[1].number}: moved (was note {first[0].number}), "
                         "same text")
        else:
            lines.append(f"notes {first[1].number}–{last[1].number}: renumbered (were "
                         f"{first[0].number}–{last[0].number}), same text")
    return lines


def word_diff(before: str, after: str, context: int = 4) -> str:
    """``text changed: “…at [205 → 215].”``: only the words that differ, with a few
    around them, so no change hides behind a cut."""
    import difflib

    a, b = before.split(" "), after.split(" ")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    if len(a) + len(b) <= 14 or matcher.ratio() < 0.5:  # short, or another form altogether
        return f"text changed: {clip(before, 200)} → {clip(after, 200)}"
    out: list[str] = []
    ops = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            if index and index < len(ops) - 1 and len(words) > 2 * context:
                out += [*words[:context], "…", *words[-context:]]
            elif index == 0:
                out += (["…"] if len(words) > context else []) + words[-context:]
            elif index == len(ops) - 1:
                out += words[:context] + (["…"] if len(words) > context else [])
            else:
                out += words
        else:
            old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
            out.append(f"[{old} → {new}]" if old and new else
                       f"[+{new}]" if new else f"[-{old}]")
    return "text changed: “" + " ".join(out) + "”"


def clip(text: str, size: int = 60) -> str:
    return f"“{shorten(text, size)}”"


def places(records: dict[str, list[NoteRecord]], test: Any) -> dict[str, list[int]]:
    """For each brief, the numbers of the notes for which ``test(note)`` holds."""
    return {brief: [n.number for n in notes if test(n)] for brief, notes in records.items()}
