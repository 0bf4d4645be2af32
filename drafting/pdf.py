"""Turn a built .docx into PDF with LibreOffice (most filing portals want PDF)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from drafting.errors import DraftingError, Location
from drafting.store import copied, write_output

TIMEOUT = 300


#: Where LibreOffice's installers put it when it is not on the PATH.
INSTALLED = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
             r"C:\Program Files\LibreOffice\program\soffice.exe",
             r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def find_soffice() -> str | None:
    """The LibreOffice program, if installed: on the PATH, else where its installer
    for macOS or Windows puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((p for p in INSTALLED if Path(p).is_file()), None)


def to_pdf(docx: Path) -> Path:
    """Write ``docx``'s PDF beside it (same name, .pdf), through a temporary file."""
    soffice = find_soffice()
    if soffice is None:
        raise DraftingError("--pdf needs LibreOffice, which is not installed (no 'soffice' "
                            "program); install it, e.g. `apt-get install "
                            "libreoffice-writer-nogui`, or build without --pdf",
                            Location(docx))
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="drafting-pdf-") as work:
        profile = Path(work) / "profile"  # a private profile: no clash with a running office
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", work, str(docx)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise DraftingError(f"LibreOffice took more than {TIMEOUT} s to make the PDF",
                                Location(docx)) from None
        produced = Path(work) / f"{docx.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            detail = " ".join((done.stderr or done.stdout).split())[:200]
            raise DraftingError(f"LibreOffice could not make a PDF ({detail or 'no output'})",
                                Location(docx))
        write_output(target, copied(produced), "PDF")
    return target
