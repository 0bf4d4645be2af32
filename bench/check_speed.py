"""Benchmark ``drafting check`` on a synthetic library (10,000 facts, 5,000 sources).

    python bench/check_speed.py [--facts 10000] [--sources 5000] [--runs 5]

Generates the library once (bench/make_library.py) in a temporary folder, then times
``drafting check`` cold (``--no-cache``) and warm (the content-hash cache filled), and
``check --changed HEAD`` with one fact edited since the last commit (a pull request's
check), in fresh processes, and prints median wall time and peak memory. drafting runs
as a user installs it (bench/installed.py; ``--here``: this interpreter). Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import drafting_command, drafting_python, start_up
from make_library import generate

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "wall = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(wall, peak, done.returncode)\n"
)


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak MB and exit status of one run in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--sources", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Generate into this folder and keep it.")
    parser.add_argument("--here", action="store_true",
                        help="run drafting with this interpreter, not a fresh install")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="drafting-bench-")) / "library"
    started = time.perf_counter()
    generate(folder, args.facts, args.sources, briefs=10)
    print(f"library: {args.facts} facts, {args.sources} sources, {args.sources // 5} archives,"
          f" 10 briefs (generated in {time.perf_counter() - started:.1f} s)")
    install = tempfile.TemporaryDirectory(prefix="drafting-bench-python-")
    python = drafting_python(Path(install.name), args.here)
    print(f"python start-up alone: {start_up(python):.3f} s")
    drafting = [*drafting_command(python), "check"]
    rows = []
    for label, extra in (("cold (--no-cache)", ["--no-cache"]), ("warm (cached)", [])):
        if not extra:
            measure(drafting, folder)  # fill the cache
        runs = [measure(drafting + extra, folder) for _ in range(args.runs)]
        status = {code for _, _, code in runs}
        rows.append((label, statistics.median(w for w, _, _ in runs),
                     max(m for _, m, _ in runs), status))
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "library"], cwd=folder, check=True)
    fact = next((folder / "snippets").rglob("*.md"))
    fact.write_text(fact.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                    encoding="utf-8")
    runs = [measure(drafting + ["--changed", "HEAD"], folder) for _ in range(args.runs)]
    rows.append(("--changed (1 fact)", statistics.median(w for w, _, _ in runs),
                 max(m for _, m, _ in runs), {code for _, _, code in runs}))
    print(f"{'drafting check':22} {'median wall':>12} {'peak memory':>12}  exit")
    for label, wall, peak, status in rows:
        print(f"{label:22} {wall:>10.2f} s {peak:>9.0f} MB  {sorted(status)}")
    warm = rows[1][1]
    print(json.dumps({"facts": args.facts, "warm_seconds": round(warm, 3),
                      "changed_seconds": round(rows[2][1], 3), "target_met": warm < 1.0}))


if __name__ == "__main__":
    main()
