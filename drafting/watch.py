"""Stay running; build the briefs again (or check the library again) whenever an input
changes: ``drafting build --watch`` and ``drafting check --watch``.

Changes come from watchfiles (the Rust ``notify`` crate: inotify, FSEvents,
ReadDirectoryChangesW). A burst of saves (an editor's atomic save, a script writing
fifty files) is gathered until :data:`QUIET_MS` pass without another, then built once.
The library's outputs and caches and editors' temporary files never start a build.

Each build holds the library lock, so it never reads half of a multi-file change that
another command (fmt, a rename) is making, and two watches on one library take turns;
it writes through a temporary file and a rename as every build does, so a failed
build leaves the last good output as it was. With ``--pdf`` one LibreOffice is kept
warm (:mod:`drafting.office`). Ctrl-C, SIGTERM or SIGHUP lets a write in progress
finish, shuts LibreOffice down and ends with status 128 + the signal (130 for Ctrl-C).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import field
from pathlib import Path
from types import FrameType

from drafting.cache import CACHE_DIR
from drafting.errors import DraftingError, Location, display_path
from drafting.values import dataclass

STEP_MS = 25  # how often watchfiles looks at what it has collected
QUIET_MS = 50  # a burst of changes ends after this long without another
LONGEST_MS = 2000  # ... or after this long, when changes never stop

#: What a library's briefs are built from (a brief may name other files: see `named`).
PLACES = ("snippets", "briefs", "sources", "styles", "templates", "sources.bib",
          "drafting.yaml")
#: Names of temporary files: any dotfile (.#x, .x.swp, .~lock.x#, drafting's own
#: .x.tmp), Word's ~$x.docx, x~, #x#, vim's 4913 probe, *.tmp, *.swp and the like.
SCRATCH = re.compile(r"^[.~]|^#.*#$|^4913$|~$|\.(sw[a-p]|tmp|bak|kate-swp|crdownload|part)$"
                     r"|___jb_\w+___$")

Say = Callable[[str], None]
Fail = Callable[[DraftingError], None]


# ------------------------------------------------------------------ signals

class Signals:
    """Ctrl-C, SIGTERM and SIGHUP end the watch: at once while it waits, and only after
    the step in hand inside :meth:`protect` (a build, putting a PDF in place)."""

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.number: int | None = None
        self.depth = 0

    def handle(self, number: int, _frame: FrameType | None) -> None:
        first = self.number is None
        self.number = self.number or number
        if first and not self.depth:  # a second signal never cuts the shutdown short
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[Signals]:
        previous = {}
        for name in self.NAMES:
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, self.handle)
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    @contextlib.contextmanager
    def protect(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        self.check()

    def check(self) -> None:
        """Stop now if a signal came while protected."""
        if self.number is not None and not self.depth:
            raise KeyboardInterrupt

    @property
    def status(self) -> int:
        """The exit status: 128 + the signal, as a shell reports it (130 for Ctrl-C)."""
        return 128 + (self.number or signal.SIGINT)


# ------------------------------------------------------------------ what changed

@dataclass
class Inputs:
    """Decides which changed paths start a build (a watchfiles ``watch_filter``)."""

    roots: list[Path]
    briefs: set[Path] | None = None  # only these briefs (None: every brief)
    outputs: set[Path] = field(default_factory=set)  # their deletion builds them again
    named: set[Path] = field(default_factory=set)  # files outside PLACES a brief names

    def __call__(self, _change: object, raw: str) -> bool:
        return self.matters(Path(raw))

    def matters(self, path: Path) -> bool:
        if path in self.outputs:
            return not path.exists()  # deleted by someone: our own writes only replace
        if path in self.named or (self.briefs is not None and path in self.briefs):
            return True
        for root in self.roots:
            try:
                parts = path.relative_to(root).parts
            except ValueError:
                continue
            if not parts or any(SCRATCH.search(part) for part in parts):
                return False
            if parts[0] == "briefs" and self.briefs is not None:
                return any(path == b or path in b.parents for b in self.briefs)
            return parts[0] in PLACES
        return False


def bursts(roots: list[Path], inputs: Inputs) -> Iterator[set[Path]]:
    """An empty set once the watcher runs, then the changed paths of each burst. A file
    that only came and went (``sed -i``'s temporary file) is left out; while a changed
    file is empty (an editor that truncates, then writes) the burst waits for the
    write, up to :data:`LONGEST_MS`."""
    import watchfiles

    stream = watchfiles.watch(*roots, watch_filter=inputs, debounce=LONGEST_MS, step=STEP_MS,
                              rust_timeout=QUIET_MS, yield_on_timeout=True)
    batches = watcher_errors(stream, roots)
    first = next(batches)  # the watcher runs from here (an empty set after QUIET_MS)
    pending: set[Path] = set()
    added: set[Path] = set()
    began = 0.0
    yield set()
    for batch in itertools.chain([first], batches):
        if batch:
            began = began or time.monotonic()
            for change, raw in batch:
                pending.add(Path(raw))
                if change == watchfiles.Change.added:
                    added.add(Path(raw))
            if time.monotonic() - began < LONGEST_MS / 1000:
                continue  # wait for a quiet moment: one build per burst
        elif pending and any(empty(p) for p in pending) and \
                time.monotonic() - began < LONGEST_MS / 1000:
            continue
        passing = added - inputs.outputs - {p for p in added if p.exists()}
        lasting = pending - passing
        pending, added, began = set(), set(), 0.0
        if lasting:
            yield lasting


def watcher_errors(stream: Iterator[set[tuple[object, str]]], roots: list[Path]
                   ) -> Iterator[set[tuple[object, str]]]:
    """``stream``, with a failure of the watcher itself as a one-line error."""
    try:
        yield from stream
    except (OSError, RuntimeError) as err:  # watchfiles' own errors are RuntimeErrors
        hint = ("; on Linux, raise fs.inotify.max_user_watches, or set "
                "WATCHFILES_FORCE_POLLING=1" if "limit" in str(err).lower() else "")
        raise DraftingError(f"cannot watch for changes ({err}){hint}",
                            Location(roots[0])) from None


def empty(path: Path) -> bool:
    """Whether ``path`` is a file with nothing in it (yet)."""
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False


def describe(paths: set[Path]) -> str:
    """``snippets/a.md changed``, ``briefs/x.md deleted (and 2 more)``."""
    first = min(paths, key=lambda p: (not p.is_file(), str(p)))
    state = "changed" if first.exists() else "deleted"
    more = f" (and {len(paths) - 1} more)" if len(paths) > 1 else ""
    return f"{display_path(first)} {state}{more}"


def as_problem(err: Exception) -> DraftingError:
    """Any failure of one build as a one-line problem, so the watch goes on: a file that
    vanished mid-build (an editor's save) is built again on the save's next event."""
    if isinstance(err, DraftingError):
        return err
    if os.environ.get("DRAFTING_DEBUG"):
        raise err
    if isinstance(err, OSError):
        where = Location(Path(err.filename)) if err.filename else None
        return DraftingError(str(err.strerror or err), where)
    return DraftingError(f"unexpected {type(err).__name__}: {err} (run with DRAFTING_DEBUG=1 "
                         "for details, and please report it)")


def clock() -> str:
    return time.strftime("%H:%M:%S")


def seconds(began: float) -> str:
    return f"{time.perf_counter() - began:.2f} s"


def locked(root: Path) -> AbstractContextManager[object]:
    """The library lock for one build (a read-only library builds without it)."""
    from drafting.store import library_lock, recover

    cache = root / CACHE_DIR
    if os.access(cache if cache.is_dir() else root, os.W_OK):
        return library_lock(root)
    recover(root)
    return contextlib.nullcontext()


# ------------------------------------------------------------------ build --watch

@dataclass
class Target:
    """One brief being watched."""

    brief: Path
    root: Path
    output: Path | None  # -o, else build/NAME.docx
    named: set[Path] = field(default_factory=set)

    @property
    def docx(self) -> Path:
        return self.output or self.root / "build" / f"{self.brief.stem}.docx"


class Pdfs:
    """Writes each build's PDF: through one warm LibreOffice when a Python with uno is
    there, else by starting LibreOffice for each PDF (:func:`drafting.pdf.to_pdf`)."""

    def __init__(self, say: Say) -> None:
        from drafting.office import Office

        self.say = say
        self.office = Office.available()
        if self.office is None:
            say("note: no Python with LibreOffice's uno module was found; each PDF starts "
                "LibreOffice afresh (a few seconds each)")

    def start(self) -> None:
        """Start LibreOffice, which gets ready while the first .docx is built."""
        if self.office is not None:
            try:
                self.office.start()
            except OSError as err:
                self.say(f"note: cannot start {self.office.python} ({err.strerror}); each "
                         "PDF starts LibreOffice afresh")
                self.office = None

    def write(self, docx: Path, signals: Signals) -> Path:
        from drafting.office import OfficeUnavailable, place
        from drafting.pdf import to_pdf

        if self.office is None:
            with signals.protect():
                return to_pdf(docx)
        try:
            produced = self.office.convert(docx)
        except OfficeUnavailable as err:
            self.office.close()
            self.say(f"note: {err.message}; each PDF starts LibreOffice afresh from now on")
            self.office = None
            return self.write(docx, signals)
        with signals.protect():
            return place(produced, docx)

    def close(self) -> None:
        if self.office is not None:
            self.office.close()


@dataclass
class BuildOptions:
    style: str | None = None
    use_cache: bool = True
    compare: bool = False
    pdf: bool = False


def targets_of(briefs: list[Path], output: Path | None) -> list[Target]:
    """The briefs to watch (each once), refusing one that does not exist."""
    from drafting.library import find_root

    found: dict[Path, Target] = {}
    for brief in briefs:
        if not brief.is_file():
            raise DraftingError("no such brief file; check the path", Location(brief))
        path = brief.resolve()
        found.setdefault(path, Target(path, find_root(path.parent), output))
    return list(found.values())


def named_files(target: Target, style: str | None) -> set[Path]:
    """Files outside :data:`PLACES` the brief (or ``--style``) names: a bibliography, a
    template or a style by its path in the library (names of built-in ones are no path)."""
    from drafting.assemble import load_brief

    try:
        meta = load_brief(target.brief).meta
    except DraftingError:
        meta = {}
    names = [str(meta.get(key) or "") for key in ("bibliography", "template", "style")]
    return {(target.root / name).resolve() for name in [*names, style or ""]
            if "/" in name or "." in name}


class BuildWatch:
    """The briefs being watched, and how each build is reported."""

    def __init__(self, targets: list[Target], options: BuildOptions, say: Say,
                 fail: Fail) -> None:
        self.targets = targets
        self.options = options
        self.say = say
        self.fail = fail
        self.signals = Signals()
        self.roots = sorted({t.root for t in targets})
        self.inputs = Inputs(self.roots, briefs={t.brief for t in targets})
        self.pdfs: Pdfs | None = None

    def run(self) -> int:
        """Build, then build again on every change until a signal; the exit status."""
        with self.signals.installed():
            try:
                stream = bursts(self.roots, self.inputs)
                next(stream)  # watching from here on: no save is missed while building
                self.pdfs = Pdfs(self.say) if self.options.pdf else None
                if self.pdfs is not None:
                    self.pdfs.start()  # after it is known, so it is always shut down
                self.rebuild(self.targets, "")
                self.say(f"watching {', '.join(display_path(r) for r in self.roots)} for "
                         "changes (Ctrl-C to stop)")
                for changed in stream:
                    self.rebuild(affected(self.targets, changed), f" — {describe(changed)}")
            except KeyboardInterrupt:
                pass
            finally:
                if self.pdfs is not None:
                    self.pdfs.close()
        self.say("stopped watching")
        return self.signals.status

    def rebuild(self, targets: list[Target], why: str) -> None:
        """Build each of ``targets``, then update what the watch looks at."""
        for target in targets:
            self.build(target, why)
            self.signals.check()
        docx = {t.docx.resolve() for t in self.targets}
        pdf = {p.with_suffix(".pdf") for p in docx} if self.options.pdf else set()
        self.inputs.outputs = docx | pdf
        self.inputs.named = set().union(*(t.named for t in self.targets))

    def build(self, target: Target, why: str) -> None:
        """Build one brief and say how it went in one line (errors as usual, first)."""
        from drafting.build import build

        began = time.perf_counter()
        try:
            with locked(target.root), self.signals.protect():
                result = build(target.brief, target.output, self.options.style,
                               use_cache=self.options.use_cache, compare=self.options.compare)
        except Exception as err:  # noqa: BLE001 - reported; the watch goes on
            self.fail(as_problem(err))
            state = "kept as it was" if target.docx.exists() else "not built"
            self.say(f"{clock()} build failed: {display_path(target.docx)} {state}{why}")
            return
        finally:
            target.named = named_files(target, self.options.style)
        verb = "rebuilt" if why else "built"
        self.say(f"{clock()} {verb} {display_path(result.output)} in {seconds(began)} "
                 f"({result.footnotes} footnote{'s' * (result.footnotes != 1)}){why}")
        for line in result.changes or []:
            self.say(f"  {line}")
        if self.pdfs is not None:
            self.pdf(result.output)

    def pdf(self, docx: Path) -> None:
        assert self.pdfs is not None
        began = time.perf_counter()
        try:
            written = self.pdfs.write(docx, self.signals)
        except DraftingError as err:
            if self.signals.number is None:  # not LibreOffice ended by the same Ctrl-C
                self.fail(err)
            return
        self.say(f"{clock()} wrote {display_path(written)} in {seconds(began)}")


def affected(targets: list[Target], changed: set[Path]) -> list[Target]:
    """The briefs a burst touches: all of them, unless only briefs or outputs changed."""
    own = [{t.brief, t.docx.resolve(), t.docx.resolve().with_suffix(".pdf")} for t in targets]
    if changed - set().union(*own):
        return targets
    return [t for t, paths in zip(targets, own, strict=True) if paths & changed]


def watch_builds(briefs: list[Path], output: Path | None, options: BuildOptions,
                 say: Say, fail: Fail) -> int:
    """``build --watch``: build the briefs, then again on every change; the exit status."""
    gc.enable()  # a long run collects its cycles (the command turned it off: __main__)
    return BuildWatch(targets_of(briefs, output), options, say, fail).run()


# ------------------------------------------------------------------ check --watch

def watch_check(root: Path, check: Callable[[], str], say: Say, fail: Fail) -> int:
    """``check --watch``: run ``check`` (which prints its report and returns its summary)
    now and on every change until a signal; the exit status."""
    gc.enable()  # a long run collects its cycles (the command turned it off: __main__)
    signals = Signals()
    inputs = Inputs([root.resolve()])
    with signals.installed():
        try:
            stream = bursts(inputs.roots, inputs)
            next(stream)
            why = ""
            while True:
                began = time.perf_counter()
                try:
                    with locked(inputs.roots[0]), signals.protect():
                        result = check()
                except Exception as err:  # noqa: BLE001 - reported; the watch goes on
                    fail(as_problem(err))
                    result = "check failed"
                say(f"{clock()} checked in {seconds(began)}: {result}{why}")
                if not why:
                    say(f"watching {display_path(root)} for changes (Ctrl-C to stop)")
                why = f" — {describe(next(stream))}"
        except KeyboardInterrupt:
            pass
    say("stopped watching")
    return signals.status
