"""Edit a .docx in LibreOffice the way a reviewer does, through its UNO API.

Run by the Python that has LibreOffice's ``uno`` module (Debian's python3-uno), not by
the project's Python:

    python3 tests/uno_edit.py IN.docx OUT.docx "old sentence" "new sentence" "comment" AUTHOR

The document is loaded as a model without a view (the no-GUI LibreOffice aborts when
a document with a new comment is saved from a view); change tracking is turned on,
the sentence replaced, a comment put on the new words, and the document saved as Word.
The result has w:ins/w:del by AUTHOR and word/comments.xml.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(port: int, profile: str) -> tuple[subprocess.Popen, object, object]:
    soffice = shutil.which("soffice") or "soffice"
    process = subprocess.Popen(
        [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
         f"--accept=socket,host=127.0.0.1,port={port};urp;",
         f"-env:UserInstallation=file://{profile}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            context = resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            desktop = context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context)
            return process, desktop, context
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.5)
    process.kill()
    raise SystemExit("LibreOffice did not start")


def store(document: object, out: str) -> None:
    document.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "MS Word 2007 XML"),))


def set_author(context: object, author: str) -> None:
    """Tracked changes are signed with the profile's user name."""
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    first, _, last = author.partition(" ")
    access.setPropertyValue("givenname", first)
    access.setPropertyValue("sn", last)
    access.commitChanges()


def session(profile: str, work) -> None:
    """Start LibreOffice, run ``work(context)``, stop it."""
    port = 20000 + (os.getpid() * 7 + int(time.time())) % 20000
    process, desktop, context = connect(port, profile)
    try:
        work(context)
    finally:
        with contextlib.suppress(Exception):  # already gone
            desktop.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def load(context: object, path: str) -> object:
    """A document model without a view (the no-GUI LibreOffice aborts when a document
    with a new comment is saved from a view)."""
    document = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.text.TextDocument", context)
    document.load((prop("URL", uno.systemPathToFileUrl(path)),
                   prop("FilterName", "MS Word 2007 XML")))
    return document


def find(document: object, sentence: str) -> object:
    """A text cursor selecting ``sentence`` in the body (searching needs a view)."""
    text = document.getText()
    paragraphs = text.createEnumeration()
    while paragraphs.hasMoreElements():
        paragraph = paragraphs.nextElement()
        if paragraph.supportsService("com.sun.star.text.Paragraph"):
            cursor = select(text, paragraph, sentence)
            if cursor is not None:
                return cursor
    raise SystemExit(f"not in the document: {sentence!r}")


def find_in_notes(document: object, sentence: str) -> object:
    """A text cursor selecting ``sentence`` in a footnote."""
    notes = document.getFootnotes()
    for index in range(notes.getCount()):
        note = notes.getByIndex(index)
        cursor = select(note, note, sentence)
        if cursor is not None:
            return cursor
    raise SystemExit(f"not in a footnote: {sentence!r}")


def select(text: object, part: object, sentence: str) -> object | None:
    """A cursor of ``text`` selecting ``sentence`` in ``part`` (a paragraph or a
    footnote), or None when it is not there."""
    content = part.getString()
    if sentence not in content:
        return None
    cursor = text.createTextCursorByRange(part.getStart())
    cursor.goRight(content.index(sentence), False)
    cursor.goRight(len(sentence), True)
    return cursor


def apply(document: object, op: dict, author: str) -> None:
    """One reviewer's edit: ``replace`` a sentence (with an optional ``comment`` on the
    new words), ``note`` (replace in a footnote), or ``insert`` a new paragraph after
    the one holding ``after``."""
    if op["op"] == "note":
        find_in_notes(document, op["old"]).setString(op["new"])
        return
    if op["op"] == "insert":
        cursor = find(document, op["after"])
        cursor.gotoEndOfParagraph(False)
        text = document.getText()
        text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK
        text.insertString(cursor, op["text"], False)
        return
    cursor = find(document, op["old"])
    cursor.setString(op["new"])  # a tracked deletion of the old, insertion of the new
    if op.get("comment"):
        note = document.createInstance("com.sun.star.text.TextField.Annotation")
        note.Author, note.Content = author, op["comment"]
        document.getText().insertTextContent(cursor, note, True)


def main() -> None:
    """``IN OUT OLD NEW COMMENT AUTHOR``, or ``IN OUT --ops OPS.json AUTHOR`` for a list
    of edits (see :func:`apply`)."""
    import json

    if sys.argv[3] == "--ops":
        source, final, _, ops_file, author = sys.argv[1:6]
        with open(ops_file, encoding="utf-8") as handle:
            ops = json.load(handle)
    else:
        source, final, old, new, comment, author = sys.argv[1:7]
        ops = [{"op": "replace", "old": old, "new": new, "comment": comment}]
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    work = tempfile.mkdtemp(prefix="lo-work-")  # LibreOffice leaves lock files beside
    source = shutil.copy(source, os.path.join(work, "in.docx"))
    out = os.path.join(work, "out.docx")

    def edit(context: object) -> None:
        set_author(context, author)
        document = load(context, source)
        document.RecordChanges = True
        for op in ops:
            apply(document, op, author)
        store(document, out)
        document.close(True)

    try:
        session(profile, edit)
        shutil.copy(out, final)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
