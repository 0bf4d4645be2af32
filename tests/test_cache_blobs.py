"""Large cache results live in sealed files of their own (drafting.cache.Cache blobs)."""

from __future__ import annotations

import json
from pathlib import Path

from drafting.cache import BLOB, CACHE_DIR, Cache

BIG = {"text": "x" * 500}
SMALL = {"text": "y"}


def open_cache(root: Path) -> Cache:
    return Cache(root, "t", "1", keep=10, blob_over=100)


def index(root: Path) -> dict:
    """The entries of the cache file as stored (after its seal and header line)."""
    data = (root / CACHE_DIR / "t.json").read_bytes()
    lines = data[data.index(b"{"):].split(b"\n")[1:]
    return {key.decode(): "BLOB" if value == BLOB else json.loads(value) for key, _, value in
            (line.partition(b"\t") for line in lines)}


def blobs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / CACHE_DIR / "t-blobs").glob("*.json"))


def test_a_large_result_gets_a_file_and_comes_back(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    cache.put("big", BIG)
    cache.put("small", SMALL)
    cache.save()
    assert index(tmp_path) == {"big": "BLOB", "small": SMALL}
    assert blobs(tmp_path) == ["big"]
    again = open_cache(tmp_path)
    assert again.get("big") == BIG and again.get("small") == SMALL
    again.put("other", {"text": "z" * 300})  # a run that adds one keeps the rest as they are
    again.save()
    assert blobs(tmp_path) == ["big", "other"]
    assert index(tmp_path)["big"] == "BLOB"
    third = open_cache(tmp_path)
    assert third.get("big") == BIG and third.get("other") == {"text": "z" * 300}


def test_a_damaged_blob_is_a_miss_not_an_error(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    cache.put("big", BIG)
    cache.save()
    blob = tmp_path / CACHE_DIR / "t-blobs" / "big.json"
    blob.write_bytes(blob.read_bytes().replace(b"x", b"w", 1))  # same size, other bytes
    assert open_cache(tmp_path).get("big") is None


def test_a_blob_no_longer_kept_is_deleted(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "t", "1", keep=0, blob_over=100)
    cache.put("big", BIG)
    cache.save()
    later = Cache(tmp_path, "t", "1", keep=0, blob_over=100)
    later.put("small", SMALL)  # "big" is not used by this run, and none are kept
    later.save()
    assert blobs(tmp_path) == [] and index(tmp_path) == {"small": SMALL}


def test_a_blob_another_version_wrote_under_the_same_key_is_a_miss(tmp_path: Path) -> None:
    """Version 1 keeps a large result; version 2 then writes its own under the same key;
    version 1's index put back (a Ctrl-C between version 2's writes, or version 1
    reading while version 2 writes) must not hand version 2's result to version 1."""
    first = Cache(tmp_path, "t", "1", keep=10, blob_over=100)
    first.put("big", BIG)
    first.save()
    index_path = tmp_path / CACHE_DIR / "t.json"
    index = index_path.read_bytes()
    second = Cache(tmp_path, "t", "2", keep=10, blob_over=100)
    second.put("big", {"text": "z" * 500})
    second.save()
    index_path.write_bytes(index)
    assert Cache(tmp_path, "t", "1", keep=10, blob_over=100).get("big") is None
