"""The ``drafting`` command and ``python -m drafting``.

A run of one command builds or checks and exits: the cycle collector is turned off
first (before the imports), since reference counting frees what a run lets go of and
the collector's passes over the thousands of objects the imports create cost 5–10% of a
build (bench/build_speed.py). A command that stays running (``--watch``) turns it back
on (:mod:`drafting.watch`).

When the command is done, the process ends without taking itself apart
(:func:`leave`): the interpreter's exit would make one last collection over every
object and free the modules one by one, 20–40 ms of a 130 ms build after an edit.
"""

import gc
import os
import sys


def run() -> None:
    """Run the command line (Ctrl-C while it loads ends it as click would, without a
    traceback), then end the process. (To run a command inside another Python
    program, call ``drafting.cli.cli.main(args, standalone_mode=False)``.)"""
    gc.disable()
    try:
        from drafting.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)
    try:
        main()
    except SystemExit as done:
        leave(done.code)
        raise


def leave(code: object) -> None:
    """End the process now with exit status ``code`` (an int or None), doing what
    Python's own exit does that matters (the exit handlers run, the output is flushed),
    without its last collection and teardown. Returns, for the normal exit, when
    another thread still runs, the status is not a number, or this Python cannot."""
    gc.freeze()  # even the normal exit then skips the collection over every object
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12's tools (coverage's)
    if sys.gettrace() is not None or sys.getprofile() is not None or (
            monitoring is not None and any(monitoring.get_tool(i) for i in range(6))):
        return  # coverage, a profiler or a debugger: it has work to do at the exit
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return  # Python's exit waits for threads (a process pool's included)
    if code is not None and not isinstance(code, int):
        return  # a message: Python prints it
    import atexit

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None:
        return
    try:
        run_handlers()  # logging's shutdown, temporary folders' clean-up, ...
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # a closed pipe, Ctrl-C: let Python's exit deal with it
        return
    os._exit(code or 0)


if __name__ == "__main__":
    run()
