"""Merge two people's sources.bib by entry, field by field (a git merge driver).

Git calls ``drafting merge-bib %O %A %B`` with the common ancestor, our version and
theirs. Entries are matched by key: one added on each side are both kept; one changed
on both sides is merged field by field, and only a field both changed, to different
values, is a conflict, written inside the entry between git's markers, which
``drafting check`` reports with their line. A file that cannot be read as BibTeX is
merged by git's own line merge instead.
"""

from __future__ import annotations

import subprocess
from dataclasses import field
from pathlib import Path

from drafting import bibfile
from drafting.values import dataclass

OURS, SEPARATOR, THEIRS = "<<<<<<< ours", "=======", ">>>>>>> theirs"


@dataclass
class Merged:
    """The merged text and the conflicts left in it."""

    text: str
    conflicts: list[str] = field(default_factory=list)  # "key: field" for each


def same(one: str | None, other: str | None) -> bool:
    """Two values alike but for BibTeX's white space (None: the field is absent)."""
    if one is None or other is None:
        return one is other
    return bibfile.fold(one) == bibfile.fold(other)


def merge_field(base: str | None, ours: str | None, theirs: str | None
                ) -> tuple[str | None, bool]:
    """A three-way merge of one value (None: absent); True when both sides changed it
    to different values."""
    if same(ours, theirs) or same(theirs, base):
        return ours, False
    if same(ours, base):
        return theirs, False
    return ours, True


def merge_entry(base: bibfile.Chunk | None, ours: bibfile.Chunk, theirs: bibfile.Chunk,
                conflicts: list[str]) -> str:
    """One entry both sides have: its text, with a conflict inside it for each field
    both changed differently (ours first, as git writes them)."""
    if base is not None and bibfile.summary([theirs]) == bibfile.summary([base]):
        return ours.text[ours.start:]  # only we changed it (or nobody): ours as it is
    if base is not None and bibfile.summary([ours]) == bibfile.summary([base]):
        return theirs.text[theirs.start:]
    kind, clash = merge_field(base.type if base else None, ours.type, theirs.type)
    values_o = dict(base.fields) if base else {}
    values_a, values_b = dict(ours.fields), dict(theirs.fields)
    names = list(dict.fromkeys([*values_a, *values_b]))
    kept: list[tuple[str, str]] = []
    clashes: list[tuple[str, str | None, str | None]] = []
    for name in names:
        value, both = merge_field(values_o.get(name), values_a.get(name), values_b.get(name))
        if both:
            clashes.append((name, values_a.get(name), values_b.get(name)))
        elif value is not None:
            kept.append((name, value))
    entry = bibfile.Chunk("entry", "", 0, key=ours.key, type=kind or ours.type, fields=kept)
    text = bibfile.layout(entry)
    if clash:
        clashes.insert(0, ("@type", ours.type, theirs.type))
    if not clashes:
        return text
    conflicts.extend(f"{ours.key}: {name}" for name, _, _ in clashes)
    lines = text.rstrip("\n").split("\n")
    block = []
    for name, mine, yours in clashes:
        block += [OURS, *field_lines(name, mine), SEPARATOR, *field_lines(name, yours), THEIRS]
    return "\n".join([*lines[:-1], *block, lines[-1]]) + "\n"


def field_lines(name: str, value: str | None) -> list[str]:
    if value is None:
        return []
    if name == "@type":
        return [f"  % entry type: @{value}"]
    return [f"  {name:<12} = {value.strip()},"]


def merge(base: str, ours: str, theirs: str) -> Merged:
    """The merge of three versions of sources.bib (raises ValueError when one of them
    cannot be read as BibTeX, for the caller to fall back on a line merge)."""
    chunks = {name: bibfile.parse(text) for name, text in
              (("base", base), ("ours", ours), ("theirs", theirs))}
    if any(bibfile.failed(c) for c in chunks.values()):
        raise ValueError("a version has a block that cannot be read")
    o, a, b = (bibfile.entries(chunks[n]) for n in ("base", "ours", "theirs"))
    result = Merged("")
    out: list[bibfile.Chunk] = []
    for chunk in chunks["ours"]:
        if chunk.kind != "entry":
            out.append(chunk)
            continue
        key = chunk.key
        if key in b:
            text = merge_entry(o.get(key), chunk, b[key], result.conflicts)
            out.append(replaced(chunk, text))
        elif key not in o:
            out.append(chunk)  # we added it
        elif bibfile.summary([chunk]) != bibfile.summary([o[key]]):
            out.append(deleted_on_one_side(chunk, ours_kept=True, conflicts=result.conflicts))
        # else: they deleted it and we did not change it: it goes
    for key, chunk in b.items():
        if key in a:
            continue
        if key not in o:
            out.append(chunk)  # they added it
        elif bibfile.summary([chunk]) != bibfile.summary([o[key]]):
            out.append(deleted_on_one_side(chunk, ours_kept=False, conflicts=result.conflicts))
    known = {c.key.lower() for c in chunks["ours"] if c.kind == "string"}
    strings = [c for c in chunks["theirs"] if c.kind == "string" and c.key.lower() not in known]
    result.text = layout(ours, strings, out)
    return result


def deleted_on_one_side(chunk: bibfile.Chunk, ours_kept: bool, conflicts: list[str]
                        ) -> bibfile.Chunk:
    """An entry one side changed and the other deleted: a conflict, the changed entry
    on its side of the markers and nothing on the other."""
    text = chunk.text[chunk.start:].rstrip()
    mine, yours = (text, "") if ours_kept else ("", text)
    conflicts.append(f"{chunk.key}: " + ("changed here, deleted on the other side" if ours_kept
                                         else "changed on the other side, deleted here"))
    block = [OURS, *([mine] if mine else []), SEPARATOR, *([yours] if yours else []), THEIRS]
    return replaced(chunk, "\n".join(block) + "\n")


def replaced(chunk: bibfile.Chunk, text: str) -> bibfile.Chunk:
    """A chunk with new text (kept at its place in the file)."""
    blank = chunk.text[:chunk.start]
    return bibfile.Chunk(chunk.kind, blank + text.rstrip("\n") + "\n\n", chunk.line,
                         chunk.key, chunk.type, chunk.fields, len(blank))


def layout(ours: str, strings: list[bibfile.Chunk], chunks: list[bibfile.Chunk]) -> str:
    """The merged chunks as text: in ``fmt``'s layout when ours was in it (so entries
    added on the other side land in their sorted places), else in our order."""
    head = "".join(s.text[s.start:].rstrip("\n") + "\n\n" for s in strings)
    text = bibfile.join(chunks)
    text = (head + text) if head else text
    if bibfile.canonical(bibfile.parse(ours)) == ours and OURS not in text:
        return bibfile.canonical(bibfile.parse(text))
    return text.rstrip("\n") + "\n"


def git_line_merge(base: Path, ours: Path, theirs: Path) -> tuple[str, bool]:
    """Git's own three-way line merge, for files that are not readable BibTeX."""
    run = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L",
                          "theirs", str(ours), str(base), str(theirs)],
                         capture_output=True)
    return run.stdout.decode("utf-8", errors="surrogateescape"), run.returncode != 0


def merge_files(base: Path, ours: Path, theirs: Path) -> list[str]:
    """Merge into ``ours`` (as git wants), atomically; returns the conflicts left."""
    import os
    import tempfile

    texts = [p.read_bytes().decode("utf-8", errors="surrogateescape") for p in
             (base, ours, theirs)]
    try:
        merged = merge(*texts)
        text, conflicts = merged.text, merged.conflicts
    except ValueError:
        text, clash = git_line_merge(base, ours, theirs)
        conflicts = ["the file could not be read as BibTeX: merged line by line"] if clash \
            else []
    fd, name = tempfile.mkstemp(dir=ours.parent, prefix=".merge-bib-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8", errors="surrogateescape"))
    os.replace(name, ours)
    return conflicts
