"""Read YAML (front matter, styles, ``drafting.yaml``) into plain, bounded data.

Only what a library needs comes through: text, whole and finite numbers, true/false,
empty, dates (real ones), lists, and mappings with text keys. Anything else (``!!set``,
``!!binary``, ``!!python/...``, dates with a time, ``.inf``, keys that are numbers)
and anything too big (an alias "bomb", thousands of nested levels: the limits of
:func:`drafting.limits.check_yaml`) is refused with an error naming the file and the
line of the offending value. The document is checked as events, then as a graph of
nodes, before any Python value is built, so a hostile file costs time in proportion to
its size.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from drafting.errors import DraftingError, Location, raise_all
from drafting.limits import check_yaml
from drafting.patterns import pattern

YAML = "tag:yaml.org,2002:"
SCALARS = {f"{YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
DATE = pattern(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NOT_FINITE = pattern(r"^[-+]?\.(inf|nan)$", re.I)
TAG_NAMES = {"set": "a set (!!set)", "binary": "binary data (!!binary)",
             "omap": "an ordered map (!!omap)", "pairs": "pairs (!!pairs)"}

#: The shapes :func:`plain_fields` reads without PyYAML: a key, then a word list, a quoted
#: or plain one-line text, or a date. A plain text or word starts with a letter and holds
#: none of YAML's indicators, so YAML could only read it as text, unless it is one of
#: YAML 1.1's true/false/empty words (told apart below, in any case).
PLAIN_LINE = pattern(r"([a-z_][a-z0-9_-]*):[ ]+(.*)")
PLAIN_TEXT = pattern(r"[A-Za-z][^:#\[\]{},\"\\]*")
QUOTED_TEXT = pattern(r'"([^"\\]*)"|\'([^\']*)\'')
WORD_LIST = pattern(r"\[\s*((?:[A-Za-z][\w.-]*\s*,\s*)*[A-Za-z][\w.-]*)?\s*\]")
PLAIN_DATE = pattern(r"(\d{4})-(\d{2})-(\d{2})")
NOT_TEXT = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def parse_yaml(text: str, path: Path, first_line: int = 1, what: str = "") -> Any:
    """The data of a YAML document (``first_line``: the file line of its first line;
    ``what``: how messages name it, e.g. "front matter")."""
    try:
        return parse_document(text, path, first_line)
    except DraftingError as err:
        if not what:
            raise
        raise_all([named(one, what) for one in getattr(err, "errors", [err])])


def named(err: DraftingError, what: str) -> DraftingError:
    """An error with what was being read in front: "front matter: ..."."""
    message = f"{what} is {err.message}" if err.message.startswith("not valid") \
        else f"{what}: {err.message}"
    return DraftingError(message, err.where)


def parse_document(text: str, path: Path, first_line: int) -> Any:
    """:func:`parse_yaml` without the name in its messages."""
    fields = plain_fields(text)
    return fields if fields is not None else read_with_pyyaml(text, path, first_line)


def read_with_pyyaml(text: str, path: Path, first_line: int) -> Any:
    """:func:`parse_document` for any YAML: checked as events, then as nodes, then built."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        try:
            check_yaml(text, Location(path, first_line))  # size, depth, aliases: as events
            node = loader.get_single_node()
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or "invalid YAML"
            raise DraftingError(f"not valid YAML: {problem}",
                                Location(path, first_line + (mark.line if mark else 0))) from None
        if node is None:
            return None
        check_node(node, path, first_line)
        try:
            return loader.construct_document(node)
        except Exception as err:  # noqa: BLE001 - e.g. !!bool 2016-02-30 (a KeyError)
            raise DraftingError(f"a value cannot be read: {err}",
                                Location(path, first_line)) from None
    finally:
        loader.dispose()


def plain_fields(text: str) -> dict[str, Any] | None:
    """The fields of YAML made only of ``key: value`` lines whose values are one-line
    text, a list of words or a date, read without PyYAML (most front matter is this, and
    PyYAML is most of a cold check); None for anything else, which PyYAML then reads.
    Whatever this returns, PyYAML returns too (``tests/test_yamldata.py``)."""
    if len(text) > 10_000 or "\r" in text:
        return None
    fields: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        match = PLAIN_LINE.fullmatch(line.rstrip(" "))
        if match is None or match[1] in fields or match[1] in NOT_TEXT:
            return None
        value = plain_value(match[2])
        if value is None:
            return None
        fields[match[1]] = value
    return fields or None


def plain_value(raw: str) -> Any:
    """One value of :func:`plain_fields`, or None when it is not one of its shapes."""
    if not raw.isprintable():  # tabs, and what YAML counts as a line break (U+2028)
        return None
    if (match := QUOTED_TEXT.fullmatch(raw)) is not None:
        return match[1] if match[1] is not None else match[2]
    if (match := WORD_LIST.fullmatch(raw)) is not None:
        words = [w.strip() for w in match[1].split(",")] if match[1] else []
        return None if any(w.lower() in NOT_TEXT for w in words) else words
    if (match := PLAIN_DATE.fullmatch(raw)) is not None:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None  # PyYAML reads it, and says what is wrong
    if PLAIN_TEXT.fullmatch(raw) and raw.lower() not in NOT_TEXT:
        return raw
    return None


def check_node(root: Any, path: Path, first_line: int) -> None:
    """Refuse values a library has no use for, one error per value, and a value that
    contains itself (size and depth were bounded by :func:`check_yaml` already)."""
    done: set[int] = set()
    pending: set[int] = set()  # open on the path from the root: meeting one is a loop
    problems: list[DraftingError] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            pending.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in done:
            continue
        where = Location(path, first_line + node.start_mark.line)
        if id(node) in pending:
            raise DraftingError("YAML refers to itself (an alias inside its own anchor); "
                                "write the values out", where)
        try:
            check_tag(node, where)
        except DraftingError as err:
            problems.append(err)
        pending.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children(node) if id(child) not in done)
    raise_all(sorted(problems, key=lambda err: (err.where.line or 0) if err.where else 0))


def children(node: Any) -> list[Any]:
    """The nodes inside a list or mapping node (keys and values)."""
    if node.tag == f"{YAML}seq":
        return list(node.value)
    if node.tag == f"{YAML}map":
        return [part for pair in node.value for part in pair]
    return []


def check_tag(node: Any, where: Location) -> None:
    """Refuse a node whose type a library has no use for."""
    tag = node.tag
    if tag in (f"{YAML}seq", f"{YAML}merge"):
        return
    if tag == f"{YAML}map":
        for key, _ in node.value:
            if key.tag not in (f"{YAML}str", f"{YAML}merge"):
                raise DraftingError(f"the key '{key.value}' is not text; put it in quotes",
                                    where.shifted(key.start_mark.line - node.start_mark.line))
        return
    if tag not in SCALARS:
        name = TAG_NAMES.get(tag.removeprefix(YAML), f"a value tagged {tag}")
        raise DraftingError(f"{name} is not allowed here; write plain text, numbers, dates, "
                            "lists or mappings", where)
    if tag == f"{YAML}timestamp":
        check_date(str(node.value), where)
    elif tag == f"{YAML}float" and NOT_FINITE.match(str(node.value)):
        raise DraftingError(f"'{node.value}' is not a usable number; give a finite number "
                            "or put it in quotes", where)


def check_date(value: str, where: Location) -> None:
    """A timestamp must be a real calendar date, without a time."""
    match = DATE.match(value.strip())
    if not match and DATE.match(re.split(r"[Tt ]", value.strip())[0]):
        raise DraftingError(f"'{value}' is a date and time; give the date alone "
                            "(2020-01-17), or put it in quotes", where)
    if not match:
        raise DraftingError(f"'{value}' is not a date like 2020-01-17; correct it, or put it "
                            "in quotes", where)
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise DraftingError(f"'{value}' is not a real date; check the day and month "
                            "(YYYY-MM-DD)", where) from None
