"""The Python the benchmarks run drafting with: drafting as a user installs it.

By default a new virtual environment in the benchmark's temporary folder, with this
checkout installed by ``pip install`` (not editable; pip compiles the .pyc files, as
for any user). A developer's interpreter carries start-up costs a user's does not:
an editable install's import finder, .pth hooks of the machine (here a CA-certificate
hook that imports certifi), and with ``PYTHONDONTWRITEBYTECODE`` no .pyc files for
drafting's own modules; together 30–60 ms of every run on this machine. ``--here``
measures with this interpreter instead (drafting compiled to .pyc first), so both
figures can be had.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drafting_python(folder: Path, here: bool) -> str:
    """The interpreter to run ``-m drafting`` with (see the module)."""
    if here:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting")],
                       check=True, stdout=subprocess.DEVNULL)
        return sys.executable
    started = time.perf_counter()
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True,
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"drafting installed into a new virtual environment (pip install ., "
          f"{time.perf_counter() - started:.0f} s); --here measures this interpreter")
    return str(python)


def drafting_command(python: str) -> list[str]:
    """How a user runs drafting with ``python``: the ``drafting`` command pip installed
    beside it, else ``python -m drafting`` (which also loads runpy)."""
    script = Path(python).parent / ("drafting.exe" if os.name == "nt" else "drafting")
    return [str(script)] if script.is_file() else [python, "-m", "drafting"]


def start_up(python: str, runs: int = 5) -> float:
    """Median wall seconds of ``python -c pass`` (what every run pays before drafting)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]
