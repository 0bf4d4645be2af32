"""What a change touches (``drafting check --changed REF``), for pull requests and
pre-commit hooks on a large library.

From git: the files changed since REF (and new ones not yet committed; a rename is its
old name and its new one). To check: those files; every brief that uses a changed
fact; a brief whose bibliography, template or style changed, with its facts; facts
whose ``superseded_by`` names a fact now gone; and, when sources.bib changed, every
fact and brief citing an entry that changed in it. A problem is reported only in those
files, so a 10,000-fact library checks one changed fact quickly (the rest comes from
the check cache, and ``check.focused`` reads only what such a change can touch).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from drafting.errors import DraftingError, Location


def git(root: Path, *args: str) -> str:
    """A git command's output in the library (a located error if git cannot)."""
    return gits(root, args)[0]


def gits(root: Path, *commands: tuple[str, ...]) -> list[str]:
    """The outputs of git commands run side by side in the library (a located error,
    the first command's, if git cannot run one)."""
    try:
        running = [subprocess.Popen(["git", "-C", str(root), *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
                   for args in commands]
    except OSError as err:
        raise DraftingError(f"cannot run git ({err}); --changed needs git",
                            Location(root)) from None
    try:
        outputs = [run.communicate(timeout=60) for run in running]
    except subprocess.TimeoutExpired as err:
        raise DraftingError(f"cannot run git ({err}); --changed needs git",
                            Location(root)) from None
    finally:
        for run in running:
            if run.poll() is None:
                run.kill()
                run.wait()
    for run, (_, errors) in zip(running, outputs, strict=True):
        if run.returncode != 0:
            message = (errors.strip().splitlines() or ["git failed"])[-1]
            raise DraftingError(f"git: {message}; --changed needs a git repository and a "
                                "commit, branch or tag such as origin/main", Location(root))
    return [out for out, _ in outputs]


def changed_files(root: Path, ref: str) -> list[Path]:
    """Files of the library changed since ``ref`` (committed or not), and new untracked
    files (both asked of git at once, as paths from the library's folder)."""
    # --no-renames: a renamed file is its old name (gone) and its new one; -z: names as
    # they are (not quoted, as git quotes a name with a non-ASCII letter)
    if ref.startswith("-"):  # git would take it for an option (--output=FILE writes)
        raise DraftingError(f"'{ref}' is not a commit, branch or tag; give one such as "
                            "origin/main", Location(root))
    # (ls-files first: outside a repository its error says so; git diff would compare
    # files instead and print its usage)
    new, changed = gits(root, ("ls-files", "-z", "--others", "--exclude-standard"),
                        ("diff", "--name-only", "-z", "--relative", "--no-renames", ref, "--"))
    names = changed.split("\0") + new.split("\0")
    return sorted({(root / name).resolve() for name in names if name.strip()})


def changed_keys(root: Path, ref: str) -> set[str]:
    """Keys of the sources.bib entries added, removed or changed since ``ref``."""
    from drafting import bibfile  # bibtexparser: only when sources.bib changed
    from drafting.library import read_bib_text

    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    bib = (root / "sources.bib").resolve()
    name = bib.relative_to(top).as_posix()
    try:
        old = git(root, "show", f"{ref}:{name}")
    except DraftingError:
        old = ""  # sources.bib is new since then
    new = read_bib_text(bib) if bib.exists() else ""  # (a pipe or 1 GB is refused)
    before = bibfile.summary(bibfile.parse(old))["entries"]
    after = bibfile.summary(bibfile.parse(new))["entries"]
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


def to_check(root: Path, ref: str, lib: object, files: list[Path] | None = None
             ) -> list[Path]:
    """The files ``check --changed REF`` reports on (``files``: what changed, when
    already asked of git)."""
    files = changed_files(root, ref) if files is None else files
    paths = set(files)
    snippets = (root / "snippets").resolve()
    changed_facts = {p.stem for p in files  # deleted ones too: their briefs break
                     if p.suffix == ".md" and snippets in p.parents}
    keys = changed_keys(root, ref) if (root / "sources.bib").resolve() in files else set()
    for path, report in [*lib.facts.items(), *lib.briefs.items()]:  # type: ignore[attr-defined]
        if any(key in keys for key, _ in report["cites"]):
            paths.add(path.resolve())
    for path, report in lib.briefs.items():  # type: ignore[attr-defined]
        if any(fact in changed_facts for fact, _ in report["facts"]):
            paths.add(path.resolve())
        if names_changed(root, report["meta"], paths):  # its build may fail in its facts
            paths.add(path.resolve())
            paths.update(p.resolve() for fact, _ in report["facts"]
                         for p in lib.fact_paths.get(fact, []))  # type: ignore[attr-defined]
    gone = {p.stem for p in files if p.suffix == ".md" and snippets in p.parents
            and not p.exists()}
    for path, report in lib.facts.items():  # type: ignore[attr-defined]
        if report["meta"].get("superseded_by") in gone:  # it names a fact now gone
            paths.add(path.resolve())
    inside = [p for p in paths if p == root.resolve() or root.resolve() in p.parents]
    return sorted(inside)


def names_changed(root: Path, meta: dict, changed: set[Path]) -> bool:
    """Whether a brief's front matter names (by path or by name) a bibliography,
    template or style that changed."""
    for field, folder, suffix in (("bibliography", "", ""), ("template", "templates", ".docx"),
                                  ("style", "styles", ".yaml")):
        value = str(meta.get(field) or "")
        if not value:
            continue
        named = {(root / value).resolve(), (root / folder / value).resolve(),
                 (root / folder / f"{value}{suffix}").resolve()}
        if named & changed:
            return True
    return False
