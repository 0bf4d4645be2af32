"""Many independent pieces of work spread over the machine's cores.

:func:`mapped` applies a function to each item, in worker processes when there are
enough items to repay starting them, and gives the results in the items' order. Workers
only compute: they read no files and write none (the caller hands them the bytes and
stores the results), they ignore Ctrl-C (the parent stops them and re-raises), and they
send each result back as JSON, so a result from a worker is exactly what the cache
would hand back for it. A pool that breaks (a worker killed) is not an error: the work
is done again in this process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from drafting.progress import steps

T = TypeVar("T")
#: Fewer items than this are done in this process (starting workers costs ~50 ms).
PARALLEL_FROM = 400
#: Items per piece of work sent to a worker (small enough for progress and Ctrl-C).
CHUNK = 100


def cores() -> int:
    """The worker processes to use: ``DRAFTING_JOBS`` if set (1: none), else one per
    core this process may use."""
    wanted = os.environ.get("DRAFTING_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


#: In a worker: the ``shared`` argument of the :func:`mapped` call it serves.
SHARED: Any = None


def mapped(fn: Callable[[Any, T], Any], items: Sequence[T], label: str, shared: Any = None,
           jobs: int | None = None, at_least: int | None = None,
           chunk: int = CHUNK) -> list[Any]:
    """``[fn(shared, item) for item in items]``, in ``jobs`` worker processes (default:
    :func:`cores`) when there are ``at_least`` items (default: :data:`PARALLEL_FROM`),
    sent ``chunk`` at a time. ``fn`` must be a module-level function returning JSON
    data; ``shared`` (what every item needs, however large) reaches each worker once,
    not with every chunk."""
    jobs = cores() if jobs is None else jobs
    if jobs < 2 or len(items) < max(2, PARALLEL_FROM if at_least is None else at_least):
        return [fn(shared, item) for item in steps(items, label)]
    chunks = [items[i:i + chunk] for i in range(0, len(items), max(1, chunk))]
    try:
        return in_workers(fn, chunks, label, shared, jobs)
    except BrokenProcessPool:
        return [fn(shared, item) for item in steps(items, label)]


def in_workers(fn: Callable[[Any, T], Any], chunks: Sequence[Sequence[T]], label: str,
               shared: Any, jobs: int) -> list[Any]:
    """:func:`mapped` in a pool of ``jobs`` processes."""
    # fork shares what this process holds, shared included, without copying it (Linux);
    # elsewhere workers start afresh and get shared pickled, once each
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    pool = ProcessPoolExecutor(min(jobs, len(chunks)), multiprocessing.get_context(method),
                               initializer=start_worker, initargs=(shared,))
    out: list[Any] = []
    try:
        results = pool.map(partial(run_chunk, fn), chunks)
        for _chunk in steps(chunks, label):  # each waits for its chunk's results
            out.extend(json.loads(next(results)))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return out


def start_worker(shared: Any) -> None:
    """In a new worker: leave Ctrl-C to the parent, and keep ``shared``."""
    global SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    SHARED = shared


def run_chunk(fn: Callable[[Any, T], Any], chunk: Sequence[T]) -> str:
    """In a worker: the results of one chunk, as JSON text."""
    return json.dumps([fn(SHARED, item) for item in chunk])
