"""Invariant 2: nothing from a shared folder is executed or trusted.

A ``.drafting-cache/`` that came with a library (planted, damaged, of the wrong shape,
or made by another user) is never unpickled, never run, and never believed: drafting
discards it and computes the results again.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import seal
from drafting.cache import CACHE_DIR, digest
from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent


class Boom:
    """Unpickling this runs ``touch MARKER``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def lib(make_library, monkeypatch: pytest.MonkeyPatch):
    make_library.fact("registered", "Over 600 unions were refused registration. "
                      "[@grishin-2019, 3]")
    make_library.brief('# I. Facts\n\n{{ fact("registered") }}')
    monkeypatch.chdir(make_library.root)
    return make_library


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def built_notes(root: Path) -> list[str]:
    from drafting.wordread import read_footnotes

    return [n.text for n in read_footnotes(root / "build" / "test.docx")[1]]


def test_a_planted_pickle_never_runs(lib, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Boom(marker))
    jinja = lib.root / CACHE_DIR / "jinja"
    jinja.mkdir(parents=True)
    for name in ("__jinja2_x.cache", "x.cache"):  # what Jinja's bytecode cache would read
        (jinja / name).write_bytes(b"j2" + payload)
    for name in ("build.json", "check.json", "verdicts.json", "outputs.json"):
        (lib.root / CACHE_DIR / name).write_bytes(payload)
    assert run("build", "briefs/test.md").exit_code == 0
    assert run("check").exit_code == 0
    assert run("fact", "search", "unions").exit_code == 0
    assert not marker.exists()
    assert not list((ROOT / "drafting").rglob("*.cache"))


@pytest.mark.parametrize("content", [b"[]", b"{}", b"null", b"\x00\xff garbage", b"",
                                     b'{"version": "5", "entries": []}',
                                     b'{"version": "5", "entries": {"k": [1, 2]}}'])
@pytest.mark.parametrize("name", ["build.json", "check.json", "verdicts.json",
                                  "outputs.json"])
def test_a_damaged_or_odd_cache_file_is_rebuilt(lib, name: str, content: bytes) -> None:
    assert run("build", "briefs/test.md").exit_code == 0
    assert run("check").exit_code == 0
    expected = built_notes(lib.root)
    (lib.root / CACHE_DIR / name).write_bytes(content)
    # else check answers from the whole library's digest, and build finds its output
    # up to date: neither would read the damaged file
    later = {"check.json": "verdicts.json", "build.json": "outputs.json"}
    if name in later:
        (lib.root / CACHE_DIR / later[name]).unlink()
    assert run("build", "briefs/test.md").exit_code == 0
    assert built_notes(lib.root) == expected
    result = run("check", "--format", "json")
    assert result.exit_code == 0, result.output
    # and it is written again, sealed
    assert seal.unseal((lib.root / CACHE_DIR / name).read_bytes(), name) is not None


def test_a_forged_check_result_is_not_believed(lib) -> None:
    """A check.json (sealed with someone else's key, or not at all) saying a broken fact
    is fine does not hide its error."""
    broken = lib.fact("broken", "In 2019, 600 unions were refused.")  # no citation
    data = broken.read_bytes()
    key = digest(data, "fact", "snippets/broken.md")
    clean = {"kind": "fact", "problems": [], "meta": {"as_of": "2020-01-01", "title": "x",
                                                      "tags": []},
             "cites": [], "quotes": [], "facts": []}
    from drafting.cache import Cache

    version = Cache(lib.root, "check", "3", enabled=False).version
    forged = json.dumps({"version": version, "entries": {key: clean}}).encode()
    path = lib.root / CACHE_DIR / "check.json"
    path.parent.mkdir(exist_ok=True)
    for planted in (forged, other_users_seal(forged, "check.json")):
        path.write_bytes(planted)
        result = run("check", "snippets/broken.md")
        assert result.exit_code == 1
        assert "fact-uncited" in result.output


def other_users_seal(payload: bytes, name: str) -> bytes:
    """``payload`` sealed with another key (as another user's drafting would)."""
    import hashlib

    mac = hashlib.blake2b(key=b"k" * 32, digest_size=16)
    mac.update(name.encode() + b"\0")
    mac.update(payload)
    return seal.MAGIC + mac.hexdigest().encode() + b"\n" + payload


def test_a_planted_rendered_template_is_not_used(lib) -> None:
    """Every file in rendered/ replaced by another document: the build still shows the
    brief's own caption."""
    assert run("build", "briefs/test.md").exit_code == 0
    rendered = list((lib.root / CACHE_DIR / "rendered").iterdir())
    assert rendered
    evil = lib.root / "evil.docx"
    shutil.copy(ROOT / "templates" / "notice-of-intent.docx", evil)
    for path in rendered:
        data = path.read_bytes()
        path.write_bytes(evil.read_bytes())  # unsealed
        assert run("build", "briefs/test.md").exit_code == 0
        assert "Test Review" in caption(lib.root)
        path.write_bytes(data[:-100])  # sealed, truncated
        assert run("build", "briefs/test.md").exit_code == 0
        assert "Test Review" in caption(lib.root)


def test_a_sealed_file_moved_to_another_name_is_refused() -> None:
    sealed = seal.seal(b"payload", "rendered:aaa")
    assert seal.unseal(sealed, "rendered:aaa") == b"payload"
    assert seal.unseal(sealed, "rendered:bbb") is None
    assert seal.unseal(sealed[:-1] + b"X", "rendered:aaa") is None
    assert seal.unseal(b"payload", "rendered:aaa") is None


def caption(root: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(root / "build" / "test.docx")).paragraphs)


def test_a_garbage_search_index_is_rebuilt(lib) -> None:
    index = lib.root / CACHE_DIR / "search.sqlite"
    index.parent.mkdir(exist_ok=True)
    index.write_bytes(b"this is not a database" * 100)
    result = run("fact", "search", "unions", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [h["fact_id"] for h in json.loads(result.output)] == ["registered"]


def test_a_planted_search_row_is_not_believed(lib) -> None:
    """A row whose stamp matches the fact's content but whose text is forged."""
    assert run("fact", "search", "unions").exit_code == 0
    index = lib.root / CACHE_DIR / "search.sqlite"
    with sqlite3.connect(index) as db:
        db.execute("UPDATE facts SET body = 'kittens are plotting'")
    result = run("fact", "search", "kittens", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == []
    result = run("fact", "search", "unions", "--format", "json")
    assert [h["fact_id"] for h in json.loads(result.output)] == ["registered"]


@pytest.mark.parametrize("content", [b"[]", b"{}", b"garbage", b'{"brief": 1, "notes": 2}'])
def test_an_odd_build_record_is_ignored(lib, content: bytes) -> None:
    assert run("build", "briefs/test.md").exit_code == 0
    records = list((lib.root / CACHE_DIR / "builds").glob("*.json"))
    assert records
    for record in records:
        record.write_bytes(content)
    result = run("build", "briefs/test.md", "--changes")
    assert result.exit_code == 0, result.output
    assert "no earlier build" in result.output
    used = run("fact", "used-by", "registered")
    assert used.exit_code == 0, used.output


def test_another_users_cache_is_rebuilt_not_trusted(lib, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", "briefs/test.md").exit_code == 0
    expected = built_notes(lib.root)
    monkeypatch.setenv("DRAFTING_KEY_FILE", str(tmp_path / "other-user" / "key"))
    seal.secret.cache_clear()
    try:
        assert run("build", "briefs/test.md").exit_code == 0
        assert built_notes(lib.root) == expected
        assert (tmp_path / "other-user" / "key").stat().st_mode & 0o077 == 0
    finally:
        seal.secret.cache_clear()


def test_planted_links_and_pipes_in_the_cache_are_never_followed(lib, tmp_path: Path) -> None:
    """A cache file that is a FIFO would hang a read; a link would read or write
    elsewhere. Either is left alone (or replaced), and nothing outside changes."""
    cache = lib.root / CACHE_DIR
    cache.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "precious.txt"
    victim.write_text("keep me\n")
    os.mkfifo(cache / "build.json")
    os.mkfifo(cache / "check.json")
    os.mkfifo(cache / "search.sqlite")
    (cache / ".gitignore").symlink_to(victim)
    (cache / "rendered").symlink_to(outside, target_is_directory=True)
    (cache / "builds").symlink_to(outside, target_is_directory=True)
    for args in (["build", "briefs/test.md"], ["check"], ["fact", "search", "unions"],
                 ["build", "briefs/test.md", "--changes"], ["fact", "used-by", "registered"]):
        done = subprocess.run([sys.executable, "-m", "drafting", *args], cwd=lib.root,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, (args, done.stderr)
    assert victim.read_text() == "keep me\n"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_a_cache_folder_that_is_a_link_is_not_used(lib, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (lib.root / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert run("build", "briefs/test.md").exit_code == 0
    assert run("check").exit_code == 0
    assert list(elsewhere.iterdir()) == []


def test_a_planted_lock_link_never_truncates_or_blocks(lib) -> None:
    """``.drafting-cache/library.lock`` planted as a link to sources.bib, or as a pipe."""
    cache = lib.root / CACHE_DIR
    cache.mkdir(exist_ok=True)
    bib = (lib.root / "sources.bib").read_bytes()
    for plant in ("link", "pipe"):
        lock = cache / "library.lock"
        lock.unlink(missing_ok=True)
        if plant == "link":
            lock.symlink_to("../sources.bib")
        else:
            os.mkfifo(lock)
        result = run("fact", "new", f"new-{plant}", "--text", "Words. [@grishin-2019, 1]")
        assert result.exit_code == 0, result.output
        assert (lib.root / "sources.bib").read_bytes() == bib
