"""`build --watch` and `check --watch`: real processes, real files, real signals.

Each test starts ``python -m drafting ... --watch`` on a small library in a temporary
folder (its TMPDIR inside the test's folder, so a temporary file left anywhere shows),
edits the library the way editors and people do, and reads the outputs back. The
bounds are generous for a slow CI machine; a save is built in well under a second here.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, has_uno

from drafting.wordread import read_footnotes

BOUND = 10.0  # seconds for a save to be built (it takes a fraction of one)
LINE = re.compile(r"^\d\d:\d\d:\d\d rebuilt build/test\.docx in \d+\.\d\d s \(\d+ footnotes?\)"
                  r" — (.+)$")


class Watch:
    """A running ``drafting ... --watch``: its output lines as they come."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        self.tmp = root.parent / "tmp"
        self.tmp.mkdir(exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.tmp),
               "DRAFTING_LOCK_TIMEOUT": "30"}
        env.pop("DRAFTING_DEBUG", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "drafting", *args], cwd=root, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8")
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.seen = {"out": 0, "err": 0}
        for stream, name in ((self.process.stdout, "out"), (self.process.stderr, "err")):
            threading.Thread(target=self.pump, args=(stream, name), daemon=True).start()

    def pump(self, stream: object, name: str) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put((name, line.rstrip("\n")))

    def next(self, pattern: str, timeout: float = BOUND, stream: str = "out") -> str:
        """The next line of ``stream`` (out or err) matching ``pattern``, after the one
        the last call for that stream returned."""
        lines = self.out if stream == "out" else self.err
        end = time.monotonic() + timeout
        while True:
            for index in range(self.seen[stream], len(lines)):
                if re.search(pattern, lines[index]):
                    self.seen[stream] = index + 1
                    return lines[index]
            self.seen[stream] = len(lines)
            try:
                self.take(max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line like {pattern!r} within {timeout:g} s; "
                                     f"out: {self.out}, err: {self.err}") from None

    def take(self, timeout: float) -> str:
        """Wait for the next line of either stream; its stream's name."""
        name, line = self.lines.get(timeout=timeout)
        (self.out if name == "out" else self.err).append(line)
        return name

    def quiet(self, seconds: float) -> list[str]:
        """The stdout lines of the next ``seconds``."""
        end, before = time.monotonic() + seconds, len(self.out)
        while (left := end - time.monotonic()) > 0:
            try:
                self.take(left)
            except queue.Empty:
                break
        self.seen["out"] = len(self.out)
        return self.out[before:]

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Send ``sig``; the exit status once it has stopped."""
        self.process.send_signal(sig)
        try:
            status = self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.quiet(0.2)
        return status

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def library(make_library) -> Path:
    make_library.fact("a", "The ILO regretted the lack of progress. [@ilo-cas-2019, 198]")
    make_library.fact("b", "Over 600 unions were denied registration. [@grishin-2019]")
    make_library.brief('{{ fact("a") }}\n\n{{ fact("b") }}')
    return make_library.root


def notes(docx: Path) -> list[str]:
    return [n.text for n in read_footnotes(docx)[1]]


def cites(docx: Path, pin: int) -> bool:
    """Whether a footnote cites page ``pin`` (house style: "Title 198 (2019)")."""
    return any(f" {pin} (" in note for note in notes(docx))


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files anywhere in ``folders``: ours (.x.tmp, *.docx.tmp) or not cleaned."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.name.endswith(".tmp") or (folder.name == "tmp" and path.parent == folder):
                found.append(path)
    return found


def assert_stopped_cleanly(watch: Watch, status: int) -> None:
    assert status == 130, (watch.out, watch.err)
    assert not any("Traceback" in line or "Aborted" in line for line in watch.err), watch.err
    assert watch.out[-1] == "stopped watching"
    assert leftovers(watch.root, watch.tmp) == []


# ------------------------------------------------------------------ build --watch

def test_an_edited_fact_is_built_again_with_the_edit(library: Path) -> None:
    docx = library / "build" / "test.docx"
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        assert re.match(r"^\d\d:\d\d:\d\d built build/test\.docx in \d+\.\d\d s \(2 footnotes\)$",
                        watch.next("built"))
        watch.next("^watching")
        assert cites(docx, 198)
        edit(library / "snippets" / "a.md", "198]", "201]")
        line = watch.next("rebuilt")
        assert LINE.match(line).group(1) == "snippets/a.md changed"
        assert cites(docx, 201)
        assert not cites(docx, 198)
        assert_stopped_cleanly(watch, watch.stop())


def test_a_broken_save_keeps_the_last_good_docx_and_the_next_save_builds(
        library: Path) -> None:
    docx = library / "build" / "test.docx"
    fact = library / "snippets" / "a.md"
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        good = docx.read_bytes()
        edit(fact, "@ilo-cas-2019", "@no-such-key")
        assert re.search(r"build failed: build/test\.docx kept as it was — snippets/a\.md "
                         r"changed$", watch.next("build failed"))
        watch.next(r"^error: snippets/a\.md:\d+: unknown source key", stream="err")
        assert docx.read_bytes() == good
        fact.write_text("---\ntitle: [unclosed\n---\nThe ILO regretted it. [@ilo-cas-2019, 7]\n",
                        encoding="utf-8")
        watch.next("build failed")
        watch.next(r"^error: snippets/a\.md:\d+: ", stream="err")
        assert docx.read_bytes() == good
        fact.write_text("---\ntitle: Fixed\n---\nThe ILO regretted it. [@ilo-cas-2019, 7]\n",
                        encoding="utf-8")
        watch.next("rebuilt")
        assert cites(docx, 7)
        assert_stopped_cleanly(watch, watch.stop())


def test_editors_temporary_files_and_outputs_start_no_build(library: Path) -> None:
    snippets = library / "snippets"
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        for name in (".a.md.swp", ".#a.md", "a.md~", "#a.md#", "4913", "x.tmp"):
            (snippets / name).write_text("scratch", encoding="utf-8")
        (library / "build" / "~$test.docx").write_bytes(b"owner file")
        (library / "build" / "other.docx").write_bytes(b"not ours")
        (library / ".drafting-cache" / "scratch").write_text("x", encoding="utf-8")
        (library / "notes.txt").write_text("a note beside the library", encoding="utf-8")
        assert watch.quiet(1.5) == []
        for name in (".a.md.swp", ".#a.md", "a.md~", "#a.md#", "4913", "x.tmp"):
            (snippets / name).unlink()
        assert watch.quiet(1.0) == []
        assert_stopped_cleanly(watch, watch.stop())


def test_an_atomic_save_a_deleted_output_and_a_brief_renamed_away(library: Path) -> None:
    docx = library / "build" / "test.docx"
    fact, brief = library / "snippets" / "a.md", library / "briefs" / "test.md"
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        # an editor's atomic save: write a temporary file, rename it over the fact
        swap = fact.with_name(".a.md.new")
        swap.write_text(fact.read_text(encoding="utf-8").replace("198]", "300]"),
                        encoding="utf-8")
        os.replace(swap, fact)
        assert LINE.match(watch.next("rebuilt")).group(1) == "snippets/a.md changed"
        assert cites(docx, 300)
        # the user deletes the output: it is built again
        docx.unlink()
        assert LINE.match(watch.next("rebuilt")).group(1) == "build/test.docx deleted"
        assert docx.is_file()
        # the brief is renamed away, then back
        good = docx.read_bytes()
        moved = brief.with_name("elsewhere.md")
        brief.rename(moved)
        assert "kept as it was — briefs/test.md deleted" in watch.next("build failed")
        watch.next("no such brief file", stream="err")
        assert docx.read_bytes() == good
        moved.rename(brief)
        watch.next("rebuilt")
        # the whole build folder goes
        shutil.rmtree(library / "build")
        watch.next("rebuilt")
        assert docx.is_file()
        assert_stopped_cleanly(watch, watch.stop())


def test_a_save_that_leaves_the_fact_empty_for_a_moment_is_built_once_written(
        library: Path) -> None:
    docx = library / "build" / "test.docx"
    fact = library / "snippets" / "a.md"
    text = fact.read_text(encoding="utf-8")
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        with fact.open("w", encoding="utf-8") as handle:  # truncated: empty for a while
            handle.flush()
            time.sleep(0.5)
            handle.write(text.replace("198]", "222]"))
        watch.next("rebuilt")
        assert cites(docx, 222)
        assert not any("failed" in line for line in watch.out), watch.out
        assert_stopped_cleanly(watch, watch.stop())


def test_a_build_waits_for_a_change_another_command_holds_the_lock_for(
        library: Path) -> None:
    """fmt, rename and import hold the library lock while they change several files; a
    watch never builds from half of such a change."""
    from drafting.store import library_lock

    docx = library / "build" / "test.docx"
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        with library_lock(library):
            edit(library / "snippets" / "a.md", "198]", "250]")
            assert watch.quiet(1.5) == []  # it waits for the lock
        watch.next("rebuilt")
        assert cites(docx, 250)
        assert_stopped_cleanly(watch, watch.stop())


def test_a_burst_of_fifty_saves_is_built_once_or_twice_with_the_last(library: Path) -> None:
    docx = library / "build" / "test.docx"
    fact = library / "snippets" / "a.md"
    text = fact.read_text(encoding="utf-8")
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        for i in range(50):
            fact.write_text(text.replace("198]", f"{1000 + i}]"), encoding="utf-8")
        watch.next("rebuilt")
        builds = 1 + len([x for x in watch.quiet(2.0) if "rebuilt" in x])
        assert builds <= 2, watch.out
        assert cites(docx, 1049)
        assert_stopped_cleanly(watch, watch.stop())


def test_ctrl_c_at_any_moment_leaves_no_temporary_file(library: Path) -> None:
    """Interrupted while idle, and at random moments after a save (often mid-build)."""
    import random

    rng = random.Random("watch-interrupt")
    fact = library / "snippets" / "a.md"
    for round_ in range(4):
        with Watch(library, "build", "--watch", "briefs/test.md") as watch:
            watch.next("^watching")
            if round_:
                edit(fact, "progress", "progress!")
                time.sleep(rng.uniform(0.0, 0.4))
            assert_stopped_cleanly(watch, watch.stop())
            read_footnotes(library / "build" / "test.docx")  # a whole document, old or new


def test_sigterm_stops_it_as_ctrl_c_does_with_its_own_status(library: Path) -> None:
    with Watch(library, "build", "--watch", "briefs/test.md") as watch:
        watch.next("^watching")
        assert watch.stop(signal.SIGTERM) == 128 + signal.SIGTERM
        assert not any("Traceback" in line for line in watch.err), watch.err
        assert leftovers(library, watch.tmp) == []


def test_two_watches_on_one_library_take_turns(library: Path) -> None:
    docx = library / "build" / "test.docx"
    with Watch(library, "build", "--watch", "briefs/test.md") as one, \
            Watch(library, "build", "--watch", "briefs/test.md") as two:
        one.next("^watching")
        two.next("^watching")
        edit(library / "snippets" / "b.md", "[@grishin-2019]", "[@grishin-2019, 5]")
        one.next("rebuilt")
        two.next("rebuilt")
        assert cites(docx, 5)
        assert one.err == [] and two.err == []
        assert_stopped_cleanly(one, one.stop())
        assert_stopped_cleanly(two, two.stop())


def test_several_briefs_are_watched_and_an_edit_of_one_builds_only_it(
        make_library) -> None:
    root = make_library.root
    make_library.fact("a", "The ILO regretted the lack of progress. [@ilo-cas-2019, 198]")
    make_library.brief('{{ fact("a") }}', name="one")
    make_library.brief('{{ fact("a") }}', name="two")
    with Watch(root, "build", "--watch", "briefs/one.md", "briefs/two.md") as watch:
        watch.next("built build/one.docx")
        watch.next("built build/two.docx")
        watch.next("^watching")
        edit(root / "briefs" / "two.md", "Test Review", "Second Review")
        assert "rebuilt build/two.docx" in watch.next("rebuilt")
        assert watch.quiet(1.0) == []
        edit(root / "snippets" / "a.md", "198]", "199]")
        assert {watch.next("rebuilt").split()[2], watch.next("rebuilt").split()[2]} == \
            {"build/one.docx", "build/two.docx"}
        assert_stopped_cleanly(watch, watch.stop())


def test_a_missing_brief_or_a_bad_combination_is_refused_at_once(library: Path) -> None:
    run = [sys.executable, "-m", "drafting"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    missing = subprocess.run([*run, "build", "--watch", "briefs/nope.md"], cwd=library,
                             env=env, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1
    assert missing.stderr == "error: briefs/nope.md: no such brief file; check the path\n"
    several = subprocess.run([*run, "build", "--watch", "-o", "x.docx", "briefs/test.md",
                              "briefs/test.md"], cwd=library, env=env, capture_output=True,
                             text=True, timeout=60)
    assert several.returncode == 2 and "Traceback" not in several.stderr
    rules = subprocess.run([*run, "check", "--watch", "--rules"], cwd=library, env=env,
                           capture_output=True, text=True, timeout=60)
    assert rules.returncode == 2 and "--rules" in rules.stderr


# ------------------------------------------------------------------ check --watch

def test_check_watch_checks_again_after_a_change(library: Path) -> None:
    with Watch(library, "check", "--watch") as watch:
        clean = watch.next(r"checked in").split(": ", 1)[1]
        assert clean.startswith("0 errors") or clean == "no problems"
        watch.next("^watching")
        edit(library / "snippets" / "a.md", "@ilo-cas-2019", "@no-such-key")
        line = watch.next("checked in")
        assert re.search(r"checked in \d+\.\d\d s: 1 error, \d+ warnings? — snippets/a\.md "
                         r"changed$", line)
        assert any(re.match(r"^snippets/a\.md:\d+:\d+: error: .*no-such-key", x)
                   for x in watch.out), watch.out
        edit(library / "snippets" / "a.md", "@no-such-key", "@ilo-cas-2019")
        assert watch.next("checked in").split(": ", 1)[1] == f"{clean} — snippets/a.md changed"
        assert_stopped_cleanly(watch, watch.stop())


# ------------------------------------------------------------------ --pdf --watch

UNO = has_uno()
if os.environ.get("CI") and not UNO:  # CI installs LibreOffice: never skip there
    raise RuntimeError("CI must run the --pdf --watch test: LibreOffice and python3-uno")


def soffice_processes(marker: Path) -> list[int]:
    """LibreOffice processes whose command line names ``marker`` (the test's TMPDIR)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "soffice.bin" in command and str(marker) in command:
            found.append(int(proc.name))
    return found


def either(watch: Watch, out: str, err: str, timeout: float = 120) -> str:
    """Which comes first: a stdout line like ``out`` or a stderr line like ``err``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for stream, pattern in (("out", out), ("err", err)):
            with contextlib.suppress(AssertionError):
                watch.next(pattern, timeout=0.05, stream=stream)
                return stream
    raise AssertionError(f"neither {out!r} nor {err!r}: {watch.out}, {watch.err}")


@pytest.mark.skipif(not UNO, reason="LibreOffice with python3-uno is not installed")
def test_pdf_watch_keeps_one_libreoffice_warm_and_stops_it(library: Path) -> None:
    from pypdf import PdfReader

    pdf = library / "build" / "test.pdf"
    with Watch(library, "build", "--pdf", "--watch", "briefs/test.md") as watch:
        assert re.search(r"wrote build/test\.pdf in \d+\.\d\d s$",
                         watch.next("wrote build/test.pdf", timeout=120))
        watch.next("^watching")
        first = soffice_processes(watch.tmp)
        assert len(first) == 1, first
        edit(library / "snippets" / "a.md", "lack of progress", "lack of any progress")
        watch.next("rebuilt")
        watch.next("wrote build/test.pdf", timeout=60)
        text = " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)
        assert "lack of any progress" in " ".join(text.split())
        assert soffice_processes(watch.tmp) == first  # the same process, still warm
        assert not any(p.name.startswith(".~lock") for p in (library / "build").iterdir())
        # LibreOffice dies under it: that PDF fails (or is made by a new one), and the
        # next save gets a new, warm LibreOffice
        os.kill(first[0], signal.SIGKILL)
        good = pdf.read_bytes()
        edit(library / "snippets" / "a.md", "any progress", "some progress")
        watch.next("rebuilt")
        if either(watch, r"wrote build/test\.pdf", r"^error: build/test\.docx: LibreOffice stopped"
                  ) == "err":
            assert pdf.read_bytes() == good  # the last good PDF is kept
            edit(library / "snippets" / "a.md", "some progress", "little progress")
            watch.next("rebuilt")
            watch.next(r"wrote build/test\.pdf", timeout=120)
        again = soffice_processes(watch.tmp)
        assert len(again) == 1 and again != first
        assert_stopped_cleanly(watch, watch.stop())
        assert soffice_processes(watch.tmp) == []
