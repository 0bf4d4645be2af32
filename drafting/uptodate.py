"""Whether a brief's .docx is still what a build would write, as ``make`` asks.

After each build, every file it read or looked for is kept with its content digest
(:mod:`drafting.inputs`), with the digest of the .docx it wrote. A build of the same
brief to the same file by the same drafting, with the same options, whose inputs and
output all still have those digests would write the same bytes: it is skipped. Sizes
and dates are never looked at. Light on purpose: the Word stack is not loaded for it.
"""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from drafting.cache import Cache, code_digest, digest
from drafting.inputs import current_digest, unchanged
from drafting.values import dataclass

VERSION = "1"


def build_key(brief: Path, output: Path, style: str | None) -> str:
    """The name of a build: the brief, where it goes, the style asked for, the code."""
    parts = [str(brief.resolve()), str(output.resolve()), style or "", code_digest()]
    return digest(json.dumps(parts).encode(), "output")


def still_built(root: Path, brief: Path, output: Path, style: str | None
                ) -> tuple[int, list[str]] | None:
    """The footnotes and facts of the last build, when ``output`` is still exactly what
    it wrote and nothing it read has changed; else None."""
    kept = Cache(root, "outputs", VERSION, keep=100).get(build_key(brief, output, style))
    if not isinstance(kept, dict) or not isinstance(kept.get("facts"), list):
        return None
    if not unchanged(kept.get("reads")) or current_digest(output) != kept.get("output"):
        return None  # (the inputs first: after an edit, one of them tells at once)
    if kept.get("named") != defining_files(root, kept["facts"]):  # a file added for an id
        return None
    footnotes = kept.get("footnotes")
    return (footnotes, [str(f) for f in kept["facts"]]) if isinstance(footnotes, int) else None


def defining_files(root: Path, facts: list[str]) -> dict[str, list[str]]:
    """The files that define each of ``facts`` now (a second file for an id makes a
    build fail, and no read of the first would show it)."""
    from drafting.library import scan_facts

    found = scan_facts(root / "snippets")
    return {f: [str(p) for p in found.get(f, [])] for f in facts}


def built(root: Path, brief: Path, output: Path, style: str | None, reads: dict[str, str],
          footnotes: int, facts: list[str]) -> None:
    """Keep what a build read and wrote (the read digests were taken as it read)."""
    cache = Cache(root, "outputs", VERSION, keep=100)
    record: dict[str, Any] = {"reads": reads, "output": current_digest(output),
                              "footnotes": footnotes, "facts": facts,
                              "named": defining_files(root, facts)}
    cache.put(build_key(brief, output, style), record)
    cache.save()


@dataclass
class Kept:
    """A build that did not need to run (the same fields as ``build.BuildResult``)."""

    output: Path
    footnotes: int
    facts: list[str]
    changes: list[str] | None = field(default=None)
    up_to_date: bool = True


def fresh(brief: Path, output: Path | None, style: str | None) -> Kept | None:
    """The last build of ``brief`` (to ``output``, else build/NAME.docx), when it is
    still exactly what a build would write now."""
    from drafting.inputs import find_root

    root = find_root(brief.parent)
    target = output or root / "build" / f"{brief.stem}.docx"
    found = still_built(root, brief, target, style)
    return Kept(target, *found) if found else None


def built_or_kept(brief: Path, output: Path | None, style: str | None, use_cache: bool,
                  compare: bool) -> Any:
    """Build ``brief``; or, when its last build's output is still exactly what a build
    would write (:mod:`drafting.uptodate`), say so without building."""
    if use_cache and not compare:
        kept = fresh(brief, output, style)
        if kept is not None:
            return kept
    from drafting.build import build as run_build

    return run_build(brief, output, style, use_cache=use_cache, compare=compare)
