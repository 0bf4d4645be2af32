"""Keep one LibreOffice warm and turn .docx files into PDFs through it (UNO).

Not imported by drafting: :mod:`drafting.office` runs this file with the Python that
has LibreOffice's ``uno`` module (Debian's python3-uno, or the one LibreOffice ships),
which is often not the project's Python. It uses only the standard library and uno:

    python3 office_bridge.py SOFFICE WORK_DIR PIPE_NAME

It starts ``SOFFICE`` headless with a private profile in WORK_DIR (a temporary folder
it removes when it ends, even if its client was killed), listening on a named pipe, and
says ``{"ready": true, "pid": N}`` on stdout. Then each line on stdin,
``{"docx": IN, "pdf": OUT}``, is answered with ``{"ok": true}`` once OUT is written, or
``{"error": "..."}``. At the end of stdin LibreOffice is shut down (killed if it does
not go within a few seconds) and the bridge exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

START_TIMEOUT = 60.0  # seconds for LibreOffice to start listening


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def start(soffice: str, profile: str, pipe: str) -> subprocess.Popen:
    """LibreOffice, headless, listening on ``pipe``; in this process's group, so that the
    client can end both at once if this bridge ever hangs. Its own temporary files go
    beside the profile, so they go with it even when LibreOffice crashed."""
    scratch = os.path.join(os.path.dirname(profile), "tmp")
    os.makedirs(scratch, exist_ok=True)
    env = {**os.environ, "TMPDIR": scratch, "TMP": scratch, "TEMP": scratch}
    return subprocess.Popen(
        [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
         f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def connect(process: subprocess.Popen, pipe: str) -> object:
    """The desktop of the LibreOffice at ``pipe``, once it listens."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context)
        except Exception:  # noqa: BLE001 - not listening yet
            if process.poll() is not None:
                raise RuntimeError(f"LibreOffice stopped at start (status "
                                   f"{process.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not start in {START_TIMEOUT:g} s") from None
            time.sleep(0.05)


def convert(desktop: object, docx: str, pdf: str) -> None:
    """Load ``docx`` hidden and read-only (no lock file), export it as ``pdf``, close it."""
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(docx), "_blank", 0,
        (prop("Hidden", True), prop("ReadOnly", True)))
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        document.storeToURL(uno.systemPathToFileUrl(pdf),
                            (prop("FilterName", "writer_pdf_Export"),))
    finally:
        document.close(True)


def stop(process: subprocess.Popen, desktop: object | None) -> None:
    """Ask LibreOffice to quit; kill it if it has not gone within a few seconds."""
    if desktop is not None:
        with contextlib.suppress(Exception):  # the bridge is gone once it quits
            desktop.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve(desktop: object) -> None:
    """Answer one conversion request per line of stdin, until it ends."""
    for line in sys.stdin:
        try:
            request = json.loads(line)
            convert(desktop, request["docx"], request["pdf"])
        except Exception as err:  # noqa: BLE001 - every failure is an answer
            say({"error": " ".join(str(err).split())[:300] or type(err).__name__})
        else:
            say({"ok": True})


def main(soffice: str, work: str, pipe: str) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client decides when to stop
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # still shut LibreOffice down
    try:
        return run(soffice, os.path.join(work, "profile"), pipe)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(soffice: str, profile: str, pipe: str) -> int:
    """Start LibreOffice, serve the client, shut LibreOffice down; the exit status."""
    process = start(soffice, profile, pipe)
    desktop = None
    try:
        desktop = connect(process, pipe)
        say({"ready": True, "pid": process.pid})
        serve(desktop)
    except Exception as err:  # noqa: BLE001 - said to the client, which falls back
        say({"error": " ".join(str(err).split())[:300]})
        return 1
    finally:
        stop(process, desktop)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or not os.path.isdir(sys.argv[2]):
        sys.exit("usage: office_bridge.py SOFFICE WORK_DIR PIPE_NAME")
    sys.exit(main(*sys.argv[1:]))
