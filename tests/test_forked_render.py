"""A template rendered in a forked child while the build reads the facts
(drafting.parallel.Forked, drafting.build.early_rendering): the same document, the
same errors in the same order, and no child left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_example, rewrite_docx

from drafting.errors import DraftingError, Location
from drafting.limits import LimitError
from drafting.parallel import Forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux")

#: Builds a brief in this process and says whether python-docx was loaded here.
BUILD = """
import os, sys
from pathlib import Path
from drafting.build import build
from drafting.errors import DraftingError
try:
    result = build(Path(sys.argv[1]), Path(sys.argv[2]), use_cache=False)
    print("built", result.footnotes)
except DraftingError as err:
    print("error", err)
print("docx loaded here:", "docx" in sys.modules)
try:
    os.waitpid(-1, os.WNOHANG)
    print("a child is left")
except ChildProcessError:
    print("no child left")
"""


def run_build(root: Path, brief: str, out: Path, jobs: str) -> list[str]:
    env = {**os.environ, "DRAFTING_JOBS": jobs}
    done = subprocess.run([sys.executable, "-c", BUILD, str(root / "briefs" / brief),
                           str(out)], capture_output=True, text=True, env=env, cwd=root,
                          check=True)
    return done.stdout.splitlines()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "library")


def test_a_child_renders_the_same_document(library: Path, tmp_path: Path) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no child")
    forked = run_build(library, "kazakhstan-2020.md", tmp_path / "a.docx", "2")
    here = run_build(library, "kazakhstan-2020.md", tmp_path / "b.docx", "1")
    assert forked == ["built 20", "docx loaded here: False", "no child left"]
    assert here == ["built 20", "docx loaded here: True", "no child left"]
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def broken_template(library: Path) -> None:
    template = library / "templates" / "notice-and-pre-hearing-brief.docx"
    rewrite_docx(template, template, lambda parts: parts.__setitem__(
        "word/document.xml", parts["word/document.xml"].replace(b"{{ body }}",
                                                                b"{{ body }} {% if %}", 1)))


def test_a_template_error_from_the_child_is_the_same_error(library: Path,
                                                           tmp_path: Path) -> None:
    broken_template(library)
    forked = run_build(library, "kazakhstan-2020.md", tmp_path / "a.docx", "2")
    here = run_build(library, "kazakhstan-2020.md", tmp_path / "b.docx", "1")
    assert forked[0].startswith("error ") and "Jinja syntax error in the template" in forked[0]
    assert forked[0] == here[0] and forked[2] == "no child left"
    assert not (tmp_path / "a.docx").exists()


def test_a_broken_fact_is_still_reported_first_and_the_child_stopped(library: Path,
                                                                    tmp_path: Path) -> None:
    broken_template(library)
    fact = next((library / "snippets").rglob("ilo-cas-2019-regret.md"))
    fact.write_text(fact.read_text(encoding="utf-8").replace("[@", "[@nowhere-", 1),
                    encoding="utf-8")
    forked = run_build(library, "kazakhstan-2020.md", tmp_path / "a.docx", "2")
    here = run_build(library, "kazakhstan-2020.md", tmp_path / "b.docx", "1")
    assert "unknown source key '@nowhere-" in forked[0] and forked[0] == here[0]
    assert forked[2] == "no child left"


def test_forked_work_gives_its_bytes_or_its_error() -> None:
    with Forked(lambda: b"x" * 300_000) as work:  # more than a pipe holds
        assert work.result() == b"x" * 300_000

    def refuse() -> bytes:
        raise LimitError("too big", Location(Path("t.docx"), 3, 4))

    with pytest.raises(LimitError) as caught, Forked(refuse) as work:
        work.result()
    assert str(caught.value) == f"{Path('t.docx')}:3:4: too big"

    def unlocated() -> bytes:
        raise DraftingError("no place")

    with pytest.raises(DraftingError) as caught, Forked(unlocated) as work:
        work.result()
    assert caught.value.where is None and caught.value.message == "no place"


def test_a_child_that_dies_means_the_work_is_done_here() -> None:
    parent = os.getpid()

    def work() -> bytes:
        if os.getpid() != parent:
            os._exit(9)  # killed, as by the out-of-memory killer
        return b"done here"

    with Forked(work) as forked:
        assert forked.result() == b"done here"


def test_leaving_early_stops_the_child_at_once() -> None:
    began = time.monotonic()
    with Forked(lambda: time.sleep(30) or b"late") as work:
        pid = work.pid
    assert time.monotonic() - began < 5
    assert pid is not None or (os.cpu_count() or 1) < 2  # a child was forked
    if pid is not None:
        with pytest.raises(ChildProcessError):  # and it is gone, collected
            os.waitpid(pid, os.WNOHANG)


def test_no_child_is_forked_while_another_thread_runs() -> None:
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Forked(lambda: b"here") as work:
            assert work.pid is None and work.result() == b"here"
    finally:
        stop.set()
        other.join()


def test_when_no_process_can_be_forked_the_work_is_done_here(monkeypatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    before = len(os.listdir("/proc/self/fd"))
    with Forked(lambda: b"here") as work:
        assert work.pid is None and work.result() == b"here"
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe was closed


@pytest.mark.parametrize(("field", "message"), [
    ("{{ 1/0 }}", "error in a template field: division by zero"),
    ("{{ range(10**8)|list }}", "error in a template field: Range too big"),
    ("{% include 'other.docx' %}", "a template cannot include other files"),
])
def test_a_template_field_that_fails_is_a_template_error(library: Path, tmp_path: Path,
                                                         field: str, message: str) -> None:
    template = library / "templates" / "notice-and-pre-hearing-brief.docx"
    rewrite_docx(template, template, lambda parts: parts.__setitem__(
        "word/document.xml", parts["word/document.xml"].replace(
            b"{{ body }}", b"{{ body }}</w:t></w:r></w:p><w:p><w:r><w:t>" + field.encode(), 1)))
    for jobs in ("2", "1"):
        out = run_build(library, "kazakhstan-2020.md", tmp_path / "a.docx", jobs)
        assert out[0].startswith("error ") and message in out[0], out
        assert "notice-and-pre-hearing-brief.docx" in out[0]
        assert not (tmp_path / "a.docx").exists()
