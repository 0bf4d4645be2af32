"""A library is always consistent, even when a command is killed or races another.

Real processes and real signals: renames are killed by SIGKILL and SIGINT at random
moments and at every deterministic crash point (``DRAFTING_TEST_CRASH_AFTER``), then any
command must find the library exactly as before or exactly as after, with no temporary
file left. Writers racing each other serialize on the library lock; a planted or damaged
journal cannot make drafting touch anything outside the library.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import bibfile, journal, store
from drafting.upkeep import BRIEF_KEYS, FACT_KEYS, canonical_markdown

KEYS = [f"src-{i}" for i in range(6)]


def write_library(root: Path, facts: int, canonical: bool = True) -> None:
    """``facts`` small facts citing six sources, and a brief that uses every fact."""
    (root / "snippets" / "a").mkdir(parents=True)
    (root / "briefs").mkdir()
    (root / "sources.bib").write_text("".join(
        f"@online{{{key},\n  title = {{Source {key}}},\n  date = {{2020}},\n}}\n\n"
        for key in KEYS), encoding="utf-8")
    for i in range(facts):
        front = ("title: Fact {i}\ntags: [t]\nas_of: 2020-01-01\n" if canonical else
                 "as_of: 2020-01-01\ntitle: Fact {i}   \ntags: [t]\n").format(i=i)
        body = f"Fact {i} [@{KEYS[i % len(KEYS)]}, {i}].\n"
        if not canonical:
            body += "\n\n\nMore.   \n"
        (root / "snippets" / "a" / f"fact-{i}.md").write_text(f"---\n{front}---\n{body}",
                                                              encoding="utf-8")
    uses = "".join(f'{{{{ fact("fact-{i}") }}}}\n\n' for i in range(facts))
    (root / "briefs" / "b.md").write_text(f"---\ntemplate: x\n---\n{uses}", encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the library and its bytes (the lock and cache aside)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".drafting-cache" not in p.relative_to(root).parts}


def restore(root: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def drafting(root: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "drafting", *args], cwd=root,
                            env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    proc = drafting(root, *args, **env)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_clean(root: Path) -> None:
    """No temporary file and no journal anywhere in the library."""
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp")
                and ".drafting-cache" not in p.parts]
    assert not (root / journal.JOURNAL).exists()


RENAMES = {"fact": ("fact", "rename", "fact-7", "fact-seven"),
           "source": ("source", "rename", "src-1", "src-one")}
WRITES = {"fact": 2, "source": 51}  # files each rename writes: new fact + brief; bib + 50


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The library before, and after each uninterrupted rename."""
    base = tmp_path_factory.mktemp("states")
    write_library(base / "old", 300)
    found = {"old": tree(base / "old")}
    for kind, args in RENAMES.items():
        restore(base / kind, found["old"])
        assert run(base / kind, *args).returncode == 0
        found[kind] = tree(base / kind)
        assert found[kind] != found["old"]
    return found


# ------------------------------------------------------------------ crash points

@pytest.mark.parametrize("kind", ["fact", "source"])
@pytest.mark.parametrize("point", ["stage:1", "stage:40", "replace:0", "replace:1",
                                   "replace:30"])
def test_a_crash_at_any_point_leaves_the_old_or_the_new_library(
        tmp_path: Path, states: dict, kind: str, point: str) -> None:
    root = tmp_path / "lib"
    restore(root, states["old"])
    crashed = run(root, *RENAMES[kind], DRAFTING_TEST_CRASH_AFTER=point)
    phase, count = point.split(":")
    finished = int(count) >= WRITES[kind] + (phase == "stage")
    assert crashed.returncode == (0 if finished else 75), crashed.stderr
    if not finished:
        assert (root / journal.JOURNAL).exists()  # the crash did leave work behind
    after = run(root, "fact", "list", "--format", "json")  # any command, even a reader
    assert after.returncode == 0, after.stderr
    expected = "old" if point.startswith("stage") and not finished else kind
    assert tree(root) == states[expected]
    assert_clean(root)


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_or_sigterm_during_the_renames_finishes_the_change_first(
        tmp_path: Path, states: dict, sig: str) -> None:
    root = tmp_path / "lib"
    restore(root, states["old"])
    result = run(root, *RENAMES["source"], DRAFTING_TEST_SIGNAL_AFTER=f"5:{sig}")
    # the signal still stops the command (Ctrl-C: "Aborted!"), but only once it is done
    assert result.returncode == (1 if sig == "SIGINT" else -signal.SIGTERM), result.stderr
    assert tree(root) == states["source"]  # no other command needed to finish it
    assert_clean(root)


# ------------------------------------------------------------------ random kills

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_at_random_moments_the_library_is_old_or_new(
        tmp_path: Path, states: dict, sig: signal.Signals) -> None:
    """Half the rounds kill after a random share of a whole run; the other half wait for
    the journal (the change has begun) and kill a random few milliseconds into it."""
    root = tmp_path / "lib"
    rng = random.Random(f"kill-{sig}")
    restore(root, states["old"])
    began = time.monotonic()
    assert run(root, *RENAMES["source"]).returncode == 0
    full = time.monotonic() - began  # how long a whole rename takes here
    seen = {"old": 0, "new": 0, "killed mid-change": 0}
    for i in range(16):
        kind = ("fact", "source")[i % 2]
        restore(root, states["old"])
        proc = drafting(root, *RENAMES[kind])
        if i % 4 < 2:
            time.sleep(rng.uniform(0.3, 1.1) * full)
        else:
            wait_for(root / journal.JOURNAL, proc)
            time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(sig)
        proc.communicate(timeout=60)
        seen["killed mid-change"] += (root / journal.JOURNAL).exists()
        after = run(root, "source", "list")
        assert after.returncode == 0, after.stderr
        now = tree(root)
        assert now in (states["old"], states[kind]), f"half-done after {sig!r} in round {i}"
        assert_clean(root)
        seen["old" if now == states["old"] else "new"] += 1
    print(f"{sig!r}: {seen}")
    if sig == signal.SIGKILL:
        assert seen["killed mid-change"], "no kill landed inside a change; the test missed"
    else:  # Ctrl-C undoes the staging, or waits for the renames: nothing is left over
        assert not seen["killed mid-change"]


def wait_for(path: Path, proc: subprocess.Popen) -> None:
    """Until ``path`` exists or the process has ended."""
    deadline = time.monotonic() + 30
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)


# ------------------------------------------------------------------ races

def test_fmt_renames_and_adds_racing_on_thousands_of_facts(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_library(root, 2000, canonical=False)
    for side in ("left", "right"):
        (tmp_path / f"{side}.bib").write_text(
            "".join(f"@online{{{side}-{i},\n  title = {{{side} entry {i}}},\n  "
                    f"url = {{https://example.org/{side}/{i}}},\n  date = {{2021}},\n}}\n"
                    for i in range(5)), encoding="utf-8")
    procs = [drafting(root, "fmt"), drafting(root, "source", "rename", "src-2", "src-two"),
             drafting(root, "source", "add", str(tmp_path / "left.bib")),
             drafting(root, "source", "add", str(tmp_path / "right.bib")),
             drafting(root, "fact", "rename", "fact-3", "fact-three")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (proc.args, err)
    entries = bibfile.entries(bibfile.parse((root / "sources.bib").read_text()))
    expected = {*KEYS, "src-two"} - {"src-2"}
    expected |= {f"{side}-{i}" for side in ("left", "right") for i in range(5)}
    assert set(entries) == expected  # nothing lost, nothing left over
    facts = sorted((root / "snippets").rglob("*.md"))
    assert len(facts) == 2000 and (root / "snippets/a/fact-three.md").exists()
    for path in facts:
        text = path.read_text()
        assert text == canonical_markdown(text, FACT_KEYS), f"{path.name} not formatted"
        cited = text.split("[@", 1)[1].split(",", 1)[0]
        assert cited in entries, f"{path.name} cites {cited}, which is gone"
    brief = (root / "briefs" / "b.md").read_text()
    assert brief == canonical_markdown(brief, BRIEF_KEYS)
    assert 'fact("fact-three")' in brief and 'fact("fact-3")' not in brief
    assert_clean(root)


WRITERS = [("fact", "new", "fresh", "--text", "A new fact."),
           ("fact", "rename", "fact-1", "fact-one"), ("source", "add", "new.bib"),
           ("source", "import", "new.bib"), ("source", "rename", "src-1", "src-one"),
           ("fmt",)]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:2]))
def test_every_write_waits_for_the_lock_then_fails_in_one_line(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    root = tmp_path / "lib"
    write_library(root, 3, canonical=False)
    (root / "new.bib").write_text("@online{brand-new,\n  title = {New},\n  date = {2021},\n}\n")
    before = tree(root)
    with store.library_lock(root):
        result = run(root, *args, DRAFTING_LOCK_TIMEOUT="0.3")
        readers = [run(root, *reader, DRAFTING_LOCK_TIMEOUT="0.3") for reader in
                   (("fact", "list"), ("fmt", "--check"))]
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "library.lock: another drafting command has held the library lock" in result.stderr
    assert tree(root) == before
    assert [r.returncode for r in readers] == [0, 1]  # readers do not wait: 1 is "would reformat"
    assert "would reformat" in readers[1].stdout


def test_a_rename_through_a_link_out_of_the_library_is_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "lib", tmp_path / "elsewhere"
    write_library(root, 3)
    shutil.move(root / "snippets", elsewhere)
    (root / "snippets").symlink_to(elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    result = run(root, "source", "rename", "src-1", "src-one")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "outside the library" in result.stderr
    assert {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert not list(elsewhere.rglob("*.tmp"))
    assert_clean(root)


def test_a_journal_temporary_file_alone_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_library(root, 3)
    before = tree(root)
    (root / f".{journal.JOURNAL}.0123456789ab.tmp").write_text('{"state": "sta')
    assert run(root, "source", "list").returncode == 0
    assert tree(root) == before


# ------------------------------------------------------------------ planted journals

def planted(root: Path, body: dict, valid: bool = True) -> None:
    body = {"version": journal.VERSION, "targets": [], "writes": [], "deletes": [],
            "discard": [], **body}
    check = journal.checksum(body) if valid else "0" * 64
    (root / journal.JOURNAL).write_text(json.dumps({**body, "checksum": check}))


def sha(data: bytes) -> str:
    return journal.text_digest(data)


@pytest.mark.parametrize("damage", [b"", b'{"version": 1, "state": "comm', b"\xff\xfe[]",
                                    b"[1, 2]", b'{"state": "commit", "writes": 7}'])
def test_a_damaged_journal_is_undone_quietly(tmp_path: Path, damage: bytes) -> None:
    root = tmp_path / "lib"
    write_library(root, 5)
    before = tree(root)
    (root / journal.JOURNAL).write_bytes(damage)
    result = run(root, "fact", "list")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "note: removed .drafting-journal.json: it could not be read" in result.stderr
    assert tree(root) == before
    assert_clean(root)


def test_a_truncated_journal_of_a_real_crash_is_rolled_back(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_library(root, 30)
    before = tree(root)
    assert run(root, *RENAMES["source"], DRAFTING_TEST_CRASH_AFTER="replace:0").returncode == 75
    text = (root / journal.JOURNAL).read_text()
    (root / journal.JOURNAL).write_text(text[: len(text) // 2])
    result = run(root, "check")
    assert "Traceback" not in result.stderr and "could not be read" in result.stderr
    assert tree(root) == before
    assert_clean(root)


def test_a_planted_journal_cannot_touch_files_outside_the_library(tmp_path: Path) -> None:
    root, outside = tmp_path / "lib", tmp_path / "outside"
    write_library(root, 5)
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("precious")
    evil = outside / ".victim.txt.0123456789ab.tmp"
    evil.write_text("overwritten")
    (root / "snippets" / "link").symlink_to(outside)
    before, victims = tree(root), {p.name: p.read_bytes() for p in outside.iterdir()}
    names = ["../outside/victim.txt", str(victim), "snippets/link/victim.txt",
             "snippets/../../outside/victim.txt"]
    temps = ["../outside/.victim.txt.0123456789ab.tmp", str(evil),
             "snippets/link/.victim.txt.0123456789ab.tmp"]
    planted(root, {"state": "commit", "targets": names,
                   "writes": [[t, n, sha(b"overwritten")] for t in temps for n in names],
                   "deletes": [[n, sha(b"precious")] for n in names], "discard": temps})
    result = run(root, "fact", "list")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == victims
    assert tree(root) == before
    assert not (root / journal.JOURNAL).exists()


def test_a_planted_journal_cannot_swap_in_a_file_that_is_not_our_temporary(
        tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_library(root, 5)
    brief = (root / "briefs" / "b.md").read_bytes()
    fact = root / "snippets" / "a" / "fact-0.md"
    before = tree(root)
    planted(root, {"state": "commit", "targets": ["snippets/a/fact-0.md"],
                   "writes": [["briefs/b.md", "snippets/a/fact-0.md", sha(brief)]],
                   "deletes": [["snippets/a/fact-1.md", sha(b"not its text")]]})
    assert run(root, "fact", "list").returncode == 0
    assert tree(root) == before and fact.exists()
    assert_clean(root)


def test_a_journal_with_a_bad_checksum_is_rolled_back_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_library(root, 5)
    before = tree(root)
    temp = root / "snippets" / "a" / ".fact-0.md.0123456789ab.tmp"
    temp.write_text("edited by hand")
    planted(root, {"state": "commit", "targets": ["snippets/a/fact-0.md"],
                   "writes": [[temp.relative_to(root).as_posix(), "snippets/a/fact-0.md",
                               sha(b"edited by hand")]]}, valid=False)
    assert run(root, "source", "list").returncode == 0
    assert tree(root) == before
    assert_clean(root)


# ------------------------------------------------------------------ any subset

contents = st.binary(max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(contents, min_size=1, max_size=5),
       plan=st.lists(st.sampled_from(["write", "delete", "keep"]), min_size=5, max_size=5),
       new_texts=st.lists(contents, min_size=5, max_size=5),
       added=st.lists(contents, max_size=2), done=st.lists(st.booleans(), min_size=10,
                                                          max_size=10),
       committed=st.booleans())
def test_recovery_from_any_subset_of_renames_gives_old_or_new(
        files: list[bytes], plan: list[str], new_texts: list[bytes], added: list[bytes],
        done: list[bool], committed: bool) -> None:
    """Whatever subset of the staged renames and deletes reached the disk before a crash,
    the next command ends with the whole change (if its commit record was written) or
    none of it (if not)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        (root / "snippets").mkdir()
        paths = [root / "snippets" / f"f{i}.md" for i in range(len(files))]
        for path, data in zip(paths, files, strict=True):
            path.write_bytes(data)
        old = tree(root)
        transaction = store.Transaction(root)
        for path, action, text in zip(paths, plan, new_texts, strict=False):
            if action == "write":
                transaction.write(path, text)
            elif action == "delete":
                transaction.delete(path)
        for i, data in enumerate(added):
            transaction.write(root / f"n{i}.md", data)
        new = {**old, **{p.relative_to(root).as_posix(): store.as_bytes(t)
                         for p, t in transaction.writes.items()}}
        for path in transaction.deletes:
            new.pop(path.relative_to(root).as_posix())
        if not transaction.paths:
            return
        with store.library_lock(root):
            record, _ = transaction.prepare(root)
            if committed:
                store.save(root, record)
        steps = [("write", w) for w in record.writes] + [("delete", d) for d in record.deletes]
        for (kind, step), happened in zip(steps, done, strict=False):
            if happened and committed and kind == "write":
                os.replace(root / step[0], root / step[1])
            elif happened and committed:
                (root / step[0]).unlink()
        store.recover(root)
        assert tree(root) == (new if committed else old)
        assert_clean(root)
