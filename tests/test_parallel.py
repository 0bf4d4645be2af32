"""Work spread over worker processes gives what one process gives, in order.

Real worker processes (``drafting.parallel``): results and their order match the serial
run whatever the items and chunking; an error in a worker reaches the caller; a worker
killed mid-run makes the work be done again in this process; ``check`` reports the same
with workers, without them, and from its cache; Ctrl-C stops the workers with the parent.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import parallel
from drafting.cli import cli
from drafting.parallel import mapped


def scaled(shared: int, item: int) -> list[int]:
    return [item * shared, os.getpid()]


def fails_on_seven(_shared: None, item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    return item


def killed_in_a_worker(_shared: None, item: int) -> int:
    if item == 3 and multiprocessing.parent_process() is not None:
        os._exit(9)  # as the kernel's OOM killer would
    return item + 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-1000, 1000), max_size=40), st.integers(1, 9),
       st.integers(-3, 3))
def test_workers_give_the_serial_results_in_order(items, chunk, factor) -> None:
    pooled = mapped(scaled, items, "x", shared=factor, jobs=2, at_least=1, chunk=chunk)
    assert [value for value, _pid in pooled] == [i * factor for i in items]


def test_workers_are_other_processes_only_when_there_is_enough_work() -> None:
    me = os.getpid()
    assert {pid for _, pid in mapped(scaled, list(range(8)), "x", 1, jobs=2, at_least=8,
                                     chunk=2)} - {me}
    assert {pid for _, pid in mapped(scaled, list(range(7)), "x", 1, jobs=2, at_least=8)} \
        == {me}
    assert {pid for _, pid in mapped(scaled, list(range(50)), "x", 1, jobs=1,
                                     at_least=1)} == {me}


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="seven"):
        mapped(fails_on_seven, list(range(20)), "x", jobs=2, at_least=1, chunk=3)


def test_a_killed_worker_means_the_work_is_done_here() -> None:
    assert mapped(killed_in_a_worker, list(range(10)), "x", jobs=2, at_least=1,
                  chunk=2) == list(range(1, 11))


def test_drafting_jobs_sets_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTING_JOBS", "3")
    assert parallel.cores() == 3
    monkeypatch.setenv("DRAFTING_JOBS", "100000")
    assert parallel.cores() == 4 * (os.cpu_count() or 1)
    for unusable in ("0", "-2", "many", ""):
        monkeypatch.setenv("DRAFTING_JOBS", unusable)
        assert parallel.cores() >= 1


NO_DOCKET = ("template: pre-hearing-brief\ntitle: Test Review\nfiling_date: 2020-01-17\n"
             "petitioner:\n  name: Test Union\n")


def varied_library(make_library) -> Path:
    """Facts with every kind of finding, and briefs enough for parallel trial builds."""
    lib = make_library
    archive = lib.root / "sources" / "archive"
    archive.mkdir(parents=True)
    (archive / "grishin.txt").write_text("He wrote: no union may be registered here.\n",
                                         encoding="utf-8")
    (archive / "hrw.docx").write_bytes(b"not a text an archive can be read as")
    bib = lib.root / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "url = {https://fergana.agency/articles/108990/},",
        "url = {https://fergana.agency/articles/108990/},\n  file = {sources/archive/grishin.txt},"
    ).replace("institution = {Human Rights Watch},",
              "institution = {Human Rights Watch},\n  file = {sources/archive/hrw.docx},"),
        encoding="utf-8")
    for i in range(30):
        body = {0: "Workers struck in 2019 for 12 days.",
                1: "Text [@nowhere, 3].",
                2: "Text [see @hrw-2016, 4",
                3: 'The court said "no union may register" [@hrw-2016, 5].',
                4: f'He wrote "no union may be registered" [@grishin-2019] ({i}).',
                5: f'He wrote "every union was welcome {i}" [@grishin-2019].'}.get(
                    i % 6, f"Fact {i} [@hrw-2016, {i}] and [@ilo-cas-2019, {i + 1}].")
        lib.fact(f"fact-{i}", body)
    for b in range(5):
        uses = "\n\n".join(f'{{{{ fact("fact-{i}") }}}}' for i in range(b, 30, 5))
        lib.brief(uses + ("\n\n{{ fact('missing') }}" if b == 2 else ""), name=f"b{b}",
                  front=NO_DOCKET if b == 3 else "")
    return lib.root


def check_json(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)["problems"]


def test_check_reports_the_same_with_workers_without_and_cached(
        make_library, monkeypatch: pytest.MonkeyPatch) -> None:
    root = varied_library(make_library)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    pools: list[str] = []
    enter = parallel.Started.__enter__

    def counted(self: parallel.Started) -> parallel.Started:
        started = enter(self)
        if started.pool is not None:
            pools.append(started.label)
        return started

    monkeypatch.setattr(parallel.Started, "__enter__", counted)
    monkeypatch.setenv("DRAFTING_JOBS", "1")
    serial = check_json(root, monkeypatch, "--no-cache")
    monkeypatch.setenv("DRAFTING_JOBS", "2")
    pooled = check_json(root, monkeypatch, "--no-cache")
    first = check_json(root, monkeypatch)  # fills the cache, with workers
    cached = check_json(root, monkeypatch)
    rules = {problem["rule"] for problem in serial}
    assert {"uncited-claim", "unknown-key", "citation-syntax", "brief-build", "quote-mismatch",
            "archive-unsafe"} <= rules, rules
    assert serial == pooled == first == cached
    assert sorted(pools) == sorted(["analysing facts", "analysing briefs", "building briefs"] * 2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_the_workers_with_the_check(make_library) -> None:
    root = make_library.root
    for i in range(3000):
        make_library.fact(f"fact-{i}", f"Fact {i} [@hrw-2016, {i}].")
    env = {**os.environ, "DRAFTING_JOBS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "drafting", "check", "--no-cache"],
                            cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    workers: set[str] = set()
    deadline = time.monotonic() + 60
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = set(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                     text=True).stdout.split())
        time.sleep(0.02)
    assert workers, "check ended before it started its workers"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "Aborted!" in err and "Traceback" not in err, err
    time.sleep(0.5)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
    assert not alive
