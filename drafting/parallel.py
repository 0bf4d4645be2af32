"""Many independent pieces of work spread over the machine's cores.

:func:`mapped` applies a function to each item, in worker processes when there are
enough items to repay starting them, and gives the results in the items' order. Workers
write nothing (the caller stores the results), they ignore Ctrl-C (the parent stops
them and re-raises), and they send each result back as JSON, so a result from a worker
is exactly what the cache would hand back for it. A pool that breaks (a worker killed)
is not an error: the work is done again in this process. :class:`Started` lets this
process do other work while the workers do theirs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from drafting.progress import steps

if TYPE_CHECKING:  # loaded only when there is work for workers (about 20 ms)
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
#: Fewer items than this are done in this process (starting workers costs ~50 ms).
PARALLEL_FROM = 400
#: Items per piece of work sent to a worker (small enough for progress and Ctrl-C).
CHUNK = 100


def cores() -> int:
    """The worker processes to use: ``DRAFTING_JOBS`` if set (1: none; at most four per
    core, so a slip of the finger cannot start a thousand), else one per core this
    process may use."""
    wanted = os.environ.get("DRAFTING_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), 4 * (os.cpu_count() or 1))
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
    with Started(fn, items, label, shared, jobs, at_least, chunk) as work:
        return work.results()


class Started:
    """:func:`mapped`'s work, begun in workers on entering (``with``) so that this
    process can do other work meanwhile; :meth:`results` waits for it. Leaving the
    ``with`` stops the workers, whatever happened (an error, Ctrl-C)."""

    def __init__(self, fn: Callable[[Any, T], Any], items: Sequence[T], label: str,
                 shared: Any = None, jobs: int | None = None, at_least: int | None = None,
                 chunk: int = CHUNK) -> None:
        self.fn, self.items, self.label, self.shared = fn, items, label, shared
        jobs = cores() if jobs is None else jobs
        enough = len(items) >= max(2, PARALLEL_FROM if at_least is None else at_least)
        self.jobs = jobs if jobs > 1 and enough else 1
        self.chunks = [items[i:i + chunk] for i in range(0, len(items), max(1, chunk))]
        self.pool: ProcessPoolExecutor | None = None
        self.pending: Any = None

    def __enter__(self) -> Started:
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork shares what this process holds, shared included, without copying it
            # (Linux); elsewhere workers start afresh and get shared pickled, once each
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            self.pool = ProcessPoolExecutor(
                min(self.jobs, len(self.chunks)), multiprocessing.get_context(method),
                initializer=start_worker, initargs=(self.shared,))
            self.pending = self.pool.map(partial(run_chunk, self.fn), self.chunks)
        return self

    def results(self) -> list[Any]:
        """The results in the items' order (done here if there are no workers, or the
        pool broke: a worker was killed)."""
        if self.pending is not None:
            from concurrent.futures.process import BrokenProcessPool

            out: list[Any] = []
            try:
                for _chunk in steps(self.chunks, self.label):  # each waits for its results
                    out.extend(json.loads(next(self.pending)))
                return out
            except BrokenProcessPool:
                pass
        return [self.fn(self.shared, item) for item in steps(self.items, self.label)]

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=kind is None, cancel_futures=True)


def start_worker(shared: Any) -> None:
    """In a new worker: leave Ctrl-C to the parent, and keep ``shared``."""
    global SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    SHARED = shared


def run_chunk(fn: Callable[[Any, T], Any], chunk: Sequence[T]) -> str:
    """In a worker: the results of one chunk, as JSON text."""
    return json.dumps([fn(SHARED, item) for item in chunk])


class Here:
    """:class:`Forked`'s interface for work done in this process, when asked."""

    def __init__(self, work: Callable[[], bytes]) -> None:
        self.work = work

    def result(self) -> bytes:
        return self.work()

    def stop(self) -> None:
        pass

    def __enter__(self) -> Here:
        return self

    def __exit__(self, *_: object) -> None:
        pass


class Forked:
    """One piece of work that makes bytes, done in a forked child while this process
    goes on (Linux, more than one core, no other thread); :meth:`result` waits for it.

    The child ignores Ctrl-C (leaving the ``with`` stops it), writes nothing but its
    answer on a pipe and leaves with ``os._exit`` (no exit handlers, no output flushed
    twice). A :class:`DraftingError` it meets comes back as the same error. Where there
    is no child (another system, one core, ``DRAFTING_JOBS=1``), or the child died or
    failed another way, :meth:`result` does the work here (so a bug shows its
    traceback)."""

    def __init__(self, work: Callable[[], bytes]) -> None:
        self.work = work
        self.pid: int | None = None
        self.pipe = -1
        if sys.platform.startswith("linux") and cores() > 1 and single_threaded():
            read, write = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no room for a process: the work is done here
                os.close(read)
                os.close(write)
                return
            if pid == 0:
                os.close(read)
                in_child(work, write)
            os.close(write)
            self.pid, self.pipe = pid, read

    def result(self) -> bytes:
        """The work's bytes (raises the work's DraftingError)."""
        if self.pid is None:
            return self.work()
        with os.fdopen(self.pipe, "rb") as pipe:
            self.pipe = -1
            answer = pipe.read()
        self.stop()
        if answer[:1] == b"0":
            return answer[1:]
        if answer[:1] == b"1":
            raise decoded_error(json.loads(answer[1:]))
        return self.work()

    def stop(self) -> None:
        """End the child (if it still runs) and collect it."""
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def single_threaded() -> bool:
    """Whether this process runs one thread (threads and fork do not mix: a lock
    another thread held stays held in the child; a watch's file watcher is one)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def in_child(work: Callable[[], bytes], pipe: int) -> None:
    """In the forked child: do the work, write the answer, leave at once."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        from drafting.errors import DraftingError, DraftingErrors

        try:
            answer = b"0" + work()
        except DraftingErrors:
            answer = b"2"  # several at once: done again in the parent
        except DraftingError as err:
            answer = b"1" + json.dumps(encoded_error(err)).encode()
        except BaseException:  # noqa: BLE001 - a bug: the parent does it again, and shows it
            answer = b"2"
        with os.fdopen(pipe, "wb") as out:
            out.write(answer)
    except BaseException:  # noqa: BLE001 - the parent sees no answer and does the work
        status = 1
    os._exit(status)


def encoded_error(err: Any) -> dict[str, Any]:
    """A DraftingError as JSON data."""
    where = err.where
    return {"limit": type(err).__name__ == "LimitError", "message": err.message,
            "path": str(where.path) if where and where.path else None,
            "line": where.line if where else None, "col": where.col if where else None,
            "located": where is not None}


def decoded_error(data: dict[str, Any]) -> Exception:
    """The error :func:`encoded_error` wrote."""
    from pathlib import Path

    from drafting.errors import DraftingError, Location
    from drafting.limits import LimitError

    where = Location(Path(data["path"]) if data["path"] else None, data["line"],
                     data["col"]) if data["located"] else None
    return (LimitError if data["limit"] else DraftingError)(data["message"], where)
