"""The cache file's lines (drafting.cache.Cache): one entry per line, decoded only
when asked for, written back as read; whatever runs put and get, a cache gives back
what a plain dictionary would (as JSON gives it back), and a damaged file is a miss."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting import seal
from drafting.cache import CACHE_DIR, Cache, memoized

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(["a", "b", "c", "d", "0f" * 16])
#: A run: what it puts, then what it reads back in a later run.
RUNS = st.lists(st.lists(st.tuples(KEYS, JSON), max_size=4), min_size=1, max_size=4)


def open_cache(root: Path, keep: int = 100) -> Cache:
    return Cache(root, "t", "1", keep=keep, blob_over=40)


def payload(root: Path) -> bytes:
    data = (root / CACHE_DIR / "t.json").read_bytes()
    return seal.unseal(data, "t.json") or b""


@settings(max_examples=60, deadline=None)
@given(runs=RUNS)
def test_a_cache_gives_back_what_a_dictionary_would(tmp_path_factory, runs) -> None:
    root = tmp_path_factory.mktemp("lines")
    model: dict[str, object] = {}
    for puts in runs:
        cache = open_cache(root)
        for key in model:  # every earlier result comes back, as JSON gives it back
            assert cache.get(key) == model[key]
        for key, value in puts:
            cache.put(key, value)
            model[key] = json.loads(json.dumps(value))
            assert cache.get(key) == model[key]  # within the run too
        cache.save()
    final = open_cache(root)
    assert {key: final.get(key) for key in model} == model


def test_an_entry_a_run_does_not_use_is_written_back_as_it_was(tmp_path: Path) -> None:
    first = open_cache(tmp_path)
    first.put("kept", {"text": "\u201cquoted\u201d", "n": [1, 2.5, None]})
    first.save()
    stored = payload(tmp_path).split(b"\n")[1]
    second = open_cache(tmp_path)
    second.put("new", [1])
    second.save()
    assert stored in payload(tmp_path).split(b"\n")  # not decoded, not re-encoded
    assert open_cache(tmp_path).get("kept") == {"text": "\u201cquoted\u201d",
                                                "n": [1, 2.5, None]}


def test_a_damaged_or_foreign_file_is_a_miss_not_an_error(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    cache.put("a", "value")
    cache.save()
    path = tmp_path / CACHE_DIR / "t.json"
    path.write_bytes(path.read_bytes().replace(b"value", b"valuf"))  # same size
    assert open_cache(tmp_path).get("a") is None
    # sealed by this user but not JSON (a bug, or a half-written line): a miss too
    header = open_cache(tmp_path).header()
    path.write_bytes(seal.seal(header + b"\na\t[1,\nb\t{\"x\"", "t.json"))
    again = open_cache(tmp_path)
    assert again.get("a") is None and again.get("b") is None
    again.put("c", 3)
    again.save()  # the broken lines are dropped when it saves
    assert payload(tmp_path).split(b"\n")[1:] == [b"c\t3"]


def test_another_version_or_format_is_not_read(tmp_path: Path) -> None:
    """Lines written by another drafting (another version in the header), and the
    format before lines (one JSON document), are misses."""
    cache = open_cache(tmp_path)
    (tmp_path / CACHE_DIR).mkdir()
    path = tmp_path / CACHE_DIR / "t.json"
    other = json.dumps({"version": "0:other", "format": "lines"}).encode()
    path.write_bytes(seal.seal(other + b"\na\t1", "t.json"))
    assert open_cache(tmp_path).get("a") is None
    old = json.dumps({"version": cache.version, "entries": {"a": 1}}).encode()
    path.write_bytes(seal.seal(old, "t.json"))
    assert open_cache(tmp_path).get("a") is None
    path.write_bytes(seal.seal(cache.header() + b"\na\t1", "t.json"))
    assert open_cache(tmp_path).get("a") == 1  # (the same lines under this header)


def test_a_key_that_would_break_a_line_is_not_kept(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    for key in ("a\tb", "a\nb"):
        try:
            cache.put(key, 1)
        except ValueError:
            continue
        raise AssertionError(f"{key!r} was accepted")
    cache.put("fine", 1)
    cache.save()
    assert payload(tmp_path).split(b"\n")[1:] == [b"fine\t1"]


def test_memoized_keeps_a_result_that_json_can_hold_and_computes_once(tmp_path: Path) -> None:
    calls = []

    def compute() -> tuple:
        calls.append(1)
        return ("a", (1, 2))

    cache = open_cache(tmp_path)
    assert memoized(cache, b"data", "kind", compute) == ("a", (1, 2))
    cache.save()
    later = open_cache(tmp_path)
    assert memoized(later, b"data", "kind", compute) == ["a", [1, 2]]  # as JSON holds it
    assert len(calls) == 1
    assert memoized(later, b"other", "kind", lambda: {1, 2}) == {1, 2}  # not JSON: not kept
    later.save()
    assert len(payload(tmp_path).split(b"\n")) == 2


def test_the_code_digest_changes_with_any_code_style_or_table(tmp_path: Path) -> None:
    """A cache made by one drafting is never read by another: every module, built-in
    style, Bluebook table and data file is in the digest; other files are not."""
    import shutil

    import drafting
    from drafting.cache import code_digest, package_digest

    package = tmp_path / "drafting"
    shutil.copytree(Path(drafting.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = package_digest(str(package))
    assert first == code_digest()  # the copy is the same code
    for name in ("model.py", "styles/house.yaml", "styles/tables/T6.yaml",
                 "data/spellings.yaml"):
        path = package / name
        original = path.read_bytes()
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # same size
        assert package_digest(str(package)) != first, name
        path.write_bytes(original)
    (package / "new.py").write_text("")
    assert package_digest(str(package)) != first  # a module added
    (package / "new.py").unlink()
    (package / "notes.txt").write_text("not code")
    assert package_digest(str(package)) == first
