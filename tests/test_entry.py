"""The command's entry point: the cycle collector is off for a one-shot run and back on
for a watch (drafting/__main__.py)."""

from __future__ import annotations

import gc
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
    code = ("import sys, gc\nsys.argv = ['drafting', '--help']\n"
            "from drafting.__main__ import run\ntry:\n    run()\nexcept SystemExit as e:\n"
            "    print('exit', e.code, 'collector', gc.isenabled())")
    out = run_python(code, tmp_path)
    assert out.splitlines()[-1] == "exit 0 collector False"
    assert "Usage:" in out


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
