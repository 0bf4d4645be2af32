"""drafting.hashing: CPython's built-in hash functions, the digests hashlib gives, and
a build from the cache that does not load OpenSSL (hashlib) at all."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from drafting import hashing

ROOT = Path(__file__).resolve().parent.parent


@given(st.binary(max_size=300), st.binary(max_size=64), st.integers(1, 64))
def test_the_same_digests_as_hashlib(data: bytes, key: bytes, size: int) -> None:
    assert hashing.sha1(data).hexdigest() == hashlib.sha1(data).hexdigest()
    assert hashing.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert hashing.blake2b(data, key=key, digest_size=size).hexdigest() == \
        hashlib.blake2b(data, key=key, digest_size=size).hexdigest()
    other = hashlib.sha1(key).digest()
    assert hashing.compare_digest(data, other) == hmac.compare_digest(data, other)


def test_a_build_from_the_cache_does_not_load_openssl(tmp_path: Path) -> None:
    for part in ("snippets", "templates", "briefs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "sources.bib", tmp_path)
    code = ("import atexit, sys\nbefore = set(sys.modules)  # (a site hook may have loaded some)\n"
            "sys.argv = ['drafting', 'build', 'briefs/kazakhstan-2020.md']\n"
            "atexit.register(lambda: print(sorted({'hashlib', '_hashlib', 'hmac'}\n"
            "                                     & (set(sys.modules) - before))))\n"
            "from drafting.__main__ import run\nrun()")
    fact = tmp_path / "snippets" / "kazakhstan" / "arrests-intimidation-digest.md"

    def build() -> str:
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout.splitlines()[-1]

    build()  # renders the template (docxtpl may load hashlib) and fills the cache
    fact.write_text(fact.read_text(encoding="utf-8") + " An edit.", encoding="utf-8")
    assert build() == "[]"
