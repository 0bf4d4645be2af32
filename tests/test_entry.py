"""The command's entry point: the cycle collector is off for a one-shot run and back on
for a watch (drafting/__main__.py)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafting import watch


def run_python(code: str, cwd: Path) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, check=True).stdout


def test_importing_the_entry_module_runs_nothing(tmp_path: Path) -> None:
    out = run_python("import sys; sys.argv = ['drafting', 'build']\n"
                     "import drafting.__main__, gc\nprint('imported', gc.isenabled())",
                     tmp_path)
    assert out.split() == ["imported", "True"]


def test_a_one_shot_run_turns_the_collector_off(tmp_path: Path) -> None:
    code = ("import atexit, sys, gc\nsys.argv = ['drafting', '--help']\n"
            "atexit.register(lambda: print('collector', gc.isenabled()))\n"
            "from drafting.__main__ import run\nrun()")
    out = run_python(code, tmp_path)
    assert out.splitlines()[-1] == "collector False"
    assert "Usage:" in out


def run_status(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python code, its output buffered as a user's is (PYTHONUNBUFFERED unset)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, timeout=60, env=env)


@pytest.mark.parametrize("status", [0, 1, 2, None, True])
def test_the_quick_end_runs_exit_handlers_flushes_and_keeps_the_status(
        tmp_path: Path, status: object) -> None:
    """leave() ends the process itself: what Python's exit would do that can be seen
    must still happen (a pipe's buffered output, the exit handlers, the status)."""
    code = ("import atexit, sys\nfrom drafting.__main__ import leave\n"
            "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
            "for _ in range(3001):\n    sys.stdout.write('x' * 100)\n"
            f"leave({status!r})\nprint('not reached')")
    done = run_status(code, tmp_path)
    assert done.stdout == "x" * 300_100  # more than a pipe holds, the end still buffered
    assert done.stderr == "handler ran\n"
    assert done.returncode == (status or 0)


def test_the_quick_end_leaves_it_to_python_while_a_thread_runs_or_for_a_message(
        tmp_path: Path) -> None:
    code = ("import sys, threading, time\nfrom drafting.__main__ import leave\n"
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
            "leave(3)\nprint('returned', flush=True)\n")
    done = run_status(code, tmp_path)
    assert done.stdout.split("\n")[:2] == ["returned", "thread done"] and done.returncode == 0
    done = run_status("from drafting.__main__ import leave\nleave('why')\nprint('returned')",
                      tmp_path)
    assert done.stdout == "returned\n"


def test_a_profiler_or_coverage_still_gets_the_end_of_the_run(tmp_path: Path) -> None:
    """Under a profiler (or coverage, or a debugger) the process ends as Python ends
    it, so the tool can write its report."""
    done = subprocess.run([sys.executable, "-m", "cProfile", "-m", "drafting", "--help"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and "Usage:" in done.stdout
    assert "function calls" in done.stdout  # cProfile's report, printed after the run
    code = ("import sys\nsys.settrace(lambda *a: None)\nsys.argv = ['drafting', '--help']\n"
            "from drafting.__main__ import run\ntry:\n    run()\nexcept SystemExit as e:\n"
            "    print('back with', e.code)")
    assert run_status(code, tmp_path).stdout.splitlines()[-1] == "back with 0"


def test_statuses_and_output_of_the_command_are_as_before(tmp_path: Path) -> None:
    """0 and its output, 1 for bad input, 2 for a usage error, through the real entry."""
    def drafting(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "drafting", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=120)

    assert drafting("init", "lib").returncode == 0
    (tmp_path / "lib" / "briefs" / "bad.md").write_text("---\ntemplate: [\n---\n")
    done = drafting("build", "lib/briefs/bad.md")
    assert done.returncode == 1 and done.stderr.startswith("error: ") and not done.stdout
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    done = drafting("build", "--no-such-option")
    assert done.returncode == 2 and "No such option" in done.stderr
    done = drafting("--help")
    assert done.returncode == 0 and done.stdout.startswith("Usage:")


def test_python_dash_m_and_the_installed_command_use_it(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "drafting", "--help"], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 0 and "Usage:" in done.stdout
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "drafting"]
    assert script.value == "drafting.__main__:run"


@pytest.fixture
def collector_off():
    gc.disable()
    yield
    gc.enable()


def test_a_check_watch_turns_the_collector_back_on(tmp_path: Path, collector_off) -> None:
    seen = []

    def check() -> str:
        seen.append(gc.isenabled())
        raise KeyboardInterrupt  # what Ctrl-C does: the watch stops

    lines: list[str] = []
    status = watch.watch_check(tmp_path, check, lines.append, lines.append)
    assert seen == [True]
    assert lines[-1] == "stopped watching" and status == 130  # as after Ctrl-C


def test_a_build_watch_turns_the_collector_back_on(monkeypatch, collector_off) -> None:
    monkeypatch.setattr(watch.BuildWatch, "run", lambda self: 7 if gc.isenabled() else 3)
    assert watch.watch_builds([], None, watch.BuildOptions(), print, print) == 7


def test_ctrl_c_while_the_modules_load_ends_without_a_traceback(tmp_path: Path) -> None:
    code = ("import sys\nclass Interrupt:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'drafting.cli':\n            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Interrupt())\nsys.argv = ['drafting', 'build']\n"
            "from drafting.__main__ import run\nrun()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path)
    assert (done.returncode, done.stderr, done.stdout) == (1, "Aborted!\n", "")
