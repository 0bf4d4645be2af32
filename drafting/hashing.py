"""The hash functions drafting uses, without loading OpenSSL.

Importing ``hashlib`` loads OpenSSL's libcrypto (2-3 ms of every run) to offer
algorithms drafting does not use. BLAKE2b, SHA-1 and SHA-256 are built into CPython
too (``_blake2``, ``_sha1``, ``_sha256``, called ``_sha2`` from 3.12): they come from
there when the interpreter has them, else from ``hashlib``. The same bytes give the
same digests either way. ``hmac`` also loads OpenSSL; its constant-time comparison
falls back on ``_operator._compare_digest``, taken here directly.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter without CPython's built-in modules
    from hashlib import blake2b
try:
    from _sha1 import sha1
except ImportError:
    from hashlib import sha1
try:
    from _sha2 import sha256  # type: ignore[import-not-found]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[no-redef]
try:
    from _operator import _compare_digest as compare_digest
except ImportError:
    from hmac import compare_digest

__all__ = ["blake2b", "compare_digest", "sha1", "sha256"]
