"""The ``drafting`` command and ``python -m drafting``.

A run of one command builds or checks and exits: the cycle collector is turned off
first (before the imports), since reference counting frees what a run lets go of and
the collector's passes over the thousands of objects the imports create cost 5–10% of a
build (bench/build_speed.py). A command that stays running (``--watch``) turns it back
on (:mod:`drafting.watch`).
"""

import gc
import sys


def run() -> None:
    """Run the command line (Ctrl-C while it loads ends it as click would, without a
    traceback)."""
    gc.disable()
    try:
        from drafting.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)
    main()


if __name__ == "__main__":
    run()
