"""On a terminal: progress bars for long work, tables that fit; plain when piped."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from conftest import copy_example


def on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What a command writes to a (pseudo) terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "drafting", *args], cwd=cwd,
                               stdin=follower, stdout=follower, stderr=follower,
                               env={**os.environ, **env})
    os.close(follower)
    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the command ended
            break
        if not data:
            break
        out += data
    process.wait(timeout=60)
    os.close(leader)
    return out.decode("utf-8", "replace")


def test_check_shows_its_progress_on_a_terminal(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "lib")
    shown = on_terminal(["check", "--no-cache"], root, {"DRAFTING_PROGRESS_AFTER": "0"})
    assert "reading facts" in shown and "building briefs" in shown
    assert "\x1b[" in shown  # drawn, then taken away (rich's transient bar)
    assert "no problems" in shown or "warning" in shown


def test_no_progress_before_a_second_or_when_piped(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "lib")
    quick = on_terminal(["check"], root, {"DRAFTING_PROGRESS_AFTER": "30"})
    assert "reading facts" not in quick
    piped = subprocess.run([sys.executable, "-m", "drafting", "check", "--no-cache"], cwd=root,
                           capture_output=True, text=True,
                           env={**os.environ, "DRAFTING_PROGRESS_AFTER": "0"})
    assert "reading facts" not in piped.stderr + piped.stdout
    assert "\x1b[" not in piped.stderr + piped.stdout


def test_tables_fit_the_terminal(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "lib")
    shown = on_terminal(["fact", "list"], root, {"COLUMNS": "70"})
    lines = [line for line in shown.replace("\x1b[1m", "").replace("\x1b[0m", "")
             .splitlines() if line.strip()]
    assert len(lines) > 10 and max(len(line) for line in lines) <= 70
    piped = subprocess.run([sys.executable, "-m", "drafting", "fact", "list"], cwd=root,
                           capture_output=True, text=True, env={**os.environ, "COLUMNS": "70"})
    assert max(len(line) for line in piped.stdout.splitlines()) > 70  # whole when piped
