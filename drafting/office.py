"""One LibreOffice kept warm for ``build --pdf --watch``: a PDF in a fraction of a second.

Starting LibreOffice costs seconds; converting with one that is already running costs
a few hundred milliseconds. :class:`Office` runs ``office_bridge.py`` with a Python
that has LibreOffice's ``uno`` module (usually not the project's own Python), which
starts LibreOffice once, with a private profile in a temporary folder (which the
bridge removes when it ends, even after drafting was killed), and converts through
UNO on request. Each PDF is written beside its .docx through a temporary file
and a rename, as :func:`drafting.pdf.to_pdf` does. :meth:`Office.close` shuts
LibreOffice down and removes the temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from drafting.errors import DraftingError, Location
from drafting.pdf import TIMEOUT, find_soffice
from drafting.store import copied, write_output

BRIDGE = Path(__file__).with_name("office_bridge.py")
START_TIMEOUT = 90.0  # seconds for the bridge to say LibreOffice is ready
CLOSE_TIMEOUT = 10.0  # seconds for LibreOffice to quit before it is killed


def uno_pythons(soffice: str) -> list[str]:
    """Pythons that may have ``uno``: ``DRAFTING_UNO_PYTHON``, the one LibreOffice ships,
    the system's python3, and this one."""
    program = Path(soffice).resolve().parent
    candidates = [os.environ.get("DRAFTING_UNO_PYTHON", ""),
                  str(program / "python"), str(program / "python.exe"),
                  str(program.parent / "Resources" / "python"),  # macOS
                  "/usr/bin/python3", shutil.which("python3") or "", sys.executable]
    found: list[str] = []
    for name in candidates:
        if name and Path(name).is_file() and name not in found:
            found.append(name)
    return found


def find_uno_python(soffice: str) -> str | None:
    """The first Python that can ``import uno``, or None."""
    for python in uno_pythons(soffice):
        try:
            done = subprocess.run([python, "-c", "import uno"], capture_output=True,
                                  timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return python
    return None


class OfficeUnavailable(DraftingError):
    """LibreOffice could not be started through the bridge."""


class Office:
    """A warm LibreOffice behind ``office_bridge.py``; :meth:`start` before converting."""

    def __init__(self, python: str, soffice: str) -> None:
        self.python = python
        self.soffice = soffice
        self.work: Path | None = None
        self.bridge: subprocess.Popen | None = None
        self.replies: queue.Queue[str] = queue.Queue()
        self.pid: int | None = None  # LibreOffice's own process, once it is ready

    @classmethod
    def available(cls) -> Office | None:
        """An office to start, or None when LibreOffice or a Python with uno is missing."""
        soffice = find_soffice()
        python = find_uno_python(soffice) if soffice else None
        return cls(python, soffice) if soffice and python else None

    def start(self) -> None:
        """Start the bridge and LibreOffice, without waiting for them (:meth:`ready`)."""
        self.work = Path(tempfile.mkdtemp(prefix="drafting-office-"))
        pipe = f"drafting-{os.getpid()}-{os.urandom(4).hex()}"
        own_group = {"start_new_session": True} if os.name == "posix" else \
            {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
        self.bridge = subprocess.Popen(
            [self.python, str(BRIDGE), self.soffice, str(self.work), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", **own_group)  # Ctrl-C reaches only drafting
        self.replies = queue.Queue()
        threading.Thread(target=read, args=(self.bridge, self.replies), daemon=True).start()

    def ready(self) -> None:
        """Wait until LibreOffice listens (starting it first if it is not running);
        raises :class:`DraftingError` if it cannot start."""
        if not self.running:
            self.close()
            self.start()
        if self.pid is None:
            try:
                self.pid = int(self.answer(START_TIMEOUT, "start")["pid"])
            except DraftingError as err:
                raise OfficeUnavailable(f"a warm LibreOffice could not be started "
                                        f"({err.message})") from None

    def answer(self, timeout: float, doing: str) -> dict:
        """The bridge's next reply; a failure, silence or its end is a DraftingError."""
        try:
            line = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise DraftingError(f"LibreOffice did not {doing} within {timeout:g} s") from None
        reply = json.loads(line) if line.strip() else {"error": "disposed"}
        if "error" in reply:
            self.close()
            if doing != "start" and "disposed" in reply["error"].lower():  # UNO's end
                raise DraftingError(f"LibreOffice stopped before it could {doing}; it is "
                                    "started again for the next build")
            raise DraftingError(f"LibreOffice could not {doing} ({reply['error']})")
        return reply

    @property
    def running(self) -> bool:
        return self.bridge is not None and self.bridge.poll() is None

    def convert(self, docx: Path) -> Path:
        """``docx`` as a PDF in the office's temporary folder (not yet in place)."""
        self.ready()
        assert self.work is not None and self.bridge is not None and self.bridge.stdin
        copy = self.work / docx.name  # LibreOffice never touches the output folder
        produced = self.work / f"{docx.stem}.pdf"
        produced.unlink(missing_ok=True)
        shutil.copyfile(docx, copy)
        try:
            self.bridge.stdin.write(json.dumps({"docx": str(copy), "pdf": str(produced)}) + "\n")
            self.bridge.stdin.flush()
        except OSError:
            self.close()
            raise DraftingError("LibreOffice stopped; it is started again on the next "
                                "build", Location(docx)) from None
        try:
            self.answer(TIMEOUT, "make the PDF")
        except DraftingError as err:
            raise DraftingError(err.message, Location(docx)) from None
        if not produced.is_file():
            raise DraftingError("LibreOffice wrote no PDF", Location(docx))
        return produced

    def close(self) -> None:
        """Shut LibreOffice down (killed if it does not quit in time); remove the folder."""
        bridge, pid, self.bridge, self.pid = self.bridge, self.pid, None, None
        if bridge is not None and pid is None:
            kill_group(bridge)  # still starting: it would not hear a request to quit
        elif bridge is not None:
            with contextlib.suppress(OSError):
                assert bridge.stdin is not None
                bridge.stdin.close()  # the bridge's signal to quit LibreOffice
            try:
                bridge.wait(timeout=CLOSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                kill_group(bridge)
            if alive(pid):
                kill_group(bridge)  # LibreOffice outlived its bridge: end its group
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None


def read(bridge: subprocess.Popen, replies: queue.Queue[str]) -> None:
    """Pass the bridge's lines to :meth:`Office.answer` (in a thread, so that a wait can
    time out); an empty line when the bridge ends. Each bridge has its own queue."""
    assert bridge.stdout is not None
    for line in bridge.stdout:
        replies.put(line)
    replies.put("")


def alive(pid: int) -> bool:
    """Whether process ``pid`` still exists (a zombie counts until it is reaped); on
    Windows always False (there ``os.kill`` would end it)."""
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def kill_group(process: subprocess.Popen) -> None:
    """End ``process`` and, on POSIX, every process left in its group."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):
            process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def place(produced: Path, docx: Path) -> Path:
    """Copy ``produced`` beside ``docx`` as NAME.pdf, through a temporary file and a
    rename (a reader never sees half a PDF)."""
    target = docx.with_suffix(".pdf")
    write_output(target, copied(produced), "PDF")
    return target
