"""A repeated check answers from the digest of the whole library (drafting/verdict.py):
never a stale answer, whatever changed, wherever it is run from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example

from drafting import verdict
from drafting.check import run_check
from drafting.verdict import checked


def run(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drafting", "check", *args], cwd=cwd or root,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "lib")


def test_a_repeated_check_gives_the_same_answer_from_memory(library: Path) -> None:
    first = run(library)
    name = verdict.key(verdict.library_digest(library), None)
    assert verdict.remembered(library, name) is not None
    assert run(library).stdout == first.stdout and "warning" in first.stdout


def test_an_edit_keeping_size_and_mtime_is_seen(library: Path) -> None:
    run(library)
    fact = library / "snippets" / "kazakhstan" / "arrests-intimidation-digest.md"
    info = fact.stat()
    fact.write_bytes(fact.read_bytes().replace(b"[@ilo-digest-2006", b"[@ilo-digest-2OO6", 1))
    os.utime(fact, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert fact.stat().st_size == info.st_size
    again = run(library)
    assert "unknown source key '@ilo-digest-2OO6'" in again.stdout and again.returncode == 1


def test_paths_are_right_from_a_subfolder(library: Path) -> None:
    top = run(library).stdout
    inside = run(library, cwd=library / "briefs").stdout  # the answer now from memory
    assert inside == run(library, "--no-cache", cwd=library / "briefs").stdout
    assert inside != top and "/lib/snippets/" in inside  # placed from briefs/


def test_a_file_saved_during_the_check_is_not_remembered(library: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = verdict.library_digest

    def saved_meanwhile(root: Path) -> str | None:  # another program saves a fact
        calls.append(root)
        if len(calls) == 2:
            fact = next((root / "snippets").rglob("*.md"))
            fact.write_text(fact.read_text(encoding="utf-8") + "\nSaved.\n", encoding="utf-8")
        return real(root)

    monkeypatch.setattr(verdict, "library_digest", saved_meanwhile)
    checked(library, (), None, use_cache=True, changed=None)
    monkeypatch.setattr(verdict, "library_digest", real)
    assert verdict.remembered(library, verdict.key(real(library), None)) is None


def test_a_forged_or_damaged_answer_is_not_trusted(library: Path) -> None:
    run(library)
    kept = library / ".drafting-cache" / "verdicts.json"
    assert kept.is_file()
    kept.write_text('{"version": "1", "entries": {}}', encoding="utf-8")  # unsealed
    assert run(library).stdout == run(library, "--no-cache").stdout
    kept.write_bytes(b"\x00garbage")
    assert run(library).returncode == run(library, "--no-cache").returncode


def test_links_and_fifos_are_taken_as_they_are(library: Path) -> None:
    os.mkfifo(library / "sources" / "pipe")
    (library / "sources" / "link.txt").symlink_to("/etc/hostname")
    digest = verdict.library_digest(library)  # no hang on the FIFO, the link not followed
    assert digest is not None
    (library / "sources" / "link.txt").unlink()
    (library / "sources" / "link.txt").symlink_to("/etc/hosts")
    assert verdict.library_digest(library) != digest
    assert [str(p) for p in checked(library, (), None, True, None)] == \
        [str(p) for p in run_check(library, use_cache=False)]


def test_the_date_is_part_of_the_answer(library: Path) -> None:
    early = run(library, "--today", "2020-01-17").stdout
    late = run(library, "--today", "2030-01-17").stdout
    assert early != late and "stale" in late
    assert run(library, "--today", "2020-01-17").stdout == early


@pytest.mark.parametrize("target", ["pipe", "/dev/zero", ".git/copy.txt"])
def test_an_archive_field_never_reads_a_pipe_a_device_or_git(library: Path, target: str) -> None:
    """A `file` with an `archivesha256` (what Zotero's import writes) pointing at a FIFO,
    a device or git's folder: reported as unsafe, never read (no hang, no stale answer)."""
    if target == "pipe":
        os.mkfifo(library / "sources" / "archive" / "pipe.txt")
        target = "sources/archive/pipe.txt"
    if target.startswith(".git"):
        (library / ".git").mkdir()
        (library / ".git" / "copy.txt").write_text("words", encoding="utf-8")
    bib = library / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "@online{ceacr-2019-c087,\n",
        f"@online{{ceacr-2019-c087,\n  file = {{{target}}},\n  archivesha256 = {{abc}},\n", 1),
        encoding="utf-8")
    first = run(library, "--no-cache")
    assert "archive-unsafe" in first.stdout and "Traceback" not in first.stderr
    if target.startswith(".git"):
        (library / ".git" / "copy.txt").write_text("other words", encoding="utf-8")
    assert run(library).stdout == run(library, "--no-cache").stdout
